//! The structured trainer's gradients (letter parts summed over their exemplars, styles with
//! their prior) against central finite differences of its loss, for every way of making a cause.

use pcrnn::dataset::DataSet;
use pcrnn::real::Precision;
use pcrnn::structured::{StructuredConfig, StructuredTrainer, Style};

fn small_trainer(style: Style) -> StructuredTrainer {
    // Five sequences of three letters: two letters have two exemplars each.
    let trajectories: Vec<Vec<[f64; 2]>> = (0..5)
        .map(|k| {
            (0..12)
                .map(|t| {
                    let s = t as f64 / 11.0;
                    [
                        (3.0 * s + k as f64).sin(),
                        (2.0 * s * (k + 1) as f64).cos() - 0.5,
                    ]
                })
                .collect()
        })
        .collect();
    let labels = ["a", "b", "a", "c", "b"].map(String::from).to_vec();
    let data = DataSet::new(labels, trajectories, None).unwrap();
    let config = StructuredConfig {
        letter_dims: 2,
        style,
        style_weight: 0.7,
        n_h: 7,
        tau: 3.0,
        seed: 5,
        precision: Precision::F64,
        ..StructuredConfig::default()
    };
    let mut trainer = StructuredTrainer::new(&data, &config).unwrap();
    // Larger parts than the initial 0.01 so that their gradients are not negligible.
    trainer.letter *= 40.0;
    trainer.style *= 30.0;
    trainer
}

fn check(style: Style) {
    let mut trainer = small_trainer(style);
    trainer.loss_and_gradients();
    let (grads, d_letter, d_style) = trainer.part_gradients();
    let (d_letter, d_style, d_w_c) = (d_letter.clone(), d_style.clone(), grads.params.w_c.clone());
    assert!(!d_style.is_empty() || style == Style::None);
    let h = 1e-6;
    fn value<'a>(t: &'a mut StructuredTrainer, name: &str, i: usize) -> &'a mut f64 {
        match name {
            "letter" => &mut t.letter.as_mut_slice()[i],
            "style" => &mut t.style.as_mut_slice()[i],
            _ => &mut t.network.params.w_c.as_mut_slice()[i],
        }
    }
    let compare = |name: &str, i: usize, analytic: f64, trainer: &mut StructuredTrainer| {
        let original = *value(trainer, name, i);
        *value(trainer, name, i) = original + h;
        let plus = trainer.forward();
        *value(trainer, name, i) = original - h;
        let minus = trainer.forward();
        *value(trainer, name, i) = original;
        let numeric = (plus - minus) / (2.0 * h);
        let relative = (analytic - numeric).abs() / (analytic.abs() + numeric.abs()).max(1e-4);
        assert!(
            relative < 5e-6,
            "{style:?} {name}[{i}]: analytic {analytic} vs numeric {numeric}"
        );
    };
    for (i, &a) in d_letter.iter().enumerate() {
        compare("letter", i, a, &mut trainer);
    }
    for (i, &a) in d_style.iter().enumerate() {
        compare("style", i, a, &mut trainer);
    }
    for (i, &a) in d_w_c.iter().enumerate() {
        compare("w_c", i, a, &mut trainer);
    }
}

#[test]
fn split_gradients_match_central_differences() {
    check(Style::Split(2));
}

#[test]
fn offset_gradients_match_central_differences() {
    check(Style::Offset);
}

#[test]
fn shared_letter_gradients_match_central_differences() {
    check(Style::None);
}

#[test]
fn the_model_has_one_memory_per_letter_with_no_style() {
    let trainer = small_trainer(Style::Split(2));
    let model = trainer.model(Default::default());
    assert_eq!(model.labels, ["a", "b", "c"]);
    assert_eq!(model.mus.shape(), (4, 3));
    assert!(model.mus.rows(2, 2).iter().all(|&v| v == 0.0));
    assert_eq!(model.mus.rows(0, 2), trainer.letter);
}
