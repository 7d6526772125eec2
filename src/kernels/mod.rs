//! What makes the model fast, and nothing else: the same equations as `model::equations`,
//! computed on column-major slices in f64 or f32, with matrix products blocked for the
//! registers and compiled for the widest instruction set the CPU has. Every kernel here is
//! tested equal to the plain oracle (tests/oracle.rs) at every instruction-set level.
//!
//! - [`simd`]       which instruction set (SSE2, AVX2, AVX-512; simd128 in wasm), chosen at run time
//! - [`real`]       the number type of the hot loops (f64 natively, f32 in the browser)
//! - [`dense`]      register-blocked matrix products and sums
//! - [`activation`] a vectorisable tanh and exp
//! - [`noise`]      the seeded random stream, its normal numbers drawn as vector code
//! - [`bptt`]       the generation pass over a batch and its gradient through time

pub mod activation;
pub mod bptt;
pub mod dense;
pub mod noise;
pub mod prior;
pub mod real;
pub mod simd;
pub mod step;
pub mod trials;
