// Measures teach mode at the size of the shipped set: 20 letters × 2 exemplars written on the
// teach pad with the mouse (each letter from data/letters.json and from another font in
// data/letters-heldout.json), then Learn with the default iterations. Prints the time to learn
// in the browser and, side by side, the native CLI on the exported set (`pcrnn train`), so the
// ratio holds even on a busy machine. Not part of `make test` (it times; tests don't):
//   make wasm && cargo build --release && node tests/browser/teach-time.mjs [runs]
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startAll, openPage, drawTrajectory, root, shots } from './harness.mjs';

const runs = Number(process.argv[2] ?? 1);
const read = (f) => JSON.parse(fs.readFileSync(path.join(root, 'data', f), 'utf8'));
const letters = read('letters.json');
const heldout = read('letters-heldout.json');
const set = letters.labels.flatMap((label, i) => [
  [label, letters.trajectories[i]],
  [label, heldout.trajectories[heldout.labels.indexOf(label)]],
]);

const env = await startAll();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const browserMs = [];
const nativeMs = [];
try {
  const { page, context } = await openPage(env, { reducedMotion: 'reduce' });
  for (const [label, trajectory] of set) {
    const before = Number(await page.locator('[data-testid="teach-status"]').getAttribute('data-count'));
    await page.fill('input#teach-label', label);
    await drawTrajectory(page, trajectory, { pad: 'canvas#teach-pad' });
    await page.waitForSelector(`[data-testid="teach-status"][data-count="${before + 1}"]`);
  }
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('button#teach-export')]);
  const file = path.join(shots, 'taught-letters.json');
  await download.saveAs(file);
  // The taught set alone, from scratch, as docs/performance.md measured it.
  await page.selectOption('select#teach-from', 'scratch');
  const iterations = Number((await page.locator('#teach-iterations').getAttribute('placeholder')).replace(/\D/g, ''));
  for (let r = 0; r < runs; r++) {
    const t0 = Date.now();
    await page.click('button#teach-learn');
    await page.waitForSelector('[data-testid="teach-status"]:is([data-state="done"], [data-state="error"])', { timeout: 600_000 });
    browserMs.push(Date.now() - t0);
    const cli = path.join(root, 'target', 'release', 'pcrnn');
    if (fs.existsSync(cli)) {
      const out = execFileSync(cli, ['train', '--data', file, '--iters', String(iterations), '--out', path.join(shots, 'taught-letters-model.json'), '--json']);
      nativeMs.push(1000 * JSON.parse(out.toString().trim().split('\n').pop()).seconds);
    }
    console.log(`run ${r + 1}: ${set.length} exemplars, ${iterations} iterations: browser ${browserMs[r]} ms` + (nativeMs[r] ? `, native CLI ${nativeMs[r].toFixed(0)} ms` : ''));
  }
  const b = median(browserMs);
  console.log(`median of ${runs}: browser ${b} ms` + (nativeMs.length ? `, native ${median(nativeMs).toFixed(0)} ms, browser/native ${(b / median(nativeMs)).toFixed(2)}` : ''));
  await context.close();
} finally {
  await env.close();
}
