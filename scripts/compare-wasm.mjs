// Compares two builds of the wasm engine side by side, in node, by CPU time: measurement by
// measurement alternated, so that a drift of the machine's speed (or other work on it) weighs on
// both alike. For a change's "speed unchanged" check: build the previous commit's www/pkg in a
// worktree, then
//   node scripts/compare-wasm.mjs OLD/www/pkg www/pkg [--rounds 7] [--relaxed]
// (--relaxed times pcrnn_relaxed_bg.wasm; node 20 needs --experimental-wasm-relaxed-simd).
// The work is the page's: 1000 training iterations on data/letters.json; one letter recalled
// (4 starts × 1000 trials); the 20 letters recalled one after the other.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const args = process.argv.slice(2);
const flag = (name) => args.indexOf(name);
const rounds = flag('--rounds') >= 0 ? Number(args[flag('--rounds') + 1]) : 7;
const wasmFile = args.includes('--relaxed') ? 'pcrnn_relaxed_bg.wasm' : 'pcrnn_bg.wasm';
const dirs = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--rounds');
if (dirs.length !== 2 || !(rounds > 0)) {
  console.error('usage: node scripts/compare-wasm.mjs OLD_PKG_DIR NEW_PKG_DIR [--rounds N] [--relaxed]');
  process.exit(2);
}

const letters = readFileSync(new URL('../data/letters.json', import.meta.url), 'utf8');
const settings = { starts: 4, trials: 1000 };

async function engineOf(dir) {
  const bindings = await import(resolve(dir, 'pcrnn.js'));
  bindings.initSync({ module: readFileSync(resolve(dir, wasmFile)) });
  const engine = new bindings.Engine();
  engine.load_data(letters);
  return engine;
}

/** CPU milliseconds (user + system) of `work`. */
function cpuMs(work) {
  const start = process.cpuUsage();
  work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

const recall = (engine, letter, seed) => {
  engine.recall_letter(letter, settings, seed);
  engine.recall_advance(settings.trials);
  engine.recall_report();
};
const measures = {
  'train 1000 iterations': (engine) => {
    engine.train_reset({ seed: 0 });
    return cpuMs(() => engine.train_steps(1000));
  },
  'recall one letter': (engine, round) => cpuMs(() => recall(engine, 0, round)),
  'recall 20 letters': (engine, round) =>
    cpuMs(() => {
      for (let letter = 0; letter < 20; letter++) recall(engine, letter, round);
    }),
};

const builds = { old: await engineOf(dirs[0]), new: await engineOf(dirs[1]) };
// Warm-up: V8 swaps its baseline code for optimised code once a function is hot.
for (const engine of Object.values(builds)) {
  engine.train_reset({ seed: 0 });
  engine.train_steps(50);
  engine.recall_letter(0, settings, 0);
  engine.recall_advance(50);
}
const times = {};
for (let round = 0; round < rounds; round++) {
  for (const [work, measure] of Object.entries(measures)) {
    for (const [build, engine] of Object.entries(builds)) {
      ((times[work] ??= {})[build] ??= []).push(measure(engine, round));
    }
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const range = (xs) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
console.log(`${wasmFile}, CPU ms, medians of ${rounds} alternated rounds [range]`);
for (const [work, by] of Object.entries(times)) {
  const [old, now] = [median(by.old), median(by.new)];
  console.log(
    `  ${work.padEnd(22)} old ${old.toFixed(0).padStart(6)} [${range(by.old)}]` +
      `  new ${now.toFixed(0).padStart(6)} [${range(by.new)}]  new/old ${(now / old).toFixed(2)}`,
  );
}
