//! The same seed gives the same numbers; another seed gives others.

use pcrnn::data::dataset::DataSet;
use pcrnn::model::retrieve::{Recall, RecallSettings};
use pcrnn::model::train::{TrainConfig, Trainer};

fn curves() -> DataSet {
    let trajectories = (0..4)
        .map(|k| {
            (0..30)
                .map(|t| {
                    let s = t as f64 / 29.0 * std::f64::consts::TAU;
                    [
                        (s * (1.0 + k as f64 * 0.5)).sin(),
                        (s + k as f64).cos() * 0.7,
                    ]
                })
                .collect()
        })
        .collect();
    DataSet::new(
        vec!["a".into(), "b".into(), "c".into(), "d".into()],
        trajectories,
        None,
    )
    .unwrap()
}

fn train(seed: u64) -> Trainer {
    let config = TrainConfig {
        n_h: 20,
        seed,
        ..TrainConfig::default()
    };
    let mut trainer = Trainer::new(&curves(), &config).unwrap();
    trainer.run(30).unwrap();
    trainer
}

#[test]
fn training_is_reproducible_from_its_seed() {
    let (a, b, other) = (train(3), train(3), train(4));
    assert_eq!(a.losses(), b.losses());
    assert_eq!(a.network, b.network);
    assert_ne!(a.losses(), other.losses());
    assert!(
        a.losses()[29] < a.losses()[0],
        "loss falls: {:?}",
        a.losses()
    );
}

#[test]
fn retrieval_is_reproducible_from_its_seed_and_chunking_does_not_matter() {
    let data = curves();
    let model = train(3).model(RecallSettings::default());
    let settings = RecallSettings {
        trials: 40,
        ..RecallSettings::default()
    };
    let mut whole = Recall::new(&model, &data.trajectories, &settings, 9).unwrap();
    whole.advance(40);
    let mut chunked = Recall::new(&model, &data.trajectories, &settings, 9).unwrap();
    for _ in 0..8 {
        chunked.advance(5);
    }
    assert!(chunked.done());
    assert_eq!(whole.report(), chunked.report());
    assert_eq!(whole.path(5), chunked.path(5));
    let mut other = Recall::new(&model, &data.trajectories, &settings, 10).unwrap();
    other.advance(40);
    assert_ne!(whole.path(5), other.path(5));
    assert_eq!(whole.path(5).len(), 41, "the start and one point per trial");
}
