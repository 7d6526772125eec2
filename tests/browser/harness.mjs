// Shared set-up for the browser tests: a static server on a free loopback port, headless Debian
// Chromium driven by playwright-core, and a page that records console errors and every request.
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from '../../scripts/serve.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '../..');
export const www = path.join(root, 'www');
export const shots = path.join(here, 'screenshots');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function startAll() {
  if (!fs.existsSync(path.join(www, 'pkg', 'pcrnn_bg.wasm'))) {
    throw new Error('www/pkg is missing: run `make wasm` first');
  }
  fs.mkdirSync(shots, { recursive: true });
  const server = await serve(www, 0);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
  });
  return {
    url: server.url,
    browser,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** A new page that records console errors, page errors and every request URL; `init` (a
 * function, and its argument) runs in the page before its own scripts. */
export async function openPage(env, { viewport = { width: 1280, height: 900 }, query = '', hash = '', reducedMotion = 'no-preference', init = null, initArg, touch = false } = {}) {
  // `touch`: a phone or tablet (touch events, a coarse pointer, the mobile viewport).
  const context = await env.browser.newContext({ viewport, reducedMotion, ...(touch ? { hasTouch: true, isMobile: true } : {}) });
  if (init) await context.addInitScript(init, initArg);
  const page = await context.newPage();
  const log = { errors: [], requests: [] };
  page.on('console', (msg) => {
    if (msg.type() === 'error') log.errors.push(msg.text());
  });
  page.on('pageerror', (err) => log.errors.push(String(err)));
  context.on('request', (req) => log.requests.push(req.url()));
  context.on('response', (res) => {
    if (res.status() >= 400) log.errors.push(`HTTP ${res.status()} for ${res.url()}`);
  });
  const t0 = Date.now();
  await page.goto(env.url + query + hash);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 30_000 });
  log.readyMs = Date.now() - t0;
  return { page, context, log };
}

export const letters = () => JSON.parse(fs.readFileSync(path.join(www, 'data', 'letters.json'), 'utf8'));

export async function screenshot(page, name) {
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

/** What the retrieval panel shows (its data-* attributes: state, letter, ...). */
export const retrievalResult = (page) =>
  page.locator('[data-testid="retrieval-result"]').evaluate((e) => ({ ...e.dataset }));

/** Waits for the recall under way to end (done or error); returns what the panel shows. */
export async function recallEnded(page) {
  await page.waitForSelector('[data-testid="retrieval-result"]:is([data-state="done"], [data-state="error"])', { timeout: 60_000 });
  return retrievalResult(page);
}

/** Draws a trajectory on the pad with the mouse and waits for its recall to end. */
export async function recallDrawn(page, trajectory) {
  await drawTrajectory(page, trajectory);
  return recallEnded(page);
}

/** Draws a trajectory (model frame, y up) on a pad (canvas#draw-pad unless told) with the mouse,
 * fitted into the middle of the pad, one mouse move per point. On the recall pad it returns once
 * the pad has handed the letter over (after its wait for another stroke): the recall has begun. */
export async function drawTrajectory(page, trajectory, { fill = 0.6, pad: selector = 'canvas#draw-pad' } = {}) {
  await page.locator(selector).scrollIntoViewIfNeeded();
  const pad = await page.locator(selector).boundingBox();
  const xs = trajectory.map((p) => p[0]);
  const ys = trajectory.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const s = Math.min((pad.width * fill) / (x1 - x0 || 1), (pad.height * fill) / (y1 - y0 || 1));
  const cx = pad.x + pad.width / 2;
  const cy = pad.y + pad.height / 2;
  const px = ([x, y]) => [cx + (x - (x0 + x1) / 2) * s, cy - (y - (y0 + y1) / 2) * s];
  const count = await recallCount(page);
  const [sx, sy] = px(trajectory[0]);
  await page.mouse.move(sx, sy);
  await page.mouse.down();
  for (const p of trajectory.slice(1)) {
    const [x, y] = px(p);
    await page.mouse.move(x, y);
  }
  await page.mouse.up();
  if (selector === 'canvas#draw-pad') await recallBegun(page, count);
}

/** How many recalls the page has started (`data-count` of the result). */
export const recallCount = (page) => page.locator('[data-testid="retrieval-result"]').evaluate((e) => Number(e.dataset.count ?? 0));

/** Waits until a recall after the first `count` has begun. */
export async function recallBegun(page, count) {
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="retrieval-result"]').dataset.count) > n, count, { timeout: 10_000 });
}

/** Draws `strokes` (lists of [x, y] as fractions of the pad, y down) on a pad, with the mouse or,
 * with `touch`, a finger (Chromium's touch input, which the page sees as touch pointer events).
 * The strokes follow each other at once, as a hand lifting the pen between them. On the recall
 * pad it returns once the recall of the letter has begun (unless `recall` is false: a tap). */
export async function drawStrokes(page, strokes, { touch = false, pad: selector = 'canvas#draw-pad', recall = true } = {}) {
  const count = await recallCount(page);
  await page.locator(selector).scrollIntoViewIfNeeded();
  const box = await page.locator(selector).boundingBox();
  const at = ([fx, fy]) => ({ x: box.x + fx * box.width, y: box.y + fy * box.height });
  if (!touch) {
    for (const stroke of strokes) {
      const p0 = at(stroke[0]);
      await page.mouse.move(p0.x, p0.y);
      await page.mouse.down();
      for (const p of stroke.slice(1)) {
        const q = at(p);
        await page.mouse.move(q.x, q.y);
      }
      await page.mouse.up();
    }
  } else {
    await touchStrokes(page, strokes.map((s) => s.map(at)));
  }
  if (selector === 'canvas#draw-pad' && recall) await recallBegun(page, count);
}

async function touchStrokes(page, strokes) {
  const cdp = await page.context().newCDPSession(page);
  try {
    for (const points of strokes) {
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [points[0]] });
      for (const p of points.slice(1)) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [p] });
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    }
  } finally {
    await cdp.detach();
  }
}

/** A training letter (model frame, y up) as one stroke in pad fractions, fitted into the middle. */
export function letterStroke(trajectory, fill = 0.6) {
  const xs = trajectory.map((p) => p[0]);
  const ys = trajectory.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  // The pad is 4:3: a unit of x is 3/4 of a unit of y in pad fractions.
  const s = Math.min(fill / ((x1 - x0) * 0.75 || 1), fill / (y1 - y0 || 1));
  return trajectory.map(([x, y]) => [0.5 + (x - (x0 + x1) / 2) * s * 0.75, 0.5 - (y - (y0 + y1) / 2) * s]);
}

/** Waits for a model: the pretrained one, or (if the page has none) one trained in the page. */
export async function ensureModel(page) {
  const source = await page.locator('#model-source').innerText();
  if (source === 'pretrained') return;
  await trainFromScratch(page);
  await page.waitForSelector('[data-testid="train-status"][data-state="done"]', { timeout: 180_000 });
}

/** Presses "Train from scratch", and says yes when the page asks before replacing a model it did
 * not train itself (the pretrained one). */
export async function trainFromScratch(page, button = 'button#train') {
  await page.click(button);
  if (await page.locator('dialog#ask[open]').count()) await page.click('#ask-yes');
}

/** The `pcrnn` command line, for the tests that hand the page's output to the CLI: the binary
 * of the test-release profile (`cargo test --profile test-release` in `make test` built it), built again only if a source
 * file is newer — a `cargo build` would rebuild it with other features than the tests'. */
export function pcrnnCli() {
  const targetDir = process.env.CARGO_TARGET_DIR ? path.resolve(root, process.env.CARGO_TARGET_DIR) : path.join(root, 'target');
  const cli = path.join(targetDir, 'test-release', 'pcrnn');
  const newest = (dir) =>
    fs.readdirSync(dir, { withFileTypes: true }).reduce((t, e) => {
      const p = path.join(dir, e.name);
      return Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
    }, 0);
  const sources = Math.max(newest(path.join(root, 'src')), fs.statSync(path.join(root, 'Cargo.lock')).mtimeMs);
  if (!fs.existsSync(cli) || fs.statSync(cli).mtimeMs < sources) {
    execFileSync('cargo', ['build', '--profile', 'test-release', '--quiet', '--bin', 'pcrnn'], { cwd: root, stdio: 'inherit' });
  }
  return cli;
}

/** Runs `pcrnn args`; returns the JSON object of the last line of its stdout (give --json). */
export function runCli(cli, args) {
  const out = execFileSync(cli, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop());
}
