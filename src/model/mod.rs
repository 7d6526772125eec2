//! The science: PC-RNN-HC-A, its training and its memory retrieval.
//!
//! - [`equations`] the whole model in plain nalgebra f64, line for line docs/design.md: the oracle
//! - [`network`]   sizes, parameters, initialisation, and the batched step (through `kernels`)
//! - [`prior`]     the Gaussian-mixture prior on the hidden causes
//! - [`adam`]      Adam with PyTorch's coupled weight decay
//! - [`train`]     training: iterations of BPTT and Adam, divergence handling
//! - [`retrieve`]  memory retrieval: trials, paths, readout, best of starts
//! - [`recognition`] whether a recalled target is a learned letter at all, and the belief
//!
//! [`Model`] is a trained model: the network, its memories (one learned cause per trained
//! sequence, with its label), the frame its letters live in, and the recall settings that go
//! with it.

pub mod adam;
pub mod equations;
pub mod network;
pub mod prior;
pub mod recognition;
pub mod retrieve;
pub mod train;

use nalgebra::DVector;
use serde::{Deserialize, Serialize};

use crate::data::dataset::DataSet;
use crate::data::stroke::Frame;
use crate::model::network::{Mat, Network};
use crate::model::retrieve::RecallSettings;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainingSummary {
    pub iterations: usize,
    pub final_loss: Option<f64>,
    pub seed: u64,
    pub lr: f64,
    pub weight_decay: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub network: Network,
    /// The memories `mu_k`, one per column (n_c × K).
    pub mus: Mat,
    /// `labels[k]` names memory `k`; labels may repeat (several exemplars of a letter).
    pub labels: Vec<String>,
    pub frame: Option<Frame>,
    pub recall: RecallSettings,
    pub training: Option<TrainingSummary>,
}

impl Model {
    /// The distinct labels, in order of first appearance: the letters a posterior is over.
    pub fn letters(&self) -> Vec<String> {
        let mut letters: Vec<String> = Vec::new();
        for label in &self.labels {
            if !letters.contains(label) {
                letters.push(label.clone());
            }
        }
        letters
    }

    /// The index of the memory nearest to `c`.
    pub fn nearest_memory(&self, c: &[f64]) -> usize {
        let c = DVector::from_column_slice(c);
        let mut best = (0, f64::INFINITY);
        for (k, mu) in self.mus.column_iter().enumerate() {
            let d = (mu - &c).norm_squared();
            if d < best.1 {
                best = (k, d);
            }
        }
        best.0
    }

    /// The frame drawn strokes are mapped into, for the page and the CLI alike: the model's
    /// own, else the one the letters it is used with imply (`data`), else none.
    pub fn stroke_frame(&self, data: Option<&DataSet>) -> Result<Frame, String> {
        match (&self.frame, data) {
            (Some(frame), _) => Ok(frame.clone()),
            (None, Some(data)) => Ok(data.implied_frame()),
            (None, None) => Err(
                "this model has no frame (it was trained on a data set without one), \
                 so drawn strokes cannot be mapped into it"
                    .into(),
            ),
        }
    }
}
