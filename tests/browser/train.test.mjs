// Training from scratch in the page: the loss falls, and the page stays responsive meanwhile.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startAll, openPage, screenshot } from './harness.mjs';

let env;
before(async () => {
  env = await startAll();
});
after(async () => {
  await env?.close();
});

const ITERATIONS = 5000;
const status = (page) => page.locator('[data-testid="train-status"]').evaluate((e) => ({ ...e.dataset }));

test('training from scratch makes the loss fall, and the page stays responsive', async () => {
  // Enough iterations to still be running after a second of counting frames (the engine does
  // about a thousand a second in f32 wasm on a quiet machine).
  const { page, context, log } = await openPage(env, { hash: `#iterations=${ITERATIONS}` });
  await page.click('button#train');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="train-status"]').dataset.iteration) >= 1);
  const first = await status(page);
  assert.equal(first.state, 'running');
  const firstLoss = Number(first.loss);

  // While it trains: animation frames keep coming, and a click is handled at once.
  const frames = await page.evaluate(
    () => new Promise((resolve) => {
      let n = 0;
      const t0 = performance.now();
      const tick = (t) => (t - t0 < 1000 ? (n++, requestAnimationFrame(tick)) : resolve(n));
      requestAnimationFrame(tick);
    }),
  );
  const during = await status(page);
  assert.equal(during.state, 'running', 'still training while frames were counted');
  assert.ok(frames >= 20, `${frames} animation frames in one second of training`);
  console.log(`# ${frames} frames/s while training`);

  const clickMs = await page.evaluate(
    () => new Promise((resolve) => {
      const t0 = performance.now();
      const status = document.querySelector('[data-testid="train-status"]');
      new MutationObserver(() => {
        if (status.dataset.state === 'paused') resolve(performance.now() - t0);
      }).observe(status, { attributes: true });
      document.querySelector('#play').click();
    }),
  );
  console.log(`# pause took effect ${clickMs.toFixed(0)} ms after the click`);
  assert.ok(clickMs < 1000, `pausing took ${clickMs} ms`);
  const paused = await status(page);
  await page.waitForTimeout(300);
  assert.equal((await status(page)).iteration, paused.iteration, 'no iterations while paused');
  await screenshot(page, 'train-paused');

  // Resume to the end.
  await page.click('#play');
  await page.waitForFunction(() => document.querySelector('[data-testid="train-status"]').dataset.state === 'done', null, { timeout: 120_000 });
  const done = await status(page);
  assert.equal(done.iteration, String(ITERATIONS));
  const lastLoss = Number(done.loss);
  console.log(`# loss ${firstLoss.toFixed(4)} at iteration 1, ${lastLoss.toFixed(4)} at ${ITERATIONS}`);
  assert.ok(lastLoss < firstLoss / 4, `loss fell from ${firstLoss} to ${lastLoss}`);
  assert.deepEqual(log.errors, []);
  await screenshot(page, 'train-done');
  await context.close();
});

test('Step trains exactly one iteration; Reset goes back to zero', async () => {
  const { page, context, log } = await openPage(env);
  await page.click('#reset');
  await page.waitForFunction(() => document.querySelector('[data-testid="train-status"]').dataset.iteration === '0');
  await page.click('#step');
  await page.waitForFunction(() => document.querySelector('[data-testid="train-status"]').dataset.iteration === '1');
  await page.click('#step');
  await page.waitForFunction(() => document.querySelector('[data-testid="train-status"]').dataset.iteration === '2');
  assert.equal((await status(page)).state, 'paused');
  await page.click('#reset');
  await page.waitForFunction(() => document.querySelector('[data-testid="train-status"]').dataset.iteration === '0');
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('a diverging run stops with a message and keeps the last good model', async () => {
  const { page, context } = await openPage(env, { hash: '#lr=10&iterations=300' });
  await page.click('button#train');
  await page.waitForFunction(() => ['error', 'done'].includes(document.querySelector('[data-testid="train-status"]').dataset.state), null, { timeout: 120_000 });
  const s = await status(page);
  if (s.state === 'error') {
    assert.match(await page.locator('[data-testid="error"]').innerText(), /diverged/i);
    // The last good parameters still recall (the page keeps working).
    await page.click('button#retrieve');
    await page.waitForSelector('[data-testid="retrieval-result"][data-state="done"]', { timeout: 60_000 });
  }
  await context.close();
});
