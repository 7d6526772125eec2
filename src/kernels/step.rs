//! The batched time step of docs/design.md §1 on column-major slices, in f64 or f32, compiled
//! for one instruction set per call: what generation and recall's trials run. Tested equal to
//! `model::equations::step` (tests/oracle.rs).

use crate::kernels::activation::tanh_into;
use crate::kernels::dense::{Columns, dot, product};
use crate::kernels::noise::Noise;
use crate::kernels::prior::PriorScratch;
use crate::kernels::real::{Real, convert_into};
use crate::kernels::simd::{self, Isa, Kernel};
use crate::model::network::{Dims, Mat, Network, Rates, State};
use crate::model::prior::MixturePrior;

/// One time step of §1 for a batch, in f64: updates `state` in place and leaves the prediction
/// and its error `e = x_pred - x_t` in `buf`. `prior` is used when `rates.alpha_c > 0`;
/// `noise` holds one random stream per column, drawn from when inference is on with
/// `sigma_r > 0` (else it may be empty).
pub fn step(
    network: &Network,
    state: &mut State,
    x_t: &Mat,
    rates: &Rates,
    prior: Option<&MixturePrior>,
    noise: &mut [Noise],
    buf: &mut StepBuffers,
) {
    buf.weights.load(network);
    simd::run(Step {
        state,
        x_t,
        rates,
        prior,
        noise,
        buf,
    });
}

/// The weights in the number type and layout of the hot loops, with the step's constants.
pub(crate) struct Weights<T> {
    dims: Dims,
    leak: T,
    rate: T,
    w_r: Vec<T>,
    w_c: Vec<T>,
    /// W_o transposed (n_h × n_x): its columns are what the output error is spread back with.
    w_o_t: Vec<T>,
    b_r: Vec<T>,
    b_o: Vec<T>,
    pub(crate) h0: Vec<T>,
}

impl<T: Real> Weights<T> {
    fn zeros(dims: Dims) -> Weights<T> {
        let Dims { n_c, n_h, n_x } = dims;
        Weights {
            dims,
            leak: T::ZERO,
            rate: T::ZERO,
            w_r: vec![T::ZERO; n_h * n_h],
            w_c: vec![T::ZERO; n_h * n_c],
            w_o_t: vec![T::ZERO; n_h * n_x],
            b_r: vec![T::ZERO; n_h],
            b_o: vec![T::ZERO; n_x],
            h0: vec![T::ZERO; n_h],
        }
    }

    /// Copies `network`'s weights in (same dimensions; allocates nothing).
    pub(crate) fn load(&mut self, network: &Network) {
        let p = &network.params;
        self.leak = T::from_f64(1.0 - 1.0 / network.tau);
        self.rate = T::from_f64(1.0 / network.tau);
        convert_into(&mut self.w_r, p.w_r.as_slice());
        convert_into(&mut self.w_c, p.w_c.as_slice());
        convert_into(&mut self.b_r, p.b_r.as_slice());
        convert_into(&mut self.b_o, p.b_o.as_slice());
        convert_into(&mut self.h0, network.h0.as_slice());
        for (d, row) in self.w_o_t.chunks_exact_mut(self.dims.n_h).enumerate() {
            for (i, value) in row.iter_mut().enumerate() {
                *value = T::from_f64(p.w_o[(d, i)]);
            }
        }
    }
}

/// Buffers of one batched step, allocated once so that the time loop allocates nothing, and
/// the weights in the step's number type `T`.
pub struct StepBuffers<T: Real = f64> {
    /// The prediction `x_pred` and its error `e = x_pred - x_t` of the last [`step`]
    /// (n_x × B).
    pub x_pred: Mat,
    pub error: Mat,
    pub(crate) weights: Weights<T>,
    tanh_h: Vec<T>,
    recurrent: Vec<T>,
    drive: Vec<T>,
    tanh_prior: Vec<T>,
    error_h: Vec<T>,
    /// The prediction and its error in `T` (n_x × B).
    pub(crate) x: Vec<T>,
    pub(crate) e: Vec<T>,
    prior: PriorScratch<T>,
    pull: Vec<T>,
    /// The standard normal numbers of one step's noise on `c` (n_c × B).
    normals: Vec<f64>,
}

impl<T: Real> StepBuffers<T> {
    pub fn new(dims: Dims, batch: usize) -> StepBuffers<T> {
        let states = || vec![T::ZERO; dims.n_h * batch];
        StepBuffers {
            x_pred: Mat::zeros(dims.n_x, batch),
            error: Mat::zeros(dims.n_x, batch),
            weights: Weights::zeros(dims),
            tanh_h: states(),
            recurrent: states(),
            drive: states(),
            tanh_prior: states(),
            error_h: states(),
            x: vec![T::ZERO; dims.n_x * batch],
            e: vec![T::ZERO; dims.n_x * batch],
            prior: PriorScratch::default(),
            pull: vec![T::ZERO; dims.n_c * batch],
            normals: vec![0.0; dims.n_c * batch],
        }
    }
}

/// [`step`] on slices in the number type `T`, compiled for one instruction set:
/// callers loop over it inside one [`simd::run`], so that the choice is made once per chunk
/// of work. The weights are `buf.weights`; the prediction and error go to `buf.x`, `buf.e`.
#[inline(always)]
pub(crate) fn step_with<I: Isa, T: Real>(
    buf: &mut StepBuffers<T>,
    h: &mut [T],
    c: &mut [T],
    x_t: &[T],
    rates: &Rates,
    prior: Option<&MixturePrior>,
    noise: &mut [Noise],
) {
    let w = &buf.weights;
    let Dims { n_h, n_x, .. } = w.dims;

    // h_prior = (1 - 1/tau) h + (1/tau) (W_r tanh(h) + W_c c + b_r), in place: h is not
    // needed again, and h_post is h_prior - e_h.
    tanh_into(&mut buf.tanh_h, h);
    drive_into::<I, T>(&mut buf.drive, &w.w_c, &w.b_r, c);
    h_prior_in_place::<I, T>(
        h,
        &buf.tanh_h,
        &w.w_r,
        n_h,
        &buf.drive,
        &mut buf.recurrent,
        (w.leak, w.rate),
    );

    // x_pred = W_o tanh(h_prior) + b_o;  e = x_pred - x_t
    tanh_into(&mut buf.tanh_prior, h);
    for (j, tanh_column) in buf.tanh_prior.chunks_exact(n_h).enumerate() {
        for (d, w_row) in w.w_o_t.chunks_exact(n_h).enumerate() {
            let x = dot::<I, T>(w_row, tanh_column) + w.b_o[d];
            buf.x[j * n_x + d] = x;
            buf.e[j * n_x + d] = x - x_t[j * n_x + d];
        }
    }

    if rates.alpha_x > 0.0 {
        infer::<I, T>(buf, h, c, rates, noise);
    }

    if let Some(prior) = prior.filter(|_| rates.alpha_c > 0.0) {
        // c = c + alpha_c g(c)
        prior.prepare(&mut buf.prior);
        prior.pull_batch::<I, T>(c, &mut buf.prior, &mut buf.pull);
        let alpha_c = T::from_f64(rates.alpha_c);
        for (value, &g) in c.iter_mut().zip(&buf.pull) {
            *value += alpha_c * g;
        }
    }
}

/// The bottom-up half of a step: from the output error to h and c.
#[inline(always)]
fn infer<I: Isa, T: Real>(
    buf: &mut StepBuffers<T>,
    h: &mut [T],
    c: &mut [T],
    rates: &Rates,
    noise: &mut [Noise],
) {
    let w = &buf.weights;
    let Dims { n_c, n_h, n_x } = w.dims;
    let (one, alpha_x, alpha_h) = (
        T::from_f64(1.0),
        T::from_f64(rates.alpha_x),
        T::from_f64(rates.alpha_h),
    );
    // h_post = h_prior - alpha_x (1 - tanh(h_prior)^2) * (W_o^T e);  e_h = h_prior - h_post.
    // For the whole batch at once: one product, then elementwise work without column edges.
    let e = Columns {
        data: &buf.e,
        k: n_x,
    };
    product::<I, T>(&mut buf.error_h, &w.w_o_t, n_h, &e);
    let (e_h, tanh_prior) = (&mut buf.error_h[..h.len()], &buf.tanh_prior[..h.len()]);
    for i in 0..h.len() {
        e_h[i] *= alpha_x * (one - tanh_prior[i] * tanh_prior[i]);
    }
    if rates.sigma_r > 0.0 {
        // Each column's n_c normal numbers from that column's own stream.
        debug_assert_eq!(noise.len() * n_c, c.len(), "one stream per column");
        for (stream, xi) in noise.iter_mut().zip(buf.normals.chunks_exact_mut(n_c)) {
            stream.fill_normal(xi);
        }
    }
    for (j, e_h) in buf.error_h.chunks_exact(n_h).enumerate() {
        let c = &mut c[j * n_c..][..n_c];
        // c = c - alpha_h W_c^T e_h
        for (value, w_column) in c.iter_mut().zip(w.w_c.chunks_exact(n_h)) {
            *value -= alpha_h * dot::<I, T>(w_column, e_h);
        }
        // c = c + sigma_r |e_h| xi, with |e_h| the norm of this sequence's own e_h
        if rates.sigma_r > 0.0 {
            let scale = rates.sigma_r * dot::<I, T>(e_h, e_h).sqrt().to_f64();
            for (value, &xi) in c.iter_mut().zip(&buf.normals[j * n_c..]) {
                *value += T::from_f64(scale * xi);
            }
        }
    }
    // h = h_post = h_prior - e_h (h holds h_prior)
    let e_h = &buf.error_h[..h.len()];
    for i in 0..h.len() {
        h[i] -= e_h[i];
    }
}

/// [`step`] as a [`Kernel`], in f64.
struct Step<'a> {
    state: &'a mut State,
    x_t: &'a Mat,
    rates: &'a Rates,
    prior: Option<&'a MixturePrior<'a>>,
    noise: &'a mut [Noise],
    buf: &'a mut StepBuffers,
}

impl Kernel for Step<'_> {
    type Output = ();

    #[inline(always)]
    fn run<I: Isa>(self) {
        let (buf, state) = (self.buf, self.state);
        let (h, c) = (state.h.as_mut_slice(), state.c.as_mut_slice());
        let x_t = self.x_t.as_slice();
        step_with::<I, f64>(buf, h, c, x_t, self.rates, self.prior, self.noise);
        buf.x_pred.as_mut_slice().copy_from_slice(&buf.x);
        buf.error.as_mut_slice().copy_from_slice(&buf.e);
    }
}

/// `drive` = W_c c + b_r for every column of `c` (n_c × B): the part of h_prior that does not
/// depend on h.
#[inline(always)]
pub(crate) fn drive_into<I: Isa, T: Real>(drive: &mut [T], w_c: &[T], b_r: &[T], c: &[T]) {
    let n_h = b_r.len();
    let n_c = w_c.len() / n_h;
    product::<I, T>(drive, w_c, n_h, &Columns { data: c, k: n_c });
    for column in drive.chunks_exact_mut(n_h) {
        for (d, &b) in column.iter_mut().zip(b_r) {
            *d += b;
        }
    }
}

/// h = (1 - 1/tau) h + (1/tau) (W_r tanh(h) + drive) for every column, in place: the
/// recurrence h_prior of docs/design.md §1, for the step and for BPTT's forward pass alike.
/// `recurrent` is scratch of h's size.
#[inline(always)]
pub(crate) fn h_prior_in_place<I: Isa, T: Real>(
    h: &mut [T],
    tanh_h: &[T],
    w_r: &[T],
    n_h: usize,
    drive: &[T],
    recurrent: &mut [T],
    (leak, rate): (T, T),
) {
    product::<I, T>(
        recurrent,
        w_r,
        n_h,
        &Columns {
            data: tanh_h,
            k: n_h,
        },
    );
    // Indexed loops over slices of one length: they vectorise on every target, where deep
    // chains of zip iterators sometimes are not inlined (wasm).
    let n = h.len();
    let (recurrent, drive) = (&recurrent[..n], &drive[..n]);
    for i in 0..n {
        h[i] = leak * h[i] + rate * (recurrent[i] + drive[i]);
    }
}
