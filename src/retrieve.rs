//! Memory retrieval (DESIGN.md §3): given a target, infer the hidden cause that generates it.
//! Every target runs from several random starts at once; a trial is one full pass over the
//! target with inference on, and the next trial goes on from the cause the last one reached.

use crate::wording::count;
use serde::{Deserialize, Serialize};

use crate::dataset::{MAX_STEPS, MAX_TRAJECTORIES, time_major};
use crate::model::Model;
use crate::network::{Mat, Rates, StepBuffers, step_with};
use crate::noise::Noise;
use crate::prior::{MixturePrior, PriorForm};
use crate::real::{Precision, Real, convert};
use crate::simd::{self, Isa, Kernel};

/// The retrieval settings; the defaults are the seed's (found there by a hyper-parameter search).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RecallSettings {
    pub alpha_x: f64,
    pub alpha_h: f64,
    pub alpha_c: f64,
    pub sigma_c: f64,
    pub sigma_r: f64,
    pub trials: usize,
    pub starts: usize,
    pub prior: PriorForm,
    /// The number type of the trials; not part of a model file or of the page's settings.
    #[serde(skip)]
    pub precision: Precision,
}

impl Default for RecallSettings {
    fn default() -> RecallSettings {
        RecallSettings {
            alpha_x: 0.1,
            alpha_h: 0.019,
            alpha_c: 0.0085,
            sigma_c: 0.096,
            sigma_r: 2.6,
            trials: 1000,
            starts: 4,
            prior: PriorForm::Exact,
            precision: Precision::default(),
        }
    }
}

pub const MAX_TRIALS: usize = 100_000;
pub const MAX_STARTS: usize = 64;

impl RecallSettings {
    pub fn check(&self) -> Result<(), String> {
        let rates = [
            ("alpha_x", self.alpha_x),
            ("alpha_h", self.alpha_h),
            ("alpha_c", self.alpha_c),
            ("sigma_r", self.sigma_r),
        ];
        for (name, value) in rates {
            if !(value.is_finite() && (0.0..=100.0).contains(&value)) {
                return Err(format!(
                    "{name} must be a number between 0 and 100, not {value}"
                ));
            }
        }
        if !(self.sigma_c.is_finite() && self.sigma_c > 0.0 && self.sigma_c <= 100.0) {
            return Err(format!(
                "sigma_c must be a positive number up to 100, not {}",
                self.sigma_c
            ));
        }
        if !(1..=MAX_TRIALS).contains(&self.trials) {
            return Err(format!(
                "trials must be between 1 and {MAX_TRIALS}, not {}",
                self.trials
            ));
        }
        if !(1..=MAX_STARTS).contains(&self.starts) {
            return Err(format!(
                "starts must be between 1 and {MAX_STARTS}, not {}",
                self.starts
            ));
        }
        Ok(())
    }

    fn rates(&self) -> Rates {
        Rates {
            alpha_x: self.alpha_x,
            alpha_h: self.alpha_h,
            alpha_c: self.alpha_c,
            sigma_r: self.sigma_r,
        }
    }
}

/// One start on one target, as it stands.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunReport {
    pub target: usize,
    pub start: usize,
    pub cause: Vec<f64>,
    /// The label of the memory nearest to the cause.
    pub label: String,
    /// The mixture weights at the cause, summed per letter: a posterior over letters.
    pub posterior: Vec<f64>,
    /// Mean distance between the target and what the cause generates (no inference).
    pub error: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RecallReport {
    pub letters: Vec<String>,
    pub trials: usize,
    /// Run `start * targets + target`.
    pub runs: Vec<RunReport>,
    /// Per target, the start whose cause regenerates the target best.
    pub best_start: Vec<usize>,
    /// Per target, the label of its best start.
    pub predictions: Vec<String>,
}

pub struct Recall {
    model: Model,
    settings: RecallSettings,
    n_targets: usize,
    steps: usize,
    /// The hidden states and causes of every run, in the precision of the settings.
    runs: AnyRuns,
    /// Per run, the cause at the start and after every trial, flattened (n_c numbers a point).
    paths: Vec<Vec<f64>>,
    /// Per run and trial, the mean prediction error |e| over the trial's inference pass.
    errors: Vec<Vec<f64>>,
    trials_done: usize,
    noise: Noise,
}

/// Every run's state in the number type `T`, one column per run.
struct Runs<T: Real> {
    /// The targets, one n_x × B block per step (column j is target j % targets).
    targets: Vec<T>,
    h: Vec<T>,
    c: Vec<T>,
    buf: StepBuffers<T>,
}

enum AnyRuns {
    F32(Runs<f32>),
    F64(Runs<f64>),
}

impl<T: Real> Runs<T> {
    fn new(model: &Model, targets: &[Mat], c: &Mat) -> Runs<T> {
        let dims = model.network.dims;
        let mut buf = StepBuffers::new(dims, c.ncols());
        buf.weights.load(&model.network);
        Runs {
            targets: targets
                .iter()
                .flat_map(|x| x.iter().map(|&v| T::from_f64(v)))
                .collect(),
            h: vec![T::ZERO; dims.n_h * c.ncols()],
            c: convert(c.as_slice()),
            buf,
        }
    }
}

impl Recall {
    /// Starts every run from c ~ N(0, I), drawn from `seed`.
    pub fn new(
        model: &Model,
        targets: &[Vec<[f64; 2]>],
        settings: &RecallSettings,
        seed: u64,
    ) -> Result<Recall, String> {
        settings.check()?;
        check_targets(targets)?;
        let n_c = model.network.dims.n_c;
        let batch = settings.starts * targets.len();
        let mut noise = Noise::new(seed);
        // Column by column: run j draws its n_c numbers in turn (torch.randn(B, n_c)).
        let c = Mat::from_fn(n_c, batch, |_, _| noise.normal());
        Ok(Recall::from_causes(model, targets, settings, c, noise))
    }

    /// Starts run `start * targets + target` from column of the same index of `starts`
    /// (n_c × starts·targets); the noise of the trials is drawn from `seed`.
    pub fn with_starts(
        model: &Model,
        targets: &[Vec<[f64; 2]>],
        settings: &RecallSettings,
        seed: u64,
        starts: Mat,
    ) -> Result<Recall, String> {
        settings.check()?;
        check_targets(targets)?;
        let expected = (model.network.dims.n_c, settings.starts * targets.len());
        if starts.shape() != expected || starts.iter().any(|v| !v.is_finite()) {
            return Err(format!(
                "the starts must be {} × {} finite numbers",
                expected.0, expected.1
            ));
        }
        Ok(Recall::from_causes(
            model,
            targets,
            settings,
            starts,
            Noise::new(seed),
        ))
    }

    fn from_causes(
        model: &Model,
        targets: &[Vec<[f64; 2]>],
        settings: &RecallSettings,
        c: Mat,
        noise: Noise,
    ) -> Recall {
        let batch = c.ncols();
        let paths = c
            .column_iter()
            .map(|col| col.iter().copied().collect())
            .collect();
        let steps = time_major(targets, settings.starts);
        let runs = match settings.precision {
            Precision::F32 => AnyRuns::F32(Runs::new(model, &steps, &c)),
            Precision::F64 => AnyRuns::F64(Runs::new(model, &steps, &c)),
        };
        Recall {
            model: model.clone(),
            settings: settings.clone(),
            n_targets: targets.len(),
            steps: steps.len(),
            runs,
            paths,
            errors: vec![Vec::new(); batch],
            trials_done: 0,
            noise,
        }
    }

    pub fn trials_done(&self) -> usize {
        self.trials_done
    }

    pub fn done(&self) -> bool {
        self.trials_done >= self.settings.trials
    }

    pub fn runs(&self) -> usize {
        self.paths.len()
    }

    /// Runs up to `trials` more trials (never past the settings' total); returns the total done.
    pub fn advance(&mut self, trials: usize) -> usize {
        let todo = trials.min(self.settings.trials - self.trials_done);
        let prior = MixturePrior {
            mus: &self.model.mus,
            sigma_c: self.settings.sigma_c,
            form: self.settings.prior,
        };
        let rates = self.settings.rates();
        let (noise, paths, errors) = (&mut self.noise, &mut self.paths, &mut self.errors);
        match &mut self.runs {
            AnyRuns::F32(runs) => simd::run(Trials {
                rates,
                prior: &prior,
                runs,
                noise,
                paths,
                errors,
                todo,
            }),
            AnyRuns::F64(runs) => simd::run(Trials {
                rates,
                prior: &prior,
                runs,
                noise,
                paths,
                errors,
                todo,
            }),
        }
        self.trials_done += todo;
        self.trials_done
    }

    /// The current causes, one column per run.
    fn causes(&self) -> Mat {
        let n_c = self.model.network.dims.n_c;
        let values: Vec<f64> = match &self.runs {
            AnyRuns::F32(runs) => runs.c.iter().map(|v| v.to_f64()).collect(),
            AnyRuns::F64(runs) => runs.c.clone(),
        };
        Mat::from_vec(n_c, values.len() / n_c, values)
    }

    /// The path of run `run`'s cause: the start, then one point per trial done.
    pub fn path(&self, run: usize) -> Vec<Vec<f64>> {
        let n_c = self.model.network.dims.n_c;
        self.paths[run].chunks(n_c).map(<[f64]>::to_vec).collect()
    }

    /// Mean prediction error of each trial of run `run`.
    pub fn trial_errors(&self, run: usize) -> &[f64] {
        &self.errors[run]
    }

    /// What each run's current cause makes the network write: the letters they "imagine".
    pub fn imagined(&self) -> Vec<Vec<[f64; 2]>> {
        generate(&self.model, &self.causes(), self.steps)
    }

    /// For every run, the mean distance between its target and what its cause regenerates.
    fn regeneration_errors(&self, causes: &Mat) -> Vec<f64> {
        let targets = self.targets_f64();
        generate(&self.model, causes, self.steps)
            .iter()
            .enumerate()
            .map(|(run, generated)| {
                let sum: f64 = generated
                    .iter()
                    .zip(&targets)
                    .map(|(x, x_t)| (x[0] - x_t[(0, run)]).powi(2) + (x[1] - x_t[(1, run)]).powi(2))
                    .map(f64::sqrt)
                    .sum();
                sum / self.steps as f64
            })
            .collect()
    }

    /// The targets as one n_x × B matrix per step.
    fn targets_f64(&self) -> Vec<Mat> {
        let n_x = self.model.network.dims.n_x;
        let batch = self.runs();
        let block = |t: usize| -> Vec<f64> {
            match &self.runs {
                AnyRuns::F32(runs) => runs.targets[t * n_x * batch..][..n_x * batch]
                    .iter()
                    .map(|v| v.to_f64())
                    .collect(),
                AnyRuns::F64(runs) => runs.targets[t * n_x * batch..][..n_x * batch].to_vec(),
            }
        };
        (0..self.steps)
            .map(|t| Mat::from_vec(n_x, batch, block(t)))
            .collect()
    }

    /// The readout: nearest memory and posterior for every run, and the best start per target.
    pub fn report(&self) -> RecallReport {
        let letters = self.model.letters();
        let causes = self.causes();
        let errors = self.regeneration_errors(&causes);
        let prior = MixturePrior {
            mus: &self.model.mus,
            sigma_c: self.settings.sigma_c,
            form: PriorForm::Exact,
        };
        let mut weights = Vec::new();
        let runs: Vec<RunReport> = causes
            .column_iter()
            .enumerate()
            .map(|(run, c)| {
                let cause: Vec<f64> = c.iter().copied().collect();
                prior.weights(&cause, &mut weights);
                let mut posterior = vec![0.0; letters.len()];
                for (label, w) in self.model.labels.iter().zip(&weights) {
                    if let Some(i) = letters.iter().position(|l| l == label) {
                        posterior[i] += w;
                    }
                }
                RunReport {
                    target: run % self.n_targets,
                    start: run / self.n_targets,
                    label: self.model.labels[self.model.nearest_memory(&cause)].clone(),
                    cause,
                    posterior,
                    error: errors[run],
                }
            })
            .collect();
        let best_start: Vec<usize> = (0..self.n_targets)
            .map(|target| {
                (0..self.settings.starts)
                    .min_by(|&a, &b| {
                        let ea = runs[a * self.n_targets + target].error;
                        let eb = runs[b * self.n_targets + target].error;
                        ea.total_cmp(&eb)
                    })
                    .unwrap_or(0)
            })
            .collect();
        let predictions = best_start
            .iter()
            .enumerate()
            .map(|(target, &start)| runs[start * self.n_targets + target].label.clone())
            .collect();
        RecallReport {
            letters,
            trials: self.trials_done,
            runs,
            best_start,
            predictions,
        }
    }
}

/// Trials of retrieval as one [`Kernel`], so the instruction set is chosen once per chunk.
struct Trials<'a, T: Real> {
    rates: Rates,
    prior: &'a MixturePrior<'a>,
    runs: &'a mut Runs<T>,
    noise: &'a mut Noise,
    paths: &'a mut [Vec<f64>],
    errors: &'a mut [Vec<f64>],
    todo: usize,
}

impl<T: Real> Kernel for Trials<'_, T> {
    type Output = ();

    #[inline(always)]
    fn run<I: Isa>(self) {
        let Runs { targets, h, c, buf } = self.runs;
        let n_h = buf.weights.h0.len();
        let block = buf.x.len();
        let steps = targets.len() / block;
        for _ in 0..self.todo {
            // Every trial starts from the shared initial state h0.
            for column in h.chunks_exact_mut(n_h) {
                column.copy_from_slice(&buf.weights.h0);
            }
            for errors in self.errors.iter_mut() {
                errors.push(0.0);
            }
            for t in 0..steps {
                let x_t = &targets[t * block..][..block];
                step_with::<I, T>(buf, h, c, x_t, &self.rates, Some(self.prior), self.noise);
                let n_x = block / self.errors.len();
                for (errors, e) in self.errors.iter_mut().zip(buf.e.chunks_exact(n_x)) {
                    let norm = e
                        .iter()
                        .map(|&v| v.to_f64() * v.to_f64())
                        .sum::<f64>()
                        .sqrt();
                    *errors.last_mut().expect("pushed above") += norm / steps as f64;
                }
            }
            let n_c = c.len() / self.paths.len();
            for (path, c) in self.paths.iter_mut().zip(c.chunks_exact(n_c)) {
                path.extend(c.iter().map(|v| v.to_f64()));
            }
        }
    }
}

/// Pure generation from each cause (one per column) for `steps` steps, all in one batch: the
/// trajectory the network writes for each.
pub fn generate(model: &Model, causes: &Mat, steps: usize) -> Vec<Vec<[f64; 2]>> {
    let net = &model.network;
    let batch = causes.ncols();
    let mut state = net.start(causes.clone());
    let mut buf = StepBuffers::new(net.dims, batch);
    let no_target = Mat::zeros(net.dims.n_x, batch);
    let mut unused = Noise::new(0);
    let mut trajectories = vec![Vec::with_capacity(steps); batch];
    for _ in 0..steps {
        net.step(
            &mut state,
            &no_target,
            &Rates::default(),
            None,
            &mut unused,
            &mut buf,
        );
        for (trajectory, x) in trajectories.iter_mut().zip(buf.x_pred.column_iter()) {
            trajectory.push([x[0], x[1]]);
        }
    }
    trajectories
}

fn check_targets(targets: &[Vec<[f64; 2]>]) -> Result<(), String> {
    if targets.is_empty() {
        return Err("there is no target to recall".into());
    }
    if targets.len() > MAX_TRAJECTORIES {
        return Err(format!(
            "{} targets is more than the limit of {MAX_TRAJECTORIES}",
            targets.len()
        ));
    }
    let steps = targets[0].len();
    if !(2..=MAX_STEPS).contains(&steps) {
        return Err(format!(
            "a target needs between 2 and {MAX_STEPS} points, not {steps}"
        ));
    }
    for (k, target) in targets.iter().enumerate() {
        if target.len() != steps {
            return Err(format!(
                "target {k} has {} but target 0 has {steps}",
                count(target.len(), "point")
            ));
        }
        if target.iter().flatten().any(|v| !v.is_finite()) {
            return Err(format!(
                "target {k} has a value that is not a finite number"
            ));
        }
    }
    Ok(())
}
