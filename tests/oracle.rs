//! The fast kernels against the plain-f64 oracle `model::equations`, at every instruction-set
//! level this CPU has (SSE2, AVX2 with FMA, AVX-512) and in both precisions, on random sizes.
//!
//! Tolerances, relative to the largest entry compared (at least 1), with what these cases show:
//! - f64: 1e-12. Only the summation order, FMA's single rounding and our tanh/exp (within
//!   1e-15 of libm's) differ (observed ≤ 1.3e-15).
//! - f32: 1e-5. f32 rounds at 6e-8; a trial compounds up to 8 steps of inference through tanh
//!   (observed ≤ 1.3e-7 for the training pass, ≤ 6.1e-7 for two trials).
//!
//! The instruction-set level is process-wide, so every case runs all levels in one test.

use nalgebra::{DMatrix, DVector};
use pcrnn::data::dataset::time_major;
use pcrnn::kernels::bptt::AnyWorkspace;
use pcrnn::kernels::noise::Noise;
use pcrnn::kernels::real::Precision;
use pcrnn::kernels::simd::{self, Level};
use pcrnn::kernels::step::{StepBuffers, step};
use pcrnn::kernels::trials::Runs;
use pcrnn::model::equations::{self, SequenceState};
use pcrnn::model::network::{Dims, Network, Rates};
use pcrnn::model::prior::{MixturePrior, PriorForm};

type Mat = DMatrix<f64>;
type Vector = DVector<f64>;

/// Each level this CPU has, with the ceiling set to it; the ceiling is lifted at the end.
fn each_level(mut case: impl FnMut(Level)) {
    for level in [Level::Baseline, Level::Avx2, Level::Avx512] {
        simd::set_ceiling(level);
        if simd::level() == level {
            case(level);
        } else {
            println!("{level:?}: not on this CPU, not tested");
        }
    }
    simd::set_ceiling(Level::Avx512);
}

fn assert_close(what: &str, ours: &[f64], oracle: &[f64], tolerance: f64) {
    assert_eq!(ours.len(), oracle.len(), "{what}: length");
    let scale = oracle.iter().fold(1.0_f64, |m, v| m.max(v.abs()));
    let worst = ours
        .iter()
        .zip(oracle)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    println!("{what}: {:.1e}", worst / scale);
    assert!(
        worst <= tolerance * scale,
        "{what}: worst difference {worst:e} (scale {scale:e}, tolerance {tolerance:e})"
    );
}

/// A random network, memories and batch of targets, the sizes drawn from `seed`.
struct Case {
    net: Network,
    mus: Mat,
    /// targets[k][t]: sequence k's target at step t.
    targets: Vec<Vec<[f64; 2]>>,
    c: Mat,
    h: Mat,
}

fn case(seed: u64) -> Case {
    let mut noise = Noise::new(seed);
    let mut pick =
        |lo: usize, hi: usize| lo + (noise.normal().abs() * 1e6) as usize % (hi - lo + 1);
    let dims = Dims {
        n_c: pick(1, 5),
        n_h: pick(3, 41),
        n_x: 2,
    };
    let (batch, steps, memories) = (pick(1, 11), pick(2, 8), pick(1, 9));
    let mut noise = Noise::new(seed + 1000);
    let net = Network::init(dims, 50.0, &mut noise);
    let mut normal = |scale: f64| noise.normal() * scale;
    let mus = Mat::from_fn(dims.n_c, memories, |_, _| normal(0.5));
    let targets = (0..batch)
        .map(|_| (0..steps).map(|_| [normal(0.8), normal(0.8)]).collect())
        .collect();
    let c = Mat::from_fn(dims.n_c, batch, |_, _| normal(1.0));
    let h = Mat::from_fn(dims.n_h, batch, |_, _| normal(1.0));
    Case {
        net,
        mus,
        targets,
        c,
        h,
    }
}

fn inference() -> Rates {
    Rates {
        alpha_x: 0.1,
        alpha_h: 0.05,
        alpha_c: 0.01,
        sigma_r: 0.7,
    }
}

fn column(targets: &[Vec<[f64; 2]>], k: usize, t: usize) -> Vector {
    Vector::from_column_slice(&targets[k][t])
}

/// One random stream per sequence of a batch, as recall gives each of its runs.
fn streams(seed: u64, batch: usize) -> Vec<Noise> {
    (0..batch).map(|k| Noise::for_run(seed, k, 0)).collect()
}

#[test]
fn one_step_with_inference_prior_and_noise_equals_the_oracle() {
    for seed in 0..12 {
        let Case {
            net,
            mus,
            targets,
            c,
            h,
        } = case(seed);
        let batch = c.ncols();
        let x_t = Mat::from_fn(2, batch, |d, k| targets[k][0][d]);
        let prior = MixturePrior {
            mus: &mus,
            sigma_c: 0.3,
            form: PriorForm::Exact,
        };
        each_level(|level| {
            let mut state = net.start(c.clone());
            state.h.copy_from(&h);
            let mut buf = StepBuffers::new(net.dims, batch);
            step(
                &net,
                &mut state,
                &x_t,
                &inference(),
                Some(&prior),
                &mut streams(seed, batch),
                &mut buf,
            );
            // The oracle takes the same normal numbers: n_c from each sequence's own stream.
            let mut xi = vec![0.0; net.dims.n_c * batch];
            for (stream, xi) in streams(seed, batch)
                .iter_mut()
                .zip(xi.chunks_exact_mut(net.dims.n_c))
            {
                stream.fill_normal(xi);
            }
            for k in 0..batch {
                let mut s = SequenceState {
                    h: h.column(k).into_owned(),
                    c: c.column(k).into_owned(),
                };
                let xi = Vector::from_column_slice(&xi[k * net.dims.n_c..][..net.dims.n_c]);
                let x_pred = equations::step(
                    &net,
                    &mut s,
                    &column(&targets, k, 0),
                    &inference(),
                    (&mus, 0.3),
                    &xi,
                );
                let what = format!("seed {seed} {level:?} sequence {k}");
                let ours = buf.x_pred.column(k).into_owned();
                assert_close(
                    &format!("{what} x_pred"),
                    ours.as_slice(),
                    x_pred.as_slice(),
                    1e-12,
                );
                let (h_ours, c_ours) = (
                    state.h.column(k).into_owned(),
                    state.c.column(k).into_owned(),
                );
                assert_close(
                    &format!("{what} h"),
                    h_ours.as_slice(),
                    s.h.as_slice(),
                    1e-12,
                );
                assert_close(
                    &format!("{what} c"),
                    c_ours.as_slice(),
                    s.c.as_slice(),
                    1e-12,
                );
            }
        });
    }
}

#[test]
fn recall_trials_equal_the_oracle_in_f64_and_f32() {
    for seed in 20..28 {
        let Case {
            net,
            mus,
            targets,
            c,
            ..
        } = case(seed);
        let (batch, steps, n_c) = (c.ncols(), targets[0].len(), net.dims.n_c);
        let sigma_c = 0.3;
        let prior = MixturePrior {
            mus: &mus,
            sigma_c,
            form: PriorForm::Exact,
        };
        // The oracle: two trials of every sequence, each from h_0, the noise drawn per step
        // from each sequence's own stream (n_c numbers a step).
        let mut noise = streams(seed, batch);
        let mut states: Vec<SequenceState> = (0..batch)
            .map(|k| SequenceState {
                h: net.h0.clone(),
                c: c.column(k).into_owned(),
            })
            .collect();
        let trials = 2;
        for _ in 0..trials {
            for s in states.iter_mut() {
                s.h = net.h0.clone();
            }
            for t in 0..steps {
                for (k, s) in states.iter_mut().enumerate() {
                    let mut xi = Vector::zeros(n_c);
                    noise[k].fill_normal(xi.as_mut_slice());
                    let x_t = column(&targets, k, t);
                    equations::step(&net, s, &x_t, &inference(), (&mus, sigma_c), &xi);
                }
            }
        }
        let oracle: Vec<f64> = states.iter().flat_map(|s| s.c.iter().copied()).collect();
        for (precision, tolerance) in [(Precision::F64, 1e-12), (Precision::F32, 1e-5)] {
            each_level(|level| {
                let mut runs = Runs::new(precision, &net, &time_major(&targets, 1), &c);
                let mut paths = vec![Vec::new(); batch];
                runs.advance(
                    trials,
                    &inference(),
                    &prior,
                    &mut streams(seed, batch),
                    &mut paths,
                );
                let what =
                    format!("seed {seed} {level:?} {precision:?} causes after {trials} trials");
                assert_close(&what, runs.causes(n_c).as_slice(), &oracle, tolerance);
            });
        }
    }
}

#[test]
fn the_prior_equals_the_oracle() {
    for seed in 40..52 {
        let Case { mus, c, .. } = case(seed);
        let prior = MixturePrior {
            mus: &mus,
            sigma_c: 0.2,
            form: PriorForm::Exact,
        };
        let (mut weights, mut pull) = (Vec::new(), vec![0.0; mus.nrows()]);
        for k in 0..c.ncols() {
            let point = c.column(k).into_owned();
            prior.pull(point.as_slice(), &mut weights, &mut pull);
            let what = format!("seed {seed} point {k}");
            let w = equations::mixture_weights(&point, &mus, 0.2);
            assert_close(&format!("{what} w"), &weights, w.as_slice(), 1e-12);
            let g = equations::g(&point, &mus, 0.2);
            assert_close(&format!("{what} g"), &pull, g.as_slice(), 1e-12);
        }
    }
}

#[test]
fn the_training_pass_and_its_gradients_equal_the_oracle() {
    for seed in 60..68 {
        let Case {
            net, targets, c, ..
        } = case(seed);
        let oracle_targets: Vec<Vec<Vector>> = targets
            .iter()
            .map(|t| t.iter().map(|x| Vector::from_column_slice(x)).collect())
            .collect();
        let loss = equations::loss(&net, &c, &oracle_targets);
        let (d, d_causes) = equations::gradients(&net, &c, &oracle_targets);
        for (precision, tolerance) in [(Precision::F64, 1e-12), (Precision::F32, 1e-5)] {
            each_level(|level| {
                let mut ws = AnyWorkspace::new(precision, net.dims, &time_major(&targets, 1));
                let ours = ws.forward(&net, &c);
                let mut grads = pcrnn::kernels::bptt::Gradients::zeros(net.dims, c.ncols());
                ws.backward(&net, &mut grads);
                let what = format!("seed {seed} {level:?} {precision:?}");
                assert_close(&format!("{what} loss"), &[ours], &[loss], tolerance);
                let g = &grads.params;
                for (name, ours, oracle) in [
                    ("dW_o", g.w_o.as_slice(), d.w_o.as_slice()),
                    ("db_o", g.b_o.as_slice(), d.b_o.as_slice()),
                    ("dW_c", g.w_c.as_slice(), d.w_c.as_slice()),
                    ("dW_r", g.w_r.as_slice(), d.w_r.as_slice()),
                    ("db_r", g.b_r.as_slice(), d.b_r.as_slice()),
                    ("dc", grads.causes.as_slice(), d_causes.as_slice()),
                ] {
                    assert_close(&format!("{what} {name}"), ours, oracle, tolerance);
                }
            });
        }
    }
}

/// The trained tensor `name` of `net` and `c`, as a slice.
fn tensor<'a>(net: &'a mut Network, c: &'a mut Mat, name: &str) -> &'a mut [f64] {
    let p = &mut net.params;
    match name {
        "W_o" => p.w_o.as_mut_slice(),
        "b_o" => p.b_o.as_mut_slice(),
        "W_c" => p.w_c.as_mut_slice(),
        "W_r" => p.w_r.as_mut_slice(),
        "b_r" => p.b_r.as_mut_slice(),
        _ => c.as_mut_slice(),
    }
}

#[test]
fn the_oracle_gradients_match_central_differences_of_the_oracle_loss() {
    let Case {
        mut net,
        targets,
        mut c,
        ..
    } = case(3);
    let targets: Vec<Vec<Vector>> = targets
        .iter()
        .map(|t| t.iter().map(|x| Vector::from_column_slice(x)).collect())
        .collect();
    let (d, d_causes) = equations::gradients(&net, &c, &targets);
    let eps = 1e-6;
    for (name, analytic) in [
        ("W_o", d.w_o.as_slice()),
        ("b_o", d.b_o.as_slice()),
        ("W_c", d.w_c.as_slice()),
        ("W_r", d.w_r.as_slice()),
        ("b_r", d.b_r.as_slice()),
        ("c", d_causes.as_slice()),
    ] {
        assert!(analytic.iter().any(|&g| g != 0.0), "{name}: all zero");
        for (i, &expected) in analytic.iter().enumerate() {
            let original = tensor(&mut net, &mut c, name)[i];
            tensor(&mut net, &mut c, name)[i] = original + eps;
            let plus = equations::loss(&net, &c, &targets);
            tensor(&mut net, &mut c, name)[i] = original - eps;
            let minus = equations::loss(&net, &c, &targets);
            tensor(&mut net, &mut c, name)[i] = original;
            let numeric = (plus - minus) / (2.0 * eps);
            assert!(
                (numeric - expected).abs() <= 1e-7 * (1.0 + expected.abs()),
                "{name}[{i}]: numeric {numeric:e} vs analytic {expected:e}"
            );
        }
    }
}
