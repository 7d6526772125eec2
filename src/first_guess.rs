//! First guesses of the cause for each start of a recall: the memories whose letters look most
//! like the target. Recall from c ~ N(0, I) spends its starts on wherever the noise puts them;
//! with one memory per letter the network can write every memory's letter once (a pass per
//! memory, shared by every target), and each start begins at one of the memories whose
//! letter lies nearest the target, the nearest first. Inference then decides among them:
//! recall is still predictive-coding inference of c under the mixture prior.

use crate::model::Model;
use crate::network::Mat;
use crate::noise::Noise;
use crate::retrieve::generate;

/// What the network writes from each memory, one trajectory per memory (the model's templates).
pub fn templates(model: &Model, steps: usize) -> Vec<Vec<[f64; 2]>> {
    generate(model, &model.mus, steps)
}

/// Mean distance per step between two trajectories of one length.
fn distance(a: &[[f64; 2]], b: &[[f64; 2]]) -> f64 {
    let sum: f64 = a
        .iter()
        .zip(b)
        .map(|(p, q)| ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2)).sqrt())
        .sum();
    sum / a.len().max(1) as f64
}

/// The starts of a recall of `targets` with `starts` runs each (n_c × starts·targets, run
/// `start * targets + target`): start s of a target at the memory whose template is its
/// (s mod K)-th nearest, moved by `jitter` × N(0, I) drawn from `noise`.
pub fn nearest_memories(
    model: &Model,
    templates: &[Vec<[f64; 2]>],
    targets: &[Vec<[f64; 2]>],
    starts: usize,
    jitter: f64,
    noise: &mut Noise,
) -> Mat {
    let n_c = model.mus.nrows();
    let k = model.mus.ncols();
    let mut c = Mat::zeros(n_c, starts * targets.len());
    for (t, target) in targets.iter().enumerate() {
        let mut order: Vec<(f64, usize)> = templates
            .iter()
            .enumerate()
            .map(|(m, template)| (distance(template, target), m))
            .collect();
        order.sort_by(|a, b| a.0.total_cmp(&b.0));
        for s in 0..starts {
            let m = order[s % k].1;
            for q in 0..n_c {
                c[(q, s * targets.len() + t)] = model.mus[(q, m)] + jitter * noise.normal();
            }
        }
    }
    c
}
