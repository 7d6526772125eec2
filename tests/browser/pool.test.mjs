// The pool of recall workers (www/pool.js): a letter's starts spread over several workers give
// the very paths and answer of one worker, and the page keeps working when a recall is replaced
// before it ends. A test hook (`?test-hooks&pool=N`) sets the pool's size: 1 is the engine alone;
// 3 cuts 8 starts unevenly (3, 3, 2).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startAll, openPage, letters, recallEnded, screenshot } from './harness.mjs';

let env;
before(async () => {
  env = await startAll();
});
after(async () => {
  await env?.close();
});

/** Recalls training letter `index` from the list; the page's record of it. */
async function recallLetter(page, index) {
  await page.selectOption('select#target-letter', String(index));
  await page.click('button#retrieve');
  assert.equal((await recallEnded(page)).state, 'done');
  const recall = await page.evaluate(() => window.pcrnnTest.recall());
  recall.workers = await page.evaluate(() => window.pcrnnTest.recallWorkers());
  return recall;
}

test('a letter recalled by a pool of workers has the paths and the letter of one worker', async () => {
  const options = { hash: '#seed=5', reducedMotion: 'reduce' };
  const one = await openPage(env, { ...options, query: '?test-hooks&pool=1' });
  const pooled = await openPage(env, { ...options, query: '?test-hooks&pool=3' });
  const data = letters();
  for (const label of ['p', 'e', 'z']) {
    const index = data.labels.indexOf(label);
    const alone = await recallLetter(one.page, index);
    assert.equal(alone.workers, 1);
    assert.equal(alone.paths.length, 8, 'the shipped settings: 8 starts');
    assert.equal(alone.paths[0].length, alone.total + 1, 'the start and one point per trial');
    // The pool loads in the background; until it is ready the engine recalls alone (with the
    // same answer, checked too). Then the pool must take over.
    let spread;
    for (let attempt = 0; attempt < 30; attempt++) {
      spread = await recallLetter(pooled.page, index);
      assert.deepEqual(spread.paths, alone.paths, `${label}: the same paths (${spread.workers} workers)`);
      assert.deepEqual(spread.report, alone.report, `${label}: the same report`);
      if (spread.workers === 3) break;
      await pooled.page.waitForTimeout(300);
    }
    assert.equal(spread.workers, 3, 'the pool computed the recall');
    assert.equal(spread.report.predictions[0], label, `${label} recalled as itself`);
    console.log(`# ${label}: the same ${alone.paths.length} paths of ${alone.total} trials and letter ${spread.report.predictions[0]} with 1 and 3 workers`);
  }
  // A recall replaced while the pool runs it: the next one is whole and the same.
  const index = data.labels.indexOf('s');
  const alone = await recallLetter(one.page, index);
  await pooled.page.selectOption('select#target-letter', String(data.labels.indexOf('m')));
  await pooled.page.click('button#retrieve');
  await pooled.page.waitForTimeout(30);
  const again = await recallLetter(pooled.page, index);
  assert.equal(again.workers, 3);
  assert.deepEqual(again.paths, alone.paths, 's after a replaced recall: the same paths');
  await screenshot(pooled.page, 'pool-recall');
  assert.deepEqual(one.log.errors, []);
  assert.deepEqual(pooled.log.errors, []);
  await one.context.close();
  await pooled.context.close();
});

test('a pool worker that fails mid-recall: the engine finishes the recall alone, with the same answer', async () => {
  const options = { hash: '#seed=7', reducedMotion: 'reduce' };
  const one = await openPage(env, { ...options, query: '?test-hooks&pool=1' });
  const pooled = await openPage(env, { ...options, query: '?test-hooks&pool=2' });
  const data = letters();
  const index = data.labels.indexOf('g');
  const alone = await recallLetter(one.page, index);
  // Wait for the pool to take over, then make one of its engines panic during a recall.
  for (let attempt = 0; attempt < 30; attempt++) {
    if ((await recallLetter(pooled.page, index)).workers === 2) break;
    await pooled.page.waitForTimeout(300);
  }
  assert.equal(await pooled.page.evaluate(() => window.pcrnnTest.recallWorkers()), 2, 'the pool is ready');
  await pooled.page.selectOption('select#target-letter', String(index));
  await pooled.page.click('button#retrieve');
  await pooled.page.evaluate(() => window.pcrnnTest.panicPool('test fault in a pool worker'));
  assert.equal((await recallEnded(pooled.page)).state, 'done');
  const rescued = await pooled.page.evaluate(() => window.pcrnnTest.recall());
  rescued.workers = await pooled.page.evaluate(() => window.pcrnnTest.recallWorkers());
  assert.equal(rescued.workers, 1, 'the engine finished it alone');
  assert.deepEqual(rescued.paths, alone.paths, 'the same paths');
  assert.deepEqual(rescued.report, alone.report, 'the same report');
  // And the page goes on recalling, without the pool.
  const next = await recallLetter(pooled.page, index);
  assert.equal(next.workers, 1);
  assert.deepEqual(next.paths, alone.paths);
  assert.deepEqual(one.log.errors, []);
  await one.context.close();
  await pooled.context.close();
});
