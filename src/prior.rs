//! The Gaussian-mixture prior on the hidden causes (DESIGN.md §1): one component per memory
//! `mu_k` (a trained sequence's learned `c`), all with the same width `sigma_c`.

use serde::{Deserialize, Serialize};

use crate::activation::exp_nonpositive;
use crate::dense::{self, dot, transpose_into};
use crate::network::Mat;
use crate::simd::{Baseline, Isa};

/// How the mixture weights are computed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriorForm {
    /// Log-sum-exp in f64: the weights stay a proper softmax however far `c` is from every `mu`.
    #[default]
    Exact,
    /// The seed's float32 arithmetic with its `1e-40` floor: far from every `mu` the exponentials
    /// underflow, the weights become uniform and the pull goes to the centroid of all `mu`.
    Seed,
}

pub struct MixturePrior<'a> {
    /// The memories, one per column (n_c × K).
    pub mus: &'a Mat,
    pub sigma_c: f64,
    pub form: PriorForm,
}

/// Work space of the prior: the memories with one dimension per row (K numbers each, so that
/// the loops over memories are vector loops), and a logit or weight per memory.
#[derive(Debug, Default)]
pub struct PriorScratch {
    rows: Vec<f64>,
    weights: Vec<f64>,
}

impl MixturePrior<'_> {
    /// Lays the memories out in `scratch` (before one or more calls of `pull_with`).
    pub fn prepare(&self, scratch: &mut PriorScratch) {
        let (n_c, k) = self.mus.shape();
        scratch.rows.resize(n_c * k, 0.0);
        transpose_into(&mut scratch.rows, self.mus.as_slice(), n_c);
        scratch.weights.resize(k, 0.0);
    }

    /// w_k = softmax_k(-|c - mu_k|^2 / (2 sigma_c^2)), written into `weights` (resized to K).
    pub fn weights(&self, c: &[f64], weights: &mut Vec<f64>) {
        let mut scratch = PriorScratch::default();
        self.prepare(&mut scratch);
        self.weights_with(c, &mut scratch);
        weights.clone_from(&scratch.weights);
    }

    /// g(c) = -sum_k w_k (c - mu_k) / (2 sigma_c^2), written into `pull` (length n_c).
    pub fn pull(&self, c: &[f64], weights: &mut Vec<f64>, pull: &mut [f64]) {
        let mut scratch = PriorScratch::default();
        self.prepare(&mut scratch);
        self.pull_with::<Baseline>(c, &mut scratch, pull);
        weights.clone_from(&scratch.weights);
    }

    /// The weights of `c` into `scratch.weights` (after `prepare`).
    #[inline(always)]
    fn weights_with(&self, c: &[f64], scratch: &mut PriorScratch) {
        let two_var = 2.0 * self.sigma_c * self.sigma_c;
        let k = scratch.weights.len();
        let logits = &mut scratch.weights;
        logits.fill(0.0);
        for (&x, mu) in c.iter().zip(scratch.rows.chunks_exact(k)) {
            for (logit, &m) in logits.iter_mut().zip(mu) {
                *logit -= (x - m) * (x - m);
            }
        }
        logits.iter_mut().for_each(|l| *l /= two_var);
        match self.form {
            PriorForm::Exact => {
                let max = max(logits);
                for w in logits.iter_mut() {
                    *w = exp_nonpositive(*w - max);
                }
                let total = dense::sum(logits);
                logits.iter_mut().for_each(|w| *w /= total);
            }
            PriorForm::Seed => {
                // The seed's float32 sum, floored terms included, then float32 ratios.
                let floored = |logit: f64| 1e-40_f32 + (logit as f32).exp();
                let total: f32 = logits.iter().map(|&l| floored(l)).sum();
                for w in logits.iter_mut() {
                    *w = (floored(*w) / total) as f64;
                }
            }
        }
    }

    /// [`MixturePrior::pull`] for the hot loop, after `prepare`:
    /// g(c) = -(c sum_k w_k - sum_k w_k mu_k) / (2 sigma_c^2), two sums over the memories.
    #[inline(always)]
    pub(crate) fn pull_with<I: Isa>(
        &self,
        c: &[f64],
        scratch: &mut PriorScratch,
        pull: &mut [f64],
    ) {
        self.weights_with(c, scratch);
        let two_var = 2.0 * self.sigma_c * self.sigma_c;
        let k = scratch.weights.len();
        let total = dense::sum(&scratch.weights);
        for ((g, &x), mu) in pull.iter_mut().zip(c).zip(scratch.rows.chunks_exact(k)) {
            *g = -(x * total - dot::<I>(&scratch.weights, mu)) / two_var;
        }
    }
}

/// The largest of `values` (-inf if empty), with partial maxima so that it vectorises.
#[inline(always)]
fn max(values: &[f64]) -> f64 {
    let mut parts = [f64::NEG_INFINITY; 8];
    for chunk in values.chunks(8) {
        for (m, &v) in parts.iter_mut().zip(chunk) {
            *m = if v > *m { v } else { *m };
        }
    }
    parts.into_iter().fold(f64::NEG_INFINITY, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mus() -> Mat {
        Mat::from_column_slice(2, 3, &[0.0, 0.0, 1.0, 0.0, 0.0, 1.5])
    }

    #[test]
    fn pull_is_the_gradient_of_the_log_mixture_density() {
        // g(c) = d/dc log sum_k exp(-|c - mu_k|^2 / (2 sigma^2)) / 2: check by central differences.
        let mus = mus();
        let prior = MixturePrior {
            mus: &mus,
            sigma_c: 0.4,
            form: PriorForm::Exact,
        };
        let log_density = |c: &[f64]| {
            let s: f64 = mus
                .column_iter()
                .map(|m| (-((c[0] - m[0]).powi(2) + (c[1] - m[1]).powi(2)) / 0.32).exp())
                .sum();
            s.ln() / 2.0
        };
        let mut w = Vec::new();
        let mut g = [0.0; 2];
        for c in [[0.3, 0.2], [-0.5, 0.9], [0.9, 0.1]] {
            prior.pull(&c, &mut w, &mut g);
            for d in 0..2 {
                let (mut plus, mut minus) = (c, c);
                plus[d] += 1e-6;
                minus[d] -= 1e-6;
                let numeric = (log_density(&plus) - log_density(&minus)) / 2e-6;
                assert!((numeric - g[d]).abs() < 1e-6, "{numeric} vs {}", g[d]);
            }
        }
    }

    #[test]
    fn exact_form_points_to_the_nearest_memory_far_away_but_the_seed_form_to_the_centroid() {
        let mus = mus();
        let mut w = Vec::new();
        let mut g = [0.0; 2];
        let far = [6.0, 0.0];
        let exact = MixturePrior {
            mus: &mus,
            sigma_c: 0.096,
            form: PriorForm::Exact,
        };
        exact.pull(&far, &mut w, &mut g);
        assert!(
            (w[1] - 1.0).abs() < 1e-12,
            "nearest memory takes all the weight: {w:?}"
        );
        let seed = MixturePrior {
            mus: &mus,
            sigma_c: 0.096,
            form: PriorForm::Seed,
        };
        seed.weights(&far, &mut w);
        assert!(
            w.iter().all(|&x| (x - 1.0 / 3.0).abs() < 1e-6),
            "uniform: {w:?}"
        );
        // Near a memory both forms agree.
        let near = [0.95, 0.05];
        let (mut we, mut ws) = (Vec::new(), Vec::new());
        exact.weights(&near, &mut we);
        seed.weights(&near, &mut ws);
        assert!(we.iter().zip(&ws).all(|(a, b)| (a - b).abs() < 1e-6));
    }
}
