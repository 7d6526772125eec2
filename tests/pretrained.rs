//! The shipped model, data/model.json (docs/tuning.md): it parses, carries the tuned recall
//! settings of data/recall.json and the data's frame, recalls every training letter, and each
//! memory regenerates its own letter. (Regenerating the model itself: tests/regeneration.rs.)

use pcrnn::data::formats::{parse_data_set, parse_model};
use pcrnn::model::retrieve::{Recall, RecallSettings, generate};

const MODEL: &str = include_str!("../data/model.json");
const LETTERS: &str = include_str!("../data/letters.json");
const TUNED_RECALL: &str = include_str!("../data/recall.json");

#[test]
fn the_shipped_model_parses_with_valid_tuned_settings_and_the_data_frame() {
    let model = parse_model(MODEL).unwrap();
    model.recall.check().unwrap();
    let tuned: RecallSettings = serde_json::from_str(TUNED_RECALL).unwrap();
    assert_eq!(
        model.recall, tuned,
        "the shipped model carries the tuned settings of data/recall.json"
    );
    assert_ne!(tuned, RecallSettings::default(), "tuned, not the seed's");
    let letters = parse_data_set(LETTERS).unwrap();
    assert_eq!(model.frame, letters.frame);
    assert_eq!(model.labels, letters.labels);
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

#[test]
fn the_shipped_model_recalls_every_training_letter_with_its_settings() {
    // Claimed (docs/tuning.md, `pcrnn retrieve --model data/model.json --data
    // data/letters.json`): all 20 best of 8 starts, 90.6 % of starts. Observed: 20 of 20.
    let model = parse_model(MODEL).unwrap();
    let letters = parse_data_set(LETTERS).unwrap();
    let mut recall = Recall::new(&model, &letters.trajectories, &model.recall, 0).unwrap();
    recall.advance(model.recall.trials);
    let report = recall.report();
    assert_eq!(report.predictions, letters.labels);
}
