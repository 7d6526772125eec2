// The page loads cleanly, stays on its own origin, has its hooks, and fits small frames.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startAll, openPage, screenshot, ensureModel } from './harness.mjs';

/** Waits for two animation frames: the page has drawn what it had when it became ready. */
const laidOut = (page) => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));

let env;
before(async () => {
  env = await startAll();
});
after(async () => {
  await env?.close();
});

test('loads without console errors, with its test hooks, CSP and local-only note', async () => {
  const { page, context, log } = await openPage(env);
  console.log(`# page ready (engine loaded, model and letters in) after ${log.readyMs} ms`);
  // Errors that come late would come by the end of the start-up work: the engine's warm-up.
  await page.waitForSelector('html[data-warmed="true"]', { timeout: 60_000 });
  assert.deepEqual(log.errors, []);
  for (const sel of ['canvas#draw-pad', '[data-testid="retrieval-result"]', 'button#train', '[data-testid="train-status"]', 'select#target-letter', 'button#retrieve']) {
    assert.equal(await page.locator(sel).count(), 1, `${sel} is present`);
  }
  assert.equal(await page.locator('[data-testid="error"]').count(), 1);
  assert.equal(await page.locator('[data-testid="retrieval-result"]').getAttribute('data-state'), 'idle');
  assert.equal(await page.locator('[data-testid="train-status"]').getAttribute('data-state'), 'idle');
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.match(await page.locator('body').innerText(), /Everything runs in your browser/);
  assert.ok((await page.locator('select#target-letter option').count()) >= 2, 'training letters are offered');
  // Settings are in the address, so a link reproduces a run.
  assert.match(new URL(page.url()).hash, /alpha_x=0\.1.*seed=0/);
  await screenshot(page, 'page-desktop');
  await context.close();
});

test('settings from the URL hash fill the controls', async () => {
  const { page, context } = await openPage(env, { hash: '#alpha_c=0.01&trials=300&seed=7' });
  assert.equal(await page.locator('#set-alpha_c').inputValue(), '0.01');
  assert.equal(await page.locator('#set-trials').inputValue(), '300');
  assert.equal(await page.locator('#set-seed').inputValue(), '7');
  await page.fill('#set-starts', '2');
  await page.locator('#set-starts').dispatchEvent('change');
  assert.match(new URL(page.url()).hash, /starts=2/);
  await context.close();
});

test('a one-point stroke is refused with a readable message, and the page keeps working', async () => {
  const { page, context, log } = await openPage(env);
  const pad = await page.locator('canvas#draw-pad').boundingBox();
  await page.mouse.click(pad.x + pad.width / 2, pad.y + pad.height / 2);
  const error = page.locator('[data-testid="error"]');
  await error.waitFor({ state: 'visible' });
  assert.match(await error.innerText(), /stroke/i);
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('embed mode shows one panel fitted to a small frame', async () => {
  for (const panel of ['recall', 'map', 'loss']) {
    const { page, context, log } = await openPage(env, { viewport: { width: 360, height: 480 }, query: `?embed=${panel}` });
    await laidOut(page);
    assert.ok(await page.locator(`.panel[data-panel="${panel}"]`).isVisible(), `${panel} panel is shown`);
    const expected = panel === 'recall' ? 2 : 1; // the recall panel comes with its map
    assert.equal(await page.locator('.panel:visible').count(), expected, 'only that panel is shown');
    assert.equal(await page.locator('header.masthead').isVisible(), false);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `no horizontal scrolling (${width}px)`);
    assert.deepEqual(log.errors, []);
    await screenshot(page, `embed-${panel}`);
    await context.close();
  }
});

test('the whole page fits a 360-px phone without horizontal scrolling', async () => {
  const { page, context } = await openPage(env, { viewport: { width: 360, height: 740 } });
  await laidOut(page);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `page is ${width}px wide`);
  await screenshot(page, 'page-phone');
  await context.close();
});

test('no request leaves the page origin', async () => {
  const { page, context, log } = await openPage(env);
  await ensureModel(page);
  await page.click('button#retrieve');
  await page.waitForSelector('[data-testid="retrieval-result"][data-state="done"]', { timeout: 60_000 });
  const foreign = log.requests.filter((u) => !u.startsWith(env.url) && !u.startsWith('blob:') && !u.startsWith('data:'));
  assert.deepEqual(foreign, []);
  assert.ok(log.requests.some((u) => u.endsWith('.wasm')), 'the engine was fetched from the page origin');
  await context.close();
});

test('the model downloads as JSON and loads back; a bad file is refused with a message', async () => {
  const { page, context, log } = await openPage(env);
  await ensureModel(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-model')]);
  const file = await download.path();
  const json = JSON.parse(await (await import('node:fs/promises')).readFile(file, 'utf8'));
  assert.equal(json.format, 'pcrnn-model');
  await page.setInputFiles('#upload-model', file);
  await page.waitForFunction(() => document.querySelector('#model-source').textContent.startsWith('loaded'));
  await page.setInputFiles('#upload-model', { name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"format": "pcrnn-model", "version": 1, "dims": ') });
  const error = page.locator('[data-testid="error"]');
  await error.waitFor({ state: 'visible' });
  console.log(`# a truncated model file is answered with: ${(await page.locator('[data-testid="error"] .error-body').innerText()).trim()}`);
  // The model that was there is still there and still recalls.
  assert.match(await page.locator('#model-source').innerText(), /^loaded/);
  await page.click('button#retrieve');
  await page.waitForSelector('[data-testid="retrieval-result"][data-state="done"]', { timeout: 60_000 });
  assert.deepEqual(log.errors, []);
  await context.close();
});
