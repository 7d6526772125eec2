//! Teach mode's exported sets (docs/teach.md): `tests/data/taught-digits.json` is a file the page
//! exported (the browser test `teach.test.mjs` writes such a file: the digits 1, 2, 3 drawn with
//! the mouse, two exemplars each). The CLI trains on it unchanged, and it lives in the shipped
//! letters' frame.

use std::path::PathBuf;
use std::process::Command;

use pcrnn::data::formats;
use pcrnn::model::retrieve::RecallSettings;
use pcrnn::session::{Session, TrainOptions};

fn file(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn read(path: &str) -> String {
    std::fs::read_to_string(file(path)).unwrap()
}

#[test]
fn an_exported_taught_set_is_a_data_set_in_the_shipped_frame() {
    let taught = formats::parse_data_set(&read("tests/data/taught-digits.json")).unwrap();
    assert_eq!(taught.labels, ["1", "1", "2", "2", "3", "3"]);
    let shipped = formats::parse_data_set(&read("data/letters.json")).unwrap();
    assert_eq!(taught.frame, shipped.frame);
    assert_eq!(taught.steps(), shipped.steps());
}

#[test]
fn the_cli_trains_on_an_exported_taught_set_unchanged() {
    let dir = std::env::temp_dir().join(format!("pcrnn-teach-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let model = dir.join("taught-model.json");
    let data = file("tests/data/taught-digits.json");
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_pcrnn"))
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        serde_json::from_str::<serde_json::Value>(stdout.lines().last().unwrap()).unwrap()
    };
    let (data, model) = (data.to_str().unwrap(), model.to_str().unwrap());
    let trained = run(&[
        "train", "--data", data, "--iters", "300", "--out", model, "--json",
    ]);
    assert_eq!(trained["sequences"], 6);

    // The model remembers the taught labels, in the set's frame, so strokes drawn later are
    // mapped like the exemplars were.
    let saved = formats::parse_model(&std::fs::read_to_string(model).unwrap()).unwrap();
    let taught = formats::parse_data_set(&read("tests/data/taught-digits.json")).unwrap();
    assert_eq!(saved.labels, taught.labels);
    assert_eq!(saved.frame, taught.frame);

    let recalled = run(&[
        "retrieve", "--model", model, "--data", data, "--trials", "300", "--json",
    ]);
    let accuracy = recalled["accuracy_best_of_starts"].as_f64().unwrap();
    assert!(
        accuracy >= 5.0 / 6.0,
        "the taught exemplars recalled as themselves: {recalled}"
    );
}

/// A `t` drawn in two strokes (its stem, then its bar), a little different each time `k`:
/// x, y, t flattened in canvas pixels, and the samples per stroke.
fn drawn_t(k: usize) -> (Vec<f64>, Vec<usize>) {
    let lean = 3.0 * k as f64;
    let stem: Vec<[f64; 3]> = (0..24)
        .map(|i| {
            [
                200.0 + lean * i as f64 / 24.0,
                90.0 + 6.0 * i as f64,
                8.0 * i as f64,
            ]
        })
        .collect();
    let bar: Vec<[f64; 3]> = (0..14)
        .map(|i| [176.0 + 4.0 * i as f64, 128.0 + k as f64, 8.0 * i as f64])
        .collect();
    let lengths = vec![stem.len(), bar.len()];
    (stem.into_iter().chain(bar).flatten().collect(), lengths)
}

/// Best-of-starts answers of the current model for training letters `0..n` of the session's set.
fn recall_letters(session: &mut Session, n: usize, settings: &RecallSettings) -> Vec<String> {
    (0..n)
        .map(|index| {
            session.recall_letter(index, settings, 0).unwrap();
            session.recall_advance(settings.trials).unwrap();
            session.recall_report().unwrap().predictions[0].clone()
        })
        .collect()
}

#[test]
fn teaching_a_new_label_adds_it_and_keeps_the_shipped_letters() {
    let mut session = Session::default();
    let shipped = session.load_data(&read("data/letters.json")).unwrap();
    let model = session.load_model(&read("data/model.json")).unwrap();
    let settings = model.recall.clone();

    // Three exemplars of `t`, which the shipped model does not know, taught as the page does.
    let mut labels = Vec::new();
    let mut trajectories = Vec::new();
    let mut frame = None;
    for k in 0..3 {
        let (points, lengths) = drawn_t(k);
        let taught = session
            .teach_strokes(&points, &lengths, frame.clone())
            .unwrap();
        labels.push("t".to_string());
        trajectories.push(taught.trajectory);
        frame = Some(taught.frame);
    }
    let set = serde_json::json!({ "labels": labels, "trajectories": trajectories, "frame": frame });

    let data = session.load_taught(&set.to_string(), false).unwrap();
    assert_eq!(data.labels.len(), shipped.labels.len() + 3);
    assert_eq!(
        &data.labels[..20],
        &shipped.labels[..],
        "the letters come first"
    );
    let iterations = pcrnn::teach::default_iterations(data.labels.len(), true);
    let options: TrainOptions = serde_json::from_str(r#"{"from_model": true}"#).unwrap();
    session.train_reset(&options).unwrap();
    let chunk = session.train_steps(iterations).unwrap();
    assert!(chunk.error.is_none(), "{:?}", chunk.error);
    assert!(
        session
            .model_summary()
            .unwrap()
            .letters
            .contains(&"t".to_string())
    );

    // The shipped letters are still recalled as themselves (the model recalled all 20 before),
    // and the taught exemplars as `t`.
    let answers = recall_letters(&mut session, 23, &settings);
    let kept = (0..20).filter(|&i| answers[i] == shipped.labels[i]).count();
    println!(
        "after teaching t ({iterations} iterations): {kept} of 20 letters kept; taught recalled as {:?}",
        &answers[20..]
    );
    assert!(kept >= 19, "{kept} of 20 letters kept: {answers:?}");
    assert!(
        answers[20..].iter().filter(|a| *a == "t").count() >= 2,
        "{answers:?}"
    );

    // "Only my letters": the taught set alone.
    let alone = session.load_taught(&set.to_string(), true).unwrap();
    assert_eq!(alone.labels, ["t", "t", "t"]);
}
