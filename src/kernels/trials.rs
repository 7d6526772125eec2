//! Recall's trials (docs/design.md §3) for every run at once, in f64 or f32: each trial starts
//! from `h_0` and steps through the whole target with inference on, carrying the causes over.

use crate::kernels::noise::Noise;
use crate::kernels::real::{Precision, Real, convert};
use crate::kernels::simd::{self, Isa, Kernel};
use crate::kernels::step::{StepBuffers, step_with};
use crate::model::network::{Mat, Network, Rates};
use crate::model::prior::MixturePrior;

/// Every run's state in the number type `T`, one column per run.
pub struct RunsIn<T: Real> {
    /// The targets, one n_x × B block per step (column j is target j % targets).
    targets: Vec<T>,
    h: Vec<T>,
    c: Vec<T>,
    buf: StepBuffers<T>,
}

/// The runs of a recall in the precision its settings ask for.
pub enum Runs {
    F32(RunsIn<f32>),
    F64(RunsIn<f64>),
}

impl<T: Real> RunsIn<T> {
    fn new(network: &Network, targets: &[Mat], c: &Mat) -> RunsIn<T> {
        let dims = network.dims;
        let mut buf = StepBuffers::new(dims, c.ncols());
        buf.weights.load(network);
        RunsIn {
            targets: targets
                .iter()
                .flat_map(|x| x.iter().map(|&v| T::from_f64(v)))
                .collect(),
            h: vec![T::ZERO; dims.n_h * c.ncols()],
            c: convert(c.as_slice()),
            buf,
        }
    }

    fn advance(
        &mut self,
        todo: usize,
        rates: &Rates,
        prior: &MixturePrior,
        noise: &mut [Noise],
        paths: &mut [Vec<f64>],
    ) {
        let runs = self;
        simd::run(Trials {
            rates,
            prior,
            runs,
            noise,
            paths,
            todo,
        });
    }

    fn causes(&self) -> Vec<f64> {
        self.c.iter().map(|v| v.to_f64()).collect()
    }

    fn targets(&self, n_x: usize, steps: usize) -> Vec<Mat> {
        let batch = self.h.len() / self.buf.weights.h0.len();
        self.targets
            .chunks_exact(n_x * batch)
            .take(steps)
            .map(|block| Mat::from_iterator(n_x, batch, block.iter().map(|v| v.to_f64())))
            .collect()
    }
}

impl Runs {
    /// Runs from the causes `c` (one column per run) on `targets` (one n_x × B matrix per step).
    pub fn new(precision: Precision, network: &Network, targets: &[Mat], c: &Mat) -> Runs {
        match precision {
            Precision::F32 => Runs::F32(RunsIn::new(network, targets, c)),
            Precision::F64 => Runs::F64(RunsIn::new(network, targets, c)),
        }
    }

    /// `todo` more trials; each run's cause after each trial is appended to its path. `noise`
    /// holds each run's own random stream, one per column. (The same signature as `RunsIn::advance`, which it dispatches to by precision.)
    pub fn advance(
        &mut self,
        todo: usize,
        rates: &Rates,
        prior: &MixturePrior,
        noise: &mut [Noise],
        paths: &mut [Vec<f64>],
    ) {
        match self {
            Runs::F32(runs) => runs.advance(todo, rates, prior, noise, paths),
            Runs::F64(runs) => runs.advance(todo, rates, prior, noise, paths),
        }
    }

    /// The current causes, one column per run, in f64.
    pub fn causes(&self, n_c: usize) -> Mat {
        let values = match self {
            Runs::F32(runs) => runs.causes(),
            Runs::F64(runs) => runs.causes(),
        };
        Mat::from_vec(n_c, values.len() / n_c, values)
    }

    /// The targets as one n_x × B matrix per step, in f64 (as the runs see them).
    pub fn targets(&self, n_x: usize, steps: usize) -> Vec<Mat> {
        match self {
            Runs::F32(runs) => runs.targets(n_x, steps),
            Runs::F64(runs) => runs.targets(n_x, steps),
        }
    }
}

/// Trials as one [`Kernel`], so the instruction set is chosen once per chunk of trials.
struct Trials<'a, T: Real> {
    rates: &'a Rates,
    prior: &'a MixturePrior<'a>,
    runs: &'a mut RunsIn<T>,
    noise: &'a mut [Noise],
    paths: &'a mut [Vec<f64>],
    todo: usize,
}

impl<T: Real> Kernel for Trials<'_, T> {
    type Output = ();

    #[inline(always)]
    fn run<I: Isa>(self) {
        let RunsIn { targets, h, c, buf } = self.runs;
        let n_h = buf.weights.h0.len();
        let block = buf.x.len();
        let steps = targets.len() / block;
        let n_c = c.len() / self.paths.len();
        for _ in 0..self.todo {
            // Every trial starts from the shared initial state h0.
            for column in h.chunks_exact_mut(n_h) {
                column.copy_from_slice(&buf.weights.h0);
            }
            for t in 0..steps {
                let x_t = &targets[t * block..][..block];
                step_with::<I, T>(buf, h, c, x_t, self.rates, Some(self.prior), self.noise);
            }
            for (path, c) in self.paths.iter_mut().zip(c.chunks_exact(n_c)) {
                path.extend(c.iter().map(|v| v.to_f64()));
            }
        }
    }
}
