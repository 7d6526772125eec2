//! The Gaussian-mixture prior on the hidden causes (docs/design.md §1): one component per memory
//! `mu_k` (a trained sequence's learned `c`), all with the same width `sigma_c`.

use serde::{Deserialize, Serialize};

use crate::model::network::Mat;

/// How the mixture weights are computed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(clap::ValueEnum))]
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
