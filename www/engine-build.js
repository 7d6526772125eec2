// Which build of the engine this browser runs. scripts/build-wasm.sh makes two from the same
// source, with the same JavaScript bindings: pkg/pcrnn_relaxed_bg.wasm uses WebAssembly's
// relaxed SIMD (a multiply-add fused where the CPU has FMA: training about 1.2x faster,
// docs/performance.md), pkg/pcrnn_bg.wasm plain 128-bit SIMD for browsers without it.

// The smallest module that uses f32x4.relaxed_madd: a function that pushes three zero vectors,
// multiply-adds them and drops the result. Only a browser with relaxed SIMD validates it.
const vectorOfZeros = [0xfd, 0x0c, ...new Array(16).fill(0)];
const body = [0x00, ...vectorOfZeros, ...vectorOfZeros, ...vectorOfZeros, 0xfd, 0x85, 0x02, 0x1a, 0x0b];
export const RELAXED_MADD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // types: () -> ()
  0x03, 0x02, 0x01, 0x00, // one function of that type
  0x0a, body.length + 2, 0x01, body.length, ...body, // its code
]);

/** 'relaxed-simd' or 'simd128': `wanted` ('simd128' forces the plain build) if this browser can. */
export function engineBuild(wanted) {
  if (wanted === 'simd128') return 'simd128';
  return WebAssembly.validate(RELAXED_MADD_PROBE) ? 'relaxed-simd' : 'simd128';
}

/** The URL of the wasm file of `build`, next to the module at `base`. */
export function engineUrl(build, base) {
  return new URL(build === 'relaxed-simd' ? './pkg/pcrnn_relaxed_bg.wasm' : './pkg/pcrnn_bg.wasm', base);
}
