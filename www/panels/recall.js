// The recall panel: the drawing pad (pad.js), the recalled letter with the posterior over
// letters, and what each random start currently "imagines" from its hidden causes, redrawn as
// they move.
import { COLORS, fit, bounds, frame, trajectory, startColor, onResize } from './canvas.js';
import { createPad } from './pad.js';
import { setText, setProp, setAttr } from './dom.js';

export function createRecallPanel(root, { onStroke, onClear }) {
  const result = root.querySelector('[data-testid="retrieval-result"]');
  const letterEl = root.querySelector('#recalled-letter');
  const statusEl = root.querySelector('#recall-status');
  const posteriorEl = root.querySelector('#posterior');
  const imaginedEl = root.querySelector('#imagined');
  const pad = createPad(root.querySelector('#draw-pad'), { onStroke });
  root.querySelector('#clear-pad').addEventListener('click', () => {
    pad.clear();
    onClear();
  });
  let last = null;

  // ---- the result ----
  let figures = [];
  function buildFigures(n) {
    imaginedEl.replaceChildren();
    figures = [];
    for (let k = 0; k < n; k++) {
      const fig = document.createElement('figure');
      const canvas = document.createElement('canvas');
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', `What start ${k + 1} imagines`);
      const cap = document.createElement('figcaption');
      const dot = document.createElement('span');
      dot.textContent = '● ';
      dot.style.color = startColor(k);
      const label = document.createElement('span');
      cap.append(dot, label);
      fig.append(canvas, cap);
      imaginedEl.append(fig);
      figures.push({ fig, canvas, label });
      onResize(canvas, () => last && drawImagined(last, true));
    }
  }

  let imaginedKey = [];
  function drawImagined(state, force = false) {
    const rec = state.recall;
    if (!rec) return;
    const snap = rec.snapshots.findLast((s) => s.trials <= rec.shown) ?? null;
    const key = [rec, snap, rec.revealed, rec.target];
    if (!force && key.every((v, i) => v === imaginedKey[i])) return;
    imaginedKey = key;
    const b = bounds([rec.target]);
    figures.forEach(({ fig, canvas, label }, k) => {
      const { ctx, w, h } = fit(canvas);
      const toPx = frame(b, 2, 2, w - 4, h - 4, 0.2);
      trajectory(ctx, rec.target, toPx, { color: COLORS.train, width: 1.1, dash: [3, 3] });
      const pts = snap?.imagined?.[k];
      if (pts) trajectory(ctx, pts, toPx, { color: startColor(k), width: 1.8, startDot: true });
      const run = rec.revealed ? rec.report?.runs?.[k] : null;
      setText(label, run ? `start ${k + 1}: ${run.label}` : `start ${k + 1}`);
      fig.classList.toggle('best', !!(rec.revealed && rec.report && rec.report.best_start[0] === k));
    });
  }

  let posteriorKey = [];
  function drawPosterior(state) {
    const rec = state.recall;
    const key = [rec, rec?.revealed, state.model];
    if (key.every((v, i) => v === posteriorKey[i])) return;
    posteriorKey = key;
    const letters = rec?.revealed && rec.report ? rec.report.letters : state.model?.letters ?? [];
    const best = rec?.revealed && rec.report ? rec.report.runs[rec.report.best_start[0]] : null;
    const values = best ? best.posterior : letters.map(() => 0);
    const top = best ? values.indexOf(Math.max(...values)) : -1;
    // Bars grow into a posterior, and drop at once when a recall starts: a transition then would
    // take frames while the worker computes (style.css).
    posteriorEl.classList.toggle('empty', !best);
    if (posteriorEl.children.length !== letters.length) {
      posteriorEl.replaceChildren(
        ...letters.map(() => {
          const bar = document.createElement('div');
          bar.className = 'pbar';
          const track = document.createElement('span');
          track.className = 'track';
          const fill = document.createElement('span');
          fill.className = 'fill';
          track.append(fill);
          const lab = document.createElement('span');
          lab.className = 'lab';
          bar.append(track, lab);
          return bar;
        }),
      );
    }
    [...posteriorEl.children].forEach((bar, i) => {
      setText(bar.lastChild, letters[i]);
      setProp(bar.firstChild.firstChild.style, 'height', `${Math.round(48 * (values[i] ?? 0))}px`);
      bar.classList.toggle('best', i === top);
      setProp(bar, 'title', `${letters[i]}: ${((values[i] ?? 0) * 100).toFixed(1)}%`);
    });
    setAttr(
      posteriorEl,
      'aria-label',
      best ? `Posterior over letters; highest: ${letters[top]} at ${(values[top] * 100).toFixed(0)} percent` : 'Posterior over letters (none yet)',
    );
  }

  function render(state) {
    last = state;
    const rec = state.recall;
    const status = rec ? (rec.revealed ? rec.state : rec.state === 'error' || rec.state === 'cancelled' ? rec.state : 'running') : 'idle';
    const shownState = status === 'cancelled' ? 'idle' : status;
    setProp(result.dataset, 'state', shownState);
    if (rec && status === 'done') {
      const letter = rec.report.predictions[0];
      setProp(result.dataset, 'letter', letter);
      setProp(result.dataset, 'ms', rec.ms.toFixed(0));
      setText(letterEl, letter);
      const target = rec.kind === 'letter' ? ` (target: ${rec.targetLabel})` : '';
      setText(statusEl, `after ${rec.report.trials} trials from ${rec.runs} starts${target}; ${rec.ms.toFixed(0)} ms`);
    } else {
      delete result.dataset.letter;
      delete result.dataset.ms;
      const [mark, line] =
        rec && status === 'running'
          ? ['…', `recalling… trial ${Math.floor(rec.shown)} of ${rec.total}`]
          : status === 'error'
            ? ['!', 'could not recall this one (see the message)']
            : ['?', state.model ? 'Draw a letter to begin.' : 'Loading the network…'];
      setText(letterEl, mark);
      setText(statusEl, line);
    }
    if (rec && figures.length !== rec.runs) buildFigures(rec.runs);
    if (!rec && figures.length) buildFigures(0);
    drawImagined(state);
    drawPosterior(state);
  }

  return { render, clear: pad.clear };
}
