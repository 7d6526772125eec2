// The loss curve on a log scale, growing as training runs (the seed's first figure, live).
import { COLORS, fit, text, onResize } from './canvas.js';

export function createLossPanel(canvas) {
  let last = null;
  let drawn = null;
  onResize(canvas, () => last && render(last, true));

  function render(state, force = false) {
    last = state;
    const t = state.train;
    const iterations = state.settings?.iterations ?? 0;
    const key = [t.losses.length, t.losses.at(-1), state.model?.final_loss, iterations].join();
    if (key === drawn && !force) return;
    drawn = key;
    const { ctx, w, h } = fit(canvas);
    const losses = state.train.losses;
    const m = { l: 46, r: 12, t: 10, b: 30 };
    const pw = w - m.l - m.r;
    const ph = h - m.t - m.b;
    const good = losses.filter((v) => Number.isFinite(v) && v > 0);
    const xmax = Math.max(iterations, losses.length, 1);
    let lo = good.length ? Math.min(...good) : 1e-3;
    let hi = good.length ? Math.max(...good) : 1;
    lo = Math.pow(10, Math.floor(Math.log10(lo)));
    hi = Math.pow(10, Math.ceil(Math.log10(hi)));
    if (hi <= lo) hi = lo * 10;
    const X = (i) => m.l + (i / xmax) * pw;
    const Y = (v) => m.t + (1 - (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * ph;

    // Grid: decades on y, five ticks on x.
    ctx.strokeStyle = COLORS.grid;
    ctx.lineWidth = 1;
    for (let d = Math.log10(lo); d <= Math.log10(hi) + 1e-9; d++) {
      const y = Y(Math.pow(10, d));
      ctx.beginPath();
      ctx.moveTo(m.l, y);
      ctx.lineTo(m.l + pw, y);
      ctx.stroke();
      text(ctx, `1e${Math.round(d)}`, m.l - 6, y, { color: COLORS.muted, size: 10, align: 'right', baseline: 'middle' });
    }
    for (let k = 0; k <= 4; k++) {
      const i = Math.round((xmax * k) / 4);
      text(ctx, String(i), X(i), m.t + ph + 14, { color: COLORS.muted, size: 10, align: 'center' });
    }
    text(ctx, 'training iteration', m.l + pw / 2, h - 3, { color: COLORS.muted, size: 10, align: 'center' });

    if (!good.length) {
      const msg = state.model?.final_loss != null
        ? `Pretrained model: loss ${state.model.final_loss.toPrecision(3)} after ${state.model.iterations} iterations. Press ▶ to train anew.`
        : 'Press ▶ or “Train from scratch” to watch the network learn.';
      wrapped(ctx, msg, m.l + pw / 2, m.t + ph / 2, pw - 16);
      return;
    }
    ctx.strokeStyle = COLORS.accent;
    ctx.lineWidth = 1.6;
    ctx.beginPath();
    // At most ~2 points per pixel: thin long runs so drawing stays cheap.
    const stride = Math.max(1, Math.floor(losses.length / (2 * pw)));
    let pen = false;
    for (let i = 0; i < losses.length; i += stride) {
      const v = losses[i];
      if (!(Number.isFinite(v) && v > 0)) { pen = false; continue; }
      if (pen) ctx.lineTo(X(i + 1), Y(v));
      else ctx.moveTo(X(i + 1), Y(v));
      pen = true;
    }
    const end = losses[losses.length - 1];
    if (Number.isFinite(end) && end > 0) ctx.lineTo(X(losses.length), Y(end));
    ctx.stroke();
    if (Number.isFinite(end) && end > 0) {
      ctx.fillStyle = COLORS.accent;
      ctx.beginPath();
      ctx.arc(X(losses.length), Y(end), 3, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
  return { render };
}

/** Centred text, broken into lines that fit `width`. */
function wrapped(ctx, msg, x, y, width) {
  ctx.font = '12px system-ui, sans-serif';
  const lines = [];
  let line = '';
  for (const word of msg.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (ctx.measureText(next).width > width && line) {
      lines.push(line);
      line = word;
    } else {
      line = next;
    }
  }
  lines.push(line);
  lines.forEach((l, i) => text(ctx, l, x, y + (i - (lines.length - 1) / 2) * 16, { color: COLORS.muted, size: 12, align: 'center', baseline: 'middle' }));
}
