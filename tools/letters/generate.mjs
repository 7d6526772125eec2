// Writes the raw pen paths of pcrnn's letter sets from the single-stroke fonts of the npm
// package `hersheytext` (pinned in package.json):
//
//   data/raw/letters-raw.json          Hershey Script 1, the 20 letters in the seed's order
//   data/raw/letters-heldout-raw.json  the other single-stroke fonts, glyphs in natural order
//
// as strokes JSON (docs/design.md §4) in canvas pixels, y down, no times. The mapping into the
// model's frame is done by the Rust core, the same path drawn strokes take:
//
//   npm ci --prefix tools/letters && node tools/letters/generate.mjs
//   cargo run --release --example prepare_letters -- data/raw/letters-raw.json data/letters.json
//   cargo run --release --example prepare_letters -- data/raw/letters-heldout-raw.json \
//       data/letters-heldout.json --frame-from data/letters.json
//
// For this model the order and direction of the pen are the data, so every glyph was looked
// at (docs/img/) and is listed below: kept as the font draws it, fixed (reversed, or its
// subpaths reordered / reversed), or left out. Pen lifts are joined by the pen's travel: a
// straight line from where one subpath ends to where the next begins.

import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const hershey = require('hersheytext');

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LETTERS = 'abcdeghlmnopqrsuvwyz'.split('');

// SVG font units (1000 per em, baseline at y = 0, y up) → canvas pixels (200 px per em,
// top of the em box at y = 0, y down).
const PX_PER_UNIT = 0.2;
const ASCENT = 800;

const TRAINING_FONT = 'hershey_script_1';

// How each glyph becomes one stroke. Absent = as the font draws it (subpaths in order, joined
// by the pen's travel). Otherwise:
//   { order: [...] } subpaths in this order; '~i' is subpath i drawn backwards
//   { reverse: true } the whole glyph drawn backwards (the font draws it end to start)
//   { skip: 'why' }  left out: no simple fix gives the order a person would write it in
// Each entry says why.
const SKIP_D = { skip: 'stem drawn first, then the bowl; a person draws the bowl first' };
const FIXES = {
  // Cursive, drawn in a person's order; its pen lifts retrace the stroke (m, n, u, w, y) or
  // start the next part where the hand would go next (d, g, p, q, s), so all are joined.
  hershey_script_1: {},
  ems_allure: {
    a: { reverse: true, why: 'drawn from the end of its tail' },
    s: { order: ['~0', 1], why: 'upper half drawn from the middle outwards' },
  },
  ems_elfin: {
    d: { skip: 'starts at the foot serif and draws the stem upwards after the bowl' },
    e: { reverse: true, why: 'drawn from the end of the bottom curve to the bar' },
    h: { order: ['~0', 1], why: 'stem drawn upwards' },
    l: { reverse: true, why: 'drawn from the foot upwards' },
    n: { order: ['~0', 1], why: 'stem drawn upwards' },
    p: { skip: 'starts at the foot of the descender' },
    s: { reverse: true, why: 'drawn from the bottom end' },
    y: { reverse: true, why: 'drawn from the end of the descender' },
  },
  ems_felix: {
    d: SKIP_D,
    g: { reverse: true, why: 'drawn from the end of the descender' },
    o: { skip: 'starts at the bottom of the o' },
  },
  ems_nixish: {
    d: SKIP_D,
    g: { skip: 'lower loop first; reversed, both bowls run clockwise' },
    l: { reverse: true, why: 'drawn from the foot upwards' },
    o: { skip: 'starts at the bottom of the o' },
    p: { skip: 'starts at the foot of the descender' },
    q: { skip: 'starts at the foot of the descender; reversed, the bowl runs clockwise' },
    s: { reverse: true, why: 'drawn from the bottom end' },
    y: { order: [1, '~0'], why: 'right arm drawn upwards from the descender, before the left' },
  },
  ems_osmotron: {
    c: { reverse: true, why: 'drawn from the bottom end' },
    d: SKIP_D,
    e: { reverse: true, why: 'drawn from the bottom end to the bar' },
    g: { skip: 'descender drawn upwards first; reversed, the bowl runs clockwise' },
    h: { skip: 'stem drawn upwards from the baseline, then retraced' },
    p: { skip: 'starts at the foot of the descender' },
    q: { skip: 'starts at the foot of the descender; reversed, the bowl runs clockwise' },
    s: { reverse: true, why: 'drawn from the bottom end' },
    y: { reverse: true, why: 'drawn from the end of the descender' },
  },
  ems_readability: {
    c: { reverse: true, why: 'drawn from the bottom end' },
    d: SKIP_D,
    g: { skip: 'lower loop first; reversed, both bowls run clockwise' },
    h: { skip: 'stem drawn upwards from the baseline, then retraced' },
    o: { skip: 'starts at the bottom of the o' },
    p: { skip: 'starts at the foot of the descender' },
    q: { skip: 'starts at the foot of the descender; reversed, the bowl runs clockwise' },
    s: { reverse: true, why: 'drawn from the bottom end' },
    u: { reverse: true, why: 'drawn from the foot of the right stem' },
  },
  ems_tech: {
    a: { skip: 'bowl runs clockwise' },
    d: SKIP_D,
    g: { skip: 'bowl runs clockwise' },
  },
  hershey_sans_1: {
    a: { order: [1, 0], why: 'stem before the bowl' },
    d: { order: [1, 0], why: 'stem before the bowl' },
    g: { order: [1, 0], why: 'stem before the bowl' },
    q: { order: [1, 0], why: 'stem before the bowl' },
    v: { order: [0, '~1'], why: 'both arms drawn downwards' },
    w: { order: [0, '~1', 2, '~3'], why: 'every arm drawn downwards' },
    z: { order: [1, 0, 2], why: 'diagonal before the top bar' },
  },
};
// The italic variants draw every glyph in the same order as their upright fonts.
FIXES.ems_nixish_italic = FIXES.ems_nixish;
FIXES.ems_readability_italic = FIXES.ems_readability;

// Fonts of the package left out of the held-out set as a whole: the other Hershey SVG fonts
// (Script Med, Serif, Sans Med, Gothic English) draw their weight with doubled strokes, so
// they are not one pen path; the JSON fonts repeat these (`scripts` and `cursive` are Hershey
// Script 1, `futural` is Hershey Sans 1) or are not Latin letters.
const HELDOUT_FONTS = [
  'ems_allure',
  'ems_elfin',
  'ems_felix',
  'ems_nixish',
  'ems_nixish_italic',
  'ems_osmotron',
  'ems_readability',
  'ems_readability_italic',
  'ems_tech',
  'hershey_sans_1',
];

/** SVG path data with only M and L commands → list of subpaths of [x, y] font units. */
function parsePath(d) {
  const tokens = d.trim().split(/[\s,]+/);
  const subpaths = [];
  let current = null;
  for (let i = 0; i < tokens.length; ) {
    const t = tokens[i];
    if (t === 'M') {
      current = [];
      subpaths.push(current);
      i += 1;
    } else if (t === 'L') {
      i += 1;
    } else if (/^[A-Za-z]$/.test(t)) {
      throw new Error(`unexpected path command ${t}`);
    } else {
      current.push([Number(t), Number(tokens[i + 1])]);
      i += 2;
    }
  }
  return subpaths;
}

/** Applies a fix to the subpaths; returns null when the glyph is left out. */
function applyFix(subpaths, fix) {
  if (fix?.skip) return null;
  if (fix?.reverse) {
    return subpaths
      .slice()
      .reverse()
      .map((s) => s.slice().reverse());
  }
  const order = fix?.order ?? subpaths.map((_, i) => i);
  if (order.length !== subpaths.length) throw new Error('a fix must use every subpath');
  return order.map((o) => {
    const backwards = typeof o === 'string' && o.startsWith('~');
    const s = subpaths[backwards ? Number(o.slice(1)) : o];
    return backwards ? s.slice().reverse() : s;
  });
}

const round = (v) => Math.round(v * 1e6) / 1e6 + 0; // + 0 turns -0 into 0

/** Subpaths in font units → one polyline in canvas pixels; the pen's travel between
 *  subpaths is the straight segment between consecutive points. */
function toCanvas(subpaths) {
  const points = [];
  for (const s of subpaths) {
    for (const [x, y] of s) {
      const p = [round(x * PX_PER_UNIT), round((ASCENT - y) * PX_PER_UNIT)];
      const last = points[points.length - 1];
      if (!last || last[0] !== p[0] || last[1] !== p[1]) points.push(p);
    }
  }
  return points;
}

function describe(fix, nSub) {
  if (fix?.skip) return `left out: ${fix.skip}`;
  const joined = nSub > 1 ? `${nSub} subpaths joined by the pen's travel` : '';
  if (fix?.reverse) return ['reversed: ' + fix.why, joined].filter(Boolean).join('; ');
  if (fix?.order) return `order ${JSON.stringify(fix.order)}: ${fix.why}; ${joined}`;
  return joined || 'as drawn';
}

function glyphStrokes(font) {
  const data = hershey.getFontData(font);
  const strokes = [];
  const notes = [];
  for (const letter of LETTERS) {
    const glyph = data.getChar(letter);
    if (!glyph?.d) throw new Error(`${font} has no glyph for ${letter}`);
    const subpaths = parsePath(glyph.d);
    const fix = (FIXES[font] ?? {})[letter];
    notes.push(`${font} ${letter}: ${describe(fix, subpaths.length)}`);
    const fixed = applyFix(subpaths, fix);
    if (fixed) strokes.push({ label: letter, font, points: toCanvas(fixed) });
  }
  return { strokes, notes };
}

function write(path, strokes) {
  const file = join(ROOT, path);
  mkdirSync(dirname(file), { recursive: true });
  // One stroke per line keeps diffs readable.
  const body = strokes.map((s) => '  ' + JSON.stringify(s)).join(',\n');
  writeFileSync(file, `{"strokes": [\n${body}\n]}\n`);
  console.log(`wrote ${path}: ${strokes.length} strokes`);
}

const training = glyphStrokes(TRAINING_FONT);
const heldout = HELDOUT_FONTS.map(glyphStrokes);
const allNotes = [training, ...heldout].flatMap((r) => r.notes);
const heldoutStrokes = heldout.flatMap((r) => r.strokes);

write('data/raw/letters-raw.json', training.strokes);
write('data/raw/letters-heldout-raw.json', heldoutStrokes);
writeFileSync(join(ROOT, 'data/raw/glyphs.txt'), allNotes.join('\n') + '\n');
console.log('wrote data/raw/glyphs.txt: the decision for every glyph');

const perLetter = LETTERS.map((l) => `${l} ${heldoutStrokes.filter((s) => s.label === l).length}`);
console.log('held-out per letter:', perLetter.join(', '));
