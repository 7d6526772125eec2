// Runs bench-worker.js and shows its medians; `window.benchResult` holds them for scripts.
const out = document.getElementById('out');
const repeats = Math.max(1, Number(new URLSearchParams(location.search).get('repeats')) || 3);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const worker = new Worker(new URL('./bench-worker.js', import.meta.url), { type: 'module' });
worker.onmessage = ({ data }) => {
  if (data.error) {
    out.textContent = `error: ${data.error}`;
    window.benchResult = { error: data.error };
    return;
  }
  const r = data.results;
  const w = r.work;
  // Per build, the medians; the page's build (the first) is also the result's top level.
  const byBuild = Object.fromEntries(
    Object.entries(r.builds).map(([build, t]) => [
      build,
      { trainMs: median(t.train), recallOneMs: median(t.recallOne), recallAllMs: median(t.recallAll) },
    ]),
  );
  const [build] = Object.keys(byBuild);
  const result = {
    repeats,
    userAgent: navigator.userAgent,
    targets: r.targets,
    work: w,
    build,
    ...byBuild[build],
    byBuild,
    samples: r.builds,
  };
  out.textContent = [
    'build:                                 ' + Object.keys(byBuild).join('      '),
    `training, ${w.iterations} iterations:`.padEnd(39) + Object.values(byBuild).map((b) => `${b.trainMs.toFixed(0)} ms`.padEnd(12)).join(' '),
    `recall, 1 letter × ${w.starts} starts × ${w.trials}:`.padEnd(39) + Object.values(byBuild).map((b) => `${b.recallOneMs.toFixed(0)} ms`.padEnd(12)).join(' '),
    `recall, ${r.targets} letters × ${w.starts} starts × ${w.trials}:`.padEnd(39) + Object.values(byBuild).map((b) => `${b.recallAllMs.toFixed(0)} ms`.padEnd(12)).join(' '),
    `(medians of ${repeats}, the builds alternated; the page runs ${build})`,
  ].join('\n');
  window.benchResult = result;
};
worker.postMessage({ repeats });
