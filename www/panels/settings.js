// Settings: the seed's defaults, the form fields, and the URL hash that makes a link reproduce a run.

export const RECALL_FIELDS = [
  { key: 'alpha_x', label: ['α', 'x'], title: 'Bottom-up update rate of the hidden state (alpha_x)', def: 0.1, step: 0.01, min: 0, max: 100 },
  { key: 'alpha_h', label: ['α', 'h'], title: 'Update rate of the hidden causes from the state error (alpha_h)', def: 0.019, step: 0.001, min: 0, max: 100 },
  { key: 'alpha_c', label: ['α', 'c'], title: 'Pull of the Gaussian-mixture prior on the hidden causes (alpha_c)', def: 0.0085, step: 0.0005, min: 0, max: 100 },
  { key: 'sigma_c', label: ['σ', 'c'], title: 'Width of each memory in the prior (sigma_c)', def: 0.096, step: 0.001, min: 0.0001, max: 100 },
  { key: 'sigma_r', label: ['σ', 'r'], title: 'Noise on the hidden causes, scaled by the state error (sigma_r)', def: 2.6, step: 0.1, min: 0, max: 100 },
  { key: 'trials', label: 'trials', title: 'Passes over the target per recall', def: 1000, step: 1, min: 1, max: 100000, int: true },
  { key: 'starts', label: 'starts', title: 'Random starting points per recall', def: 4, step: 1, min: 1, max: 64, int: true },
];

export const TRAIN_FIELDS = [
  { key: 'iterations', label: 'Iterations', title: 'Training iterations per run', def: 1000, step: 100, min: 1, max: 1000000, int: true },
  { key: 'lr', label: 'Learning rate', title: 'Adam learning rate (try 1000 to see a run diverge)', def: 0.03, step: 0.005, min: 0.000001, max: 1000 },
  { key: 'seed', label: 'Seed', title: 'Seed of the random initialisation and of recall noise', def: 0, step: 1, min: 0, max: 4294967295, int: true, dice: true },
];

const FIELDS = [...RECALL_FIELDS, ...TRAIN_FIELDS];

export const defaults = () => Object.fromEntries(FIELDS.map((f) => [f.key, f.def]));

function valid(field, value) {
  return Number.isFinite(value) && value >= field.min && value <= field.max && (!field.int || Number.isInteger(value));
}

/** Settings from a hash like `#alpha_x=0.1&seed=3`; unknown keys and bad values are ignored. */
export function fromHash(hash) {
  const settings = defaults();
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  for (const field of FIELDS) {
    if (!params.has(field.key)) continue;
    const value = Number(params.get(field.key));
    if (valid(field, value)) settings[field.key] = value;
  }
  return settings;
}

/** Whether a link (the URL hash) sets any recall setting. */
export function hashSetsRecall(hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  return RECALL_FIELDS.some((f) => params.has(f.key));
}

/** The recall fields of a model's settings that are valid, for `Object.assign` onto settings. */
export function modelRecall(recall) {
  const out = {};
  for (const field of RECALL_FIELDS) {
    const value = recall?.[field.key];
    if (valid(field, value)) out[field.key] = value;
  }
  return out;
}

export function toHash(settings) {
  return '#' + FIELDS.map((f) => `${f.key}=${settings[f.key]}`).join('&');
}

export function recallSettings(settings) {
  return Object.fromEntries(RECALL_FIELDS.map((f) => [f.key, settings[f.key]]));
}

export function trainConfig(settings) {
  return { lr: settings.lr, seed: settings.seed, iterations: settings.iterations };
}

/** Builds labelled number inputs for `fields` in `container`; `onChange(key, value)` on a valid edit. */
export function buildFields(container, fields, onChange, onDice) {
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
    input.min = String(field.min);
    input.max = String(field.max);
    input.inputMode = field.int ? 'numeric' : 'decimal';
    input.setAttribute('aria-label', field.title);
    input.addEventListener('change', () => {
      const value = Number(input.value);
      const ok = input.value !== '' && valid(field, value);
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
    render({ settings }) {
      for (const [key, input] of Object.entries(inputs)) {
        if (document.activeElement !== input && input.value !== String(settings[key])) input.value = String(settings[key]);
      }
    },
  };
}
