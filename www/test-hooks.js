// Test hooks for the browser tests (tests/browser/), present only when the page is opened with
// `?test-hooks`:
// - `panic(message)` makes the engine panic inside wasm; `panicPool(message)` the engine of
//   a worker of its pool of recall workers;
// - `memory()` resolves to the size of the wasm memory in bytes;
// - `recall()` is the last recall as the page holds it: what was asked (a training letter or
//   the pointer samples the pad recorded), the settings and seed sent, the target in the
//   model's frame, every start's path, how many trials the map shows of the total, and the
//   report; `recallWorkers()` how many workers computed it (1: the engine alone; more: its
//   pool of recall workers, which gives the same answer);
// - `training()` is the training run as the page holds it: its state, iteration and losses.
// Both return copies (plain JSON), so a test compares values, not live objects.
import { ToWorker, FromWorker } from './protocol.js';

export function installTestHooks(currentWorker, currentState) {
  const copy = (value) => (value == null ? null : JSON.parse(JSON.stringify(value)));
  window.pcrnnTest = {
    panic(message) {
      currentWorker().postMessage({ type: ToWorker.testPanic, message });
    },
    panicPool(message) {
      currentWorker().postMessage({ type: ToWorker.testPanic, message, pool: true });
    },
    memory() {
      const worker = currentWorker();
      return new Promise((resolve) => {
        const answer = (e) => {
          if (e.data.type !== FromWorker.testMemory) return;
          worker.removeEventListener('message', answer);
          resolve(e.data.wasmBytes);
        };
        worker.addEventListener('message', answer);
        worker.postMessage({ type: ToWorker.testMemory });
      });
    },
    recall() {
      const r = currentState().recall;
      if (!r) return null;
      return copy({ state: r.phase, source: r.source, settings: r.settings, seed: r.seed, target: r.target, paths: r.paths, shown: r.shown, total: r.total, report: r.report });
    },
    recallWorkers() {
      return currentState().recall?.workers ?? null;
    },
    training() {
      const t = currentState().train;
      return copy({ state: t.state, iteration: t.iteration, losses: t.losses });
    },
  };
}
