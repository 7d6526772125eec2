// The engine's home: a module Web Worker that owns the wasm `Engine` and works in short chunks,
// so the page stays responsive and a pause, cancel or new command gets through between chunks.
// The messages it takes and sends are those of protocol.js.
import init, { Engine, facts, last_panic, fresh_seed, provoke_panic, merge_reports } from './pkg/pcrnn.js';
import { engineBuild, engineUrl } from './engine-build.js';
import { ToWorker, FromWorker } from './protocol.js';
import { RecallPool, poolSize, snapshotAfter } from './pool.js';

const CHUNK_MS = 12; // work per turn of the loop; small enough that a pause lands within a frame
const SNAPSHOT_MS = 120; // how often training sends the map and generated letters
const RECALL_MAX_CHUNK = 50; // trials
const WARM_UP_ROUNDS = 10;
const WARM_UP_TRIALS = 10; // per recall of the warm-up, with the engine's default starts

let engine = null;
let pretrainedJson = null;
let shippedDataJson = null; // the shipped letters, to go back to after teach mode
let hidden = false;
let wasm = null; // the instance's exports (its memory, for the test hooks)
let testHooks = false; // set by a page opened with ?test-hooks

// Work in progress. Only one of each at a time; recall takes priority over training.
const train = { state: 'idle', target: 0, stepsPerChunk: 1, lastSnapshot: 0, iteration: 0, perSecond: 0, paceFrom: null };
let recall = null; // { id, trials, done, nextSnapshot }
let warmUp = null; // the warm-up's remaining pieces (an iterator), until it is done
let looping = false;
// The pool of recall workers (pool.js), started once the engine is warm; `pooled` is the id
// of the recall it runs (then the engine itself only relays).
let pool = null;
let pooled = null;
let poolWanted = null; // a pool size the page asks for (test hook), else one worker per core
let build = null;

const post = (msg) => self.postMessage(msg);

function reportError(err, where) {
  const message = errorMessage(err);
  if (err instanceof WebAssembly.RuntimeError || /unreachable/i.test(String(err))) {
    // A panic inside wasm aborts the instance; its message was kept by the panic hook.
    // The page restarts the worker with the last good model.
    let panic = null;
    try {
      panic = last_panic();
    } catch {
      /* the instance may be unusable */
    }
    engine = null;
    post({ type: FromWorker.fatal, where, message: panic ? `internal error: ${panic}` : message });
    return;
  }
  post({ type: FromWorker.error, where, message });
}

function errorMessage(err) {
  if (err == null) return 'unknown error';
  if (typeof err === 'string') return err;
  return err.message || String(err);
}

// Yield to the event loop without setTimeout's 4 ms clamp, so queued messages get handled.
const channel = new MessageChannel();
const waiting = [];
channel.port1.onmessage = () => waiting.shift()?.();
const yieldTurn = () => new Promise((r) => { waiting.push(r); channel.port2.postMessage(0); });

async function loop() {
  if (looping) return;
  looping = true;
  try {
    while (engine && !hidden && (recall || (pooled === null && (train.state === 'running' || warmUp)))) {
      let rest = 0;
      if (recall) recallChunk();
      else if (train.state === 'running') rest = trainChunk();
      else warmUpChunk();
      if (rest > 0) await new Promise((r) => setTimeout(r, rest));
      else await yieldTurn();
    }
  } finally {
    looping = false;
  }
}

// ---- training -------------------------------------------------------------------------------

/** Iterations a paced run may take now (Infinity when not paced): `perSecond` since it began. */
function pacedAllowance(now) {
  if (!train.perSecond) return Infinity;
  train.paceFrom ??= { t: now, iteration: train.iteration };
  return Math.floor(((now - train.paceFrom.t) * train.perSecond) / 1000) + 1 - (train.iteration - train.paceFrom.iteration);
}

/** One chunk of training; returns how long to rest (ms) when the pace allows no iteration yet. */
function trainChunk() {
  const t0 = performance.now();
  const allowed = pacedAllowance(t0);
  if (allowed <= 0) return Math.max(1, 1000 / train.perSecond - 1);
  const n = Math.max(1, Math.min(train.stepsPerChunk, train.target - train.iteration, allowed));
  let chunk;
  try {
    chunk = engine.train_steps(n);
  } catch (err) {
    setTrainState('error');
    reportError(err, ToWorker.train);
    return;
  }
  // Aim each chunk at CHUNK_MS of work.
  const perStep = (performance.now() - t0) / Math.max(1, chunk.losses.length);
  train.stepsPerChunk = Math.max(1, Math.min(200, Math.round(CHUNK_MS / Math.max(perStep, 0.01))));
  train.iteration = chunk.iteration;
  post({ type: FromWorker.trainProgress, iteration: train.iteration, losses: chunk.losses });
  if (chunk.error) {
    // Diverged: the engine kept the last good parameters; say so and stop.
    sendSnapshot(true);
    setTrainState('error');
    post({ type: FromWorker.error, where: ToWorker.train, message: chunk.error });
    return;
  }
  const finished = train.iteration >= train.target;
  // A paced run shows every iteration it makes.
  sendSnapshot(finished || train.perSecond > 0);
  if (finished) setTrainState('done');
  return 0;
}

function sendSnapshot(force) {
  const now = performance.now();
  if (!force && now - train.lastSnapshot < SNAPSHOT_MS) return;
  train.lastSnapshot = now;
  try {
    post({ type: FromWorker.model, reason: 'training', model: engine.model_summary() });
  } catch (err) {
    reportError(err, ToWorker.train);
  }
}

/** A new model replaced the trainer: training cannot go on. */
function stopTraining() {
  if (train.state === 'running' || train.state === 'paused') setTrainState('idle');
}

function setTrainState(state) {
  train.state = state;
  train.paceFrom = null; // a paced run's clock starts again when it runs again
  post({ type: FromWorker.trainState, state, iteration: train.iteration });
}

function trainCommand({ cmd, config }) {
  switch (cmd) {
    case 'start': // from scratch
    case 'reset':
      engine.train_reset(config);
      train.iteration = 0;
      train.stepsPerChunk = 1;
      train.target = config.iterations;
      post({ type: FromWorker.trainProgress, iteration: 0, losses: [], reset: true });
      sendSnapshot(true);
      setTrainState(cmd === 'start' ? 'running' : 'idle');
      break;
    case 'resume':
      if (!engine.has_trainer()) {
        engine.train_reset(config);
        train.iteration = 0;
        post({ type: FromWorker.trainProgress, iteration: 0, losses: [], reset: true });
      }
      // Play after the end of a run goes on for another run's worth of iterations.
      if (train.iteration >= config.iterations) train.target = train.iteration + config.iterations;
      else train.target = config.iterations;
      setTrainState('running');
      break;
    case 'pause':
      if (train.state === 'running') setTrainState('paused');
      break;
    case 'step': {
      if (!engine.has_trainer()) {
        engine.train_reset(config);
        train.iteration = 0;
        post({ type: FromWorker.trainProgress, iteration: 0, losses: [], reset: true });
      }
      const chunk = engine.train_steps(1);
      train.iteration = chunk.iteration;
      post({ type: FromWorker.trainProgress, iteration: train.iteration, losses: chunk.losses });
      sendSnapshot(true);
      setTrainState('paused');
      if (chunk.error) post({ type: FromWorker.error, where: ToWorker.train, message: chunk.error });
      break;
    }
    default:
      throw new Error(`unknown training command ${cmd}`);
  }
}

// ---- warm-up --------------------------------------------------------------------------------

// V8 runs a new wasm module through its baseline compiler, and swaps in optimised code for a
// function once it has been busy for a while: without a warm-up a visitor's first recall took
// about 1.5× as long as the next ones. So after start-up a scratch engine trains and recalls a
// little, in pieces of a few ms, whenever the page has asked for nothing else.
function* warmUpPieces(dataJson) {
  const scratch = new Engine();
  try {
    scratch.load_data(dataJson);
    scratch.train_reset({ seed: 0 });
    for (let round = 0; round < WARM_UP_ROUNDS; round++) {
      scratch.train_steps(2);
      yield;
      scratch.recall_letter(0, { trials: WARM_UP_TRIALS }, 0);
      scratch.recall_advance(WARM_UP_TRIALS);
      yield;
    }
  } finally {
    scratch.free();
  }
  post({ type: FromWorker.warmed });
  startPool();
}

function warmUpChunk() {
  try {
    if (warmUp.next().done) warmUp = null;
  } catch (err) {
    warmUp = null;
    reportError(err, 'warm-up');
  }
}

// ---- recall ---------------------------------------------------------------------------------

function recallCommand({ id, source, settings, seed }) {
  const t0 = performance.now();
  let start;
  if (source.kind === 'letter') start = engine.recall_letter(source.index, settings, seed);
  else start = engine.recall_strokes(Float64Array.from(source.points.flat()), strokeLengths(source), settings, seed);
  recall = { id, trials: 0, total: settings.trials, nextSnapshot: 1, t0 };
  post({ type: FromWorker.recallStart, id, ...start });
  pool?.cancel();
  pooled = null;
  if (pool?.usable) runPooled(id, start, settings, seed);
  else startPool();
}

// The recall the engine began (its starts shown), run by the pool: the engine relays the merged
// chunks. Should the pool fail, the engine goes on alone from the trials already handed on.
function runPooled(id, start, settings, seed) {
  const { t0, total } = recall;
  recall = null;
  pooled = id;
  const job = { id, target: start.target, settings: { ...settings, starts: start.runs, trials: start.trials }, seed, modelJson: engine.export_model() };
  pool.run(job, {
    progress: (chunk) => post({ type: FromWorker.recallProgress, id, ...chunk }),
    done: (report) => {
      pooled = null;
      post({ type: FromWorker.recallDone, id, report, ms: performance.now() - t0, workers: pool.size });
      loop();
    },
    fail: (trials) => {
      pooled = null; // the pool stays, broken (pool.usable is false): the engine recalls alone
      if (trials > 0) engine.recall_advance(trials); // handed on already
      let nextSnapshot = 1;
      while (nextSnapshot <= trials) nextSnapshot = snapshotAfter(nextSnapshot);
      recall = { id, trials, total, nextSnapshot, t0 };
      loop();
    },
  });
}

/** Starts the pool in the background, once there is a model to load into it. */
function startPool() {
  if (pool || !engine) return;
  const size = poolSize(self.navigator?.hardwareConcurrency, poolWanted);
  if (size < 2 || typeof Worker === 'undefined') return;
  let modelJson;
  try {
    modelJson = engine.export_model();
  } catch {
    return; // no model yet: tried again at the next recall
  }
  pool = new RecallPool({ size, workerUrl: new URL('./part-worker.js', import.meta.url), build, merge: merge_reports });
  pool.start(modelJson);
}

/** The samples of each stroke of a drawn letter (`{ points, lengths }`; no lengths: one stroke). */
const strokeLengths = ({ points, lengths }) => Uint32Array.from(lengths ?? [points.length]);

// Snapshots of what each start imagines come often at first (where c moves most), then rarer.
function recallChunk() {
  const r = recall;
  const t0 = performance.now();
  try {
    while (r.trials < r.total && performance.now() - t0 < CHUNK_MS) {
      const n = Math.min(r.nextSnapshot - r.trials, RECALL_MAX_CHUNK, r.total - r.trials);
      const step = engine.recall_advance(n);
      r.trials = step.trials;
      if (r.trials >= r.nextSnapshot || r.trials >= r.total) {
        r.nextSnapshot = snapshotAfter(r.trials);
        post({ type: FromWorker.recallProgress, id: r.id, ...step, imagined: engine.recall_imagined() });
      } else {
        post({ type: FromWorker.recallProgress, id: r.id, ...step });
      }
    }
    if (r.trials >= r.total) {
      const report = engine.recall_report();
      recall = null;
      post({ type: FromWorker.recallDone, id: r.id, report, ms: performance.now() - r.t0, workers: 1 });
    }
  } catch (err) {
    recall = null;
    post({ type: FromWorker.recallState, id: r.id, state: 'error' });
    reportError(err, ToWorker.recall);
  }
}

// ---- messages -------------------------------------------------------------------------------

async function start(wantedBuild) {
  build = engineBuild(wantedBuild);
  wasm = await init({ module_or_path: engineUrl(build, import.meta.url) });
  // The page's defaults and limits, first: it fills in its settings while the data loads.
  post({ type: FromWorker.facts, facts: facts() });
  engine = new Engine();
  // The build lists the data files it copied; ask only for those that exist.
  let files = ['model.json', 'letters.json'];
  try {
    files = JSON.parse(await fetchText('./data/manifest.json')).files ?? files;
  } catch {
    /* no manifest: try both */
  }
  const [modelText, dataText] = await Promise.all([
    files.includes('model.json') ? fetchText('./data/model.json') : null,
    files.includes('letters.json') ? fetchText('./data/letters.json') : null,
  ]);
  let data = null;
  if (dataText) {
    try {
      data = engine.load_data(dataText);
      shippedDataJson = dataText;
    } catch (err) {
      reportError(err, 'data');
    }
  }
  let model = null;
  if (modelText) {
    try {
      model = engine.load_model(modelText);
      pretrainedJson = modelText;
    } catch (err) {
      reportError(err, 'model');
    }
  }
  post({ type: FromWorker.ready, data, model, pretrained: !!pretrainedJson, build });
  if (data) {
    warmUp = warmUpPieces(dataText);
    yieldTurn().then(loop); // after the rest of the init (a restored model)
  }
}

async function fetchText(path) {
  try {
    const res = await fetch(new URL(path, import.meta.url));
    return res.ok ? await res.text() : null;
  } catch {
    return null;
  }
}

async function handle(msg) {
  switch (msg.type) {
    case ToWorker.init:
      testHooks = !!msg.testHooks;
      poolWanted = testHooks && msg.pool ? Number(msg.pool) : null;
      await start(msg.engine);
      if (msg.restoreModel) post({ type: FromWorker.model, reason: 'restored', model: engine.load_model(msg.restoreModel) });
      return;
    case ToWorker.train:
      trainCommand(msg);
      break;
    case ToWorker.recall:
      recallCommand(msg);
      break;
    case ToWorker.cancel:
      if (recall) {
        post({ type: FromWorker.recallState, id: recall.id, state: 'cancelled' });
        recall = null;
      }
      if (pooled !== null) {
        pool?.cancel();
        post({ type: FromWorker.recallState, id: pooled, state: 'cancelled' });
        pooled = null;
      }
      if (train.state === 'running') setTrainState('paused');
      return;
    case ToWorker.trainSpeed:
      train.perSecond = msg.perSecond > 0 ? msg.perSecond : 0;
      train.paceFrom = null;
      break;
    case ToWorker.visibility:
      hidden = msg.hidden;
      break;
    case ToWorker.loadModel:
      post({ type: FromWorker.model, reason: 'loaded', name: msg.name, model: engine.load_model(msg.json) });
      stopTraining();
      return;
    case ToWorker.usePretrained:
      if (!pretrainedJson) throw new Error('no pretrained model was found next to this page');
      post({ type: FromWorker.model, reason: 'pretrained', model: engine.load_model(pretrainedJson) });
      stopTraining();
      // Back from teach mode: the letters to recall from are the shipped ones again.
      if (shippedDataJson) post({ type: FromWorker.data, data: engine.load_data(shippedDataJson) });
      return;
    case ToWorker.exportModel:
      post({ type: FromWorker.exported, json: engine.export_model() });
      return;
    case ToWorker.teachStroke: {
      const taught = engine.teach_strokes(Float64Array.from(msg.points.flat()), strokeLengths(msg), msg.frame ?? null);
      post({ type: FromWorker.teachStroke, label: msg.label, ...taught });
      return;
    }
    case ToWorker.teachCheck:
      try {
        post({ type: FromWorker.teachSet, reason: msg.reason, set: engine.check_taught(msg.json) });
      } catch (err) {
        if (err instanceof WebAssembly.RuntimeError) throw err;
        post({ type: FromWorker.error, where: msg.reason === 'restore' ? 'teach-restore' : ToWorker.teachCheck, message: errorMessage(err) });
      }
      return;
    case ToWorker.teachLearn:
      // The taught set, with the letters unless only the taught ones are wanted, becomes the data
      // set; training starts on it (from scratch or from the current model, as
      // config.from_model says). A recall of the old model is dropped.
      recall = null;
      pool?.cancel();
      pooled = null;
      post({ type: FromWorker.data, data: engine.load_taught(msg.json, msg.onlyMine) });
      trainCommand({ cmd: 'start', config: msg.config });
      break;
    case ToWorker.restoreLearned:
      post({ type: FromWorker.data, data: engine.load_taught(msg.set, msg.onlyMine) });
      post({ type: FromWorker.model, reason: 'kept', model: engine.load_model(msg.model) });
      stopTraining();
      return;
    case ToWorker.freshSeed:
      post({ type: FromWorker.seed, seed: fresh_seed() });
      return;
    case ToWorker.testPanic: // test hooks (tests/browser/faults, soak, pool): only with ?test-hooks
      if (testHooks && msg.pool) pool?.provokePanic(msg.message);
      else if (testHooks) provoke_panic(msg.message);
      return;
    case ToWorker.testMemory:
      if (testHooks) post({ type: FromWorker.testMemory, wasmBytes: wasm.memory.buffer.byteLength });
      return;
    default:
      throw new Error(`unknown command ${msg.type}`);
  }
  loop();
}

self.onmessage = async (event) => {
  const msg = event.data;
  try {
    await handle(msg);
  } catch (err) {
    reportError(err, msg.type);
  }
};
