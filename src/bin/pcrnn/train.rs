//! `pcrnn train`: the seed's training run on a data set, saved as a model file.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use pcrnn::data::formats::{model_to_json, parse_data_set};
use pcrnn::kernels::real::Precision;
use pcrnn::model::adam::AdamConfig;
use pcrnn::model::retrieve::RecallSettings;
use pcrnn::model::train::{DEFAULT_ITERATIONS, MAX_ITERATIONS, TrainConfig, Trainer};

use crate::progress::{bar, read_text};

#[derive(Args)]
pub struct TrainArgs {
    /// Data-set JSON: {"labels": [...], "trajectories": [[[x, y], ...], ...]}.
    #[arg(long)]
    data: PathBuf,
    /// Training iterations (Adam steps on the whole set).
    #[arg(long, default_value_t = DEFAULT_ITERATIONS as u64,
          value_parser = clap::value_parser!(u64).range(1..=MAX_ITERATIONS as u64))]
    iters: u64,
    /// Seeds the initial weights and causes.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Where to write the trained model JSON.
    #[arg(long)]
    out: PathBuf,
    /// Adam's learning rate.
    #[arg(long, default_value_t = 0.03)]
    lr: f64,
    /// Size of the hidden state.
    #[arg(long, default_value_t = 50)]
    n_h: usize,
    /// Recall settings to store in the model (JSON object, keys of RecallSettings; others keep the seed's).
    #[arg(long)]
    recall: Option<String>,
    /// Also write the loss of every iteration, {"losses": [...]}, for `pcrnn figures --losses`.
    #[arg(long)]
    losses: Option<PathBuf>,
    /// The number type of training: f64 (the default here) or f32 (the page's arithmetic).
    #[arg(long, value_enum, default_value = "f64")]
    precision: Precision,
    /// Print one JSON object as the last line, and no progress bar.
    #[arg(long)]
    json: bool,
}

pub fn run(args: &TrainArgs) -> Result<(), String> {
    let data = parse_data_set(&read_text(&args.data)?)?;
    let recall = match &args.recall {
        Some(text) => RecallSettings::default().overridden_by(text)?,
        None => RecallSettings::default(),
    };
    let config = TrainConfig {
        n_h: args.n_h,
        seed: args.seed,
        precision: args.precision,
        adam: AdamConfig {
            lr: args.lr,
            ..AdamConfig::default()
        },
        ..TrainConfig::default()
    };
    let mut trainer = Trainer::new(&data, &config).map_err(|e| e.to_string())?;
    let progress = bar(args.iters, args.json, "training");
    let started = Instant::now();
    let mut failure = None;
    for _ in 0..args.iters {
        match trainer.step() {
            Ok(loss) => {
                progress.inc(1);
                if trainer.iteration() % 10 == 0 {
                    progress.set_message(format!("loss {loss:.5}"));
                }
            }
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    progress.finish_and_clear();
    // Whatever happened, the last good parameters are written: no work is lost.
    let model = trainer.model(recall);
    std::fs::write(&args.out, model_to_json(&model))
        .map_err(|e| format!("cannot write {}: {e}", args.out.display()))?;
    if let Some(path) = &args.losses {
        let text = serde_json::json!({ "losses": trainer.losses() }).to_string();
        std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    if let Some(e) = failure {
        return Err(format!("{e} (saved to {})", args.out.display()));
    }
    let final_loss = trainer.losses().last().copied().unwrap_or(f64::NAN);
    if args.json {
        let report = serde_json::json!({
            "final_loss": final_loss,
            "iters": trainer.iteration(),
            "seconds": seconds,
            "sequences": data.len(),
            "seed": args.seed,
            "precision": args.precision,
            "out": args.out.display().to_string(),
        });
        println!("{report}");
    } else {
        println!(
            "trained {} iterations on {} sequences in {seconds:.2} s: final loss {final_loss:.5}; model written to {}",
            trainer.iteration(),
            data.len(),
            args.out.display()
        );
    }
    Ok(())
}
