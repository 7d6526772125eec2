// A handwriting pad: guide lines, and a letter of one or more strokes from pointer events (mouse,
// touch, pen, with pointer capture), handed over once the pen has stayed up for
// ANOTHER_STROKE_MS. Shared by the recall pad and the teach pad, so both record letters alike.
import { COLORS, fit, text, onResize } from './canvas.js';

/** How long the pad waits after a pen-up for the next stroke of the same letter (the bar of a t,
 * the dot of an i) before it hands the letter over. */
export const ANOTHER_STROKE_MS = 700;

/** `onLetter(strokes)` gets the letter as a list of strokes, each a list of [x, y, t] (CSS
 * pixels of the pad, ms from that stroke's pen-down). */
export function createPad(pad, { onLetter, placeholder = 'draw here' }) {
  let strokes = []; // the letter being drawn (or the last one handed over)
  let stroke = []; // its current stroke (the last of `strokes`)
  let drawing = null; // { id, t0 }
  let waiting = null; // the timer that hands the letter over, while the pen is up
  let handedOver = false; // `strokes` went out: the next pen-down starts a new letter

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
    if (!strokes.length) {
      text(ctx, placeholder, w / 2, 0.56 * h, { color: '#b8c2c8', size: 16, align: 'center', baseline: 'middle' });
      return;
    }
    ctx.strokeStyle = COLORS.ink;
    ctx.fillStyle = COLORS.ink;
    ctx.lineWidth = 3;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    for (const s of strokes) {
      ctx.beginPath();
      s.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
      ctx.stroke();
      if (s.length === 1) {
        // A dot (of an i or a j): a tap draws no line.
        ctx.beginPath();
        ctx.arc(s[0][0], s[0][1], 2, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
    if (waiting) text(ctx, 'another stroke? go on…', w - 10, h - 10, { color: COLORS.muted, size: 12, align: 'right' });
    const [x0, y0] = strokes[0][0];
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
    clearTimeout(waiting);
    waiting = null;
    if (handedOver) strokes = [];
    handedOver = false;
    stroke = [point(e)];
    strokes.push(stroke);
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
    if (cancelled) strokes.pop();
    if (strokes.length) waiting = setTimeout(handOver, ANOTHER_STROKE_MS);
    draw();
  };
  function handOver() {
    waiting = null;
    handedOver = true;
    draw();
    onLetter(strokes.map((s) => s.map(([x, y, t]) => [x, y, t])));
  }
  pad.addEventListener('pointerup', (e) => end(e, false));
  pad.addEventListener('pointercancel', (e) => end(e, true));
  // Keep the stroke where it was drawn if the pad changes size (e.g. a scrollbar appears).
  let padWidth = pad.clientWidth;
  onResize(pad, () => {
    const k = padWidth > 0 ? pad.clientWidth / padWidth : 1;
    padWidth = pad.clientWidth;
    strokes = strokes.map((s) => s.map(([x, y, t]) => [x * k, y * k, t]));
    stroke = strokes[strokes.length - 1] ?? [];
    draw();
  });

  draw();
  return {
    clear() {
      clearTimeout(waiting);
      waiting = null;
      strokes = [];
      stroke = [];
      draw();
    },
    /** The last letter handed over (strokes as given to `onLetter`), or null. */
    lastLetter: () => (handedOver && strokes.length ? strokes.map((s) => s.map(([x, y, t]) => [x, y, t])) : null),
  };
}
