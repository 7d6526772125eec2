// One stroke pipeline (README, docs/design.md): the page and the CLI map the same pointer samples
// to the same target and recall the same letter from it. Letters are drawn with the mouse; a test
// hook hands over the samples the pad recorded, the settings and the seed, the target and the
// report; `pcrnn retrieve --strokes` gets the same samples in the page's arithmetic (f32).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startAll, openPage, letters, drawTrajectory, recallEnded, pcrnnCli, runCli, shots, www } from './harness.mjs';

let env;
let cli;
before(async () => {
  env = await startAll();
  cli = pcrnnCli();
});
after(async () => {
  await env?.close();
});

// Letters that are drawn differently: loops, a descender, a long single line.
const LABELS = ['p', 'e', 'z'];

test('the page and `pcrnn retrieve --strokes --precision f32` give the same target and letter for the same samples', async () => {
  const { page, context, log } = await openPage(env, { query: '?test-hooks', hash: '#seed=5', reducedMotion: 'reduce' });
  const data = letters();
  for (const label of LABELS) {
    await drawTrajectory(page, data.trajectories[data.labels.indexOf(label)]);
    assert.equal((await recallEnded(page)).state, 'done');
    const inPage = await page.evaluate(() => window.pcrnnTest.recall());
    assert.equal(inPage.source.kind, 'stroke');
    assert.ok(inPage.source.points.length > 10, `the pad recorded ${inPage.source.points.length} samples`);
    assert.equal(inPage.seed, 5);

    const file = path.join(shots, `parity-${label}.json`);
    fs.writeFileSync(file, JSON.stringify({ strokes: [{ label, points: inPage.source.points }] }));
    const byCli = runCli(cli, [
      'retrieve', '--model', path.join(www, 'data', 'model.json'), '--strokes', file,
      '--precision', 'f32', '--seed', String(inPage.seed), '--recall', JSON.stringify(inPage.settings), '--json',
    ]);
    // The mapping is f64 in both, from the same numbers (JSON carries them exactly): the same
    // target to the last bit.
    assert.deepEqual(byCli.mapped[0], inPage.target, `${label}: the same target`);
    assert.equal(byCli.starts, inPage.settings.starts);
    assert.equal(byCli.trials, inPage.settings.trials);
    // The trials run in f32 in both, but wasm and x86 round some sums differently (fused or
    // not, other widths), so the paths agree to the last bits only at first: the letter is
    // what must be the same.
    console.log(`# ${label}: ${inPage.source.points.length} samples; page recalled ${inPage.report.predictions[0]}, CLI ${byCli.predictions[0]}`);
    assert.equal(byCli.predictions[0], inPage.report.predictions[0], `${label}: the same letter`);
    assert.equal(inPage.report.predictions[0], label, `${label} recalled as itself`);
  }
  assert.deepEqual(log.errors, []);
  await context.close();
});
