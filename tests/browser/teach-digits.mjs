// Hand-like strokes of the digits 1, 2 and 3 for the teach-mode tests, in a unit box (y down, as
// on a canvas), each exemplar a little different: size, slant, position, how far each part
// reaches, how many pointer samples (hand speed) and a small wobble — all from a seeded stream.

/** A small seeded generator (mulberry32), so every run draws the same strokes. */
export function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const arc = (cx, cy, rx, ry, from, to, n = 24) =>
  Array.from({ length: n + 1 }, (_, i) => {
    const a = from + ((to - from) * i) / n;
    return [cx + rx * Math.cos(a), cy - ry * Math.sin(a)];
  });

// Skeletons in a unit box, y down; `k` (about 1) varies how far each part reaches.
const SHAPES = {
  1: (k) => [[0.32, 0.3 + 0.05 * (k - 1)], [0.55, 0.08], [0.55 + 0.03 * (k - 1), 0.92]],
  2: (k) => [...arc(0.5, 0.3, 0.25 * k, 0.21, 0.88 * Math.PI, -0.3 * Math.PI), [0.2, 0.9], [0.8 * k, 0.9]],
  3: (k) => [...arc(0.47, 0.29, 0.22 * k, 0.18, 0.82 * Math.PI, -0.5 * Math.PI), ...arc(0.47, 0.68, 0.26 * k, 0.21, 0.5 * Math.PI, -0.8 * Math.PI)],
};

/** Points evenly spaced along a polyline, `n` of them. */
function resample(pts, n) {
  const d = [0];
  for (let i = 1; i < pts.length; i++) d.push(d[i - 1] + Math.hypot(pts[i][0] - pts[i - 1][0], pts[i][1] - pts[i - 1][1]));
  const total = d[d.length - 1];
  const out = [];
  let j = 1;
  for (let i = 0; i < n; i++) {
    const s = (total * i) / (n - 1);
    while (j < pts.length - 1 && d[j] < s) j++;
    const f = (s - d[j - 1]) / Math.max(d[j] - d[j - 1], 1e-12);
    out.push([pts[j - 1][0] + f * (pts[j][0] - pts[j - 1][0]), pts[j - 1][1] + f * (pts[j][1] - pts[j - 1][1])]);
  }
  return out;
}

/** One exemplar of `digit` from the stream `rand`: [x, y] in the unit box, y down. */
export function digitStroke(digit, rand) {
  const u = (lo, hi) => lo + (hi - lo) * rand();
  const k = u(0.9, 1.1);
  const slant = u(-0.12, 0.12);
  const [sx, sy] = [u(0.85, 1.1), u(0.85, 1.1)];
  const n = Math.round(u(35, 80));
  return resample(SHAPES[digit](k), n).map(([x, y]) => [
    0.5 + sx * (x - 0.5 + slant * (0.5 - y)) + u(-0.006, 0.006),
    0.5 + sy * (y - 0.5) + u(-0.006, 0.006),
  ]);
}

/** Draws unit-box points on the pad `selector` with the real mouse, the box `fill` of the pad's
 * height, a little off centre by `shift` (fractions of the pad). */
export async function drawUnitStroke(page, selector, points, { fill = 0.7, shift = [0, 0] } = {}) {
  await page.locator(selector).scrollIntoViewIfNeeded();
  const pad = await page.locator(selector).boundingBox();
  const size = fill * Math.min(pad.width, pad.height);
  const x0 = pad.x + pad.width * (0.5 + shift[0]) - size / 2;
  const y0 = pad.y + pad.height * (0.5 + shift[1]) - size / 2;
  const px = ([x, y]) => [x0 + x * size, y0 + y * size];
  await page.mouse.move(...px(points[0]));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...px(p));
  await page.mouse.up();
}
