//! The mixture prior's weights and pull (docs/design.md §1) for blocks of causes at once, in
//! f64 or f32: the exact log-sum-exp form and the seed's float32 form. Tested equal to
//! `model::equations::g` (tests/oracle.rs).

use crate::kernels::real::Real;
use crate::kernels::simd::{Baseline, Isa};
use crate::model::prior::{MixturePrior, PriorForm};

/// Columns of `c` whose weights are computed together: the loops run across them, always
/// this many wide (a short last block is padded), so that they compile to straight vector code.
/// In wasm one 128-bit vector of f32: a drawn letter's 4 starts then fill a block instead of
/// half of one (one letter about 1.04x faster, same numbers).
const BLOCK: usize = if cfg!(target_arch = "wasm32") { 4 } else { 8 };

/// Work space of the prior: the memories with one dimension per row (K numbers each), and
/// per block of columns of `c` the weights (K × BLOCK, memory-major).
#[derive(Debug, Default)]
pub struct PriorScratch<T = f64> {
    mus: Vec<T>,
    c: Vec<T>,
    weights: Vec<T>,
}

impl MixturePrior<'_> {
    /// Lays the memories out in `scratch` (before one or more calls of `pull_batch`).
    pub fn prepare<T: Real>(&self, scratch: &mut PriorScratch<T>) {
        let (n_c, k) = self.mus.shape();
        scratch.mus.resize(n_c * k, T::ZERO);
        for (q, row) in scratch.mus.chunks_exact_mut(k).enumerate() {
            for (m, value) in row.iter_mut().enumerate() {
                *value = T::from_f64(self.mus[(q, m)]);
            }
        }
        scratch.c.resize(n_c * BLOCK, T::ZERO);
        scratch.weights.resize(k * BLOCK, T::ZERO);
    }

    /// w_k = softmax_k(-|c - mu_k|^2 / (2 sigma_c^2)), written into `weights` (resized to K).
    pub fn weights(&self, c: &[f64], weights: &mut Vec<f64>) {
        let mut scratch = PriorScratch::<f64>::default();
        self.prepare(&mut scratch);
        self.weights_block(c, &mut scratch);
        let k = self.mus.ncols();
        weights.clear();
        weights.extend((0..k).map(|m| scratch.weights[m * BLOCK]));
    }

    /// g(c) = -sum_k w_k (c - mu_k) / (2 sigma_c^2), written into `pull` (length n_c).
    pub fn pull(&self, c: &[f64], weights: &mut Vec<f64>, pull: &mut [f64]) {
        let mut scratch = PriorScratch::<f64>::default();
        self.prepare(&mut scratch);
        self.pull_batch::<Baseline, f64>(c, &mut scratch, pull);
        self.weights(c, weights);
    }

    /// g(c) for every column of `c` (n_c × B) into `pull` (n_c × B), after `prepare`. Since the
    /// weights sum to one, g(c) = -(c - sum_k w_k mu_k) / (2 sigma_c^2).
    #[inline(always)]
    pub(crate) fn pull_batch<I: Isa, T: Real>(
        &self,
        c: &[T],
        scratch: &mut PriorScratch<T>,
        pull: &mut [T],
    ) {
        let (n_c, k) = self.mus.shape();
        let two_var = T::from_f64(2.0 * self.sigma_c * self.sigma_c);
        for (c, pull) in c.chunks(n_c * BLOCK).zip(pull.chunks_mut(n_c * BLOCK)) {
            self.weights_block(c, scratch);
            for q in 0..n_c {
                // The weighted mean of the memories, dimension q, for every column at once.
                let mut mean = [T::ZERO; BLOCK];
                for m in 0..k {
                    let (w, mu) = (block(&scratch.weights, m), scratch.mus[q * k + m]);
                    for j in 0..BLOCK {
                        mean[j] = I::mul_add(w[j], mu, mean[j]);
                    }
                }
                for j in 0..c.len() / n_c {
                    pull[j * n_c + q] = -(c[j * n_c + q] - mean[j]) / two_var;
                }
            }
        }
    }

    /// The weights of the columns of `c` (n_c × B, B <= BLOCK) into `scratch.weights`:
    /// memory m, column j at m * BLOCK + j. Every loop runs across the columns.
    #[inline(always)]
    fn weights_block<T: Real>(&self, c: &[T], scratch: &mut PriorScratch<T>) {
        let (n_c, k) = self.mus.shape();
        let width = c.len() / n_c;
        let two_var = T::from_f64(2.0 * self.sigma_c * self.sigma_c);
        let PriorScratch {
            mus,
            c: c_rows,
            weights,
        } = scratch;
        // Padding repeats column 0: finite numbers whose results are not used.
        for q in 0..n_c {
            for j in 0..BLOCK {
                c_rows[q * BLOCK + j] = c[if j < width { j } else { 0 } * n_c + q];
            }
        }
        // logit_m = -|c - mu_m|^2 / (2 sigma_c^2)
        for m in 0..k {
            // In a local array, so that it stays in a register across the loop over q.
            let mut logits = [T::ZERO; BLOCK];
            for q in 0..n_c {
                let (x, mu) = (block(c_rows, q), mus[q * k + m]);
                for j in 0..BLOCK {
                    logits[j] -= (x[j] - mu) * (x[j] - mu);
                }
            }
            for logit in logits.iter_mut() {
                *logit /= two_var;
            }
            *block_mut(weights, m) = logits;
        }
        match self.form {
            PriorForm::Exact => {
                // Log-sum-exp: shift by the largest logit of each column.
                let mut max = [T::NEG_INFINITY; BLOCK];
                for m in 0..k {
                    let logits = block(weights, m);
                    for j in 0..BLOCK {
                        max[j] = if logits[j] > max[j] {
                            logits[j]
                        } else {
                            max[j]
                        };
                    }
                }
                let (one, floor) = (T::from_f64(1.0), T::NEGLIGIBLE_LOGIT);
                let mut total = [T::ZERO; BLOCK];
                for m in 0..k {
                    let w = block_mut(weights, m);
                    for j in 0..BLOCK {
                        // Negligible terms are zero (see `Real::NEGLIGIBLE_LOGIT`). Written as
                        // a product with 0 or 1 (exp_nonpositive is finite for any input): as
                        // a branch around exp, the loop was not vectorised.
                        let shifted = w[j] - max[j];
                        let keep = if shifted < floor { T::ZERO } else { one };
                        w[j] = keep * shifted.exp_nonpositive();
                        total[j] += w[j];
                    }
                }
                for m in 0..k {
                    let w = block_mut(weights, m);
                    for j in 0..BLOCK {
                        w[j] /= total[j];
                    }
                }
            }
            PriorForm::Seed => {
                // The seed's float32 terms with their floor, summed and divided in float32.
                let floored = |logit: T| 1e-40_f32 + (logit.to_f64() as f32).exp();
                for j in 0..width {
                    let sum: f32 = (0..k).map(|m| floored(weights[m * BLOCK + j])).sum();
                    for m in 0..k {
                        let w = &mut weights[m * BLOCK + j];
                        *w = T::from_f64((floored(*w) / sum) as f64);
                    }
                }
            }
        }
    }
}

/// Block `m` of a memory-major buffer, as an array (so that its loops have a fixed length).
#[inline(always)]
fn block<T>(buffer: &[T], m: usize) -> &[T; BLOCK] {
    buffer[m * BLOCK..][..BLOCK]
        .try_into()
        .expect("BLOCK elements")
}

#[inline(always)]
fn block_mut<T>(buffer: &mut [T], m: usize) -> &mut [T; BLOCK] {
    (&mut buffer[m * BLOCK..][..BLOCK])
        .try_into()
        .expect("BLOCK elements")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::network::Mat;

    /// Weights in `T` of one column `c`, as the recall loop computes them.
    fn weights_in<T: Real>(prior: &MixturePrior, c: [f64; 2]) -> Vec<T> {
        let mut scratch = PriorScratch::<T>::default();
        prior.prepare(&mut scratch);
        prior.weights_block(&[T::from_f64(c[0]), T::from_f64(c[1])], &mut scratch);
        (0..prior.mus.ncols())
            .map(|m| scratch.weights[m * BLOCK])
            .collect()
    }

    #[test]
    fn weights_are_never_subnormal_at_any_distance() {
        // Subnormal numbers cost the CPU a hundred cycles per operation; they once made recall
        // in f32 a third slower. Every weight, and its product with a memory, is a normal
        // number or exactly zero. The memories have small coordinates, as trained ones do:
        // their products with tiny weights are the first to fall below the normal range.
        let mus = Mat::from_column_slice(2, 3, &[0.0, 0.0, 1.0, 0.05, 0.02, 1.5]);
        let prior = MixturePrior {
            mus: &mus,
            sigma_c: 0.096,
            form: PriorForm::Exact,
        };
        let normal_or_zero = |x: f64| x == 0.0 || x.is_normal();
        let normal_or_zero_32 = |x: f32| x == 0.0 || x.is_normal();
        for step in 0..800 {
            let c = [step as f64 * 0.01, 0.3];
            let w64 = weights_in::<f64>(&prior, c);
            let w32 = weights_in::<f32>(&prior, c);
            for (m, mu) in mus.column_iter().enumerate() {
                for q in 0..2 {
                    let (term64, term32) = (w64[m] * mu[q], w32[m] * mu[q] as f32);
                    assert!(normal_or_zero(term64), "{c:?}: w_{m} mu_{m} = {term64:e}");
                    assert!(
                        normal_or_zero_32(term32),
                        "{c:?}: w_{m} mu_{m} = {term32:e}"
                    );
                }
            }
            let sum: f64 = w64.iter().sum();
            assert!((sum - 1.0).abs() < 1e-12, "{c:?}: the weights sum to {sum}");
        }
    }
}
