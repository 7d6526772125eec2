//! The facts the page takes from the core instead of repeating them: the seed's settings (the
//! defaults), the values each setting the page edits may take, and the limits it checks before
//! it hands a file or a set to the engine. Every number comes from the constant or `Default`
//! that the core itself uses; the page's worker asks for them once, at start.

use serde::Serialize;

use crate::data::formats::MAX_JSON_BYTES;
use crate::model::adam::AdamConfig;
use crate::model::retrieve::{MAX_RATE, MAX_STARTS, MAX_TRIALS, RecallSettings};
use crate::model::train::{DEFAULT_ITERATIONS, MAX_ITERATIONS, TrainConfig};
use crate::teach::{self, MAX_EXEMPLARS, MAX_SET_BYTES};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Facts {
    /// The seed's recall settings: the defaults until a model brings its own.
    pub recall: RecallSettings,
    /// The seed's training settings.
    pub train: TrainDefaults,
    /// The values each setting of the page may take.
    pub ranges: Ranges,
    /// The largest model or data-set file the engine reads.
    pub max_json_bytes: usize,
    pub teach: TeachFacts,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrainDefaults {
    pub iterations: usize,
    pub lr: f64,
    pub seed: u64,
}

/// The values a setting may take: from `min` (excluded when `min_exclusive`) to `max` (no
/// upper bound when there is none), whole numbers only when `integer`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Range {
    pub min: f64,
    pub max: Option<f64>,
    pub min_exclusive: bool,
    pub integer: bool,
}

/// The range of each setting the page edits: the recall settings, then training's.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ranges {
    pub alpha_x: Range,
    pub alpha_h: Range,
    pub alpha_c: Range,
    pub sigma_c: Range,
    pub sigma_r: Range,
    pub trials: Range,
    pub starts: Range,
    pub match_threshold: Range,
    pub match_width: Range,
    pub iterations: Range,
    pub lr: Range,
    pub seed: Range,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TeachFacts {
    pub max_exemplars: usize,
    /// The largest taught-set file the page imports.
    pub max_set_bytes: usize,
    /// The default training iterations for a set of `n` exemplars, at index `n` (0 to
    /// `max_exemplars`).
    pub iterations: Vec<TeachIterations>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TeachIterations {
    pub from_scratch: usize,
    pub from_model: usize,
}

pub fn facts() -> Facts {
    let rate = Range {
        min: 0.0,
        max: Some(MAX_RATE),
        min_exclusive: false,
        integer: false,
    };
    let count = |max: usize| Range {
        min: 1.0,
        max: Some(max as f64),
        min_exclusive: false,
        integer: true,
    };
    let positive = |max: Option<f64>| Range {
        min: 0.0,
        max,
        min_exclusive: true,
        integer: false,
    };
    Facts {
        recall: RecallSettings::default(),
        train: TrainDefaults {
            iterations: DEFAULT_ITERATIONS,
            lr: AdamConfig::default().lr,
            seed: TrainConfig::default().seed,
        },
        ranges: Ranges {
            alpha_x: rate.clone(),
            alpha_h: rate.clone(),
            alpha_c: rate.clone(),
            sigma_c: positive(Some(MAX_RATE)),
            sigma_r: rate,
            trials: count(MAX_TRIALS),
            starts: count(MAX_STARTS),
            match_threshold: positive(Some(MAX_RATE)),
            match_width: positive(Some(MAX_RATE)),
            iterations: count(MAX_ITERATIONS),
            lr: positive(None),
            // The page's seed reaches the engine as a u32 (the wasm recall's seed).
            seed: Range {
                min: 0.0,
                max: Some(f64::from(u32::MAX)),
                min_exclusive: false,
                integer: true,
            },
        },
        max_json_bytes: MAX_JSON_BYTES,
        teach: TeachFacts {
            max_exemplars: MAX_EXEMPLARS,
            max_set_bytes: MAX_SET_BYTES,
            iterations: (0..=MAX_EXEMPLARS)
                .map(|n| TeachIterations {
                    from_scratch: teach::default_iterations(n, false),
                    from_model: teach::default_iterations(n, true),
                })
                .collect(),
        },
    }
}

impl Range {
    /// Whether `value` lies in the range.
    pub fn admits(&self, value: f64) -> bool {
        let above_min = if self.min_exclusive {
            value > self.min
        } else {
            value >= self.min
        };
        value.is_finite()
            && above_min
            && self.max.is_none_or(|max| value <= max)
            && (!self.integer || value.fract() == 0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    /// Whether the core accepts recall settings with `key` set to `value` (the rest the seed's).
    fn recall_accepts(key: &str, value: f64) -> bool {
        let mut settings = serde_json::to_value(RecallSettings::default()).unwrap();
        // Whole numbers as JSON integers, so that the counts can take them.
        settings[key] = if value.fract() == 0.0 {
            json!(value as i64)
        } else {
            json!(value)
        };
        serde_json::from_value::<RecallSettings>(settings).is_ok_and(|s| s.check().is_ok())
    }

    /// Values at and just beyond the edges of `range`, with whether the range admits each.
    fn edges(range: &Range) -> Vec<(f64, bool)> {
        let step = if range.integer { 1.0 } else { 1e-9 };
        let mut values = vec![
            (range.min, !range.min_exclusive),
            (range.min - step, false),
            (range.min + step, true),
        ];
        if let Some(max) = range.max {
            values.extend([(max, true), (max + step.max(max * 1e-12), false)]);
        }
        if range.integer {
            values.push((range.min + 1.5, false));
        }
        values
    }

    #[test]
    fn the_defaults_are_the_cores() {
        let facts = facts();
        assert_eq!(facts.recall, RecallSettings::default());
        assert_eq!(facts.train.lr, AdamConfig::default().lr);
        assert_eq!(facts.train.seed, TrainConfig::default().seed);
        assert_eq!(facts.train.iterations, DEFAULT_ITERATIONS);
    }

    #[test]
    fn each_recall_range_is_what_the_core_accepts() {
        let ranges = facts().ranges;
        let recall = [
            ("alpha_x", &ranges.alpha_x),
            ("alpha_h", &ranges.alpha_h),
            ("alpha_c", &ranges.alpha_c),
            ("sigma_c", &ranges.sigma_c),
            ("sigma_r", &ranges.sigma_r),
            ("trials", &ranges.trials),
            ("starts", &ranges.starts),
            ("match_threshold", &ranges.match_threshold),
            ("match_width", &ranges.match_width),
        ];
        for (key, range) in recall {
            for (value, admitted) in edges(range) {
                assert_eq!(range.admits(value), admitted, "{key} = {value}");
                assert_eq!(recall_accepts(key, value), admitted, "{key} = {value}");
            }
        }
    }

    #[test]
    fn the_learning_rate_range_is_what_training_accepts() {
        let range = facts().ranges.lr;
        for lr in [0.0, -0.03, 1e-12, 0.03, 1e6] {
            let mut config = TrainConfig::default();
            config.adam.lr = lr;
            assert_eq!(range.admits(lr), config.check().is_ok(), "lr = {lr}");
        }
    }

    #[test]
    fn every_default_lies_in_its_range() {
        let facts = facts();
        let json = serde_json::to_value(&facts).unwrap();
        let ranges = json["ranges"].as_object().unwrap();
        assert_eq!(ranges.len(), 12);
        for (key, range) in ranges {
            let default = json["recall"]
                .get(key)
                .or_else(|| json["train"].get(key))
                .and_then(Value::as_f64)
                .unwrap_or_else(|| panic!("no default for {key}"));
            let range: Range = Range {
                min: range["min"].as_f64().unwrap(),
                max: range["max"].as_f64(),
                min_exclusive: range["min_exclusive"].as_bool().unwrap(),
                integer: range["integer"].as_bool().unwrap(),
            };
            assert!(range.admits(default), "{key} = {default}");
        }
    }

    #[test]
    fn the_teach_table_holds_every_set_size() {
        let teach = facts().teach;
        assert_eq!(teach.iterations.len(), MAX_EXEMPLARS + 1);
        for (n, row) in teach.iterations.iter().enumerate() {
            assert_eq!(row.from_scratch, teach::default_iterations(n, false));
            assert_eq!(row.from_model, teach::default_iterations(n, true));
        }
        assert_eq!(teach.iterations[0].from_scratch, DEFAULT_ITERATIONS);
    }
}
