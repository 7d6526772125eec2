// A worker of the recall pool (pool.js): its own engine runs a part of a recall (some of a drawn
// letter's starts) in short chunks, and streams their paths, what they imagine at the snapshots
// and their report to the engine worker, which merges the parts.
import init, { Engine, provoke_panic } from './pkg/pcrnn.js';
import { engineUrl } from './engine-build.js';
import { CHUNK_MS, RECALL_MAX_CHUNK, snapshotAfter } from './pool.js';

const WARM_UP_ROUNDS = 10;
const WARM_UP_TRIALS = 10;

let engine = null;
let part = null; // { id, trials, total, nextSnapshot }
let looping = false;

const post = (msg) => self.postMessage(msg);
const failed = (err) => post({ type: 'failed', message: String(err?.message ?? err) });

// Yield to the event loop without setTimeout's clamp, so a cancel or a new part gets through.
const channel = new MessageChannel();
const waiting = [];
channel.port1.onmessage = () => waiting.shift()?.();
const yieldTurn = () => new Promise((r) => { waiting.push(r); channel.port2.postMessage(0); });

// V8 optimises a wasm function once it has been busy a while: recall a little first, so the
// pool's first letter runs optimised code (as the engine worker's own warm-up does).
function warmUp(target) {
  for (let round = 0; round < WARM_UP_ROUNDS; round++) {
    engine.recall_part(target, { trials: WARM_UP_TRIALS, starts: 2 }, round, 0, 2);
    engine.recall_advance(WARM_UP_TRIALS);
  }
}

function chunk() {
  const p = part;
  const t0 = performance.now();
  while (p.trials < p.total && performance.now() - t0 < CHUNK_MS) {
    const n = Math.min(p.nextSnapshot - p.trials, RECALL_MAX_CHUNK, p.total - p.trials);
    const step = engine.recall_advance(n);
    p.trials = step.trials;
    const msg = { type: 'progress', id: p.id, trials: step.trials, paths: step.paths };
    if (p.trials >= p.nextSnapshot || p.trials >= p.total) {
      p.nextSnapshot = snapshotAfter(p.trials);
      msg.imagined = engine.recall_imagined();
    }
    post(msg);
  }
  if (p.trials >= p.total) {
    part = null;
    post({ type: 'done', id: p.id, report: engine.recall_report() });
  }
}

async function loop() {
  if (looping) return;
  looping = true;
  try {
    while (engine && part) {
      chunk();
      await yieldTurn();
    }
  } catch (err) {
    part = null;
    failed(err);
  } finally {
    looping = false;
  }
}

self.onmessage = async ({ data: msg }) => {
  try {
    switch (msg.type) {
      case 'init':
        await init({ module_or_path: engineUrl(msg.build, import.meta.url) });
        engine = new Engine();
        if (msg.modelJson) {
          engine.load_model(msg.modelJson);
          warmUp(Float64Array.from(msg.warmUpTarget));
        }
        post({ type: 'ready' });
        return;
      case 'model':
        engine.load_model(msg.json);
        return;
      case 'part':
        engine.recall_part(Float64Array.from(msg.target), msg.settings, msg.seed, msg.from, msg.to);
        part = { id: msg.id, trials: 0, total: msg.settings.trials, nextSnapshot: 1 };
        loop();
        return;
      case 'cancel':
        part = null;
        return;
      case 'test-panic': // only sent with the page's ?test-hooks
        provoke_panic(msg.message);
        return;
      default:
        throw new Error(`unknown command ${msg.type}`);
    }
  } catch (err) {
    part = null;
    failed(err);
  }
};
