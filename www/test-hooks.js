// Test hooks for the browser tests (tests/browser/faults, soak), present only when the page is
// opened with `?test-hooks`: `window.pcrnnTest.panic(message)` makes the engine panic inside
// wasm, and `window.pcrnnTest.memory()` resolves to the size of the wasm memory in bytes.
import { ToWorker, FromWorker } from './protocol.js';

export function installTestHooks(currentWorker) {
  window.pcrnnTest = {
    panic(message) {
      currentWorker().postMessage({ type: ToWorker.testPanic, message });
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
  };
}
