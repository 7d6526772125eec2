//! The WebAssembly bindings for the page's Web Worker: `Engine` is a [`Session`] whose values
//! cross to JavaScript. Every decision is the session's; errors become JS exceptions with one
//! clear sentence, and a panic's message is kept by a hook so the worker can report it.

use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::data::stroke::Frame;
use crate::model::retrieve::{RecallReport, RecallSettings};
use crate::session::{Session, TrainOptions};

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
    to_js(Ok(crate::facts::facts()))
}

/// One report from the reports of a recall's parts (the page's pool of workers), equal to the
/// report of the recall run whole (`RecallReport::merge`).
#[wasm_bindgen]
pub fn merge_reports(reports: JsValue) -> Result<JsValue, JsError> {
    let reports: Vec<RecallReport> = from_js(reports, "reports of a recall's parts")?;
    to_js(RecallReport::merge(reports))
}

#[wasm_bindgen]
#[derive(Default)]
pub struct Engine(Session);

#[wasm_bindgen]
impl Engine {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Engine {
        Engine::default()
    }

    pub fn load_model(&mut self, json: &str) -> Result<JsValue, JsError> {
        to_js(self.0.load_model(json))
    }

    pub fn load_data(&mut self, json: &str) -> Result<JsValue, JsError> {
        to_js(self.0.load_data(json))
    }

    pub fn load_taught(&mut self, json: &str, only_taught: bool) -> Result<JsValue, JsError> {
        to_js(self.0.load_taught(json, only_taught))
    }

    pub fn train_reset(&mut self, options: JsValue) -> Result<(), JsError> {
        let options: TrainOptions = from_js(options, "training settings")?;
        self.0.train_reset(&options).map_err(fail)
    }

    pub fn has_trainer(&self) -> bool {
        self.0.has_trainer()
    }

    pub fn train_steps(&mut self, n: u32) -> Result<JsValue, JsError> {
        to_js(self.0.train_steps(n as usize))
    }

    pub fn model_summary(&mut self) -> Result<JsValue, JsError> {
        to_js(self.0.model_summary())
    }

    pub fn recall_letter(
        &mut self,
        index: usize,
        settings: JsValue,
        seed: u32,
    ) -> Result<JsValue, JsError> {
        let settings: RecallSettings = from_js(settings, "recall settings")?;
        to_js(self.0.recall_letter(index, &settings, u64::from(seed)))
    }

    /// `points` is x, y, t (canvas pixels, y down, ms) flattened; `lengths` the samples of each
    /// stroke of the letter.
    pub fn recall_strokes(
        &mut self,
        points: &[f64],
        lengths: &[u32],
        settings: JsValue,
        seed: u32,
    ) -> Result<JsValue, JsError> {
        let settings: RecallSettings = from_js(settings, "recall settings")?;
        to_js(
            self.0
                .recall_strokes(points, &widen(lengths), &settings, u64::from(seed)),
        )
    }

    /// Starts `from..to` of a recall of `target` (x, y flattened, in the model's frame).
    pub fn recall_part(
        &mut self,
        target: &[f64],
        settings: JsValue,
        seed: u32,
        from: u32,
        to: u32,
    ) -> Result<JsValue, JsError> {
        let settings: RecallSettings = from_js(settings, "recall settings")?;
        if !target.len().is_multiple_of(2) {
            return Err(JsError::new("a target must be a list of (x, y) points"));
        }
        let target = target.chunks_exact(2).map(|p| [p[0], p[1]]).collect();
        let starts = from as usize..to as usize;
        to_js(
            self.0
                .recall_part(target, &settings, u64::from(seed), starts),
        )
    }

    pub fn recall_advance(&mut self, n: u32) -> Result<JsValue, JsError> {
        to_js(self.0.recall_advance(n as usize))
    }

    pub fn recall_imagined(&self) -> Result<JsValue, JsError> {
        to_js(self.0.recall_imagined())
    }

    pub fn recall_report(&self) -> Result<JsValue, JsError> {
        to_js(self.0.recall_report())
    }

    pub fn export_model(&self) -> Result<String, JsError> {
        self.0.export_model().map_err(fail)
    }

    pub fn teach_strokes(
        &self,
        points: &[f64],
        lengths: &[u32],
        frame: JsValue,
    ) -> Result<JsValue, JsError> {
        let frame: Option<Frame> = from_js(frame, "frame of the taught set")?;
        to_js(self.0.teach_strokes(points, &widen(lengths), frame))
    }

    pub fn check_taught(&self, json: &str) -> Result<JsValue, JsError> {
        to_js(self.0.check_taught(json))
    }
}

fn widen(lengths: &[u32]) -> Vec<usize> {
    lengths.iter().map(|&n| n as usize).collect()
}

fn fail(error: impl std::fmt::Display) -> JsError {
    JsError::new(&error.to_string())
}

/// A session's answer for JavaScript: its value, or its sentence as an exception.
fn to_js<T: Serialize>(result: Result<T, String>) -> Result<JsValue, JsError> {
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    result
        .map_err(fail)?
        .serialize(&serializer)
        .map_err(|e| JsError::new(&format!("could not pass a result to the page: {e}")))
}

fn from_js<T: for<'de> Deserialize<'de>>(value: JsValue, what: &str) -> Result<T, JsError> {
    serde_wasm_bindgen::from_value(value).map_err(|e| JsError::new(&format!("invalid {what}: {e}")))
}
