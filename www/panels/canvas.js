// Canvas helpers shared by the panels: crisp backing stores, fitted coordinate frames, paths.

export const COLORS = {
  ink: '#1f2a30',
  muted: '#5f6b73',
  grid: '#e6e9ec',
  accent: '#0877bd',
  train: '#8a9299',
  // One colour per random start (then they repeat).
  starts: ['#f59322', '#0877bd', '#7b3fa0', '#2e8b57', '#c0392b', '#17a2b8', '#8c6d1f', '#e377c2'],
};

export const startColor = (k) => COLORS.starts[k % COLORS.starts.length];

/** Sizes the canvas's backing store to its CSS box × devicePixelRatio; returns a context
 * whose units are CSS pixels, and the box's width and height. */
export function fit(canvas) {
  const dpr = Math.min(window.devicePixelRatio || 1, 3);
  const w = Math.max(1, Math.round(canvas.clientWidth));
  const h = Math.max(1, Math.round(canvas.clientHeight));
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  return { ctx, w, h };
}

/** Bounds [xmin, xmax, ymin, ymax] of lists of points, ignoring non-finite ones. */
export function bounds(lists) {
  let b = [Infinity, -Infinity, Infinity, -Infinity];
  for (const pts of lists) {
    for (const [x, y] of pts ?? []) {
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      b = [Math.min(b[0], x), Math.max(b[1], x), Math.min(b[2], y), Math.max(b[3], y)];
    }
  }
  if (!Number.isFinite(b[0])) return [-1, 1, -1, 1];
  return b;
}

/** A map from model coordinates (y up) into the box (x0, y0, w, h), same scale on both axes. */
export function frame([xmin, xmax, ymin, ymax], x0, y0, w, h, pad = 0.08) {
  const dx = Math.max(xmax - xmin, 1e-6);
  const dy = Math.max(ymax - ymin, 1e-6);
  const s = Math.min(w / (dx * (1 + 2 * pad)), h / (dy * (1 + 2 * pad)));
  const cx = x0 + w / 2;
  const cy = y0 + h / 2;
  const mx = (xmin + xmax) / 2;
  const my = (ymin + ymax) / 2;
  const toPx = ([x, y]) => [cx + (x - mx) * s, cy - (y - my) * s];
  toPx.scale = s;
  return toPx;
}

export function polyline(ctx, pts, toPx) {
  ctx.beginPath();
  let pen = false;
  for (const p of pts) {
    if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
      pen = false;
      continue;
    }
    const [x, y] = toPx(p);
    if (pen) ctx.lineTo(x, y);
    else ctx.moveTo(x, y);
    pen = true;
  }
  ctx.stroke();
}

/** Draws a trajectory in `color`, dashed if asked, with a dot where it starts. */
export function trajectory(ctx, pts, toPx, { color, width = 1.6, dash = null, startDot = false }) {
  if (!pts || !pts.length) return;
  ctx.save();
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.lineJoin = 'round';
  ctx.lineCap = 'round';
  if (dash) ctx.setLineDash(dash);
  polyline(ctx, pts, toPx);
  if (startDot) {
    const [x, y] = toPx(pts[0]);
    ctx.setLineDash([]);
    ctx.fillStyle = color;
    ctx.beginPath();
    ctx.arc(x, y, 2.2, 0, 2 * Math.PI);
    ctx.fill();
  }
  ctx.restore();
}

export function text(ctx, str, x, y, { color = COLORS.ink, size = 12, align = 'left', baseline = 'alphabetic', weight = '' } = {}) {
  ctx.save();
  ctx.fillStyle = color;
  ctx.font = `${weight} ${size}px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif`;
  ctx.textAlign = align;
  ctx.textBaseline = baseline;
  ctx.fillText(str, x, y);
  ctx.restore();
}

/** Calls `draw` whenever the canvas changes size. */
export function onResize(canvas, draw) {
  if (typeof ResizeObserver === 'undefined') return;
  new ResizeObserver(() => draw()).observe(canvas);
}
