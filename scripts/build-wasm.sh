#!/usr/bin/env bash
# Builds the engine as WebAssembly for the page: cargo (wasm32, release) -> wasm-bindgen --target web
# -> wasm-opt -O, into www/pkg/ (an ES module and two .wasm builds), and copies data/*.json into
# www/data/. Prints each module's size raw, after wasm-opt, and gzipped.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh wasm

export PATH="$HOME/.cargo/bin:$PATH"
# Two builds of one source, with the same JavaScript bindings (www/engine-build.js picks one per
# browser): pcrnn_bg.wasm with 128-bit SIMD (in every current browser), and
# pcrnn_relaxed_bg.wasm that adds relaxed SIMD, whose multiply-add is fused where the CPU has
# FMA (docs/performance.md). WASM_SIMD=0 makes the first without SIMD, to measure the difference.
if [ "${WASM_SIMD:-1}" = 0 ]; then simd=""; else simd="-C target-feature=+simd128"; fi
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$simd" \
  cargo build --lib --release --target wasm32-unknown-unknown
# Its own target directory, so that the two sets of flags do not rebuild each other's crates.
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C target-feature=+simd128,+relaxed-simd" \
  cargo build --lib --release --target wasm32-unknown-unknown --target-dir target/wasm-relaxed

rm -rf www/pkg.tmp www/pkg-relaxed.tmp
wasm-bindgen --target web --no-typescript --out-dir www/pkg.tmp \
  target/wasm32-unknown-unknown/release/pcrnn.wasm
wasm-bindgen --target web --no-typescript --out-dir www/pkg-relaxed.tmp \
  target/wasm-relaxed/wasm32-unknown-unknown/release/pcrnn.wasm
if ! cmp -s www/pkg.tmp/pcrnn.js www/pkg-relaxed.tmp/pcrnn.js; then
  echo "error: the two wasm builds got different JavaScript bindings; they must share one" >&2
  exit 1
fi
mv www/pkg-relaxed.tmp/pcrnn_bg.wasm www/pkg.tmp/pcrnn_relaxed_bg.wasm
rm -rf www/pkg-relaxed.tmp

# Rust's wasm32 target emits these post-MVP features by default; wasm-opt must be told.
optimise() {
  node_modules/.bin/wasm-opt -O3 --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
    --enable-simd "$@"
}
for build in pcrnn_bg pcrnn_relaxed_bg; do
  bg=www/pkg.tmp/$build.wasm
  before=$(stat -c %s "$bg")
  before_gz=$(gzip -9 -c "$bg" | wc -c)
  # Relaxed instructions only where the browser is known to have them.
  if [ $build = pcrnn_relaxed_bg ]; then extra=--enable-relaxed-simd; else extra=; fi
  optimise $extra "$bg" -o "$bg.opt"
  mv "$bg.opt" "$bg"
  echo "wasm: $(basename "$bg"): bindgen output $before bytes ($before_gz gzipped)," \
    "after wasm-opt -O3 $(stat -c %s "$bg") bytes ($(gzip -9 -c "$bg" | wc -c) gzipped)" >&2
done
rm -rf www/pkg && mv www/pkg.tmp www/pkg

# The page loads its model and letters from ./data/ (relative, so dist/ works under any sub-path).
mkdir -p www/data
rm -f www/data/*.json
if compgen -G "data/*.json" >/dev/null; then cp data/*.json www/data/; fi
# A list of what is there, so the page asks only for files that exist (no 404s in the console).
(cd www/data && node -e 'const fs = require("fs");
  const files = fs.readdirSync(".").filter((f) => f.endsWith(".json") && f !== "manifest.json").sort();
  fs.writeFileSync("manifest.json", JSON.stringify({ files }) + "\n");')
