// The recall panel: a drawing pad with handwriting guide lines (pointer events: mouse, touch,
// pen), the recalled letter with the posterior over letters, and what each random start
// currently "imagines" from its hidden causes, redrawn as they move.
import { COLORS, fit, bounds, frame, trajectory, text, startColor, onResize } from './canvas.js';

export function createRecallPanel(root, { onStroke, onClear }) {
  const pad = root.querySelector('#draw-pad');
  const result = root.querySelector('[data-testid="retrieval-result"]');
  const letterEl = root.querySelector('#recalled-letter');
  const statusEl = root.querySelector('#recall-status');
  const posteriorEl = root.querySelector('#posterior');
  const imaginedEl = root.querySelector('#imagined');
  let stroke = []; // [x, y, t] in CSS pixels of the pad, t in ms from pen-down
  let drawing = null; // { id, t0 }
  let last = null;

  // ---- the pad ----
  function drawPad() {
    const { ctx, w, h } = fit(pad);
    // Four-line handwriting guide: ascender, x-height (dashed), baseline, descender.
    const lines = [
      [0.16, '#e3e7ea', []],
      [0.42, '#d5dde3', [5, 5]],
      [0.68, '#aebdc7', []],
      [0.9, '#e3e7ea', []],
    ];
    for (const [f, color, dash] of lines) {
      ctx.strokeStyle = color;
      ctx.setLineDash(dash);
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(8, Math.round(f * h) + 0.5);
      ctx.lineTo(w - 8, Math.round(f * h) + 0.5);
      ctx.stroke();
    }
    ctx.setLineDash([]);
    if (!stroke.length) {
      text(ctx, 'draw here', w / 2, 0.56 * h, { color: '#b8c2c8', size: 16, align: 'center', baseline: 'middle' });
      return;
    }
    ctx.strokeStyle = COLORS.ink;
    ctx.lineWidth = 3;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    stroke.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
    ctx.stroke();
    const [x0, y0] = stroke[0];
    ctx.fillStyle = COLORS.accent;
    ctx.beginPath();
    ctx.arc(x0, y0, 4, 0, 2 * Math.PI);
    ctx.fill();
  }

  const point = (e) => {
    const r = pad.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top, e.timeStamp - drawing.t0];
  };

  pad.addEventListener('pointerdown', (e) => {
    if (e.button !== 0 && e.pointerType === 'mouse') return;
    e.preventDefault();
    pad.setPointerCapture(e.pointerId);
    drawing = { id: e.pointerId, t0: e.timeStamp };
    stroke = [point(e)];
    drawPad();
  });
  pad.addEventListener('pointermove', (e) => {
    if (!drawing || e.pointerId !== drawing.id) return;
    const events = e.getCoalescedEvents ? e.getCoalescedEvents() : [e];
    for (const ev of events.length ? events : [e]) stroke.push(point(ev));
    drawPad();
  });
  const end = (e, cancelled) => {
    if (!drawing || e.pointerId !== drawing.id) return;
    drawing = null;
    if (pad.hasPointerCapture(e.pointerId)) pad.releasePointerCapture(e.pointerId);
    drawPad();
    if (!cancelled) onStroke(stroke.map(([x, y, t]) => [x, y, t]));
  };
  pad.addEventListener('pointerup', (e) => end(e, false));
  pad.addEventListener('pointercancel', (e) => end(e, true));
  root.querySelector('#clear-pad').addEventListener('click', () => {
    stroke = [];
    drawPad();
    onClear();
  });
  // Keep the stroke where it was drawn if the pad changes size (e.g. a scrollbar appears).
  let padWidth = pad.clientWidth;
  onResize(pad, () => {
    const k = padWidth > 0 ? pad.clientWidth / padWidth : 1;
    padWidth = pad.clientWidth;
    stroke = stroke.map(([x, y, t]) => [x * k, y * k, t]);
    drawPad();
  });

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
      label.textContent = run ? `start ${k + 1}: ${run.label}` : `start ${k + 1}`;
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
      bar.lastChild.textContent = letters[i];
      bar.firstChild.firstChild.style.height = `${Math.round(48 * (values[i] ?? 0))}px`;
      bar.classList.toggle('best', i === top);
      bar.title = `${letters[i]}: ${((values[i] ?? 0) * 100).toFixed(1)}%`;
    });
    posteriorEl.setAttribute(
      'aria-label',
      best ? `Posterior over letters; highest: ${letters[top]} at ${(values[top] * 100).toFixed(0)} percent` : 'Posterior over letters (none yet)',
    );
  }

  function render(state) {
    last = state;
    const rec = state.recall;
    const status = rec ? (rec.revealed ? rec.state : rec.state === 'error' || rec.state === 'cancelled' ? rec.state : 'running') : 'idle';
    const shownState = status === 'cancelled' ? 'idle' : status;
    if (result.dataset.state !== shownState) result.dataset.state = shownState;
    if (rec && status === 'done') {
      const letter = rec.report.predictions[0];
      result.dataset.letter = letter;
      letterEl.textContent = letter;
      const target = rec.kind === 'letter' ? ` (target: ${rec.targetLabel})` : '';
      statusEl.textContent = `after ${rec.report.trials} trials from ${rec.runs} starts${target}; ${rec.ms.toFixed(0)} ms`;
    } else if (rec && status === 'running') {
      delete result.dataset.letter;
      letterEl.textContent = '…';
      statusEl.textContent = `recalling… trial ${Math.floor(rec.shown)} of ${rec.total}`;
    } else if (status === 'error') {
      delete result.dataset.letter;
      letterEl.textContent = '!';
      statusEl.textContent = 'could not recall this one (see the message)';
    } else {
      delete result.dataset.letter;
      letterEl.textContent = '?';
      statusEl.textContent = state.model ? 'Draw a letter to begin.' : 'Loading the network…';
    }
    if (rec && figures.length !== rec.runs) buildFigures(rec.runs);
    if (!rec && figures.length) buildFigures(0);
    drawImagined(state);
    drawPosterior(state);
  }

  drawPad();
  return { render, clear: () => { stroke = []; drawPad(); } };
}
