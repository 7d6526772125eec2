//! PC-RNN-HC-A (DESIGN.md §1): sizes, parameters, initialisation and one batched time step.
//!
//! Layout: every matrix of states holds one sequence per column, so the equations read as in
//! §1 with column vectors: `h` is n_h × B, `c` is n_c × B, `x` is n_x × B.

use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

use crate::activation::tanh_into;
use crate::noise::Noise;
use crate::prior::MixturePrior;

pub type Mat = DMatrix<f64>;
pub type Vector = DVector<f64>;

/// No trained weight or cause comes near this; beyond it tanh saturates everywhere and the
/// model is broken, whether by a diverging run or a bad file.
pub const MAX_WEIGHT: f64 = 1e4;

/// Sizes of the hidden causes `c`, the hidden state `h` and the output `x`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dims {
    pub n_c: usize,
    pub n_h: usize,
    pub n_x: usize,
}

impl Default for Dims {
    fn default() -> Dims {
        Dims {
            n_c: 2,
            n_h: 50,
            n_x: 2,
        }
    }
}

/// The trained weights (the shared initial state `h0` is kept apart: it is not trained).
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub w_o: Mat,
    pub b_o: Vector,
    pub w_c: Mat,
    pub w_r: Mat,
    pub b_r: Vector,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    pub dims: Dims,
    pub tau: f64,
    pub params: Params,
    pub h0: Vector,
}

/// The inference rates of one step; all zero is pure generation (as in training).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rates {
    pub alpha_x: f64,
    pub alpha_h: f64,
    pub alpha_c: f64,
    pub sigma_r: f64,
}

/// What a batch carries from one step to the next: hidden states and hidden causes.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    pub h: Mat,
    pub c: Mat,
}

/// Buffers of one batched step, allocated once per pass so that the time loop allocates nothing.
pub struct StepBuffers {
    pub tanh_h: Mat,
    pub h_prior: Mat,
    pub tanh_prior: Mat,
    pub x_pred: Mat,
    pub error: Mat,
    pub error_h: Mat,
    mixture_weights: Vec<f64>,
    pull: Vec<f64>,
}

impl StepBuffers {
    pub fn new(dims: Dims, batch: usize) -> StepBuffers {
        StepBuffers {
            tanh_h: Mat::zeros(dims.n_h, batch),
            h_prior: Mat::zeros(dims.n_h, batch),
            tanh_prior: Mat::zeros(dims.n_h, batch),
            x_pred: Mat::zeros(dims.n_x, batch),
            error: Mat::zeros(dims.n_x, batch),
            error_h: Mat::zeros(dims.n_h, batch),
            mixture_weights: Vec::new(),
            pull: vec![0.0; dims.n_c],
        }
    }
}

fn normal_matrix(rows: usize, cols: usize, scale: f64, noise: &mut Noise) -> Mat {
    // Row by row, like torch.randn(rows, cols), so the stream order is the natural reading order.
    Mat::from_row_iterator(rows, cols, (0..rows * cols).map(|_| noise.normal() * scale))
}

fn normal_vector(len: usize, scale: f64, noise: &mut Noise) -> Vector {
    Vector::from_iterator(len, (0..len).map(|_| noise.normal() * scale))
}

impl Network {
    /// Initialisation of §1: W_o ~ N/n_h, b_o ~ N/10, W_c ~ N/n_c, W_r ~ N/n_h, b_r ~ N/10, h0 ~ N.
    pub fn init(dims: Dims, tau: f64, noise: &mut Noise) -> Network {
        let Dims { n_c, n_h, n_x } = dims;
        let w_o = normal_matrix(n_x, n_h, 1.0 / n_h as f64, noise);
        let b_o = normal_vector(n_x, 0.1, noise);
        let w_c = normal_matrix(n_h, n_c, 1.0 / n_c as f64, noise);
        let w_r = normal_matrix(n_h, n_h, 1.0 / n_h as f64, noise);
        let b_r = normal_vector(n_h, 0.1, noise);
        let h0 = normal_vector(n_h, 1.0, noise);
        let params = Params {
            w_o,
            b_o,
            w_c,
            w_r,
            b_r,
        };
        Network {
            dims,
            tau,
            params,
            h0,
        }
    }

    /// `h0` repeated for every sequence of a batch (one shared initial state).
    pub fn initial_states(&self, batch: usize) -> Mat {
        Mat::from_fn(self.dims.n_h, batch, |i, _| self.h0[i])
    }

    /// Every sequence at `h0` with its own cause, one column of `c` each.
    pub fn start(&self, c: Mat) -> State {
        State {
            h: self.initial_states(c.ncols()),
            c,
        }
    }

    /// h_prior = (1 - 1/tau) h + (1/tau) (W_r tanh(h) + W_c c + b_r), given tanh(h).
    pub fn top_down(&self, h: &Mat, tanh_h: &Mat, c: &Mat, h_prior: &mut Mat) {
        let p = &self.params;
        let leak = 1.0 - 1.0 / self.tau;
        h_prior.gemm(1.0, &p.w_r, tanh_h, 0.0);
        h_prior.gemm(1.0, &p.w_c, c, 1.0);
        for mut column in h_prior.column_iter_mut() {
            column += &p.b_r;
        }
        h_prior.zip_apply(h, |hp, h| *hp = leak * h + *hp / self.tau);
    }

    /// x_pred = W_o tanh(h_prior) + b_o, writing tanh(h_prior) on the way.
    pub fn predict(&self, h_prior: &Mat, tanh_prior: &mut Mat, x_pred: &mut Mat) {
        tanh_into(tanh_prior.as_mut_slice(), h_prior.as_slice());
        x_pred.gemm(1.0, &self.params.w_o, tanh_prior, 0.0);
        for mut column in x_pred.column_iter_mut() {
            column += &self.params.b_o;
        }
    }

    /// One time step of §1 for a batch: updates `state` in place and leaves the prediction
    /// and its error `e = x_pred - x_t` in `buf`. `prior` is used when `rates.alpha_c > 0`.
    pub fn step(
        &self,
        state: &mut State,
        x_t: &Mat,
        rates: &Rates,
        prior: Option<&MixturePrior>,
        noise: &mut Noise,
        buf: &mut StepBuffers,
    ) {
        let State { h, c } = state;
        tanh_into(buf.tanh_h.as_mut_slice(), h.as_slice());
        self.top_down(h, &buf.tanh_h, c, &mut buf.h_prior);
        self.predict(&buf.h_prior, &mut buf.tanh_prior, &mut buf.x_pred);
        buf.error.copy_from(&buf.x_pred);
        buf.error -= x_t;

        if rates.alpha_x > 0.0 {
            // h_post = h_prior - alpha_x (1 - tanh(h_prior)^2) * (W_o^T e); e_h = h_prior - h_post
            buf.error_h.gemm_tr(1.0, &self.params.w_o, &buf.error, 0.0);
            buf.error_h.zip_apply(&buf.tanh_prior, |eh, t| {
                *eh *= rates.alpha_x * (1.0 - t * t)
            });
            // c = c - alpha_h W_c^T e_h
            c.gemm_tr(-rates.alpha_h, &self.params.w_c, &buf.error_h, 1.0);
            // c = c + sigma_r |e_h| xi, with |e_h| the norm of each sequence's own e_h
            if rates.sigma_r > 0.0 {
                let n_c = self.dims.n_c;
                for (c_col, e_col) in c
                    .as_mut_slice()
                    .chunks_exact_mut(n_c)
                    .zip(buf.error_h.column_iter())
                {
                    let scale = rates.sigma_r * e_col.norm();
                    for value in c_col {
                        *value += scale * noise.normal();
                    }
                }
            }
            // h = h_post
            h.copy_from(&buf.h_prior);
            *h -= &buf.error_h;
        } else {
            h.copy_from(&buf.h_prior);
        }

        if let Some(prior) = prior.filter(|_| rates.alpha_c > 0.0) {
            // c = c + alpha_c g(c)
            let pull = &mut buf.pull;
            for c_col in c.as_mut_slice().chunks_exact_mut(self.dims.n_c) {
                prior.pull(c_col, &mut buf.mixture_weights, pull);
                for (value, g) in c_col.iter_mut().zip(pull.iter()) {
                    *value += rates.alpha_c * g;
                }
            }
        }
    }
}
