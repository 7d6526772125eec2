// Times the wasm engine in headless Chromium (a Web Worker of www/bench.html) and prints a
// table. Usage: node scripts/bench-wasm.mjs [--repeats N] [--json]   (after `make wasm`)
import { startAll } from '../tests/browser/harness.mjs';

const args = process.argv.slice(2);
const repeats = Number(args[args.indexOf('--repeats') + 1]) || 3;
const json = args.includes('--json');

const env = await startAll();
try {
  const page = await env.browser.newPage();
  await page.goto(`${env.url}bench.html?repeats=${repeats}`);
  await page.waitForFunction(() => window.benchResult, null, { timeout: 600_000, polling: 500 });
  const result = await page.evaluate(() => window.benchResult);
  if (result.error) throw new Error(result.error);
  if (json) {
    console.log(JSON.stringify(result));
  } else {
    console.log(`wasm in ${result.userAgent.match(/(Headless)?Chrome\/[\d.]+/)?.[0] ?? 'Chromium'}, medians of ${repeats}, builds alternated:`);
    for (const [build, b] of Object.entries(result.byBuild)) {
      const page = build === result.build ? ' (the page uses this one)' : '';
      console.log(`  ${build}${page}`);
      console.log(`    training, 1000 iterations            ${b.trainMs.toFixed(0)} ms`);
      console.log(`    recall, 1 × 4 starts × 1000 trials   ${b.recallOneMs.toFixed(0)} ms`);
      console.log(`    recall, ${result.targets} × 4 starts × 1000 trials  ${b.recallAllMs.toFixed(0)} ms`);
    }
  }
} finally {
  await env.close();
}
