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
  const result = {
    repeats,
    userAgent: navigator.userAgent,
    targets: r.targets,
    trainMs: median(r.train),
    recallOneMs: median(r.recallOne),
    recallAllMs: median(r.recallAll),
    samples: r,
  };
  out.textContent = [
    `training, 1000 iterations:             ${result.trainMs.toFixed(0)} ms`,
    `recall, 1 letter × 4 starts × 1000:    ${result.recallOneMs.toFixed(0)} ms`,
    `recall, ${r.targets} letters × 4 starts × 1000:  ${result.recallAllMs.toFixed(0)} ms`,
    `(medians of ${repeats})`,
  ].join('\n');
  window.benchResult = result;
};
worker.postMessage({ repeats });
