// "Write like this": the learned letters as the network writes them from their memories (the
// model's generated trajectories), one small cell per label, so a visitor sees the hand and the
// stroke order it knows. A dot marks where the pen starts.
import { COLORS, fit, bounds, frame, trajectory, text, onResize } from './canvas.js';

/** At most this many cells a row; more letters take more rows. */
const PER_ROW = 10;

export function createStripPanel(canvas) {
  let last = null;
  let drawn = null;
  onResize(canvas, () => last && render(last, true));

  function render(state, force = false) {
    last = state;
    const model = state.model;
    if (!force && drawn === model) return;
    drawn = model;
    // One cell per label: its first memory (a taught set may hold several of one label).
    const cells = [];
    const seen = new Set();
    (model?.labels ?? []).forEach((label, k) => {
      if (seen.has(label) || !model.generated?.[k]) return;
      seen.add(label);
      cells.push({ label, pts: model.generated[k] });
    });
    const cols = Math.max(1, Math.min(PER_ROW, cells.length));
    const rows = Math.max(1, Math.ceil(cells.length / cols));
    // The strip's height follows its rows: cells about square.
    const want = `${cols} / ${rows * 1.15}`;
    if (canvas.style.aspectRatio !== want) canvas.style.aspectRatio = want;
    const { ctx, w, h } = fit(canvas);
    if (!cells.length) {
      text(ctx, state.ready ? 'no letters learned yet' : 'loading…', w / 2, h / 2, { color: COLORS.muted, align: 'center', baseline: 'middle' });
      return;
    }
    const cw = w / cols;
    const ch = h / rows;
    cells.forEach(({ label, pts }, i) => {
      const x0 = (i % cols) * cw;
      const y0 = Math.floor(i / cols) * ch;
      const toPx = frame(bounds([pts]), x0 + 3, y0 + 12, cw - 6, ch - 15, 0.08);
      trajectory(ctx, pts, toPx, { color: COLORS.accent, width: 1.5, startDot: true });
      text(ctx, label, x0 + 3, y0 + 10, { size: 10, weight: '600', color: COLORS.muted });
    });
  }
  return { render };
}
