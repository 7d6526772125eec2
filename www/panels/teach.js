// The teach panel (docs/teach.md): the visitor writes exemplars of any labels on the teach pad,
// sees each as a thumbnail it can delete, and has the network learn them in the worker; the
// recall pad then recalls among the taught labels. It draws `state.teach` (teach-set.js) and
// reports what the visitor does through `on`; main.js changes the state.
import { COLORS, fit, bounds, frame, trajectory } from './canvas.js';
import { createPad } from './pad.js';
import { setText, setProp, setAttr } from './dom.js';
import { teachIterations, oneCharacter } from '../teach-set.js';

/** `on`: stroke(label or null when the label field holds not one character, points),
 * learn({ iterations: the typed text, fromModel, onlyMine }), cancel(), shipped(), downloadModel(),
 * exportSet(), importSet(file), clear() (after asking), remove(index), changed() (a choice that
 * only redraws). The panel's `askFirst(question, yes, action)` asks before a change. */
export function createTeachPanel(root, on) {
  const $ = (sel) => root.querySelector(sel);
  const labelInput = $('#teach-label');
  const statusEl = $('[data-testid="teach-status"]');
  const statusText = $('#teach-status-text');
  const progress = $('#teach-progress');
  const iterInput = $('#teach-iterations');
  const fromSelect = $('#teach-from');
  const thumbs = $('#teach-thumbs');
  const confirmBox = $('#teach-confirm');
  const suggestions = $('#teach-letters');
  let last = null; // the state last drawn, for the questions asked before a change

  const currentLabel = () => oneCharacter(labelInput.value);

  // ---- the pad: pen-up offers an exemplar ----
  const pad = createPad($('#teach-pad'), {
    placeholder: 'write the label here',
    onLetter: (strokes) => on.stroke(currentLabel(), strokes),
  });

  // ---- learning ----
  // 'add': the taught set with the letters the model knows, going on from it; 'mine': the set
  // alone, from the current model; 'scratch': the set alone, from a fresh network.
  const fromModel = () => fromSelect.value !== 'scratch';
  const onlyMine = () => fromSelect.value !== 'add';
  $('#teach-learn').addEventListener('click', () => on.learn({ iterations: iterInput.value, fromModel: fromModel(), onlyMine: onlyMine() }));
  $('#teach-cancel').addEventListener('click', () => on.cancel());
  $('#teach-shipped').addEventListener('click', () => on.shipped());
  $('#teach-download-model').addEventListener('click', () => on.downloadModel());
  fromSelect.addEventListener('change', () => on.changed());

  // ---- export, import, clear ----
  $('#teach-export').addEventListener('click', () => on.exportSet());

  $('#teach-import').addEventListener('change', (e) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (file) on.importSet(file);
  });

  $('#teach-clear').addEventListener('click', () => {
    const n = last?.teach.set.labels.length ?? 0;
    askFirst(`Delete all ${n} taught exemplar${n === 1 ? '' : 's'} from this browser?`, 'Delete all', () => on.clear());
  });

  // An inline question (not a blocking dialog): the visitor confirms (`action` runs) or keeps the set.
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

  // ---- suggested labels: the shipped letters ----
  let suggested = null;
  function drawSuggestions(labels) {
    if (labels === suggested) return;
    suggested = labels;
    suggestions.replaceChildren(
      ...labels.map((label) => {
        const option = document.createElement('option');
        option.value = label;
        return option;
      }),
    );
  }

  // ---- thumbnails, one group per label ----
  let shownVersion = -1;
  let focusDelete = null;
  function drawThumbs(teach) {
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
      on.remove(index);
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
  function phase(state) {
    if (!state.teach.active) return 'idle';
    return { running: 'running', done: 'done', error: 'error', paused: 'stopped' }[state.train.state] ?? 'idle';
  }

  function render(state) {
    last = state;
    const { teach, facts } = state;
    drawThumbs(teach);
    drawSuggestions(state.shippedLetters);
    const n = teach.set.labels.length;
    const nLabels = new Set(teach.set.labels).size;
    const p = phase(state);
    const dataState = p === 'stopped' ? 'idle' : p;
    setProp(statusEl.dataset, 'state', dataState);
    setProp(statusEl.dataset, 'count', String(n));
    const it = state.train.iteration;
    const losses = state.train.losses;
    const loss = losses.length ? `, loss ${losses[losses.length - 1].toPrecision(3)}` : '';
    const stale = teach.active && teach.learnedVersion !== teach.version ? ' The set has changed since: press Learn again to include the changes.' : '';
    const most = facts ? ` (at most ${facts.teach.max_exemplars})` : '';
    const sets = `${n} exemplar${n === 1 ? '' : 's'} of ${nLabels} label${nLabels === 1 ? '' : 's'}${most}.`;
    setText(statusText, {
      idle: `${sets} ${n ? 'Press Learn to teach them to the network.' : ''}`,
      running: `Learning… iteration ${it.toLocaleString('en')} of ${teach.target.toLocaleString('en')}${loss}.`,
      done: `Learned ${n} exemplars${teach.onlyMine ? '' : ' with the letters it knew'} in ${it.toLocaleString('en')} iterations. Draw on the recall pad to try it.${stale}`,
      stopped: `Stopped at iteration ${it.toLocaleString('en')} of ${teach.target.toLocaleString('en')}; recall uses what it has learned so far.${stale}`,
      error: 'Learning stopped with an error (see the message); the last good model is kept.',
    }[p]);
    setProp(progress, 'max', Math.max(1, teach.target));
    setProp(progress, 'value', p === 'idle' ? 0 : Math.min(it, teach.target));
    setProp(progress, 'hidden', p === 'idle');
    if (facts) {
      setAttr(iterInput, 'min', String(facts.ranges.iterations.min));
      setAttr(iterInput, 'max', String(facts.ranges.iterations.max));
      const letters = onlyMine() ? 0 : (state.lettersCount ?? 0);
      setProp(iterInput, 'placeholder', `auto: ${teachIterations(facts, n + letters, fromModel())}`);
    }
    const running = p === 'running';
    setProp($('#teach-learn'), 'disabled', !state.ready || running || !n);
    setProp($('#teach-cancel'), 'disabled', !running);
    setProp($('#teach-shipped'), 'disabled', !state.ready || !teach.pretrained || state.modelSource === 'pretrained');
    setProp($('#teach-export'), 'disabled', !n);
    setProp($('#teach-clear'), 'disabled', !n);
    setProp($('#teach-download-model'), 'disabled', !teach.active || running);
  }

  return { render, clearPad: pad.clear, askFirst };
}
