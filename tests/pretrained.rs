//! The shipped model, data/model.json (docs/tuning.md): it parses, carries valid tuned recall
//! settings and the data's frame, and regenerating it from data/letters.json with its stored
//! seed and iterations gives the same final loss; each memory regenerates its own letter.

use pcrnn::data::formats::{parse_data_set, parse_model};
use pcrnn::model::retrieve::{RecallSettings, generate};
use pcrnn::model::train::{TrainConfig, Trainer};

const MODEL: &str = include_str!("../data/model.json");
const LETTERS: &str = include_str!("../data/letters.json");

#[test]
fn the_shipped_model_parses_with_valid_tuned_settings_and_the_data_frame() {
    let model = parse_model(MODEL).unwrap();
    model.recall.check().unwrap();
    assert_ne!(
        model.recall,
        RecallSettings::default(),
        "the shipped model carries tuned settings, not the seed's"
    );
    let letters = parse_data_set(LETTERS).unwrap();
    assert_eq!(model.frame, letters.frame);
    assert_eq!(model.labels, letters.labels);
}

#[test]
fn regenerating_the_shipped_model_gives_its_final_loss() {
    let model = parse_model(MODEL).unwrap();
    let summary = model.training.expect("the model records its training");
    let stored = summary.final_loss.expect("and its final loss");
    let letters = parse_data_set(LETTERS).unwrap();
    let config = TrainConfig {
        seed: summary.seed,
        ..TrainConfig::default()
    };
    assert_eq!(
        (config.adam.lr, config.adam.weight_decay),
        (summary.lr, summary.weight_decay)
    );
    let mut trainer = Trainer::new(&letters, &config).unwrap();
    trainer.run(summary.iterations).unwrap();
    let loss = *trainer.losses().last().unwrap();
    assert!(
        (loss - stored).abs() <= 1e-9,
        "regenerated loss {loss} but data/model.json says {stored}"
    );
}

#[test]
fn each_memory_regenerates_its_letter_in_one_batch_as_alone() {
    let model = parse_model(MODEL).unwrap();
    let letters = parse_data_set(LETTERS).unwrap();
    let steps = letters.trajectories[0].len();
    let batch = generate(&model, &model.mus, steps);
    assert_eq!(batch.len(), letters.labels.len());
    let distance = |a: &[[f64; 2]], b: &[[f64; 2]]| {
        let sum: f64 = a
            .iter()
            .zip(b)
            .map(|(p, q)| (p[0] - q[0]).hypot(p[1] - q[1]))
            .sum();
        sum / steps as f64
    };
    for (k, generated) in batch.iter().enumerate() {
        let alone = generate(&model, &model.mus.columns(k, 1).into_owned(), steps);
        assert_eq!(
            alone[..],
            [&generated[..]],
            "memory {k}: the batch changed its letter"
        );
        let distances: Vec<f64> = letters
            .trajectories
            .iter()
            .map(|t| distance(generated, t))
            .collect();
        let nearest = (0..distances.len()).min_by(|&i, &j| distances[i].total_cmp(&distances[j]));
        assert_eq!(
            nearest,
            Some(k),
            "memory {k} ({}) draws another letter: {distances:.3?}",
            letters.labels[k]
        );
    }
}
