// Times the wasm engine in headless Chromium and prints a table: first in a Web Worker of
// www/bench.html (the engine alone, both builds alternated), then in the demo page itself, as a
// visitor gets it: letters drawn with the mouse right after the page is ready, each timed by the
// page from the stroke to the readout (its `data-ms`), while the page animates the recall; with
// one worker (the engine alone) and with the pool of recall workers (www/pool.js, one per core),
// fresh pages alternated, and how many workers computed each letter.
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

/** One fresh page, `starts` starts (null: the shipped model's), `pool` recall workers (null:
 * one per core): the first drawn letter, then four more; their times and worker counts. */
async function onePage(env, starts, pool, r) {
  const set = letters();
  const query = pool ? `?test-hooks&pool=${pool}` : '?test-hooks';
  const { page, context } = await openPage(env, { query, hash: starts ? `#starts=${starts}` : '' });
  const times = [];
  const workers = [];
  for (let i = 0; i < 5; i++) {
    const { state, ms } = await recallDrawn(page, set.trajectories[(r + 4 * i) % set.trajectories.length]);
    if (state !== 'done') throw new Error(`a recall in the page ended ${state}`);
    times.push(Number(ms));
    workers.push(await page.evaluate(() => window.pcrnnTest.recallWorkers()));
  }
  await context.close();
  return { times, workers };
}

/** For `starts`, fresh pages with one worker and with the pool, alternated repeat by repeat. */
async function inThePage(env, starts) {
  const cases = { one: { pool: 1 }, pool: { pool: null } };
  for (const c of Object.values(cases)) Object.assign(c, { first: [], next: [], workers: [] });
  for (let r = 0; r < repeats; r++) {
    for (const c of Object.values(cases)) {
      const { times, workers } = await onePage(env, starts, c.pool, r);
      c.first.push(times[0]);
      c.next.push(...times.slice(1));
      c.workers.push(workers);
    }
  }
  for (const c of Object.values(cases)) Object.assign(c, { firstMs: median(c.first), nextMs: median(c.next) });
  cases.ratioNext = cases.pool.nextMs / cases.one.nextMs;
  return cases;
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
    console.log(`in the page, a letter drawn with the mouse, 1000 trials (medians of ${repeats} fresh pages each, alternated):`);
    for (const [name, p] of [['4 starts', result.page.starts4], ['8 starts (the shipped model)', result.page.shipped]]) {
      for (const [how, c] of [['1 worker', p.one], ['the pool', p.pool]]) {
        const used = [...new Set(c.workers.flat())].join('/');
        console.log(`  ${name.padEnd(30)} ${how.padEnd(9)} first ${c.firstMs.toFixed(0)} ms, then ${c.nextMs.toFixed(0)} ms  (workers per letter: ${used}; first letters ${c.workers.map((w) => w[0]).join(' ')})`);
      }
      console.log(`  ${''.padEnd(30)} the pool's warm letters take ${p.ratioNext.toFixed(2)} × one worker's`);
    }
  }
} finally {
  await env.close();
}
