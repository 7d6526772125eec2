//! PC-RNN-HC-A (docs/design.md §1): sizes, parameters, initialisation and one batched time step.
//!
//! Layout: every matrix of states holds one sequence per column, so the equations read as in
//! §1 with column vectors: `h` is n_h × B, `c` is n_c × B, `x` is n_x × B.

use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

use crate::kernels::noise::Noise;

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
}
