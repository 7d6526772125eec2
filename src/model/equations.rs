//! The whole model in plain nalgebra f64, line for line docs/design.md §1–§3, one sequence at a
//! time. Nothing here is fast: it is the oracle that the kernels (`crate::kernels`) are tested
//! equal to (tests/oracle.rs), and the place to read the maths.

use nalgebra::{DMatrix, DVector};

use crate::model::network::{Network, Params, Rates};

type Mat = DMatrix<f64>;
type Vector = DVector<f64>;

fn tanh(v: &Vector) -> Vector {
    v.map(f64::tanh)
}

/// h_prior = (1 - 1/tau) h + (1/tau)(W_r tanh(h) + W_c c + b_r)
pub fn h_prior(net: &Network, h: &Vector, c: &Vector) -> Vector {
    let p = &net.params;
    h * (1.0 - 1.0 / net.tau) + (&p.w_r * tanh(h) + &p.w_c * c + &p.b_r) / net.tau
}

/// The mixture weights w_k = softmax_k(-|c - mu_k|^2 / (2 sigma_c^2)), by log-sum-exp.
pub fn mixture_weights(c: &Vector, mus: &Mat, sigma_c: f64) -> Vector {
    let two_var = 2.0 * sigma_c * sigma_c;
    let logits = Vector::from_iterator(
        mus.ncols(),
        mus.column_iter()
            .map(|mu| -(c - mu).norm_squared() / two_var),
    );
    let max = logits.max();
    let w = logits.map(|l| (l - max).exp());
    &w / w.sum()
}

/// g(c) = -sum_k w_k (c - mu_k) / (2 sigma_c^2)
pub fn g(c: &Vector, mus: &Mat, sigma_c: f64) -> Vector {
    let w = mixture_weights(c, mus, sigma_c);
    let mut pull = Vector::zeros(c.len());
    for (k, mu) in mus.column_iter().enumerate() {
        pull -= (c - mu) * w[k] / (2.0 * sigma_c * sigma_c);
    }
    pull
}

/// One sequence's state between steps.
#[derive(Clone, Debug, PartialEq)]
pub struct SequenceState {
    pub h: Vector,
    pub c: Vector,
}

/// One time step of §1 with target `x_t`; `xi` is this step's standard normal vector (n_c).
/// Returns the prediction `x_pred`. The prior is the exact form over `mus` with width `sigma_c`.
pub fn step(
    net: &Network,
    s: &mut SequenceState,
    x_t: &Vector,
    rates: &Rates,
    (mus, sigma_c): (&Mat, f64),
    xi: &Vector,
) -> Vector {
    let p = &net.params;
    let h_prior = h_prior(net, &s.h, &s.c);
    let x_pred = &p.w_o * tanh(&h_prior) + &p.b_o;
    let e = &x_pred - x_t;
    if rates.alpha_x > 0.0 {
        let slope = tanh(&h_prior).map(|t| 1.0 - t * t);
        let h_post = &h_prior - (slope.component_mul(&(p.w_o.transpose() * &e))) * rates.alpha_x;
        let e_h = &h_prior - &h_post;
        s.c -= (p.w_c.transpose() * &e_h) * rates.alpha_h;
        s.c += xi * (rates.sigma_r * e_h.norm());
        s.h = h_post;
    } else {
        s.h = h_prior;
    }
    if rates.alpha_c > 0.0 {
        s.c += g(&s.c, mus, sigma_c) * rates.alpha_c;
    }
    x_pred
}

/// §2: what the network writes from `h_0` and a fixed cause `c` (pure generation), one x per step.
pub fn generate(net: &Network, c: &Vector, steps: usize) -> Vec<Vector> {
    let mut h = net.h0.clone();
    (0..steps)
        .map(|_| {
            h = h_prior(net, &h, c);
            &net.params.w_o * tanh(&h) + &net.params.b_o
        })
        .collect()
}

/// §2: the training loss, mean of e^2 over steps, sequences and output dimensions.
/// `causes` has one column per sequence; `targets[k][t]` is sequence k's target at step t.
pub fn loss(net: &Network, causes: &Mat, targets: &[Vec<Vector>]) -> f64 {
    let mut total = 0.0;
    let mut count = 0;
    for (k, target) in targets.iter().enumerate() {
        let c = causes.column(k).into_owned();
        for (x_pred, x_t) in generate(net, &c, target.len()).iter().zip(target) {
            total += (x_pred - x_t).norm_squared();
            count += x_t.len();
        }
    }
    total / count as f64
}

/// §2: the exact gradients of [`loss`] by backpropagation through time: (d params, d causes).
pub fn gradients(net: &Network, causes: &Mat, targets: &[Vec<Vector>]) -> (Params, Mat) {
    let p = &net.params;
    let (n_h, n_x) = (net.dims.n_h, net.dims.n_x);
    let steps = targets.first().map_or(0, Vec::len);
    let scale = 2.0 / (steps * targets.len() * n_x) as f64;
    let mut d = Params {
        w_o: Mat::zeros(n_x, n_h),
        b_o: Vector::zeros(n_x),
        w_c: Mat::zeros(n_h, net.dims.n_c),
        w_r: Mat::zeros(n_h, n_h),
        b_r: Vector::zeros(n_h),
    };
    let mut d_causes = Mat::zeros(net.dims.n_c, targets.len());
    for (k, target) in targets.iter().enumerate() {
        let c = causes.column(k).into_owned();
        // Forward: tanh(h_t) for t = 0..=T.
        let mut tanh_h = vec![tanh(&net.h0)];
        let mut h = net.h0.clone();
        for _ in 0..steps {
            h = h_prior(net, &h, &c);
            tanh_h.push(tanh(&h));
        }
        // Backward through time.
        let mut d_h = Vector::zeros(n_h);
        let mut d_pre_sum = Vector::zeros(n_h);
        for t in (1..=steps).rev() {
            let x_pred = &p.w_o * &tanh_h[t] + &p.b_o;
            let d_x = (x_pred - &target[t - 1]) * scale;
            d.w_o += &d_x * tanh_h[t].transpose();
            d.b_o += &d_x;
            let slope_t = tanh_h[t].map(|v| 1.0 - v * v);
            d_h += (p.w_o.transpose() * &d_x).component_mul(&slope_t);
            let d_pre = &d_h / net.tau;
            d.w_r += &d_pre * tanh_h[t - 1].transpose();
            d_pre_sum += &d_pre;
            let slope_before = tanh_h[t - 1].map(|v| 1.0 - v * v);
            d_h = &d_h * (1.0 - 1.0 / net.tau)
                + (p.w_r.transpose() * &d_pre).component_mul(&slope_before);
        }
        d.b_r += &d_pre_sum;
        d.w_c += &d_pre_sum * c.transpose();
        d_causes.set_column(k, &(p.w_c.transpose() * &d_pre_sum));
    }
    (d, d_causes)
}
