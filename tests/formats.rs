//! JSON round trips, and a clear sentence for every malformed input.

use pcrnn::data::dataset::DataSet;
use pcrnn::data::formats::{
    data_set_to_json, model_to_json, parse_data_set, parse_model, parse_strokes,
};
use pcrnn::model::retrieve::RecallSettings;
use pcrnn::model::train::{TrainConfig, Trainer};

fn small_data() -> DataSet {
    let line = |k: f64| {
        (0..10)
            .map(|t| [t as f64 * 0.1, k * t as f64 * 0.05])
            .collect()
    };
    DataSet::new(
        vec!["a".into(), "b".into()],
        vec![line(1.0), line(-1.0)],
        None,
    )
    .unwrap()
}

fn small_model_json() -> String {
    let config = TrainConfig {
        n_h: 6,
        ..TrainConfig::default()
    };
    let mut trainer = Trainer::new(&small_data(), &config).unwrap();
    trainer.run(3).unwrap();
    model_to_json(&trainer.model(RecallSettings::default()))
}

#[test]
fn model_round_trip_is_exact() {
    let text = small_model_json();
    let model = parse_model(&text).unwrap();
    assert_eq!(model_to_json(&model), text);
    assert_eq!(model.labels, ["a", "b"]);
    assert_eq!(model.training.as_ref().map(|t| t.iterations), Some(3));
}

#[test]
fn data_set_round_trip_and_extra_keys_ignored() {
    let data = small_data();
    let text = data_set_to_json(&data);
    assert_eq!(parse_data_set(&text).unwrap(), data);
    let with_extra = text.replacen('{', "{\"sources\": [\"x\", \"y\"], ", 1);
    assert_eq!(parse_data_set(&with_extra).unwrap(), data);
    let repeated =
        r#"{"labels": ["a", "a"], "trajectories": [[[0, 0], [1, 1]], [[0, 0], [1, 2]]]}"#;
    assert_eq!(parse_data_set(repeated).unwrap().labels, ["a", "a"]);
}

fn refused(result: Result<impl std::fmt::Debug, String>, expected: &str) {
    let message = result.expect_err("must be refused");
    assert!(
        message.contains(expected),
        "message {message:?} should mention {expected:?}"
    );
    assert!(!message.contains('\n'), "one sentence: {message:?}");
}

#[test]
fn malformed_data_sets_are_refused_with_a_clear_sentence() {
    refused(
        parse_data_set("{\"labels\": [\"a\"], \"trajectories\": [[[0, 0], [1"),
        "not valid",
    );
    refused(parse_data_set("[]"), "not valid");
    refused(
        parse_data_set(r#"{"labels": [], "trajectories": []}"#),
        "no trajectories",
    );
    refused(
        parse_data_set(
            r#"{"labels": ["a"], "trajectories": [[[0, 0], [1, 1]], [[0, 0], [1, 1]]]}"#,
        ),
        "1 labels for 2 trajectories",
    );
    refused(
        parse_data_set(
            r#"{"labels": ["a", "b"], "trajectories": [[[0, 0], [1, 1]], [[0, 0], [1, 1], [2, 2]]]}"#,
        ),
        "same length",
    );
    refused(
        parse_data_set(r#"{"labels": ["a"], "trajectories": [[[0, 0, 0], [1, 1]]]}"#),
        "3 numbers",
    );
    refused(
        parse_data_set(r#"{"labels": ["a"], "trajectories": [[[0, 0], [1, 1e9]]]}"#),
        "beyond",
    );
    refused(
        parse_data_set(r#"{"labels": ["a"], "trajectories": [[[0, 0], [1, 1e999]]]}"#),
        "not valid",
    );
    refused(
        parse_data_set(r#"{"labels": [""], "trajectories": [[[0, 0], [1, 1]]]}"#),
        "empty",
    );
    refused(
        parse_data_set(r#"{"labels": ["a"], "trajectories": [[[0, 0]]]}"#),
        "between 2",
    );
    refused(parse_data_set(&" ".repeat(33 * 1024 * 1024)), "limit");
}

#[test]
fn malformed_models_are_refused_with_a_clear_sentence() {
    let good = small_model_json();
    refused(parse_model(&good[..good.len() / 2]), "not valid");
    refused(parse_model("{}"), "not a pcrnn model");
    refused(
        parse_model(&good.replace("\"version\": 1", "\"version\": 7")),
        "version 7 is not supported",
    );
    // A wrong shape: drop one number from b_o.
    let value: serde_json::Value = serde_json::from_str(&good).unwrap();
    let mut broken = value.clone();
    broken["params"]["b_o"].as_array_mut().unwrap().pop();
    refused(parse_model(&broken.to_string()), "b_o must have 2 numbers");
    let mut broken = value.clone();
    broken["params"]["w_r"][0][0] = serde_json::json!(1e300);
    refused(parse_model(&broken.to_string()), "w_r has a value");
    let mut broken = value.clone();
    broken["memories"]["labels"].as_array_mut().unwrap().pop();
    refused(parse_model(&broken.to_string()), "2 memories and 1 labels");
    let mut broken = value.clone();
    broken["recall"]["starts"] = serde_json::json!(0);
    refused(parse_model(&broken.to_string()), "starts must be between");
    let mut broken = value;
    broken["surprise"] = serde_json::json!(1);
    refused(parse_model(&broken.to_string()), "unknown field");
}

#[test]
fn strokes_parse_with_optional_time_and_label() {
    let strokes = parse_strokes(r#"{"strokes": [{"label": "p", "points": [[1, 2, 0], [3, 4, 16]]}, {"points": [[1, 2], [5, 6]]}]}"#).unwrap();
    assert_eq!(strokes[0].label.as_deref(), Some("p"));
    assert_eq!(strokes[0].points[1], [3.0, 4.0, 16.0]);
    assert_eq!(strokes[1].label, None);
    assert_eq!(strokes[1].points[1], [5.0, 6.0, 1.0]);
    refused(parse_strokes(r#"{"strokes": []}"#), "no strokes");
    refused(
        parse_strokes(r#"{"strokes": [{"points": [[1]]}]}"#),
        "2 or 3",
    );
}
