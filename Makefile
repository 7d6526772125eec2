# Entry points (DESIGN.md §5): `make serve`, `make test`, `make dist`.
# On a fresh machine they install what they need (scripts/setup.sh; idempotent, quick when done).
.PHONY: test check-rust check-wasm setup wasm serve dist browser-test

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
