//! Training (DESIGN.md §2): pure generation over full sequences, all in one batch, the loss
//! mean(e^2), gradients by backpropagation through time written out by hand, and Adam.

use std::fmt;

use crate::activation::tanh_into;
use crate::adam::{Adam, AdamConfig};
use crate::dataset::{DataSet, time_major};
use crate::model::{Model, TrainingSummary};
use crate::network::{Dims, MAX_WEIGHT, Mat, Network, Params, StepBuffers};
use crate::noise::Noise;
use crate::retrieve::RecallSettings;

#[derive(Clone, Debug, PartialEq)]
pub struct TrainConfig {
    pub n_c: usize,
    pub n_h: usize,
    pub tau: f64,
    pub adam: AdamConfig,
    /// Seeds the initial weights and causes.
    pub seed: u64,
}

impl Default for TrainConfig {
    fn default() -> TrainConfig {
        TrainConfig {
            n_c: 2,
            n_h: 50,
            tau: 50.0,
            adam: AdamConfig::default(),
            seed: 0,
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

/// dLoss/d of every trained tensor.
#[derive(Clone, Debug, PartialEq)]
pub struct Gradients {
    pub params: Params,
    pub causes: Mat,
}

/// Activations kept by the forward pass for the backward pass.
struct History {
    /// tanh(h_t) for t = 0..=T, one n_h × P block per step (block 0 is tanh(h0)).
    tanh_h: Mat,
    /// e_t = x_pred_t - x_t for t = 1..=T, one n_x × P block per step.
    errors: Mat,
    step: StepBuffers,
    h: Mat,
}

pub struct Trainer {
    pub network: Network,
    /// The hidden causes learned for each sequence (n_c × P), the memories of retrieval.
    pub causes: Mat,
    data: DataSet,
    targets: Vec<Mat>,
    adam: Adam,
    config: TrainConfig,
    losses: Vec<f64>,
    history: History,
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
        let p = data.len();
        let steps = data.steps();
        let p_ = &network.params;
        let sizes = [
            p_.w_o.len(),
            p_.b_o.len(),
            p_.w_c.len(),
            p_.w_r.len(),
            p_.b_r.len(),
            causes.len(),
        ];
        let history = History {
            tanh_h: Mat::zeros(dims.n_h, (steps + 1) * p),
            errors: Mat::zeros(dims.n_x, steps * p),
            step: StepBuffers::new(dims, p),
            h: Mat::zeros(dims.n_h, p),
        };
        Trainer {
            adam: Adam::new(config.adam, &sizes),
            targets: time_major(&data.trajectories, 1),
            data: data.clone(),
            network,
            causes,
            config: config.clone(),
            losses: Vec::new(),
            history,
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

    /// The learned causes as points, one per sequence.
    pub fn causes_points(&self) -> Vec<Vec<f64>> {
        self.causes
            .column_iter()
            .map(|c| c.iter().copied().collect())
            .collect()
    }

    /// One iteration: loss, gradients, Adam. If the loss or a gradient is not finite, or the
    /// update throws a parameter beyond [`MAX_WEIGHT`], returns `Diverged` with the parameters
    /// put back as they were before the last update (the last whose loss was finite).
    pub fn step(&mut self) -> Result<f64, TrainError> {
        let (loss, grads) = self.loss_and_gradients();
        let g = &grads.params;
        let gradients = [&g.w_o, &g.w_c, &g.w_r, &grads.causes];
        let finite = loss.is_finite()
            && gradients.iter().all(|m| m.iter().all(|v| v.is_finite()))
            && g.b_o.iter().chain(g.b_r.iter()).all(|v| v.is_finite());
        if !finite {
            return Err(self.diverged(loss));
        }
        self.remember_good();
        let p = &mut self.network.params;
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

    /// The generation pass: fills the history and returns loss = mean(e^2).
    pub fn forward(&mut self) -> f64 {
        let p = self.data.len();
        let net = &self.network;
        let hist = &mut self.history;
        let buf = &mut hist.step;
        hist.h.copy_from(&net.initial_states(p));
        tanh_into(buf.tanh_h.as_mut_slice(), hist.h.as_slice());
        hist.tanh_h.columns_mut(0, p).copy_from(&buf.tanh_h);
        for (t, x_t) in self.targets.iter().enumerate() {
            net.top_down(&hist.h, &buf.tanh_h, &self.causes, &mut buf.h_prior);
            net.predict(&buf.h_prior, &mut buf.tanh_prior, &mut buf.x_pred);
            // Without inference h = h_prior, so tanh(h_prior) is next step's tanh(h).
            hist.h.copy_from(&buf.h_prior);
            std::mem::swap(&mut buf.tanh_h, &mut buf.tanh_prior);
            hist.tanh_h
                .columns_mut((t + 1) * p, p)
                .copy_from(&buf.tanh_h);
            let mut e = hist.errors.columns_mut(t * p, p);
            e.copy_from(&buf.x_pred);
            e -= x_t;
        }
        hist.errors.norm_squared() / hist.errors.len() as f64
    }

    /// Loss and its exact gradients by backpropagation through time.
    pub fn loss_and_gradients(&mut self) -> (f64, Gradients) {
        let loss = self.forward();
        let Dims { n_h, .. } = self.network.dims;
        let p = self.data.len();
        let steps = self.targets.len();
        let params = &self.network.params;
        let tau = self.network.tau;
        let hist = &self.history;
        let tanh_after = hist.tanh_h.columns(p, steps * p); // tanh(h_t), t = 1..=T
        let tanh_before = hist.tanh_h.columns(0, steps * p); // tanh(h_{t-1})

        // dL/dx_pred_t = 2 e_t / (T P n_x)
        let d_x = &hist.errors * (2.0 / hist.errors.len() as f64);
        let w_o = &d_x * tanh_after.transpose();
        let b_o = d_x.column_sum();
        // The output's pull on every h_t at once: W_o^T dL/dx_t.
        let from_output = params.w_o.tr_mul(&d_x);

        // Backwards through time: g = dL/dh_t, and dL/dpre_t = g / tau where
        // pre_t = W_r tanh(h_{t-1}) + W_c c + b_r.
        let mut d_pre = Mat::zeros(n_h, steps * p);
        let mut g = Mat::zeros(n_h, p);
        let mut through_recurrence = Mat::zeros(n_h, p);
        let w_r_transposed = params.w_r.transpose();
        // Step t's columns are one contiguous run of a column-major matrix: work on slices.
        let block_len = n_h * p;
        let tanh_all = hist.tanh_h.as_slice();
        for t in (1..=steps).rev() {
            let block = (t - 1) * block_len..t * block_len;
            let tanh_t = &tanh_all[block.start + block_len..block.end + block_len];
            let tanh_prev = &tanh_all[block.clone()];
            // g += (W_o^T dL/dx_t) * (1 - tanh(h_t)^2)
            for ((g, &back), &th) in g
                .iter_mut()
                .zip(&from_output.as_slice()[block.clone()])
                .zip(tanh_t)
            {
                *g += back * (1.0 - th * th);
            }
            let d_pre_t = &mut d_pre.as_mut_slice()[block.clone()];
            for (d, &g) in d_pre_t.iter_mut().zip(g.iter()) {
                *d = g / tau;
            }
            // dL/dh_{t-1} = (1 - 1/tau) g + (W_r^T dL/dpre_t) * (1 - tanh(h_{t-1})^2)
            through_recurrence.gemm(1.0, &w_r_transposed, &d_pre.columns((t - 1) * p, p), 0.0);
            for ((g, &rec), &th) in g.iter_mut().zip(through_recurrence.iter()).zip(tanh_prev) {
                *g = (1.0 - 1.0 / tau) * *g + rec * (1.0 - th * th);
            }
        }

        let w_r = &d_pre * tanh_before.transpose();
        let b_r = d_pre.column_sum();
        // c is the same at every step, so its gradient gathers dL/dpre over time.
        let mut d_pre_total = Mat::zeros(n_h, p);
        for t in 0..steps {
            d_pre_total += d_pre.columns(t * p, p);
        }
        let w_c = &d_pre_total * self.causes.transpose();
        let causes = params.w_c.tr_mul(&d_pre_total);
        let params = Params {
            w_o,
            b_o,
            w_c,
            w_r,
            b_r,
        };
        (loss, Gradients { params, causes })
    }

    /// What the network generates for every training sequence from its learned cause.
    pub fn generate(&mut self) -> Vec<Vec<[f64; 2]>> {
        self.forward();
        let p = self.data.len();
        (0..p)
            .map(|k| {
                (0..self.targets.len())
                    .map(|t| {
                        let e = self.history.errors.column(t * p + k);
                        let x = self.targets[t].column(k);
                        [e[0] + x[0], e[1] + x[1]]
                    })
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
