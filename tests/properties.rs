//! Property tests (proptest): the stroke pipeline does not care where, how large or how fast a
//! letter was drawn, and the prior's pull is the gradient of its log density (docs/design.md §1, §4).

use pcrnn::data::stroke::{Frame, to_frame};
use pcrnn::model::network::Mat;
use pcrnn::model::prior::{MixturePrior, PriorForm};
use proptest::prelude::*;

const TOLERANCE: f64 = 1e-6;

fn frame() -> Frame {
    Frame {
        length: 60,
        start: [0.3, -0.2],
        size: 0.8,
    }
}

/// A drawn stroke: 2–300 pointer samples on a canvas a few thousand pixels wide, increasing times.
fn stroke() -> impl Strategy<Value = Vec<[f64; 3]>> {
    prop::collection::vec(
        (-2000.0..2000.0f64, -2000.0..2000.0f64, 0.0..40.0f64),
        2..300,
    )
    .prop_map(|samples| {
        let mut t = 0.0;
        samples
            .into_iter()
            .map(|(x, y, dt)| {
                t += dt;
                [x, y, t]
            })
            .collect()
    })
}

fn largest_difference(a: &[[f64; 2]], b: &[[f64; 2]]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .flatten()
        .zip(b.iter().flatten())
        .map(|(p, q)| (p - q).abs())
        .fold(0.0, f64::max)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn shifting_a_stroke_does_not_change_it(
        points in stroke(),
        dx in -1e4..1e4f64,
        dy in -1e4..1e4f64,
    ) {
        let Ok(plain) = to_frame(&points, &frame()) else { return Err(TestCaseError::reject("degenerate")) };
        let moved: Vec<[f64; 3]> = points.iter().map(|p| [p[0] + dx, p[1] + dy, p[2]]).collect();
        let shifted = to_frame(&moved, &frame()).expect("a shifted stroke maps too");
        let d = largest_difference(&plain, &shifted);
        prop_assert!(d < TOLERANCE, "shift ({dx}, {dy}) moved a point by {d}");
    }

    #[test]
    fn scaling_a_stroke_does_not_change_it(points in stroke(), scale in 1e-2..1e3f64) {
        let Ok(plain) = to_frame(&points, &frame()) else { return Err(TestCaseError::reject("degenerate")) };
        let grown: Vec<[f64; 3]> = points.iter().map(|p| [p[0] * scale, p[1] * scale, p[2]]).collect();
        let scaled = to_frame(&grown, &frame()).expect("a scaled stroke maps too");
        let d = largest_difference(&plain, &scaled);
        prop_assert!(d < TOLERANCE, "scale {scale} moved a point by {d}");
    }

    #[test]
    fn drawing_speed_does_not_change_a_stroke(points in stroke(), slower in 0.1..10.0f64) {
        let Ok(plain) = to_frame(&points, &frame()) else { return Err(TestCaseError::reject("degenerate")) };
        let slow: Vec<[f64; 3]> = points.iter().map(|p| [p[0], p[1], p[2] * slower]).collect();
        let timed = to_frame(&slow, &frame()).expect("a slower stroke maps too");
        prop_assert_eq!(plain, timed);
    }

    #[test]
    fn a_mapped_stroke_lives_in_the_frame(points in stroke()) {
        let Ok(letter) = to_frame(&points, &frame()) else { return Err(TestCaseError::reject("degenerate")) };
        let f = frame();
        prop_assert_eq!(letter.len(), f.length);
        prop_assert!((letter[0][0] - f.start[0]).abs() < TOLERANCE);
        prop_assert!((letter[0][1] - f.start[1]).abs() < TOLERANCE);
        let n = letter.len() as f64;
        let c = letter.iter().fold([0.0; 2], |a, p| [a[0] + p[0] / n, a[1] + p[1] / n]);
        let rms = (letter.iter().map(|p| (p[0] - c[0]).powi(2) + (p[1] - c[1]).powi(2)).sum::<f64>() / n).sqrt();
        prop_assert!((rms - f.size).abs() < TOLERANCE, "RMS radius {rms}, frame size {}", f.size);
    }

    /// Any finite frame, however large: the letter is finite points or a refusal (a frame with
    /// start and size near f64::MAX used to give infinite points).
    #[test]
    fn any_finite_frame_gives_finite_points_or_an_error(
        points in stroke(),
        start in (-f64::MAX..f64::MAX, -f64::MAX..f64::MAX),
        size in prop_oneof![1e-300..1.0f64, 1.0..f64::MAX],
    ) {
        let frame = Frame { length: 60, start: [start.0, start.1], size };
        if let Ok(letter) = to_frame(&points, &frame) {
            prop_assert!(letter.iter().flatten().all(|v| v.is_finite()), "{frame:?} gave {letter:?}");
        }
    }

    /// g(c) = ∇ log Σ_k exp(-|c - mu_k|² / (2 sigma_c²)) / 2, checked by central differences.
    #[test]
    fn the_prior_pull_is_the_gradient_of_its_log_density(
        mus in prop::collection::vec((-3.0..3.0f64, -3.0..3.0f64), 1..20),
        sigma_c in 0.1..2.0f64,
        c in (-4.0..4.0f64, -4.0..4.0f64),
    ) {
        let flat: Vec<f64> = mus.iter().flat_map(|&(x, y)| [x, y]).collect();
        let mus = Mat::from_column_slice(2, mus.len(), &flat);
        let prior = MixturePrior { mus: &mus, sigma_c, form: PriorForm::Exact };
        let half_log_density = |c: [f64; 2]| {
            let logits: Vec<f64> = mus
                .column_iter()
                .map(|m| -((c[0] - m[0]).powi(2) + (c[1] - m[1]).powi(2)) / (2.0 * sigma_c * sigma_c))
                .collect();
            let max = logits.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            (max + logits.iter().map(|l| (l - max).exp()).sum::<f64>().ln()) / 2.0
        };
        let c = [c.0, c.1];
        let (mut weights, mut pull) = (Vec::new(), [0.0; 2]);
        prior.pull(&c, &mut weights, &mut pull);
        let h = 1e-6;
        for d in 0..2 {
            let (mut plus, mut minus) = (c, c);
            plus[d] += h;
            minus[d] -= h;
            let numeric = (half_log_density(plus) - half_log_density(minus)) / (2.0 * h);
            let error = (numeric - pull[d]).abs();
            prop_assert!(error < 1e-5 * (1.0 + pull[d].abs()), "dim {d}: numeric {numeric}, pull {}", pull[d]);
        }
        let total: f64 = weights.iter().sum();
        prop_assert!((total - 1.0).abs() < 1e-12, "weights sum to {total}");
    }
}
