//! DESIGN.md §2: the generation pass over a batch of sequences (no inference: h = h_prior) and
//! the exact gradient of its loss mean(e^2) by backpropagation through time.
//!
//! Every step is one matrix product over the whole batch plus elementwise work on contiguous
//! blocks; the products that do not depend on the recurrence (the output layer, and the
//! weight gradients) are done once over all steps at the end. Nothing is allocated per
//! iteration: the [`Workspace`] holds every buffer.

use crate::activation::tanh_into;
use crate::dense::{Columns, Transposed, column_sum, dot, product, transpose_into};
use crate::network::{Dims, Mat, Network, Params, Vector};
use crate::simd::{self, Isa, Kernel};

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

/// The activations a pass keeps for the backward pass, and its scratch buffers. Blocks are
/// n × P column-major, one per step, laid end to end: step t is one contiguous run.
pub struct Workspace {
    dims: Dims,
    batch: usize,
    steps: usize,
    /// The targets x_t, t = 1..=T, one n_x × P block per step.
    pub(crate) targets: Vec<f64>,
    /// tanh(h_t) for t = 0..=T (block 0 is tanh(h0)).
    tanh_h: Vec<f64>,
    /// e_t = x_pred_t - x_t for t = 1..=T.
    pub(crate) errors: Vec<f64>,
    /// dL/dpre_t for t = 1..=T, where pre_t = W_r tanh(h_{t-1}) + W_c c + b_r.
    d_pre: Vec<f64>,
    h: Vec<f64>,
    /// W_c c + b_r: the same at every step.
    drive: Vec<f64>,
    /// One step's product (n_h × P).
    product: Vec<f64>,
    /// W_o^T e_t for t = 1..=T.
    back: Vec<f64>,
    /// dL/dh_t while going back in time.
    d_h: Vec<f64>,
    d_pre_total: Vec<f64>,
    w_o_t: Vec<f64>,
    w_r_t: Vec<f64>,
    w_c_t: Vec<f64>,
    w_o_grad_t: Vec<f64>,
}

impl Workspace {
    /// For `targets`: one n_x × P matrix per step, each column a sequence.
    pub fn new(dims: Dims, targets: &[Mat]) -> Workspace {
        let Dims { n_c, n_h, n_x } = dims;
        let batch = targets.first().map_or(0, Mat::ncols);
        let steps = targets.len();
        let block = n_h * batch;
        Workspace {
            dims,
            batch,
            steps,
            targets: targets.iter().flat_map(|x| x.iter().copied()).collect(),
            tanh_h: vec![0.0; (steps + 1) * block],
            errors: vec![0.0; steps * n_x * batch],
            d_pre: vec![0.0; steps * block],
            h: vec![0.0; block],
            drive: vec![0.0; block],
            product: vec![0.0; block],
            back: vec![0.0; steps * block],
            d_h: vec![0.0; block],
            d_pre_total: vec![0.0; block],
            w_o_t: vec![0.0; n_h * n_x],
            w_r_t: vec![0.0; n_h * n_h],
            w_c_t: vec![0.0; n_c * n_h],
            w_o_grad_t: vec![0.0; n_h * n_x],
        }
    }
}

/// The generation pass from `causes` (n_c × P): fills the workspace, returns mean(e^2).
pub fn forward(network: &Network, causes: &Mat, ws: &mut Workspace) -> f64 {
    simd::run(Forward {
        network,
        causes,
        ws,
    })
}

/// The gradients of the loss of the last [`forward`] (same network and causes).
pub fn backward(network: &Network, causes: &Mat, ws: &mut Workspace, grads: &mut Gradients) {
    simd::run(Backward {
        network,
        causes,
        ws,
        grads,
    })
}

struct Forward<'a> {
    network: &'a Network,
    causes: &'a Mat,
    ws: &'a mut Workspace,
}

impl Kernel for Forward<'_> {
    type Output = f64;

    #[inline(always)]
    fn run<I: Isa>(self) -> f64 {
        let Forward {
            network: net,
            causes,
            ws,
        } = self;
        let Dims { n_c, n_h, n_x } = ws.dims;
        let block = n_h * ws.batch;
        let p = &net.params;
        let (leak, rate) = (1.0 - 1.0 / net.tau, 1.0 / net.tau);

        for h in ws.h.chunks_exact_mut(n_h) {
            h.copy_from_slice(net.h0.as_slice());
        }
        tanh_into(&mut ws.tanh_h[..block], &ws.h);
        // c does not change during a pass: W_c c + b_r once.
        let c = Columns {
            data: causes.as_slice(),
            k: n_c,
        };
        product::<I>(&mut ws.drive, p.w_c.as_slice(), n_h, &c);
        for drive in ws.drive.chunks_exact_mut(n_h) {
            for (d, &b) in drive.iter_mut().zip(p.b_r.iter()) {
                *d += b;
            }
        }

        for t in 0..ws.steps {
            // h_t = (1 - 1/tau) h_{t-1} + (1/tau) (W_r tanh(h_{t-1}) + W_c c + b_r)
            let (before, after) = ws.tanh_h.split_at_mut((t + 1) * block);
            let tanh_before = Columns {
                data: &before[t * block..],
                k: n_h,
            };
            product::<I>(&mut ws.product, p.w_r.as_slice(), n_h, &tanh_before);
            // Indexed loops over slices of one length: they vectorise on every target, where
            // deep chains of zip iterators sometimes are not inlined (wasm).
            let (h, recurrent, drive) =
                (&mut ws.h[..block], &ws.product[..block], &ws.drive[..block]);
            for i in 0..block {
                h[i] = leak * h[i] + rate * (recurrent[i] + drive[i]);
            }
            tanh_into(&mut after[..block], &ws.h);
        }

        // e_t = W_o tanh(h_t) + b_o - x_t, for every step and sequence at once.
        transpose_into(&mut ws.w_o_t, p.w_o.as_slice(), n_x);
        let columns = ws.tanh_h[block..]
            .chunks_exact(n_h)
            .zip(ws.errors.chunks_exact_mut(n_x))
            .zip(ws.targets.chunks_exact(n_x));
        let mut total = 0.0;
        for ((tanh, e), x) in columns {
            for (d, w_row) in ws.w_o_t.chunks_exact(n_h).enumerate() {
                e[d] = dot::<I>(w_row, tanh) + p.b_o[d] - x[d];
                total += e[d] * e[d];
            }
        }
        total / ws.errors.len() as f64
    }
}

struct Backward<'a> {
    network: &'a Network,
    causes: &'a Mat,
    ws: &'a mut Workspace,
    grads: &'a mut Gradients,
}

impl Kernel for Backward<'_> {
    type Output = ();

    #[inline(always)]
    fn run<I: Isa>(self) {
        let Backward {
            network: net,
            causes,
            ws,
            grads,
        } = self;
        let Dims { n_c, n_h, n_x } = ws.dims;
        let block = n_h * ws.batch;
        let p = &net.params;
        let (leak, rate) = (1.0 - 1.0 / net.tau, 1.0 / net.tau);
        // dL/dx_pred_t = 2 e_t / (T P n_x)
        let scale = 2.0 / ws.errors.len() as f64;
        transpose_into(&mut ws.w_r_t, p.w_r.as_slice(), n_h);

        // The output's pull on every h_t at once: W_o^T dL/dx_t (scaled below).
        let errors = Columns {
            data: &ws.errors,
            k: n_x,
        };
        product::<I>(&mut ws.back, &ws.w_o_t, n_h, &errors);

        // Backwards through time: d_h = dL/dh_t, and dL/dpre_t = d_h / tau.
        ws.d_h.fill(0.0);
        ws.d_pre_total.fill(0.0);
        for t in (1..=ws.steps).rev() {
            let tanh_t = &ws.tanh_h[t * block..][..block];
            let tanh_before = &ws.tanh_h[(t - 1) * block..][..block];
            let back_t = &ws.back[(t - 1) * block..][..block];
            let d_pre_t = &mut ws.d_pre[(t - 1) * block..][..block];
            // d_h += (W_o^T dL/dx_t) * (1 - tanh(h_t)^2);  dL/dpre_t = d_h / tau
            let (d_h, total) = (&mut ws.d_h[..block], &mut ws.d_pre_total[..block]);
            for i in 0..block {
                d_h[i] += scale * back_t[i] * (1.0 - tanh_t[i] * tanh_t[i]);
                d_pre_t[i] = rate * d_h[i];
                // c is the same at every step, so its gradient gathers dL/dpre over time.
                total[i] += d_pre_t[i];
            }
            // dL/dh_{t-1} = (1 - 1/tau) d_h + (W_r^T dL/dpre_t) * (1 - tanh(h_{t-1})^2)
            let d_pre_t = Columns {
                data: d_pre_t,
                k: n_h,
            };
            product::<I>(&mut ws.product, &ws.w_r_t, n_h, &d_pre_t);
            let (d_h, recurrent) = (&mut ws.d_h[..block], &ws.product[..block]);
            for i in 0..block {
                d_h[i] = leak * d_h[i] + recurrent[i] * (1.0 - tanh_before[i] * tanh_before[i]);
            }
        }

        let g = &mut grads.params;
        // dW_o = sum_t dL/dx_t tanh(h_t)^T, computed transposed; db_o = sum_t dL/dx_t
        let errors_t = Transposed {
            data: &ws.errors,
            n: n_x,
        };
        product::<I>(&mut ws.w_o_grad_t, &ws.tanh_h[block..], n_h, &errors_t);
        transpose_into(g.w_o.as_mut_slice(), &ws.w_o_grad_t, n_h);
        g.w_o.iter_mut().for_each(|v| *v *= scale);
        column_sum(g.b_o.as_mut_slice(), &ws.errors);
        g.b_o.iter_mut().for_each(|v| *v *= scale);
        // dW_r = sum_t dL/dpre_t tanh(h_{t-1})^T;  db_r = sum_t dL/dpre_t
        let tanh_before_t = Transposed {
            data: &ws.tanh_h[..ws.steps * block],
            n: n_h,
        };
        product::<I>(g.w_r.as_mut_slice(), &ws.d_pre, n_h, &tanh_before_t);
        column_sum(g.b_r.as_mut_slice(), &ws.d_pre_total);
        let causes_t = Transposed {
            data: causes.as_slice(),
            n: n_c,
        };
        product::<I>(g.w_c.as_mut_slice(), &ws.d_pre_total, n_h, &causes_t);
        transpose_into(&mut ws.w_c_t, p.w_c.as_slice(), n_h);
        let d_pre_total = Columns {
            data: &ws.d_pre_total,
            k: n_h,
        };
        product::<I>(grads.causes.as_mut_slice(), &ws.w_c_t, n_c, &d_pre_total);
    }
}
