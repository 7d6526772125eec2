// Times the wasm engine in headless Chromium and prints a table: first in a Web Worker of
// www/bench.html (the engine alone, both builds alternated), then in the demo page itself, as a
// visitor gets it: letters drawn with the mouse right after the page is ready, each timed by the
// page from the stroke to the readout (its `data-ms`), while the page animates the recall.
// Usage: node scripts/bench-wasm.mjs [--repeats N] [--json]   (after `make wasm`)
import { startAll, openPage, letters, recallDrawn } from '../tests/browser/harness.mjs';

const args = process.argv.slice(2);
const repeats = Number(args[args.indexOf('--repeats') + 1]) || 3;
const json = args.includes('--json');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function engineAlone(env) {
  const page = await env.browser.newPage();
  await page.goto(`${env.url}bench.html?repeats=${repeats}`);
  await page.waitForFunction(() => window.benchResult, null, { timeout: 600_000, polling: 500 });
  const result = await page.evaluate(() => window.benchResult);
  if (result.error) throw new Error(result.error);
  await page.close();
  return result;
}

/** One fresh page per repeat, `starts` starts: the first drawn letter, then four more. */
async function inThePage(env, starts) {
  const set = letters();
  const first = [];
  const next = [];
  for (let r = 0; r < repeats; r++) {
    const { page, context } = await openPage(env, { hash: starts ? `#starts=${starts}` : '' });
    for (let i = 0; i < 5; i++) {
      const { state, ms } = await recallDrawn(page, set.trajectories[(r + 4 * i) % set.trajectories.length]);
      if (state !== 'done') throw new Error(`a recall in the page ended ${state}`);
      (i === 0 ? first : next).push(Number(ms));
    }
    await context.close();
  }
  return { firstMs: median(first), nextMs: median(next), first, next };
}

const env = await startAll();
try {
  const result = await engineAlone(env);
  // 4 starts as the target; the shipped model's own setting (8) as a visitor gets it.
  result.page = { starts4: await inThePage(env, 4), shipped: await inThePage(env, null) };
  if (json) {
    console.log(JSON.stringify(result));
  } else {
    console.log(`wasm in ${result.userAgent.match(/(Headless)?Chrome\/[\d.]+/)?.[0] ?? 'Chromium'}, medians of ${repeats}, builds alternated:`);
    for (const [build, b] of Object.entries(result.byBuild)) {
      const page = build === result.build ? ' (the page uses this one)' : '';
      console.log(`  ${build}${page}`);
      const w = result.work;
      console.log(`    training, ${w.iterations} iterations            ${b.trainMs.toFixed(0)} ms`);
      console.log(`    recall, 1 × ${w.starts} starts × ${w.trials} trials   ${b.recallOneMs.toFixed(0)} ms`);
      console.log(`    recall, ${result.targets} × ${w.starts} starts × ${w.trials} trials  ${b.recallAllMs.toFixed(0)} ms`);
    }
    console.log(`in the page, a letter drawn with the mouse, 1000 trials (medians of ${repeats} fresh pages):`);
    for (const [name, p] of [['4 starts', result.page.starts4], ['8 starts (the shipped model)', result.page.shipped]]) {
      console.log(`  ${name.padEnd(30)} first ${p.firstMs.toFixed(0)} ms, then ${p.nextMs.toFixed(0)} ms`);
    }
  }
} finally {
  await env.close();
}
