// The messages between the page (main.js) and the engine's worker (worker.js): the name of every
// message and its fields. Both sides import these names, so neither can rename one alone.
// Trajectories are lists of [x, y] in the model's frame; strokes are lists of [x, y, t] in
// pad pixels (y down) and ms.

/** Page → worker. */
export const ToWorker = Object.freeze({
  /** Start the engine. `{ restoreModel: model JSON to load after start, or null; testHooks:
   * whether the test-* messages are honoured; engine: 'simd128' to force the plain build, or null;
   * pool: the number of recall workers (www/pool.js) with test hooks, or null for one per core }` */
  init: 'init',
  /** A training command. `{ cmd: 'start' (from scratch) | 'reset' | 'resume' | 'pause' | 'step',
   * config: { iterations, lr, seed } }` */
  train: 'train',
  /** Start a recall (the one before is dropped). `{ id: the page's number for it, source:
   * { kind: 'letter', index } | { kind: 'stroke', points: every
   * sample of the drawn letter, lengths: samples per stroke }, settings: the recall settings, seed }` */
  recall: 'recall',
  /** How fast training runs, so the loss curve can be watched: at most `perSecond` iterations
   * a second (0: as fast as it can). `{ perSecond }` */
  trainSpeed: 'train-speed',
  /** Stop the recall in progress, and pause training. `{}` */
  cancel: 'cancel',
  /** The page was hidden or shown again: work only while it is visible. `{ hidden }` */
  visibility: 'visibility',
  /** Load a model file as the current model. `{ json, name }` */
  loadModel: 'load-model',
  /** Go back to the shipped model and letters. `{}` */
  usePretrained: 'use-pretrained',
  /** Ask for the current model as JSON (answered by `exported`). `{}` */
  exportModel: 'export-model',
  /** Ask for a fresh random seed (answered by `seed`). `{}` */
  freshSeed: 'fresh-seed',
  /** Teach mode: map a letter (its strokes joined) into the taught set's frame (answered by
   * `teachStroke`). `{ label, points: every sample, lengths: samples per stroke, frame: the
   * set's frame, or null for its first exemplar }` */
  teachStroke: 'teach-stroke',
  /** Teach mode: check a taught set without loading it (answered by `teachSet`).
   * `{ json, reason: 'restore' (from this browser's storage) | 'import' (from a file) }` */
  teachCheck: 'teach-check',
  /** Teach mode: the taught set becomes the data set, and training starts on it.
   * `{ json, onlyMine: learn the taught set alone (else with the letters last loaded),
   * config: { iterations, lr, seed, from_model } }` */
  teachLearn: 'teach-learn',
  /** Teach mode: bring back a model learned here on an earlier visit. `{ set: the taught set's
   * JSON, onlyMine: whether it was learned alone, model: the model's JSON }` */
  restoreLearned: 'restore-learned',
  /** Test hook (`?test-hooks` only): make the engine panic, or with `pool: true` the engine of
   * the first recall worker of its pool. `{ message, pool }` */
  testPanic: 'test-panic',
  /** Test hook (`?test-hooks` only): ask for the size of the wasm memory. `{}` */
  testMemory: 'test-memory',
});

/** Worker → page. */
export const FromWorker = Object.freeze({
  /** The engine's defaults and limits (src/facts.rs), before anything else. `{ facts }` */
  facts: 'facts',
  /** The engine is loaded. `{ data: the shipped letters' { labels, trajectories, frame } or null,
   * model: its summary (below) or null, pretrained: whether a shipped model exists, build }` */
  ready: 'ready',
  /** The engine runs optimised code from here on (worker.js, warm-up). `{}` */
  warmed: 'warmed',
  /** A model became current, or the training one changed. `{ reason: 'pretrained' | 'loaded' |
   * 'training' | 'restored', name (of a loaded file), model: { labels, letters, mus, generated,
   * iterations, final_loss, recall } }` */
  model: 'model',
  /** The data set to train on and recall from changed. `{ data: { labels, trajectories, frame } }` */
  data: 'data',
  /** Training iterations done. `{ iteration, losses: one per new iteration, reset: true when a
   * run starts over }` */
  trainProgress: 'train-progress',
  /** `{ state: 'idle' | 'running' | 'paused' | 'done' | 'error', iteration }` */
  trainState: 'train-state',
  /** A recall began. `{ id, target: trajectory, runs, trials, starts: the first point of each run's path }` */
  recallStart: 'recall-start',
  /** More trials done. `{ id, trials: done so far, done, paths: per run the new points, one per
   * trial, imagined: now and then, per run the trajectory its cause writes }` */
  recallProgress: 'recall-progress',
  /** The recall's readout. `{ id, report: { letters, trials, runs: [{ target, start, cause, memory,
   * label, posterior, error }], best_start, predictions }, ms: the engine's time, workers: how many
   * workers computed it (1: the engine alone; more: its pool, www/pool.js) }` */
  recallDone: 'recall-done',
  /** A recall ended without a readout. `{ id, state: 'cancelled' | 'error' }` */
  recallState: 'recall-state',
  /** The current model as JSON. `{ json }` */
  exported: 'exported',
  /** `{ seed }` */
  seed: 'seed',
  /** Something failed; the engine carries on. `{ where: the ToWorker name of the command that
   * failed (training's chunks: 'train'), or 'data' | 'model' | 'warm-up' at start, message: one
   * sentence for a person }` */
  error: 'error',
  /** The engine panicked and is gone: the page starts a new worker. `{ where, message }` */
  fatal: 'fatal',
  /** Teach mode: a stroke mapped into the taught set's frame. `{ label, trajectory, frame }` */
  teachStroke: 'teach-stroke',
  /** Teach mode: a checked taught set. `{ reason, set: { labels, trajectories, frame } }` */
  teachSet: 'teach-set',
  /** Test hook: `{ wasmBytes }` */
  testMemory: 'test-memory',
});
