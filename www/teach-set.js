// The taught set of teach mode (docs/teach.md) and its copy in this browser's localStorage: the
// data-set JSON of the engine, with its frame — the very text Export downloads and
// `pcrnn train --data` reads. main.js keeps it in `state.teach` and changes it only through
// these functions; each returns a sentence for the visitor when something went wrong.

const STORAGE_KEY = 'pcrnn.taught-set';

const graphemes = (text) =>
  typeof Intl.Segmenter === 'function' ? [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].length : [...text].length;

/** `text` trimmed when it is one character (a letter, a digit, any symbol, an emoji), else null. */
export function oneCharacter(text) {
  const label = text.trim();
  return graphemes(label) === 1 ? label : null;
}

export const emptySet = () => ({ labels: [], trajectories: [], frame: null });

/** Teach mode's part of the page's state. */
export const newTeach = () => ({
  set: emptySet(),
  version: 0, // bumps on every change of the set
  learnedVersion: null, // the version the current model learned, while it is the taught one
  active: false, // the engine's data and model are the taught set's (since Learn)
  target: 0, // iterations of the learning run
  restored: false, // the stored set was asked for (once per page)
  pretrained: false, // a shipped model exists to go back to
});

/** Adds an exemplar (the first one fixes the set's frame). */
export function addExemplar(teach, label, trajectory, frame) {
  teach.set.frame ??= frame;
  teach.set.labels.push(label);
  teach.set.trajectories.push(trajectory);
  return changed(teach);
}

export function deleteExemplar(teach, index) {
  teach.set.labels.splice(index, 1);
  teach.set.trajectories.splice(index, 1);
  if (!teach.set.labels.length) teach.set.frame = null;
  return changed(teach);
}

export function replaceSet(teach, set) {
  teach.set = { labels: set.labels, trajectories: set.trajectories, frame: set.frame };
  return changed(teach);
}

/** The set kept in this browser, as JSON text, or null. */
export function storedSet() {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled: start with an empty set
  }
}

function changed(teach) {
  teach.version++;
  try {
    if (teach.set.labels.length) localStorage.setItem(STORAGE_KEY, JSON.stringify(teach.set));
    else localStorage.removeItem(STORAGE_KEY);
    return null;
  } catch (err) {
    return `This browser would not keep the taught set (${err.message}); export it to keep it.`;
  }
}

const LEARNED_KEY = 'pcrnn.learned-model';
/** The most a learned model (with its set) may take in this browser's storage: browsers keep
 * about 5 MB a site, shared with the taught set. */
export const MAX_KEPT_BYTES = 3 * 2 ** 20;

/** Keeps the model learned from `set` (JSON texts) for the next visit; returns a sentence for the
 * visitor when it cannot be kept. */
export function keepLearned(model, set, onlyMine) {
  const text = JSON.stringify({ model, set, onlyMine });
  if (text.length > MAX_KEPT_BYTES) {
    forgetLearned();
    return `The learned model is too large to keep in this browser (${(text.length / 2 ** 20).toFixed(1)} MB); download it to keep it.`;
  }
  try {
    localStorage.setItem(LEARNED_KEY, text);
    return null;
  } catch (err) {
    return `This browser would not keep the learned model (${err.message}); download it to keep it.`;
  }
}

/** The learned model kept by an earlier visit, `{ model, set, onlyMine }`, or null. */
export function keptLearned() {
  try {
    const kept = JSON.parse(localStorage.getItem(LEARNED_KEY));
    return typeof kept?.model === 'string' && typeof kept?.set === 'string' ? kept : null;
  } catch {
    return null;
  }
}

export function forgetLearned() {
  try {
    localStorage.removeItem(LEARNED_KEY);
  } catch {
    /* storage disabled: nothing is kept */
  }
}

/** The default training iterations for a set of `n` exemplars, from the engine's table
 * (src/teach.rs). */
export function teachIterations(facts, n, fromModel) {
  const table = facts.teach.iterations;
  const row = table[Math.min(n, table.length - 1)];
  return fromModel ? row.from_model : row.from_scratch;
}
