// Settings: the form fields, and the URL hash that makes a link reproduce a run. Their defaults
// and ranges are the engine's (`facts`, src/facts.rs); this module names and lays out the fields.
import { setAttr } from './dom.js';

export const RECALL_FIELDS = [
  { key: 'alpha_x', label: ['α', 'x'], title: 'Bottom-up update rate of the hidden state (alpha_x)', step: 0.01,
    explain: 'How far each trial moves the network’s hidden state towards what the drawing says.' },
  { key: 'alpha_h', label: ['α', 'h'], title: 'Update rate of the hidden causes from the state error (alpha_h)', step: 0.001,
    explain: 'How far each trial moves a start’s hidden causes to shrink the prediction error: larger travels faster, and overshoots.' },
  { key: 'alpha_c', label: ['α', 'c'], title: 'Pull of the Gaussian-mixture prior on the hidden causes (alpha_c)', step: 0.0005,
    explain: 'How strongly the memories (+ on the map) pull the causes towards the letters the network knows.' },
  { key: 'sigma_c', label: ['σ', 'c'], title: 'Width of each memory in the prior (sigma_c)', step: 0.001,
    explain: 'How far each memory’s pull reaches: narrow memories hold causes tightly, wide ones blur letters together.' },
  { key: 'sigma_r', label: ['σ', 'r'], title: 'Noise on the hidden causes, scaled by the state error (sigma_r)', step: 0.1,
    explain: 'Noise that shakes the causes while the prediction error is large, so a start stuck at a wrong letter can escape.' },
  { key: 'trials', label: 'trials', title: 'Passes over the target per recall', step: 1,
    explain: 'How many passes over the drawing a recall makes; each pass updates every start once.' },
  { key: 'starts', label: 'starts', title: 'Random starting points per recall', step: 1,
    explain: 'How many attempts run at once from random points; the one that matches the drawing best answers.' },
  { key: 'match_threshold', label: 'match ≤', title: 'Largest match error (distance between the drawing and the letter the best start writes) still recognised as a learned letter (match_threshold)', step: 0.01,
    explain: 'How close the best start’s imagined letter must come to the drawing for the answer to name a letter; above it the answer is “not a letter I know”.' },
  { key: 'match_width', label: 'match width', title: 'How gradually the belief that a drawing is a learned letter falls around the threshold (match_width)', step: 0.001,
    explain: 'How gradually the “none of the letters I know” bar grows as the match error passes the threshold.' },
];

/** The settings' explanations as a definition list (a tap opens it: no hover needed). */
export function explainFields(dl, fields) {
  for (const field of fields) {
    const dt = document.createElement('dt');
    if (Array.isArray(field.label)) {
      const sub = document.createElement('sub');
      sub.textContent = field.label[1];
      dt.append(field.label[0], sub);
    } else {
      dt.textContent = field.label;
    }
    const dd = document.createElement('dd');
    dd.textContent = field.explain;
    dl.append(dt, dd);
  }
}

export const TRAIN_FIELDS = [
  { key: 'iterations', label: 'Iterations', title: 'Training iterations per run', step: 100 },
  { key: 'lr', label: 'Learning rate', title: 'Adam learning rate (try 1000 to see a run diverge)', step: 0.005 },
  { key: 'seed', label: 'Seed', title: 'Seed of the random initialisation and of recall noise', step: 1, dice: true },
];

const FIELDS = [...RECALL_FIELDS, ...TRAIN_FIELDS];

/** The seed's settings: its recall settings and its training settings. */
export function defaults(facts) {
  return { ...recallSettings(facts.recall), ...trainConfig(facts.train) };
}

/** Whether `value` lies in `range` (src/facts.rs `Range::admits`). */
export function admits(range, value) {
  const aboveMin = range.min_exclusive ? value > range.min : value >= range.min;
  return Number.isFinite(value) && aboveMin && (range.max == null || value <= range.max) && (!range.integer || Number.isInteger(value));
}

/** Settings from a hash like `#alpha_x=0.1&seed=3`; unknown keys and bad values are ignored. */
export function fromHash(hash, facts) {
  const settings = defaults(facts);
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  for (const { key } of FIELDS) {
    if (!params.has(key)) continue;
    const value = Number(params.get(key));
    if (admits(facts.ranges[key], value)) settings[key] = value;
  }
  return settings;
}

/** Whether a link (the URL hash) sets any recall setting. */
export function hashSetsRecall(hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  return RECALL_FIELDS.some((f) => params.has(f.key));
}

/** The recall fields of a model's settings that are valid, for `Object.assign` onto settings. */
export function modelRecall(recall, facts) {
  const out = {};
  for (const { key } of RECALL_FIELDS) {
    const value = recall?.[key];
    if (admits(facts.ranges[key], value)) out[key] = value;
  }
  return out;
}

export function toHash(settings) {
  return '#' + FIELDS.map((f) => `${f.key}=${settings[f.key]}`).join('&');
}

export function recallSettings(settings) {
  return Object.fromEntries(RECALL_FIELDS.map((f) => [f.key, settings[f.key]]));
}

/** When a recall counts as a learned letter: the model's own calibration (match_threshold and
 * match_width, src/model/recognition.rs), not a page setting; absent, the engine's defaults. */
export function recognitionSettings(recall) {
  const out = {};
  for (const key of ['match_threshold', 'match_width']) if (Number.isFinite(recall?.[key])) out[key] = recall[key];
  return out;
}

export function trainConfig(settings) {
  return { lr: settings.lr, seed: settings.seed, iterations: settings.iterations };
}

/** Builds labelled number inputs for `fields` in `container`; `onChange(key, value)` on a valid
 * edit. Its `render(state)` shows the settings and the engine's ranges. */
export function buildFields(container, fields, onChange, onDice) {
  let ranges = null;
  const inputs = {};
  for (const field of fields) {
    const label = document.createElement('label');
    label.className = 'field';
    label.title = field.title;
    const name = document.createElement('span');
    if (Array.isArray(field.label)) {
      // A Greek letter with a subscript, as in the equations.
      const sub = document.createElement('sub');
      sub.textContent = field.label[1];
      name.append(field.label[0], sub);
      name.className = 'math';
    } else {
      name.textContent = field.label;
    }
    const input = document.createElement('input');
    input.type = 'number';
    input.id = `set-${field.key}`;
    input.step = String(field.step);
    input.inputMode = Number.isInteger(field.step) ? 'numeric' : 'decimal';
    input.setAttribute('aria-label', field.title);
    input.addEventListener('change', () => {
      const value = Number(input.value);
      const ok = input.value !== '' && ranges != null && admits(ranges[field.key], value);
      input.setAttribute('aria-invalid', ok ? 'false' : 'true');
      if (ok) onChange(field.key, value);
    });
    label.append(name);
    if (field.dice) {
      const box = document.createElement('span');
      box.className = 'with-button';
      const dice = document.createElement('button');
      dice.type = 'button';
      dice.className = 'chip';
      dice.id = 'new-seed';
      dice.innerHTML =
        '<svg viewBox="0 0 24 24" aria-hidden="true"><rect x="3" y="3" width="18" height="18" rx="4" fill="none" stroke="currentColor" stroke-width="2"/><circle cx="8" cy="8" r="1.6"/><circle cx="16" cy="16" r="1.6"/><circle cx="12" cy="12" r="1.6"/><circle cx="16" cy="8" r="1.6"/><circle cx="8" cy="16" r="1.6"/></svg>';
      dice.title = 'Pick a fresh random seed';
      dice.setAttribute('aria-label', 'Pick a fresh random seed');
      dice.addEventListener('click', onDice);
      box.append(input, dice);
      label.append(box);
    } else {
      label.append(input);
    }
    container.append(label);
    inputs[field.key] = input;
  }
  return {
    render({ settings, facts }) {
      if (!settings) return;
      ranges = facts.ranges;
      for (const [key, input] of Object.entries(inputs)) {
        const { min, max } = ranges[key];
        setAttr(input, 'min', String(min));
        if (max == null) input.removeAttribute('max');
        else setAttr(input, 'max', String(max));
        if (document.activeElement !== input && input.value !== String(settings[key])) input.value = String(settings[key]);
      }
    },
  };
}
