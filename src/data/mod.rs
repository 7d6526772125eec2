//! Letters in and out: drawn strokes into the model's frame, simulated drawings, checked data
//! sets and the JSON formats.
//!
//! - [`stroke`]   pointer samples into the model's frame (one pipeline for the page and the CLI)
//! - [`simulate`] drawn versions of letters (pose, hand speed, pointer events), seeded
//! - [`junk`]     strokes that are no letter (dots, scribbles, lines, circles, random walks), seeded
//! - [`dataset`]  a checked set of labelled trajectories
//! - [`formats`]  JSON in and out, validated

pub mod dataset;
pub mod formats;
pub mod junk;
pub mod simulate;
pub mod stroke;
