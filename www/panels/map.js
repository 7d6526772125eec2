// The 2-D map of hidden causes: one + per memory with its letter, and the recall paths of the
// random starts, one point per trial (the seed's third and fourth figures, animated).
import { COLORS, fit, text, startColor, onResize } from './canvas.js';

/** `compact`: a small copy (the phone's mini-map): no axis labels, smaller letters. */
export function createMapPanel(canvas, { compact = false } = {}) {
  let last = null;
  let drawn = [];
  onResize(canvas, () => last && render(last, true));

  function render(state, force = false) {
    last = state;
    const rec = state.recall;
    const key = [state.model, state.ready, rec, Math.floor(rec.shown ?? 0), rec.circle, rec.paths?.length, rec.phase];
    if (!force && key.every((v, i) => v === drawn[i])) return;
    drawn = key;
    const { ctx, w, h } = fit(canvas);
    const model = state.model;
    const mus = model?.mus ?? [];
    // The seed's view is [-3, 3]²; widen it if the memories lie further out.
    let r = 3;
    for (const [x, y] of mus) if (Number.isFinite(x) && Number.isFinite(y)) r = Math.max(r, 1.15 * Math.abs(x), 1.15 * Math.abs(y));
    if (compact && canvas.clientWidth === 0) return; // hidden (not on a phone): nothing to draw
    const m = compact ? { l: 2, r: 2, t: 2, b: 2 } : { l: 30, r: 8, t: 8, b: 26 };
    const side = Math.min(w - m.l - m.r, h - m.t - m.b);
    const ox = m.l + (w - m.l - m.r - side) / 2;
    const oy = m.t + (h - m.t - m.b - side) / 2;
    const s = side / (2 * r);
    const P = ([x, y]) => [ox + (x + r) * s, oy + (r - y) * s];

    // Grid and axes.
    ctx.strokeStyle = COLORS.grid;
    ctx.lineWidth = 1;
    ctx.strokeRect(ox, oy, side, side);
    const tick = r > 6 ? 2 : 1;
    for (let v = -Math.floor(r); v <= r; v += tick) {
      const [gx] = P([v, 0]);
      const [, gy] = P([0, v]);
      ctx.beginPath();
      ctx.moveTo(gx, oy);
      ctx.lineTo(gx, oy + side);
      ctx.moveTo(ox, gy);
      ctx.lineTo(ox + side, gy);
      ctx.stroke();
      if (compact) continue;
      text(ctx, String(v), gx, oy + side + 12, { size: 10, color: COLORS.muted, align: 'center' });
      text(ctx, String(v), ox - 5, gy, { size: 10, color: COLORS.muted, align: 'right', baseline: 'middle' });
    }
    if (!compact) text(ctx, 'hidden cause 1', ox + side / 2, Math.min(h - 2, oy + side + 25), { size: 10, color: COLORS.muted, align: 'center' });
    if (!compact) {
      ctx.save();
      ctx.translate(9, oy + side / 2);
      ctx.rotate(-Math.PI / 2);
      text(ctx, 'hidden cause 2', 0, 0, { size: 10, color: COLORS.muted, align: 'center', baseline: 'middle' });
      ctx.restore();
    }

    ctx.save();
    ctx.beginPath();
    ctx.rect(ox, oy, side, side);
    ctx.clip();

    // Recall paths, up to the trial the animation has reached.
    if (rec.paths) {
      const shown = Math.floor(rec.shown);
      rec.paths.forEach((path, k) => {
        const pts = path.slice(0, shown + 1);
        if (!pts.length) return;
        const color = startColor(k);
        // The whole path faintly, and the last few trials as a bright tail, so the motion reads
        // even when the noise makes the cause jump about.
        const TAIL = 25;
        const line = (from, alpha, width) => {
          ctx.globalAlpha = alpha;
          ctx.strokeStyle = color;
          ctx.lineWidth = width;
          ctx.beginPath();
          for (let i = from; i < pts.length; i++) {
            const [x, y] = P(pts[i]);
            if (i > from) ctx.lineTo(x, y);
            else ctx.moveTo(x, y);
          }
          ctx.stroke();
        };
        line(0, 0.09, 1);
        line(Math.max(0, pts.length - TAIL), 0.75, 1.4);
        ctx.fillStyle = color;
        for (let i = Math.max(0, pts.length - TAIL); i < pts.length; i++) {
          const [x, y] = P(pts[i]);
          ctx.globalAlpha = 0.3 + 0.6 * ((i - pts.length + TAIL) / TAIL);
          ctx.beginPath();
          ctx.arc(x, y, 2.2, 0, 2 * Math.PI);
          ctx.fill();
        }
        ctx.globalAlpha = 1;
        // Start: hollow ring; current: a filled dot with a white rim.
        const [sx, sy] = P(pts[0]);
        ctx.strokeStyle = color;
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.arc(sx, sy, 4.5, 0, 2 * Math.PI);
        ctx.stroke();
        const [cx, cy] = P(pts[pts.length - 1]);
        ctx.fillStyle = color;
        ctx.strokeStyle = '#fff';
        ctx.beginPath();
        ctx.arc(cx, cy, 5.5, 0, 2 * Math.PI);
        ctx.fill();
        ctx.stroke();
      });
    }

    // Memories: a + and the letter, as text.
    const labels = model?.labels ?? [];
    mus.forEach((mu, k) => {
      const [x, y] = P(mu);
      ctx.strokeStyle = COLORS.ink;
      ctx.lineWidth = 1.4;
      ctx.beginPath();
      ctx.moveTo(x - 4, y);
      ctx.lineTo(x + 4, y);
      ctx.moveTo(x, y - 4);
      ctx.lineTo(x, y + 4);
      ctx.stroke();
      // Letters as text with a white halo, legible over the paths.
      ctx.save();
      ctx.font = `${compact ? 9 : Math.max(12, Math.min(18, side / 28))}px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif`;
      ctx.lineWidth = 3;
      ctx.strokeStyle = 'rgba(255,255,255,0.85)';
      ctx.lineJoin = 'round';
      ctx.strokeText(labels[k] ?? '', x + 4, y - 4);
      ctx.fillStyle = COLORS.ink;
      ctx.fillText(labels[k] ?? '', x + 4, y - 4);
      ctx.restore();
    });

    // The target circled: the letter asked for at once; the one recalled from a drawing only
    // when the replay has ended (the reveal), and only if it was recognised.
    const answer = rec.kind !== 'stroke' || (rec.phase === 'done' && rec.report?.recognised?.[0]);
    const circled = answer ? rec.circle : null;
    if (circled != null && mus[circled]) {
      const [x, y] = P(mus[circled]);
      ctx.strokeStyle = COLORS.ink;
      ctx.lineWidth = 1.8;
      ctx.beginPath();
      ctx.arc(x, y, Math.max(8, 0.1 * s), 0, 2 * Math.PI);
      ctx.stroke();
    }
    ctx.restore();
    // The small copy also shows the answer once it is revealed: the result may be out of view.
    if (compact && rec.phase === 'done' && rec.report) {
      const known = rec.report.recognised[0];
      ctx.fillStyle = 'rgba(255,255,255,0.9)';
      ctx.fillRect(ox + 2, oy + 2, 30, 30);
      text(ctx, known ? rec.report.predictions[0] : '?', ox + 6, oy + 26, { size: 24, weight: '600', color: known ? COLORS.accent : '#c0392b' });
    }
    if (!model) {
      const msg = state.ready ? 'No model yet: press ▶ to train one.' : 'Loading the network…';
      text(ctx, msg, ox + side / 2, oy + side / 2, { color: COLORS.muted, align: 'center', baseline: 'middle' });
    }
  }
  return { render };
}
