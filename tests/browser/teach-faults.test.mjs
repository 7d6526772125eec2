// Teach mode when things go wrong (docs/teach.md, docs/reliability.md): a damaged taught set kept
// in the browser, an imported set without a frame, files over the size limits, and the engine
// restarting while the taught model is the current one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startAll, openPage, recallEnded, recallCount, recallBegun } from './harness.mjs';
import { seeded, digitStroke, drawUnitStroke } from './teach-digits.mjs';

let env;
before(async () => {
  env = await startAll();
});
after(async () => {
  await env?.close();
});

const STORAGE_KEY = 'pcrnn.taught-set';
const error = (page) => page.locator('[data-testid="error"]');
const count = (page) => page.locator('[data-testid="teach-status"]').getAttribute('data-count');
const waitCount = (page, n) => page.waitForSelector(`[data-testid="teach-status"][data-count="${n}"]`, { timeout: 10_000 });

async function recallsALetter(page) {
  await page.click('button#retrieve');
  const r = await recallEnded(page);
  assert.equal(r.state, 'done');
  assert.ok(r.letter, 'a recalled letter');
}

test('a damaged taught set kept in the browser gets a message and is left alone', async () => {
  const damaged = '{"labels": ["1", "2"], "trajectories": [[[0, 0], [1, 1]]';
  const { page, context, log } = await openPage(env, {
    reducedMotion: 'reduce',
    init: ([key, text]) => localStorage.setItem(key, text),
    initArg: [STORAGE_KEY, damaged],
  });
  await error(page).waitFor({ state: 'visible' });
  assert.match(await page.locator('[data-testid="error"] .error-body').innerText(), /The taught set kept in this browser could not be used.*\s+.*not valid/);
  assert.equal(await count(page), '0');
  assert.equal(await page.evaluate((key) => localStorage.getItem(key), STORAGE_KEY), damaged, 'left as it was');
  await recallsALetter(page);
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('an imported set without a frame gets the frame its trajectories imply', async () => {
  const { page, context, log } = await openPage(env);
  const curve = (k) => Array.from({ length: 60 }, (_, t) => [0.3 * k + t / 40, Math.sin((k + 1) * t / 12)]);
  const set = { labels: ['a', 'b', 'c'], trajectories: [curve(0), curve(1), curve(2)] };
  await page.setInputFiles('input#teach-import', { name: 'no-frame.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(set)) });
  await waitCount(page, 3);
  const stored = await page.evaluate((key) => JSON.parse(localStorage.getItem(key)), STORAGE_KEY);
  assert.deepEqual(stored.trajectories, set.trajectories);
  // The implied frame (docs/teach.md): the letters' length, their mean first point, and the
  // mean RMS radius of a letter about its centroid.
  const n = set.trajectories.length;
  const start = [0, 1].map((d) => set.trajectories.reduce((a, t) => a + t[0][d], 0) / n);
  const size = set.trajectories.reduce((a, t) => {
    const c = [0, 1].map((d) => t.reduce((s, p) => s + p[d], 0) / t.length);
    return a + Math.sqrt(t.reduce((s, p) => s + (p[0] - c[0]) ** 2 + (p[1] - c[1]) ** 2, 0) / t.length) / n;
  }, 0);
  assert.equal(stored.frame.length, 60);
  for (const d of [0, 1]) assert.ok(Math.abs(stored.frame.start[d] - start[d]) < 1e-12, `start ${stored.frame.start} vs ${start}`);
  assert.ok(Math.abs(stored.frame.size - size) < 1e-12, `size ${stored.frame.size} vs ${size}`);
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('files over the size limits are refused before reading, and nothing changes', async () => {
  const { page, context, log } = await openPage(env);
  // An imported taught set: at most 5 MB (src/teach.rs MAX_SET_BYTES), one byte over.
  const big = Buffer.alloc(5 * 1024 * 1024 + 1, 0x20);
  await page.setInputFiles('input#teach-import', { name: 'big-set.json', mimeType: 'application/json', buffer: big });
  await error(page).waitFor({ state: 'visible' });
  assert.match(await page.locator('[data-testid="error"] .error-body').innerText(), /That file is over 5 MB, the most a taught set may be\./);
  assert.equal(await count(page), '0');
  await page.click('#error-close');

  // A model file: at most 32 MB (src/data/formats.rs MAX_JSON_BYTES); 1 MB over.
  const huge = Buffer.alloc(33 * 1024 * 1024, 0x20);
  await page.setInputFiles('#upload-model', { name: 'huge-model.json', mimeType: 'application/json', buffer: huge });
  await error(page).waitFor({ state: 'visible' });
  assert.match(await page.locator('[data-testid="error"] .error-body').innerText(), /That file is 33 MB; a model file is at most 32 MB\./);
  assert.equal(await page.locator('#model-source').innerText(), 'pretrained', 'the model stays');
  await recallsALetter(page);
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('the engine restarting while the taught model is current restores the taught model', async () => {
  const { page, context, log } = await openPage(env, { query: '?test-hooks', hash: '#trials=200', reducedMotion: 'reduce' });
  const rand = seeded(21);
  for (const digit of ['1', '2', '3']) {
    await page.fill('input#teach-label', digit);
    await drawUnitStroke(page, 'canvas#teach-pad', digitStroke(digit, rand));
    await waitCount(page, ['1', '2', '3'].indexOf(digit) + 1);
  }
  await page.fill('input#teach-iterations', '200');
  await page.selectOption('select#teach-from', 'scratch');
  await page.click('button#teach-learn');
  await page.waitForSelector('[data-testid="teach-status"]:is([data-state="done"], [data-state="error"])', { timeout: 120_000 });
  assert.match(await page.locator('#model-source').innerText(), /taught here: 3 exemplars/);
  const trainedLoss = await page.locator('#loss-value').innerText();

  await page.evaluate(() => window.pcrnnTest.panic('test fault with a taught model'));
  await page.waitForFunction(() => document.querySelector('#model-source').textContent === 'restored', null, { timeout: 60_000 });
  assert.match(await page.locator('[data-testid="error"] .error-body').innerText(), /restarted with the last good model.*\s+.*test fault with a taught model/);
  assert.equal(await page.locator('#loss-value').innerText(), trainedLoss, 'the taught model, not the shipped one');
  // It recalls among the taught labels.
  const before = await recallCount(page);
  await drawUnitStroke(page, 'canvas#draw-pad', digitStroke('2', rand));
  await recallBegun(page, before);
  const r = await recallEnded(page);
  assert.equal(r.state, 'done');
  assert.deepEqual(await page.locator('#posterior .pbar .lab').allInnerTexts(), ['1', '2', '3', '∅']);
  assert.ok(['1', '2', '3'].includes(r.letter), `recalled ${r.letter}`);
  assert.equal(await count(page), '3', 'the taught set stays');
  assert.deepEqual(log.errors, []);
  await context.close();
});
