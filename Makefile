# Entry points (DESIGN.md §5): `make serve`, `make test`, `make dist`.
# On a fresh machine they install what they need (scripts/setup.sh; idempotent, quick when done).
.PHONY: test check-rust check-wasm setup wasm serve dist browser-test data letters model model-hands

PORT ?= 8000

test: check-rust check-wasm wasm browser-test

check-rust:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo test --release

# Lint the wasm bindings too (src/wasm.rs only compiles for wasm32).
check-wasm:
	scripts/setup.sh wasm
	cargo clippy --target wasm32-unknown-unknown --lib -- -D warnings
	# The relaxed-SIMD build's own code (scripts/build-wasm.sh), in its own target directory.
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C target-feature=+simd128,+relaxed-simd" \
		cargo clippy --target wasm32-unknown-unknown --lib --target-dir target/wasm-relaxed -- -D warnings

setup:
	scripts/setup.sh all

wasm:
	scripts/build-wasm.sh

serve: wasm
	node scripts/serve.mjs www $(PORT)

dist: wasm
	scripts/dist.sh

browser-test: wasm
	scripts/setup.sh browser
	node --test --test-concurrency=1 tests/browser/

# The shipped data (docs/data.md, docs/tuning.md): the letters from the npm package hersheytext,
# then the pretrained model with the tuned recall settings of data/recall.json.
data: letters model

letters:
	npm ci --prefix tools/letters
	node tools/letters/generate.mjs
	cargo run --release --example prepare_letters -- data/raw/letters-raw.json data/letters.json
	cargo run --release --example prepare_letters -- data/raw/letters-heldout-raw.json \
		data/letters-heldout.json --frame-from data/letters.json

model:
	cargo run --release --bin pcrnn -- train --data data/letters.json --iters 3000 --seed 3 \
		--recall "$$(cat data/recall.json)" --out data/model.json

# The multi-hand candidate (docs/tuning.md, "Letters in many hands"): one memory per letter
# from all 11 hands, n_c 4; written beside the shipped model, not over it.
model-hands:
	cargo run --release --example hands -- --model none --letter-dims 4 --iters 1000 \
		--all --sim-per-letter 2 --out model-hands.json
