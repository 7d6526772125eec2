//! `pcrnn simulate`: drawn versions of a data set's letters, as a strokes file (docs/design.md §4).

use std::path::PathBuf;

use clap::Args;
use pcrnn::data::formats::{Stroke, parse_data_set};
use pcrnn::data::simulate::{Ranges, simulate_set};

use crate::progress::read_text;

#[derive(Args)]
pub struct SimulateArgs {
    /// Data-set JSON whose letters are drawn (in the model's frame).
    #[arg(long)]
    data: PathBuf,
    /// Drawings of every trajectory of the data set.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=500))]
    per_letter: u64,
    /// Seeds the poses, the hand's speed and the pointer jitter.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// No perturbation: the letters only moved and resized onto the canvas, traced steadily.
    #[arg(long)]
    exact: bool,
    /// Other ranges: a JSON object of keys of the typical ranges to replace, e.g.
    /// '{"rotation_deg": 5, "aspect": [1, 1]}' (see src/simulate.rs).
    #[arg(long, conflicts_with = "exact")]
    ranges: Option<String>,
    /// Where to write the strokes JSON.
    #[arg(long)]
    out: PathBuf,
}

pub fn run(args: &SimulateArgs) -> Result<(), String> {
    let data = parse_data_set(&read_text(&args.data)?)?;
    let ranges = match (&args.ranges, args.exact) {
        (Some(text), _) => with_overrides(text)?,
        (None, true) => Ranges::none(),
        (None, false) => Ranges::typical(),
    };
    let strokes = simulate_set(
        &data.labels,
        &data.trajectories,
        args.per_letter as usize,
        &ranges,
        args.seed,
    )?;
    let text = strokes_json(&strokes, &ranges, args);
    std::fs::write(&args.out, text)
        .map_err(|e| format!("cannot write {}: {e}", args.out.display()))?;
    println!(
        "{} drawings of {} letters written to {}",
        strokes.len(),
        data.len(),
        args.out.display()
    );
    Ok(())
}

/// The typical ranges with the keys of a JSON object replaced.
fn with_overrides(text: &str) -> Result<Ranges, String> {
    let overrides: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("--ranges is not valid JSON: {e}"))?;
    let Some(map) = overrides.as_object() else {
        return Err("--ranges must be a JSON object such as {\"rotation_deg\": 5}".into());
    };
    let mut merged = serde_json::to_value(Ranges::typical()).map_err(|e| e.to_string())?;
    for (key, value) in map {
        merged[key] = value.clone();
    }
    let ranges: Ranges =
        serde_json::from_value(merged).map_err(|e| format!("--ranges is not valid: {e}"))?;
    ranges.check().map_err(|e| format!("--ranges: {e}"))?;
    Ok(ranges)
}

/// The strokes file, with a `simulated` key saying how it was made (readers ignore it).
/// Coordinates are rounded to 0.01 px and times to 0.01 ms: finer than any pointer reports.
fn strokes_json(strokes: &[Stroke], ranges: &Ranges, args: &SimulateArgs) -> String {
    let round = |v: f64| (v * 100.0).round() / 100.0;
    let strokes: Vec<serde_json::Value> = strokes
        .iter()
        .map(|s| {
            let points: Vec<[f64; 3]> = s.points.iter().map(|p| p.map(round)).collect();
            serde_json::json!({"label": s.label, "points": points})
        })
        .collect();
    serde_json::json!({
        "simulated": {
            "data": args.data.display().to_string(),
            "per_letter": args.per_letter,
            "seed": args.seed,
            "ranges": ranges,
        },
        "strokes": strokes,
    })
    .to_string()
}
