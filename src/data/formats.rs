//! JSON in and out (docs/design.md §4): data sets, strokes and versioned models. Everything read is
//! validated; a problem comes back as one sentence that names it.

use crate::wording::count;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::data::dataset::{DataSet, MAX_TRAJECTORIES, check_label};
use crate::data::stroke::{Frame, MAX_POINTS};
use crate::model::network::{Dims, MAX_WEIGHT, Mat, Network, Params, Vector};
use crate::model::retrieve::RecallSettings;
use crate::model::{Model, TrainingSummary};

/// Larger files are refused before parsing: no honest data set or model comes near this.
pub const MAX_JSON_BYTES: usize = 32 * 1024 * 1024;
pub const MAX_STROKES: usize = 10_000;
pub const MODEL_FORMAT: &str = "pcrnn-model";
pub const MODEL_VERSION: u64 = 1;

fn parse<T: for<'de> Deserialize<'de>>(text: &str, what: &str) -> Result<T, String> {
    if text.len() > MAX_JSON_BYTES {
        return Err(format!(
            "the {what} is {} MB, more than the limit of {} MB",
            text.len() / (1024 * 1024),
            MAX_JSON_BYTES / (1024 * 1024)
        ));
    }
    // Say what a file should look like rather than naming a Rust type (serde would).
    match text.trim_start().chars().next() {
        None => return Err(format!("the {what} is empty")),
        Some('{') => {}
        Some(_) => {
            return Err(format!(
                "the {what} is not valid: it must be a JSON object, in braces {{ … }}"
            ));
        }
    }
    serde_json::from_str(text).map_err(|e| format!("the {what} is not valid: {e}"))
}

fn points<const N: usize>(raw: &[Vec<f64>], what: &str) -> Result<Vec<[f64; N]>, String> {
    raw.iter()
        .enumerate()
        .map(|(i, p)| {
            <[f64; N]>::try_from(p.as_slice()).map_err(|_| {
                format!(
                    "{what}, point {i} has {} instead of {N}",
                    count(p.len(), "number")
                )
            })
        })
        .collect()
}

#[derive(Deserialize)]
struct DataSetFile {
    labels: Vec<String>,
    trajectories: Vec<Vec<Vec<f64>>>,
    #[serde(default)]
    frame: Option<Frame>,
}

#[derive(Serialize)]
struct DataSetOut<'a> {
    labels: &'a [String],
    trajectories: &'a [Vec<[f64; 2]>],
    #[serde(skip_serializing_if = "Option::is_none")]
    frame: &'a Option<Frame>,
}

/// `{"labels": [...], "trajectories": [[[x, y], ...], ...]}`; extra keys are ignored.
pub fn parse_data_set(text: &str) -> Result<DataSet, String> {
    let file: DataSetFile = parse(text, "data set")?;
    let trajectories = file
        .trajectories
        .iter()
        .enumerate()
        .map(|(k, t)| points::<2>(t, &format!("in trajectory {k}")))
        .collect::<Result<_, _>>()?;
    DataSet::new(file.labels, trajectories, file.frame)
}

pub fn data_set_to_json(data: &DataSet) -> String {
    let out = DataSetOut {
        labels: &data.labels,
        trajectories: &data.trajectories,
        frame: &data.frame,
    };
    serde_json::to_string(&out).unwrap_or_default()
}

/// A drawn stroke: pointer samples (x, y, t_ms) in canvas pixels, with an optional label.
#[derive(Clone, Debug, PartialEq)]
pub struct Stroke {
    pub label: Option<String>,
    pub points: Vec<[f64; 3]>,
}

#[derive(Deserialize)]
struct StrokesFile {
    strokes: Vec<StrokeFile>,
}

#[derive(Deserialize)]
struct StrokeFile {
    #[serde(default)]
    label: Option<String>,
    points: Vec<Vec<f64>>,
}

/// `{"strokes": [{"label": "p", "points": [[x, y, t_ms], ...]}, ...]}`; `t_ms` and `label`
/// are optional (a missing time counts samples as 1 ms apart).
pub fn parse_strokes(text: &str) -> Result<Vec<Stroke>, String> {
    let file: StrokesFile = parse(text, "strokes file")?;
    if file.strokes.is_empty() {
        return Err("the strokes file has no strokes".into());
    }
    if file.strokes.len() > MAX_STROKES {
        return Err(format!(
            "the strokes file has {} strokes, more than {MAX_STROKES}",
            file.strokes.len()
        ));
    }
    file.strokes
        .into_iter()
        .enumerate()
        .map(|(k, s)| {
            if let Some(label) = &s.label {
                check_label(label).map_err(|why| format!("the label of stroke {k} {why}"))?;
            }
            if s.points.len() > MAX_POINTS {
                return Err(format!(
                    "stroke {k} has {} points, more than the limit of {MAX_POINTS}",
                    s.points.len()
                ));
            }
            let points = s
                .points
                .iter()
                .enumerate()
                .map(|(i, p)| match p.as_slice() {
                    [x, y] => Ok([*x, *y, i as f64]),
                    [x, y, t] => Ok([*x, *y, *t]),
                    _ => Err(format!(
                        "in stroke {k}, point {i} has {} instead of 2 or 3",
                        count(p.len(), "number")
                    )),
                })
                .collect::<Result<_, _>>()?;
            Ok(Stroke {
                label: s.label,
                points,
            })
        })
        .collect()
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ParamsFile {
    w_o: Vec<Vec<f64>>,
    b_o: Vec<f64>,
    w_c: Vec<Vec<f64>>,
    w_r: Vec<Vec<f64>>,
    b_r: Vec<f64>,
    h0: Vec<f64>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MemoriesFile {
    labels: Vec<String>,
    causes: Vec<Vec<f64>>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelFile {
    format: String,
    version: u64,
    dims: Dims,
    tau: f64,
    params: ParamsFile,
    memories: MemoriesFile,
    #[serde(default)]
    frame: Option<Frame>,
    #[serde(default)]
    recall: RecallSettings,
    #[serde(default)]
    training: Option<TrainingSummary>,
}

fn rows(m: &Mat) -> Vec<Vec<f64>> {
    m.row_iter().map(|r| r.iter().copied().collect()).collect()
}

/// A rows × cols matrix from a list of rows, or a sentence saying which shape was wrong.
fn matrix(name: &str, raw: &[Vec<f64>], shape: (usize, usize)) -> Result<Mat, String> {
    let (r, c) = shape;
    if raw.len() != r || raw.iter().any(|row| row.len() != c) {
        return Err(format!("the model's {name} must be a {r} × {c} matrix"));
    }
    finite(name, raw.iter().flatten())?;
    Ok(Mat::from_row_iterator(r, c, raw.iter().flatten().copied()))
}

fn vector(name: &str, raw: &[f64], len: usize) -> Result<Vector, String> {
    if raw.len() != len {
        return Err(format!(
            "the model's {name} must have {len} numbers, not {}",
            raw.len()
        ));
    }
    finite(name, raw.iter())?;
    Ok(Vector::from_column_slice(raw))
}

fn finite<'a>(name: &str, mut values: impl Iterator<Item = &'a f64>) -> Result<(), String> {
    if values.any(|v| !v.is_finite() || v.abs() > MAX_WEIGHT) {
        return Err(format!(
            "the model's {name} has a value that is not a finite number below {MAX_WEIGHT}"
        ));
    }
    Ok(())
}

pub fn model_to_json(model: &Model) -> String {
    let p = &model.network.params;
    let file = ModelFile {
        format: MODEL_FORMAT.into(),
        version: MODEL_VERSION,
        dims: model.network.dims,
        tau: model.network.tau,
        params: ParamsFile {
            w_o: rows(&p.w_o),
            b_o: p.b_o.iter().copied().collect(),
            w_c: rows(&p.w_c),
            w_r: rows(&p.w_r),
            b_r: p.b_r.iter().copied().collect(),
            h0: model.network.h0.iter().copied().collect(),
        },
        memories: MemoriesFile {
            labels: model.labels.clone(),
            causes: rows(&model.mus.transpose()),
        },
        frame: model.frame.clone(),
        recall: model.recall.clone(),
        training: model.training.clone(),
    };
    serde_json::to_string_pretty(&file).unwrap_or_default()
}

/// Reads a model written by [`model_to_json`], checking its format, version, every shape and value.
pub fn parse_model(text: &str) -> Result<Model, String> {
    let value: Value = parse(text, "model file")?;
    if value.get("format").and_then(Value::as_str) != Some(MODEL_FORMAT) {
        return Err(format!(
            "this is not a pcrnn model file (its \"format\" is not \"{MODEL_FORMAT}\")"
        ));
    }
    match value.get("version").and_then(Value::as_u64) {
        Some(MODEL_VERSION) => {}
        Some(v) => {
            return Err(format!(
                "model format version {v} is not supported; this build reads version {MODEL_VERSION}"
            ));
        }
        None => return Err("the model file has no format version".into()),
    }
    let file: ModelFile =
        serde_json::from_value(value).map_err(|e| format!("the model file is not valid: {e}"))?;
    let Dims { n_c, n_h, n_x } = file.dims;
    if !(1..=16).contains(&n_c) || !(1..=1024).contains(&n_h) || n_x != 2 {
        return Err(format!(
            "the model's sizes n_c = {n_c}, n_h = {n_h}, n_x = {n_x} are not supported (n_c 1–16, n_h 1–1024, n_x 2)"
        ));
    }
    if !(file.tau.is_finite() && file.tau >= 1.0) {
        return Err(format!(
            "the model's tau must be a number of at least 1, not {}",
            file.tau
        ));
    }
    let p = &file.params;
    let params = Params {
        w_o: matrix("w_o", &p.w_o, (n_x, n_h))?,
        b_o: vector("b_o", &p.b_o, n_x)?,
        w_c: matrix("w_c", &p.w_c, (n_h, n_c))?,
        w_r: matrix("w_r", &p.w_r, (n_h, n_h))?,
        b_r: vector("b_r", &p.b_r, n_h)?,
    };
    let h0 = vector("h0", &p.h0, n_h)?;
    let m = &file.memories;
    if m.causes.is_empty() || m.causes.len() != m.labels.len() {
        return Err(format!(
            "the model has {} memories and {} labels; it needs at least one memory and one label for each",
            m.causes.len(),
            m.labels.len()
        ));
    }
    if m.causes.len() > MAX_TRAJECTORIES {
        return Err(format!(
            "the model has {} memories, more than the limit of {MAX_TRAJECTORIES}",
            m.causes.len()
        ));
    }
    for (k, label) in m.labels.iter().enumerate() {
        check_label(label).map_err(|why| format!("the model's label {k} {why}"))?;
    }
    let mus = matrix("memories", &m.causes, (m.causes.len(), n_c))?.transpose();
    if let Some(why) = file.frame.as_ref().and_then(Frame::problem) {
        return Err(format!("the model's frame is not valid: {why}"));
    }
    file.recall
        .check()
        .map_err(|why| format!("the model's recall settings are not valid: {why}"))?;
    Ok(Model {
        network: Network {
            dims: file.dims,
            tau: file.tau,
            params,
            h0,
        },
        mus,
        labels: file.memories.labels,
        frame: file.frame,
        recall: file.recall,
        training: file.training,
    })
}
