//! The shipped model, data/model.json (docs/tuning.md): it parses, carries valid tuned recall
//! settings and the data's frame, and regenerating it from data/letters.json with its stored
//! seed and iterations gives the same final loss.

use pcrnn::formats::{parse_data_set, parse_model};
use pcrnn::retrieve::RecallSettings;
use pcrnn::train::{TrainConfig, Trainer};

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
