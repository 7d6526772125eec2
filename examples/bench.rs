//! The native benchmark, with the PyTorch reference on the same work in the same run:
//!
//!     cargo run --release --example bench [-- --repeats 3 --quick --no-reference --threads N]
//!
//! Measures 1000 training iterations on data/letters.json (20 letters × 60 steps × 50 states),
//! retrieval of 20 targets × 4 starts × 1000 trials and of 1 target × 4 starts × 1000 trials,
//! runs tests/reference/reference.py on the same work (ours and the reference alternate, repeat
//! by repeat), and prints medians of wall and CPU time, the ratios, GFLOP/s of useful work (the
//! matrix products, counted below), the same training at each SIMD level this CPU has, and how
//! an iteration's cost grows with the hidden states and the sequences. CPU time is the steadier
//! figure on a busy machine. Then recall on 1..N threads (`--threads N`, default every core),
//! side by side: wall time, speed-up, efficiency (speed-up / threads), and one letter's starts
//! run one by one, which with the thread overhead predicts the time on more cores.
//! `--scaling-only` runs only that part.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use pcrnn::data::dataset::DataSet;
use pcrnn::data::formats::{model_to_json, parse_data_set};
use pcrnn::kernels::real::Precision;
use pcrnn::kernels::simd::{self, Level};
use pcrnn::model::Model;
use pcrnn::model::retrieve::{Recall, RecallReport, RecallSettings, split_starts};
use pcrnn::model::train::{TrainConfig, Trainer};
use rayon::prelude::*;

const ITERATIONS: usize = 1000;
const TRIALS: usize = 1000;
const STARTS: usize = 4;

struct Options {
    repeats: usize,
    quick: bool,
    reference: bool,
    threads: usize,
    scaling_only: bool,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        repeats: 3,
        quick: false,
        reference: true,
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        scaling_only: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--repeats" => {
                o.repeats = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|&n| n > 0)
                    .ok_or("--repeats needs a positive number")?
            }
            "--quick" => o.quick = true,
            "--scaling-only" => o.scaling_only = true,
            "--threads" => {
                o.threads = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|&n| n > 0)
                    .ok_or("--threads needs a positive number")?
            }
            "--no-reference" => o.reference = false,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(o)
}

/// Wall and CPU seconds of one measurement.
#[derive(Clone, Copy, Debug, Default)]
struct Seconds {
    wall: f64,
    cpu: f64,
}

/// CPU time of this (single-threaded) process in seconds, from Linux's scheduler statistics.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(f64::NAN, |ns| ns * 1e-9)
}

fn measure(work: impl FnOnce()) -> Seconds {
    let (wall, cpu) = (Instant::now(), cpu_seconds());
    work();
    Seconds {
        wall: wall.elapsed().as_secs_f64(),
        cpu: cpu_seconds() - cpu,
    }
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

fn medians(samples: &[Seconds]) -> Seconds {
    Seconds {
        wall: median(samples.iter().map(|s| s.wall).collect()),
        cpu: median(samples.iter().map(|s| s.cpu).collect()),
    }
}

/// Useful work of one training iteration: the matrix products per sequence and step. Forward:
/// W_r tanh(h) (2 n_h^2), W_c c (2 n_h n_c), W_o tanh(h) (2 n_x n_h); backward: W_o^T e and
/// dW_o (4 n_x n_h), W_r^T dL/dpre and dW_r (4 n_h^2). Elementwise work (tanh, ...) is not counted.
fn train_flops(n_h: usize, sequences: usize, steps: usize) -> f64 {
    let (n_h, n_c, n_x) = (n_h as f64, 2.0, 2.0);
    let per = 6.0 * n_h * n_h + 2.0 * n_h * n_c + 6.0 * n_x * n_h;
    per * (sequences * steps) as f64
}

/// Useful work of one retrieval trial per run: per step W_r tanh(h) (2 n_h^2), W_c c and
/// W_c^T e_h (4 n_h n_c), W_o tanh(h_prior) and W_o^T e (4 n_x n_h). The prior is not counted.
fn trial_flops(n_h: usize, steps: usize) -> f64 {
    let (n_h, n_c, n_x) = (n_h as f64, 2.0, 2.0);
    (2.0 * n_h * n_h + 4.0 * n_h * n_c + 4.0 * n_x * n_h) * steps as f64
}

const PRECISIONS: [Precision; 2] = [Precision::F64, Precision::F32];

fn trainer(data: &DataSet, n_h: usize, precision: Precision) -> Trainer {
    let config = TrainConfig {
        n_h,
        precision,
        ..TrainConfig::default()
    };
    Trainer::new(data, &config).expect("the default settings are valid")
}

fn recall(
    model: &Model,
    targets: &[Vec<[f64; 2]>],
    trials: usize,
    precision: Precision,
    seed: u64,
) -> Seconds {
    let settings = RecallSettings {
        trials,
        starts: STARTS,
        precision,
        ..model.recall.clone()
    };
    let mut run = Recall::new(model, targets, &settings, seed).expect("valid targets");
    let time = measure(|| {
        run.advance(trials);
    });
    std::hint::black_box(run.report());
    time
}

/// Runs the PyTorch reference; its JSON's `seconds` and `cpu_seconds`.
fn reference(script: &Path, args: &[&str]) -> Result<(Seconds, serde_json::Value), String> {
    let out = Command::new("python3")
        .arg(script)
        .args(args)
        .arg("--json")
        .output()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap_or(""))
        .map_err(|e| format!("reference.py printed no JSON: {e}"))?;
    let seconds = |key: &str| json[key].as_f64().unwrap_or(f64::NAN);
    Ok((
        Seconds {
            wall: seconds("seconds"),
            cpu: seconds("cpu_seconds"),
        },
        json,
    ))
}

fn precision_name(precision: Precision) -> &'static str {
    match precision {
        Precision::F64 => "f64",
        Precision::F32 => "f32",
    }
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Baseline => "baseline (SSE2)",
        Level::Avx2 => "AVX2 + FMA",
        Level::Avx512 => "AVX-512",
    }
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

fn row(what: &str, ours: Seconds, theirs: Option<Seconds>, flops: f64) {
    let gflops = |s: f64| flops / s / 1e9;
    let mut line = format!(
        "{what:<40} {:>8.3} s {:>8.3} s {:>7.1}",
        ours.wall,
        ours.cpu,
        gflops(ours.cpu)
    );
    if let Some(t) = theirs {
        line += &format!(
            " {:>8.2} s {:>8.2} s {:>7.2} {:>6.1}x {:>6.1}x",
            t.wall,
            t.cpu,
            gflops(t.cpu),
            t.wall / ours.wall,
            t.cpu / ours.cpu
        );
    }
    println!("{line}");
}

/// CPU seconds of the whole process (every thread): user + system time from /proc/self/stat,
/// in clock ticks of 10 ms.
fn process_cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name (which may hold spaces) in parentheses.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or(vec![], |(_, rest)| rest.split_whitespace().collect());
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok());
    match (ticks(11), ticks(12)) {
        (Some(user), Some(system)) => (user + system) / 100.0,
        _ => f64::NAN,
    }
}

/// A whole recall on the current rayon pool, its starts split into `parts` parts (as the CLI's
/// `--threads` does); the merged report.
fn recall_in_parts(
    model: &Model,
    targets: &[Vec<[f64; 2]>],
    settings: &RecallSettings,
    parts: usize,
) -> RecallReport {
    let reports = split_starts(settings.starts, parts)
        .into_par_iter()
        .map(|starts| {
            let mut part = Recall::part(model, targets, settings, 0, starts).expect("valid");
            part.advance(settings.trials);
            part.report()
        })
        .collect();
    RecallReport::merge(reports).expect("parts of one recall")
}

/// Recall on 1..=max threads, side by side: for each piece of work and thread count, the
/// medians of wall and whole-process CPU time over the repeats (thread counts alternate
/// within each repeat, so a drift of the machine weighs on all alike).
fn scaling(model: &Model, data: &DataSet, o: &Options, trials: usize) {
    let letter = &data.trajectories[..1];
    type Targets<'a> = &'a [Vec<[f64; 2]>];
    let works: [(&str, Targets, usize); 3] = [
        ("20 letters × 4 starts", &data.trajectories, 4),
        ("1 letter × 8 starts", letter, 8),
        ("1 letter × 16 starts", letter, 16),
    ];
    let pools: Vec<rayon::ThreadPool> = (1..=o.threads)
        .map(|n| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .expect("threads")
        })
        .collect();
    println!(
        "\nrecall in f32 on 1..{} threads ({trials} trials; load {}): wall, CPU (all threads), \
         speed-up and efficiency (speed-up / threads) against 1 thread",
        o.threads,
        std::fs::read_to_string("/proc/loadavg")
            .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
            .unwrap_or_default()
    );
    for (what, targets, starts) in works {
        let settings = RecallSettings {
            trials,
            starts,
            precision: Precision::F32,
            ..model.recall.clone()
        };
        let whole = recall_in_parts(model, targets, &settings, 1);
        // Per thread count; then on one thread the starts in parts of 1, 2 and 4 starts one
        // after another: what a start costs in a part of that size (a narrower batch does
        // less per column), which predicts the time on more cores.
        let widths: Vec<usize> = [1, 2, 4].into_iter().filter(|&w| w < starts).collect();
        let mut times: Vec<Vec<Seconds>> = vec![Vec::new(); o.threads];
        let mut narrow: Vec<Vec<Seconds>> = vec![Vec::new(); widths.len()];
        for _ in 0..o.repeats {
            for (k, pool) in pools.iter().enumerate() {
                let cpu = process_cpu_seconds();
                let time = measure(|| {
                    let report = pool.install(|| recall_in_parts(model, targets, &settings, k + 1));
                    assert_eq!(report, whole, "the same answer on {} threads", k + 1);
                });
                times[k].push(Seconds {
                    cpu: process_cpu_seconds() - cpu,
                    ..time
                });
            }
            for (samples, &width) in narrow.iter_mut().zip(&widths) {
                samples.push(measure(|| {
                    pools[0].install(|| recall_in_parts(model, targets, &settings, starts / width));
                }));
            }
        }
        let base = medians(&times[0]);
        for (k, samples) in times.iter().enumerate() {
            let m = medians(samples);
            let speed_up = base.wall / m.wall;
            println!(
                "  {what:<22} {:>2} thread(s) {:>8.3} s wall {:>8.3} s CPU  {speed_up:>5.2}x  efficiency {:>4.0} %",
                k + 1,
                m.wall,
                m.cpu,
                100.0 * speed_up / (k + 1) as f64
            );
        }
        let mut costs = format!("{starts} starts: {:.4} s", base.wall / starts as f64);
        for (samples, width) in narrow.iter().zip(&widths) {
            let m = medians(samples);
            costs += &format!(", {width}: {:.4} s", m.wall / starts as f64);
        }
        println!("  {what:<22} a start's cost on 1 thread in parts of {costs}");
    }
}

fn main() {
    let o = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let letters = root.join("data/letters.json");
    let data = parse_data_set(&std::fs::read_to_string(&letters).expect("data/letters.json"))
        .expect("a valid data set");
    let (sequences, steps) = (data.len(), data.steps());
    let script = std::env::var_os("PCRNN_REFERENCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("tests/reference/reference.py"));
    let use_reference = o.reference && script.exists();
    let (iterations, trials) = if o.quick {
        (ITERATIONS / 10, TRIALS / 10)
    } else {
        (ITERATIONS, TRIALS)
    };
    if o.scaling_only {
        let model = pcrnn::data::formats::parse_model(
            &std::fs::read_to_string(root.join("data/model.json")).expect("data/model.json"),
        )
        .expect("a valid model");
        scaling(&model, &data, &o, trials);
        return;
    }

    // Repeat by repeat, ours then the reference, so that a drift in the machine's speed (it
    // drifted by 1.5x within minutes here) weighs on both sides of each ratio alike.
    // Ours in f64 (the native default) and in f32 (the browser's): training, then retrieval
    // with the model trained in f64. The reference on the same work: the same model for
    // retrieval, one inference pass per trial (the seed adds a second pass per trial to
    // measure errors; ours come from the first).
    let mut train_times: [Vec<Seconds>; 2] = Default::default();
    let mut final_loss = [f64::NAN; 2];
    let (mut all, mut one): ([Vec<Seconds>; 2], [Vec<Seconds>; 2]) = Default::default();
    let model_file = std::env::temp_dir().join(format!("pcrnn-bench-{}.json", std::process::id()));
    let (letters_arg, model_arg) = (letters.to_string_lossy(), model_file.to_string_lossy());
    let (iters_arg, trials_arg) = (iterations.to_string(), trials.to_string());
    let mut theirs: [Vec<Seconds>; 3] = Default::default();
    let mut reference_loss = f64::NAN;
    let mut reference_error = None;
    for r in 0..o.repeats {
        let mut model = None;
        for (k, precision) in PRECISIONS.into_iter().enumerate() {
            let mut t = trainer(&data, 50, precision);
            train_times[k].push(measure(|| t.run(iterations).expect("training converges")));
            final_loss[k] = t.losses().last().copied().unwrap_or(f64::NAN);
            if precision == Precision::F64 {
                model = Some(t.model(RecallSettings::default()));
            }
        }
        let model = model.expect("PRECISIONS has f64");
        for (p, precision) in PRECISIONS.into_iter().enumerate() {
            all[p].push(recall(
                &model,
                &data.trajectories,
                trials,
                precision,
                r as u64,
            ));
            one[p].push(recall(
                &model,
                &data.trajectories[..1],
                trials,
                precision,
                r as u64,
            ));
        }
        if !use_reference {
            continue;
        }
        std::fs::write(&model_file, model_to_json(&model)).expect("a writable temp directory");
        let jobs: [Vec<&str>; 3] = [
            vec!["train", "--data", &letters_arg, "--iters", &iters_arg],
            vec!["retrieve", "--data", &letters_arg, "--model", &model_arg],
            vec![
                "retrieve",
                "--data",
                &letters_arg,
                "--model",
                &model_arg,
                "--targets",
                "1",
            ],
        ];
        for (k, mut job) in jobs.into_iter().enumerate() {
            if k > 0 {
                job.extend([
                    "--trials",
                    &trials_arg,
                    "--no-trial-errors",
                    "--prior",
                    "exact",
                ]);
            }
            match reference(&script, &job) {
                Ok((seconds, json)) => {
                    if k == 0 {
                        reference_loss = json["final_loss"].as_f64().unwrap_or(f64::NAN);
                    }
                    theirs[k].push(seconds);
                }
                Err(e) => reference_error = Some(e),
            }
        }
    }
    let _ = std::fs::remove_file(&model_file);
    let theirs: Vec<Option<Seconds>> = theirs
        .iter()
        .map(|s| (s.len() == o.repeats).then(|| medians(s)))
        .collect();

    let train_f = train_flops(50, sequences, steps) * iterations as f64;
    let all_f = trial_flops(50, steps) * (sequences * STARTS * trials) as f64;
    let one_f = trial_flops(50, steps) * (STARTS * trials) as f64;
    let level = simd::level();
    println!(
        "pcrnn native benchmark on {} ({} used), medians of {} repeats",
        cpu_model(),
        level_name(level),
        o.repeats
    );
    println!(
        "{:<40} {:>10} {:>10} {:>7} {:>10} {:>10} {:>7} {:>7} {:>7}",
        "work",
        "ours wall",
        "ours CPU",
        "GFLOP/s",
        "torch wall",
        "torch CPU",
        "GFLOP/s",
        "wall",
        "CPU"
    );
    let works = [
        (
            format!("train {iterations} iterations"),
            &train_times,
            train_f,
        ),
        (
            format!("recall {sequences} × {STARTS} × {trials} trials"),
            &all,
            all_f,
        ),
        (
            format!("recall 1 × {STARTS} × {trials} trials"),
            &one,
            one_f,
        ),
    ];
    for (k, (what, times, flops)) in works.iter().enumerate() {
        for (p, precision) in PRECISIONS.iter().enumerate() {
            let name = format!("{what} ({})", precision_name(*precision));
            row(&name, medians(&times[p]), theirs[k], *flops);
        }
    }
    println!(
        "useful work: training {:.1} GFLOP, recall {:.1} GFLOP (all) and {:.2} GFLOP (one); \
         GFLOP/s from CPU time. Final loss: ours {:.5} (f64), {:.5} (f32), torch {reference_loss:.5}",
        train_f / 1e9,
        all_f / 1e9,
        one_f / 1e9,
        final_loss[0],
        final_loss[1]
    );
    if !use_reference {
        println!(
            "(no PyTorch reference: {} not found or --no-reference)",
            script.display()
        );
    } else if let Some(e) = reference_error {
        println!("(the PyTorch reference failed: {e})");
    }

    // The same training at each SIMD level this CPU has, in both precisions.
    let short = if o.quick { 20 } else { 100 };
    let per_iteration = |set: &DataSet, n_h: usize, precision: Precision| -> f64 {
        let mut t = trainer(set, n_h, precision);
        t.run(3).expect("warm-up");
        measure(|| t.run(short).expect("training converges")).cpu / short as f64
    };
    println!("\ntraining at each SIMD level ({short} iterations, CPU time per iteration):");
    println!("  {:<18} {:>16} {:>16}", "", "f64", "f32");
    for candidate in [Level::Baseline, Level::Avx2, Level::Avx512] {
        simd::set_ceiling(candidate);
        if simd::level() != candidate {
            continue;
        }
        let mut line = format!("  {:<18}", level_name(candidate));
        for precision in PRECISIONS {
            let seconds = per_iteration(&data, 50, precision);
            let gflops = train_flops(50, sequences, steps) / seconds / 1e9;
            line += &format!(" {:>6.3} ms {:>5.1} GF/s", seconds * 1e3, gflops);
        }
        println!("{line}");
    }
    simd::set_ceiling(Level::Avx512);

    // How the cost of an iteration grows.
    println!("\ncost of one training iteration ({short} iterations, CPU time):");
    println!(
        "  {:>8} {:>9} {:>16} {:>16}",
        "states", "sequences", "f64", "f32"
    );
    let copies = |n: usize| -> DataSet {
        let k = n / sequences;
        let labels = (0..n).map(|i| data.labels[i % sequences].clone()).collect();
        let trajectories = (0..k)
            .flat_map(|_| data.trajectories.iter().cloned())
            .collect();
        DataSet::new(labels, trajectories, data.frame.clone()).expect("copies of a valid set")
    };
    let cases = [
        (25, 20),
        (50, 20),
        (100, 20),
        (200, 20),
        (50, 80),
        (50, 320),
    ];
    for (n_h, n) in cases {
        let set = copies(n);
        let mut line = format!("  {n_h:>8} {n:>9}");
        for precision in PRECISIONS {
            let seconds = per_iteration(&set, n_h, precision);
            let gflops = train_flops(n_h, n, steps) / seconds / 1e9;
            line += &format!(" {:>6.3} ms {:>5.1} GF/s", seconds * 1e3, gflops);
        }
        println!("{line}");
    }

    let model = pcrnn::data::formats::parse_model(
        &std::fs::read_to_string(root.join("data/model.json")).expect("data/model.json"),
    )
    .expect("a valid model");
    scaling(&model, &data, &o, trials);
}
