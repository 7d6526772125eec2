// Training from scratch in the page: the loss falls, and the page stays responsive meanwhile.
// Nothing here depends on the machine's speed: every wait is on a state or an event.
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
const setHash = (page, hash) => page.evaluate((h) => { location.hash = h; }, hash);

test('training from scratch makes the loss fall, and the page stays responsive', async () => {
  // A run far longer than the test lets it go (paused below), so it is still running however
  // fast the machine is.
  const { page, context, log } = await openPage(env, { query: '?test-hooks', hash: '#iterations=1000000' });
  await trainFromScratch(page);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="train-status"]').dataset.iteration) >= 1);
  const first = await status(page);
  assert.equal(first.state, 'running');
  // The loss of iteration 1 (on a busy machine the first frame may show a later one).
  const firstLoss = (await page.evaluate(() => window.pcrnnTest.training())).losses[0];

  // While it trains, animation frames keep coming and each shows the run further on: wait for
  // three frames that each show a new iteration count.
  const shown = await page.evaluate(
    () => new Promise((resolve) => {
      const status = document.querySelector('[data-testid="train-status"]');
      const seen = [status.dataset.iteration];
      const tick = () => {
        const now = status.dataset.iteration;
        if (now !== seen[seen.length - 1]) seen.push(now);
        if (seen.length < 4) requestAnimationFrame(tick);
        else resolve({ seen, state: status.dataset.state });
      };
      requestAnimationFrame(tick);
    }),
  );
  assert.equal(shown.state, 'running');
  console.log(`# iterations shown in successive frames while training: ${shown.seen.join(', ')}`);

  // A click gets through: Pause takes effect, and nothing trains while paused — a Step (a
  // message the worker handles after any work in flight) then trains exactly one iteration.
  await page.click('#play');
  await page.waitForSelector('[data-testid="train-status"][data-state="paused"]');
  const paused = await status(page);
  await page.click('#step');
  await page.waitForFunction((n) => document.querySelector('[data-testid="train-status"]').dataset.iteration !== n, paused.iteration);
  assert.equal((await status(page)).iteration, String(Number(paused.iteration) + 1), 'no iterations while paused, then one Step');
  assert.equal((await status(page)).state, 'paused');
  await screenshot(page, 'train-paused');

  // Go on to 3000 iterations (or 3000 more, on a machine that was already past them).
  await setHash(page, '#iterations=3000');
  await page.click('#play');
  await page.waitForSelector('[data-testid="train-status"][data-state="done"]', { timeout: 300_000 });
  const done = await status(page);
  const lastLoss = Number(done.loss);
  console.log(`# loss ${firstLoss.toFixed(4)} at iteration 1, ${lastLoss.toFixed(4)} at ${done.iteration}`);
  assert.ok(Number(done.iteration) >= 3000, `stopped at ${done.iteration}`);
  // Claimed: the loss falls (the shipped model, this training with seed 3, ends at 0.0078).
  // Observed with the page's seed 0: 0.683 at iteration 1, 0.0138 at 3000 (49 times lower).
  assert.ok(lastLoss < firstLoss / 4, `loss fell from ${firstLoss} to ${lastLoss}`);
  assert.deepEqual(log.errors, []);
  await screenshot(page, 'train-done');
  await context.close();
});

test('Step trains exactly one iteration; Reset goes back to zero', async () => {
  const { page, context, log } = await openPage(env);
  await trainFromScratch(page, '#reset');
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

// A diverging run (a message, the last good model kept, Reset offered) is tested in
// faults.test.mjs, with a learning rate that always diverges.
