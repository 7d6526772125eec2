// Faults a visitor can cause (docs/reliability.md): a diverging run, a panic inside the engine,
// and cancelling half-way. Each is reported in [data-testid="error"] (or quietly undone, for a
// cancel), and the page keeps working with the last good model.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startAll, openPage, screenshot, trainFromScratch } from './harness.mjs';

let env;
before(async () => {
  env = await startAll();
});
after(async () => {
  await env?.close();
});

const status = (page) => page.locator('[data-testid="train-status"]').evaluate((e) => ({ ...e.dataset }));
const errorText = (page) => page.locator('[data-testid="error"] .error-body').innerText();
const waitTrainState = (page, state, timeout = 120_000) =>
  page.waitForSelector(`[data-testid="train-status"][data-state="${state}"]`, { timeout });
const waitRecallState = (page, state, timeout = 120_000) =>
  page.waitForSelector(`[data-testid="retrieval-result"][data-state="${state}"]`, { timeout });
const setHash = (page, hash) => page.evaluate((h) => { location.hash = h; }, hash);

/** Recalls a training letter and checks that a letter comes back. */
async function recallWorks(page) {
  await page.click('button#retrieve');
  await waitRecallState(page, 'done');
  const letter = await page.locator('[data-testid="retrieval-result"]').getAttribute('data-letter');
  assert.ok(letter, 'a recalled letter');
}

test('a huge learning rate: training stops with a message, keeps its last good model, offers Reset', async () => {
  const { page, context, log } = await openPage(env, { hash: '#lr=1000&iterations=100000&trials=100', reducedMotion: 'reduce' });
  await trainFromScratch(page);
  await waitTrainState(page, 'error');
  const message = await errorText(page);
  console.log(`# ${message}`);
  assert.match(message, /diverged at iteration \d+/);
  assert.ok(await page.locator('[data-testid="error"]').isVisible());
  assert.ok(await page.locator('#error-reset').isVisible(), 'Reset is offered');
  const stopped = await status(page);
  assert.ok(Number(stopped.iteration) < 100000, `stopped at ${stopped.iteration}`);
  assert.ok(Number.isFinite(Number(stopped.loss)), `last loss shown ${stopped.loss}`);
  await screenshot(page, 'faults-diverged');

  // The last good parameters still recall (a new command dismisses the message).
  await recallWorks(page);
  // The same run diverges again; the offered Reset starts afresh and hides the message.
  await trainFromScratch(page);
  await waitTrainState(page, 'error');
  assert.equal(await errorText(page), message);
  await page.click('#error-reset');
  await page.waitForFunction(() => document.querySelector('[data-testid="train-status"]').dataset.iteration === '0');
  assert.equal((await status(page)).state, 'idle');
  assert.equal(await page.locator('[data-testid="error"]').isVisible(), false);
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('a panic in the engine during a recall is reported with its message, and the engine restarts', async () => {
  const { page, context, log } = await openPage(env, { query: '?test-hooks', hash: '#trials=200', reducedMotion: 'reduce' });
  // The engine's memory once it has done what it does for any recall (a warm pool, the model
  // handed to it): the fresh engine after the panic gets there again, and no further.
  await recallWorks(page);
  const wasmBefore = await page.evaluate(() => window.pcrnnTest.memory());
  await setHash(page, '#trials=100000');
  await page.click('button#retrieve');
  await waitRecallState(page, 'running');
  await page.evaluate(() => window.pcrnnTest.panic('test fault during a recall'));
  await waitRecallState(page, 'error');
  const message = await errorText(page);
  console.log(`# ${message}`);
  assert.match(message, /test fault during a recall \(at src\/wasm\.rs:\d+\)/);
  assert.doesNotMatch(message, /unreachable/i);
  assert.ok(await page.locator('[data-testid="error"]').isVisible());
  await screenshot(page, 'faults-panic');

  // A fresh engine with the pretrained model: recalls work again.
  await page.waitForFunction(() => document.querySelector('#model-source').textContent === 'pretrained');
  const wasmAfter = await page.evaluate(() => window.pcrnnTest.memory());
  assert.ok(wasmAfter <= wasmBefore, `a fresh instance: ${wasmAfter} bytes, ${wasmBefore} before`);
  await setHash(page, '#trials=200');
  await recallWorks(page);
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('a panic during training: the page restores the model trained before it', async () => {
  const { page, context, log } = await openPage(env, { query: '?test-hooks', hash: '#iterations=40&trials=200', reducedMotion: 'reduce' });
  await trainFromScratch(page);
  await waitTrainState(page, 'done');
  const trainedLoss = await page.locator('#loss-value').innerText();

  // Go on training, and panic half-way.
  await setHash(page, '#iterations=100000&trials=200');
  await page.click('#play');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="train-status"]').dataset.iteration) > 45);
  await page.evaluate(() => window.pcrnnTest.panic('test fault during training'));
  await page.waitForFunction(() => document.querySelector('#model-source').textContent === 'restored', null, { timeout: 60_000 });
  assert.match(await errorText(page), /restarted with the last good model.*\s+.*test fault during training/);
  assert.equal(await page.locator('#loss-value').innerText(), trainedLoss, 'the model trained before the fault');
  assert.equal((await status(page)).state, 'idle');

  await recallWorks(page);
  // Training works again in the new engine.
  await setHash(page, '#iterations=5&trials=200');
  await trainFromScratch(page);
  await waitTrainState(page, 'done');
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('cancelling a training run or a recall half-way leaves a consistent page', async () => {
  const { page, context, log } = await openPage(env, { hash: '#iterations=100000&trials=100000', reducedMotion: 'reduce' });
  // Training: Cancel pauses it where it is; it can go on afterwards.
  await trainFromScratch(page);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="train-status"]').dataset.iteration) >= 5);
  await page.click('#cancel');
  await waitTrainState(page, 'paused');
  const paused = await status(page);
  // Nothing trains after a cancel: a Step (handled after any work in flight) trains exactly one.
  await page.click('#step');
  await page.waitForFunction((n) => document.querySelector('[data-testid="train-status"]').dataset.iteration !== n, paused.iteration);
  assert.equal((await status(page)).iteration, String(Number(paused.iteration) + 1), 'no iterations after a cancel');

  // Recall: Cancel stops it, and the next recall runs to the end.
  await page.click('button#retrieve');
  await waitRecallState(page, 'running');
  await page.click('#cancel');
  await waitRecallState(page, 'idle');
  await setHash(page, '#iterations=100000&trials=200');
  await recallWorks(page);

  await page.click('#play');
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="train-status"]').dataset.iteration) > n, Number(paused.iteration) + 1);
  await page.click('#cancel');
  await waitTrainState(page, 'paused');
  assert.equal(await page.locator('[data-testid="error"]').isVisible(), false);
  assert.deepEqual(log.errors, []);
  await context.close();
});
