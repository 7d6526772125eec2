//! Memory retrieval (docs/design.md §3): given a target, infer the hidden cause that generates it.
//! Every target runs from several random starts at once; a trial is one full pass over the
//! target with inference on, and the next trial goes on from the cause the last one reached.

use serde::{Deserialize, Serialize};

use crate::data::dataset::{check_trajectories, time_major};
use crate::kernels::noise::Noise;
use crate::kernels::real::Precision;
use crate::kernels::step::{StepBuffers, step};
use crate::kernels::trials::Runs;
use crate::model::Model;
use crate::model::network::{Mat, Rates};
use crate::model::prior::{MixturePrior, PriorForm};
use crate::model::recognition::{Recognition, recognise};

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
    /// The largest match error (the best start's mean distance between the target and what its
    /// cause writes) at which a target is recognised as a learned letter (recognition.rs).
    pub match_threshold: f64,
    /// How sharply the belief that a target is a learned letter falls around the threshold:
    /// the width of the logistic in the match error.
    pub match_width: f64,
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
            match_threshold: MATCH_THRESHOLD,
            match_width: MATCH_WIDTH,
            precision: Precision::default(),
        }
    }
}

/// The match threshold and width calibrated on the shipped model (docs/tuning.md, "Knowing when
/// it does not know"); files written before the settings had them take these.
pub const MATCH_THRESHOLD: f64 = 0.4;
pub const MATCH_WIDTH: f64 = 0.036;

pub const MAX_TRIALS: usize = 100_000;
pub const MAX_STARTS: usize = 64;
/// The upper bound of the rates, of sigma_r and of sigma_c.
pub const MAX_RATE: f64 = 100.0;

impl RecallSettings {
    pub fn check(&self) -> Result<(), String> {
        let rates = [
            ("alpha_x", self.alpha_x),
            ("alpha_h", self.alpha_h),
            ("alpha_c", self.alpha_c),
            ("sigma_r", self.sigma_r),
        ];
        for (name, value) in rates {
            if !(value.is_finite() && (0.0..=MAX_RATE).contains(&value)) {
                return Err(format!(
                    "{name} must be a number between 0 and {MAX_RATE}, not {value}"
                ));
            }
        }
        if !(self.sigma_c.is_finite() && self.sigma_c > 0.0 && self.sigma_c <= MAX_RATE) {
            return Err(format!(
                "sigma_c must be a positive number up to {MAX_RATE}, not {}",
                self.sigma_c
            ));
        }
        let positive = [
            ("match_threshold", self.match_threshold),
            ("match_width", self.match_width),
        ];
        for (name, value) in positive {
            if !(value.is_finite() && value > 0.0 && value <= MAX_RATE) {
                return Err(format!(
                    "{name} must be a positive number up to {MAX_RATE}, not {value}"
                ));
            }
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

    /// These settings with the keys of a JSON object (such as `{"sigma_r": 2.0}`) replaced:
    /// how `--recall` applies, onto a model's settings or the seed's.
    pub fn overridden_by(&self, json: &str) -> Result<RecallSettings, String> {
        let overrides: serde_json::Value =
            serde_json::from_str(json).map_err(|e| format!("--recall is not valid JSON: {e}"))?;
        let Some(map) = overrides.as_object() else {
            return Err("--recall must be a JSON object such as {\"sigma_r\": 2.0}".into());
        };
        let mut merged = serde_json::to_value(self).map_err(|e| e.to_string())?;
        for (key, value) in map {
            merged[key] = value.clone();
        }
        let settings = RecallSettings {
            precision: self.precision,
            ..serde_json::from_value(merged).map_err(|e| format!("--recall is not valid: {e}"))?
        };
        settings
            .check()
            .map_err(|why| format!("--recall is not valid: {why}"))?;
        Ok(settings)
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
    /// The memory nearest to the cause (its index among the model's memories), and its label.
    pub memory: usize,
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
    /// Per target, its best start's error: how well what it imagines matches the target.
    pub match_errors: Vec<f64>,
    /// Per target, whether its match error is within the settings' threshold: when not, the
    /// answer is "none of the letters I have learned" rather than its prediction.
    pub recognised: Vec<bool>,
    /// Per target, a belief over `letters` and then "none of the letters I know", summing to 1.
    pub beliefs: Vec<Vec<f64>>,
}

/// How well a recall's answers match the targets' labels (unlabelled targets are not counted).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Score {
    /// Share of runs whose nearest memory has the target's label; None without labels.
    pub per_start: Option<f64>,
    /// Share of targets whose best start has the target's label; None without labels.
    pub best_of_starts: Option<f64>,
    /// Labelled targets recalled (best of starts) as another letter: (truth, answer, count),
    /// most frequent first.
    pub confusions: Vec<(String, String, usize)>,
}

impl RecallReport {
    /// Scores the answers against `labels` (one per target, None where unknown).
    pub fn score(&self, labels: &[Option<String>]) -> Score {
        let share = |pairs: &mut dyn Iterator<Item = (&Option<String>, &String)>| {
            let (mut right, mut labelled) = (0usize, 0usize);
            for (truth, answer) in pairs {
                if let Some(truth) = truth {
                    labelled += 1;
                    right += usize::from(truth == answer);
                }
            }
            (labelled > 0).then(|| right as f64 / labelled as f64)
        };
        let mut counts: std::collections::BTreeMap<(String, String), usize> = Default::default();
        for (truth, answer) in labels.iter().zip(&self.predictions) {
            if let Some(truth) = truth.as_ref().filter(|t| *t != answer) {
                *counts.entry((truth.clone(), answer.clone())).or_default() += 1;
            }
        }
        let mut confusions: Vec<_> = counts.into_iter().map(|((t, a), n)| (t, a, n)).collect();
        confusions.sort_by_key(|c| std::cmp::Reverse(c.2));
        Score {
            per_start: share(&mut self.runs.iter().map(|r| (&labels[r.target], &r.label))),
            best_of_starts: share(&mut labels.iter().zip(&self.predictions)),
            confusions,
        }
    }
}

pub struct Recall {
    model: Model,
    settings: RecallSettings,
    n_targets: usize,
    steps: usize,
    /// The hidden states and causes of every run, in the precision of the settings.
    runs: Runs,
    /// Per run, the cause at the start and after every trial, flattened (n_c numbers a point).
    paths: Vec<Vec<f64>>,
    trials_done: usize,
    noise: Noise,
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
        check_trajectories(targets, ("target", "targets"))?;
        let n_c = model.network.dims.n_c;
        let batch = settings.starts * targets.len();
        let mut noise = Noise::new(seed);
        // Column by column: run j draws its n_c numbers in turn (torch.randn(B, n_c)).
        let c = Mat::from_fn(n_c, batch, |_, _| noise.normal());
        let paths = c
            .column_iter()
            .map(|col| col.iter().copied().collect())
            .collect();
        let steps = time_major(targets, settings.starts);
        let runs = Runs::new(settings.precision, &model.network, &steps, &c);
        Ok(Recall {
            model: model.clone(),
            settings: settings.clone(),
            n_targets: targets.len(),
            steps: steps.len(),
            runs,
            paths,
            trials_done: 0,
            noise,
        })
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
        self.runs
            .advance(todo, &rates, &prior, &mut self.noise, &mut self.paths);
        self.trials_done += todo;
        self.trials_done
    }

    /// The current causes, one column per run.
    fn causes(&self) -> Mat {
        self.runs.causes(self.model.network.dims.n_c)
    }

    /// The path of run `run`'s cause: the start, then one point per trial done.
    pub fn path(&self, run: usize) -> Vec<Vec<f64>> {
        let n_c = self.model.network.dims.n_c;
        self.paths[run].chunks(n_c).map(<[f64]>::to_vec).collect()
    }

    /// What each run's current cause makes the network write: the letters they "imagine".
    pub fn imagined(&self) -> Vec<Vec<[f64; 2]>> {
        generate(&self.model, &self.causes(), self.steps)
    }

    /// For every run, the mean distance between its target and what its cause regenerates.
    fn regeneration_errors(&self, causes: &Mat) -> Vec<f64> {
        let targets = self.runs.targets(self.model.network.dims.n_x, self.steps);
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
                let memory = self.model.nearest_memory(&cause);
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
                    memory,
                    label: self.model.labels[memory].clone(),
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
        let Recognition {
            match_errors,
            recognised,
            beliefs,
        } = recognise(&runs, &best_start, letters.len(), &self.settings);
        RecallReport {
            letters,
            trials: self.trials_done,
            runs,
            best_start,
            predictions,
            match_errors,
            recognised,
            beliefs,
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
        step(
            net,
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
