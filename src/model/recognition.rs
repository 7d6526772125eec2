//! Knowing when it does not know (docs/design.md §3, "Recognition"): how well the best start's
//! imagined letter matches each target, whether that is good enough to name a letter, and a
//! belief over the letters and "none of the letters I know" that carries the doubt.
//!
//! Everything here is a pure function of the runs, the best starts and the settings, so a report
//! merged from partial recalls gets the same answers as one computed whole.

use crate::model::retrieve::{RecallSettings, RunReport};

/// Per target: the match error of its best start, whether it is recognised, and the belief.
#[derive(Clone, Debug, PartialEq)]
pub struct Recognition {
    /// The best start's mean distance between the target and what its cause writes.
    pub match_errors: Vec<f64>,
    /// `match_error <= match_threshold`.
    pub recognised: Vec<bool>,
    /// One entry per letter, then "none of the letters I know"; each sums to 1.
    pub beliefs: Vec<Vec<f64>>,
}

/// The probability that a target whose best start matches with `match_error` is one of the
/// learned letters: a logistic in the error, 1/2 at the threshold, falling over `match_width`.
pub fn recognition_probability(match_error: f64, settings: &RecallSettings) -> f64 {
    if match_error.is_nan() {
        return 0.0;
    }
    let z = (match_error - settings.match_threshold) / settings.match_width;
    1.0 / (1.0 + z.exp())
}

/// Recognition for every target of a recall: `runs` in any order (each names its target and
/// start), `best_start[target]` the start whose cause regenerates the target best, and `letters`
/// the number of letters each run's posterior is over.
pub fn recognise(
    runs: &[RunReport],
    best_start: &[usize],
    letters: usize,
    settings: &RecallSettings,
) -> Recognition {
    let n = best_start.len();
    let mut best: Vec<Option<&RunReport>> = vec![None; n];
    for run in runs {
        if best_start.get(run.target) == Some(&run.start) {
            best[run.target] = Some(run);
        }
    }
    let mut recognition = Recognition {
        match_errors: Vec::with_capacity(n),
        recognised: Vec::with_capacity(n),
        beliefs: Vec::with_capacity(n),
    };
    for run in best {
        // A target without its best run (never in a report built by `Recall`) matches nothing.
        let error = run.map_or(f64::INFINITY, |r| r.error);
        let q = recognition_probability(error, settings);
        let mut belief = vec![0.0; letters + 1];
        if let Some(run) = run {
            let total: f64 = run.posterior.iter().sum();
            if total > 0.0 && total.is_finite() {
                for (b, p) in belief.iter_mut().zip(&run.posterior) {
                    *b = q * p / total;
                }
            }
        }
        // "None" takes whatever the letters do not: 1 - q, or everything without a posterior.
        belief[letters] = 1.0 - belief[..letters].iter().sum::<f64>();
        recognition.match_errors.push(error);
        recognition
            .recognised
            .push(error <= settings.match_threshold);
        recognition.beliefs.push(belief);
    }
    recognition
}
