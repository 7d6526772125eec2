// The page: one state object, settings in the URL hash, a worker that owns the engine, and one
// module per panel that draws the state. The page sends commands and draws what comes back;
// it never computes the model's maths itself.
import { fromHash, toHash, defaults, hashSetsRecall, modelRecall, recallSettings, trainConfig, buildFields, RECALL_FIELDS, TRAIN_FIELDS } from './panels/settings.js';
import { createLossPanel } from './panels/loss.js';
import { createLettersPanel } from './panels/letters.js';
import { createMapPanel } from './panels/map.js';
import { createRecallPanel } from './panels/recall.js';
import { createTeachPanel } from './panels/teach.js';
import { setText, setProp, setAttr } from './panels/dom.js';

const $ = (sel) => document.querySelector(sel);
const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');
const REPLAY_MS = 2200; // how long a recall's path takes to unfold on the map
const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

// A link that sets recall settings keeps them; otherwise a model's own (tuned) settings are used.
const linkSetsRecall = hashSetsRecall(location.hash);

const state = {
  settings: fromHash(location.hash),
  ready: false,
  model: null, // { labels, letters, mus, generated, iterations, final_loss }
  modelSource: 'loading…',
  data: null, // { labels, trajectories }
  train: { state: 'idle', iteration: 0, losses: [] },
  recall: null, // see startRecall
  error: null,
};

// ---- the worker ------------------------------------------------------------------------------

let worker = null;
let lastGoodModel = null; // JSON text, to restore after a worker fault
let recallId = 0;
let pendingExport = null;
const testHooks = new URLSearchParams(location.search).has('test-hooks');
// ?engine=simd128 runs the build without relaxed SIMD (engine-build.js), to compare the two.
const wantedBuild = new URLSearchParams(location.search).get('engine');

function startWorker(restoreModel = null) {
  worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = (e) => onMessage(e.data);
  worker.onerror = (e) => {
    e.preventDefault();
    showError(`The engine failed to start: ${e.message || 'unknown error'}`);
  };
  worker.postMessage({ type: 'init', restoreModel, testHooks, engine: wantedBuild });
}

const send = (msg) => worker && state.ready && worker.postMessage(msg);

function onMessage(msg) {
  switch (msg.type) {
    case 'ready':
      state.ready = true;
      state.data = msg.data;
      if (msg.model) {
        state.model = msg.model;
        state.modelSource = 'pretrained';
        if (!linkSetsRecall) Object.assign(state.settings, modelRecall(msg.model.recall));
      } else {
        state.modelSource = msg.data ? 'none yet: press ▶ to train' : 'none';
      }
      if (!msg.data && !msg.model) showError('Could not load the letters or the model next to this page.');
      fillTargetSelect();
      performance.mark('pcrnn-ready');
      document.documentElement.dataset.ready = 'true';
      document.documentElement.dataset.engine = msg.build;
      break;
    case 'warmed':
      // The engine runs optimised code from here on (worker.js, warmUpPieces).
      performance.mark('pcrnn-warmed');
      document.documentElement.dataset.warmed = 'true';
      break;
    case 'model':
      state.model = msg.model;
      if (msg.reason === 'pretrained') state.modelSource = 'pretrained';
      else if (msg.reason === 'loaded') state.modelSource = `loaded: ${msg.name}`;
      else if (msg.reason === 'training') state.modelSource = 'training in this page';
      else if (msg.reason === 'restored') state.modelSource = 'restored';
      if (msg.reason === 'pretrained' || msg.reason === 'loaded') Object.assign(state.settings, modelRecall(msg.model.recall));
      if (msg.reason !== 'training') resetTrainView();
      // Keep a copy of a model that was chosen, to restore after a worker fault.
      if ((msg.reason === 'pretrained' || msg.reason === 'loaded') && !pendingExport) requestExport('keep');
      break;
    case 'data':
      state.data = msg.data;
      fillTargetSelect();
      break;
    case 'train-progress':
      if (msg.reset) state.train.losses = [];
      for (const v of msg.losses) state.train.losses.push(v);
      state.train.iteration = msg.iteration;
      break;
    case 'train-state':
      state.train.state = msg.state;
      if (msg.state === 'done' || msg.state === 'paused') requestExport('keep');
      break;
    case 'recall-start':
      if (msg.id !== state.recall?.id) return;
      Object.assign(state.recall, {
        target: msg.target,
        runs: msg.runs,
        total: msg.trials,
        paths: msg.starts.map((p) => [p]),
        snapshots: [],
      });
      break;
    case 'recall-progress': {
      const rec = state.recall;
      if (msg.id !== rec?.id) return;
      msg.paths.forEach((pts, k) => rec.paths[k].push(...pts));
      // Draw now only if the replay was waiting for these trials; else its own clock shows them.
      const waiting = !(rec.shown < rec.received);
      rec.received = msg.trials;
      if (msg.imagined) rec.snapshots.push({ trials: msg.trials, imagined: msg.imagined });
      if (!waiting) return;
      break;
    }
    case 'recall-done': {
      const rec = state.recall;
      if (msg.id !== rec?.id) return;
      rec.report = msg.report;
      rec.computed = true;
      rec.ms = msg.ms; // the engine's time, from the stroke to the readout
      if (rec.kind === 'stroke') rec.circle = nearestMemory(rec);
      break;
    }
    case 'recall-state':
      if (msg.id !== state.recall?.id) return;
      state.recall.state = msg.state;
      break;
    case 'exported':
      lastGoodModel = msg.json;
      if (pendingExport === 'download') download(msg.json);
      pendingExport = null;
      break;
    case 'seed':
      setSetting('seed', msg.seed);
      break;
    case 'error':
      if (msg.where === 'recall' && state.recall) state.recall.state = 'error';
      if (msg.where === 'train') state.train.state = 'error';
      // A run that stopped (e.g. diverged) kept its last good parameters; offer a fresh start.
      showError(msg.message, { offerReset: msg.where === 'train' });
      break;
    case 'fatal':
      // A panic inside the engine: say what it was, then start a fresh worker with the last
      // good model so the page keeps working.
      showError(`${msg.message} — the engine was restarted with the last good model.`);
      if (state.recall) state.recall.state = 'error';
      state.train.state = 'error';
      worker.terminate();
      state.ready = false;
      state.modelSource = 'restarting…';
      startWorker(lastGoodModel);
      break;
  }
  teachPanel.onMessage(msg);
  update();
}

/** The memory whose label the best start recalled, and that lies nearest its cause. */
function nearestMemory(rec) {
  const run = rec.report.runs[rec.report.best_start[0]];
  let best = null;
  let bestD = Infinity;
  state.model.mus.forEach(([x, y], k) => {
    if (state.model.labels[k] !== run.label) return;
    const d = (x - run.cause[0]) ** 2 + (y - run.cause[1]) ** 2;
    if (d < bestD) [best, bestD] = [k, d];
  });
  return best;
}

// ---- commands --------------------------------------------------------------------------------

function startRecall(source) {
  if (!state.model) {
    showError('There is no model yet: wait for it to load, or train one.');
    return;
  }
  const id = ++recallId;
  const isLetter = source.kind === 'letter';
  state.recall = {
    id,
    kind: source.kind,
    source, // what was asked: a training letter, or the pointer samples of a drawn stroke
    settings: recallSettings(state.settings),
    seed: state.settings.seed,
    state: 'running',
    t0: performance.now(),
    targetLabel: isLetter ? state.data.labels[source.index] : null,
    circle: isLetter ? memoryOfTrainingLetter(source.index) : null,
    target: [],
    runs: state.settings.starts,
    total: state.settings.trials,
    received: 0,
    shown: 0,
    paths: [],
    snapshots: [],
    report: null,
    computed: false,
    revealed: false,
  };
  hideError();
  // Say "running" at once (not at the next frame), so nobody reads the last result as this one's.
  const result = $('[data-testid="retrieval-result"]');
  result.dataset.state = 'running';
  delete result.dataset.letter;
  send({ type: 'recall', id, source, settings: state.recall.settings, seed: state.recall.seed });
  update();
}

/** Training letter `index` is memory `index` when the model was trained on this set. */
function memoryOfTrainingLetter(index) {
  const m = state.model;
  const d = state.data;
  if (m && d && m.labels.length === d.labels.length && m.labels[index] === d.labels[index]) return index;
  const k = m?.labels.indexOf(d.labels[index]);
  return k >= 0 ? k : null;
}

function train(cmd) {
  hideError();
  send({ type: 'train', cmd, config: trainConfig(state.settings) });
}

function togglePlay() {
  if (state.train.state === 'running') train('pause');
  else train('resume');
}

function resetTrainView() {
  state.train = { state: 'idle', iteration: 0, losses: [] };
  state.recall = null;
}

function setSetting(key, value) {
  state.settings[key] = value;
  history.replaceState(null, '', toHash(state.settings) + '');
  updateEmbedCode();
  update();
}

function requestExport(purpose) {
  pendingExport = purpose;
  send({ type: 'export-model' });
}

function download(json, name = 'pcrnn-model.json') {
  const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// ---- errors ----------------------------------------------------------------------------------

function showError(message, { offerReset = false } = {}) {
  state.error = message;
  $('#error-text').textContent = message;
  $('#error-reset').hidden = !offerReset;
  $('[data-testid="error"]').hidden = false;
}

function hideError() {
  state.error = null;
  $('[data-testid="error"]').hidden = true;
}

// ---- panels ----------------------------------------------------------------------------------

const panels = [];
const mapPanel = createMapPanel($('#map'));
const lossPanel = createLossPanel($('#loss'));
const lettersPanel = createLettersPanel($('#letters'));
const recallPanel = createRecallPanel($('[data-panel="recall"]'), {
  onStroke(points) {
    if (points.length < 2) {
      showError('That stroke is too short to be a letter: draw one whole letter without lifting the pen.');
      return;
    }
    startRecall({ kind: 'stroke', points });
  },
  onClear() {
    if (state.recall) send({ type: 'cancel' });
    state.recall = null;
    update();
  },
});
const teachPanel = createTeachPanel($('[data-panel="teach"]'), state, {
  send,
  showError,
  hideError,
  update,
  download,
  downloadModel: () => requestExport('download'),
});
const recallFields = buildFields($('#recall-settings'), RECALL_FIELDS, setSetting, null);
const trainFields = buildFields($('#train-settings'), TRAIN_FIELDS, setSetting, () => send({ type: 'fresh-seed' }));
panels.push(mapPanel, lossPanel, lettersPanel, recallPanel, teachPanel, recallFields, trainFields);

function fillTargetSelect() {
  const select = $('#target-letter');
  const labels = state.data?.labels ?? [];
  const seen = {};
  select.replaceChildren(
    ...labels.map((label, i) => {
      seen[label] = (seen[label] ?? 0) + 1;
      const option = document.createElement('option');
      option.value = String(i);
      option.textContent = seen[label] > 1 ? `${label} (${seen[label]})` : label;
      return option;
    }),
  );
  select.disabled = !labels.length;
  $('#retrieve').disabled = !labels.length;
}

function renderStatus() {
  const t = state.train;
  const status = $('[data-testid="train-status"]');
  const loss = t.losses.length ? t.losses[t.losses.length - 1] : null;
  setProp(status.dataset, 'state', t.state);
  setProp(status.dataset, 'iteration', String(t.iteration));
  setProp(status.dataset, 'loss', loss == null ? '' : String(loss));
  setText($('#iteration'), t.iteration.toLocaleString('en'));
  setText($('#loss-value'), loss == null ? (state.model?.final_loss != null ? state.model.final_loss.toPrecision(3) : '–') : loss.toPrecision(3));
  setText($('#model-source'), state.modelSource);
  const playing = t.state === 'running';
  $('#play').classList.toggle('playing', playing);
  setAttr($('#play'), 'aria-label', playing ? 'Pause training' : 'Train: play');
  for (const id of ['#play', '#step', '#reset', '#train']) setProp($(id), 'disabled', !state.ready || !state.data);
  setProp($('#download-model'), 'disabled', !state.model);
}

// ---- the render loop: one frame draws the whole state ------------------------------------------

let frameRequested = false;
function update() {
  if (!frameRequested) {
    frameRequested = true;
    requestAnimationFrame(frame);
  }
}

function frame(now) {
  frameRequested = false;
  const rec = state.recall;
  if (rec && !rec.revealed && rec.state === 'running') {
    // Unfold the paths on a log-time scale: early trials (where c moves most) get most of the
    // time. Never ahead of what the worker has computed.
    const elapsed = now - rec.t0;
    const goal = reducedMotion.matches ? rec.total : Math.exp((Math.log(rec.total + 1) * elapsed) / REPLAY_MS) - 1;
    rec.shown = Math.min(rec.received ?? 0, goal);
    if (rec.computed && rec.shown >= rec.total) {
      rec.revealed = true;
      rec.state = 'done';
    }
  }
  renderStatus();
  for (const panel of panels) panel.render(state);
  if (rec && !rec.revealed && rec.state === 'running' && rec.shown < rec.received) nextReplayFrame(rec, now);
}

// The replay's next frame: at once, or when its clock reaches the next trial if that is more
// than a frame away. Its first trial is due 0.1 × REPLAY_MS after the stroke, while the worker
// computes; frames with nothing new still cost the main thread a few ms each, on the cores the
// worker needs. (When the replay waits for the worker, the next trials' message draws them.)
function nextReplayFrame(rec, now) {
  const due = rec.t0 + (REPLAY_MS * Math.log(Math.floor(rec.shown) + 2)) / Math.log(rec.total + 1);
  if (due - now < 20) update();
  else setTimeout(update, due - now - 10);
}

// ---- controls --------------------------------------------------------------------------------

$('#train').addEventListener('click', () => {
  state.recall = null;
  train('start');
});
$('#play').addEventListener('click', togglePlay);
$('#step').addEventListener('click', () => train('step'));
$('#reset').addEventListener('click', () => {
  state.recall = null;
  train('reset');
});
$('#retrieve').addEventListener('click', () => {
  const index = Number($('#target-letter').value);
  if (Number.isInteger(index) && state.data) startRecall({ kind: 'letter', index });
});
$('#cancel').addEventListener('click', () => {
  send({ type: 'cancel' });
  if (state.recall && !state.recall.revealed) state.recall.state = 'cancelled';
  update();
});
$('#defaults').addEventListener('click', () => {
  Object.assign(state.settings, defaults(), modelRecall(state.model?.recall));
  setSetting('seed', state.settings.seed);
});
$('#seed-values').addEventListener('click', () => {
  Object.assign(state.settings, recallSettings(defaults()));
  setSetting('seed', state.settings.seed);
});
$('#error-close').addEventListener('click', hideError);
$('#error-reset').addEventListener('click', () => $('#reset').click());
$('#download-model').addEventListener('click', () => requestExport('download'));
$('#use-pretrained').addEventListener('click', () => send({ type: 'use-pretrained' }));
$('#upload-model').addEventListener('change', async (e) => {
  const file = e.target.files?.[0];
  e.target.value = '';
  if (!file) return;
  if (file.size > MAX_UPLOAD_BYTES) {
    showError(`That file is ${(file.size / 1e6).toFixed(1)} MB; a model file is at most ${MAX_UPLOAD_BYTES / 1e6} MB.`);
    return;
  }
  send({ type: 'load-model', json: await file.text(), name: file.name });
});

window.addEventListener('hashchange', () => {
  state.settings = fromHash(location.hash);
  updateEmbedCode();
  update();
});
document.addEventListener('visibilitychange', () => worker?.postMessage({ type: 'visibility', hidden: document.hidden }));
document.addEventListener('keydown', (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.target.closest('input, select, textarea, button, [contenteditable]')) return;
  if (e.key === ' ') {
    e.preventDefault();
    togglePlay();
  } else if (e.key === 's' || e.key === 'S') train('step');
  else if (e.key === 'r' || e.key === 'R') $('#retrieve').click();
});

// ---- embedding ---------------------------------------------------------------------------------

function updateEmbedCode() {
  const panel = $('#embed-panel').value;
  const url = new URL(location.href);
  url.search = `?embed=${panel}`;
  const size = panel === 'recall' ? 'width="420" height="720"' : 'width="480" height="480"';
  $('#embed-code').value = `<iframe src="${url.href}" ${size} style="border:0" title="PC-RNN letters: ${panel}" loading="lazy"></iframe>`;
}
$('#embed-panel').addEventListener('change', updateEmbedCode);
$('#copy-embed').addEventListener('click', async () => {
  $('#embed-code').select();
  try {
    await navigator.clipboard.writeText($('#embed-code').value);
  } catch {
    document.execCommand?.('copy');
  }
});

// `?embed=<panel>` shows one panel fitted to its frame; the recall panel comes with its map.
const EMBEDS = { recall: ['recall', 'map'], map: ['map'], loss: ['loss'], letters: ['letters'], settings: ['settings'] };
const embed = new URLSearchParams(location.search).get('embed');
if (embed) {
  const names = EMBEDS[embed];
  if (names) {
    document.body.classList.add('embed', names.length === 1 ? 'single' : 'pair');
    for (const name of names) $(`.panel[data-panel="${name}"]`).classList.add('embedded');
    const credit = document.createElement('p');
    credit.className = 'embed-credit';
    credit.textContent = 'PC-RNN letters — runs entirely in your browser.';
    $(`.panel[data-panel="${names[0]}"]`).append(credit);
  } else {
    showError(`There is no panel called “${embed}” to embed; showing the whole page.`);
  }
}

updateEmbedCode();
history.replaceState(null, '', toHash(state.settings));
startWorker();
// Loaded only when asked for, so a published copy of the page need not carry it.
if (testHooks) (await import('./test-hooks.js')).installTestHooks(() => worker, () => state);
update();
