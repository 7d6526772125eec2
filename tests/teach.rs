//! Teach mode's exported sets (docs/teach.md): `tests/data/taught-digits.json` is a file the page
//! exported (the browser test `teach.test.mjs` writes such a file: the digits 1, 2, 3 drawn with
//! the mouse, two exemplars each). The CLI trains on it unchanged, and it lives in the shipped
//! letters' frame.

use std::path::PathBuf;
use std::process::Command;

use pcrnn::data::formats;

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
