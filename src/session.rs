//! What the page's engine keeps between the worker's messages, and every decision it makes:
//! the data set, the current model, a training run and a recall in progress, each advanced in
//! chunks the worker asks for. Native and tested (tests/session.rs); `wasm` only converts
//! values to and from JavaScript.

use serde::{Deserialize, Serialize};

use crate::data::dataset::DataSet;
use crate::data::formats;
use crate::data::stroke::{self, Frame};
use crate::model::Model;
use crate::model::retrieve::{self, Recall, RecallReport, RecallSettings};
use crate::model::train::{TrainConfig, Trainer};

/// Training options from the page; missing fields take the seed's defaults.
#[derive(Debug, Deserialize)]
#[serde(default)]
pub struct TrainOptions {
    pub lr: f64,
    pub weight_decay: f64,
    pub seed: u64,
    /// Go on from the current model's network instead of a fresh one.
    pub from_model: bool,
}

impl Default for TrainOptions {
    fn default() -> TrainOptions {
        let config = TrainConfig::default();
        TrainOptions {
            lr: config.adam.lr,
            weight_decay: config.adam.weight_decay,
            seed: config.seed,
            from_model: false,
        }
    }
}

/// What the page draws of a model: its memories and what each one makes the network write.
#[derive(Debug, Serialize)]
pub struct ModelSummary {
    pub labels: Vec<String>,
    pub letters: Vec<String>,
    /// One point per memory.
    pub mus: Vec<Vec<f64>>,
    /// What each memory generates (pure generation), one trajectory per memory.
    pub generated: Vec<Vec<[f64; 2]>>,
    pub iterations: Option<usize>,
    pub final_loss: Option<f64>,
    /// The recall settings the model carries (tuned ones for the shipped model).
    pub recall: RecallSettings,
}

/// A data set as the page shows it, with the frame its strokes are mapped into.
#[derive(Debug, Serialize)]
pub struct DataSummary {
    pub labels: Vec<String>,
    pub trajectories: Vec<Vec<[f64; 2]>>,
    pub frame: Option<Frame>,
}

/// A taught exemplar: the drawn stroke in the taught set's frame, and that frame.
#[derive(Debug, Serialize)]
pub struct TaughtStroke {
    pub trajectory: Vec<[f64; 2]>,
    pub frame: Frame,
}

#[derive(Debug, Serialize)]
pub struct TrainChunk {
    pub losses: Vec<f64>,
    pub iteration: usize,
    /// Set when training stopped (e.g. diverged); the last good parameters are kept.
    pub error: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct RecallStart {
    /// The target in the model's frame (for a stroke: after preprocessing).
    pub target: Vec<[f64; 2]>,
    pub runs: usize,
    pub trials: usize,
    /// Where each run starts.
    pub starts: Vec<Vec<f64>>,
}

#[derive(Debug, Serialize)]
pub struct RecallChunk {
    pub trials: usize,
    pub done: bool,
    /// Per run, the causes reached by the trials of this chunk (one point per trial).
    pub paths: Vec<Vec<Vec<f64>>>,
}

#[derive(Default)]
pub struct Session {
    data: Option<DataSet>,
    /// The letters loaded as such (not a taught set): what teaching adds to.
    letters: Option<DataSet>,
    model: Option<Model>,
    trainer: Option<Trainer>,
    recall: Option<Recall>,
    /// Path points per run already handed to the page.
    recall_sent: usize,
}

impl Session {
    /// Loads a model (JSON text) as the current one. On error the current model stays.
    pub fn load_model(&mut self, json: &str) -> Result<ModelSummary, String> {
        let model = formats::parse_model(json)?;
        self.recall = None;
        self.trainer = None;
        self.model = Some(model);
        self.model_summary()
    }

    /// Loads a data set (JSON text) to train on and to recall from. On error the set stays.
    pub fn load_data(&mut self, json: &str) -> Result<DataSummary, String> {
        let data = formats::parse_data_set(json)?;
        let summary = DataSummary {
            labels: data.labels.clone(),
            trajectories: data.trajectories.clone(),
            frame: data.frame.clone(),
        };
        self.trainer = None;
        self.letters = Some(data.clone());
        self.data = Some(data);
        Ok(summary)
    }

    /// Teach mode: the taught set (data-set JSON) becomes the data set to learn, together with
    /// the letters last loaded ([`crate::teach::together`]) unless `only_taught`. Training then
    /// goes on from the current model, so the letters it knows keep their memories.
    pub fn load_taught(&mut self, json: &str, only_taught: bool) -> Result<DataSummary, String> {
        let taught = formats::parse_data_set(json)?;
        let data = match (&self.letters, only_taught) {
            (Some(letters), false) => crate::teach::together(letters, &taught)?,
            _ => taught,
        };
        let summary = DataSummary {
            labels: data.labels.clone(),
            trajectories: data.trajectories.clone(),
            frame: data.frame.clone(),
        };
        self.trainer = None;
        self.data = Some(data);
        Ok(summary)
    }

    /// A new trainer on the current data set: a fresh network, or the current model's.
    pub fn train_reset(&mut self, options: &TrainOptions) -> Result<(), String> {
        let data = self
            .data
            .as_ref()
            .ok_or("there is no data set to train on")?;
        let mut config = TrainConfig {
            seed: options.seed,
            ..TrainConfig::default()
        };
        config.adam.lr = options.lr;
        config.adam.weight_decay = options.weight_decay;
        let trainer = match (&self.model, options.from_model) {
            (Some(model), true) => Trainer::from_model(model, data, &config),
            _ => Trainer::new(data, &config),
        }
        .map_err(|e| e.to_string())?;
        self.recall = None;
        self.model = Some(trainer.model(self.recall_settings()));
        self.trainer = Some(trainer);
        Ok(())
    }

    pub fn has_trainer(&self) -> bool {
        self.trainer.is_some()
    }

    /// Up to `n` training iterations; the current model becomes the trained one. A diverging
    /// run ends the chunk with `error` set (the last good parameters kept).
    pub fn train_steps(&mut self, n: usize) -> Result<TrainChunk, String> {
        let settings = self.recall_settings();
        let trainer = self
            .trainer
            .as_mut()
            .ok_or("training has not been started")?;
        let mut losses = Vec::with_capacity(n);
        let mut error = None;
        for _ in 0..n {
            match trainer.step() {
                Ok(loss) => losses.push(loss),
                Err(e) => {
                    error = Some(e.to_string());
                    break;
                }
            }
        }
        self.model = Some(trainer.model(settings));
        Ok(TrainChunk {
            losses,
            iteration: trainer.iteration(),
            error,
        })
    }

    /// The current model's memories and what each generates (for the map and the letters).
    pub fn model_summary(&mut self) -> Result<ModelSummary, String> {
        let steps = self.steps();
        let trained = self.trainer.as_mut().map(Trainer::generate);
        let model = self.current_model()?;
        let generated = trained.unwrap_or_else(|| retrieve::generate(model, &model.mus, steps));
        let training = model.training.as_ref();
        Ok(ModelSummary {
            labels: model.labels.clone(),
            letters: model.letters(),
            mus: model
                .mus
                .column_iter()
                .map(|c| c.iter().copied().collect())
                .collect(),
            generated,
            iterations: training.map(|t| t.iterations),
            final_loss: training.and_then(|t| t.final_loss),
            recall: model.recall.clone(),
        })
    }

    /// Starts recalling training trajectory `index` of the data set (the seed's experiment).
    pub fn recall_letter(
        &mut self,
        index: usize,
        settings: &RecallSettings,
        seed: u64,
    ) -> Result<RecallStart, String> {
        let data = self
            .data
            .as_ref()
            .ok_or("there is no data set to take a letter from")?;
        let target = data
            .trajectories
            .get(index)
            .cloned()
            .ok_or_else(|| format!("there is no training letter number {index}"))?;
        self.recall_part(target, settings, seed, 0..settings.starts)
    }

    /// Starts recalling a drawn stroke: `points` is x, y, t (canvas pixels, y down, ms) flattened.
    pub fn recall_stroke(
        &mut self,
        points: &[f64],
        settings: &RecallSettings,
        seed: u64,
    ) -> Result<RecallStart, String> {
        self.recall_strokes(points, &[], settings, seed)
    }

    /// Starts recalling a letter drawn in several strokes, joined by the pen's travel
    /// ([`stroke::join_strokes`]): `points` as for [`Session::recall_stroke`], `lengths` the
    /// samples of each stroke in turn (empty: one stroke).
    pub fn recall_strokes(
        &mut self,
        points: &[f64],
        lengths: &[usize],
        settings: &RecallSettings,
        seed: u64,
    ) -> Result<RecallStart, String> {
        let target = stroke::to_frame(&letter_samples(points, lengths)?, &self.stroke_frame()?)
            .map_err(|e| e.to_string())?;
        self.recall_part(target, settings, seed, 0..settings.starts)
    }

    /// Runs up to `n` more trials; returns the path points the page has not had yet.
    pub fn recall_advance(&mut self, n: usize) -> Result<RecallChunk, String> {
        let recall = self.recall.as_mut().ok_or(NO_RECALL)?;
        let trials = recall.advance(n);
        let paths = (0..recall.runs())
            .map(|run| recall.path(run).split_off(self.recall_sent))
            .collect();
        self.recall_sent = trials + 1;
        Ok(RecallChunk {
            trials,
            done: recall.done(),
            paths,
        })
    }

    /// What each run's current cause makes the network write, one trajectory per run.
    pub fn recall_imagined(&self) -> Result<Vec<Vec<[f64; 2]>>, String> {
        Ok(self.recall.as_ref().ok_or(NO_RECALL)?.imagined())
    }

    /// The readout: per run the nearest label and the posterior over letters; the best start.
    pub fn recall_report(&self) -> Result<RecallReport, String> {
        Ok(self.recall.as_ref().ok_or(NO_RECALL)?.report())
    }

    /// The current model as versioned JSON (to download, and to load back later).
    pub fn export_model(&self) -> Result<String, String> {
        Ok(formats::model_to_json(self.current_model()?))
    }

    /// Teach mode: a stroke drawn on the teach pad into the taught set's `frame`, through the
    /// same pipeline as a stroke to recall, so an exemplar and a later drawing land alike.
    /// Without a frame (the set's first exemplar) it takes the frame strokes are recalled in.
    pub fn teach_stroke(
        &self,
        points: &[f64],
        frame: Option<Frame>,
    ) -> Result<TaughtStroke, String> {
        self.teach_strokes(points, &[], frame)
    }

    /// Teach mode: a letter of several strokes (`lengths` as for [`Session::recall_strokes`]).
    pub fn teach_strokes(
        &self,
        points: &[f64],
        lengths: &[usize],
        frame: Option<Frame>,
    ) -> Result<TaughtStroke, String> {
        let frame = match frame {
            Some(frame) => frame,
            None => self.stroke_frame()?,
        };
        let trajectory = stroke::to_frame(&letter_samples(points, lengths)?, &frame)
            .map_err(|e| e.to_string())?;
        Ok(TaughtStroke { trajectory, frame })
    }

    /// Teach mode: checks a taught set (data-set JSON, from storage or an imported file) without
    /// loading it. A set that names no frame gets the one its trajectories imply, so strokes
    /// drawn later are mapped like them.
    pub fn check_taught(&self, json: &str) -> Result<DataSummary, String> {
        let data = formats::parse_data_set(json)?;
        let frame = data.implied_frame();
        // A named frame was checked against the trajectories by the parser; an implied one
        // may still be degenerate (every letter a single point).
        frame.validate().map_err(|e| e.to_string())?;
        Ok(DataSummary {
            labels: data.labels,
            trajectories: data.trajectories,
            frame: Some(frame),
        })
    }

    fn current_model(&self) -> Result<&Model, String> {
        self.model
            .as_ref()
            .ok_or_else(|| "there is no model yet: load one or train one".into())
    }

    /// The frame drawn strokes are mapped into: the model's (see [`Model::stroke_frame`]),
    /// else, before any model, the data set's.
    fn stroke_frame(&self) -> Result<Frame, String> {
        match (&self.model, &self.data) {
            (Some(model), data) => model.stroke_frame(data.as_ref()),
            (None, Some(data)) => Ok(data.implied_frame()),
            (None, None) => {
                Err("there are no letters or model yet to say which frame strokes live in".into())
            }
        }
    }

    /// Recall settings that go with a new trained model: the current model's, else the seed's.
    fn recall_settings(&self) -> RecallSettings {
        self.model
            .as_ref()
            .map(|m| m.recall.clone())
            .unwrap_or_default()
    }

    /// The length of the letters: the data set's, else the model's frame's, else the seed's.
    fn steps(&self) -> usize {
        match (
            &self.data,
            self.model.as_ref().and_then(|m| m.frame.as_ref()),
        ) {
            (Some(data), _) => data.steps(),
            (None, Some(frame)) => frame.length,
            (None, None) => crate::data::dataset::SEED_STEPS,
        }
    }

    /// Starts a part of a recall: starts `starts` of `target`, already in the model's frame (the
    /// `target` of the whole recall's [`RecallStart`]). The page's pool of workers runs a drawn
    /// letter's starts in such parts; advance, imagined and report work on the part alone.
    pub fn recall_part(
        &mut self,
        target: Vec<[f64; 2]>,
        settings: &RecallSettings,
        seed: u64,
        starts: std::ops::Range<usize>,
    ) -> Result<RecallStart, String> {
        let model = self.current_model()?;
        let recall = Recall::part(model, std::slice::from_ref(&target), settings, seed, starts)?;
        let start = RecallStart {
            target,
            runs: recall.runs(),
            trials: settings.trials,
            starts: (0..recall.runs())
                .map(|run| recall.path(run)[0].clone())
                .collect(),
        };
        self.recall = Some(recall);
        self.recall_sent = 1;
        Ok(start)
    }
}

const NO_RECALL: &str = "no recall is running";

/// The pointer samples of a letter of one or more strokes, joined into one pen path:
/// `lengths` says how many samples each stroke has (empty: all of them are one stroke).
fn letter_samples(points: &[f64], lengths: &[usize]) -> Result<Vec<[f64; 3]>, String> {
    let all = samples(points)?;
    if lengths.is_empty() {
        return Ok(all);
    }
    if lengths.iter().sum::<usize>() != all.len() || lengths.contains(&0) {
        return Err(format!(
            "the strokes' lengths ({} strokes) do not add up to the {} points drawn",
            lengths.len(),
            all.len()
        ));
    }
    let mut rest = &all[..];
    let strokes: Vec<Vec<[f64; 3]>> = lengths
        .iter()
        .map(|&n| {
            let (stroke, tail) = rest.split_at(n);
            rest = tail;
            stroke.to_vec()
        })
        .collect();
    Ok(stroke::join_strokes(&strokes))
}

/// Pointer samples from the page: x, y, t (canvas pixels, y down, ms) flattened.
fn samples(points: &[f64]) -> Result<Vec<[f64; 3]>, String> {
    if !points.len().is_multiple_of(3) {
        return Err("a stroke must be a list of (x, y, t) points".into());
    }
    Ok(points.chunks_exact(3).map(|p| [p[0], p[1], p[2]]).collect())
}
