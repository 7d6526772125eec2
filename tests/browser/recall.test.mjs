// Recall in the page: training letters drawn with the mouse on the pad are recalled, and the
// seed's own experiment (pick a training letter, press Recall) runs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startAll, openPage, screenshot, letters, drawTrajectory, ensureModel } from './harness.mjs';

let env;
before(async () => {
  env = await startAll();
});
after(async () => {
  await env?.close();
});

const result = (page) => page.locator('[data-testid="retrieval-result"]').evaluate((e) => ({ ...e.dataset }));

async function recallDrawn(page, trajectory) {
  await drawTrajectory(page, trajectory);
  await page.waitForSelector('[data-testid="retrieval-result"]:is([data-state="done"], [data-state="error"])', { timeout: 60_000 });
  return result(page);
}

test('training letters drawn with the mouse are recalled as themselves', async () => {
  // Reduced motion: the result shows as soon as it is computed (no replay of the paths).
  const { page, context, log } = await openPage(env, { reducedMotion: 'reduce' });
  await ensureModel(page);
  const data = letters();
  const outcomes = [];
  let right = 0;
  for (let i = 0; i < data.labels.length; i++) {
    const t0 = Date.now();
    const r = await recallDrawn(page, data.trajectories[i]);
    assert.equal(r.state, 'done', `recall of a drawn ${data.labels[i]} finished`);
    outcomes.push(`${data.labels[i]}→${r.letter} ${Date.now() - t0}ms`);
    if (r.letter === data.labels[i]) right++;
    if (i === 0) await screenshot(page, 'recall-drawn-first');
  }
  console.log(`# drawn and recalled ${right}/${data.labels.length}: ${outcomes.join(', ')}`);
  // The seed's method recalls its own letters well, not perfectly (the noise sigma_r can carry
  // a start off); most of them must come back as themselves.
  assert.ok(right >= Math.ceil(0.75 * data.labels.length), `only ${right} of ${data.labels.length} recalled`);
  await screenshot(page, 'recall-drawn');
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('the recall animates: paths unfold on the map, then the letter is shown', async () => {
  const { page, context, log } = await openPage(env);
  await ensureModel(page);
  const data = letters();
  const p = data.labels.indexOf('p');
  await drawTrajectory(page, data.trajectories[p]);
  await page.waitForSelector('[data-testid="retrieval-result"][data-state="running"]');
  await page.waitForTimeout(900);
  await screenshot(page, 'recall-animating');
  await page.waitForSelector('[data-testid="retrieval-result"][data-state="done"]', { timeout: 60_000 });
  assert.equal((await result(page)).letter, 'p');
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
  await page.waitForSelector('[data-testid="retrieval-result"][data-state="done"]', { timeout: 60_000 });
  assert.equal((await result(page)).letter, 'p');
  // The four starts each show what they imagine, and the posterior has one bar per letter.
  assert.equal(await page.locator('#imagined figure').count(), 4);
  assert.equal(await page.locator('#posterior .pbar').count(), new Set(data.labels).size);
  assert.deepEqual(log.errors, []);
  await context.close();
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
