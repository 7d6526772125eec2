//! `pcrnn tune`: a seeded search over the recall settings that maximises recall of simulated
//! drawings, then a report on other simulated drawings that nothing was tuned on.
//!
//! The method (docs/tuning.md):
//! 1. train a model on the data set (and, with `--exemplars N`, on N simulated-then-normalised
//!    copies of every letter as extra exemplars; labels repeat);
//! 2. draw a tuning set of simulated drawings (`--tune-seed`) and map them into the model frame;
//! 3. score the seed's settings, then random ones around them (log-normal, a factor of about
//!    2 either way), then refine the best one parameter at a time (× and ÷ 1.5, then 1.2),
//!    then try other numbers of starts. Score = share recalled best of starts; ties go to the
//!    share of starts recalled, then to fewer starts (cheaper on the page);
//! 4. report the chosen settings, the seed's settings and the chosen settings with the seed's
//!    prior arithmetic on a held-out set of drawings (`--heldout-seed`).
//!
//! Every candidate uses the same recall seed, so two candidates differ only by their settings.

use std::cmp::Ordering;
use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use pcrnn::data::dataset::DataSet;
use pcrnn::data::formats::parse_data_set;
use pcrnn::data::simulate::{Ranges, simulate_set};
use pcrnn::data::stroke::{Frame, to_frame};
use pcrnn::kernels::noise::Noise;
use pcrnn::model::Model;
use pcrnn::model::prior::PriorForm;
use pcrnn::model::retrieve::{MAX_TRIALS, RecallSettings};
use pcrnn::model::train::{TrainConfig, Trainer};
use rayon::prelude::*;

use crate::progress::read_text;
use crate::threads::{self, Threads};

#[derive(Args)]
pub struct TuneArgs {
    /// Data-set JSON: the letters to learn and to draw.
    #[arg(long, default_value = "data/letters.json")]
    data: PathBuf,
    /// Seeds the model's training.
    #[arg(long, default_value_t = 0)]
    train_seed: u64,
    /// Training iterations.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=MAX_TRIALS as u64))]
    iters: u64,
    /// Extra training exemplars per letter: simulated drawings, normalised (0 = the data only).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=20))]
    exemplars: u64,
    /// Seeds the extra exemplars' drawings.
    #[arg(long, default_value_t = 303)]
    exemplar_seed: u64,
    /// Seeds the tuning drawings.
    #[arg(long, default_value_t = 101)]
    tune_seed: u64,
    /// Tuning drawings per letter.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=100))]
    tune_per_letter: u64,
    /// Seeds the held-out drawings (must differ from every other seed here).
    #[arg(long, default_value_t = 202)]
    heldout_seed: u64,
    /// Held-out drawings per letter.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=100))]
    heldout_per_letter: u64,
    /// Seeds the search's random candidates.
    #[arg(long, default_value_t = 0)]
    search_seed: u64,
    /// Random candidates (after the seed's settings).
    #[arg(long, default_value_t = 13, value_parser = clap::value_parser!(u64).range(0..=1000))]
    random: u64,
    /// Seeds the random starts and noise of every recall (the same for every candidate).
    #[arg(long, default_value_t = 0)]
    recall_seed: u64,
    /// Skip the search and report these settings (JSON object, keys of RecallSettings; the
    /// others keep the seed's), e.g. to measure another training set with the chosen ones.
    #[arg(long)]
    recall: Option<String>,
    /// Trials per start (fixed during the search).
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=MAX_TRIALS as u64))]
    trials: u64,
    #[command(flatten)]
    threads: Threads,
}

/// What a candidate scored: shares recalled best of starts and per start.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
struct Score {
    best_of_starts: f64,
    per_start: f64,
}

#[derive(Clone, Debug)]
struct Candidate {
    settings: RecallSettings,
    score: Score,
}

/// Better first: best of starts, then per start, then fewer starts.
fn better(a: &Candidate, b: &Candidate) -> bool {
    let key = |c: &Candidate| {
        (
            c.score.best_of_starts,
            c.score.per_start,
            -(c.settings.starts as f64),
        )
    };
    key(a).partial_cmp(&key(b)) == Some(Ordering::Greater)
}

/// The labelled targets of one evaluation, in the model's frame.
struct Targets {
    trajectories: Vec<Vec<[f64; 2]>>,
    labels: Vec<String>,
}

pub fn run(args: &TuneArgs) -> Result<(), String> {
    args.threads.run(|| tune(args))?
}

fn tune(args: &TuneArgs) -> Result<(), String> {
    let started = Instant::now();
    let letters = parse_data_set(&read_text(&args.data)?)?;
    let frame = letters
        .frame
        .clone()
        .ok_or("the data set has no frame, so drawings cannot be mapped into it")?;
    let training = with_exemplars(&letters, &frame, args)?;
    let model = train(&training, args)?;
    let tuning = drawings(&letters, &frame, args.tune_per_letter, args.tune_seed)?;
    let heldout = drawings(&letters, &frame, args.heldout_per_letter, args.heldout_seed)?;
    println!(
        "tuning on {} drawings (seed {}), holding out {} (seed {})",
        tuning.labels.len(),
        args.tune_seed,
        heldout.labels.len(),
        args.heldout_seed
    );

    let base = RecallSettings {
        trials: args.trials as usize,
        ..RecallSettings::default()
    };
    let chosen = match &args.recall {
        Some(text) => given(text, &base, &model, &tuning, args)?,
        None => search(&model, &tuning, &base, args)?,
    };

    println!("held-out drawings: chosen settings, the seed's, and chosen with the seed's prior");
    let seed_prior = RecallSettings {
        prior: PriorForm::Seed,
        ..chosen.settings.clone()
    };
    let finals = [chosen.settings.clone(), base.clone(), seed_prior];
    let scores = in_parallel(&finals, |s| evaluate(&model, &heldout, s, args.recall_seed))?;
    for (name, score) in ["chosen", "seed's", "chosen, seed prior"]
        .iter()
        .zip(&scores)
    {
        println!("  {name:<18} {}", show(score));
    }
    let report = serde_json::json!({
        "recall": chosen.settings,
        "tuning": chosen.score,
        "heldout": scores[0],
        "heldout_seed_settings": scores[1],
        "heldout_seed_prior": scores[2],
        "train_seed": args.train_seed,
        "iters": args.iters,
        "exemplars": args.exemplars,
        "final_loss": model.training.as_ref().and_then(|t| t.final_loss),
        "tune_drawings": tuning.labels.len(),
        "heldout_drawings": heldout.labels.len(),
        "seconds": started.elapsed().as_secs_f64(),
    });
    println!("{report}");
    Ok(())
}

/// The settings of `--recall`, scored on the tuning set (no search).
fn given(
    text: &str,
    base: &RecallSettings,
    model: &Model,
    tuning: &Targets,
    args: &TuneArgs,
) -> Result<Candidate, String> {
    let settings = base.overridden_by(text)?;
    let score = evaluate(model, tuning, &settings, args.recall_seed)?;
    println!(
        "given settings on the tuning set: {}  {}",
        show(&score),
        describe(&settings)
    );
    Ok(Candidate { settings, score })
}

/// The data set plus `--exemplars` simulated drawings of each letter, normalised into its frame.
fn with_exemplars(letters: &DataSet, frame: &Frame, args: &TuneArgs) -> Result<DataSet, String> {
    if args.exemplars == 0 {
        return Ok(letters.clone());
    }
    let extra = drawings(letters, frame, args.exemplars, args.exemplar_seed)?;
    let mut labels = letters.labels.clone();
    let mut trajectories = letters.trajectories.clone();
    labels.extend(extra.labels);
    trajectories.extend(extra.trajectories);
    DataSet::new(labels, trajectories, Some(frame.clone()))
}

fn train(data: &DataSet, args: &TuneArgs) -> Result<Model, String> {
    let config = TrainConfig {
        seed: args.train_seed,
        ..TrainConfig::default()
    };
    let mut trainer = Trainer::new(data, &config).map_err(|e| e.to_string())?;
    trainer
        .run(args.iters as usize)
        .map_err(|e| e.to_string())?;
    let model = trainer.model(RecallSettings::default());
    let loss = trainer.losses().last().copied().unwrap_or(f64::NAN);
    println!(
        "trained on {} sequences, seed {}, {} iterations: final loss {loss:.5}",
        data.len(),
        args.train_seed,
        args.iters
    );
    Ok(model)
}

/// `per_letter` simulated drawings of every letter, mapped into the frame.
fn drawings(
    letters: &DataSet,
    frame: &Frame,
    per_letter: u64,
    seed: u64,
) -> Result<Targets, String> {
    let strokes = simulate_set(
        &letters.labels,
        &letters.trajectories,
        per_letter as usize,
        &Ranges::typical(),
        seed,
    )?;
    let mut targets = Targets {
        trajectories: Vec::with_capacity(strokes.len()),
        labels: Vec::with_capacity(strokes.len()),
    };
    for stroke in strokes {
        targets
            .trajectories
            .push(to_frame(&stroke.points, frame).map_err(|e| e.to_string())?);
        targets.labels.extend(stroke.label);
    }
    Ok(targets)
}

/// Recall every target with `settings` (its starts split over the threads) and score the
/// answers against the labels.
fn evaluate(
    model: &Model,
    targets: &Targets,
    settings: &RecallSettings,
    seed: u64,
) -> Result<Score, String> {
    let report = threads::recall(model, &targets.trajectories, settings, seed, &|_| ())?;
    let labels: Vec<Option<String>> = targets.labels.iter().cloned().map(Some).collect();
    let score = report.score(&labels);
    Ok(Score {
        best_of_starts: score.best_of_starts.unwrap_or(0.0),
        per_start: score.per_start.unwrap_or(0.0),
    })
}

/// Maps `f` over `items` on the threads (each candidate's recall splits further), in order.
fn in_parallel<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> Result<R, String> + Sync,
) -> Result<Vec<R>, String> {
    items.par_iter().map(&f).collect()
}

fn show(score: &Score) -> String {
    format!(
        "{:5.1} % best of starts, {:5.1} % of starts",
        100.0 * score.best_of_starts,
        100.0 * score.per_start
    )
}

/// The search: the seed's settings, random ones around them, refinement, then starts.
fn search(
    model: &Model,
    tuning: &Targets,
    base: &RecallSettings,
    args: &TuneArgs,
) -> Result<Candidate, String> {
    let score_all = |batch: Vec<RecallSettings>| -> Result<Vec<Candidate>, String> {
        let scores = in_parallel(&batch, |s| evaluate(model, tuning, s, args.recall_seed))?;
        let scored: Vec<Candidate> = batch
            .into_iter()
            .zip(scores)
            .map(|(settings, score)| Candidate { settings, score })
            .collect();
        for c in &scored {
            println!("  {}  {}", show(&c.score), describe(&c.settings));
        }
        Ok(scored)
    };
    let mut noise = Noise::new(args.search_seed);
    println!("random search around the seed's settings");
    let mut batch = vec![base.clone()];
    batch.extend((0..args.random).map(|_| around(base, 0.7, &mut noise)));
    let mut best = pick(score_all(batch)?, None);
    for factor in [1.5, 1.2] {
        println!("refining one parameter at a time, × and ÷ {factor}");
        for name in ["alpha_h", "alpha_c", "sigma_c", "sigma_r"] {
            let batch = [factor, 1.0 / factor]
                .iter()
                .map(|f| scaled(&best.settings, name, *f))
                .collect();
            best = pick(score_all(batch)?, Some(best));
        }
    }
    println!("number of starts");
    let batch = [2, 6, 8]
        .iter()
        .map(|&starts| RecallSettings {
            starts,
            ..best.settings.clone()
        })
        .collect();
    best = pick(score_all(batch)?, Some(best));
    println!(
        "chosen on the tuning set: {}  {}",
        show(&best.score),
        describe(&best.settings)
    );
    Ok(best)
}

fn pick(candidates: Vec<Candidate>, incumbent: Option<Candidate>) -> Candidate {
    let mut best = incumbent;
    for c in candidates {
        if best.as_ref().is_none_or(|b| better(&c, b)) {
            best = Some(c);
        }
    }
    // Only called with at least one candidate or an incumbent.
    best.unwrap_or_else(|| Candidate {
        settings: RecallSettings::default(),
        score: Score {
            best_of_starts: 0.0,
            per_start: 0.0,
        },
    })
}

/// The four searched rates, each multiplied by exp(spread · N(0, 1)).
fn around(base: &RecallSettings, spread: f64, noise: &mut Noise) -> RecallSettings {
    let mut s = base.clone();
    for name in ["alpha_h", "alpha_c", "sigma_c", "sigma_r"] {
        s = scaled(&s, name, (spread * noise.normal()).exp());
    }
    s
}

fn scaled(s: &RecallSettings, name: &str, factor: f64) -> RecallSettings {
    let mut s = s.clone();
    let value = match name {
        "alpha_h" => &mut s.alpha_h,
        "alpha_c" => &mut s.alpha_c,
        "sigma_c" => &mut s.sigma_c,
        _ => &mut s.sigma_r,
    };
    *value *= factor;
    s
}

fn describe(s: &RecallSettings) -> String {
    format!(
        "alpha_h {:.4} alpha_c {:.4} sigma_c {:.4} sigma_r {:.3} starts {}",
        s.alpha_h, s.alpha_c, s.sigma_c, s.sigma_r, s.starts
    )
}
