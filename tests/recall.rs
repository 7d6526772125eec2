//! Retrieval actually recalls: a network trained on a few of our letters finds each of them
//! again from random starts, and its posterior favours the right letter.

mod common;

use pcrnn::model::retrieve::{Recall, RecallSettings};
use pcrnn::model::train::{TrainConfig, Trainer};

#[test]
fn trained_letters_are_recalled_from_random_starts() {
    let data = common::letters(&["a", "c", "l", "o", "z"]);
    let mut trainer = Trainer::new(&data, &TrainConfig::default()).unwrap();
    trainer.run(600).unwrap();
    let loss = *trainer.losses().last().unwrap();
    assert!(loss < 0.02, "trained: loss {loss}");
    let model = trainer.model(RecallSettings::default());

    let settings = RecallSettings {
        trials: 300,
        ..RecallSettings::default()
    };
    let mut recall = Recall::new(&model, &data.trajectories, &settings, 1).unwrap();
    recall.advance(settings.trials);
    let report = recall.report();
    assert_eq!(report.predictions, data.labels, "best of starts");
    let right = report
        .runs
        .iter()
        .filter(|r| r.label == data.labels[r.target])
        .count();
    assert!(
        right * 2 >= report.runs.len(),
        "{right} of {} starts",
        report.runs.len()
    );
    for run in report
        .runs
        .iter()
        .filter(|r| r.label == data.labels[r.target])
    {
        let letter = report.letters.iter().position(|l| *l == run.label).unwrap();
        assert!(run.posterior[letter] > 0.5, "posterior {:?}", run.posterior);
    }
}
