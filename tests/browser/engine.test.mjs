// Which wasm build the page runs (www/engine-build.js): the relaxed-SIMD one where the browser
// validates its probe, the plain simd128 one otherwise or when asked for with ?engine=simd128.
// Each page downloads only the build it runs, and both recall drawn letters.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startAll, openPage, letters, recallDrawn } from './harness.mjs';

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
  assert.ok(recalled.filter((l, i) => l === expected[i]).length >= 2, `recalled ${recalled} for ${expected}`);
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
