// Soak (docs/reliability.md): 200 recalls (letters picked from the list and letters drawn on the
// pad) and 5 full trainings in a row in one page. No error may appear, and neither the wasm
// memory nor the page's JS heap may grow once warmed up. Prints the numbers it compares.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startAll, openPage, letters, drawTrajectory, trainFromScratch } from './harness.mjs';

const RECALLS = 200;
const TRAININGS = 5;
const DRAWN_EVERY = 4;
const WARM_RECALLS = 8; // every 4th recall is a drawn letter, the others come from the list
// 200 trials per recall (not the default 1000) keep the soak to minutes on a busy machine; the
// engine keeps the same state per recall either way. Trainings use the default 1000 iterations.
const HASH = '#trials=200';

let env;
before(async () => {
  env = await startAll();
});
after(async () => {
  await env?.close();
});

/** wasm memory (the engine's, in the worker) and the page's JS heap after a full collection. */
async function memory(page, cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  const wasm = await page.evaluate(() => window.pcrnnTest.memory());
  return { wasm, heap: usedSize };
}

const mb = (bytes) => (bytes / 1024 / 1024).toFixed(2);
const show = (when, m) => console.log(`# ${when}: wasm memory ${mb(m.wasm)} MB, JS heap ${mb(m.heap)} MB`);

async function recall(page, set, k) {
  const index = k % set.labels.length;
  if (k % DRAWN_EVERY === DRAWN_EVERY - 1) {
    await drawTrajectory(page, set.trajectories[index]);
  } else {
    await page.selectOption('select#target-letter', String(index));
    await page.click('button#retrieve');
  }
  await page.waitForSelector('[data-testid="retrieval-result"][data-state="done"]', { timeout: 60_000 });
}

async function trainFully(page) {
  await trainFromScratch(page);
  await page.waitForSelector('[data-testid="train-status"][data-state="done"]', { timeout: 300_000 });
}

test(`soak: ${RECALLS} recalls and ${TRAININGS} full trainings in one page stay flat in memory`, async () => {
  const t0 = Date.now();
  const set = letters();
  const { page, context, log } = await openPage(env, { query: '?test-hooks', hash: HASH, reducedMotion: 'reduce' });
  const cdp = await context.newCDPSession(page);
  const start = await memory(page, cdp);
  show('start', start);

  // Warm up: the working sizes are reached once a training has run after recalls (the recall
  // buffers then sit where training's had been, and the heap takes its high-water mark).
  await trainFully(page);
  for (let k = 0; k < WARM_RECALLS; k++) await recall(page, set, k);
  await trainFully(page);
  const warm = await memory(page, cdp);
  show(`warmed up (2 trainings, ${WARM_RECALLS} recalls)`, warm);

  const remaining = TRAININGS - 2;
  const trainAfter = new Set(Array.from({ length: remaining }, (_, i) => Math.round(((i + 1) * RECALLS) / (remaining + 1))));
  for (let k = WARM_RECALLS; k < RECALLS; k++) {
    await recall(page, set, k);
    if (trainAfter.has(k)) await trainFully(page);
    if ((k + 1) % 64 === 0) show(`after ${k + 1} recalls`, await memory(page, cdp));
    assert.equal(await page.locator('[data-testid="error"]').isVisible(), false, `an error after recall ${k}: ${await page.locator('[data-testid="error"] .error-body').innerText()}`);
  }
  const end = await memory(page, cdp);
  show(`end (${TRAININGS} trainings, ${RECALLS} recalls)`, end);
  console.log(`# soak took ${((Date.now() - t0) / 1000).toFixed(0)} s`);

  assert.deepEqual(log.errors, []);
  // Claimed (docs/reliability.md): once warm, the wasm memory grows by at most 256 KB (four
  // 64 KB pages: the allocator's high-water mark) over 200 recalls and 5 trainings, so a leak
  // of 1.3 KB per recall fails. Observed: 3.00 MB at the end in the earlier engine; 3.00 MB
  // warm and 3.25 MB at the end with the session layer.
  assert.ok(end.wasm - warm.wasm <= 256 * 1024, `wasm memory grew from ${warm.wasm} to ${end.wasm} bytes after warming up`);
  // The heap moves a little with what the panels keep (the last recall's paths); a leak of one
  // recall's paths per recall would be tens of MB. Observed: 3.24 MB warm, 3.53 MB at the end.
  assert.ok(end.heap < warm.heap * 1.25 + 1024 * 1024, `JS heap grew from ${warm.heap} to ${end.heap} bytes`);
  await context.close();
});
