//! `pcrnn figures`: a model's figures as SVG files, to look at instead of reading JSON — the
//! loss curve (from `pcrnn train --losses`), the letters it writes over the letters it learned,
//! the map of its causes, and the paths of one recall.

use std::path::{Path, PathBuf};

use clap::Args;
use pcrnn::data::formats::{parse_data_set, parse_model, parse_strokes};
use pcrnn::data::stroke::to_frame;
use pcrnn::model::Model;
use pcrnn::model::retrieve::{MAX_TRIALS, Recall, generate};

use crate::plots;
use crate::progress::{bar, read_text};

#[derive(Args)]
pub struct FiguresArgs {
    /// The trained model JSON.
    #[arg(long)]
    model: PathBuf,
    /// The letters it learned (a data-set JSON in its frame): drawn under what it writes, and
    /// where the recalled target comes from unless --strokes is given.
    #[arg(long)]
    data: PathBuf,
    /// The losses `pcrnn train --losses FILE` wrote: adds the loss curve.
    #[arg(long)]
    losses: Option<PathBuf>,
    /// Recall a drawn stroke of this strokes file instead of a letter of --data.
    #[arg(long)]
    strokes: Option<PathBuf>,
    /// Which letter of --data (or stroke of --strokes) to recall, from 0.
    #[arg(long, default_value_t = 0)]
    target: usize,
    /// Seeds the recall's starts and noise (as `pcrnn retrieve --seed`).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Trials of the recall (default: the model's recall settings).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=MAX_TRIALS as u64))]
    trials: Option<u64>,
    /// Override recall settings (JSON object, keys of RecallSettings).
    #[arg(long)]
    recall: Option<String>,
    /// The folder to write the SVG files into (made if missing).
    #[arg(long)]
    out: PathBuf,
}

pub fn run(args: &FiguresArgs) -> Result<(), String> {
    let model = parse_model(&read_text(&args.model)?)?;
    let data = parse_data_set(&read_text(&args.data)?)?;
    if data.steps() == 0 || data.is_empty() {
        return Err(format!("{} has no letters to draw", args.data.display()));
    }
    let losses = match &args.losses {
        Some(path) => Some(read_losses(path)?),
        None => None,
    };
    let (target, truth) = target(args, &model, &data)?;
    let mut settings = match &args.recall {
        Some(text) => model.recall.overridden_by(text)?,
        None => model.recall.clone(),
    };
    if let Some(trials) = args.trials {
        settings.trials = trials as usize;
    }
    std::fs::create_dir_all(&args.out)
        .map_err(|e| format!("cannot make the folder {}: {e}", args.out.display()))?;

    let mut written = Vec::new();
    let mut write = |name: &str, svg: String| -> Result<(), String> {
        let path = args.out.join(name);
        std::fs::write(&path, svg).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(path);
        Ok(())
    };
    if let Some(losses) = &losses {
        write("loss.svg", plots::loss_curve(losses)?)?;
    }
    let memories: Vec<Vec<f64>> = model
        .mus
        .column_iter()
        .map(|c| c.iter().copied().collect())
        .collect();
    let drawn = generate(&model, &model.mus, data.steps());
    // The learned letter under each memory: the data's trajectory of the same label, if any.
    let learned: Vec<Vec<[f64; 2]>> = model
        .labels
        .iter()
        .map(|label| {
            data.labels
                .iter()
                .position(|l| l == label)
                .map(|k| data.trajectories[k].clone())
                .unwrap_or_default()
        })
        .collect();
    write(
        "letters.svg",
        plots::letters(&model.labels, &learned, &drawn)?,
    )?;
    let dims = model.network.dims.n_c;
    write("map.svg", plots::cause_map(&memories, &model.labels, dims)?)?;

    let mut recall = Recall::new(&model, std::slice::from_ref(&target), &settings, args.seed)?;
    let progress = bar(settings.trials as u64, false, "recalling");
    while !recall.done() {
        progress.set_position(recall.advance(10) as u64);
    }
    progress.finish_and_clear();
    let report = recall.report();
    let paths: Vec<Vec<Vec<f64>>> = (0..recall.runs()).map(|run| recall.path(run)).collect();
    let answer = if report.recognised[0] {
        format!("recalled {}", report.predictions[0])
    } else {
        "not recognised".to_string()
    };
    let caption = format!(
        "Recall of {}: {answer} (match error {:.3}), {} starts × {} trials",
        truth, report.match_errors[0], settings.starts, report.trials
    );
    write(
        "recall.svg",
        plots::recall_paths(&caption, &memories, &model.labels, &paths)?,
    )?;
    for path in &written {
        println!("{}", path.display());
    }
    if losses.is_none() {
        println!("(no loss curve: give --losses with the file `pcrnn train --losses FILE` writes)");
    }
    Ok(())
}

/// The target to recall, in the model's frame, and how to name it in the caption.
fn target(
    args: &FiguresArgs,
    model: &Model,
    data: &pcrnn::data::dataset::DataSet,
) -> Result<(Vec<[f64; 2]>, String), String> {
    let Some(path) = &args.strokes else {
        let Some(trajectory) = data.trajectories.get(args.target) else {
            return Err(format!(
                "--target {} is past the last letter of {} (it has {}, numbered from 0)",
                args.target,
                args.data.display(),
                data.len()
            ));
        };
        return Ok((
            trajectory.clone(),
            format!("letter {} ({})", args.target, data.labels[args.target]),
        ));
    };
    let strokes = parse_strokes(&read_text(path)?)?;
    let Some(stroke) = strokes.get(args.target) else {
        return Err(format!(
            "--target {} is past the last stroke of {} (it has {}, numbered from 0)",
            args.target,
            path.display(),
            strokes.len()
        ));
    };
    let frame = model.stroke_frame(Some(data))?;
    let trajectory = to_frame(&stroke.points, &frame)
        .map_err(|e| format!("stroke {} of {}: {e}", args.target, path.display()))?;
    let name = match &stroke.label {
        Some(label) => format!("stroke {} ({label})", args.target),
        None => format!("stroke {}", args.target),
    };
    Ok((trajectory, name))
}

/// The losses of a training run: {"losses": [positive numbers]}.
fn read_losses(path: &Path) -> Result<Vec<f64>, String> {
    #[derive(serde::Deserialize)]
    struct LossFile {
        losses: Vec<f64>,
    }
    let file: LossFile = serde_json::from_str(&read_text(path)?).map_err(|e| {
        format!(
            "{} is not a losses file of `pcrnn train --losses` ({{\"losses\": [...]}}): {e}",
            path.display()
        )
    })?;
    if file.losses.is_empty() {
        return Err(format!("{} has no losses to draw", path.display()));
    }
    if let Some(k) = file
        .losses
        .iter()
        .position(|l| !(l.is_finite() && *l > 0.0))
    {
        return Err(format!(
            "loss {k} of {} is not a positive number, so it cannot go on a log scale",
            path.display()
        ));
    }
    Ok(file.losses)
}
