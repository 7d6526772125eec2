//! Teach mode's rules (docs/teach.md): how large a taught set may be, and how many training
//! iterations learn one well. The page's teach panel shows and applies them; they live here so
//! that the page holds no copy of them.

use crate::data::dataset::DataSet;
use crate::data::stroke::{self, Frame};

/// The most exemplars a taught set holds.
pub const MAX_EXEMPLARS: usize = 200;

/// The largest taught-set file the page imports: about what a browser's local storage keeps,
/// where the set lives between visits.
pub const MAX_SET_BYTES: usize = 5 * 1024 * 1024;

/// Iterations that learn a set of `n` exemplars well: the seed's 1000 for up to ten exemplars,
/// 25 more for each further one, at most 2500; going on from a trained model, half as many,
/// rounded to a hundred.
pub fn default_iterations(n: usize, from_model: bool) -> usize {
    let from_scratch =
        (crate::model::train::DEFAULT_ITERATIONS + 25 * n.saturating_sub(10)).min(2500);
    if from_model {
        // Half, rounded to the nearest hundred (a half hundred rounds up).
        (from_scratch + 100) / 200 * 100
    } else {
        from_scratch
    }
}

/// What teaching adds to: the letters the current model learned (`letters`) followed by the
/// taught exemplars, in the letters' frame, so the model keeps its letters and drawn strokes
/// map as before. A label it already knows gets more exemplars; a new label, a new memory.
pub fn together(letters: &DataSet, taught: &DataSet) -> Result<DataSet, String> {
    let frame = letters.implied_frame();
    let from = taught.implied_frame();
    let mut labels = letters.labels.clone();
    let mut trajectories = letters.trajectories.clone();
    for (label, trajectory) in taught.labels.iter().zip(&taught.trajectories) {
        labels.push(label.clone());
        trajectories.push(into_frame(trajectory, &from, &frame));
    }
    DataSet::new(labels, trajectories, Some(frame))
}

/// A trajectory of frame `from` in frame `to`: every trajectory of a frame is the same
/// unit-size letter moved to the frame's start and scaled by its size, so this is exact (and
/// the points are resampled along the path when the lengths differ).
fn into_frame(trajectory: &[[f64; 2]], from: &Frame, to: &Frame) -> Vec<[f64; 2]> {
    let k = to.size / from.size;
    let moved: Vec<[f64; 2]> = trajectory
        .iter()
        .map(|p| {
            [
                to.start[0] + k * (p[0] - from.start[0]),
                to.start[1] + k * (p[1] - from.start[1]),
            ]
        })
        .collect();
    if moved.len() == to.length {
        moved
    } else {
        stroke::resample(&moved, to.length)
    }
}

#[cfg(test)]
mod tests {
    use super::default_iterations;

    #[test]
    fn default_iterations_grow_with_the_set_and_halve_from_a_model() {
        assert_eq!(default_iterations(0, false), 1000);
        assert_eq!(default_iterations(10, false), 1000);
        assert_eq!(default_iterations(11, false), 1025);
        assert_eq!(default_iterations(40, false), 1750);
        assert_eq!(default_iterations(70, false), 2500);
        assert_eq!(default_iterations(200, false), 2500);
        assert_eq!(default_iterations(0, true), 500);
        // 1025 / 2 = 512.5 rounds to 500; 1750 / 2 = 875 to 900 (a half hundred rounds up).
        assert_eq!(default_iterations(11, true), 500);
        assert_eq!(default_iterations(40, true), 900);
        assert_eq!(default_iterations(200, true), 1300);
    }
}
