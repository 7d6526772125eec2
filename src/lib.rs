//! pcrnn: a predictive-coding recurrent network (PC-RNN-HC-A) that learns handwritten letters
//! and recalls drawn ones. The core knows nothing of the web; `wasm` is a thin binding layer.
//!
//! Module map (DESIGN.md §5):
//! - [`activation`] a vectorisable tanh for the hot loops
//! - [`adam`]     Adam with PyTorch's coupled weight decay
//! - [`bptt`]     §2 the generation pass over a batch and its gradient through time
//! - [`dataset`]  a checked set of labelled trajectories
//! - [`dense`]    matrix products and sums of the hot loops, on column-major slices
//! - [`network`]  §1 the PC-RNN-HC-A step: parameters, initialisation, generation and inference
//! - [`prior`]    §1 the Gaussian-mixture prior on the hidden causes
//! - [`simd`]     the hot loops compiled for AVX-512, AVX2 or the baseline, chosen at run time
//! - [`train`]    §2 training: iterations of BPTT and Adam, divergence handling
//! - [`retrieve`] §3 memory retrieval: trials, paths, readout
//! - [`stroke`]   §4 drawn strokes into the model's frame
//! - [`structured`] one memory per letter from many exemplars: a shared letter part and a style
//! - [`simulate`] drawn versions of letters (pose, hand speed, pointer events) to measure recall
//! - [`model`]    a trained model: network, memories, labels, frame, recall settings
//! - [`first_guess`] recall starts at the memories whose letters look most like the target
//! - [`formats`]  §4 JSON in and out, with validation
//! - [`noise`]    the seeded random stream (fixed by its algorithm)
//! - [`real`]     the number type of the hot loops (f64 natively, f32 in the browser)
//! - [`wording`]  wording shared by error messages

pub mod activation;
pub mod adam;
pub mod bptt;
pub mod dataset;
pub mod dense;
pub mod first_guess;
pub mod formats;
pub mod model;
pub mod network;
pub mod noise;
pub mod prior;
pub mod real;
pub mod retrieve;
pub mod simd;
pub mod simulate;
pub mod stroke;
pub mod structured;
pub mod train;
pub mod wording;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
