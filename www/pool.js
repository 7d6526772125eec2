// The pool of recall workers: the engine worker (worker.js) spreads one drawn letter's starts over
// a few workers of its own (part-worker.js), each with its own engine, and merges what they
// stream into the messages the page gets from a recall run in one piece. Every run of a recall
// has its own random stream (docs/design.md §3), so the merged paths and report are exactly
// those of one worker; the pool only makes them come sooner on a machine with more cores.
//
// The pool starts in the background once the engine is warm, and is used from the first recall
// after all its workers are loaded and warm: until then (and where the machine has one core, or
// a pool worker fails) the engine recalls alone, with the same answer.

/** Workers at most: beyond this a letter's starts (8 in the shipped settings) run out. */
export const MAX_POOL = 8;
export const CHUNK_MS = 12; // a recall's work per turn of a worker's loop
export const RECALL_MAX_CHUNK = 50; // trials

/** How many workers to use: `wanted` (a test hook), else one per core, at most MAX_POOL. */
export function poolSize(hardwareConcurrency, wanted) {
  const n = Number.isInteger(wanted) && wanted > 0 ? wanted : hardwareConcurrency || 1;
  return Math.max(1, Math.min(MAX_POOL, n));
}

/** The trial count of the snapshot after one at `trials` (what each start imagines is sent
 * often at first, where the causes move most, then rarer). The first snapshot is at trial 1. */
export const snapshotAfter = (trials) => Math.max(trials + 1, Math.ceil(trials * 1.25));

/** `starts` cut into at most `parts` contiguous [from, to) ranges of nearly equal size, larger
 * first (as `retrieve::split_starts` in the core; any cut gives the same answer). */
export function splitStarts(starts, parts) {
  const n = Math.max(1, Math.min(parts, starts));
  const size = Math.floor(starts / n);
  const larger = starts % n;
  const ranges = [];
  let next = 0;
  for (let k = 0; k < n; k++) {
    const len = size + (k < larger ? 1 : 0);
    ranges.push([next, next + len]);
    next += len;
  }
  return ranges;
}

// A small closed loop in the model's frame: what a pool worker recalls to warm up its engine.
const WARM_UP_TARGET = Array.from({ length: 60 }, (_, i) => {
  const a = (i / 59) * 2 * Math.PI;
  return [0.8 * Math.cos(a), 0.8 * Math.sin(a)];
});

export class RecallPool {
  /** `size` workers from `workerUrl` running the engine build `build`; `merge(reports)` is the
   * core's merge of parts' reports. */
  constructor({ size, workerUrl, build, merge }) {
    this.size = size;
    this.merge = merge;
    this.ready = false;
    this.broken = false;
    this.modelSent = null; // the model JSON the workers hold
    this.job = null;
    this.workers = [];
    let loaded = 0;
    for (let k = 0; k < size; k++) {
      const worker = new Worker(workerUrl, { type: 'module' });
      worker.onmessage = (event) => this.#received(k, event.data);
      worker.onerror = (event) => this.#fail(event.message || 'a recall worker failed to load');
      worker.addEventListener('message', (event) => {
        if (event.data.type === 'ready' && ++loaded === size && !this.broken) this.ready = true;
      });
      this.workers.push(worker);
    }
    this.build = build;
    this.workerUrl = workerUrl;
  }

  /** Loads the engine in every worker with `modelJson`, and warms it up. */
  start(modelJson) {
    this.modelSent = modelJson;
    for (const worker of this.workers) {
      worker.postMessage({ type: 'init', build: this.build, modelJson, warmUpTarget: WARM_UP_TARGET.flat() });
    }
  }

  /** Whether a recall can be spread over the pool now. */
  get usable() {
    return this.ready && !this.broken && this.size > 1;
  }

  /** Spreads a recall's starts over the workers. `target` is the mapped target of the recall the
   * engine began; `on.progress(chunk)` gets what the page's recall-progress message carries,
   * `on.done(report)` the merged report, `on.fail(trials)` says the pool failed after handing
   * on `trials` trials (the engine goes on alone from there). Replaces a recall under way. */
  run({ id, target, settings, seed, modelJson }, on) {
    this.cancel();
    if (modelJson !== this.modelSent) {
      for (const worker of this.workers) worker.postMessage({ type: 'model', json: modelJson });
      this.modelSent = modelJson;
    }
    const ranges = splitStarts(settings.starts, this.size);
    this.job = {
      id,
      on,
      total: settings.trials,
      ranges,
      trials: ranges.map(() => 0),
      pending: ranges.map(([from, to]) => Array.from({ length: to - from }, () => [])),
      imagined: new Map(), // trial count → per part, what its runs imagine
      reports: ranges.map(() => null),
      emitted: 0,
      nextSnapshot: 1,
    };
    ranges.forEach(([from, to], k) => {
      this.workers[k].postMessage({ type: 'part', id, target: target.flat(), settings, seed, from, to });
    });
  }

  /** Test hook: the first worker's engine panics (as in a fault the pool must survive). */
  provokePanic(message) {
    this.workers[0]?.postMessage({ type: 'test-panic', message });
  }

  cancel() {
    if (!this.job) return;
    for (const worker of this.workers) worker.postMessage({ type: 'cancel' });
    this.job = null;
  }

  terminate() {
    this.job = null;
    this.broken = true;
    for (const worker of this.workers) worker.terminate();
  }

  #fail(message) {
    const job = this.job;
    this.terminate();
    job?.on.fail(job.emitted, message);
  }

  #received(k, msg) {
    if (msg.type === 'failed') {
      this.#fail(msg.message);
      return;
    }
    const job = this.job;
    if (!job || msg.id !== job.id) return; // a recall dropped since
    if (msg.type === 'progress') {
      msg.paths.forEach((points, run) => job.pending[k][run].push(...points));
      job.trials[k] = msg.trials;
      if (msg.imagined) {
        if (!job.imagined.has(msg.trials)) job.imagined.set(msg.trials, job.ranges.map(() => null));
        job.imagined.get(msg.trials)[k] = msg.imagined;
      }
    } else if (msg.type === 'done') {
      job.reports[k] = msg.report;
    }
    this.#flush(job);
  }

  // Hands on the trials every part has done, in the steps one worker would have sent: up to
  // each snapshot, with what every run imagines there.
  #flush(job) {
    const reached = Math.min(...job.trials);
    while (job.emitted < reached) {
      const snapshot = Math.min(job.nextSnapshot, job.total);
      const upTo = Math.min(snapshot, reached);
      const paths = job.pending.flatMap((runs) => runs.map((points) => points.splice(0, upTo - job.emitted)));
      const chunk = { trials: upTo, done: upTo >= job.total, paths };
      if (upTo === snapshot) {
        chunk.imagined = job.imagined.get(upTo)?.flat();
        job.imagined.delete(upTo);
        job.nextSnapshot = snapshotAfter(upTo);
      }
      job.emitted = upTo;
      job.on.progress(chunk);
      if (this.job !== job) return; // the page's answer to that chunk may start another recall
    }
    if (job.emitted >= job.total && job.reports.every((r) => r)) {
      this.job = null;
      let report;
      try {
        report = this.merge(job.reports);
      } catch (err) {
        job.on.fail(job.emitted, String(err?.message ?? err));
        return;
      }
      job.on.done(report);
    }
  }
}
