// Recall in the page: training letters drawn with the mouse on the pad are recalled, and the
// seed's own experiment (pick a training letter, press Recall) runs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startAll, openPage, screenshot, letters, drawTrajectory, ensureModel, recallDrawn, recallEnded, retrievalResult } from './harness.mjs';

let env;
before(async () => {
  env = await startAll();
});
after(async () => {
  await env?.close();
});

test('training letters drawn with the mouse are recalled as themselves', async () => {
  // Reduced motion: the result shows as soon as it is computed (no replay of the paths).
  const { page, context, log } = await openPage(env, { reducedMotion: 'reduce' });
  await ensureModel(page);
  const data = letters();
  const outcomes = [];
  let right = 0;
  let recognised = 0;
  for (let i = 0; i < data.labels.length; i++) {
    const r = await recallDrawn(page, data.trajectories[i]);
    assert.equal(r.state, 'done', `recall of a drawn ${data.labels[i]} finished`);
    assert.ok(Number(r.ms) > 0, `the page times its recall (data-ms ${r.ms})`);
    outcomes.push(`${data.labels[i]}→${r.letter} ${r.ms} ms`);
    if (r.letter === data.labels[i]) right++;
    if (r.recognised === 'true') recognised++;
    if (i === 0) await screenshot(page, 'recall-drawn-first');
  }
  console.log(`# drawn and recalled ${right}/${data.labels.length}, recognised ${recognised}: ${outcomes.join(', ')}`);
  // Claimed (docs/tuning.md): the shipped model recalls all 20 training letters best of its 8
  // starts. Observed here, drawn with the mouse and recalled in f32: 20 of 20.
  assert.equal(right, data.labels.length, `only ${right} of ${data.labels.length} recalled: ${outcomes.join(', ')}`);
  // And each is recognised as a learned letter, not answered "not a letter I know".
  assert.equal(recognised, data.labels.length, `only ${recognised} recognised`);
  await screenshot(page, 'recall-drawn');
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('the recall animates: paths unfold on the map, then the letter is shown', async () => {
  const { page, context, log } = await openPage(env, { query: '?test-hooks' });
  await ensureModel(page);
  const data = letters();
  const p = data.labels.indexOf('p');
  await drawTrajectory(page, data.trajectories[p]);
  await page.waitForSelector('[data-testid="retrieval-result"][data-state="running"]');
  // Part-way: the map shows some trials but not all, and no letter yet.
  await page.waitForFunction(() => {
    const r = window.pcrnnTest.recall();
    return r.shown > 0 && r.shown < r.total;
  });
  assert.equal((await retrievalResult(page)).letter, undefined, 'no letter while the paths unfold');
  await screenshot(page, 'recall-animating');
  await page.waitForSelector('[data-testid="retrieval-result"][data-state="done"]', { timeout: 60_000 });
  assert.equal((await retrievalResult(page)).letter, 'p');
  await screenshot(page, 'recall-animated-done');
  assert.deepEqual(log.errors, []);
  await context.close();
});

test("the seed's experiment: recall a training letter picked from the list", async () => {
  const { page, context, log } = await openPage(env, { reducedMotion: 'reduce' });
  await ensureModel(page);
  const data = letters();
  const i = data.labels.indexOf('p');
  await page.selectOption('select#target-letter', String(i));
  await page.click('button#retrieve');
  const r = await recallEnded(page);
  assert.equal(r.state, 'done');
  assert.equal(r.letter, 'p');
  // Every start shows what it imagines, and the beliefs have one bar per letter and one for
  // "none of the letters I know".
  const starts = Number(await page.inputValue('#set-starts'));
  assert.equal(await page.locator('#imagined figure').count(), starts);
  assert.equal(await page.locator('#posterior .pbar').count(), new Set(data.labels).size + 1);
  assert.deepEqual(log.errors, []);
  await context.close();
});

test("the pretrained model's tuned recall settings are used, unless the link sets its own", async () => {
  const model = JSON.parse(readFileSync(new URL('../../data/model.json', import.meta.url), 'utf8'));
  const tuned = await openPage(env);
  await tuned.page.waitForSelector('html[data-ready="true"]');
  for (const key of ['alpha_h', 'alpha_c', 'sigma_c', 'starts', 'match_threshold', 'match_width']) {
    assert.equal(Number(await tuned.page.inputValue(`#set-${key}`)), model.recall[key], key);
  }
  await tuned.page.click('button#seed-values');
  assert.equal(Number(await tuned.page.inputValue('#set-starts')), 4);
  assert.equal(Number(await tuned.page.inputValue('#set-alpha_h')), 0.019);
  await tuned.page.click('button#defaults');
  assert.equal(Number(await tuned.page.inputValue('#set-starts')), model.recall.starts);
  await tuned.context.close();

  const linked = await openPage(env, { hash: '#starts=3&sigma_r=2' });
  await linked.page.waitForSelector('html[data-ready="true"]');
  assert.equal(Number(await linked.page.inputValue('#set-starts')), 3);
  assert.equal(Number(await linked.page.inputValue('#set-sigma_r')), 2);
  await linked.context.close();
});

test('keyboard route: choose a letter and press Enter on Recall', async () => {
  const { page, context } = await openPage(env, { reducedMotion: 'reduce' });
  await ensureModel(page);
  await page.focus('select#target-letter');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'retrieve');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid="retrieval-result"][data-state="done"]', { timeout: 60_000 });
  await context.close();
});
