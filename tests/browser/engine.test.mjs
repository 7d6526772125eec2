// Which wasm build the page runs (www/engine-build.js): the relaxed-SIMD one where the browser
// validates its probe, the plain simd128 one otherwise or when asked for with ?engine=simd128.
// Each page downloads only the build it runs, and both recall drawn letters. After start-up a
// scratch engine warms V8's optimised code up, and leaves the page's engine as it was.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startAll, openPage, letters, recallDrawn, recallEnded } from './harness.mjs';

let env;
before(async () => {
  env = await startAll();
});
after(async () => {
  await env?.close();
});

const wasmFiles = (log) => log.requests.filter((url) => url.endsWith('.wasm')).map((url) => url.split('/').pop());

async function recallFirstLetters(page, count) {
  const data = letters();
  const recalled = [];
  for (let i = 0; i < count; i++) {
    const r = await recallDrawn(page, data.trajectories[i]);
    assert.equal(r.state, 'done');
    recalled.push(r.letter);
  }
  return { expected: data.labels.slice(0, count), recalled };
}

/** Opens the page with `query`; checks it runs `build`, fetched only `file`, and recalls drawn letters. */
async function runsBuildAndRecalls(query, build, file) {
  const { page, context, log } = await openPage(env, { query, reducedMotion: 'reduce' });
  assert.equal(await page.evaluate(() => document.documentElement.dataset.engine), build);
  assert.deepEqual(wasmFiles(log), [file]);
  const { expected, recalled } = await recallFirstLetters(page, 3);
  // Both builds recall like the engine (the shipped model recalls all its training letters,
  // docs/tuning.md); observed: a, b and c drawn, a, b and c recalled, in both builds.
  assert.deepEqual(recalled, expected);
  assert.deepEqual(log.errors, []);
  await context.close();
}

test('the page runs the relaxed-SIMD build in a browser that has it, and downloads only that one', () =>
  runsBuildAndRecalls('', 'relaxed-simd', 'pcrnn_relaxed_bg.wasm'));

test('?engine=simd128 runs the plain build, which recalls drawn letters as well', () =>
  runsBuildAndRecalls('?engine=simd128', 'simd128', 'pcrnn_bg.wasm'));

test('the probe decides: it validates only with the relaxed multiply-add in it', async () => {
  const { page, context } = await openPage(env);
  const verdicts = await page.evaluate(async () => {
    const { RELAXED_MADD_PROBE, engineBuild } = await import('./engine-build.js');
    // The same module with the multiply-add's opcode (0xfd 0x85 0x02) changed to one that no
    // proposal defines: if that validated too, the probe would prove nothing.
    const undefinedOpcode = RELAXED_MADD_PROBE.slice();
    undefinedOpcode.set([0xfd, 0xff, 0x0f], RELAXED_MADD_PROBE.length - 5);
    return {
      probe: WebAssembly.validate(RELAXED_MADD_PROBE),
      undefinedOpcode: WebAssembly.validate(undefinedOpcode),
      chosen: engineBuild(null),
      forced: engineBuild('simd128'),
    };
  });
  assert.deepEqual(verdicts, { probe: true, undefinedOpcode: false, chosen: 'relaxed-simd', forced: 'simd128' });
  await context.close();
});

/** Recalls training letter `label` picked from the list; returns the letter and the posterior. */
async function recallPicked(page, label) {
  await page.click('#clear-pad');
  await page.waitForSelector('[data-testid="retrieval-result"][data-state="idle"]');
  await page.selectOption('select#target-letter', String(letters().labels.indexOf(label)));
  await page.click('button#retrieve');
  return recallOutcome(page);
}

async function recallOutcome(page) {
  const { state, letter } = await recallEnded(page);
  const bars = await page.locator('#posterior .pbar').evaluateAll((all) => all.map((b) => b.title));
  return { state, letter, bars };
}

/** In the page: the moment it is ready, recall the training letter at `index` (the engine's
 * warm-up has only just begun then), noting whether the warm-up had ended. */
function recallAtReady(index) {
  new MutationObserver((_, observer) => {
    const root = document.documentElement;
    if (root.dataset.ready !== 'true') return;
    observer.disconnect();
    window.recalledAtReady = { warmed: root.dataset.warmed === 'true' };
    document.querySelector('select#target-letter').value = String(index);
    document.querySelector('button#retrieve').click();
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-ready'] });
}

test("the warm-up after start-up ends, and leaves the page's engine and model as they were", async () => {
  const p = letters().labels.indexOf('p');
  const { page, context, log } = await openPage(env, { reducedMotion: 'reduce', hash: '#seed=11', init: recallAtReady, initArg: p });
  const first = await recallOutcome(page);
  assert.deepEqual(await page.evaluate(() => window.recalledAtReady), { warmed: false }, 'the recall came during the warm-up');
  await page.waitForSelector('html[data-warmed="true"]', { timeout: 30_000 });
  const again = await recallPicked(page, 'p');
  assert.equal(first.state, 'done');
  assert.equal(first.letter, 'p');
  assert.equal(first.bars.length, new Set(letters().labels).size + 1, 'a bar per letter and one for none');
  assert.deepEqual(again, first, 'the same seed gave another recall after the warm-up');
  assert.equal(await page.locator('#model-source').innerText(), 'pretrained');
  assert.deepEqual(log.errors, []);
  await context.close();
});
