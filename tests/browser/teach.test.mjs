// Teach mode, with the real mouse: teach the digits 1, 2, 3 (two exemplars each),
// learn, recall fresh copies; the set survives a reload; export, clear, import gives it back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startAll, openPage, screenshot, shots, pcrnnCli, runCli, recallCount, recallBegun } from './harness.mjs';
import { seeded, digitStroke, drawUnitStroke } from './teach-digits.mjs';

let env;
before(async () => {
  env = await startAll();
});
after(async () => {
  await env?.close();
});

const DIGITS = ['1', '2', '3'];
const teachStatus = (page) => page.locator('[data-testid="teach-status"]').evaluate((e) => ({ ...e.dataset }));
const storedSet = (page) => page.evaluate(() => JSON.parse(localStorage.getItem('pcrnn.taught-set')));
const waitCount = (page, n) =>
  page.waitForSelector(`[data-testid="teach-status"][data-count="${n}"]`, { timeout: 10_000 });

/** Types `label` and writes `points` (unit box) on the teach pad; waits until it is kept. */
async function teach(page, label, points, shift) {
  const before = Number((await teachStatus(page)).count);
  await page.fill('input#teach-label', label);
  await drawUnitStroke(page, 'canvas#teach-pad', points, { shift });
  await waitCount(page, before + 1);
}

/** Learns the taught set; returns the wall time in ms. */
async function learn(page) {
  const t0 = Date.now();
  // The digits alone, from scratch ("only mine"), as the figures below were measured.
  await page.selectOption('select#teach-from', 'scratch');
  await page.click('button#teach-learn');
  await page.waitForSelector('[data-testid="teach-status"]:is([data-state="done"], [data-state="error"])', { timeout: 300_000 });
  assert.equal((await teachStatus(page)).state, 'done', 'learning finished');
  return Date.now() - t0;
}

async function recallDrawn(page, points, shift) {
  const count = await recallCount(page);
  await drawUnitStroke(page, 'canvas#draw-pad', points, { shift });
  await recallBegun(page, count);
  await page.waitForSelector('[data-testid="retrieval-result"]:is([data-state="done"], [data-state="error"])', { timeout: 60_000 });
  return page.locator('[data-testid="retrieval-result"]').evaluate((e) => ({ ...e.dataset }));
}

test('teach 1, 2, 3 with the mouse, learn, and fresh copies are recalled; the set survives a reload', async () => {
  const { page, context, log } = await openPage(env, { reducedMotion: 'reduce' });
  const rand = seeded(7);
  for (const digit of DIGITS) {
    for (let e = 0; e < 2; e++) await teach(page, digit, digitStroke(digit, rand), [0.1 * (rand() - 0.5), 0.1 * (rand() - 0.5)]);
  }
  const taught = await storedSet(page);
  assert.deepEqual(taught.labels, ['1', '1', '2', '2', '3', '3']);
  assert.equal(await page.locator('.teach-thumb').count(), 6);
  // Labels are text, each group's button reads its label.
  assert.deepEqual(await page.locator('.teach-pick').allInnerTexts(), DIGITS);
  await screenshot(page, 'teach-taught');

  const ms = await learn(page);
  const status = await page.locator('[data-testid="train-status"]').evaluate((e) => ({ ...e.dataset }));
  console.log(`# learned 6 exemplars in ${ms} ms (${status.iteration} iterations, final loss ${Number(status.loss).toPrecision(3)})`);
  // Recall now runs among the taught labels only.
  assert.deepEqual(await page.locator('#posterior .pbar .lab').allInnerTexts(), [...DIGITS, '∅']);
  assert.equal(await page.locator('select#target-letter option').count(), 6);

  // Fresh copies, drawn differently from the taught ones (another stream), a few variations.
  const fresh = seeded(1234);
  const outcomes = [];
  let right = 0;
  const variations = 3;
  for (let v = 0; v < variations; v++) {
    for (const digit of DIGITS) {
      const r = await recallDrawn(page, digitStroke(digit, fresh), [0.12 * (fresh() - 0.5), 0.12 * (fresh() - 0.5)]);
      assert.equal(r.state, 'done', `recall of a fresh ${digit} finished`);
      outcomes.push(`${digit}→${r.letter}`);
      if (r.letter === digit) right++;
    }
    if (v === 0) await screenshot(page, 'teach-recalled');
  }
  console.log(`# fresh copies recalled ${right}/${variations * DIGITS.length}: ${outcomes.join(' ')}`);
  // docs/teach.md promises no share: two of three, as from a few exemplars each. Observed: 9 of 9.
  assert.ok(right >= 2 * variations, `only ${right} of ${variations * DIGITS.length} fresh copies recalled`);

  // A reload keeps the taught set.
  await page.reload();
  await page.waitForSelector('html[data-ready="true"]');
  await waitCount(page, 6);
  assert.equal(await page.locator('.teach-thumb').count(), 6);
  assert.deepEqual(await storedSet(page), taught);
  await screenshot(page, 'teach-reloaded');
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('export, clear (asked first) and import give the same set back; the CLI format', async () => {
  const { page, context, log } = await openPage(env);
  const rand = seeded(99);
  for (const digit of DIGITS) {
    for (let e = 0; e < 2; e++) await teach(page, digit, digitStroke(digit, rand));
  }
  const taught = await storedSet(page);

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('button#teach-export')]);
  const file = path.join(shots, 'taught-set.json');
  await download.saveAs(file);
  const exported = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.deepEqual(exported, taught);
  // docs/design.md §4: one label per trajectory, all the same length, in the frame they were drawn in
  // (tests/teach.rs trains the CLI on such a file, tests/data/taught-digits.json).
  assert.equal(exported.trajectories.length, exported.labels.length);
  assert.ok(exported.trajectories.every((t) => t.length === exported.frame.length));
  // The CLI trains on this fresh export unchanged, and its model keeps the labels and the frame.
  const modelFile = path.join(shots, 'taught-set-model.json');
  const trained = runCli(pcrnnCli(), ['train', '--data', file, '--iters', '100', '--out', modelFile, '--json']);
  assert.equal(trained.sequences, 6);
  const model = JSON.parse(fs.readFileSync(modelFile, 'utf8'));
  assert.deepEqual(model.memories.labels, exported.labels);
  assert.deepEqual(model.frame, exported.frame);

  // Clear asks first; "Keep" keeps the set.
  await page.click('button#teach-clear');
  await page.waitForSelector('#teach-confirm:not([hidden])');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'teach-confirm-no');
  await page.click('button#teach-confirm-no');
  assert.equal((await teachStatus(page)).count, '6');
  await page.click('button#teach-clear');
  await screenshot(page, 'teach-confirm-clear');
  await page.click('button#teach-confirm-yes');
  await waitCount(page, 0);
  assert.equal(await page.evaluate(() => localStorage.getItem('pcrnn.taught-set')), null);
  assert.equal(await page.locator('.teach-thumb').count(), 0);

  await page.setInputFiles('input#teach-import', file);
  await waitCount(page, 6);
  assert.deepEqual(await storedSet(page), taught);
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('bad labels, bad files and too many exemplars get one clear message', async () => {
  const { page, context } = await openPage(env);
  const error = page.locator('[data-testid="error"]');
  const rand = seeded(5);
  const stroke = digitStroke('1', rand);

  await page.fill('input#teach-label', '');
  await drawUnitStroke(page, 'canvas#teach-pad', stroke);
  await error.waitFor({ state: 'visible' });
  assert.match(await error.innerText(), /Type one character as the label/);
  await page.click('#error-close');

  await page.fill('input#teach-label', 'ab');
  await drawUnitStroke(page, 'canvas#teach-pad', stroke);
  await error.waitFor({ state: 'visible' });
  assert.match(await error.innerText(), /one character/);
  await page.click('#error-close');
  assert.equal((await teachStatus(page)).count, '0');

  // A label that is markup stays text.
  await teach(page, '<', stroke);
  assert.equal(await page.locator('.teach-pick').innerText(), '<');
  assert.equal(await page.locator('.teach-group b, .teach-group img').count(), 0);

  const bad = path.join(shots, 'teach-bad.json');
  fs.writeFileSync(bad, '{"labels": ["1"], "trajectories": [[[0, 0], [1]]]}');
  await page.setInputFiles('input#teach-import', bad);
  await page.click('button#teach-confirm-yes');
  await error.waitFor({ state: 'visible' });
  assert.match(await error.innerText(), /That file is not a taught set this page can read.*\s+.*point 1 has 1 number instead of 2/);
  await page.click('#error-close');

  const big = { labels: [], trajectories: [] };
  for (let i = 0; i < 201; i++) {
    big.labels.push('x');
    big.trajectories.push(Array.from({ length: 60 }, (_, t) => [t / 60, Math.sin(t / 9)]));
  }
  fs.writeFileSync(bad, JSON.stringify(big));
  await page.setInputFiles('input#teach-import', bad);
  await page.click('button#teach-confirm-yes');
  await error.waitFor({ state: 'visible' });
  assert.match(await error.innerText(), /201 exemplars; the teach panel holds at most 200/);
  // Nothing was lost.
  assert.equal((await teachStatus(page)).count, '1');

  // Deleting an exemplar from the keyboard.
  await page.focus('.teach-delete');
  await page.keyboard.press('Enter');
  await waitCount(page, 0);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'teach-label');
  await context.close();
});

test('learn from the current model, cancel, and go back to the shipped model in one click', async () => {
  const { page, context, log } = await openPage(env);
  const rand = seeded(11);
  for (const digit of DIGITS) await teach(page, digit, digitStroke(digit, rand));
  await page.selectOption('select#teach-from', 'mine');
  await page.fill('input#teach-iterations', '100000');
  await page.click('button#teach-learn');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="train-status"]').dataset.iteration) >= 5);
  assert.equal((await teachStatus(page)).state, 'running');
  assert.match(await page.locator('#model-source').innerText(), /taught here: 3 exemplars/);
  await screenshot(page, 'teach-learning');
  await page.click('button#teach-cancel');
  await page.waitForSelector('[data-testid="teach-status"][data-state="idle"]');
  assert.match(await page.locator('#teach-status-text').innerText(), /Stopped at iteration/);

  await page.click('button#teach-shipped');
  await page.waitForFunction(() => document.querySelector('#model-source').textContent === 'pretrained');
  await page.waitForFunction(() => document.querySelectorAll('select#target-letter option').length === 20);
  assert.equal((await teachStatus(page)).count, '3', 'the taught set stays');
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('the teach panel fits a 360-px-wide phone', async () => {
  const { page, context } = await openPage(env, { viewport: { width: 360, height: 740 } });
  await teach(page, '2', digitStroke('2', seeded(3)));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.equal(overflow, 0, 'no horizontal scrolling');
  const box = await page.locator('[data-panel="teach"]').boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 360, `teach panel at ${box.x}..${box.x + box.width}`);
  await page.locator('[data-panel="teach"]').screenshot({ path: path.join(shots, 'teach-phone.png') });
  await context.close();
});
