//! docs/design.md §2: the generation pass over a batch of sequences (no inference: h = h_prior) and
//! the exact gradient of its loss mean(e^2) by backpropagation through time.
//!
//! Every step is one matrix product over the whole batch plus elementwise work on contiguous
//! blocks; the products that do not depend on the recurrence (the output layer, and the
//! weight gradients) are done once over all steps at the end. Nothing is allocated per
//! iteration: the [`Workspace`] holds every buffer. The passes compute in f64 or f32 (see
//! `real`); gradients come out in f64 either way.

use crate::kernels::activation::tanh_into;
use crate::kernels::dense::{Columns, Transposed, column_sum, dot, product, transpose_into};
use crate::kernels::real::{Precision, Real, convert_into};
use crate::kernels::simd::{self, Isa, Kernel};
use crate::kernels::step::{drive_into, h_prior_in_place};
use crate::model::network::{Dims, Mat, Network, Params, Vector};

/// dLoss/d of every trained tensor.
#[derive(Clone, Debug, PartialEq)]
pub struct Gradients {
    pub params: Params,
    pub causes: Mat,
}

impl Gradients {
    pub fn zeros(dims: Dims, batch: usize) -> Gradients {
        Gradients {
            params: Params {
                w_o: Mat::zeros(dims.n_x, dims.n_h),
                b_o: Vector::zeros(dims.n_x),
                w_c: Mat::zeros(dims.n_h, dims.n_c),
                w_r: Mat::zeros(dims.n_h, dims.n_h),
                b_r: Vector::zeros(dims.n_h),
            },
            causes: Mat::zeros(dims.n_c, batch),
        }
    }
}

/// The activations a pass keeps for the backward pass, and its scratch buffers, in the
/// precision `T`. Blocks are n × P column-major, one per step, laid end to end: step t is one
/// contiguous run.
pub struct Workspace<T> {
    dims: Dims,
    batch: usize,
    steps: usize,
    /// The targets x_t, t = 1..=T, one n_x × P block per step.
    targets: Vec<T>,
    /// tanh(h_t) for t = 0..=T (block 0 is tanh(h0)).
    tanh_h: Vec<T>,
    /// e_t = x_pred_t - x_t for t = 1..=T.
    errors: Vec<T>,
    /// dL/dpre_t for t = 1..=T, where pre_t = W_r tanh(h_{t-1}) + W_c c + b_r.
    d_pre: Vec<T>,
    h: Vec<T>,
    /// W_c c + b_r: the same at every step.
    drive: Vec<T>,
    /// One step's product (n_h × P).
    product: Vec<T>,
    /// W_o^T e_t for t = 1..=T.
    back: Vec<T>,
    /// dL/dh_t while going back in time.
    d_h: Vec<T>,
    d_pre_total: Vec<T>,
    /// The parameters and causes in `T`, W_o, W_r and W_c also transposed.
    w_r: Vec<T>,
    w_c: Vec<T>,
    b_r: Vec<T>,
    b_o: Vec<T>,
    h0: Vec<T>,
    causes: Vec<T>,
    w_o_t: Vec<T>,
    w_r_t: Vec<T>,
    w_c_t: Vec<T>,
    /// The gradients in `T` before they go out as f64.
    grads: Grads<T>,
}

/// Gradient buffers: W_o transposed (n_h × n_x), the others as in [`Params`].
struct Grads<T> {
    w_o_t: Vec<T>,
    b_o: Vec<T>,
    w_c: Vec<T>,
    w_r: Vec<T>,
    b_r: Vec<T>,
    causes: Vec<T>,
}

impl<T: Real> Workspace<T> {
    /// For `targets`: one n_x × P matrix per step, each column a sequence.
    pub fn new(dims: Dims, targets: &[Mat]) -> Workspace<T> {
        let Dims { n_c, n_h, n_x } = dims;
        let batch = targets.first().map_or(0, Mat::ncols);
        let steps = targets.len();
        let block = n_h * batch;
        let zeros = |n: usize| vec![T::ZERO; n];
        Workspace {
            dims,
            batch,
            steps,
            targets: targets
                .iter()
                .flat_map(|x| x.iter().map(|&v| T::from_f64(v)))
                .collect(),
            tanh_h: zeros((steps + 1) * block),
            errors: zeros(steps * n_x * batch),
            d_pre: zeros(steps * block),
            h: zeros(block),
            drive: zeros(block),
            product: zeros(block),
            back: zeros(steps * block),
            d_h: zeros(block),
            d_pre_total: zeros(block),
            w_r: zeros(n_h * n_h),
            w_c: zeros(n_h * n_c),
            b_r: zeros(n_h),
            b_o: zeros(n_x),
            h0: zeros(n_h),
            causes: zeros(n_c * batch),
            w_o_t: zeros(n_h * n_x),
            w_r_t: zeros(n_h * n_h),
            w_c_t: zeros(n_c * n_h),
            grads: Grads {
                w_o_t: zeros(n_h * n_x),
                b_o: zeros(n_x),
                w_c: zeros(n_h * n_c),
                w_r: zeros(n_h * n_h),
                b_r: zeros(n_h),
                causes: zeros(n_c * batch),
            },
        }
    }

    /// The parameters and causes of this pass, in `T` and in the layouts the loops want.
    fn load(&mut self, network: &Network, causes: &Mat) {
        let p = &network.params;
        let n_h = self.dims.n_h;
        convert_into(&mut self.w_r, p.w_r.as_slice());
        convert_into(&mut self.w_c, p.w_c.as_slice());
        convert_into(&mut self.b_r, p.b_r.as_slice());
        convert_into(&mut self.b_o, p.b_o.as_slice());
        convert_into(&mut self.h0, network.h0.as_slice());
        convert_into(&mut self.causes, causes.as_slice());
        // W_o (n_x × n_h) transposed: its rows become columns of length n_h.
        for (d, row) in self.w_o_t.chunks_exact_mut(n_h).enumerate() {
            for (i, value) in row.iter_mut().enumerate() {
                *value = T::from_f64(p.w_o[(d, i)]);
            }
        }
        transpose_into(&mut self.w_r_t, &self.w_r, n_h);
        transpose_into(&mut self.w_c_t, &self.w_c, n_h);
    }
}

/// A workspace in the precision training computes in.
pub enum AnyWorkspace {
    F32(Workspace<f32>),
    F64(Workspace<f64>),
}

impl AnyWorkspace {
    pub fn new(precision: Precision, dims: Dims, targets: &[Mat]) -> AnyWorkspace {
        match precision {
            Precision::F32 => AnyWorkspace::F32(Workspace::new(dims, targets)),
            Precision::F64 => AnyWorkspace::F64(Workspace::new(dims, targets)),
        }
    }

    /// See [`forward`].
    pub fn forward(&mut self, network: &Network, causes: &Mat) -> f64 {
        match self {
            AnyWorkspace::F32(ws) => forward(network, causes, ws),
            AnyWorkspace::F64(ws) => forward(network, causes, ws),
        }
    }

    /// See [`backward`].
    pub fn backward(&mut self, network: &Network, grads: &mut Gradients) {
        match self {
            AnyWorkspace::F32(ws) => backward(network, ws, grads),
            AnyWorkspace::F64(ws) => backward(network, ws, grads),
        }
    }

    /// What the last pass predicted for step t of sequence k (x_pred = e + x).
    pub fn prediction(&self, t: usize, k: usize) -> [f64; 2] {
        fn at<T: Real>(ws: &Workspace<T>, t: usize, k: usize) -> [f64; 2] {
            let i = (t * ws.batch + k) * ws.dims.n_x;
            [0, 1].map(|d| (ws.errors[i + d] + ws.targets[i + d]).to_f64())
        }
        match self {
            AnyWorkspace::F32(ws) => at(ws, t, k),
            AnyWorkspace::F64(ws) => at(ws, t, k),
        }
    }
}

/// The generation pass from `causes` (n_c × P): fills the workspace, returns mean(e^2).
pub fn forward<T: Real>(network: &Network, causes: &Mat, ws: &mut Workspace<T>) -> f64 {
    ws.load(network, causes);
    simd::run(Forward {
        tau: network.tau,
        ws,
    })
}

/// The gradients of the loss of the last [`forward`] (same network and causes).
pub fn backward<T: Real>(network: &Network, ws: &mut Workspace<T>, grads: &mut Gradients) {
    simd::run(Backward {
        tau: network.tau,
        ws: &mut *ws,
    });
    // Out in f64: W_o back from its transpose, the scale of dL/dx_pred folded in as before.
    let g = &ws.grads;
    let out = &mut grads.params;
    let scale = 2.0 / ws.errors.len() as f64;
    let n_h = ws.dims.n_h;
    for (d, row) in g.w_o_t.chunks_exact(n_h).enumerate() {
        for (i, &value) in row.iter().enumerate() {
            out.w_o[(d, i)] = value.to_f64() * scale;
        }
    }
    for (o, &value) in out.b_o.iter_mut().zip(&g.b_o) {
        *o = value.to_f64() * scale;
    }
    let copy = |out: &mut [f64], from: &[T]| {
        for (o, &value) in out.iter_mut().zip(from) {
            *o = value.to_f64();
        }
    };
    copy(out.w_c.as_mut_slice(), &g.w_c);
    copy(out.w_r.as_mut_slice(), &g.w_r);
    copy(out.b_r.as_mut_slice(), &g.b_r);
    copy(grads.causes.as_mut_slice(), &g.causes);
}

struct Forward<'a, T> {
    tau: f64,
    ws: &'a mut Workspace<T>,
}

impl<T: Real> Kernel for Forward<'_, T> {
    type Output = f64;

    #[inline(always)]
    fn run<I: Isa>(self) -> f64 {
        let ws = self.ws;
        let Dims { n_h, n_x, .. } = ws.dims;
        let block = n_h * ws.batch;
        let (leak, rate) = (
            T::from_f64(1.0 - 1.0 / self.tau),
            T::from_f64(1.0 / self.tau),
        );

        for h in ws.h.chunks_exact_mut(n_h) {
            h.copy_from_slice(&ws.h0);
        }
        tanh_into(&mut ws.tanh_h[..block], &ws.h);
        // c does not change during a pass: W_c c + b_r once.
        drive_into::<I, T>(&mut ws.drive, &ws.w_c, &ws.b_r, &ws.causes);
        for t in 0..ws.steps {
            let (before, after) = ws.tanh_h.split_at_mut((t + 1) * block);
            let tanh_before = &before[t * block..];
            h_prior_in_place::<I, T>(
                &mut ws.h,
                tanh_before,
                &ws.w_r,
                n_h,
                &ws.drive,
                &mut ws.product,
                (leak, rate),
            );
            tanh_into(&mut after[..block], &ws.h);
        }

        // e_t = W_o tanh(h_t) + b_o - x_t, for every step and sequence at once.
        let columns = ws.tanh_h[block..]
            .chunks_exact(n_h)
            .zip(ws.errors.chunks_exact_mut(n_x))
            .zip(ws.targets.chunks_exact(n_x));
        let mut total = 0.0;
        for ((tanh, e), x) in columns {
            for (d, w_row) in ws.w_o_t.chunks_exact(n_h).enumerate() {
                e[d] = dot::<I, T>(w_row, tanh) + ws.b_o[d] - x[d];
                let e = e[d].to_f64();
                total += e * e;
            }
        }
        total / ws.errors.len() as f64
    }
}

struct Backward<'a, T> {
    tau: f64,
    ws: &'a mut Workspace<T>,
}

impl<T: Real> Kernel for Backward<'_, T> {
    type Output = ();

    #[inline(always)]
    fn run<I: Isa>(self) {
        let ws = self.ws;
        let Dims { n_c, n_h, n_x } = ws.dims;
        let block = n_h * ws.batch;
        let (one, leak, rate) = (
            T::from_f64(1.0),
            T::from_f64(1.0 - 1.0 / self.tau),
            T::from_f64(1.0 / self.tau),
        );
        // dL/dx_pred_t = 2 e_t / (T P n_x)
        let scale = T::from_f64(2.0 / ws.errors.len() as f64);

        // The output's pull on every h_t at once: W_o^T dL/dx_t (scaled below).
        let errors = Columns {
            data: &ws.errors,
            k: n_x,
        };
        product::<I, T>(&mut ws.back, &ws.w_o_t, n_h, &errors);

        // Backwards through time: d_h = dL/dh_t, and dL/dpre_t = d_h / tau.
        ws.d_h.fill(T::ZERO);
        ws.d_pre_total.fill(T::ZERO);
        for t in (1..=ws.steps).rev() {
            let tanh_t = &ws.tanh_h[t * block..][..block];
            let tanh_before = &ws.tanh_h[(t - 1) * block..][..block];
            let back_t = &ws.back[(t - 1) * block..][..block];
            let d_pre_t = &mut ws.d_pre[(t - 1) * block..][..block];
            // d_h += (W_o^T dL/dx_t) * (1 - tanh(h_t)^2);  dL/dpre_t = d_h / tau
            let (d_h, total) = (&mut ws.d_h[..block], &mut ws.d_pre_total[..block]);
            for i in 0..block {
                d_h[i] += scale * back_t[i] * (one - tanh_t[i] * tanh_t[i]);
                d_pre_t[i] = rate * d_h[i];
                // c is the same at every step, so its gradient gathers dL/dpre over time.
                total[i] += d_pre_t[i];
            }
            // dL/dh_{t-1} = (1 - 1/tau) d_h + (W_r^T dL/dpre_t) * (1 - tanh(h_{t-1})^2)
            let d_pre_t = Columns {
                data: d_pre_t,
                k: n_h,
            };
            product::<I, T>(&mut ws.product, &ws.w_r_t, n_h, &d_pre_t);
            let (d_h, recurrent) = (&mut ws.d_h[..block], &ws.product[..block]);
            for i in 0..block {
                d_h[i] = leak * d_h[i] + recurrent[i] * (one - tanh_before[i] * tanh_before[i]);
            }
        }

        let g = &mut ws.grads;
        // dW_o = sum_t dL/dx_t tanh(h_t)^T, computed transposed; db_o = sum_t dL/dx_t
        // (both without the scale of dL/dx_t, which `backward` applies).
        let errors_t = Transposed {
            data: &ws.errors,
            n: n_x,
        };
        product::<I, T>(&mut g.w_o_t, &ws.tanh_h[block..], n_h, &errors_t);
        column_sum(&mut g.b_o, &ws.errors);
        // dW_r = sum_t dL/dpre_t tanh(h_{t-1})^T;  db_r = sum_t dL/dpre_t
        let tanh_before_t = Transposed {
            data: &ws.tanh_h[..ws.steps * block],
            n: n_h,
        };
        product::<I, T>(&mut g.w_r, &ws.d_pre, n_h, &tanh_before_t);
        column_sum(&mut g.b_r, &ws.d_pre_total);
        let causes_t = Transposed {
            data: &ws.causes,
            n: n_c,
        };
        product::<I, T>(&mut g.w_c, &ws.d_pre_total, n_h, &causes_t);
        let d_pre_total = Columns {
            data: &ws.d_pre_total,
            k: n_h,
        };
        product::<I, T>(&mut g.causes, &ws.w_c_t, n_c, &d_pre_total);
    }
}
