#!/usr/bin/env bash
# Builds the engine as WebAssembly for the page: cargo (wasm32, release) -> wasm-bindgen --target web
# -> wasm-opt -O, into www/pkg/ (an ES module + .wasm), and copies data/*.json into www/data/.
# Prints the module's size raw, after wasm-opt, and gzipped.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh wasm

export PATH="$HOME/.cargo/bin:$PATH"
# 128-bit SIMD (in every current browser) makes the engine's loops faster (docs/performance.md);
# WASM_SIMD=0 builds without it, to measure the difference.
if [ "${WASM_SIMD:-1}" = 0 ]; then
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS=""
else
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C target-feature=+simd128"
fi
cargo build --lib --release --target wasm32-unknown-unknown
raw=target/wasm32-unknown-unknown/release/pcrnn.wasm

rm -rf www/pkg.tmp
wasm-bindgen --target web --no-typescript --out-dir www/pkg.tmp "$raw"
bg=www/pkg.tmp/pcrnn_bg.wasm
before=$(stat -c %s "$bg")
before_gz=$(gzip -9 -c "$bg" | wc -c)
# Rust's wasm32 target emits these post-MVP features by default; wasm-opt must be told.
node_modules/.bin/wasm-opt -O3 --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue --enable-simd \
    "$bg" -o "$bg.opt"
mv "$bg.opt" "$bg"
after=$(stat -c %s "$bg")
gz=$(gzip -9 -c "$bg" | wc -c)
rm -rf www/pkg && mv www/pkg.tmp www/pkg
echo "wasm: bindgen output $before bytes ($before_gz gzipped), after wasm-opt -O3 $after bytes ($gz gzipped)" >&2

# The page loads its model and letters from ./data/ (relative, so dist/ works under any sub-path).
mkdir -p www/data
rm -f www/data/*.json
if compgen -G "data/*.json" >/dev/null; then cp data/*.json www/data/; fi
# A list of what is there, so the page asks only for files that exist (no 404s in the console).
(cd www/data && node -e 'const fs = require("fs");
  const files = fs.readdirSync(".").filter((f) => f.endsWith(".json") && f !== "manifest.json").sort();
  fs.writeFileSync("manifest.json", JSON.stringify({ files }) + "\n");')
