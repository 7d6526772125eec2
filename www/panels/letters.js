// Generated letters over the training letters, as small multiples (the seed's second figure,
// for every letter, live while training).
import { COLORS, fit, bounds, frame, trajectory, text, onResize } from './canvas.js';

export function createLettersPanel(canvas) {
  let last = null;
  let drawn = [];
  onResize(canvas, () => last && render(last, true));

  function render(state, force = false) {
    last = state;
    if (!force && drawn[0] === state.model && drawn[1] === state.data) return;
    drawn = [state.model, state.data];
    const { ctx, w, h } = fit(canvas);
    const model = state.model;
    const data = state.data;
    if (!model && !data) {
      text(ctx, 'Loading…', w / 2, h / 2, { color: COLORS.muted, align: 'center' });
      return;
    }
    const labels = model?.labels ?? data.labels;
    // Training letters pair with the memories when the model was trained on this data set.
    const paired = data && model && data.labels.length === model.labels.length && data.labels.every((l, i) => l === model.labels[i]);
    const n = labels.length;
    const cols = Math.max(1, Math.round(Math.sqrt((n * w) / h)));
    const rows = Math.ceil(n / cols);
    const cw = w / cols;
    const ch = h / rows;
    for (let k = 0; k < n; k++) {
      const x0 = (k % cols) * cw;
      const y0 = Math.floor(k / cols) * ch;
      const train = paired || (!model && data) ? data.trajectories[k] : null;
      const gen = model?.generated?.[k];
      // Fit each cell to its training letter; the generated one may stray a little outside.
      const b = bounds([train ?? gen]);
      const toPx = frame(b, x0 + 4, y0 + 4, cw - 8, ch - 8, 0.12);
      ctx.save();
      ctx.beginPath();
      ctx.rect(x0 + 1, y0 + 1, cw - 2, ch - 2);
      ctx.clip();
      ctx.strokeStyle = COLORS.grid;
      ctx.strokeRect(x0 + 1.5, y0 + 1.5, cw - 3, ch - 3);
      if (train) trajectory(ctx, train, toPx, { color: COLORS.train, width: 1.2, dash: [4, 3] });
      if (gen) trajectory(ctx, gen, toPx, { color: COLORS.accent, width: 1.7, startDot: true });
      text(ctx, labels[k], x0 + 7, y0 + 17, { size: 14, weight: '600', color: COLORS.ink });
      ctx.restore();
    }
  }
  return { render };
}
