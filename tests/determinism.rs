//! The same seed gives the same numbers; another seed gives others. In f64 and in f32 (the
//! page's arithmetic), and however the work is cut: the page's worker runs training and recall
//! in chunks sized by time, and takes snapshots (generated letters, what each start imagines)
//! between them when a timer says so.

use pcrnn::data::dataset::DataSet;
use pcrnn::kernels::real::Precision;
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
    train_in(seed, Precision::F64)
}

fn train_in(seed: u64, precision: Precision) -> Trainer {
    let config = TrainConfig {
        n_h: 20,
        seed,
        precision,
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

/// Uneven chunk sizes, as a time budget cuts them on a machine whose speed drifts.
const CHUNKS: [usize; 6] = [1, 7, 2, 11, 3, 6];

#[test]
fn f32_training_is_reproducible_and_chunks_and_snapshots_do_not_change_it() {
    let whole = train_in(3, Precision::F32);
    let config = TrainConfig {
        n_h: 20,
        seed: 3,
        precision: Precision::F32,
        ..TrainConfig::default()
    };
    let mut chunked = Trainer::new(&curves(), &config).unwrap();
    for &n in CHUNKS.iter().cycle() {
        let n = n.min(30 - chunked.losses().len());
        if n == 0 {
            break;
        }
        chunked.run(n).unwrap();
        // The page's snapshot between chunks: the letters the network writes, the model.
        let _ = chunked.generate();
        let _ = chunked.model(RecallSettings::default());
    }
    assert_eq!(chunked.losses(), whole.losses());
    assert_eq!(chunked.network, whole.network);
    assert_eq!(train_in(3, Precision::F32).losses(), whole.losses());
    assert_ne!(train_in(4, Precision::F32).losses(), whole.losses());
    assert_ne!(
        train(3).losses(),
        whole.losses(),
        "f32 is another arithmetic than f64"
    );
}

#[test]
fn f32_recall_is_reproducible_and_chunks_and_snapshots_do_not_change_it() {
    let data = curves();
    let model = train(3).model(RecallSettings::default());
    let settings = RecallSettings {
        trials: 40,
        precision: Precision::F32,
        ..RecallSettings::default()
    };
    let mut whole = Recall::new(&model, &data.trajectories, &settings, 9).unwrap();
    whole.advance(40);
    let mut chunked = Recall::new(&model, &data.trajectories, &settings, 9).unwrap();
    for &n in CHUNKS.iter().cycle() {
        if chunked.done() {
            break;
        }
        chunked.advance(n);
        // The page's snapshot between chunks: what each start imagines now.
        let _ = chunked.imagined();
    }
    assert_eq!(whole.report(), chunked.report());
    for run in 0..whole.runs() {
        assert_eq!(whole.path(run), chunked.path(run), "start {run}");
    }
    let mut other = Recall::new(&model, &data.trajectories, &settings, 10).unwrap();
    other.advance(40);
    assert_ne!(whole.path(5), other.path(5));
    let f64_settings = RecallSettings {
        precision: Precision::F64,
        ..settings.clone()
    };
    let mut in_f64 = Recall::new(&model, &data.trajectories, &f64_settings, 9).unwrap();
    in_f64.advance(40);
    assert_ne!(whole.path(5), in_f64.path(5), "f32 is another arithmetic");
}
