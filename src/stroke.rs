//! Drawn strokes into the model's frame (DESIGN.md §4). Placeholder: being written.

use serde::{Deserialize, Serialize};

/// The frame that trajectories live in: every letter has `length` points, starts at `start`,
/// and is scaled to `size`. Stored in a model so drawn strokes are mapped the same way.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Frame {
    pub length: usize,
    pub start: [f64; 2],
    pub size: f64,
}
