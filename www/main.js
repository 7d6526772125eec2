// The page as one machine: a single `state` object, changed only by this module's handlers —
// the worker's messages (protocol.js) and the events the panels report — and drawn by the panels
// (panels/*.js) once per animation frame. The worker owns the engine; the engine's facts give
// every default and limit, and its reports every quantity of the model: the page computes none.
// Settings live in the URL hash, so a link reproduces a run.
import { ToWorker, FromWorker } from './protocol.js';
import { fromHash, toHash, defaults, hashSetsRecall, modelRecall, recallSettings, recognitionSettings, trainConfig, admits, buildFields, explainFields, RECALL_FIELDS, TRAIN_FIELDS } from './panels/settings.js';
import { createLossPanel } from './panels/loss.js';
import { createLettersPanel } from './panels/letters.js';
import { createMapPanel } from './panels/map.js';
import { createRecallPanel } from './panels/recall.js';
import { createTeachPanel } from './panels/teach.js';
import { createStripPanel } from './panels/strip.js';
import { createReplayPanel } from './panels/replay.js';
import { saveFigure } from './panels/figure.js';
import { setText, setProp, setAttr } from './panels/dom.js';
import { newTeach, emptySet, addExemplar, deleteExemplar, replaceSet, storedSet, teachIterations, keepLearned, keptLearned, forgetLearned, oneCharacter } from './teach-set.js';

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
  // Where the current model came from: 'pretrained' | 'loaded' | 'restored' | 'taught' |
  // 'trained' (from scratch in this page) | null. Only a 'trained' one is replaced unasked.
  modelKind: null,
  data: null, // { labels, trajectories, frame }
  shippedLetters: [], // the shipped data set's distinct labels
  train: { state: 'idle', iteration: 0, losses: [], hasTrainer: false },
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
    showError('The network could not start in this browser; try reloading the page.', { detail: e.message || 'unknown error' });
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
      state.lettersCount = msg.data ? msg.data.labels.length : 0;
      if (msg.model) {
        state.model = msg.model;
        state.modelSource = 'pretrained';
        state.modelKind = 'pretrained';
        if (!state.linkSetsRecall) useSettings(modelRecall(msg.model.recall, state.facts));
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
      if (state.demo) setTimeout(demoNext, 300);
      // A restarted engine paces training as the page says.
      if (Number($('#train-speed').value)) send({ type: ToWorker.trainSpeed, perSecond: Number($('#train-speed').value) });
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
      else if (msg.reason === 'kept') state.modelSource = 'taught here, kept in this browser';
      // Another model replaces one learned here: it is not brought back on the next visit.
      if (msg.reason === 'pretrained' || msg.reason === 'loaded') forgetLearned();
      if (msg.reason !== 'training') state.modelKind = msg.reason === 'kept' ? 'taught' : msg.reason;
      if (msg.reason === 'pretrained' || msg.reason === 'loaded') useSettings(modelRecall(msg.model.recall, state.facts));
      if (msg.reason !== 'training') {
        resetTrainView();
        // Another model (shipped, loaded, restored) replaces the taught one.
        state.teach.active = msg.reason === 'kept';
        state.teach.learnedVersion = msg.reason === 'kept' ? state.teach.version : null;
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
      // A model learned here is kept for the next visit, with the set it learned.
      if (state.teach.active && state.teach.learnedSet && state.modelKind === 'taught') {
        showError(keepLearned(msg.json, state.teach.learnedSet, state.teach.onlyMine));
      }
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
      showError(WHAT_FAILED[msg.where] ?? 'Something went wrong.', { detail: msg.message, offerReset: msg.where === ToWorker.train });
      break;
    case FromWorker.fatal:
      // A panic inside the engine: say what it was, then start a fresh worker with the last
      // good model so the page keeps working.
      showError('Something went wrong inside the network; it was restarted with the last good model, so you can go on.', { detail: msg.message });
      if (rec !== NO_RECALL) rec.phase = 'error';
      state.train.state = 'error';
      state.train.hasTrainer = false;
      state.engine.worker.terminate();
      state.ready = false;
      state.modelSource = 'restarting…';
      startWorker(state.engine.lastGoodModel);
      break;
    case FromWorker.teachStroke:
      if (state.teach.set.labels.length >= state.facts.teach.max_exemplars) return;
      showError(addExemplar(state.teach, msg.label, msg.trajectory, msg.frame));
      if (state.teachThis?.phase === 'sent') state.teachThis.phase = 'added';
      else teachPanel.clearPad();
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
    settings: { ...recallSettings(state.settings), ...recognitionSettings(state.model.recall) },
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

/** Training commands that start a fresh network: always 'start' and 'reset'; 'resume' and
 * 'step' when there is no run to go on with. */
const startsFresh = (cmd) => cmd === 'start' || cmd === 'reset' || ((cmd === 'resume' || cmd === 'step') && !state.train.hasTrainer);

function train(cmd) {
  // A model the visitor did not train here (the pretrained one, a loaded, restored or taught
  // one) is replaced only when they say so.
  if (startsFresh(cmd) && state.model && state.modelKind !== 'trained') {
    const what = MODEL_NAMES[state.modelKind] ?? 'the current model';
    ask(`Training from scratch replaces ${what}. Train a fresh network anyway?`, 'Train from scratch', () => trainNow(cmd));
    return;
  }
  trainNow(cmd);
}

function trainNow(cmd) {
  hideError();
  if (startsFresh(cmd)) {
    state.recall = NO_RECALL;
    state.modelKind = 'trained';
  }
  if (cmd !== 'pause') state.train.hasTrainer = true;
  send({ type: ToWorker.train, cmd, config: trainConfig(state.settings) });
  update();
}

const MODEL_NAMES = { pretrained: 'the pretrained model', loaded: 'the model you loaded', restored: 'the model kept in this browser', taught: 'the model taught here' };

// ---- questions before a change -----------------------------------------------------------------

let onAskYes = null;
/** Asks `question` in a dialog; `action` runs if the visitor answers `yes`. */
function ask(question, yes, action) {
  onAskYes = action;
  $('#ask-text').textContent = question;
  $('#ask-yes').textContent = yes;
  const dialog = $('#ask');
  if (!dialog.open) dialog.showModal();
  $('#ask-no').focus();
}

function answerAsk(yes) {
  const action = onAskYes;
  onAskYes = null;
  const dialog = $('#ask');
  if (dialog.open) dialog.close();
  if (yes) action?.();
}

function togglePlay() {
  if (state.train.state === 'running') train('pause');
  else train('resume');
}

function resetTrainView() {
  state.train = { state: 'idle', iteration: 0, losses: [], hasTrainer: false };
  state.recall = NO_RECALL;
}

function setSetting(key, value) {
  useSettings({ [key]: value });
}

/** Puts `changes` in force: in the settings, the address and the embed snippet at once, so a
 * link copied at any moment reproduces what the page would run. */
function useSettings(changes) {
  Object.assign(state.settings, changes);
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
  // The model learned here on an earlier visit, unless a link or file asks for another.
  const kept = keptLearned();
  if (kept && state.model) {
    teach.learnedSet = kept.set;
    teach.onlyMine = kept.onlyMine;
    send({ type: ToWorker.restoreLearned, set: kept.set, onlyMine: kept.onlyMine, model: kept.model });
  }
}

const TAP_ALONE = 'That was a tap, not a stroke: draw a whole letter (lift the pen between its strokes if you like). The last answer was cleared so it is not taken for this one.';

const teachEvents = {
  stroke(label, strokes) {
    const points = strokes.flat();
    const most = state.facts.teach.max_exemplars;
    if (!label) showError('Type one character as the label first (a letter, a digit or any symbol), then write it.');
    else if (state.teach.set.labels.length >= most) showError(`The taught set is full: it holds at most ${most} exemplars. Delete some first.`);
    else if (strokes.every((s) => s.length < 2)) showError('That was a tap, not a stroke: write the whole letter on the teach pad.');
    else {
      hideError();
      send({ type: ToWorker.teachStroke, label, points, lengths: strokes.map((s) => s.length), frame: state.teach.set.frame });
    }
    update();
  },
  learn({ iterations: typed, fromModel, onlyMine }) {
    const teach = state.teach;
    const n = teach.set.labels.length;
    const together = n + (onlyMine ? 0 : state.lettersCount);
    const range = state.facts.ranges.iterations;
    if (!n) showError('Teach at least one exemplar first: type a label and write it on the teach pad.');
    else if (typed !== '' && !admits(range, Number(typed))) {
      showError(`Iterations must be a whole number from ${range.min} to ${range.max} (or empty for the default).`);
    } else {
      hideError();
      teach.active = true;
      teach.learnedVersion = teach.version;
      teach.target = typed === '' ? teachIterations(state.facts, together, fromModel) : Number(typed);
      teach.onlyMine = onlyMine;
      teach.learnedSet = JSON.stringify(teach.set);
      // Say "running" at once, so nobody reads the last run's "done" as this one's.
      state.train = { state: 'running', iteration: 0, losses: [], hasTrainer: true };
      state.modelKind = 'taught';
      state.recall = NO_RECALL;
      const config = { ...trainConfig(state.settings), iterations: teach.target, from_model: fromModel };
      send({ type: ToWorker.teachLearn, json: teach.learnedSet, onlyMine, config });
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

/** What a visitor reads when the engine refuses a command (where it failed: a message name of
 * protocol.js, or a step of the worker's start); the engine's own words follow in small print. */
const WHAT_FAILED = {
  [ToWorker.loadModel]: 'That file is not a model this page can use; the model you had is still in use.',
  [ToWorker.teachCheck]: 'That file is not a taught set this page can read; your set is unchanged.',
  'teach-restore': 'The taught set kept in this browser could not be used, so it was left out (and left as it was).',
  [ToWorker.restoreLearned]: 'The model you taught here on an earlier visit could not be brought back; the pretrained one is in use.',
  [ToWorker.recall]: 'That drawing could not be recalled.',
  [ToWorker.teachStroke]: 'That drawing could not be added to your taught set.',
  [ToWorker.teachLearn]: 'Your letters could not be learned.',
  [ToWorker.train]: 'Training stopped; the last good model is kept.',
  [ToWorker.usePretrained]: 'The pretrained model could not be loaded.',
  model: 'The pretrained model next to this page could not be read.',
  data: 'The letters next to this page could not be read.',
};

/** Shows `message`, a sentence for a visitor (nothing when it is null), in the error box; the
 * technical `detail`, if any, follows in smaller print. */
function showError(message, { offerReset = false, detail = null } = {}) {
  if (message != null) state.error = { message, offerReset, detail };
}

function hideError() {
  state.error = null;
}

function renderError() {
  const box = $('[data-testid="error"]');
  setProp(box, 'hidden', !state.error);
  if (!state.error) return;
  setText($('#error-text'), state.error.message);
  setText($('#error-detail'), state.error.detail ?? '');
  setProp($('#error-reset'), 'hidden', !state.error.offerReset);
}

// ---- panels ----------------------------------------------------------------------------------

const recallPanel = createRecallPanel($('[data-panel="recall"]'), {
  drawn(strokes) {
    if (strokes.every((s) => s.length < 2)) {
      // A tap alone: no letter to recall, and the last answer must not pass for its answer.
      if (state.recall !== NO_RECALL) send({ type: ToWorker.cancel });
      state.recall = NO_RECALL;
      showError(TAP_ALONE);
    } else {
      startRecall({ kind: 'stroke', points: strokes.flat(), lengths: strokes.map((s) => s.length) });
    }
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
  teachThis(typed, strokes) {
    const label = oneCharacter(typed);
    if (!label) showError('Type the one character this drawing is (a letter, a digit or any symbol), then press Add it.');
    else if (!strokes) showError('Draw the letter on the pad first, then teach it.');
    else {
      state.teachThis = { recallId: state.recall.id, label, phase: 'sent' };
      teachEvents.stroke(label, strokes);
    }
    update();
  },
  // Learn what was added, with the letters the model knows (the teach panel's default).
  learnNow: () => teachEvents.learn({ iterations: '', fromModel: true, onlyMine: false }),
});
const teachPanel = createTeachPanel($('[data-panel="teach"]'), teachEvents);

// The replay, for a lesson: paused, it stays at its trial; played again, its clock resumes there.
const replayEvents = {
  pause() {
    if (recallUnderWay(state.recall)) state.recall.paused = true;
    update();
  },
  play() {
    const rec = state.recall;
    if (!recallUnderWay(rec)) return;
    rec.paused = false;
    rec.t0 = performance.now() - (REPLAY_MS * Math.log(rec.shown + 1)) / Math.log(rec.total + 1);
    update();
  },
  seek(trial) {
    const rec = state.recall;
    if (rec === NO_RECALL || rec.phase === 'cancelled' || rec.phase === 'error') return;
    // Back from the answer: replaying again, paused at the trial asked for.
    if (rec.phase === 'done') rec.phase = 'replaying';
    rec.paused = true;
    rec.shown = Math.min(trial, rec.received);
    if (rec.phase === 'replaying' && rec.shown >= rec.total) rec.phase = 'done';
    update();
  },
  step() {
    const rec = state.recall;
    if (recallUnderWay(rec)) replayEvents.seek(Math.floor(rec.shown) + 1);
  },
};

const panels = [
  createMapPanel($('#map')),
  // On a phone the map is below the fold: a small copy beside the answer shows the recall.
  createMapPanel($('#mini-map'), { compact: true }),
  createStripPanel($('#write-like')),
  createReplayPanel($('[data-panel="map"]'), replayEvents),
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
  // Before any training here, the model's own training: the pretrained one's 3,000 iterations.
  const iterations = t.hasTrainer ? t.iteration : (state.model?.iterations ?? 0);
  setText($('#iteration'), iterations.toLocaleString('en'));
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

// ---- the phone's mini-map ------------------------------------------------------------------------

const phone = window.matchMedia('(max-width: 700px)');
const MINI_MAP_PX = 132;
const MINI_MAP_GAP = 8;

/** While a recall runs on a phone, a small map floats where it covers nothing: above the pad, or
 * below it, whichever has room; not at all when the map itself is in view. Once the answer is
 * in it leaves, so that it hides none of the controls around the answer. */
function placeMiniMap() {
  const mini = $('#mini-map');
  const showing = phone.matches && recallUnderWay(state.recall);
  let top = null;
  if (showing) {
    const view = window.innerHeight;
    const map = $('#map').getBoundingClientRect();
    const mapInView = map.top >= 0 && map.bottom <= view;
    const pad = $('#draw-pad').getBoundingClientRect();
    const need = MINI_MAP_PX + 2 * MINI_MAP_GAP;
    if (!mapInView && pad.top >= need) top = pad.top - MINI_MAP_PX - MINI_MAP_GAP;
    else if (!mapInView && view - pad.bottom >= need) top = Math.max(pad.bottom, 0) + MINI_MAP_GAP;
    if (top != null && pad.bottom < 0) top = MINI_MAP_GAP; // the pad is scrolled away: nothing to cover
  }
  setProp(mini, 'hidden', top == null);
  if (top != null) setProp(mini.style, 'top', `${Math.round(top)}px`);
}
window.addEventListener('scroll', () => state.recall !== NO_RECALL && update(), { passive: true });

function frame(now) {
  state.frameRequested = false;
  const rec = state.recall;
  if (recallUnderWay(rec)) {
    // Unfold the paths on a log-time scale: early trials (where c moves most) get most of the
    // time. Never ahead of what the worker has computed.
    const elapsed = now - rec.t0;
    const goal = reducedMotion.matches ? rec.total : Math.exp((Math.log(rec.total + 1) * elapsed) / REPLAY_MS) - 1;
    if (!rec.paused) rec.shown = Math.min(rec.received, goal);
    if (rec.phase === 'replaying' && rec.shown >= rec.total) {
      rec.phase = 'done';
      if (state.demo) setTimeout(demoNext, DEMO_PAUSE_MS);
    }
  }
  placeMiniMap();
  renderPage();
  for (const panel of panels) panel.render(state);
  if (recallUnderWay(rec) && !rec.paused && rec.shown < rec.received) nextReplayFrame(rec, now);
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

// ---- the map embed's demonstration: the training letters recalled in turn ---------------------

const DEMO_PAUSE_MS = 2500; // the answer stays this long before the next letter

function demoNext() {
  if (!state.demo || !state.data || !state.model || recallUnderWay(state.recall)) return;
  state.demoIndex = ((state.demoIndex ?? -1) + 1) % state.data.labels.length;
  startRecall({ kind: 'letter', index: state.demoIndex });
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
$('#ask-yes').addEventListener('click', () => answerAsk(true));
$('#ask-no').addEventListener('click', () => answerAsk(false));
$('#ask').addEventListener('cancel', () => answerAsk(false));
$('#defaults').addEventListener('click', () => {
  if (!state.settings) return;
  useSettings({ ...defaults(state.facts), ...modelRecall(state.model?.recall, state.facts) });
});
$('#seed-values').addEventListener('click', () => {
  if (!state.settings) return;
  useSettings(recallSettings(defaults(state.facts)));
});
for (const button of document.querySelectorAll('.save-figure')) {
  const name = button.dataset.figure;
  button.addEventListener('click', () => saveFigure($(`#${name}`), name));
}
$('#train-speed').addEventListener('change', (e) => send({ type: ToWorker.trainSpeed, perSecond: Number(e.target.value) }));
$('#how-open').addEventListener('click', () => {
  $('#how-details').open = true;
  $('#how').scrollIntoView({ behavior: reducedMotion.matches ? 'auto' : 'smooth' });
});
// One click back to the page as it loads: the pretrained model with its settings, nothing drawn,
// no model learned here brought back. The taught set stays (the teach panel clears it).
$('#reset-page').addEventListener('click', () =>
  ask('Reset the page? The pretrained model and its settings come back, and drawings, answers and any model trained or taught here are cleared. Your taught letters stay in the teach panel.', 'Reset the page', () => {
    forgetLearned();
    location.replace(location.pathname + location.search);
  }),
);
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
// Shortcuts act only when nothing that takes keys or pointer input has focus: not a field, not a
// button, not a drawing pad (a canvas with tabindex), not a dialog.
const TAKES_KEYS = 'input, select, textarea, button, a, canvas, dialog, summary, [tabindex], [contenteditable]';
document.addEventListener('keydown', (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.target !== document.body && e.target.closest?.(TAKES_KEYS)) return;
  if (e.key === ' ') {
    e.preventDefault();
    togglePlay();
  } else if (e.key === 's' || e.key === 'S') train('step');
  else if (e.key === 'r' || e.key === 'R') $('#retrieve').click();
});

// ---- embedding ---------------------------------------------------------------------------------

// The frame each embed is made for: the recall panel with its map side by side fits a 16:9
// slide of 960×540; the single panels, a square.
const EMBED_SIZES = { recall: [960, 540], map: [540, 540], loss: [480, 480], letters: [480, 480] };
const COPIED_MS = 2000;

function updateEmbedCode() {
  const panel = $('#embed-panel').value;
  const url = new URL(location.href);
  url.search = `?embed=${panel}`;
  const [w, h] = EMBED_SIZES[panel];
  $('#embed-code').value = `<iframe src="${url.href}" width="${w}" height="${h}" style="border:0;max-width:100%" title="PC-RNN letters: ${panel}" loading="lazy"></iframe>`;
}
$('#embed-panel').addEventListener('change', updateEmbedCode);
$('#copy-embed').addEventListener('click', () => copyText($('#embed-code').value, $('#copy-embed'), $('#embed-code')));
$('#copy-link').addEventListener('click', () => copyText(location.href, $('#copy-link')));

/** Copies `text`, and says so on `button` for a moment (or says why not). */
async function copyText(text, button, field = null) {
  field?.select();
  let copied = true;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    copied = document.execCommand?.('copy') ?? false;
  }
  const label = button.dataset.label ?? (button.dataset.label = button.textContent);
  button.textContent = copied ? 'Copied ✓' : 'Select and copy it yourself';
  button.classList.toggle('done', copied);
  $('#copy-status').textContent = copied ? 'Copied to the clipboard.' : 'This browser would not copy; select the text and copy it.';
  clearTimeout(button.copiedTimer);
  button.copiedTimer = setTimeout(() => {
    button.textContent = label;
    button.classList.remove('done');
  }, COPIED_MS);
}

// `?embed=<panel>` shows one panel fitted to its frame; the recall panel comes with its map. The
// map alone recalls the training letters in turn, so it shows recall without a pad.
const EMBEDS = { recall: ['recall', 'map'], map: ['map'], loss: ['loss'], letters: ['letters'], settings: ['settings'] };
const embed = query.get('embed');
if (embed) {
  const names = EMBEDS[embed];
  if (names) {
    state.demo = embed === 'map';
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

explainFields($('#settings-explained'), RECALL_FIELDS);
updateEmbedCode();
startWorker();
// Loaded only when asked for, so a published copy of the page need not carry it.
if (testHooks) (await import('./test-hooks.js')).installTestHooks(() => state.engine.worker, () => state);
update();
