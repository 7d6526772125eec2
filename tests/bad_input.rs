//! Every class of bad input the core can be given, and the one sentence each gets
//! (docs/reliability.md lists them; `cargo test --release --test bad_input -- --nocapture`
//! prints the table it is made from).

use pcrnn::data::formats::{parse_data_set, parse_model, parse_strokes};
use pcrnn::data::stroke::{Frame, to_frame};
use pcrnn::model::retrieve::{Recall, RecallSettings};
use pcrnn::model::train::TrainConfig;
use serde_json::{Value, json};

const LETTERS: &str = include_str!("../data/letters.json");
const MODEL: &str = include_str!("../data/model.json");

/// One bad input: what it is, what came back, and a fragment the answer must contain.
struct Case {
    input: String,
    answer: Result<(), String>,
    expect: &'static str,
}

fn case<T>(input: &str, answer: Result<T, String>, expect: &'static str) -> Case {
    Case {
        input: input.into(),
        answer: answer.map(|_| ()),
        expect,
    }
}

/// Each case is refused with one sentence that names the problem; prints the table row.
fn check(loader: &str, cases: Vec<Case>) {
    for c in cases {
        let message = match c.answer {
            Ok(()) => panic!("{loader}: {} was accepted", c.input),
            Err(m) => m,
        };
        println!("| {loader} | {} | {message} |", c.input);
        assert!(
            message.contains(c.expect),
            "{loader}: {}: {message:?} should mention {:?}",
            c.input,
            c.expect
        );
        assert!(!message.contains('\n'), "one line: {message:?}");
        assert!(message.len() < 300, "short: {message:?}");
    }
}

/// A valid file with one change, as text.
fn edit(base: &str, change: impl FnOnce(&mut Value)) -> String {
    let mut value: Value = serde_json::from_str(base).unwrap();
    change(&mut value);
    value.to_string()
}

fn line(n: usize) -> Vec<[f64; 2]> {
    (0..n).map(|t| [t as f64 * 0.01, 0.0]).collect()
}

#[test]
fn bad_data_sets() {
    let set = |change: fn(&mut Value)| parse_data_set(&edit(LETTERS, change));
    let half = &LETTERS[..LETTERS.len() / 2];
    check(
        "data set",
        vec![
            case("empty text", parse_data_set(""), "the data set is empty"),
            case("truncated text", parse_data_set(half), "not valid"),
            case(
                "a list, not an object",
                parse_data_set("[]"),
                "the data set is not valid: it must be a JSON object",
            ),
            case(
                "no `trajectories` key",
                set(|v| drop(v.as_object_mut().unwrap().remove("trajectories"))),
                "missing field `trajectories`",
            ),
            case(
                "a label that is a number",
                set(|v| v["labels"][0] = json!(7)),
                "invalid type",
            ),
            case(
                "a coordinate that is a string",
                set(|v| v["trajectories"][0][0][0] = json!("0.5")),
                "invalid type",
            ),
            case(
                "a coordinate that is null",
                set(|v| v["trajectories"][0][0][0] = Value::Null),
                "invalid type",
            ),
            case(
                "NaN written as `NaN`",
                parse_data_set(r#"{"labels": ["a"], "trajectories": [[[0, 0], [NaN, 1]]]}"#),
                "not valid",
            ),
            case(
                "an infinite number (1e999)",
                parse_data_set(r#"{"labels": ["a"], "trajectories": [[[0, 0], [1e999, 1]]]}"#),
                "not valid",
            ),
            case(
                "an absurd coordinate (1e9)",
                set(|v| v["trajectories"][3][5][1] = json!(1e9)),
                "trajectory 3 has a coordinate beyond ±1000 at point 5",
            ),
            case(
                "no trajectories",
                parse_data_set(r#"{"labels": [], "trajectories": []}"#),
                "no trajectories",
            ),
            case(
                "fewer labels than trajectories",
                set(|v| drop(v["labels"].as_array_mut().unwrap().pop())),
                "19 labels for 20 trajectories",
            ),
            case(
                "ragged trajectories (one shorter)",
                set(|v| drop(v["trajectories"][4].as_array_mut().unwrap().pop())),
                "trajectory 4 has 59 points but trajectory 0 has 60",
            ),
            case(
                "a point with 3 numbers",
                set(|v| v["trajectories"][2][1] = json!([0, 0, 0])),
                "in trajectory 2, point 1 has 3 numbers instead of 2",
            ),
            case(
                "a point with 1 number",
                set(|v| v["trajectories"][0][0] = json!([0])),
                "point 0 has 1 number instead of 2",
            ),
            case(
                "one-point trajectories",
                parse_data_set(r#"{"labels": ["a"], "trajectories": [[[0, 0]]]}"#),
                "trajectory 0 has 1 point; trajectories need between 2 and 1000",
            ),
            case(
                "trajectories over the length limit (1001 points)",
                parse_data_set(&json!({"labels": ["a"], "trajectories": [line(1001)]}).to_string()),
                "between 2 and 1000",
            ),
            case(
                "more trajectories than the limit (2001)",
                parse_data_set(
                    &json!({"labels": vec!["a"; 2001], "trajectories": vec![line(2); 2001]})
                        .to_string(),
                ),
                "2001 trajectories, more than the limit of 2000",
            ),
            case(
                "an empty label",
                set(|v| v["labels"][1] = json!("")),
                "label 1 is empty",
            ),
            case(
                "a label of 33 characters",
                set(|v| v["labels"][0] = json!("x".repeat(33))),
                "is 33 characters long, more than 32",
            ),
            case(
                "a label with a control character",
                set(|v| v["labels"][0] = json!("a\u{7}")),
                "contains a control character",
            ),
            case(
                "a frame of size 0",
                set(|v| v["frame"]["size"] = json!(0)),
                "the data set's frame is not valid: size must be a finite positive number",
            ),
            case(
                "a frame whose length is not the trajectories'",
                set(|v| v["frame"]["length"] = json!(40)),
                "frame has length 40 but its trajectories have 60 points",
            ),
            case(
                "a negative frame length",
                set(|v| v["frame"]["length"] = json!(-1)),
                "not valid",
            ),
            case(
                "text over the size limit (33 MB)",
                parse_data_set(&" ".repeat(33 * 1024 * 1024)),
                "more than the limit of 32 MB",
            ),
        ],
    );
}

#[test]
fn bad_models() {
    let model = |change: fn(&mut Value)| parse_model(&edit(MODEL, change));
    check(
        "model",
        vec![
            case("empty text", parse_model(""), "the model file is empty"),
            case(
                "truncated text",
                parse_model(&MODEL[..MODEL.len() / 2]),
                "not valid",
            ),
            case("an empty object", parse_model("{}"), "not a pcrnn model"),
            case(
                "a data set given as a model",
                parse_model(LETTERS),
                "not a pcrnn model",
            ),
            case(
                "another `format`",
                model(|v| v["format"] = json!("keras")),
                "not a pcrnn model",
            ),
            case(
                "an unknown format version (2)",
                model(|v| v["version"] = json!(2)),
                "model format version 2 is not supported; this build reads version 1",
            ),
            case(
                "no version",
                model(|v| drop(v.as_object_mut().unwrap().remove("version"))),
                "has no format version",
            ),
            case(
                "an unknown key",
                model(|v| v["surprise"] = json!(1)),
                "unknown field `surprise`",
            ),
            case(
                "no `params`",
                model(|v| drop(v.as_object_mut().unwrap().remove("params"))),
                "missing field `params`",
            ),
            case(
                "n_c = 0",
                model(|v| v["dims"]["n_c"] = json!(0)),
                "sizes n_c = 0, n_h = 50, n_x = 2 are not supported",
            ),
            case(
                "n_x = 3",
                model(|v| v["dims"]["n_x"] = json!(3)),
                "are not supported",
            ),
            case(
                "n_h = 1000000",
                model(|v| v["dims"]["n_h"] = json!(1_000_000)),
                "are not supported",
            ),
            case(
                "tau below 1",
                model(|v| v["tau"] = json!(0.5)),
                "tau must be a number of at least 1, not 0.5",
            ),
            case(
                "b_o with one number missing",
                model(|v| drop(v["params"]["b_o"].as_array_mut().unwrap().pop())),
                "the model's b_o must have 2 numbers, not 1",
            ),
            case(
                "w_r with a ragged row",
                model(|v| drop(v["params"]["w_r"][3].as_array_mut().unwrap().pop())),
                "the model's w_r must be a 50 × 50 matrix",
            ),
            case(
                "w_c with a row too many",
                model(|v| {
                    let row = v["params"]["w_c"][0].clone();
                    v["params"]["w_c"].as_array_mut().unwrap().push(row);
                }),
                "the model's w_c must be a 50 × 2 matrix",
            ),
            case(
                "an absurd weight (1e300)",
                model(|v| v["params"]["w_o"][1][7] = json!(1e300)),
                "the model's w_o has a value that is not a finite number below 10000",
            ),
            case(
                "h0 with a null",
                model(|v| v["params"]["h0"][0] = Value::Null),
                "invalid type",
            ),
            case(
                "fewer labels than memories",
                model(|v| drop(v["memories"]["labels"].as_array_mut().unwrap().pop())),
                "the model has 20 memories and 19 labels",
            ),
            case(
                "no memories",
                model(|v| v["memories"] = json!({"labels": [], "causes": []})),
                "the model has 0 memories and 0 labels",
            ),
            case(
                "a memory with 3 numbers",
                model(|v| v["memories"]["causes"][0] = json!([0, 0, 0])),
                "the model's memories must be a 20 × 2 matrix",
            ),
            case(
                "an empty label",
                model(|v| v["memories"]["labels"][2] = json!("")),
                "the model's label 2 is empty",
            ),
            case(
                "recall settings with 0 starts",
                model(|v| v["recall"]["starts"] = json!(0)),
                "the model's recall settings are not valid: starts must be between 1 and 64, not 0",
            ),
            case(
                "recall settings with a negative sigma_c",
                model(|v| v["recall"]["sigma_c"] = json!(-1)),
                "sigma_c must be a positive number up to 100, not -1",
            ),
            case(
                "an unknown recall setting",
                model(|v| v["recall"]["speed"] = json!(1)),
                "unknown field `speed`",
            ),
            case(
                "a frame with a negative size",
                model(|v| v["frame"]["size"] = json!(-1)),
                "the model's frame is not valid: size must be a finite positive number, got -1",
            ),
            case(
                "text over the size limit (33 MB)",
                parse_model(&" ".repeat(33 * 1024 * 1024)),
                "more than the limit of 32 MB",
            ),
        ],
    );
}

#[test]
fn bad_strokes_files() {
    let one = |points: Value| parse_strokes(&json!({"strokes": [{"points": points}]}).to_string());
    let many_points: Vec<[f64; 2]> = (0..100_001).map(|i| [i as f64, 0.0]).collect();
    check(
        "strokes file",
        vec![
            case("empty text", parse_strokes(""), "the strokes file is empty"),
            case(
                "truncated text",
                parse_strokes(r#"{"strokes": [{"points": [[1, 2], [3"#),
                "not valid",
            ),
            case(
                "no strokes",
                parse_strokes(r#"{"strokes": []}"#),
                "the strokes file has no strokes",
            ),
            case(
                "a stroke without points",
                parse_strokes(r#"{"strokes": [{"label": "a"}]}"#),
                "missing field `points`",
            ),
            case(
                "a point with 1 number",
                one(json!([[1, 2], [3]])),
                "in stroke 0, point 1 has 1 number instead of 2 or 3",
            ),
            case(
                "a point with 4 numbers",
                one(json!([[1, 2, 3, 4]])),
                "point 0 has 4 numbers instead of 2 or 3",
            ),
            case(
                "an infinite number (1e999)",
                parse_strokes(r#"{"strokes": [{"points": [[1, 2], [1e999, 3]]}]}"#),
                "not valid",
            ),
            case(
                "a label that is a number",
                parse_strokes(r#"{"strokes": [{"label": 3, "points": [[1, 2], [3, 4]]}]}"#),
                "invalid type",
            ),
            case(
                "an empty label",
                parse_strokes(r#"{"strokes": [{"label": "", "points": [[1, 2], [3, 4]]}]}"#),
                "the label of stroke 0 is empty",
            ),
            case(
                "more strokes than the limit (10001)",
                parse_strokes(
                    &json!({"strokes": vec![json!({"points": [[0, 0], [1, 1]]}); 10_001]})
                        .to_string(),
                ),
                "10001 strokes, more than 10000",
            ),
            case(
                "a stroke over the point limit (100001)",
                one(json!(many_points)),
                "stroke 0 has 100001 points, more than the limit of 100000",
            ),
        ],
    );
}

fn frame() -> Frame {
    Frame {
        length: 60,
        start: [0.0, 0.0],
        size: 1.0,
    }
}

#[test]
fn bad_strokes_for_the_pipeline() {
    let map = |points: &[[f64; 3]]| to_frame(points, &frame()).map_err(|e| e.to_string());
    let bad_frame = Frame {
        size: 0.0,
        ..frame()
    };
    let too_many: Vec<[f64; 3]> = (0..100_001).map(|i| [i as f64, 0.0, 0.0]).collect();
    check(
        "stroke",
        vec![
            case("no points", map(&[]), "The stroke has no points."),
            case(
                "one point (a click)",
                map(&[[5.0, 5.0, 0.0]]),
                "only one point; draw a line, not a dot",
            ),
            case(
                "all points at one place",
                map(&[[5.0, 5.0, 0.0], [5.0, 5.0, 16.0], [5.0, 5.0, 32.0]]),
                "no length",
            ),
            case(
                "a NaN coordinate",
                map(&[[0.0, 0.0, 0.0], [f64::NAN, 1.0, 1.0]]),
                "Point 1 of the stroke has a NaN or infinite value.",
            ),
            case(
                "an infinite time",
                map(&[[0.0, 0.0, 0.0], [1.0, 1.0, f64::INFINITY]]),
                "Point 1 of the stroke has a NaN or infinite value.",
            ),
            case(
                "coordinates near the largest number (1e308)",
                map(&[[-1e308, 0.0, 0.0], [1e308, 0.0, 1.0]]),
                "too large or too small to normalise",
            ),
            case(
                "a stroke 1e-320 long (subnormal)",
                map(&[[0.0, 0.0, 0.0], [1e-320, 0.0, 1.0]]),
                "too large or too small to normalise",
            ),
            case(
                "more points than the limit (100001)",
                map(&too_many),
                "The stroke has 100001 points, more than the limit of 100000.",
            ),
            case(
                "a frame of size 0",
                to_frame(&[[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]], &bad_frame)
                    .map_err(|e| e.to_string()),
                "The model's frame is invalid: size must be a finite positive number, got 0.",
            ),
        ],
    );
}

#[test]
fn bad_recall_settings_and_targets() {
    let model = parse_model(MODEL).unwrap();
    let good = RecallSettings::default();
    let recall = |settings: RecallSettings, targets: &[Vec<[f64; 2]>]| {
        Recall::new(&model, targets, &settings, 0).map(|_| ())
    };
    let one = [line(60)];
    let mut nan_target = line(60);
    nan_target[7][1] = f64::NAN;
    check(
        "recall",
        vec![
            case(
                "alpha_x negative",
                recall(
                    RecallSettings {
                        alpha_x: -0.1,
                        ..good.clone()
                    },
                    &one,
                ),
                "alpha_x must be a number between 0 and 100, not -0.1",
            ),
            case(
                "alpha_c NaN",
                recall(
                    RecallSettings {
                        alpha_c: f64::NAN,
                        ..good.clone()
                    },
                    &one,
                ),
                "alpha_c must be a number between 0 and 100, not NaN",
            ),
            case(
                "sigma_r 1e9",
                recall(
                    RecallSettings {
                        sigma_r: 1e9,
                        ..good.clone()
                    },
                    &one,
                ),
                "sigma_r must be a number between 0 and 100",
            ),
            case(
                "sigma_c 0",
                recall(
                    RecallSettings {
                        sigma_c: 0.0,
                        ..good.clone()
                    },
                    &one,
                ),
                "sigma_c must be a positive number up to 100, not 0",
            ),
            case(
                "0 trials",
                recall(
                    RecallSettings {
                        trials: 0,
                        ..good.clone()
                    },
                    &one,
                ),
                "trials must be between 1 and 100000, not 0",
            ),
            case(
                "100001 trials",
                recall(
                    RecallSettings {
                        trials: 100_001,
                        ..good.clone()
                    },
                    &one,
                ),
                "trials must be between 1 and 100000",
            ),
            case(
                "65 starts",
                recall(
                    RecallSettings {
                        starts: 65,
                        ..good.clone()
                    },
                    &one,
                ),
                "starts must be between 1 and 64, not 65",
            ),
            case(
                "no targets",
                recall(good.clone(), &[]),
                "there are no targets",
            ),
            case(
                "ragged targets",
                recall(good.clone(), &[line(60), line(59)]),
                "target 1 has 59 points but target 0 has 60",
            ),
            case(
                "a one-point target",
                recall(good.clone(), &[line(1)]),
                "target 0 has 1 point; targets need between 2 and 1000",
            ),
            case(
                "a target with NaN",
                recall(good.clone(), &[nan_target]),
                "target 0 has a value that is not a finite number",
            ),
        ],
    );
}

#[test]
fn bad_training_settings() {
    let good = TrainConfig::default();
    let config = |change: fn(&mut TrainConfig)| {
        let mut c = good.clone();
        change(&mut c);
        c.check().map_err(|e| e.to_string())
    };
    check(
        "training",
        vec![
            case(
                "learning rate 0",
                config(|c| c.adam.lr = 0.0),
                "invalid training setting: the learning rate must be a positive number, not 0",
            ),
            case(
                "learning rate negative",
                config(|c| c.adam.lr = -1.0),
                "the learning rate must be a positive number, not -1",
            ),
            case(
                "learning rate NaN",
                config(|c| c.adam.lr = f64::NAN),
                "the learning rate must be a positive number, not NaN",
            ),
            case(
                "weight decay negative",
                config(|c| c.adam.weight_decay = -1e-4),
                "the weight decay must be zero or positive",
            ),
            case(
                "beta 1.0",
                config(|c| c.adam.betas.1 = 1.0),
                "Adam's betas must lie in [0, 1)",
            ),
            case(
                "n_h 0",
                config(|c| c.n_h = 0),
                "n_h must be between 1 and 1024, not 0",
            ),
            case(
                "n_h 5000",
                config(|c| c.n_h = 5000),
                "n_h must be between 1 and 1024, not 5000",
            ),
            case(
                "n_c 0",
                config(|c| c.n_c = 0),
                "n_c must be between 1 and 16, not 0",
            ),
            case(
                "tau infinite",
                config(|c| c.tau = f64::INFINITY),
                "tau must be a number of at least 1, not inf",
            ),
        ],
    );
}
