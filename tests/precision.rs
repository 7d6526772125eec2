//! f32 passes (the browser's default) against f64 ones: the same gradients to f32 accuracy,
//! and training and recall that work as well.

mod common;

use pcrnn::data::dataset::DataSet;
use pcrnn::kernels::real::Precision;
use pcrnn::model::network::Mat;
use pcrnn::model::retrieve::{Recall, RecallSettings};
use pcrnn::model::train::{TrainConfig, Trainer};

fn trainer(data: &DataSet, precision: Precision) -> Trainer {
    let config = TrainConfig {
        precision,
        ..TrainConfig::default()
    };
    Trainer::new(data, &config).unwrap()
}

#[test]
fn f32_gradients_match_f64_ones_to_f32_accuracy() {
    let data = common::letters(&["a", "b", "c", "d", "e", "g", "h", "l"]);
    let (mut single, mut double) = (
        trainer(&data, Precision::F32),
        trainer(&data, Precision::F64),
    );
    // Somewhere into training, where the gradients are not those of the initial weights.
    double.run(50).unwrap();
    single.network = double.network.clone();
    single.causes = double.causes.clone();
    let (loss32, g32) = single.loss_and_gradients();
    let (loss64, g64) = double.loss_and_gradients();
    assert!(
        (loss32 - loss64).abs() < 1e-5 * loss64,
        "{loss32} vs {loss64}"
    );
    let pairs: [(&str, &Mat, &Mat); 4] = [
        ("w_o", &g32.params.w_o, &g64.params.w_o),
        ("w_c", &g32.params.w_c, &g64.params.w_c),
        ("w_r", &g32.params.w_r, &g64.params.w_r),
        ("c", &g32.causes, &g64.causes),
    ];
    for (name, a, b) in pairs {
        let relative = (a - b).norm() / b.norm();
        println!("{name}: f32 vs f64 gradient, relative difference {relative:.1e}");
        assert!(relative < 1e-4, "{name}: relative difference {relative:e}");
    }
    let relative = (&g32.params.b_r - &g64.params.b_r).norm() / g64.params.b_r.norm();
    assert!(relative < 1e-4, "b_r: relative difference {relative:e}");
}

#[test]
fn f32_training_and_recall_work_like_f64() {
    let data = common::letters(&["a", "c", "l", "o", "z"]);
    let mut single = trainer(&data, Precision::F32);
    single.run(600).unwrap();
    let loss = *single.losses().last().unwrap();
    println!("final loss after 600 iterations in f32: {loss:.5}");
    assert!(loss < 0.02, "trained in f32: loss {loss}");
    let model = single.model(RecallSettings::default());
    let settings = RecallSettings {
        trials: 300,
        precision: Precision::F32,
        ..RecallSettings::default()
    };
    let mut recall = Recall::new(&model, &data.trajectories, &settings, 1).unwrap();
    recall.advance(settings.trials);
    assert_eq!(recall.report().predictions, data.labels, "best of starts");
}
