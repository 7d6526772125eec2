//! Structured memories: one memory per letter, learned from many exemplars of it.
//!
//! The seed gives every trained sequence its own free cause, so a letter written in eleven
//! hands is eleven unrelated points on the map. Here the cause of exemplar k of letter l is
//! built from a **letter part** `z_l`, shared by every exemplar of l, and a small **style
//! part** `s_k` of its own, kept near zero by a Gaussian prior N(0, I) (the penalty
//! `style_weight * mean_k |s_k|^2` added to the loss):
//!
//! - [`Style::Split`]: `c_k = [z_l; s_k]`, the style in extra dimensions of its own;
//! - [`Style::Offset`]: `c_k = z_l + s_k`, the style a small offset of the letter's point, so a
//!   letter is a region of the map around `z_l`;
//! - [`Style::None`]: `c_k = z_l`, every exemplar of a letter the same cause.
//!
//! The trained model has one memory per letter, `[z_l; 0]`: recall is the seed's method
//! unchanged (predictive-coding inference of c under the Gaussian-mixture prior, whose
//! components are now the letters), and its readout (the nearest memory) is the letter part.

use std::fmt;

use crate::adam::{Adam, AdamConfig};
use crate::bptt::{AnyWorkspace, Gradients};
use crate::dataset::{DataSet, time_major};
use crate::model::{Model, TrainingSummary};
use crate::network::{Dims, Mat, Network};
use crate::noise::Noise;
use crate::real::Precision;
use crate::retrieve::RecallSettings;
use crate::train::TrainError;

/// How an exemplar's cause is made of its letter's part and its own style.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Style {
    None,
    Split(usize),
    Offset,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StructuredConfig {
    /// Dimensions of the letter part (the map's plane when 2).
    pub letter_dims: usize,
    pub style: Style,
    /// Weight of the style's prior in the loss: `style_weight * mean_k |s_k|^2`.
    pub style_weight: f64,
    pub n_h: usize,
    pub tau: f64,
    pub adam: AdamConfig,
    pub seed: u64,
    pub precision: Precision,
}

impl Default for StructuredConfig {
    fn default() -> StructuredConfig {
        StructuredConfig {
            letter_dims: 2,
            style: Style::Split(1),
            style_weight: 1.0,
            n_h: 50,
            tau: 50.0,
            adam: AdamConfig::default(),
            seed: 0,
            precision: Precision::default(),
        }
    }
}

impl StructuredConfig {
    pub fn style_dims(&self) -> usize {
        match self.style {
            Style::None => 0,
            Style::Split(n) => n,
            Style::Offset => self.letter_dims,
        }
    }

    /// Dimensions of the network's cause input.
    pub fn n_c(&self) -> usize {
        match self.style {
            Style::Split(n) => self.letter_dims + n,
            Style::None | Style::Offset => self.letter_dims,
        }
    }

    pub fn check(&self) -> Result<(), TrainError> {
        let bad = |why: String| Err(TrainError::Config(why));
        if !(1..=16).contains(&self.n_c()) {
            return bad(format!(
                "the causes need between 1 and 16 dimensions, not {}",
                self.n_c()
            ));
        }
        if !(self.style_weight.is_finite() && self.style_weight >= 0.0) {
            return bad(format!(
                "the style weight must be zero or positive, not {}",
                self.style_weight
            ));
        }
        if !(1..=1024).contains(&self.n_h) {
            return bad(format!("n_h must be between 1 and 1024, not {}", self.n_h));
        }
        if !(self.tau.is_finite() && self.tau >= 1.0) {
            return bad(format!("tau must be at least 1, not {}", self.tau));
        }
        Ok(())
    }
}

pub struct StructuredTrainer {
    pub network: Network,
    /// The letter parts, one column per letter (letter_dims × L).
    pub letter: Mat,
    /// The style parts, one column per exemplar (style_dims × P).
    pub style: Mat,
    /// The distinct labels, in order of first appearance; `letter_of[k]` indexes it.
    pub letters: Vec<String>,
    letter_of: Vec<usize>,
    config: StructuredConfig,
    data: DataSet,
    workspace: AnyWorkspace,
    grads: Gradients,
    causes: Mat,
    d_letter: Mat,
    d_style: Mat,
    adam: Adam,
    losses: Vec<f64>,
}

impl fmt::Debug for StructuredTrainer {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "StructuredTrainer({:?}, {} letters, {} iterations)",
            self.config,
            self.letters.len(),
            self.losses.len()
        )
    }
}

impl StructuredTrainer {
    /// A fresh network (the seed's initialisation) and parts drawn ~ N * 0.01 from `config.seed`.
    pub fn new(data: &DataSet, config: &StructuredConfig) -> Result<StructuredTrainer, TrainError> {
        config.check()?;
        let dims = Dims {
            n_c: config.n_c(),
            n_h: config.n_h,
            n_x: 2,
        };
        let mut noise = Noise::new(config.seed);
        let network = Network::init(dims, config.tau, &mut noise);
        let mut letters: Vec<String> = Vec::new();
        let letter_of = data
            .labels
            .iter()
            .map(|label| match letters.iter().position(|l| l == label) {
                Some(i) => i,
                None => {
                    letters.push(label.clone());
                    letters.len() - 1
                }
            })
            .collect();
        let p = data.len();
        let letter = Mat::from_fn(config.letter_dims, letters.len(), |_, _| {
            noise.normal() * 0.01
        });
        let style = Mat::from_fn(config.style_dims(), p, |_, _| noise.normal() * 0.01);
        let p_ = &network.params;
        let sizes = [
            p_.w_o.len(),
            p_.b_o.len(),
            p_.w_c.len(),
            p_.w_r.len(),
            p_.b_r.len(),
            letter.len(),
            style.len(),
        ];
        Ok(StructuredTrainer {
            adam: Adam::new(config.adam, &sizes),
            workspace: AnyWorkspace::new(
                config.precision,
                dims,
                &time_major(&data.trajectories, 1),
            ),
            grads: Gradients::zeros(dims, p),
            causes: Mat::zeros(dims.n_c, p),
            d_letter: Mat::zeros(letter.nrows(), letter.ncols()),
            d_style: Mat::zeros(style.nrows(), style.ncols()),
            network,
            letter,
            style,
            letters,
            letter_of,
            config: config.clone(),
            data: data.clone(),
            losses: Vec::new(),
        })
    }

    pub fn losses(&self) -> &[f64] {
        &self.losses
    }

    /// Every exemplar's cause, one column each (n_c × P), from the letter and style parts.
    pub fn causes(&self) -> Mat {
        let n_l = self.config.letter_dims;
        Mat::from_fn(self.config.n_c(), self.data.len(), |d, k| {
            let z = |q: usize| self.letter[(q, self.letter_of[k])];
            match self.config.style {
                Style::None => z(d),
                Style::Offset => z(d) + self.style[(d, k)],
                Style::Split(_) if d < n_l => z(d),
                Style::Split(_) => self.style[(d - n_l, k)],
            }
        })
    }

    fn style_penalty(&self) -> f64 {
        self.config.style_weight * self.style.norm_squared() / self.data.len() as f64
    }

    /// The loss mean(e^2) + style_weight * mean_k |s_k|^2, keeping the pass for the gradients.
    pub fn forward(&mut self) -> f64 {
        self.causes = self.causes();
        self.workspace.forward(&self.network, &self.causes) + self.style_penalty()
    }

    /// The loss and its gradients: the network's in `grads.params`, the letter and style
    /// parts' in `d_letter` and `d_style` (read them through [`Self::part_gradients`]).
    pub fn loss_and_gradients(&mut self) -> f64 {
        let loss = self.forward();
        self.workspace.backward(&self.network, &mut self.grads);
        let n_l = self.config.letter_dims;
        let dc = &self.grads.causes;
        self.d_letter.fill(0.0);
        for (k, &l) in self.letter_of.iter().enumerate() {
            for q in 0..n_l {
                self.d_letter[(q, l)] += dc[(q, k)];
            }
        }
        let scale = 2.0 * self.config.style_weight / self.data.len() as f64;
        let offset = match self.config.style {
            Style::Split(_) => n_l,
            Style::None | Style::Offset => 0,
        };
        for k in 0..self.data.len() {
            for q in 0..self.style.nrows() {
                self.d_style[(q, k)] = dc[(offset + q, k)] + scale * self.style[(q, k)];
            }
        }
        loss
    }

    /// The gradients of the last [`Self::loss_and_gradients`]: network, letter parts, styles.
    pub fn part_gradients(&self) -> (&Gradients, &Mat, &Mat) {
        (&self.grads, &self.d_letter, &self.d_style)
    }

    /// One iteration of Adam on the network and both parts.
    pub fn step(&mut self) -> Result<f64, TrainError> {
        let loss = self.loss_and_gradients();
        let g = &self.grads.params;
        let finite = loss.is_finite()
            && [&g.w_o, &g.w_c, &g.w_r, &self.d_letter, &self.d_style]
                .iter()
                .all(|m| m.iter().all(|v| v.is_finite()));
        if !finite {
            return Err(TrainError::Diverged {
                iteration: self.losses.len() + 1,
                loss,
            });
        }
        let p = &mut self.network.params;
        self.adam.step(
            &mut [
                p.w_o.as_mut_slice(),
                p.b_o.as_mut_slice(),
                p.w_c.as_mut_slice(),
                p.w_r.as_mut_slice(),
                p.b_r.as_mut_slice(),
                self.letter.as_mut_slice(),
                self.style.as_mut_slice(),
            ],
            &[
                g.w_o.as_slice(),
                g.b_o.as_slice(),
                g.w_c.as_slice(),
                g.w_r.as_slice(),
                g.b_r.as_slice(),
                self.d_letter.as_slice(),
                self.d_style.as_slice(),
            ],
        );
        self.losses.push(loss);
        Ok(loss)
    }

    pub fn run(&mut self, iterations: usize) -> Result<(), TrainError> {
        for _ in 0..iterations {
            self.step()?;
        }
        Ok(())
    }

    /// The memories: per letter its part with no style, `[z_l; 0]` (n_c × L).
    pub fn memories(&self) -> Mat {
        let n_l = self.config.letter_dims;
        Mat::from_fn(self.config.n_c(), self.letters.len(), |d, l| {
            if d < n_l { self.letter[(d, l)] } else { 0.0 }
        })
    }

    /// The trained model: one memory per letter, recalled by the seed's method.
    pub fn model(&self, recall: RecallSettings) -> Model {
        Model {
            network: self.network.clone(),
            mus: self.memories(),
            labels: self.letters.clone(),
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
