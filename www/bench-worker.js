// Benchmark worker: the engine the page uses (www/pkg), timed in a Web Worker as the page's
// worker runs it, in each build this browser can run (engine-build.js): the page's first, then
// plain simd128 where that is not the page's, alternated measurement by measurement so that a
// drift of the machine's speed weighs on both alike. Messages in: { repeats }; out: { results } or { error }.
import { engineBuild, engineUrl } from './engine-build.js';

// The work measured is the page's with the engine's defaults (src/facts.rs): a training run of
// the default iterations, and recalls with the seed's settings (the engine fills them in).
const settings = {};

function time(work) {
  const t0 = performance.now();
  work();
  return performance.now() - t0;
}

/** The engine's defaults, from the bindings of `build` (loaded by `load`). */
async function engineFacts(build) {
  return (await import(`./pkg/pcrnn.js?build=${build}`)).facts();
}

async function load(build, letters) {
  // A module imported under another URL is another instance: one set of bindings per build.
  const bindings = await import(`./pkg/pcrnn.js?build=${build}`);
  await bindings.default({ module_or_path: engineUrl(build, import.meta.url) });
  const engine = new bindings.Engine();
  const data = engine.load_data(letters);
  return { build, engine, targets: data.labels.length };
}

async function run(repeats) {
  const letters = await (await fetch(new URL('./data/letters.json', import.meta.url))).text();
  const builds = [...new Set([engineBuild(), 'simd128'])];
  const engines = [];
  for (const build of builds) engines.push(await load(build, letters));
  const targets = engines[0].targets;
  const facts = await engineFacts(builds[0]);
  const work = { iterations: facts.train.iterations, trials: facts.recall.trials, starts: facts.recall.starts };
  const results = { targets, work, builds: {} };
  for (const { build } of engines) results.builds[build] = { train: [], recallOne: [], recallAll: [] };
  // Warm-up: V8 first runs wasm through its baseline compiler and swaps in optimised code
  // for the next call once a function is hot; time the optimised code, as a visitor gets it
  // after the first moments (the page trains or recalls in short chunks).
  for (let i = 0; i < 3; i++) {
    for (const { engine } of engines) {
      engine.train_reset({ seed: 0 });
      for (let k = 0; k < 10; k++) engine.train_steps(2);
      engine.recall_letter(0, settings, 0);
      for (let k = 0; k < 10; k++) engine.recall_advance(2);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  // Each measurement for every build in turn, so that the two of a pair are seconds apart.
  const measures = {
    train: (engine) => {
      engine.train_reset({ seed: 0 });
      return time(() => engine.train_steps(work.iterations));
    },
    // One letter (as for a drawn one): all starts' trials in one batch.
    recallOne: (engine, r) =>
      time(() => {
        engine.recall_letter(0, settings, r);
        engine.recall_advance(work.trials);
        engine.recall_report();
      }),
    // Every training letter, one after the other, as the page recalls them.
    recallAll: (engine, r) =>
      time(() => {
        for (let i = 0; i < targets; i++) {
          engine.recall_letter(i, settings, r);
          engine.recall_advance(work.trials);
          engine.recall_report();
        }
      }),
  };
  for (let r = 0; r < repeats; r++) {
    for (const [name, measure] of Object.entries(measures)) {
      for (const { build, engine } of engines) results.builds[build][name].push(measure(engine, r));
    }
  }
  return results;
}

self.onmessage = async ({ data }) => {
  try {
    self.postMessage({ results: await run(data.repeats) });
  } catch (err) {
    self.postMessage({ error: String(err?.message ?? err) });
  }
};
