//! Training (docs/design.md §2): pure generation over full sequences, all in one batch, the loss
//! mean(e^2), gradients by backpropagation through time written out by hand, and Adam.

use std::fmt;

use crate::data::dataset::{DataSet, time_major};
use crate::kernels::bptt::AnyWorkspace;
pub use crate::kernels::bptt::Gradients;
use crate::kernels::noise::Noise;
use crate::kernels::real::Precision;
use crate::model::adam::{Adam, AdamConfig};
use crate::model::network::{Dims, MAX_WEIGHT, Mat, Network, Params};
use crate::model::retrieve::RecallSettings;
use crate::model::{Model, TrainingSummary};

/// Iterations of one training run unless told otherwise: the seed's.
pub const DEFAULT_ITERATIONS: usize = 1000;
/// The most iterations one run may be asked for (the CLI's `--iters`, the page's setting).
pub const MAX_ITERATIONS: usize = 1_000_000;

#[derive(Clone, Debug, PartialEq)]
pub struct TrainConfig {
    pub n_c: usize,
    pub n_h: usize,
    pub tau: f64,
    pub adam: AdamConfig,
    /// Seeds the initial weights and causes.
    pub seed: u64,
    /// The number type of the passes (parameters stay f64): f64 natively, f32 in the browser.
    pub precision: Precision,
}

impl Default for TrainConfig {
    fn default() -> TrainConfig {
        TrainConfig {
            n_c: 2,
            n_h: 50,
            tau: 50.0,
            adam: AdamConfig::default(),
            seed: 0,
            precision: Precision::default(),
        }
    }
}

impl TrainConfig {
    pub fn check(&self) -> Result<(), TrainError> {
        let bad = |why: String| Err(TrainError::Config(why));
        if !(1..=16).contains(&self.n_c) {
            return bad(format!("n_c must be between 1 and 16, not {}", self.n_c));
        }
        if !(1..=1024).contains(&self.n_h) {
            return bad(format!("n_h must be between 1 and 1024, not {}", self.n_h));
        }
        if !(self.tau.is_finite() && self.tau >= 1.0) {
            return bad(format!(
                "tau must be a number of at least 1, not {}",
                self.tau
            ));
        }
        let a = &self.adam;
        if !(a.lr.is_finite() && a.lr > 0.0) {
            return bad(format!(
                "the learning rate must be a positive number, not {}",
                a.lr
            ));
        }
        if !(a.weight_decay.is_finite() && a.weight_decay >= 0.0) {
            return bad(format!(
                "the weight decay must be zero or positive, not {}",
                a.weight_decay
            ));
        }
        let beta_ok = |b: f64| (0.0..1.0).contains(&b);
        if !(beta_ok(a.betas.0) && beta_ok(a.betas.1) && a.eps.is_finite() && a.eps > 0.0) {
            return bad("Adam's betas must lie in [0, 1) and eps must be positive".into());
        }
        Ok(())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum TrainError {
    Config(String),
    /// The loss or a gradient stopped being a finite number; the parameters are the last good ones.
    Diverged {
        iteration: usize,
        loss: f64,
    },
}

impl fmt::Display for TrainError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            TrainError::Config(why) => write!(f, "invalid training setting: {why}"),
            TrainError::Diverged { iteration, loss } => write!(
                f,
                "training diverged at iteration {iteration} (loss {loss}) and stopped with the last good parameters; a smaller learning rate may help"
            ),
        }
    }
}

impl std::error::Error for TrainError {}

pub struct Trainer {
    pub network: Network,
    /// The hidden causes learned for each sequence (n_c × P), the memories of retrieval.
    pub causes: Mat,
    data: DataSet,
    adam: Adam,
    config: TrainConfig,
    losses: Vec<f64>,
    workspace: AnyWorkspace,
    grads: Gradients,
    /// The parameters and causes before the last update: their loss was finite.
    last_good: Option<(Params, Mat)>,
}

impl Trainer {
    /// A fresh network and causes drawn from `config.seed` (causes ~ N * 0.01, as in the seed).
    pub fn new(data: &DataSet, config: &TrainConfig) -> Result<Trainer, TrainError> {
        config.check()?;
        let dims = Dims {
            n_c: config.n_c,
            n_h: config.n_h,
            n_x: 2,
        };
        let mut noise = Noise::new(config.seed);
        let network = Network::init(dims, config.tau, &mut noise);
        let p = data.len();
        // Column by column, so each sequence draws its n_c numbers in turn (torch.randn(P, n_c)).
        let causes = Mat::from_fn(dims.n_c, p, |_, _| noise.normal() * 0.01);
        Ok(Trainer::with_network(network, causes, data, config))
    }

    /// Go on from a trained model's network (fresh optimiser state). Sequences whose label the
    /// model remembers start from that memory; new ones start near zero.
    pub fn from_model(
        model: &Model,
        data: &DataSet,
        config: &TrainConfig,
    ) -> Result<Trainer, TrainError> {
        let mut config = config.clone();
        config.n_c = model.network.dims.n_c;
        config.n_h = model.network.dims.n_h;
        config.tau = model.network.tau;
        config.check()?;
        let mut noise = Noise::new(config.seed);
        let causes = Mat::from_fn(config.n_c, data.len(), |d, k| {
            let fresh = noise.normal() * 0.01;
            match model.labels.iter().position(|l| *l == data.labels[k]) {
                Some(m) => model.mus[(d, m)],
                None => fresh,
            }
        });
        Ok(Trainer::with_network(
            model.network.clone(),
            causes,
            data,
            &config,
        ))
    }

    fn with_network(
        network: Network,
        causes: Mat,
        data: &DataSet,
        config: &TrainConfig,
    ) -> Trainer {
        let dims = network.dims;
        let p_ = &network.params;
        let sizes = [
            p_.w_o.len(),
            p_.b_o.len(),
            p_.w_c.len(),
            p_.w_r.len(),
            p_.b_r.len(),
            causes.len(),
        ];
        Trainer {
            adam: Adam::new(config.adam, &sizes),
            workspace: AnyWorkspace::new(
                config.precision,
                dims,
                &time_major(&data.trajectories, 1),
            ),
            grads: Gradients::zeros(dims, data.len()),
            data: data.clone(),
            network,
            causes,
            config: config.clone(),
            losses: Vec::new(),
            last_good: None,
        }
    }

    pub fn losses(&self) -> &[f64] {
        &self.losses
    }

    pub fn iteration(&self) -> usize {
        self.losses.len()
    }

    pub fn config(&self) -> &TrainConfig {
        &self.config
    }

    /// One iteration: loss, gradients, Adam. If the loss or a gradient is not finite, or the
    /// update throws a parameter beyond [`MAX_WEIGHT`], returns `Diverged` with the parameters
    /// put back as they were before the last update (the last whose loss was finite).
    pub fn step(&mut self) -> Result<f64, TrainError> {
        let loss = self.forward();
        self.workspace.backward(&self.network, &mut self.grads);
        let g = &self.grads.params;
        let gradients = [&g.w_o, &g.w_c, &g.w_r, &self.grads.causes];
        let finite = loss.is_finite()
            && gradients.iter().all(|m| m.iter().all(|v| v.is_finite()))
            && g.b_o.iter().chain(g.b_r.iter()).all(|v| v.is_finite());
        if !finite {
            return Err(self.diverged(loss));
        }
        self.remember_good();
        let grads = &self.grads;
        let g = &grads.params;
        let p = &mut self.network.params;
        // The tensors and their gradients, in the same order (Adam pairs them by position).
        self.adam.step(
            &mut [
                p.w_o.as_mut_slice(),
                p.b_o.as_mut_slice(),
                p.w_c.as_mut_slice(),
                p.w_r.as_mut_slice(),
                p.b_r.as_mut_slice(),
                self.causes.as_mut_slice(),
            ],
            &[
                g.w_o.as_slice(),
                g.b_o.as_slice(),
                g.w_c.as_slice(),
                g.w_r.as_slice(),
                g.b_r.as_slice(),
                grads.causes.as_slice(),
            ],
        );
        let p = &self.network.params;
        let sane = |v: &f64| v.abs() <= MAX_WEIGHT;
        let tensors = [&p.w_o, &p.w_c, &p.w_r, &self.causes];
        if !(tensors.iter().all(|m| m.iter().all(sane))
            && p.b_o.iter().chain(p.b_r.iter()).all(sane))
        {
            return Err(self.diverged(loss));
        }
        self.losses.push(loss);
        Ok(loss)
    }

    fn remember_good(&mut self) {
        match &mut self.last_good {
            Some((params, causes)) => {
                params.clone_from(&self.network.params);
                causes.clone_from(&self.causes);
            }
            None => self.last_good = Some((self.network.params.clone(), self.causes.clone())),
        }
    }

    fn diverged(&mut self, loss: f64) -> TrainError {
        if let Some((params, causes)) = &self.last_good {
            self.network.params.clone_from(params);
            self.causes.clone_from(causes);
        }
        TrainError::Diverged {
            iteration: self.losses.len() + 1,
            loss,
        }
    }

    /// Runs up to `iterations` steps; stops early (keeping the good ones) if training diverges.
    pub fn run(&mut self, iterations: usize) -> Result<(), TrainError> {
        for _ in 0..iterations {
            self.step()?;
        }
        Ok(())
    }

    /// The generation pass: keeps its activations for the gradients and returns loss = mean(e^2).
    pub fn forward(&mut self) -> f64 {
        self.workspace.forward(&self.network, &self.causes)
    }

    /// Loss and its exact gradients by backpropagation through time.
    pub fn loss_and_gradients(&mut self) -> (f64, Gradients) {
        let loss = self.forward();
        self.workspace.backward(&self.network, &mut self.grads);
        (loss, self.grads.clone())
    }

    /// What the network generates for every training sequence from its learned cause.
    pub fn generate(&mut self) -> Vec<Vec<[f64; 2]>> {
        self.forward();
        (0..self.data.len())
            .map(|k| {
                (0..self.data.steps())
                    .map(|t| self.workspace.prediction(t, k))
                    .collect()
            })
            .collect()
    }

    /// A snapshot of the trained model: the network, its memories and the set's frame.
    pub fn model(&self, recall: RecallSettings) -> Model {
        Model {
            network: self.network.clone(),
            mus: self.causes.clone(),
            labels: self.data.labels.clone(),
            frame: self.data.frame.clone(),
            recall,
            training: Some(TrainingSummary {
                iterations: self.losses.len(),
                final_loss: self.losses.last().copied(),
                seed: self.config.seed,
                lr: self.config.adam.lr,
                weight_decay: self.config.adam.weight_decay,
            }),
        }
    }
}
