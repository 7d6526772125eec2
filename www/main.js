// The page as one machine: a single `state` object, changed only by this module's handlers —
// the worker's messages (protocol.js) and the events the panels report — and drawn by the panels
// (panels/*.js) once per animation frame. The worker owns the engine; the engine's facts give
// every default and limit, and its reports every quantity of the model: the page computes none.
// Settings live in the URL hash, so a link reproduces a run.
import { ToWorker, FromWorker } from './protocol.js';
import { fromHash, toHash, defaults, hashSetsRecall, modelRecall, recallSettings, trainConfig, admits, buildFields, RECALL_FIELDS, TRAIN_FIELDS } from './panels/settings.js';
import { createLossPanel } from './panels/loss.js';
import { createLettersPanel } from './panels/letters.js';
import { createMapPanel } from './panels/map.js';
import { createRecallPanel } from './panels/recall.js';
import { createTeachPanel } from './panels/teach.js';
import { setText, setProp, setAttr } from './panels/dom.js';
import { newTeach, emptySet, addExemplar, deleteExemplar, replaceSet, storedSet, teachIterations } from './teach-set.js';

const $ = (sel) => document.querySelector(sel);
const query = new URLSearchParams(location.search);
const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');
const REPLAY_MS = 2200; // how long a recall's path takes to unfold on the map

// A recall's life is one `phase`: 'idle' (none, or cleared) → 'running' (the worker computes
// while the map replays what has come) → 'replaying' (computed; the replay catches up) → 'done'
// (the result shown); or 'cancelled' or 'error' on the way.
const NO_RECALL = Object.freeze({ phase: 'idle' });
const recallUnderWay = (rec) => rec.phase === 'running' || rec.phase === 'replaying';

const state = {
  facts: null, // the engine's defaults and limits (src/facts.rs), from the worker at start
  settings: null, // from the URL hash, once the facts are known
  linkSetsRecall: hashSetsRecall(location.hash), // then a model's own recall settings are not used
  ready: false,
  model: null, // { labels, letters, mus, generated, iterations, final_loss, recall }
  modelSource: 'loading…',
  data: null, // { labels, trajectories, frame }
  shippedLetters: [], // the shipped data set's distinct labels
  train: { state: 'idle', iteration: 0, losses: [] },
  recall: NO_RECALL, // see startRecall
  teach: newTeach(),
  error: null, // { message, offerReset }
  engine: {
    worker: null,
    lastGoodModel: null, // JSON text, to restore after a worker fault
    lastRecallId: 0,
    pendingExport: null, // what an asked-for export is for: 'keep' | 'download'
  },
  frameRequested: false,
};

// ---- the worker ------------------------------------------------------------------------------

const testHooks = query.has('test-hooks');

function startWorker(restoreModel = null) {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = (e) => onMessage(e.data);
  worker.onerror = (e) => {
    e.preventDefault();
    showError(`The engine failed to start: ${e.message || 'unknown error'}`);
    update();
  };
  // ?engine=simd128 runs the build without relaxed SIMD (engine-build.js), to compare the two.
  worker.postMessage({ type: ToWorker.init, restoreModel, testHooks, engine: query.get('engine'), pool: query.get('pool') });
  state.engine.worker = worker;
}

const send = (msg) => state.engine.worker && state.ready && state.engine.worker.postMessage(msg);

function onMessage(msg) {
  const rec = state.recall;
  switch (msg.type) {
    case FromWorker.facts:
      if (!state.facts) {
        state.facts = msg.facts;
        state.settings = fromHash(location.hash, msg.facts);
        history.replaceState(null, '', toHash(state.settings));
      }
      break;
    case FromWorker.ready:
      state.ready = true;
      state.data = msg.data;
      state.shippedLetters = msg.data ? [...new Set(msg.data.labels)] : [];
      if (msg.model) {
        state.model = msg.model;
        state.modelSource = 'pretrained';
        if (!state.linkSetsRecall) Object.assign(state.settings, modelRecall(msg.model.recall, state.facts));
      } else {
        state.modelSource = msg.data ? 'none yet: press ▶ to train' : 'none';
      }
      if (!msg.data && !msg.model) showError('Could not load the letters or the model next to this page.');
      state.teach.pretrained = !!msg.pretrained;
      restoreTaughtSet();
      // Draw the loaded page before saying it is ready.
      frame(performance.now());
      performance.mark('pcrnn-ready');
      document.documentElement.dataset.ready = 'true';
      document.documentElement.dataset.engine = msg.build;
      break;
    case FromWorker.warmed:
      // The engine runs optimised code from here on (worker.js, warmUpPieces).
      performance.mark('pcrnn-warmed');
      document.documentElement.dataset.warmed = 'true';
      break;
    case FromWorker.model:
      state.model = msg.model;
      if (msg.reason === 'pretrained') state.modelSource = 'pretrained';
      else if (msg.reason === 'loaded') state.modelSource = `loaded: ${msg.name}`;
      else if (msg.reason === 'training') state.modelSource = 'training in this page';
      else if (msg.reason === 'restored') state.modelSource = 'restored';
      if (msg.reason === 'pretrained' || msg.reason === 'loaded') Object.assign(state.settings, modelRecall(msg.model.recall, state.facts));
      if (msg.reason !== 'training') {
        resetTrainView();
        // Another model (shipped, loaded, restored) replaces the taught one.
        state.teach.active = false;
        state.teach.learnedVersion = null;
      } else if (state.teach.active) {
        const n = state.teach.set.labels.length;
        state.modelSource = `taught here: ${n} exemplar${n === 1 ? '' : 's'}`;
      }
      // Keep a copy of a model that was chosen, to restore after a worker fault.
      if ((msg.reason === 'pretrained' || msg.reason === 'loaded') && !state.engine.pendingExport) requestExport('keep');
      break;
    case FromWorker.data:
      state.data = msg.data;
      break;
    case FromWorker.trainProgress:
      if (msg.reset) state.train.losses = [];
      for (const v of msg.losses) state.train.losses.push(v);
      state.train.iteration = msg.iteration;
      break;
    case FromWorker.trainState:
      state.train.state = msg.state;
      if (msg.state === 'done' || msg.state === 'paused') requestExport('keep');
      break;
    case FromWorker.recallStart:
      if (msg.id !== rec.id) return;
      Object.assign(rec, {
        target: msg.target,
        runs: msg.runs,
        total: msg.trials,
        paths: msg.starts.map((p) => [p]),
        snapshots: [],
      });
      break;
    case FromWorker.recallProgress: {
      if (msg.id !== rec.id) return;
      msg.paths.forEach((pts, k) => rec.paths[k].push(...pts));
      // Draw now only if the replay was waiting for these trials; else its own clock shows them.
      const waiting = !(rec.shown < rec.received);
      rec.received = msg.trials;
      if (msg.imagined) rec.snapshots.push({ trials: msg.trials, imagined: msg.imagined });
      if (!waiting) return;
      break;
    }
    case FromWorker.recallDone:
      if (msg.id !== rec.id) return;
      rec.report = msg.report;
      rec.ms = msg.ms; // the engine's time, from the stroke to the readout
      rec.workers = msg.workers; // how many workers computed it (www/pool.js)
      // A drawn letter circles the memory its best start reached (the engine's readout).
      if (rec.kind === 'stroke') rec.circle = msg.report.runs[msg.report.best_start[0]].memory;
      if (rec.phase === 'running') rec.phase = 'replaying';
      break;
    case FromWorker.recallState:
      if (msg.id !== rec.id) return;
      rec.phase = msg.state;
      break;
    case FromWorker.exported:
      state.engine.lastGoodModel = msg.json;
      if (state.engine.pendingExport === 'download') download(msg.json);
      state.engine.pendingExport = null;
      break;
    case FromWorker.seed:
      setSetting('seed', msg.seed);
      break;
    case FromWorker.error:
      if (msg.where === ToWorker.recall && rec !== NO_RECALL) rec.phase = 'error';
      if (msg.where === ToWorker.train || msg.where === ToWorker.teachLearn) state.train.state = 'error';
      // A run that stopped (e.g. diverged) kept its last good parameters; offer a fresh start.
      showError(msg.message, { offerReset: msg.where === ToWorker.train });
      break;
    case FromWorker.fatal:
      // A panic inside the engine: say what it was, then start a fresh worker with the last
      // good model so the page keeps working.
      showError(`${msg.message} — the engine was restarted with the last good model.`);
      if (rec !== NO_RECALL) rec.phase = 'error';
      state.train.state = 'error';
      state.engine.worker.terminate();
      state.ready = false;
      state.modelSource = 'restarting…';
      startWorker(state.engine.lastGoodModel);
      break;
    case FromWorker.teachStroke:
      if (state.teach.set.labels.length >= state.facts.teach.max_exemplars) return;
      showError(addExemplar(state.teach, msg.label, msg.trajectory, msg.frame));
      teachPanel.clearPad();
      break;
    case FromWorker.teachSet: {
      const n = msg.set.labels.length;
      const most = state.facts.teach.max_exemplars;
      if (n > most) showError(`That set has ${n} exemplars; the teach panel holds at most ${most}.`);
      else showError(replaceSet(state.teach, msg.set));
      break;
    }
  }
  update();
}

// ---- commands --------------------------------------------------------------------------------

function startRecall(source) {
  if (!state.model) {
    showError('There is no model yet: wait for it to load, or train one.');
    update();
    return;
  }
  const id = ++state.engine.lastRecallId;
  const isLetter = source.kind === 'letter';
  state.recall = {
    id,
    phase: 'running',
    kind: source.kind,
    source, // what was asked: a training letter, or the pointer samples of a drawn stroke
    settings: recallSettings(state.settings),
    seed: state.settings.seed,
    t0: performance.now(),
    targetLabel: isLetter ? state.data.labels[source.index] : null,
    circle: isLetter ? memoryOfTrainingLetter(source.index) : null,
    target: [],
    runs: state.settings.starts,
    total: state.settings.trials,
    received: 0, // trials the worker has sent
    shown: 0, // trials the replay shows (fractional: its clock runs between trials)
    paths: [],
    snapshots: [],
    report: null,
    ms: null,
  };
  hideError();
  // Show "running" at once (not at the next frame), so nobody reads the last result as this one's.
  recallPanel.render(state);
  send({ type: ToWorker.recall, id, source, settings: state.recall.settings, seed: state.recall.seed });
  update();
}

/** Training letter `index` is memory `index` when the model was trained on this set; else the
 * memory with its label, if any. */
function memoryOfTrainingLetter(index) {
  const m = state.model;
  const d = state.data;
  if (m && d && m.labels.length === d.labels.length && m.labels[index] === d.labels[index]) return index;
  const k = m?.labels.indexOf(d.labels[index]);
  return k >= 0 ? k : null;
}

/** Stop: a recall whose result is not shown yet is dropped (its paths stay on the map). */
function stopRecall() {
  if (state.recall !== NO_RECALL && state.recall.phase !== 'done') state.recall.phase = 'cancelled';
}

function train(cmd) {
  hideError();
  send({ type: ToWorker.train, cmd, config: trainConfig(state.settings) });
  update();
}

function togglePlay() {
  if (state.train.state === 'running') train('pause');
  else train('resume');
}

function resetTrainView() {
  state.train = { state: 'idle', iteration: 0, losses: [] };
  state.recall = NO_RECALL;
}

function setSetting(key, value) {
  state.settings[key] = value;
  history.replaceState(null, '', toHash(state.settings));
  updateEmbedCode();
  update();
}

function requestExport(purpose) {
  state.engine.pendingExport = purpose;
  send({ type: ToWorker.exportModel });
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

/** A file's size in the words a visitor reads ("1.5 MB"). */
const megabytes = (bytes) => `${Number((bytes / 2 ** 20).toFixed(1))} MB`;
/** Why a file of `bytes` is refused, against the limit `most`: "over" when both round alike. */
const tooBig = (bytes, most, what) =>
  megabytes(bytes) === megabytes(most)
    ? `That file is over ${megabytes(most)}, the most a ${what} may be.`
    : `That file is ${megabytes(bytes)}; a ${what} is at most ${megabytes(most)}.`;

// ---- teach mode --------------------------------------------------------------------------------

/** Asks the engine to check the set kept in this browser, once per page; after a worker restart
 * the engine no longer holds the taught set. */
function restoreTaughtSet() {
  const teach = state.teach;
  if (teach.restored) {
    teach.active = false;
    return;
  }
  teach.restored = true;
  const text = storedSet();
  if (text) send({ type: ToWorker.teachCheck, json: text, reason: 'restore' });
}

const teachEvents = {
  stroke(label, points) {
    const most = state.facts.teach.max_exemplars;
    if (!label) showError('Type one character as the label first (a letter, a digit or any symbol), then write it.');
    else if (state.teach.set.labels.length >= most) showError(`The taught set is full: it holds at most ${most} exemplars. Delete some first.`);
    else if (points.length < 2) showError('That stroke is too short to be a letter: write the whole letter without lifting the pen.');
    else {
      hideError();
      send({ type: ToWorker.teachStroke, label, points, frame: state.teach.set.frame });
    }
    update();
  },
  learn({ iterations: typed, fromModel }) {
    const teach = state.teach;
    const n = teach.set.labels.length;
    const range = state.facts.ranges.iterations;
    if (!n) showError('Teach at least one exemplar first: type a label and write it on the teach pad.');
    else if (typed !== '' && !admits(range, Number(typed))) {
      showError(`Iterations must be a whole number from ${range.min} to ${range.max} (or empty for the default).`);
    } else {
      hideError();
      teach.active = true;
      teach.learnedVersion = teach.version;
      teach.target = typed === '' ? teachIterations(state.facts, n, fromModel) : Number(typed);
      // Say "running" at once, so nobody reads the last run's "done" as this one's.
      state.train = { state: 'running', iteration: 0, losses: [] };
      state.recall = NO_RECALL;
      const config = { ...trainConfig(state.settings), iterations: teach.target, from_model: fromModel };
      send({ type: ToWorker.teachLearn, json: JSON.stringify(teach.set), config });
    }
    update();
  },
  cancel: () => send({ type: ToWorker.train, cmd: 'pause' }),
  shipped: () => send({ type: ToWorker.usePretrained }),
  downloadModel: () => requestExport('download'),
  exportSet: () => download(JSON.stringify(state.teach.set), 'pcrnn-taught-set.json'),
  importSet(file) {
    const most = state.facts.teach.max_set_bytes;
    if (file.size > most) {
      showError(tooBig(file.size, most, 'taught set'));
      update();
      return;
    }
    const load = async () => send({ type: ToWorker.teachCheck, json: await file.text(), reason: 'import' });
    const n = state.teach.set.labels.length;
    if (n) teachPanel.askFirst(`Replace the ${n} taught exemplars with the set in ${file.name}?`, 'Replace', load);
    else load();
  },
  clear() {
    showError(replaceSet(state.teach, emptySet()));
    update();
  },
  remove(index) {
    showError(deleteExemplar(state.teach, index));
    update();
  },
  changed: () => update(),
};

// ---- errors ----------------------------------------------------------------------------------

/** Shows `message` (nothing when it is null) in the error box. */
function showError(message, { offerReset = false } = {}) {
  if (message != null) state.error = { message, offerReset };
}

function hideError() {
  state.error = null;
}

function renderError() {
  const box = $('[data-testid="error"]');
  setProp(box, 'hidden', !state.error);
  if (!state.error) return;
  setText($('#error-text'), state.error.message);
  setProp($('#error-reset'), 'hidden', !state.error.offerReset);
}

// ---- panels ----------------------------------------------------------------------------------

const recallPanel = createRecallPanel($('[data-panel="recall"]'), {
  stroke(points) {
    if (points.length < 2) showError('That stroke is too short to be a letter: draw one whole letter without lifting the pen.');
    else startRecall({ kind: 'stroke', points });
    update();
  },
  letter(index) {
    if (state.data) startRecall({ kind: 'letter', index });
  },
  stop() {
    send({ type: ToWorker.cancel });
    stopRecall();
    update();
  },
  clear() {
    if (state.recall !== NO_RECALL) send({ type: ToWorker.cancel });
    state.recall = NO_RECALL;
    update();
  },
});
const teachPanel = createTeachPanel($('[data-panel="teach"]'), teachEvents);
const panels = [
  createMapPanel($('#map')),
  createLossPanel($('#loss')),
  createLettersPanel($('#letters')),
  recallPanel,
  teachPanel,
  buildFields($('#recall-settings'), RECALL_FIELDS, setSetting, null),
  buildFields($('#train-settings'), TRAIN_FIELDS, setSetting, () => send({ type: ToWorker.freshSeed })),
];

/** The training bar, the model buttons and the headline: the page's own parts. */
function renderPage() {
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
  if (state.shippedLetters.length) setText($('#letter-count'), String(state.shippedLetters.length));
  renderError();
}

// ---- the render loop: one frame draws the whole state ------------------------------------------

function update() {
  if (!state.frameRequested) {
    state.frameRequested = true;
    requestAnimationFrame(frame);
  }
}

function frame(now) {
  state.frameRequested = false;
  const rec = state.recall;
  if (recallUnderWay(rec)) {
    // Unfold the paths on a log-time scale: early trials (where c moves most) get most of the
    // time. Never ahead of what the worker has computed.
    const elapsed = now - rec.t0;
    const goal = reducedMotion.matches ? rec.total : Math.exp((Math.log(rec.total + 1) * elapsed) / REPLAY_MS) - 1;
    rec.shown = Math.min(rec.received, goal);
    if (rec.phase === 'replaying' && rec.shown >= rec.total) rec.phase = 'done';
  }
  renderPage();
  for (const panel of panels) panel.render(state);
  if (recallUnderWay(rec) && rec.shown < rec.received) nextReplayFrame(rec, now);
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
  state.recall = NO_RECALL;
  train('start');
});
$('#play').addEventListener('click', togglePlay);
$('#step').addEventListener('click', () => train('step'));
$('#reset').addEventListener('click', () => {
  state.recall = NO_RECALL;
  train('reset');
});
$('#defaults').addEventListener('click', () => {
  if (!state.settings) return;
  Object.assign(state.settings, defaults(state.facts), modelRecall(state.model?.recall, state.facts));
  setSetting('seed', state.settings.seed);
});
$('#seed-values').addEventListener('click', () => {
  if (!state.settings) return;
  Object.assign(state.settings, recallSettings(defaults(state.facts)));
  setSetting('seed', state.settings.seed);
});
$('#error-close').addEventListener('click', () => {
  hideError();
  update();
});
$('#error-reset').addEventListener('click', () => $('#reset').click());
$('#download-model').addEventListener('click', () => requestExport('download'));
$('#use-pretrained').addEventListener('click', () => send({ type: ToWorker.usePretrained }));
$('#upload-model').addEventListener('change', async (e) => {
  const file = e.target.files?.[0];
  e.target.value = '';
  if (!file || !state.facts) return;
  const most = state.facts.max_json_bytes;
  if (file.size > most) {
    showError(tooBig(file.size, most, 'model file'));
    update();
    return;
  }
  send({ type: ToWorker.loadModel, json: await file.text(), name: file.name });
});

window.addEventListener('hashchange', () => {
  if (!state.facts) return;
  state.settings = fromHash(location.hash, state.facts);
  updateEmbedCode();
  update();
});
document.addEventListener('visibilitychange', () => state.engine.worker?.postMessage({ type: ToWorker.visibility, hidden: document.hidden }));
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
const embed = query.get('embed');
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
startWorker();
// Loaded only when asked for, so a published copy of the page need not carry it.
if (testHooks) (await import('./test-hooks.js')).installTestHooks(() => state.engine.worker, () => state);
update();
