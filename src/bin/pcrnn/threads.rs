//! `--threads N`: how many threads a command works on (default: every core), and a recall split
//! over them. Every run of a recall has its own random stream, so the output is the same with
//! any number of threads.

use clap::Args;
use pcrnn::model::Model;
use pcrnn::model::retrieve::{Recall, RecallReport, RecallSettings, split_starts};
use rayon::prelude::*;

#[derive(Args)]
pub struct Threads {
    /// Threads to work on (default: one per core); the output is the same with any number.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    threads: Option<u64>,
}

impl Threads {
    /// Runs `work` with this many threads for the parallel work inside it.
    pub fn run<R: Send>(&self, work: impl FnOnce() -> R + Send) -> Result<R, String> {
        let mut pool = rayon::ThreadPoolBuilder::new();
        if let Some(n) = self.threads {
            pool = pool.num_threads(n as usize);
        }
        let pool = pool
            .build()
            .map_err(|e| format!("cannot start {} threads: {e}", self.threads.unwrap_or(0)))?;
        Ok(pool.install(work))
    }
}

/// Trials between two progress reports of a part.
const CHUNK: usize = 10;

/// A whole recall with its starts split over the current pool's threads; `on_progress(n)` is
/// told as n more trials of one start (on every target) are done, wherever they ran.
pub fn recall(
    model: &Model,
    targets: &[Vec<[f64; 2]>],
    settings: &RecallSettings,
    seed: u64,
    on_progress: &(dyn Fn(usize) + Sync),
) -> Result<RecallReport, String> {
    let parts = split_starts(settings.starts, rayon::current_num_threads());
    let reports = parts
        .into_par_iter()
        .map(|starts| {
            let mut part = Recall::part(model, targets, settings, seed, starts)?;
            while !part.done() {
                let before = part.trials_done();
                let after = part.advance(CHUNK);
                on_progress((after - before) * part.starts().len());
            }
            Ok(part.report())
        })
        .collect::<Result<Vec<RecallReport>, String>>()?;
    RecallReport::merge(reports)
}
