//! Bad arguments and bad files given to `pcrnn`: each gets one line on stderr that names the
//! problem, a non-zero exit, and no panic or backtrace (docs/reliability.md lists them;
//! `cargo test --release --test bad_input_cli -- --nocapture` prints the table).

use std::path::{Path, PathBuf};
use std::process::Command;

const LETTERS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/letters.json");
const MODEL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/model.json");

fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pcrnn-bad-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn file(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> String {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path.to_str().unwrap().to_string()
}

/// Exit codes (README, docs/reliability.md): 2 for an argument the command line refuses, 1 for
/// a file or a setting that the core refuses.
const ARGUMENT: i32 = 2;
const FILE_OR_SETTING: i32 = 1;

/// Runs `pcrnn args` (with RUST_BACKTRACE set, so a panic would show one) and checks the
/// answer and the exit code; returns the table row.
fn refused(args: &[&str], expect: &str, code: i32) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_pcrnn"))
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let shown = args.join(" ");
    assert_eq!(
        out.status.code(),
        Some(code),
        "{shown}: exit code ({stderr})"
    );
    assert!(!stderr.contains("panicked"), "{shown}: panic: {stderr}");
    assert!(
        !stderr.contains("backtrace"),
        "{shown}: backtrace: {stderr}"
    );
    assert_eq!(
        stderr.trim().lines().count(),
        1,
        "{shown}: one line: {stderr:?}"
    );
    assert!(
        stderr.contains(expect),
        "{shown}: {stderr:?} should mention {expect:?}"
    );
    format!("| `pcrnn {shown}` | {} |", stderr.trim())
}

#[test]
fn bad_arguments_and_files_get_one_line_and_a_non_zero_exit() {
    let dir = scratch();
    let out = dir.join("out.json");
    let out = out.to_str().unwrap();
    let empty = file(&dir, "empty.json", "");
    let binary = file(&dir, "binary.json", [0xff, 0xfe, 0x00, 0x81]);
    let ragged = file(
        &dir,
        "ragged.json",
        r#"{"labels": ["a", "b"], "trajectories": [[[0, 0], [1, 1]], [[0, 0]]]}"#,
    );
    let frameless = file(
        &dir,
        "frameless.json",
        r#"{"labels": ["a", "b"], "trajectories": [[[0, 0], [0.5, 0.2], [1, 1]], [[0, 0], [-0.5, 0.1], [-1, 1]]]}"#,
    );
    let no_strokes = file(&dir, "no-strokes.json", r#"{"strokes": []}"#);
    let dot = file(
        &dir,
        "dot.json",
        r#"{"strokes": [{"points": [[3, 4, 0]]}]}"#,
    );
    let still = file(
        &dir,
        "still.json",
        r#"{"strokes": [{"points": [[3, 4, 0], [3, 4, 16]]}]}"#,
    );
    let line = file(
        &dir,
        "line.json",
        r#"{"strokes": [{"points": [[0, 0], [10, 10], [20, 5]]}]}"#,
    );
    let dir_path = dir.to_str().unwrap();
    let frameless_model = dir.join("frameless-model.json");
    let frameless_model = frameless_model.to_str().unwrap();
    let trained = Command::new(env!("CARGO_BIN_EXE_pcrnn"))
        .args(["train", "--data", &frameless, "--iters", "1"])
        .args(["--n-h", "4", "--out", frameless_model])
        .output()
        .unwrap();
    assert!(trained.status.success(), "{trained:?}");

    let train = |extra: &[&str]| -> Vec<String> {
        let mut args: Vec<String> = ["train", "--data", LETTERS, "--out", out]
            .map(String::from)
            .to_vec();
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    };
    let retrieve = |extra: &[&str]| -> Vec<String> {
        let mut args: Vec<String> = ["retrieve", "--model", MODEL].map(String::from).to_vec();
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    };
    let cases: Vec<(Vec<String>, &str, i32)> = vec![
        (
            vec!["frobnicate".into()],
            "unrecognized subcommand 'frobnicate'",
            ARGUMENT,
        ),
        (
            train(&["--iters", "0"]),
            "0 is not in 1..=1000000",
            ARGUMENT,
        ),
        (
            train(&["--iters=-5"]),
            "invalid value '-5' for '--iters",
            ARGUMENT,
        ),
        (
            train(&["--iters", "lots"]),
            "invalid value 'lots' for '--iters",
            ARGUMENT,
        ),
        (
            train(&["--iters", "1000001"]),
            "not in 1..=1000000",
            ARGUMENT,
        ),
        (
            train(&["--frobnicate"]),
            "unexpected argument '--frobnicate'",
            ARGUMENT,
        ),
        (
            vec!["train".into(), "--out".into(), out.into()],
            "--data <DATA>",
            ARGUMENT,
        ),
        (
            train(&["--lr", "0"]),
            "the learning rate must be a positive number, not 0",
            FILE_OR_SETTING,
        ),
        (
            train(&["--lr", "NaN"]),
            "the learning rate must be a positive number, not NaN",
            FILE_OR_SETTING,
        ),
        (
            train(&["--n-h", "0"]),
            "n_h must be between 1 and 1024, not 0",
            FILE_OR_SETTING,
        ),
        (
            train(&["--recall", "{\"starts\": 0}"]),
            "--recall is not valid: starts must be between 1 and 64",
            FILE_OR_SETTING,
        ),
        (
            train(&["--recall", "fast"]),
            "--recall is not valid",
            FILE_OR_SETTING,
        ),
        (
            ["train", "--data", "/no/such/file.json", "--out", out]
                .map(String::from)
                .to_vec(),
            "cannot read /no/such/file.json",
            FILE_OR_SETTING,
        ),
        (
            ["train", "--data", dir_path, "--out", out]
                .map(String::from)
                .to_vec(),
            "cannot read",
            FILE_OR_SETTING,
        ),
        (
            ["train", "--data", &binary, "--out", out]
                .map(String::from)
                .to_vec(),
            "valid UTF-8",
            FILE_OR_SETTING,
        ),
        (
            ["train", "--data", &empty, "--out", out]
                .map(String::from)
                .to_vec(),
            "the data set is empty",
            FILE_OR_SETTING,
        ),
        (
            ["train", "--data", &ragged, "--out", out]
                .map(String::from)
                .to_vec(),
            "trajectory 1 has 1 point but trajectory 0 has 2",
            FILE_OR_SETTING,
        ),
        (
            [
                "train",
                "--data",
                LETTERS,
                "--iters",
                "1",
                "--out",
                "/no/such/dir/model.json",
            ]
            .map(String::from)
            .to_vec(),
            "cannot write /no/such/dir/model.json",
            FILE_OR_SETTING,
        ),
        (
            ["retrieve", "--model", LETTERS, "--data", LETTERS]
                .map(String::from)
                .to_vec(),
            "this is not a pcrnn model file",
            FILE_OR_SETTING,
        ),
        (
            ["retrieve", "--model", &empty, "--data", LETTERS]
                .map(String::from)
                .to_vec(),
            "the model file is empty",
            FILE_OR_SETTING,
        ),
        (
            retrieve(&[]),
            "the following required arguments were not provided",
            ARGUMENT,
        ),
        (
            retrieve(&["--data", LETTERS, "--strokes", &line]),
            "cannot be used with",
            ARGUMENT,
        ),
        (
            retrieve(&["--data", LETTERS, "--starts", "0"]),
            "0 is not in 1..=64",
            ARGUMENT,
        ),
        (
            retrieve(&["--data", LETTERS, "--trials", "0"]),
            "0 is not in 1..=100000",
            ARGUMENT,
        ),
        (
            retrieve(&["--data", LETTERS, "--prior", "gauss"]),
            "invalid value 'gauss'",
            ARGUMENT,
        ),
        (
            retrieve(&["--data", LETTERS, "--recall", "[1]"]),
            "--recall must be a JSON object",
            FILE_OR_SETTING,
        ),
        (
            retrieve(&["--data", LETTERS, "--recall", "{\"sigma_c\": -1}"]),
            "--recall is not valid: sigma_c must be a positive number",
            FILE_OR_SETTING,
        ),
        (
            retrieve(&["--data", LETTERS, "--recall", "{\"speed\": 1}"]),
            "unknown field `speed`",
            FILE_OR_SETTING,
        ),
        (
            retrieve(&["--data", &ragged]),
            "trajectory 1 has 1 point but trajectory 0 has 2",
            FILE_OR_SETTING,
        ),
        (
            retrieve(&["--strokes", &no_strokes]),
            "the strokes file has no strokes",
            FILE_OR_SETTING,
        ),
        (
            retrieve(&["--strokes", &dot]),
            "stroke 0: The stroke has only one point",
            FILE_OR_SETTING,
        ),
        (
            retrieve(&["--strokes", &still]),
            "stroke 0: All points of the stroke are at the same place",
            FILE_OR_SETTING,
        ),
        (
            ["retrieve", "--model", frameless_model, "--strokes", &line]
                .map(String::from)
                .to_vec(),
            "this model has no frame",
            FILE_OR_SETTING,
        ),
        (
            [
                "simulate",
                "--data",
                LETTERS,
                "--per-letter",
                "0",
                "--out",
                out,
            ]
            .map(String::from)
            .to_vec(),
            "0 is not in 1..=500",
            ARGUMENT,
        ),
        (
            [
                "simulate",
                "--data",
                LETTERS,
                "--ranges",
                "{\"rotation_deg\": \"x\"}",
                "--out",
                out,
            ]
            .map(String::from)
            .to_vec(),
            "--ranges",
            FILE_OR_SETTING,
        ),
        (
            ["tune", "--data", &ragged].map(String::from).to_vec(),
            "trajectory 1 has 1 point but trajectory 0 has 2",
            FILE_OR_SETTING,
        ),
    ];
    for (args, expect, code) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        println!("{}", refused(&args, expect, code));
    }
}

#[test]
fn no_arguments_show_the_usage_and_fail() {
    let out = Command::new(env!("CARGO_BIN_EXE_pcrnn")).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(ARGUMENT), "{stderr}");
    assert!(stderr.contains("Usage: pcrnn"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
