// The recall panel: the drawing pad (pad.js), the training letters to recall instead, the
// recalled letter with the posterior over letters, and what each random start currently
// "imagines" from its hidden causes, redrawn as they move. It draws `state.recall` (its `phase`:
// main.js) and reports what the visitor does through `on`.
import { COLORS, fit, bounds, frame, trajectory, startColor, onResize } from './canvas.js';
import { createPad } from './pad.js';
import { setText, setProp, setAttr } from './dom.js';

/** `on`: stroke(points) on pen-up, letter(index of a training letter), stop(), clear(). */
export function createRecallPanel(root, on) {
  const result = root.querySelector('[data-testid="retrieval-result"]');
  const letterEl = root.querySelector('#recalled-letter');
  const statusEl = root.querySelector('#recall-status');
  const posteriorEl = root.querySelector('#posterior');
  const imaginedEl = root.querySelector('#imagined');
  const select = root.querySelector('#target-letter');
  const retrieve = root.querySelector('#retrieve');
  const pad = createPad(root.querySelector('#draw-pad'), { onStroke: (points) => on.stroke(points) });
  root.querySelector('#clear-pad').addEventListener('click', () => {
    pad.clear();
    on.clear();
  });
  retrieve.addEventListener('click', () => {
    const index = Number(select.value);
    if (select.value !== '' && Number.isInteger(index)) on.letter(index);
  });
  root.querySelector('#cancel').addEventListener('click', () => on.stop());
  let last = null;

  // ---- the training letters to recall ----
  let listed = null;
  function drawLetterChoice(data) {
    if (data === listed) return;
    listed = data;
    const labels = data?.labels ?? [];
    const seen = {};
    select.replaceChildren(
      ...labels.map((label, i) => {
        seen[label] = (seen[label] ?? 0) + 1;
        const option = document.createElement('option');
        option.value = String(i);
        option.textContent = seen[label] > 1 ? `${label} (${seen[label]})` : label;
        return option;
      }),
    );
    select.disabled = !labels.length;
    retrieve.disabled = !labels.length;
  }

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
    if (!rec.runs) return;
    const done = rec.phase === 'done';
    const snap = rec.snapshots.findLast((s) => s.trials <= rec.shown) ?? null;
    const key = [rec, snap, done, rec.target];
    if (!force && key.every((v, i) => v === imaginedKey[i])) return;
    imaginedKey = key;
    const b = bounds([rec.target]);
    figures.forEach(({ fig, canvas, label }, k) => {
      const { ctx, w, h } = fit(canvas);
      const toPx = frame(b, 2, 2, w - 4, h - 4, 0.2);
      trajectory(ctx, rec.target, toPx, { color: COLORS.train, width: 1.1, dash: [3, 3] });
      const pts = snap?.imagined?.[k];
      if (pts) trajectory(ctx, pts, toPx, { color: startColor(k), width: 1.8, startDot: true });
      const run = done ? rec.report.runs[k] : null;
      setText(label, run ? `start ${k + 1}: ${run.label}` : `start ${k + 1}`);
      fig.classList.toggle('best', done && rec.report.best_start[0] === k);
    });
  }

  let posteriorKey = [];
  function drawPosterior(state) {
    const rec = state.recall;
    const done = rec.phase === 'done';
    const key = [rec, done, state.model];
    if (key.every((v, i) => v === posteriorKey[i])) return;
    posteriorKey = key;
    const letters = done ? rec.report.letters : state.model?.letters ?? [];
    const best = done ? rec.report.runs[rec.report.best_start[0]] : null;
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

  // What `data-state` says of each phase (docs/design.md §6): a cancelled recall is idle again.
  const SHOWN_STATE = { idle: 'idle', running: 'running', replaying: 'running', done: 'done', cancelled: 'idle', error: 'error' };

  function render(state) {
    last = state;
    drawLetterChoice(state.data);
    const rec = state.recall;
    const shown = SHOWN_STATE[rec.phase];
    setProp(result.dataset, 'state', shown);
    if (shown === 'done') {
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
        shown === 'running'
          ? ['…', `recalling… trial ${Math.floor(rec.shown)} of ${rec.total}`]
          : shown === 'error'
            ? ['!', 'could not recall this one (see the message)']
            : ['?', state.model ? 'Draw a letter to begin.' : 'Loading the network…'];
      setText(letterEl, mark);
      setText(statusEl, line);
    }
    const runs = rec.runs ?? 0;
    if (figures.length !== runs) buildFigures(runs);
    drawImagined(state);
    drawPosterior(state);
  }

  return { render, clear: pad.clear };
}
