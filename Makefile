# Entry points (DESIGN.md §5): `make serve`, `make test`, `make dist`.
.PHONY: test check-rust

test: check-rust

check-rust:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo test --release
