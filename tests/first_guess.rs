//! First guesses of recall starts: each start begins at a memory, the nearest letter first.

use pcrnn::dataset::DataSet;
use pcrnn::first_guess::{nearest_memories, templates};
use pcrnn::noise::Noise;
use pcrnn::retrieve::{Recall, RecallSettings};
use pcrnn::structured::{StructuredConfig, StructuredTrainer, Style};

fn model() -> pcrnn::model::Model {
    let trajectories: Vec<Vec<[f64; 2]>> = (0..3)
        .map(|k| {
            (0..20)
                .map(|t| {
                    let s = t as f64 / 19.0;
                    [(3.0 * s + k as f64).sin(), (2.0 * s * (k + 1) as f64).cos()]
                })
                .collect()
        })
        .collect();
    let data = DataSet::new(
        ["a", "b", "c"].map(String::from).to_vec(),
        trajectories,
        None,
    )
    .unwrap();
    let config = StructuredConfig {
        style: Style::None,
        n_h: 10,
        tau: 5.0,
        ..StructuredConfig::default()
    };
    let mut trainer = StructuredTrainer::new(&data, &config).unwrap();
    trainer.letter *= 100.0;
    trainer.model(RecallSettings::default())
}

#[test]
fn a_memorys_own_letter_starts_at_that_memory_then_the_next_nearest() {
    let model = model();
    let written = templates(&model, 20);
    let mut noise = Noise::new(1);
    let c = nearest_memories(&model, &written, &written, 4, 0.0, &mut noise);
    assert_eq!(c.shape(), (2, 12));
    for m in 0..3 {
        // Start 0 of target m (its own template) is memory m; start 3 wraps to the nearest again.
        assert_eq!(c.column(m), model.mus.column(m));
        assert_eq!(c.column(9 + m), model.mus.column(m));
        // Starts 1 and 2 are the two other memories.
        assert_ne!(c.column(3 + m), model.mus.column(m));
        assert_ne!(c.column(6 + m), c.column(3 + m));
    }
}

#[test]
fn recall_runs_from_the_given_starts_and_refuses_a_wrong_shape() {
    let model = model();
    let written = templates(&model, 20);
    let settings = RecallSettings {
        starts: 2,
        trials: 1,
        ..RecallSettings::default()
    };
    let mut noise = Noise::new(1);
    let c = nearest_memories(&model, &written, &written, 2, 0.0, &mut noise);
    let recall = Recall::with_starts(&model, &written, &settings, 0, c.clone()).unwrap();
    for run in 0..6 {
        let start: Vec<f64> = c.column(run).iter().copied().collect();
        assert_eq!(recall.path(run)[0], start);
    }
    let wrong = c.columns(0, 5).into_owned();
    assert!(Recall::with_starts(&model, &written, &settings, 0, wrong).is_err());
}
