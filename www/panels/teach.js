// The teach panel (docs/teach.md): the visitor writes exemplars of any labels on the teach pad,
// sees each as a thumbnail it can delete, and has the network learn them in the worker; the
// recall pad then recalls among the taught labels. The set lives in localStorage as data-set
// JSON (DESIGN.md §4, with its frame) — the very text Export downloads and `pcrnn train --data`
// reads. Strokes go through the engine's stroke pipeline, like a stroke to recall.
import { COLORS, fit, bounds, frame, trajectory } from './canvas.js';
import { createPad } from './pad.js';
import { trainConfig } from './settings.js';
import { setText, setProp } from './dom.js';

export const MAX_EXEMPLARS = 200;
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
const STORAGE_KEY = 'pcrnn.taught-set';

/** Iterations that learn a set of `n` exemplars well (docs/teach.md): the seed's 1000 for a
 * small set, more for a larger one; half as many going on from a trained model. */
export function defaultIterations(n, fromModel) {
  const scratch = Math.min(2500, 1000 + 25 * Math.max(0, n - 10));
  return fromModel ? Math.max(300, Math.round(scratch / 200) * 100) : scratch;
}

const graphemes = (text) =>
  typeof Intl.Segmenter === 'function' ? [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].length : [...text].length;

const emptySet = () => ({ labels: [], trajectories: [], frame: null });

/** `api`: send(msg) to the worker, showError, hideError, update() to redraw, download(text, name),
 * downloadModel(). */
export function createTeachPanel(root, state, api) {
  const $ = (sel) => root.querySelector(sel);
  const labelInput = $('#teach-label');
  const statusEl = $('[data-testid="teach-status"]');
  const statusText = $('#teach-status-text');
  const progress = $('#teach-progress');
  const iterInput = $('#teach-iterations');
  const fromSelect = $('#teach-from');
  const thumbs = $('#teach-thumbs');
  const confirmBox = $('#teach-confirm');

  state.teach = {
    set: emptySet(),
    version: 0, // bumps on every change of the set
    learnedVersion: null, // the version the current model learned, while it is the taught one
    active: false, // the engine's data and model are the taught set's (since Learn)
    target: 0,
    restored: false,
    pretrained: false,
  };
  const teach = state.teach;

  // ---- the set, kept in the browser ----
  function setChanged() {
    teach.version++;
    try {
      if (teach.set.labels.length) localStorage.setItem(STORAGE_KEY, JSON.stringify(teach.set));
      else localStorage.removeItem(STORAGE_KEY);
    } catch (err) {
      api.showError(`This browser would not keep the taught set (${err.message}); export it to keep it.`);
    }
    api.update();
  }

  function replaceSet(set) {
    teach.set = { labels: set.labels, trajectories: set.trajectories, frame: set.frame };
    setChanged();
  }

  function currentLabel() {
    const label = labelInput.value.trim();
    if (graphemes(label) !== 1) return null;
    return label;
  }

  // ---- the pad: pen-up adds an exemplar ----
  const pad = createPad($('#teach-pad'), {
    placeholder: 'write the label here',
    onStroke(points) {
      const label = currentLabel();
      if (!label) {
        api.showError('Type one character as the label first (a letter, a digit or any symbol), then write it.');
        return;
      }
      if (teach.set.labels.length >= MAX_EXEMPLARS) {
        api.showError(`The taught set is full: it holds at most ${MAX_EXEMPLARS} exemplars. Delete some first.`);
        return;
      }
      if (points.length < 2) {
        api.showError('That stroke is too short to be a letter: write the whole letter without lifting the pen.');
        return;
      }
      api.hideError();
      api.send({ type: 'teach-stroke', label, points, frame: teach.set.frame });
    },
  });

  // ---- messages from the worker ----
  function onMessage(msg) {
    switch (msg.type) {
      case 'ready':
        teach.pretrained = !!msg.pretrained;
        restore();
        break;
      case 'teach-stroke':
        if (teach.set.labels.length >= MAX_EXEMPLARS) return;
        teach.set.frame ??= msg.frame;
        teach.set.labels.push(msg.label);
        teach.set.trajectories.push(msg.trajectory);
        pad.clear();
        setChanged();
        break;
      case 'teach-set':
        if (msg.set.labels.length > MAX_EXEMPLARS) {
          api.showError(`That set has ${msg.set.labels.length} exemplars; the teach panel holds at most ${MAX_EXEMPLARS}.`);
        } else {
          replaceSet(msg.set);
        }
        break;
      case 'model':
        // Another model (shipped, loaded, restored) replaces the taught one.
        if (msg.reason !== 'training') {
          teach.active = false;
          teach.learnedVersion = null;
        } else if (teach.active) {
          const n = teach.set.labels.length;
          state.modelSource = `taught here: ${n} exemplar${n === 1 ? '' : 's'}`;
        }
        break;
      case 'error':
        if (msg.where === 'teach-learn') state.train.state = 'error';
        break;
    }
  }

  function restore() {
    if (teach.restored) {
      // The worker restarted: it does not know the taught set any more.
      teach.active = false;
      return;
    }
    teach.restored = true;
    let text = null;
    try {
      text = localStorage.getItem(STORAGE_KEY);
    } catch {
      /* storage disabled: start with an empty set */
    }
    if (text) api.send({ type: 'teach-check', json: text, reason: 'restore' });
  }

  // ---- learning ----
  function iterations() {
    const typed = Number(iterInput.value);
    if (iterInput.value !== '' && Number.isInteger(typed) && typed >= 1 && typed <= 100000) return typed;
    return defaultIterations(teach.set.labels.length, fromSelect.value === 'model');
  }

  $('#teach-learn').addEventListener('click', () => {
    const n = teach.set.labels.length;
    if (!n) {
      api.showError('Teach at least one exemplar first: type a label and write it on the teach pad.');
      return;
    }
    if (iterInput.value !== '' && iterations() !== Number(iterInput.value)) {
      api.showError('Iterations must be a whole number from 1 to 100000 (or empty for the default).');
      return;
    }
    api.hideError();
    teach.active = true;
    teach.learnedVersion = teach.version;
    teach.target = iterations();
    // Say "running" at once, so nobody reads the last run's "done" as this one's.
    state.train = { state: 'running', iteration: 0, losses: [] };
    state.recall = null;
    const config = { ...trainConfig(state.settings), iterations: teach.target, from_model: fromSelect.value === 'model' };
    api.send({ type: 'teach-learn', json: JSON.stringify(teach.set), config });
    api.update();
  });
  $('#teach-cancel').addEventListener('click', () => api.send({ type: 'train', cmd: 'pause' }));
  $('#teach-shipped').addEventListener('click', () => api.send({ type: 'use-pretrained' }));
  $('#teach-download-model').addEventListener('click', () => api.downloadModel());
  fromSelect.addEventListener('change', () => api.update());

  // ---- export, import, clear ----
  $('#teach-export').addEventListener('click', () => api.download(JSON.stringify(teach.set), 'pcrnn-taught-set.json'));

  $('#teach-import').addEventListener('change', async (e) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    if (file.size > MAX_IMPORT_BYTES) {
      api.showError(`That file is ${(file.size / 1e6).toFixed(1)} MB; a taught set is at most ${MAX_IMPORT_BYTES / 1e6} MB.`);
      return;
    }
    const json = await file.text();
    const load = () => api.send({ type: 'teach-check', json, reason: 'import' });
    if (teach.set.labels.length) askFirst(`Replace the ${teach.set.labels.length} taught exemplars with the set in ${file.name}?`, 'Replace', load);
    else load();
  });

  $('#teach-clear').addEventListener('click', () => {
    const n = teach.set.labels.length;
    askFirst(`Delete all ${n} taught exemplar${n === 1 ? '' : 's'} from this browser?`, 'Delete all', () => replaceSet(emptySet()));
  });

  // An inline question (not a blocking dialog): the visitor confirms or keeps the set.
  let onConfirm = null;
  function askFirst(question, yes, action) {
    onConfirm = action;
    $('#teach-confirm-text').textContent = question;
    $('#teach-confirm-yes').textContent = yes;
    confirmBox.hidden = false;
    $('#teach-confirm-no').focus();
  }
  function closeConfirm() {
    confirmBox.hidden = true;
    onConfirm = null;
  }
  $('#teach-confirm-yes').addEventListener('click', () => {
    const action = onConfirm;
    closeConfirm();
    action?.();
  });
  $('#teach-confirm-no').addEventListener('click', closeConfirm);

  // ---- thumbnails, one group per label ----
  let shownVersion = -1;
  let focusDelete = null;
  function drawThumbs() {
    if (shownVersion === teach.version) return;
    shownVersion = teach.version;
    const { labels, trajectories } = teach.set;
    const groups = new Map();
    labels.forEach((label, i) => groups.set(label, [...(groups.get(label) ?? []), i]));
    if (!labels.length) {
      const empty = document.createElement('p');
      empty.className = 'hint';
      empty.textContent = 'Nothing taught yet. Type a label, then write it on the pad; two or three exemplars of each label work well.';
      thumbs.replaceChildren(empty);
      if (focusDelete != null) labelInput.focus();
      focusDelete = null;
      return;
    }
    thumbs.replaceChildren(
      ...[...groups].map(([label, indices]) => {
        const group = document.createElement('div');
        group.className = 'teach-group';
        group.setAttribute('role', 'group');
        group.setAttribute('aria-label', `Exemplars of “${label}”`);
        const pick = document.createElement('button');
        pick.type = 'button';
        pick.className = 'teach-pick';
        pick.textContent = label; // user text: always as text
        pick.title = `Teach more of “${label}”`;
        pick.setAttribute('aria-label', `Teach more of “${label}” (${indices.length} taught)`);
        pick.addEventListener('click', () => {
          labelInput.value = label;
          $('#teach-pad').focus();
        });
        group.append(pick);
        indices.forEach((i, k) => group.append(thumbnail(label, trajectories[i], i, k + 1)));
        return group;
      }),
    );
    if (focusDelete != null) {
      const buttons = thumbs.querySelectorAll('.teach-delete');
      buttons[Math.min(focusDelete, buttons.length - 1)]?.focus();
      focusDelete = null;
    }
  }

  function thumbnail(label, points, index, ordinal) {
    const fig = document.createElement('figure');
    fig.className = 'teach-thumb';
    const canvas = document.createElement('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `Exemplar ${ordinal} of “${label}”`);
    const del = document.createElement('button');
    del.type = 'button';
    del.className = 'teach-delete';
    del.textContent = '×';
    del.setAttribute('aria-label', `Delete exemplar ${ordinal} of “${label}”`);
    del.addEventListener('click', () => {
      // Keep the keyboard where it was: on the delete button that takes this one's place.
      focusDelete = [...thumbs.querySelectorAll('.teach-delete')].indexOf(del);
      teach.set.labels.splice(index, 1);
      teach.set.trajectories.splice(index, 1);
      if (!teach.set.labels.length) teach.set.frame = null;
      setChanged();
    });
    fig.append(canvas, del);
    // Drawn once it is in the document and has a size.
    requestAnimationFrame(() => {
      const { ctx, w, h } = fit(canvas);
      trajectory(ctx, points, frame(bounds([points]), 3, 3, w - 6, h - 6, 0.1), { color: COLORS.ink, width: 1.5, startDot: true });
    });
    return fig;
  }

  // ---- status ----
  function phase() {
    if (!teach.active) return 'idle';
    return { running: 'running', done: 'done', error: 'error', paused: 'stopped' }[state.train.state] ?? 'idle';
  }

  function render() {
    drawThumbs();
    const n = teach.set.labels.length;
    const nLabels = new Set(teach.set.labels).size;
    const p = phase();
    const dataState = p === 'stopped' ? 'idle' : p;
    setProp(statusEl.dataset, 'state', dataState);
    setProp(statusEl.dataset, 'count', String(n));
    const it = state.train.iteration;
    const losses = state.train.losses;
    const loss = losses.length ? `, loss ${losses[losses.length - 1].toPrecision(3)}` : '';
    const stale = teach.active && teach.learnedVersion !== teach.version ? ' The set has changed since: press Learn again to include the changes.' : '';
    const sets = `${n} exemplar${n === 1 ? '' : 's'} of ${nLabels} label${nLabels === 1 ? '' : 's'} (at most ${MAX_EXEMPLARS}).`;
    setText(statusText, {
      idle: `${sets} ${n ? 'Press Learn to teach them to the network.' : ''}`,
      running: `Learning… iteration ${it.toLocaleString('en')} of ${teach.target.toLocaleString('en')}${loss}.`,
      done: `Learned ${n} exemplars in ${it.toLocaleString('en')} iterations. Draw on the recall pad: it recalls among the taught labels.${stale}`,
      stopped: `Stopped at iteration ${it.toLocaleString('en')} of ${teach.target.toLocaleString('en')}; recall uses what it has learned so far.${stale}`,
      error: 'Learning stopped with an error (see the message); the last good model is kept.',
    }[p]);
    setProp(progress, 'max', Math.max(1, teach.target));
    setProp(progress, 'value', p === 'idle' ? 0 : Math.min(it, teach.target));
    setProp(progress, 'hidden', p === 'idle');
    setProp(iterInput, 'placeholder', `auto: ${defaultIterations(n, fromSelect.value === 'model')}`);
    const running = p === 'running';
    setProp($('#teach-learn'), 'disabled', !state.ready || running || !n);
    setProp($('#teach-cancel'), 'disabled', !running);
    setProp($('#teach-shipped'), 'disabled', !state.ready || !teach.pretrained || state.modelSource === 'pretrained');
    setProp($('#teach-export'), 'disabled', !n);
    setProp($('#teach-clear'), 'disabled', !n);
    setProp($('#teach-download-model'), 'disabled', !teach.active || running);
  }

  return { render, onMessage };
}
