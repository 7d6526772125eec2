// A handwriting pad: guide lines, one stroke at a time from pointer events (mouse, touch, pen,
// with pointer capture), handed over on pen-up. Shared by the recall pad and the teach pad, so
// both record strokes exactly alike.
import { COLORS, fit, text, onResize } from './canvas.js';

/** `onStroke(points)` gets the stroke as [x, y, t] (CSS pixels of the pad, ms from pen-down). */
export function createPad(pad, { onStroke, placeholder = 'draw here' }) {
  let stroke = [];
  let drawing = null; // { id, t0 }

  function draw() {
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
      text(ctx, placeholder, w / 2, 0.56 * h, { color: '#b8c2c8', size: 16, align: 'center', baseline: 'middle' });
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
    draw();
  });
  pad.addEventListener('pointermove', (e) => {
    if (!drawing || e.pointerId !== drawing.id) return;
    const events = e.getCoalescedEvents ? e.getCoalescedEvents() : [e];
    for (const ev of events.length ? events : [e]) stroke.push(point(ev));
    draw();
  });
  const end = (e, cancelled) => {
    if (!drawing || e.pointerId !== drawing.id) return;
    drawing = null;
    if (pad.hasPointerCapture(e.pointerId)) pad.releasePointerCapture(e.pointerId);
    draw();
    if (!cancelled) onStroke(stroke.map(([x, y, t]) => [x, y, t]));
  };
  pad.addEventListener('pointerup', (e) => end(e, false));
  pad.addEventListener('pointercancel', (e) => end(e, true));
  // Keep the stroke where it was drawn if the pad changes size (e.g. a scrollbar appears).
  let padWidth = pad.clientWidth;
  onResize(pad, () => {
    const k = padWidth > 0 ? pad.clientWidth / padWidth : 1;
    padWidth = pad.clientWidth;
    stroke = stroke.map(([x, y, t]) => [x * k, y * k, t]);
    draw();
  });

  draw();
  return {
    clear() {
      stroke = [];
      draw();
    },
  };
}
