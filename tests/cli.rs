//! The `pcrnn` command line: the contract of docs/design.md §6, and one-sentence errors.

use std::path::PathBuf;
use std::process::{Command, Output};

fn pcrnn(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pcrnn"))
        .args(args)
        .output()
        .unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pcrnn-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn last_json_line(out: &Output) -> serde_json::Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(stdout.lines().last().unwrap_or("")).unwrap()
}

/// A two-letter set in its own file (`name`): tests run in parallel and must not share files.
fn small_set(name: &str) -> PathBuf {
    let path = scratch(name);
    let line = |k: f64| -> Vec<[f64; 2]> {
        (0..20)
            .map(|t| [t as f64 * 0.05, (k * t as f64 * 0.3).sin()])
            .collect()
    };
    let json = serde_json::json!({"labels": ["a", "b"], "trajectories": [line(1.0), line(-0.5)]});
    std::fs::write(&path, json.to_string()).unwrap();
    path
}

fn fails_with(out: &Output, expected: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "must fail: {stderr}");
    assert!(
        stderr.contains(expected),
        "stderr {stderr:?} should mention {expected:?}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "one sentence: {stderr:?}");
    assert!(!stderr.contains("panicked"), "no panic: {stderr}");
}

#[test]
fn train_then_retrieve_report_json() {
    let data = small_set("set-train-retrieve.json");
    let model = scratch("model.json");
    let out = pcrnn(&[
        "train",
        "--data",
        data.to_str().unwrap(),
        "--iters",
        "50",
        "--out",
        model.to_str().unwrap(),
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = last_json_line(&out);
    assert_eq!(report["iters"], 50);
    assert!(report["final_loss"].as_f64().unwrap() > 0.0 && report["seconds"].is_number());

    let out = pcrnn(&[
        "retrieve",
        "--model",
        model.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
        "--trials",
        "5",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = last_json_line(&out);
    for key in ["accuracy_per_start", "accuracy_best_of_starts", "seconds"] {
        assert!(report[key].is_number(), "{key} in {report}");
    }
    assert_eq!(report["targets"], 2);
    assert_eq!(report["predictions"].as_array().unwrap().len(), 2);
    // Confusions list exactly the wrong answers: [truth, answer, count].
    let wrong = ["a", "b"]
        .iter()
        .zip(report["predictions"].as_array().unwrap())
        .filter(|(truth, answer)| answer.as_str() != Some(**truth))
        .count() as u64;
    let listed: u64 = report["confusions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c[2].as_u64().unwrap())
        .sum();
    assert_eq!(listed, wrong);
    // Recognition: per target a match error, recognised or not, and a belief over the letters
    // and "none" that sums to 1; the count of the refused ones.
    let errors = report["match_errors"].as_array().unwrap();
    let recognised = report["recognised"].as_array().unwrap();
    assert_eq!((errors.len(), recognised.len()), (2, 2));
    let refused = recognised.iter().filter(|r| **r == false).count() as u64;
    assert_eq!(report["not_recognised"], refused);
    for belief in report["beliefs"].as_array().unwrap() {
        let belief: Vec<f64> = serde_json::from_value(belief.clone()).unwrap();
        assert_eq!(
            belief.len(),
            report["letters"].as_array().unwrap().len() + 1
        );
        assert!((belief.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }
}

#[test]
fn retrieve_says_how_many_targets_were_not_recognised() {
    // A threshold no match error reaches refuses every target; a huge one refuses none.
    let data = small_set("set-recognition.json");
    let model = scratch("recognition-model.json");
    let trained = pcrnn(&[
        "train",
        "--data",
        data.to_str().unwrap(),
        "--iters",
        "20",
        "--out",
        model.to_str().unwrap(),
    ]);
    assert!(trained.status.success());
    for (threshold, refused) in [("1e-9", 2), ("100", 0)] {
        let recall = format!("{{\"match_threshold\": {threshold}}}");
        let out = pcrnn(&[
            "retrieve",
            "--model",
            model.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
            "--trials",
            "5",
            "--recall",
            &recall,
        ]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}");
        assert!(
            stdout.contains(&format!("{refused} of 2 targets not recognised")),
            "{stdout}"
        );
        assert_eq!(
            stdout.matches(", not recognised)").count(),
            refused,
            "{stdout}"
        );
    }
}

#[test]
fn bad_arguments_and_files_get_one_sentence() {
    let data = small_set("set-bad-arguments.json");
    let data = data.to_str().unwrap();
    let out = scratch("never.json");
    let out = out.to_str().unwrap();
    fails_with(
        &pcrnn(&["train", "--data", data, "--iters", "0", "--out", out]),
        "--iters",
    );
    fails_with(
        &pcrnn(&["train", "--data", data, "--out", out, "--frobnicate"]),
        "--frobnicate",
    );
    fails_with(
        &pcrnn(&["train", "--data", "/no/such/file.json", "--out", out]),
        "cannot read /no/such/file.json",
    );
    let broken = scratch("broken.json");
    std::fs::write(
        &broken,
        "{\"labels\": [\"a\"], \"trajectories\": [[[0, 0], [1",
    )
    .unwrap();
    fails_with(
        &pcrnn(&["train", "--data", broken.to_str().unwrap(), "--out", out]),
        "not valid",
    );
    fails_with(
        &pcrnn(&[
            "retrieve",
            "--model",
            broken.to_str().unwrap(),
            "--data",
            data,
        ]),
        "not valid",
    );
    fails_with(
        &pcrnn(&["retrieve", "--model", data, "--data", data]),
        "not a pcrnn model",
    );
    fails_with(
        &pcrnn(&["train", "--data", data, "--out", out, "--lr=-1"]),
        "learning rate",
    );
}

#[test]
fn diverging_training_stops_and_keeps_the_last_good_parameters() {
    let data = small_set("set-diverging.json");
    let model = scratch("diverged.json");
    let out = pcrnn(&[
        "train",
        "--data",
        data.to_str().unwrap(),
        "--out",
        model.to_str().unwrap(),
        "--lr",
        "1e300",
    ]);
    fails_with(&out, "diverged");
    assert_eq!(
        out.status.code(),
        Some(1),
        "a diverged run exits 1 (a setting)"
    );
    let saved = std::fs::read_to_string(&model).unwrap();
    let parsed = pcrnn::data::formats::parse_model(&saved).expect("the last good parameters load");
    assert!(parsed.network.params.w_r.iter().all(|v| v.is_finite()));
}

#[test]
fn retrieve_computes_in_f32_like_the_page_when_asked() {
    let root = env!("CARGO_MANIFEST_DIR");
    let recall = |precision: &str| {
        let out = pcrnn(&[
            "retrieve",
            "--model",
            &format!("{root}/data/model.json"),
            "--data",
            &format!("{root}/data/letters.json"),
            "--trials",
            "100",
            "--precision",
            precision,
            "--json",
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut report = last_json_line(&out);
        report["seconds"] = serde_json::Value::Null;
        report
    };
    let (f64_report, f32_report) = (recall("f64"), recall("f32"));
    for report in [&f64_report, &f32_report] {
        let best = report["accuracy_best_of_starts"].as_f64().unwrap();
        assert!(best >= 0.9, "best of starts {best} in {report}");
    }
    // The same random numbers through other arithmetic: the answers barely move.
    let share = |r: &serde_json::Value| r["accuracy_per_start"].as_f64().unwrap();
    assert!((share(&f64_report) - share(&f32_report)).abs() <= 0.05);
    fails_with(
        &pcrnn(&[
            "retrieve",
            "--model",
            "m.json",
            "--data",
            "d.json",
            "--precision",
            "f16",
        ]),
        "f16",
    );
}

#[test]
fn calibrate_reports_the_match_errors_of_each_group() {
    // A short run (3 trials, one drawing per letter, one junk stroke per kind): the shape of
    // the report, not the calibration's figures (docs/tuning.md has those).
    let root = env!("CARGO_MANIFEST_DIR");
    let path = |p: &str| format!("{root}/{p}");
    let out = pcrnn(&[
        "calibrate",
        "--model",
        &path("data/model.json"),
        "--data",
        &path("data/letters.json"),
        "--other",
        &path("data/letters-heldout.json"),
        "--per-letter",
        "1",
        "--junk-per-kind",
        "1",
        "--recall",
        r#"{"trials": 3, "starts": 2}"#,
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = last_json_line(&out);
    let groups = report["groups"].as_array().unwrap();
    let count = |name: &str| {
        groups.iter().find(|g| g["name"] == name).unwrap()["count"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(count("drawn copies"), 20);
    assert_eq!(count("other fonts"), 166);
    assert_eq!(count("all junk"), 5);
    for kind in ["dot", "scribble", "line", "circle", "random walk"] {
        assert_eq!(count(kind), 1, "{kind}");
    }
    for group in groups.iter().filter(|g| g["count"] != 0) {
        let q: Vec<f64> = serde_json::from_value(group["quantiles"].clone()).unwrap();
        assert!(q.windows(2).all(|w| w[0] <= w[1]), "{group}");
    }
    assert_eq!(report["match_threshold"], 0.4);
    let width = report["fitted_width"].as_f64().unwrap();
    assert!(width > 0.0 && width <= 0.4, "{width}");
}

#[test]
fn retrieve_prints_the_same_with_any_number_of_threads() {
    let run = |threads: &str| {
        let out = pcrnn(&[
            "retrieve",
            "--model",
            "data/model.json",
            "--data",
            "data/letters.json",
            "--trials",
            "30",
            "--starts",
            "5",
            "--seed",
            "4",
            "--json",
            "--threads",
            threads,
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut report = last_json_line(&out);
        report.as_object_mut().unwrap().remove("seconds");
        report
    };
    let one = run("1");
    assert_eq!(one["targets"], 20);
    for threads in ["2", "3"] {
        assert_eq!(run(threads), one, "with {threads} threads");
    }
    fails_with(
        &pcrnn(&["retrieve", "--model", "m", "--data", "d", "--threads", "0"]),
        "--threads",
    );
}

#[test]
fn train_computes_in_f32_when_asked() {
    let data = small_set("set-train-f32.json");
    let train = |precision: &str| {
        let model = scratch(&format!("model-{precision}.json"));
        let out = pcrnn(&[
            "train",
            "--data",
            data.to_str().unwrap(),
            "--iters",
            "30",
            "--precision",
            precision,
            "--out",
            model.to_str().unwrap(),
            "--json",
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        last_json_line(&out)
    };
    let (f32, f64) = (train("f32"), train("f64"));
    assert_eq!(f32["precision"], "f32");
    let (a, b) = (
        f32["final_loss"].as_f64().unwrap(),
        f64["final_loss"].as_f64().unwrap(),
    );
    assert_ne!(a, b, "f32 is another arithmetic");
    assert!(
        (a - b).abs() < 0.05 * b,
        "the same training: {a} against {b}"
    );
    fails_with(
        &pcrnn(&["train", "--data", "d", "--out", "o", "--precision", "f16"]),
        "f16",
    );
}
