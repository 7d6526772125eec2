//! Leave one hand out: for each hand (font) of a multi-hand data set, train on all the other
//! hands and recall that hand's letters, as they are and as simulated drawings of them. A
//! hand never appears in its own test. With `--all`, train once on every hand and recall
//! simulated drawings of the training hands' letters instead.
//!
//!     cargo run --release --example hands -- [--model naive|none|split|offset] [...] [--json OUT]
//!
//! Reports per hand and overall: recall best of starts (the start that regenerates the target
//! best, read out by its nearest memory, and by the posterior mass of each label), recall per
//! start, the confusions, and the time spent training and recalling.

use std::collections::BTreeMap;
use std::time::Instant;

use clap::Parser;
use pcrnn::adam::AdamConfig;
use pcrnn::dataset::DataSet;
use pcrnn::first_guess;
use pcrnn::formats::parse_data_set;
use pcrnn::model::Model;
use pcrnn::real::Precision;
use pcrnn::retrieve::{Recall, RecallSettings};
use pcrnn::simulate::{Ranges, simulate_set};
use pcrnn::stroke::{Frame, to_frame};
use pcrnn::structured::{StructuredConfig, StructuredTrainer, Style};
use pcrnn::train::{TrainConfig, Trainer};
use serde_json::json;

#[derive(Parser)]
struct Args {
    /// The multi-hand data set (with `sources` naming the hand of each trajectory).
    #[arg(long, default_value = "data/letters-hands.json")]
    data: String,
    /// naive: the seed's training, one memory per exemplar; none | split | offset: one memory
    /// per letter (src/structured.rs).
    #[arg(long, default_value = "naive")]
    model: String,
    #[arg(long, default_value_t = 2)]
    letter_dims: usize,
    /// Style dimensions of the split model.
    #[arg(long, default_value_t = 1)]
    style_dims: usize,
    #[arg(long, default_value_t = 1.0)]
    style_weight: f64,
    #[arg(long, default_value_t = 50)]
    n_h: usize,
    #[arg(long, default_value_t = 3000)]
    iters: usize,
    #[arg(long, default_value_t = 0)]
    seed: u64,
    #[arg(long, default_value_t = 0.03)]
    lr: f64,
    /// Recall settings (JSON object; the others keep data/recall.json's).
    #[arg(long)]
    recall: Option<String>,
    /// Simulated drawings per held-out glyph (seed --sim-seed).
    #[arg(long, default_value_t = 2)]
    sim_per_letter: usize,
    #[arg(long, default_value_t = 202)]
    sim_seed: u64,
    /// Extra training exemplars: simulated drawings of every training glyph (seed 303).
    #[arg(long, default_value_t = 0)]
    augment: usize,
    /// Target preparation: move every trajectory's centroid to the origin (training and test).
    #[arg(long)]
    centre: bool,
    /// Only these hands (comma-separated sources); all by default.
    #[arg(long)]
    hands: Option<String>,
    /// Train on every hand and recall simulated drawings of them (the training hands).
    #[arg(long)]
    all: bool,
    /// f32 or f64 for training and recall.
    #[arg(long, default_value = "f32")]
    precision: String,
    #[arg(long, default_value_t = 0)]
    recall_seed: u64,
    /// Start each run at one of the memories whose letter lies nearest the target, moved by
    /// this much noise (src/first_guess.rs); without it, c ~ N(0, I) as in the seed.
    #[arg(long)]
    guess: Option<f64>,
    /// One memory per letter and family of hands (these hands cursive, the rest print), read
    /// out by its letter: a letter is two regions of the map instead of one.
    #[arg(long)]
    families: Option<String>,
    #[arg(long)]
    json: Option<String>,
    /// Write the model trained on every hand here (with --all).
    #[arg(long)]
    out: Option<String>,
}

/// Labelled targets with the hand each comes from.
struct Targets {
    labels: Vec<String>,
    trajectories: Vec<Vec<[f64; 2]>>,
    /// The family suffix of each glyph's memory (with --families).
    families: Option<Vec<String>>,
}

#[derive(Default, Clone, serde::Serialize)]
struct Score {
    targets: usize,
    best: usize,
    best_posterior: usize,
    runs: usize,
    per_start: usize,
    confusions: BTreeMap<String, usize>,
}

impl Score {
    fn add(&mut self, other: &Score) {
        self.targets += other.targets;
        self.best += other.best;
        self.best_posterior += other.best_posterior;
        self.runs += other.runs;
        self.per_start += other.per_start;
        for (k, v) in &other.confusions {
            *self.confusions.entry(k.clone()).or_default() += v;
        }
    }
    fn pct(a: usize, b: usize) -> f64 {
        if b == 0 {
            0.0
        } else {
            100.0 * a as f64 / b as f64
        }
    }
    fn best_pct(&self) -> f64 {
        Score::pct(self.best, self.targets)
    }
    fn show(&self) -> String {
        format!(
            "{:5.1} % ({:3}/{:3}) post {:5.1} % start {:5.1} %",
            self.best_pct(),
            self.best,
            self.targets,
            Score::pct(self.best_posterior, self.targets),
            Score::pct(self.per_start, self.runs)
        )
    }
}

fn main() {
    if let Err(e) = run() {
        eprintln!("hands: {e}");
        std::process::exit(1);
    }
}

fn precision(args: &Args) -> Result<Precision, String> {
    match args.precision.as_str() {
        "f32" => Ok(Precision::F32),
        "f64" => Ok(Precision::F64),
        other => Err(format!("--precision is f32 or f64, not {other}")),
    }
}

fn settings(args: &Args) -> Result<RecallSettings, String> {
    let shipped = std::fs::read_to_string("data/recall.json").map_err(|e| e.to_string())?;
    let mut value: serde_json::Value = serde_json::from_str(&shipped).map_err(|e| e.to_string())?;
    if let Some(text) = &args.recall {
        let given: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("--recall: {e}"))?;
        for (k, v) in given.as_object().ok_or("--recall is not an object")? {
            value[k] = v.clone();
        }
    }
    let mut s: RecallSettings = serde_json::from_value(value).map_err(|e| e.to_string())?;
    s.precision = precision(args)?;
    s.check()?;
    Ok(s)
}

fn centred(t: &[[f64; 2]]) -> Vec<[f64; 2]> {
    let n = t.len() as f64;
    let mean = [0, 1].map(|d| t.iter().map(|p| p[d]).sum::<f64>() / n);
    t.iter().map(|p| [p[0] - mean[0], p[1] - mean[1]]).collect()
}

fn prepare(t: Vec<[f64; 2]>, args: &Args) -> Vec<[f64; 2]> {
    if args.centre { centred(&t) } else { t }
}

/// `per_letter` simulated drawings of every glyph, mapped into the frame.
fn drawings(
    glyphs: &Targets,
    frame: &Frame,
    per_letter: usize,
    seed: u64,
    args: &Args,
) -> Result<Targets, String> {
    let strokes = simulate_set(
        &glyphs.labels,
        &glyphs.trajectories,
        per_letter,
        &Ranges::typical(),
        seed,
    )?;
    let mut out = Targets {
        labels: Vec::new(),
        trajectories: Vec::new(),
        families: None,
    };
    for s in strokes {
        out.trajectories.push(prepare(
            to_frame(&s.points, frame).map_err(|e| e.to_string())?,
            args,
        ));
        out.labels.extend(s.label);
    }
    Ok(out)
}

fn train(data: &DataSet, args: &Args) -> Result<(Model, f64), String> {
    let adam = AdamConfig {
        lr: args.lr,
        ..AdamConfig::default()
    };
    let style = match args.model.as_str() {
        "naive" => {
            let config = TrainConfig {
                n_c: args.letter_dims,
                n_h: args.n_h,
                adam,
                seed: args.seed,
                precision: precision(args)?,
                ..TrainConfig::default()
            };
            let mut t = Trainer::new(data, &config).map_err(|e| e.to_string())?;
            t.run(args.iters).map_err(|e| e.to_string())?;
            let loss = t.losses().last().copied().unwrap_or(f64::NAN);
            return Ok((t.model(RecallSettings::default()), loss));
        }
        "none" => Style::None,
        "split" => Style::Split(args.style_dims),
        "offset" => Style::Offset,
        other => return Err(format!("unknown --model {other}")),
    };
    let config = StructuredConfig {
        letter_dims: args.letter_dims,
        style,
        style_weight: args.style_weight,
        n_h: args.n_h,
        adam,
        seed: args.seed,
        precision: precision(args)?,
        ..StructuredConfig::default()
    };
    let mut t = StructuredTrainer::new(data, &config).map_err(|e| e.to_string())?;
    t.run(args.iters).map_err(|e| e.to_string())?;
    let loss = t.losses().last().copied().unwrap_or(f64::NAN);
    Ok((t.model(RecallSettings::default()), loss))
}

/// The letter a memory's label names (without its family suffix).
fn letter_of(label: &str) -> &str {
    label.split('|').next().unwrap_or(label)
}

fn recall(
    model: &Model,
    targets: &Targets,
    s: &RecallSettings,
    seed: u64,
    guess: Option<f64>,
) -> Result<Score, String> {
    let mut score = Score::default();
    let templates = first_guess::templates(model, targets.trajectories[0].len());
    let mut noise = pcrnn::noise::Noise::new(seed + 1);
    // In chunks, so that a batch stays the size the page recalls at (starts x a few targets).
    for (labels, trajectories) in targets
        .labels
        .chunks(64)
        .zip(targets.trajectories.chunks(64))
    {
        let mut r = match guess {
            None => Recall::new(model, trajectories, s, seed)?,
            Some(jitter) => {
                let starts = first_guess::nearest_memories(
                    model,
                    &templates,
                    trajectories,
                    s.starts,
                    jitter,
                    &mut noise,
                );
                Recall::with_starts(model, trajectories, s, seed, starts)?
            }
        };
        r.advance(s.trials);
        let report = r.report();
        score.targets += labels.len();
        for (k, label) in labels.iter().enumerate() {
            let best = &report.runs[report.best_start[k] * labels.len() + k];
            if letter_of(&best.label) == label {
                score.best += 1;
            } else {
                *score
                    .confusions
                    .entry(format!("{label}>{}", letter_of(&best.label)))
                    .or_default() += 1;
            }
            let top = best
                .posterior
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map(|(i, _)| letter_of(&report.letters[i]).to_string());
            if top.as_ref() == Some(label) {
                score.best_posterior += 1;
            }
        }
        for run in &report.runs {
            score.runs += 1;
            if letter_of(&run.label) == labels[run.target] {
                score.per_start += 1;
            }
        }
    }
    Ok(score)
}

fn run() -> Result<(), String> {
    let args = Args::parse();
    let started = Instant::now();
    let text = std::fs::read_to_string(&args.data).map_err(|e| format!("{}: {e}", args.data))?;
    let data = parse_data_set(&text)?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let sources: Vec<String> = serde_json::from_value(value["sources"].clone())
        .map_err(|_| "the data set has no `sources` naming each trajectory's hand")?;
    let frame = data.frame.clone().ok_or("the data set has no frame")?;
    let mut hands: Vec<String> = Vec::new();
    for s in &sources {
        if !hands.contains(s) {
            hands.push(s.clone());
        }
    }
    if let Some(only) = &args.hands {
        let only: Vec<&str> = only.split(',').collect();
        hands.retain(|h| only.contains(&h.as_str()));
    }
    let s = settings(&args)?;
    let of_hands = |keep: &dyn Fn(&str) -> bool| Targets {
        labels: (0..data.len())
            .filter(|&k| keep(&sources[k]))
            .map(|k| data.labels[k].clone())
            .collect(),
        trajectories: (0..data.len())
            .filter(|&k| keep(&sources[k]))
            .map(|k| data.trajectories[k].clone())
            .collect(),
        families: args.families.as_ref().map(|cursive| {
            let cursive: Vec<&str> = cursive.split(',').collect();
            (0..data.len())
                .filter(|&k| keep(&sources[k]))
                .map(|k| {
                    if cursive.contains(&sources[k].as_str()) {
                        "|c"
                    } else {
                        "|p"
                    }
                    .to_string()
                })
                .collect()
        }),
    };
    let training_set = |glyphs: &Targets| -> Result<DataSet, String> {
        let mut labels = glyphs.labels.clone();
        if let Some(fam) = &glyphs.families {
            for (l, f) in labels.iter_mut().zip(fam) {
                l.push_str(f);
            }
        }
        let mut trajectories: Vec<Vec<[f64; 2]>> = glyphs
            .trajectories
            .iter()
            .map(|t| prepare(t.clone(), &args))
            .collect();
        if args.augment > 0 {
            let extra = drawings(glyphs, &frame, args.augment, 303, &args)?;
            labels.extend(extra.labels);
            trajectories.extend(extra.trajectories);
        }
        DataSet::new(labels, trajectories, Some(frame.clone()))
    };
    println!(
        "model {} letter_dims {} style_dims {} style_weight {} n_h {} iters {} seed {} lr {} centre {} augment {} guess {:?} | recall {}",
        args.model,
        args.letter_dims,
        args.style_dims,
        args.style_weight,
        args.n_h,
        args.iters,
        args.seed,
        args.lr,
        args.centre,
        args.augment,
        args.guess,
        serde_json::to_string(&s).unwrap_or_default()
    );

    let mut rows = Vec::new();
    let (mut total_data, mut total_sim) = (Score::default(), Score::default());
    let (mut train_s, mut recall_s, mut recalled_runs) = (0.0, 0.0, 0usize);
    let folds: Vec<Option<&String>> = if args.all {
        vec![None]
    } else {
        hands.iter().map(Some).collect()
    };
    for fold in folds {
        let train_glyphs = of_hands(&|h: &str| fold.is_none_or(|f| f != h));
        let train_data = training_set(&train_glyphs)?;
        let t0 = Instant::now();
        let (model, loss) = train(&train_data, &args)?;
        let t_train = t0.elapsed().as_secs_f64();
        if let (None, Some(out)) = (fold, &args.out) {
            let mut model = model.clone();
            model.recall = RecallSettings {
                precision: Precision::default(),
                ..s.clone()
            };
            std::fs::write(out, pcrnn::formats::model_to_json(&model))
                .map_err(|e| format!("{out}: {e}"))?;
        }
        let test_glyphs = match fold {
            Some(f) => of_hands(&|h: &str| h == f),
            None => of_hands(&|_| true),
        };
        let as_data = Targets {
            labels: test_glyphs.labels.clone(),
            trajectories: test_glyphs
                .trajectories
                .iter()
                .map(|t| prepare(t.clone(), &args))
                .collect(),
            families: None,
        };
        let sim = drawings(
            &test_glyphs,
            &frame,
            args.sim_per_letter,
            args.sim_seed,
            &args,
        )?;
        let t1 = Instant::now();
        let d = recall(&model, &as_data, &s, args.recall_seed, args.guess)?;
        let m = recall(&model, &sim, &s, args.recall_seed, args.guess)?;
        let t_recall = t1.elapsed().as_secs_f64();
        train_s += t_train;
        recall_s += t_recall;
        recalled_runs += (d.targets + m.targets) * s.starts;
        let name = fold.map_or("all".to_string(), String::clone);
        println!(
            "{name:<24} loss {loss:.4} train {t_train:5.1} s recall {t_recall:5.1} s | data {} | drawn {}",
            d.show(),
            m.show()
        );
        let mut top: Vec<(&String, &usize)> = d.confusions.iter().collect();
        top.sort_by(|a, b| b.1.cmp(a.1));
        let top: Vec<String> = top
            .iter()
            .take(6)
            .map(|(k, v)| format!("{k}x{v}"))
            .collect();
        println!("    data confusions: {}", top.join(" "));
        total_data.add(&d);
        total_sim.add(&m);
        rows.push(json!({"hand": name, "loss": loss, "data": d, "drawn": m,
            "train_s": t_train, "recall_s": t_recall}));
    }
    let hand_pcts: Vec<f64> = rows
        .iter()
        .map(|r| {
            let d = &r["data"];
            Score::pct(
                d["best"].as_u64().unwrap_or(0) as usize,
                d["targets"].as_u64().unwrap_or(0) as usize,
            )
        })
        .collect();
    let mean_hand = hand_pcts.iter().sum::<f64>() / hand_pcts.len().max(1) as f64;
    let worst = hand_pcts.iter().copied().fold(f64::INFINITY, f64::min);
    let ms_per_run = 1000.0 * recall_s / recalled_runs.max(1) as f64 * 1000.0 / s.trials as f64;
    println!(
        "TOTAL data {} | drawn {} | mean of hands {mean_hand:.1} % worst {worst:.1} % | train {train_s:.0} s, recall {recall_s:.0} s ({ms_per_run:.2} ms per start per 1000 trials) | {:.0} s",
        total_data.show(),
        total_sim.show(),
        started.elapsed().as_secs_f64()
    );
    if let Some(out) = &args.json {
        let report = json!({
            "args": std::env::args().skip(1).collect::<Vec<_>>(),
            "recall": s,
            "hands": rows,
            "data": total_data,
            "drawn": total_sim,
            "mean_of_hands": mean_hand,
            "worst_hand": worst,
            "train_s": train_s,
            "recall_s": recall_s,
            "ms_per_start_per_1000_trials": ms_per_run,
        });
        std::fs::write(out, report.to_string()).map_err(|e| format!("{out}: {e}"))?;
    }
    Ok(())
}
