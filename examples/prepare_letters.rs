//! Maps raw letter strokes (canvas pixels, y down; written by tools/letters/generate.mjs) into
//! the model's frame through the same `stroke::to_frame` that drawn strokes take, and writes a
//! data set (DESIGN.md §4) with the frame it used:
//!
//!     cargo run --release --example prepare_letters -- IN.json [IN2.json ...] OUT.json [--frame-from SET.json]
//!
//! Several inputs are one set, their strokes in the order given (the multi-hand set).
//! Without `--frame-from` the frame is fitted to IN (`stroke::fit_frame`: zero mean, the
//! seed's spread); with it, the frame stored in SET.json is reused, so a held-out set shares
//! the training set's frame. Numbers are rounded to 6 decimals (the frame first, so the file
//! is consistent with its own frame), and the output is a pure function of the input.

use pcrnn::stroke::{Frame, SEED_SPREAD, fit_frame, to_frame};
use serde::Deserialize;
use std::process::ExitCode;

/// Points per trajectory, as in the seed.
const LENGTH: usize = 60;

#[derive(Deserialize)]
struct StrokesFile {
    strokes: Vec<RawStroke>,
}

#[derive(Deserialize)]
struct RawStroke {
    label: String,
    #[serde(default)]
    font: Option<String>,
    /// `[x, y]` or `[x, y, t_ms]`.
    points: Vec<Vec<f64>>,
}

#[derive(Deserialize)]
struct WithFrame {
    frame: Frame,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("prepare_letters: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let frame_from = match args.iter().position(|a| a == "--frame-from") {
        Some(i) if i + 1 < args.len() => {
            let f = args.remove(i + 1);
            args.remove(i);
            Some(f)
        }
        Some(_) => return Err("--frame-from needs a data set".to_string()),
        None => None,
    };
    let Some((output, inputs)) = args.split_last().filter(|(_, i)| !i.is_empty()) else {
        return Err(
            "usage: prepare_letters IN.json [IN2.json ...] OUT.json [--frame-from SET.json]"
                .to_string(),
        );
    };
    let mut raw = StrokesFile {
        strokes: Vec::new(),
    };
    for input in inputs {
        let file: StrokesFile = serde_json::from_str(&read(input)?)
            .map_err(|e| format!("{input} is not a strokes file: {e}"))?;
        raw.strokes.extend(file.strokes);
    }
    let mut strokes = Vec::with_capacity(raw.strokes.len());
    for (i, s) in raw.strokes.iter().enumerate() {
        let pts = s
            .points
            .iter()
            .map(|p| match p.as_slice() {
                [x, y] => Ok([*x, *y, 0.0]),
                [x, y, t] => Ok([*x, *y, *t]),
                _ => Err(format!(
                    "stroke {i} has a point that is not [x, y] or [x, y, t]"
                )),
            })
            .collect::<Result<Vec<_>, _>>()?;
        strokes.push(pts);
    }

    let frame = match frame_from {
        Some(f) => {
            serde_json::from_str::<WithFrame>(&read(&f)?)
                .map_err(|e| format!("{f} has no usable frame: {e}"))?
                .frame
        }
        None => {
            let fitted = fit_frame(&strokes, LENGTH, SEED_SPREAD).map_err(|e| e.to_string())?;
            Frame {
                length: fitted.length,
                start: fitted.start.map(round6),
                size: round6(fitted.size),
            }
        }
    };

    let mut trajectories = Vec::with_capacity(strokes.len());
    for (i, s) in strokes.iter().enumerate() {
        let t = to_frame(s, &frame).map_err(|e| format!("stroke {i}: {e}"))?;
        trajectories.push(t.iter().map(|p| p.map(round6)).collect::<Vec<_>>());
    }

    let labels: Vec<&str> = raw.strokes.iter().map(|s| s.label.as_str()).collect();
    let sources: Vec<&str> = raw
        .strokes
        .iter()
        .map(|s| s.font.as_deref().unwrap_or(""))
        .collect();
    // One trajectory per line: readable diffs, and still plain JSON.
    let body = trajectories
        .iter()
        .map(|t| format!("  {}", json(t)))
        .collect::<Vec<_>>()
        .join(",\n");
    let text = format!(
        "{{\"labels\": {},\n\"trajectories\": [\n{body}\n],\n\"frame\": {},\n\"sources\": {}}}\n",
        json(&labels),
        json(&frame),
        json(&sources),
    );
    std::fs::write(output, text).map_err(|e| format!("cannot write {output}: {e}"))?;
    println!(
        "{output}: {} trajectories of {} points, frame start [{}, {}], size {}",
        trajectories.len(),
        frame.length,
        frame.start[0],
        frame.start[1],
        frame.size
    );
    Ok(())
}

fn read(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))
}

/// Rounded to 6 decimals, without negative zero (so re-runs give the same bytes).
fn round6(v: f64) -> f64 {
    let r = (v * 1e6).round() / 1e6;
    if r == 0.0 { 0.0 } else { r }
}

/// Compact JSON of plain data (numbers, strings, the frame), which cannot fail to serialise.
fn json<T: serde::Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}
