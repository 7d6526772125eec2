//! `pcrnn figures`: SVG files that parse as XML and hold what they claim (a line per letter
//! learned and written, a dot and a label per memory, a path and a legend entry per start of the
//! recall, the loss curve when asked), and a sentence for bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const MODEL: &str = "data/model.json";
const LETTERS: &str = "data/letters.json";

fn pcrnn(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pcrnn"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pcrnn-figures-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// The SVG's elements by name, after checking that it is well-formed XML with an `svg` root.
fn elements(path: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&text)
        .unwrap_or_else(|e| panic!("{} is not valid XML: {e}", path.display()));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    doc.descendants()
        .filter(|n| n.is_element())
        .map(|n| {
            let inner = n.text().unwrap_or("").trim().to_string();
            (n.tag_name().name().to_string(), inner)
        })
        .collect()
}

fn count(elements: &[(String, String)], name: &str) -> usize {
    elements.iter().filter(|(n, _)| n == name).count()
}

fn texts(elements: &[(String, String)]) -> Vec<&str> {
    elements
        .iter()
        .filter(|(n, _)| n == "text")
        .map(|(_, t)| t.as_str())
        .collect()
}

fn succeeds(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_figures_of_the_shipped_model_hold_what_they_claim() {
    let model: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(MODEL).unwrap()).unwrap();
    let labels: Vec<String> = serde_json::from_value(model["memories"]["labels"].clone()).unwrap();
    let starts = model["recall"]["starts"].as_u64().unwrap() as usize;

    let losses = scratch("losses.json");
    let trained = scratch("trained.json");
    let iterations = 30;
    succeeds(&pcrnn(&[
        "train",
        "--data",
        LETTERS,
        "--iters",
        &iterations.to_string(),
        "--out",
        trained.to_str().unwrap(),
        "--losses",
        losses.to_str().unwrap(),
    ]));
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&losses).unwrap()).unwrap();
    assert_eq!(written["losses"].as_array().unwrap().len(), iterations);

    let out = scratch("figures");
    let stdout = succeeds(&pcrnn(&[
        "figures",
        "--model",
        MODEL,
        "--data",
        LETTERS,
        "--losses",
        losses.to_str().unwrap(),
        "--target",
        "5",
        "--trials",
        "20",
        "--out",
        out.to_str().unwrap(),
    ]));
    for name in ["loss.svg", "letters.svg", "map.svg", "recall.svg"] {
        assert!(stdout.contains(name), "{stdout}");
    }

    // The letters: the learned one and the written one for each memory, captioned by label.
    let letters = elements(&out.join("letters.svg"));
    assert_eq!(count(&letters, "polyline"), 2 * labels.len());
    let captions = texts(&letters);
    for label in &labels {
        assert!(captions.contains(&label.as_str()), "no caption {label}");
    }

    // The map: a dot and a label per memory.
    let map = elements(&out.join("map.svg"));
    assert_eq!(count(&map, "circle"), labels.len());
    let names = texts(&map);
    for label in &labels {
        assert!(
            names.contains(&label.as_str()),
            "no label {label} on the map"
        );
    }

    // The recall: the memories, a ring and a dot and a legend entry per start, the caption.
    let recall = elements(&out.join("recall.svg"));
    assert_eq!(count(&recall, "circle"), labels.len() + 2 * starts);
    let names = texts(&recall);
    for k in 0..starts {
        assert!(
            names.contains(&format!("start {k}").as_str()),
            "no start {k}"
        );
    }
    assert!(
        names
            .iter()
            .any(|t| t.starts_with("Recall of letter 5 (g):") && t.contains("20 trials")),
        "{names:?}"
    );

    // The loss curve: one line through the losses, on a titled chart.
    let loss = elements(&out.join("loss.svg"));
    assert!(texts(&loss).contains(&"Training loss"));
    assert!(count(&loss, "polyline") >= 1);
}

#[test]
fn without_losses_there_is_no_loss_curve_and_it_says_so() {
    let out = scratch("no-losses");
    let stdout = succeeds(&pcrnn(&[
        "figures",
        "--model",
        MODEL,
        "--data",
        LETTERS,
        "--trials",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]));
    assert!(stdout.contains("no loss curve"), "{stdout}");
    assert!(!out.join("loss.svg").exists());
    assert!(out.join("recall.svg").exists());
}

#[test]
fn bad_input_gets_one_sentence_and_exit_code_1() {
    let bad_losses = scratch("bad-losses.json");
    std::fs::write(&bad_losses, r#"{"losses": [0.5, -1]}"#).unwrap();
    let not_losses = scratch("not-losses.json");
    std::fs::write(&not_losses, "[1, 2").unwrap();
    let out = scratch("bad");
    let out = out.to_str().unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["--target", "20"],
            "--target 20 is past the last letter of data/letters.json (it has 20",
        ),
        (
            vec!["--losses", bad_losses.to_str().unwrap()],
            "is not a positive number, so it cannot go on a log scale",
        ),
        (
            vec!["--losses", not_losses.to_str().unwrap()],
            "is not a losses file of `pcrnn train --losses`",
        ),
        (vec!["--recall", r#"{"match_width": -1}"#], "match_width"),
    ];
    for (extra, expected) in cases {
        let mut args = vec!["figures", "--model", MODEL, "--data", LETTERS, "--out", out];
        args.extend(extra);
        let result = pcrnn(&args);
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert_eq!(result.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains(expected),
            "{stderr:?} should say {expected:?}"
        );
        assert_eq!(stderr.trim().lines().count(), 1, "one sentence: {stderr:?}");
    }
    // A model file that is not one: the parser's sentence.
    let result = pcrnn(&[
        "figures", "--model", LETTERS, "--data", LETTERS, "--out", out,
    ]);
    assert_eq!(result.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&result.stderr).contains("not a pcrnn model"));
    // A missing argument: exit code 2, as every command.
    let result = pcrnn(&["figures", "--model", MODEL]);
    assert_eq!(result.status.code(), Some(2));
}
