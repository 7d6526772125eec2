//! PC-RNN-HC-A (DESIGN.md §1): sizes, parameters, initialisation and one batched time step.
//!
//! Layout: every matrix of states holds one sequence per column, so the equations read as in
//! §1 with column vectors: `h` is n_h × B, `c` is n_c × B, `x` is n_x × B.

use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

use crate::activation::tanh_into;
use crate::dense::{Columns, dot, product, transpose_into};
use crate::noise::Noise;
use crate::prior::{MixturePrior, PriorScratch};
use crate::simd::{self, Isa, Kernel};

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

/// Buffers of one batched step, allocated once so that the time loop allocates nothing.
pub struct StepBuffers {
    /// The prediction `x_pred` and its error `e = x_pred - x_t` of the last step (n_x × B).
    pub x_pred: Mat,
    pub error: Mat,
    tanh_h: Vec<f64>,
    recurrent: Vec<f64>,
    drive: Vec<f64>,
    h_prior: Vec<f64>,
    tanh_prior: Vec<f64>,
    error_h: Vec<f64>,
    /// W_o transposed (n_h × n_x): its columns are what the output error is spread back with.
    w_o_t: Vec<f64>,
    prior: PriorScratch,
    pull: Vec<f64>,
}

impl StepBuffers {
    pub fn new(dims: Dims, batch: usize) -> StepBuffers {
        let states = || vec![0.0; dims.n_h * batch];
        StepBuffers {
            x_pred: Mat::zeros(dims.n_x, batch),
            error: Mat::zeros(dims.n_x, batch),
            tanh_h: states(),
            recurrent: states(),
            drive: states(),
            h_prior: states(),
            tanh_prior: states(),
            error_h: states(),
            w_o_t: vec![0.0; dims.n_h * dims.n_x],
            prior: PriorScratch::default(),
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
        simd::run(Step {
            net: self,
            state,
            x_t,
            rates,
            prior,
            noise,
            buf,
        });
    }

    /// [`Network::step`] compiled for one instruction set (callers loop over it inside one
    /// [`simd::run`], so that the choice is made once per chunk of work, not once per step).
    #[inline(always)]
    pub(crate) fn step_with<I: Isa>(
        &self,
        state: &mut State,
        x_t: &Mat,
        rates: &Rates,
        prior: Option<&MixturePrior>,
        noise: &mut Noise,
        buf: &mut StepBuffers,
    ) {
        let Dims { n_c, n_h, .. } = self.dims;
        let p = &self.params;
        let (leak, rate) = (1.0 - 1.0 / self.tau, 1.0 / self.tau);
        let h = state.h.as_mut_slice();
        let c = state.c.as_mut_slice();

        // h_prior = (1 - 1/tau) h + (1/tau) (W_r tanh(h) + W_c c + b_r)
        tanh_into(&mut buf.tanh_h, h);
        let tanh_h = Columns {
            data: &buf.tanh_h,
            k: n_h,
        };
        product::<I>(&mut buf.recurrent, p.w_r.as_slice(), n_h, &tanh_h);
        product::<I>(
            &mut buf.drive,
            p.w_c.as_slice(),
            n_h,
            &Columns { data: c, k: n_c },
        );
        // Indexed loops over slices of one length: they vectorise on every target, where deep
        // chains of zip iterators sometimes are not inlined (wasm).
        let b_r = p.b_r.as_slice();
        for j in 0..h.len() / n_h {
            // Column j of each, sliced to exactly n_h so that the loop has no bounds checks.
            let h_prior = &mut buf.h_prior[j * n_h..][..n_h];
            let (h, recurrent) = (&h[j * n_h..][..n_h], &buf.recurrent[j * n_h..][..n_h]);
            let (drive, b_r) = (&buf.drive[j * n_h..][..n_h], &b_r[..n_h]);
            for i in 0..n_h {
                h_prior[i] = leak * h[i] + rate * (recurrent[i] + drive[i] + b_r[i]);
            }
        }

        // x_pred = W_o tanh(h_prior) + b_o;  e = x_pred - x_t
        tanh_into(&mut buf.tanh_prior, &buf.h_prior);
        transpose_into(&mut buf.w_o_t, p.w_o.as_slice(), self.dims.n_x);
        let columns = buf.tanh_prior.chunks_exact(n_h);
        for (j, tanh_column) in columns.enumerate() {
            for (d, w_row) in buf.w_o_t.chunks_exact(n_h).enumerate() {
                let x = dot::<I>(w_row, tanh_column) + p.b_o[d];
                buf.x_pred[(d, j)] = x;
                buf.error[(d, j)] = x - x_t[(d, j)];
            }
        }

        if rates.alpha_x > 0.0 {
            self.infer::<I>(h, c, rates, noise, buf);
        } else {
            h.copy_from_slice(&buf.h_prior);
        }

        if let Some(prior) = prior.filter(|_| rates.alpha_c > 0.0) {
            // c = c + alpha_c g(c)
            prior.prepare(&mut buf.prior);
            for c_column in c.chunks_exact_mut(n_c) {
                prior.pull_with::<I>(c_column, &mut buf.prior, &mut buf.pull);
                for (value, g) in c_column.iter_mut().zip(&buf.pull) {
                    *value += rates.alpha_c * g;
                }
            }
        }
    }

    /// The bottom-up half of a step, sequence by sequence: from the output error to h and c.
    #[inline(always)]
    fn infer<I: Isa>(
        &self,
        h: &mut [f64],
        c: &mut [f64],
        rates: &Rates,
        noise: &mut Noise,
        buf: &mut StepBuffers,
    ) {
        let Dims { n_c, n_h, n_x } = self.dims;
        let w_c = self.params.w_c.as_slice();
        for j in 0..h.len() / n_h {
            let (h, e_h) = (&mut h[j * n_h..][..n_h], &mut buf.error_h[j * n_h..][..n_h]);
            let h_prior = &buf.h_prior[j * n_h..][..n_h];
            let tanh_prior = &buf.tanh_prior[j * n_h..][..n_h];
            let c = &mut c[j * n_c..][..n_c];
            let e = &buf.error.as_slice()[j * n_x..][..n_x];
            // h_post = h_prior - alpha_x (1 - tanh(h_prior)^2) * (W_o^T e);  e_h = h_prior - h_post
            e_h.fill(0.0);
            for (w_row, &e_d) in buf.w_o_t.chunks_exact(n_h).zip(e) {
                for (eh, &w) in e_h.iter_mut().zip(w_row) {
                    *eh = I::mul_add(w, e_d, *eh);
                }
            }
            for i in 0..n_h {
                e_h[i] *= rates.alpha_x * (1.0 - tanh_prior[i] * tanh_prior[i]);
            }
            // c = c - alpha_h W_c^T e_h
            for (value, w_column) in c.iter_mut().zip(w_c.chunks_exact(n_h)) {
                *value -= rates.alpha_h * dot::<I>(w_column, e_h);
            }
            // c = c + sigma_r |e_h| xi, with |e_h| the norm of this sequence's own e_h
            if rates.sigma_r > 0.0 {
                let scale = rates.sigma_r * dot::<I>(e_h, e_h).sqrt();
                for value in c.iter_mut() {
                    *value += scale * noise.normal();
                }
            }
            // h = h_post
            for i in 0..n_h {
                h[i] = h_prior[i] - e_h[i];
            }
        }
    }
}

/// [`Network::step`] as a [`Kernel`].
struct Step<'a> {
    net: &'a Network,
    state: &'a mut State,
    x_t: &'a Mat,
    rates: &'a Rates,
    prior: Option<&'a MixturePrior<'a>>,
    noise: &'a mut Noise,
    buf: &'a mut StepBuffers,
}

impl Kernel for Step<'_> {
    type Output = ();

    #[inline(always)]
    fn run<I: Isa>(self) {
        self.net.step_with::<I>(
            self.state, self.x_t, self.rates, self.prior, self.noise, self.buf,
        );
    }
}
