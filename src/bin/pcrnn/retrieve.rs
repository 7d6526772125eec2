//! `pcrnn retrieve`: the seed's memory-retrieval experiment on a data set or on drawn strokes.

use std::path::PathBuf;
use std::time::Instant;

use clap::{ArgGroup, Args};
use pcrnn::data::formats::{parse_data_set, parse_model, parse_strokes};
use pcrnn::data::stroke::to_frame;
use pcrnn::kernels::real::Precision;
use pcrnn::model::prior::PriorForm;
use pcrnn::model::retrieve::{MAX_STARTS, MAX_TRIALS, Recall, RecallReport, Score};

use crate::progress::{bar, read_text};

#[derive(Args)]
#[command(group(ArgGroup::new("targets").required(true).args(["data", "strokes"])))]
pub struct RetrieveArgs {
    /// The trained model JSON.
    #[arg(long)]
    model: PathBuf,
    /// Recall the trajectories of a data-set JSON (already in the model's frame).
    #[arg(long)]
    data: Option<PathBuf>,
    /// Recall drawn strokes: {"strokes": [{"label": "p", "points": [[x, y, t_ms], ...]}]}.
    #[arg(long)]
    strokes: Option<PathBuf>,
    /// Random starts per target (default: the model's recall settings).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=MAX_STARTS as u64))]
    starts: Option<u64>,
    /// Trials per start (default: the model's recall settings).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=MAX_TRIALS as u64))]
    trials: Option<u64>,
    /// Seeds the random starts and the noise.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Override recall settings (JSON object, keys of RecallSettings).
    #[arg(long)]
    recall: Option<String>,
    /// The mixture prior's arithmetic: exact (log-sum-exp) or seed (float32 with a 1e-40 floor).
    #[arg(long, value_enum)]
    prior: Option<PriorForm>,
    /// The number type of the trials: f64 (the default here) or f32 (what the page computes in).
    #[arg(long, value_enum)]
    precision: Option<Precision>,
    /// Print one JSON object as the last line, and no progress bar.
    #[arg(long)]
    json: bool,
}

pub fn run(args: &RetrieveArgs) -> Result<(), String> {
    let model = parse_model(&read_text(&args.model)?)?;
    let (targets, labels) = load_targets(args, &model)?;

    let mut settings = match &args.recall {
        Some(text) => model.recall.overridden_by(text)?,
        None => model.recall.clone(),
    };
    if let Some(starts) = args.starts {
        settings.starts = starts as usize;
    }
    if let Some(trials) = args.trials {
        settings.trials = trials as usize;
    }
    if let Some(prior) = args.prior {
        settings.prior = prior;
    }
    if let Some(precision) = args.precision {
        settings.precision = precision;
    }

    let mut recall = Recall::new(&model, &targets, &settings, args.seed)?;
    let progress = bar(settings.trials as u64, args.json, "recalling");
    let started = Instant::now();
    while !recall.done() {
        let done = recall.advance(10);
        progress.set_position(done as u64);
    }
    let report = recall.report();
    let seconds = started.elapsed().as_secs_f64();
    progress.finish_and_clear();
    // Drawn strokes: the JSON report also gives them as mapped into the model's frame, so the
    // page's mapping can be compared with this one (tests/browser/parity.test.mjs).
    let mapped = args.strokes.is_some().then_some(&targets[..]);
    print_report(
        &report,
        &labels,
        mapped,
        seconds,
        settings.match_threshold,
        args.json,
    );
    Ok(())
}

type Trajectory = Vec<[f64; 2]>;

/// The targets in the model's frame, and their labels where known.
fn load_targets(
    args: &RetrieveArgs,
    model: &pcrnn::model::Model,
) -> Result<(Vec<Trajectory>, Vec<Option<String>>), String> {
    if let Some(path) = &args.data {
        let data = parse_data_set(&read_text(path)?)?;
        let labels = data.labels.into_iter().map(Some).collect();
        return Ok((data.trajectories, labels));
    }
    let path = args.strokes.as_ref().ok_or("give --data or --strokes")?;
    let strokes = parse_strokes(&read_text(path)?)?;
    let frame = &model.stroke_frame(None)?;
    let mut targets = Vec::with_capacity(strokes.len());
    for (k, stroke) in strokes.iter().enumerate() {
        targets.push(to_frame(&stroke.points, frame).map_err(|e| format!("stroke {k}: {e}"))?);
    }
    Ok((targets, strokes.into_iter().map(|s| s.label).collect()))
}

fn print_report(
    report: &RecallReport,
    labels: &[Option<String>],
    mapped: Option<&[Trajectory]>,
    seconds: f64,
    report_threshold: f64,
    json: bool,
) {
    let Score {
        per_start,
        best_of_starts: best,
        confusions: confused,
    } = report.score(labels);
    if json {
        let mut out = serde_json::json!({
            "accuracy_per_start": per_start,
            "accuracy_best_of_starts": best,
            "targets": labels.len(),
            "starts": report.runs.len() / labels.len().max(1),
            "trials": report.trials,
            "seconds": seconds,
            "predictions": report.predictions,
            "labels": labels,
            "confusions": confused,
            "match_errors": report.match_errors,
            "recognised": report.recognised,
            "beliefs": report.beliefs,
            "letters": report.letters,
            "not_recognised": report.recognised.iter().filter(|r| !**r).count(),
        });
        if let Some(mapped) = mapped {
            out["mapped"] = serde_json::json!(mapped);
        }
        println!("{out}");
        return;
    }
    for (target, prediction) in report.predictions.iter().enumerate() {
        let truth = labels[target].as_deref().unwrap_or("?");
        let starts: Vec<&str> = report
            .runs
            .iter()
            .filter(|r| r.target == target)
            .map(|r| r.label.as_str())
            .collect();
        let mark = if truth == prediction { "" } else { "  ✗" };
        let matched = if report.recognised[target] {
            ""
        } else {
            ", not recognised"
        };
        println!(
            "target {target:>3} ({truth}): recalled {prediction}  (starts: {}; match {:.3}{matched}){mark}",
            starts.join(" "),
            report.match_errors[target]
        );
    }
    let percent = |a: Option<f64>| {
        a.map_or("n/a (no labels)".to_string(), |a| {
            format!("{:.1} %", 100.0 * a)
        })
    };
    println!(
        "{} targets, {} trials in {seconds:.2} s: {} of starts recalled, {} best of starts",
        labels.len(),
        report.trials,
        percent(per_start),
        percent(best)
    );
    let refused = report.recognised.iter().filter(|r| !**r).count();
    println!(
        "{refused} of {} targets not recognised (match error above {}): \
         \"that doesn't look like any letter I have learned\"",
        labels.len(),
        report_threshold
    );
    if !confused.is_empty() {
        let list: Vec<String> = confused
            .iter()
            .map(|(truth, answer, n)| format!("{truth}→{answer} ×{n}"))
            .collect();
        println!("confusions (best of starts): {}", list.join(", "));
    }
}
