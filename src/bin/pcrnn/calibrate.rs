//! `pcrnn calibrate`: the match errors of drawn copies of the learned letters, of letters in
//! other fonts and of junk, to choose the recognition threshold (docs/tuning.md, "Knowing when
//! it does not know").

use std::path::PathBuf;

use clap::Args;
use pcrnn::data::formats::{Stroke, parse_data_set, parse_model};
use pcrnn::data::junk::{Junk, junk_set};
use pcrnn::data::simulate::{Ranges, simulate_set};
use pcrnn::data::stroke::to_frame;
use pcrnn::model::Model;
use pcrnn::model::retrieve::{RecallReport, RecallSettings};

use crate::progress::{bar, read_text};
use crate::threads::{self, Threads};

#[derive(Args)]
pub struct CalibrateArgs {
    /// The trained model JSON; its recall settings (with --recall merged in) are used.
    #[arg(long, default_value = "data/model.json")]
    model: PathBuf,
    /// The learned letters, drawn as a visitor would (`pcrnn simulate`).
    #[arg(long, default_value = "data/letters.json")]
    data: PathBuf,
    /// Drawings of every letter.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=100))]
    per_letter: u64,
    /// Seeds the drawings (202 is the held-out check's; 404 the calibration's).
    #[arg(long, default_value_t = 404)]
    draw_seed: u64,
    /// Letters the model did not learn, already in its frame (other fonts).
    #[arg(long, default_value = "data/letters-heldout.json")]
    other: PathBuf,
    /// Junk strokes of every kind (dot, scribble, line, circle, random walk).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=100))]
    junk_per_kind: u64,
    /// Seeds the junk.
    #[arg(long, default_value_t = 505)]
    junk_seed: u64,
    /// Seeds the recall (as `pcrnn retrieve --seed`).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Override recall settings (JSON object, keys of RecallSettings).
    #[arg(long)]
    recall: Option<String>,
    /// Print one JSON object as the last line, and no progress bar.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    threads: Threads,
}

/// One group of targets and the match errors recall found for them.
struct Group {
    name: String,
    errors: Vec<f64>,
}

pub fn run(args: &CalibrateArgs) -> Result<(), String> {
    let model = parse_model(&read_text(&args.model)?)?;
    let settings = match &args.recall {
        Some(text) => model.recall.overridden_by(text)?,
        None => model.recall.clone(),
    };
    let letters = parse_data_set(&read_text(&args.data)?)?;
    let other = parse_data_set(&read_text(&args.other)?)?;
    let drawn = simulate_set(
        &letters.labels,
        &letters.trajectories,
        args.per_letter as usize,
        &Ranges::typical(),
        args.draw_seed,
    )?;
    let frame = model.stroke_frame(Some(&letters))?;
    let in_frame = |strokes: &[Stroke]| -> Result<Vec<Vec<[f64; 2]>>, String> {
        strokes
            .iter()
            .enumerate()
            .map(|(k, s)| to_frame(&s.points, &frame).map_err(|e| format!("stroke {k}: {e}")))
            .collect()
    };
    let junk = junk_set(args.junk_per_kind as usize, args.junk_seed);

    let recall = |what: &str, targets: &[Vec<[f64; 2]>]| {
        args.threads
            .run(|| recall_all(&model, targets, &settings, args.seed, args.json, what))?
    };
    let drawn_report = recall("drawn copies", &in_frame(&drawn)?)?;
    let other_report = recall("other fonts", &other.trajectories)?;
    let junk_report = recall("junk", &in_frame(&junk)?)?;

    let mut groups = vec![
        Group {
            name: "drawn copies".into(),
            errors: drawn_report.match_errors.clone(),
        },
        Group {
            name: "other fonts".into(),
            errors: other_report.match_errors.clone(),
        },
    ];
    let per_kind = args.junk_per_kind as usize;
    for (k, kind) in Junk::ALL.iter().enumerate() {
        groups.push(Group {
            name: kind.name().into(),
            errors: junk_report.match_errors[k * per_kind..(k + 1) * per_kind].to_vec(),
        });
    }
    groups.push(Group {
        name: "all junk".into(),
        errors: junk_report.match_errors.clone(),
    });
    // Drawn copies recalled as their own letter, and other-font letters recalled right: how
    // the threshold treats right and wrong answers.
    let right = |report: &RecallReport, labels: &[String]| -> (Vec<f64>, Vec<f64>) {
        let (mut right, mut wrong) = (Vec::new(), Vec::new());
        for ((error, answer), truth) in report
            .match_errors
            .iter()
            .zip(&report.predictions)
            .zip(labels)
        {
            if answer == truth {
                &mut right
            } else {
                &mut wrong
            }
            .push(*error);
        }
        (right, wrong)
    };
    let drawn_labels: Vec<String> = drawn.iter().filter_map(|s| s.label.clone()).collect();
    let (other_right, other_wrong) = right(&other_report, &other.labels);
    let (drawn_right, drawn_wrong) = right(&drawn_report, &drawn_labels);
    groups.extend([
        Group {
            name: "drawn, recalled right".into(),
            errors: drawn_right,
        },
        Group {
            name: "drawn, recalled wrong".into(),
            errors: drawn_wrong,
        },
        Group {
            name: "other fonts, recalled right".into(),
            errors: other_right,
        },
        Group {
            name: "other fonts, recalled wrong".into(),
            errors: other_wrong,
        },
    ]);
    print(&groups, &settings, args.json);
    Ok(())
}

fn recall_all(
    model: &Model,
    targets: &[Vec<[f64; 2]>],
    settings: &RecallSettings,
    seed: u64,
    quiet: bool,
    what: &str,
) -> Result<RecallReport, String> {
    // The bar counts trials of one start; each thread's part adds its own.
    let progress = bar((settings.trials * settings.starts) as u64, quiet, what);
    let report = threads::recall(model, targets, settings, seed, &|n| progress.inc(n as u64));
    progress.finish_and_clear();
    report
}

const QUANTILES: [f64; 7] = [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0];

/// The `p` quantile of sorted values (the nearest rank at or below).
fn quantile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).floor() as usize]
}

/// The logistic's width that best tells the drawn copies (learned letters) from junk and other
/// fonts (not), the threshold held fixed: maximum likelihood over a grid of 0.001 steps.
fn fitted_width(learned: &[f64], unknown: &[f64], threshold: f64) -> f64 {
    // ln(1 + e^z), without overflow for large z.
    let softplus = |z: f64| if z > 30.0 { z } else { z.exp().ln_1p() };
    let log_likelihood = |width: f64| -> f64 {
        let yes: f64 = learned
            .iter()
            .map(|e| -softplus((e - threshold) / width))
            .sum();
        let no: f64 = unknown
            .iter()
            .map(|e| -softplus((threshold - e) / width))
            .sum();
        yes + no
    };
    (1..=400)
        .map(|k| k as f64 * 0.001)
        .max_by(|&a, &b| log_likelihood(a).total_cmp(&log_likelihood(b)))
        .unwrap_or(0.001)
}

fn print(groups: &[Group], settings: &RecallSettings, json: bool) {
    let threshold = settings.match_threshold;
    // groups[0] the drawn copies, [1] the other fonts, "all junk" by name.
    let unknown: Vec<f64> = groups
        .iter()
        .filter(|g| g.name == "other fonts" || g.name == "all junk")
        .flat_map(|g| g.errors.iter().copied())
        .collect();
    let width = fitted_width(&groups[0].errors, &unknown, threshold);
    let sorted: Vec<Vec<f64>> = groups
        .iter()
        .map(|g| {
            let mut e = g.errors.clone();
            e.sort_by(f64::total_cmp);
            e
        })
        .collect();
    let recognised = |errors: &[f64], t: f64| {
        errors.iter().filter(|&&e| e <= t).count() as f64 / errors.len().max(1) as f64
    };
    // Thresholds that recognise a given share of the drawn copies, and what each refuses.
    let drawn = &sorted[0];
    let candidates: Vec<(f64, f64)> = [0.95, 0.97, 0.98, 0.99, 1.0]
        .iter()
        .map(|&p| {
            let k = ((p * drawn.len() as f64).ceil() as usize).clamp(1, drawn.len().max(1));
            (p, drawn.get(k - 1).copied().unwrap_or(f64::NAN))
        })
        .collect();
    if json {
        let out = serde_json::json!({
            "match_threshold": threshold,
            "match_width": settings.match_width,
            "fitted_width": width,
            "groups": groups.iter().zip(&sorted).map(|(g, s)| serde_json::json!({
                "name": g.name,
                "count": s.len(),
                "quantiles": QUANTILES.iter().map(|&p| quantile(s, p)).collect::<Vec<_>>(),
                "recognised": recognised(s, threshold),
                "errors": g.errors,
            })).collect::<Vec<_>>(),
            "thresholds": candidates.iter().map(|&(p, t)| serde_json::json!({
                "drawn_recognised": p,
                "threshold": t,
                "refused": groups.iter().zip(&sorted).map(|(g, s)| (g.name.clone(), serde_json::json!(1.0 - recognised(s, t)))).collect::<serde_json::Map<_, _>>(),
            })).collect::<Vec<_>>(),
        });
        println!("{out}");
        return;
    }
    println!(
        "match errors (quantiles {}), share recognised at match_threshold {threshold}:",
        QUANTILES.map(|p| format!("{:.0}%", 100.0 * p)).join(" ")
    );
    for (g, s) in groups.iter().zip(&sorted) {
        let q: Vec<String> = QUANTILES
            .iter()
            .map(|&p| format!("{:.3}", quantile(s, p)))
            .collect();
        println!(
            "  {:<28} n={:<4} {}  recognised {:.1} %",
            g.name,
            s.len(),
            q.join(" "),
            100.0 * recognised(s, threshold)
        );
    }
    println!(
        "the width that best tells drawn copies from other fonts and junk at this threshold: \
         {width:.3} (the settings' match_width: {})",
        settings.match_width
    );
    println!("thresholds that recognise a share of the drawn copies, and what they refuse:");
    for (p, t) in candidates {
        let refused: Vec<String> = groups
            .iter()
            .zip(&sorted)
            .skip(1)
            .map(|(g, s)| format!("{} {:.0} %", g.name, 100.0 * (1.0 - recognised(s, t))))
            .collect();
        println!(
            "  {:.0} % drawn: threshold {t:.4}; refused: {}",
            100.0 * p,
            refused.join(", ")
        );
    }
}
