// A link reproduces a run (README: the settings are in the address): the same link opened twice
// trains to the same losses and recalls along the same paths to the same report, although the
// worker cuts both into chunks by time; another seed changes both.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startAll, openPage, letters, recallEnded, trainFromScratch } from './harness.mjs';

let env;
before(async () => {
  env = await startAll();
});
after(async () => {
  await env?.close();
});

const LINK = 'iterations=60&trials=300&starts=4';

/** Opens the link, trains from scratch, recalls training letter `p`; returns what the page holds. */
async function runLink(hash) {
  const { page, context, log } = await openPage(env, { query: '?test-hooks', hash, reducedMotion: 'reduce' });
  await trainFromScratch(page);
  await page.waitForSelector('[data-testid="train-status"]:is([data-state="done"], [data-state="error"])', { timeout: 120_000 });
  const training = await page.evaluate(() => window.pcrnnTest.training());
  await page.selectOption('select#target-letter', String(letters().labels.indexOf('p')));
  await page.click('button#retrieve');
  await recallEnded(page);
  const recall = await page.evaluate(() => window.pcrnnTest.recall());
  assert.deepEqual(log.errors, []);
  await context.close();
  return { training, recall };
}

test('the same link twice gives the same training and recall; another seed changes them', async () => {
  const first = await runLink(`#${LINK}&seed=7`);
  const again = await runLink(`#${LINK}&seed=7`);
  const other = await runLink(`#${LINK}&seed=8`);

  assert.equal(first.training.state, 'done');
  assert.equal(first.training.losses.length, 60);
  assert.equal(first.recall.state, 'done');
  assert.equal(first.recall.paths.length, 4, 'one path per start');
  assert.ok(first.recall.paths.every((p) => p.length === 301), 'the start and one point per trial');

  assert.deepEqual(again.training, first.training, 'the same losses, iteration by iteration');
  assert.deepEqual(again.recall, first.recall, 'the same paths, target and report');

  assert.notDeepEqual(other.training.losses, first.training.losses, 'another seed, another initialisation');
  for (let k = 0; k < 4; k++) {
    assert.notDeepEqual(other.recall.paths[k], first.recall.paths[k], `another seed, another path for start ${k}`);
  }
});
