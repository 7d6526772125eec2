//! The WebAssembly bindings (DESIGN.md §5): a thin, stateful `Engine` over the core for the
//! page's Web Worker. It holds the data set, the current model, a trainer and a recall in
//! progress, and does work in chunks the worker asks for. Errors become JS exceptions with
//! one clear sentence; a panic's message is kept by a hook so the worker can report it.

use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::dataset::DataSet;
use crate::formats;
use crate::model::Model;
use crate::retrieve::{self, Recall, RecallSettings};
use crate::stroke::{self, Frame};
use crate::train::{TrainConfig, Trainer};

/// The message of the last panic. A panic aborts the wasm instance (an "unreachable" trap in
/// JS); the hook runs first and keeps the message here so the worker can show what went wrong.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        // One line for the page: the message, then where (the default text has a line break).
        let message = info.payload_as_str().unwrap_or("a panic without a message");
        let text = match info.location() {
            Some(at) => format!("{message} (at {}:{})", at.file(), at.line()),
            None => message.to_string(),
        };
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(text);
        }
    }));
}

/// Test hook (tests/browser/faults.test.mjs): panics with `message`, so the tests can check that
/// a fault is reported and survived. The worker calls it only when the page has `?test-hooks`.
#[wasm_bindgen]
pub fn provoke_panic(message: &str) {
    panic!("{message}");
}

/// The message of the last panic, if any (see `LAST_PANIC`).
#[wasm_bindgen]
pub fn last_panic() -> Option<String> {
    LAST_PANIC.lock().ok().and_then(|last| last.clone())
}

/// A fresh random seed from the browser's generator, for the page to show and use.
#[wasm_bindgen]
pub fn fresh_seed() -> Result<u32, JsError> {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).map_err(|e| JsError::new(&format!("no random source: {e}")))?;
    // Keep seeds short enough to read and type.
    Ok(u32::from_le_bytes(bytes) % 1_000_000)
}

/// The defaults and limits the page takes from the core (`facts::facts`), asked for at start.
#[wasm_bindgen]
pub fn facts() -> Result<JsValue, JsError> {
    to_js(&crate::facts::facts())
}

/// Training options from the page; missing fields take the seed's defaults.
#[derive(Deserialize)]
#[serde(default)]
struct TrainOptions {
    lr: f64,
    weight_decay: f64,
    seed: u64,
    /// Go on from the current model's network instead of a fresh one.
    from_model: bool,
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
#[derive(Serialize)]
struct ModelSummary {
    labels: Vec<String>,
    letters: Vec<String>,
    /// One point per memory.
    mus: Vec<Vec<f64>>,
    /// What each memory generates (pure generation), one trajectory per memory.
    generated: Vec<Vec<[f64; 2]>>,
    iterations: Option<usize>,
    final_loss: Option<f64>,
    /// The recall settings the model carries (tuned ones for the shipped model).
    recall: RecallSettings,
}

#[derive(Serialize)]
struct DataSummary<'a> {
    labels: &'a [String],
    trajectories: &'a [Vec<[f64; 2]>],
    frame: Option<&'a Frame>,
}

/// A taught exemplar: the drawn stroke in the taught set's frame, and that frame.
#[derive(Serialize)]
struct TaughtStroke {
    trajectory: Vec<[f64; 2]>,
    frame: Frame,
}

#[derive(Serialize)]
struct TrainChunk {
    losses: Vec<f64>,
    iteration: usize,
    /// Set when training stopped (e.g. diverged); the last good parameters are kept.
    error: Option<String>,
}

#[derive(Serialize)]
struct RecallStart {
    /// The target in the model's frame (for a stroke: after preprocessing).
    target: Vec<[f64; 2]>,
    runs: usize,
    trials: usize,
    /// Where each run starts.
    starts: Vec<Vec<f64>>,
}

#[derive(Serialize)]
struct RecallChunk {
    trials: usize,
    done: bool,
    /// Per run, the causes reached by the trials of this chunk (one point per trial).
    paths: Vec<Vec<Vec<f64>>>,
}

#[wasm_bindgen]
pub struct Engine {
    data: Option<DataSet>,
    model: Option<Model>,
    trainer: Option<Trainer>,
    recall: Option<Recall>,
    /// Path points per run already handed to the page.
    recall_sent: usize,
}

impl Default for Engine {
    fn default() -> Engine {
        Engine::new()
    }
}

#[wasm_bindgen]
impl Engine {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Engine {
        Engine {
            data: None,
            model: None,
            trainer: None,
            recall: None,
            recall_sent: 0,
        }
    }

    /// Loads a model (JSON text) as the current one; returns its summary. On error the current
    /// model stays.
    pub fn load_model(&mut self, json: &str) -> Result<JsValue, JsError> {
        let model = formats::parse_model(json).map_err(fail)?;
        self.recall = None;
        self.trainer = None;
        self.model = Some(model);
        self.model_summary()
    }

    /// Loads a data set (JSON text) to train on and to recall from; returns its labels and
    /// trajectories. On error the current set stays.
    pub fn load_data(&mut self, json: &str) -> Result<JsValue, JsError> {
        let data = formats::parse_data_set(json).map_err(fail)?;
        let summary = to_js(&DataSummary {
            labels: &data.labels,
            trajectories: &data.trajectories,
            frame: data.frame.as_ref(),
        })?;
        self.trainer = None;
        self.data = Some(data);
        Ok(summary)
    }

    /// A new trainer on the current data set: a fresh network, or the current model's.
    pub fn train_reset(&mut self, options: JsValue) -> Result<(), JsError> {
        let options: TrainOptions = from_js(options, "training settings")?;
        let data = self
            .data
            .as_ref()
            .ok_or_else(|| JsError::new("there is no data set to train on"))?;
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
        .map_err(fail)?;
        self.recall = None;
        self.model = Some(trainer.model(self.recall_settings()));
        self.trainer = Some(trainer);
        Ok(())
    }

    pub fn has_trainer(&self) -> bool {
        self.trainer.is_some()
    }

    /// Up to `n` training iterations; the current model becomes the trained one. Returns
    /// `{losses, iteration, error}`; `error` is set if training diverged (parameters kept).
    pub fn train_steps(&mut self, n: u32) -> Result<JsValue, JsError> {
        let settings = self.recall_settings();
        let trainer = self
            .trainer
            .as_mut()
            .ok_or_else(|| JsError::new("training has not been started"))?;
        let mut losses = Vec::with_capacity(n as usize);
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
        to_js(&TrainChunk {
            losses,
            iteration: trainer.iteration(),
            error,
        })
    }

    /// The current model's memories and what each generates (for the map and the letters).
    pub fn model_summary(&mut self) -> Result<JsValue, JsError> {
        let steps = self.steps();
        let trained = self.trainer.as_mut().map(Trainer::generate);
        let model = self.current_model()?;
        let generated = trained.unwrap_or_else(|| retrieve::generate(model, &model.mus, steps));
        let training = model.training.as_ref();
        to_js(&ModelSummary {
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
        settings: JsValue,
        seed: u32,
    ) -> Result<JsValue, JsError> {
        let data = self
            .data
            .as_ref()
            .ok_or_else(|| JsError::new("there is no data set to take a letter from"))?;
        let target =
            data.trajectories.get(index).cloned().ok_or_else(|| {
                JsError::new(&format!("there is no training letter number {index}"))
            })?;
        self.start_recall(target, settings, seed)
    }

    /// Starts recalling a drawn stroke: `points` is x, y, t (canvas pixels, y down, ms) flattened.
    pub fn recall_stroke(
        &mut self,
        points: &[f64],
        settings: JsValue,
        seed: u32,
    ) -> Result<JsValue, JsError> {
        let target = stroke::to_frame(&samples(points)?, &self.stroke_frame()?).map_err(fail)?;
        self.start_recall(target, settings, seed)
    }

    /// Runs up to `n` more trials; returns `{trials, done, paths}` with the new path points.
    pub fn recall_advance(&mut self, n: u32) -> Result<JsValue, JsError> {
        let recall = self
            .recall
            .as_mut()
            .ok_or_else(|| JsError::new("no recall is running"))?;
        let trials = recall.advance(n as usize);
        let paths = (0..recall.runs())
            .map(|run| recall.path(run).split_off(self.recall_sent))
            .collect();
        self.recall_sent = trials + 1;
        to_js(&RecallChunk {
            trials,
            done: recall.done(),
            paths,
        })
    }

    /// What each run's current cause makes the network write, one trajectory per run.
    pub fn recall_imagined(&self) -> Result<JsValue, JsError> {
        let recall = self
            .recall
            .as_ref()
            .ok_or_else(|| JsError::new("no recall is running"))?;
        to_js(&recall.imagined())
    }

    /// The readout: per run the nearest label and the posterior over letters; the best start.
    pub fn recall_report(&self) -> Result<JsValue, JsError> {
        let recall = self
            .recall
            .as_ref()
            .ok_or_else(|| JsError::new("no recall is running"))?;
        to_js(&recall.report())
    }

    /// The current model as versioned JSON (to download, and to load back later).
    pub fn export_model(&self) -> Result<String, JsError> {
        Ok(formats::model_to_json(self.current_model()?))
    }

    /// Teach mode: a stroke drawn on the teach pad (x, y, t flattened, as for `recall_stroke`)
    /// into the taught set's `frame` — the same pipeline as a stroke to recall, so an exemplar
    /// and a later drawing land alike. Without a frame (the set's first exemplar) it uses the
    /// frame strokes are recalled in now. Returns `{trajectory, frame}`.
    pub fn teach_stroke(&self, points: &[f64], frame: JsValue) -> Result<JsValue, JsError> {
        let frame: Option<Frame> = from_js(frame, "frame of the taught set")?;
        let frame = match frame {
            Some(frame) => frame,
            None => self.stroke_frame()?,
        };
        let trajectory = stroke::to_frame(&samples(points)?, &frame).map_err(fail)?;
        to_js(&TaughtStroke { trajectory, frame })
    }

    /// Teach mode: checks a taught set (data-set JSON, from storage or an imported file) without
    /// loading it; returns `{labels, trajectories, frame}`. A set that names no frame gets the
    /// one its trajectories imply, so strokes drawn later are mapped like them.
    pub fn check_taught(&self, json: &str) -> Result<JsValue, JsError> {
        let data = formats::parse_data_set(json).map_err(fail)?;
        let frame = frame_of(&data);
        frame.validate().map_err(fail)?;
        if frame.length != data.steps() {
            return Err(JsError::new(&format!(
                "the set's frame says letters have {} points but its trajectories have {}",
                frame.length,
                data.steps()
            )));
        }
        to_js(&DataSummary {
            labels: &data.labels,
            trajectories: &data.trajectories,
            frame: Some(&frame),
        })
    }
}

impl Engine {
    fn current_model(&self) -> Result<&Model, JsError> {
        self.model
            .as_ref()
            .ok_or_else(|| JsError::new("there is no model yet: load one or train one"))
    }

    /// The frame drawn strokes are mapped into: the current model's, else the data set's.
    fn stroke_frame(&self) -> Result<Frame, JsError> {
        match (
            self.model.as_ref().and_then(|m| m.frame.as_ref()),
            &self.data,
        ) {
            (Some(frame), _) => Ok(frame.clone()),
            (None, Some(data)) => Ok(frame_of(data)),
            (None, None) => Err(JsError::new(
                "there are no letters or model yet to say which frame strokes live in",
            )),
        }
    }

    /// Recall settings that go with a new trained model: the current model's, else the seed's.
    fn recall_settings(&self) -> RecallSettings {
        self.model
            .as_ref()
            .map(|m| m.recall.clone())
            .unwrap_or_default()
    }

    /// The length of the letters: the data set's, else the model's frame's, else the seed's 60.
    fn steps(&self) -> usize {
        match (
            &self.data,
            self.model.as_ref().and_then(|m| m.frame.as_ref()),
        ) {
            (Some(data), _) => data.steps(),
            (None, Some(frame)) => frame.length,
            (None, None) => 60,
        }
    }

    fn start_recall(
        &mut self,
        target: Vec<[f64; 2]>,
        settings: JsValue,
        seed: u32,
    ) -> Result<JsValue, JsError> {
        let settings: RecallSettings = from_js(settings, "recall settings")?;
        let model = self.current_model()?;
        let recall = Recall::new(
            model,
            std::slice::from_ref(&target),
            &settings,
            u64::from(seed),
        )
        .map_err(fail)?;
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
        to_js(&start)
    }
}

/// The frame of a data set that does not name one (e.g. the seed's letters): its length, the
/// mean first point (the seed's letters share one), and the mean RMS radius of a letter.
fn frame_of(data: &DataSet) -> Frame {
    if let Some(frame) = &data.frame {
        return frame.clone();
    }
    let n = data.len() as f64;
    let mut start = [0.0; 2];
    let mut size = 0.0;
    for letter in &data.trajectories {
        let m = letter.len() as f64;
        let centroid = letter
            .iter()
            .fold([0.0; 2], |a, p| [a[0] + p[0] / m, a[1] + p[1] / m]);
        let spread: f64 = letter
            .iter()
            .map(|p| (p[0] - centroid[0]).powi(2) + (p[1] - centroid[1]).powi(2))
            .sum();
        size += (spread / m).sqrt() / n;
        start = [start[0] + letter[0][0] / n, start[1] + letter[0][1] / n];
    }
    Frame {
        length: data.steps(),
        start,
        size,
    }
}

/// Pointer samples from the page: x, y, t (canvas pixels, y down, ms) flattened.
fn samples(points: &[f64]) -> Result<Vec<[f64; 3]>, JsError> {
    if !points.len().is_multiple_of(3) {
        return Err(JsError::new("a stroke must be a list of (x, y, t) points"));
    }
    Ok(points.chunks_exact(3).map(|p| [p[0], p[1], p[2]]).collect())
}

fn fail(error: impl std::fmt::Display) -> JsError {
    JsError::new(&error.to_string())
}

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    value
        .serialize(&serializer)
        .map_err(|e| JsError::new(&format!("could not pass a result to the page: {e}")))
}

fn from_js<T: for<'de> Deserialize<'de>>(value: JsValue, what: &str) -> Result<T, JsError> {
    serde_wasm_bindgen::from_value(value).map_err(|e| JsError::new(&format!("invalid {what}: {e}")))
}
