//! Backpropagation through time against central finite differences, for every trained tensor.

use pcrnn::data::dataset::DataSet;
use pcrnn::model::network::Mat;
use pcrnn::model::train::{TrainConfig, Trainer};

fn small_trainer() -> Trainer {
    // A small network with a short time constant so the recurrence matters within 12 steps.
    let trajectories: Vec<Vec<[f64; 2]>> = (0..3)
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
    let labels = vec!["a".into(), "b".into(), "c".into()];
    let data = DataSet::new(labels, trajectories, None).unwrap();
    let config = TrainConfig {
        n_h: 7,
        tau: 3.0,
        seed: 11,
        ..TrainConfig::default()
    };
    let mut trainer = Trainer::new(&data, &config).unwrap();
    // Larger causes than the seed's 0.01 so their gradient is not negligible.
    trainer.causes *= 40.0;
    trainer
}

/// Which tensor of the trainer to perturb.
fn tensor<'a>(trainer: &'a mut Trainer, name: &str) -> &'a mut [f64] {
    let p = &mut trainer.network.params;
    match name {
        "w_o" => p.w_o.as_mut_slice(),
        "b_o" => p.b_o.as_mut_slice(),
        "w_c" => p.w_c.as_mut_slice(),
        "w_r" => p.w_r.as_mut_slice(),
        "b_r" => p.b_r.as_mut_slice(),
        _ => trainer.causes.as_mut_slice(),
    }
}

#[test]
fn every_gradient_matches_central_differences() {
    let mut trainer = small_trainer();
    let (_, grads) = trainer.loss_and_gradients();
    let g = &grads.params;
    let analytic: [(&str, &[f64]); 6] = [
        ("w_o", g.w_o.as_slice()),
        ("b_o", g.b_o.as_slice()),
        ("w_c", g.w_c.as_slice()),
        ("w_r", g.w_r.as_slice()),
        ("b_r", g.b_r.as_slice()),
        ("c", grads.causes.as_slice()),
    ];
    let h = 1e-6;
    let mut worst = (0.0_f64, "");
    for (name, analytic) in analytic {
        for (i, &a) in analytic.iter().enumerate() {
            let original = tensor(&mut trainer, name)[i];
            tensor(&mut trainer, name)[i] = original + h;
            let plus = trainer.forward();
            tensor(&mut trainer, name)[i] = original - h;
            let minus = trainer.forward();
            tensor(&mut trainer, name)[i] = original;
            let numeric = (plus - minus) / (2.0 * h);
            // Central differences carry ~1e-10 of round-off, so tiny entries get an absolute floor.
            let relative = (a - numeric).abs() / (a.abs() + numeric.abs()).max(1e-4);
            if relative > worst.0 {
                worst = (relative, name);
            }
            assert!(
                relative < 5e-6,
                "{name}[{i}]: analytic {a} vs numeric {numeric}"
            );
        }
    }
    println!("worst relative error {:.2e} (in {})", worst.0, worst.1);
}

#[test]
fn gradient_is_not_trivially_zero() {
    let mut trainer = small_trainer();
    let (loss, grads) = trainer.loss_and_gradients();
    assert!(loss > 1e-3);
    let norm = |m: &Mat| m.norm();
    assert!(norm(&grads.params.w_r) > 1e-4 && norm(&grads.causes) > 1e-5);
}
