//! A trained model: the network, its memories (one learned cause per trained sequence, with
//! its label), the frame its letters live in, and the recall settings that go with it.

use nalgebra::DVector;
use serde::{Deserialize, Serialize};

use crate::network::{Mat, Network};
use crate::retrieve::RecallSettings;
use crate::stroke::Frame;

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
}
