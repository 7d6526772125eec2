//! pcrnn: a predictive-coding recurrent network (PC-RNN-HC-A) that learns handwritten letters
//! and recalls drawn ones. The core knows nothing of the web; `wasm` is a thin binding layer.
//!
//! The layers (docs/design.md §5):
//! - [`model`]   the science: the oracle equations, the network, prior, training, retrieval
//! - [`kernels`] what makes it fast: blocked products, SIMD dispatch, the number type
//! - [`data`]    strokes into the model's frame, simulated drawings, data sets, JSON formats
//! - [`session`] the page engine's state and decisions, between the worker's messages
//! - [`facts`]   the defaults and limits the page takes from the core
//! - [`teach`]   teach mode's rules: the taught set's size, its default iterations
//! - [`wording`] wording shared by error messages

pub mod data;
pub mod facts;
pub mod kernels;
pub mod model;
pub mod session;
pub mod teach;
pub mod wording;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
