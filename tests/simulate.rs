//! Simulated drawings (src/simulate.rs): seeded, within their stated ranges, faithful to the
//! letter when nothing is perturbed; and the same letters recalled alike through `--data` and,
//! drawn on a canvas, through `--strokes`.

use std::path::PathBuf;
use std::process::{Command, Output};

use pcrnn::data::formats::parse_data_set;
use pcrnn::data::simulate::{Ranges, simulate, simulate_set};
use pcrnn::data::stroke::to_frame;
use pcrnn::kernels::noise::Noise;

fn letters() -> pcrnn::data::dataset::DataSet {
    parse_data_set(include_str!("../data/letters.json")).unwrap()
}

fn max_diff(a: &[[f64; 2]], b: &[[f64; 2]]) -> f64 {
    a.iter()
        .zip(b)
        .flat_map(|(p, q)| [(p[0] - q[0]).abs(), (p[1] - q[1]).abs()])
        .fold(0.0, f64::max)
}

#[test]
fn same_seed_same_drawings_other_seed_others() {
    let data = letters();
    let ranges = Ranges::typical();
    let a = simulate_set(&data.labels, &data.trajectories, 2, &ranges, 9).unwrap();
    let b = simulate_set(&data.labels, &data.trajectories, 2, &ranges, 9).unwrap();
    let c = simulate_set(&data.labels, &data.trajectories, 2, &ranges, 10).unwrap();
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert_eq!(a.len(), 40);
    assert_eq!(a[0].label.as_deref(), Some("a"));
    assert_eq!(a[3].label.as_deref(), Some("b"));
}

#[test]
fn poses_and_samples_stay_in_their_ranges() {
    let data = letters();
    let r = Ranges::typical();
    let mut noise = Noise::new(3);
    let inside = |v: f64, [lo, hi]: [f64; 2]| lo <= v && v <= hi;
    for letter in data.trajectories.iter().cycle().take(200) {
        let d = simulate(letter, &r, &mut noise).unwrap();
        let p = &d.pose;
        assert!(p.rotation_deg.abs() <= r.rotation_deg && p.slant.abs() <= r.slant);
        // Only a letter too wide for the canvas is drawn smaller than the range says.
        assert!(inside(p.aspect, r.aspect) && inside(p.height_px, [100.0, r.height_px[1]]));
        assert!(inside(p.speed_px_s, r.speed_px_s) && inside(p.rate_hz, r.rate_hz));
        assert!(inside(p.jitter_px, r.jitter_px));
        // The letter is as tall as drawn (less where events cut a turn; jitter aside), on the canvas.
        let margin = 10.0 * p.jitter_px + 1e-9;
        let ys = d.points.iter().map(|q| q[1]);
        let height = ys.clone().fold(f64::MIN, f64::max) - ys.fold(f64::MAX, f64::min);
        assert!(
            inside(height, [0.9 * p.height_px - margin, p.height_px + margin]),
            "{height}"
        );
        for q in &d.points {
            assert!(inside(q[0], [-margin, r.canvas_px[0] + margin]), "{q:?}");
            assert!(inside(q[1], [-margin, r.canvas_px[1] + margin]), "{q:?}");
        }
        // Pointer events: between ~8 and 17 ms apart, and a letter takes a human time.
        let total_ms = d.points.last().unwrap()[2];
        assert!((100.0..10_000.0).contains(&total_ms), "{total_ms} ms");
        assert!(d.points.windows(2).all(|w| w[1][2] > w[0][2]));
    }
}

#[test]
fn an_unperturbed_drawing_maps_back_onto_its_letter() {
    let data = letters();
    let frame = data.frame.clone().unwrap();
    let mut noise = Noise::new(4);
    for (label, letter) in data.labels.iter().zip(&data.trajectories) {
        let d = simulate(letter, &Ranges::none(), &mut noise).unwrap();
        let back = to_frame(&d.points, &frame).unwrap();
        // The letter's own 60 points, only moved and resized: what a perfect hand would give.
        // (It is not the letter exactly: its points are evenly spaced along the font's path,
        // and the straight chords between them are shorter where the path turns sharply, so
        // resampling them again shifts points along the path, by up to 0.13 in a 'y'.)
        let copy: Vec<[f64; 3]> = letter
            .iter()
            .map(|p| [120.0 + 250.0 * p[0], 300.0 - 250.0 * p[1], 0.0])
            .collect();
        let redrawn = to_frame(&copy, &frame).unwrap();
        let diff = max_diff(&back, &redrawn);
        assert!(diff < 0.015, "{label}: {diff} from the redrawn letter");
        let diff = max_diff(&back, letter);
        assert!(diff < 0.15, "{label}: {diff} from the letter");
    }
}

fn pcrnn(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pcrnn"))
        .args(args)
        .output()
        .unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pcrnn-simulate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// `pcrnn retrieve --json`'s predictions, best of starts.
fn predictions(args: &[&str]) -> Vec<String> {
    let out = pcrnn(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    serde_json::from_value(report["predictions"].clone()).unwrap()
}

#[test]
fn letters_recalled_alike_through_data_and_drawn_on_a_canvas_through_strokes() {
    // Five letters as a data set, and each drawn twice unperturbed, at other places and sizes.
    let all = letters();
    let keep = [0, 2, 7, 10, 19]; // a c l o z
    let subset = serde_json::json!({
        "labels": keep.map(|k| all.labels[k].clone()),
        "trajectories": keep.map(|k| all.trajectories[k].clone()),
        "frame": all.frame,
    });
    let data = scratch("five.json");
    std::fs::write(&data, subset.to_string()).unwrap();
    let strokes = scratch("five-drawn.json");
    let (data, strokes) = (data.to_str().unwrap(), strokes.to_str().unwrap());
    let out = pcrnn(&[
        "simulate",
        "--data",
        data,
        "--per-letter",
        "2",
        "--exact",
        "--seed",
        "5",
        "--out",
        strokes,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let common = [
        "retrieve",
        "--model",
        "data/model.json",
        "--trials",
        "150",
        "--json",
    ];
    let through_data = predictions(&[&common[..], &["--data", data]].concat());
    let through_strokes = predictions(&[&common[..], &["--strokes", strokes]].concat());
    assert_eq!(through_data, keep.map(|k| all.labels[k].clone()));
    let twice: Vec<String> = through_data
        .iter()
        .flat_map(|l| [l.clone(), l.clone()])
        .collect();
    assert_eq!(through_strokes, twice);
}

#[test]
fn simulate_takes_other_ranges_and_refuses_bad_ones() {
    let strokes = scratch("ranges.json");
    let strokes = strokes.to_str().unwrap();
    let run = |ranges: &str| {
        pcrnn(&[
            "simulate",
            "--data",
            "data/letters.json",
            "--per-letter",
            "1",
            "--ranges",
            ranges,
            "--out",
            strokes,
        ])
    };
    let out = run(r#"{"rotation_deg": 0, "aspect": [1, 1]}"#);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(strokes).unwrap()).unwrap();
    let ranges = &written["simulated"]["ranges"];
    assert_eq!(ranges["rotation_deg"], 0.0);
    assert_eq!(ranges["aspect"], serde_json::json!([1.0, 1.0]));
    assert_eq!(ranges["slant"], Ranges::typical().slant);
    for bad in [r#"{"rotation": 5}"#, r#"{"aspect": [2, 1]}"#, "[1]", "{"] {
        let out = run(bad);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{bad} must be refused");
        assert!(stderr.contains("--ranges"), "{bad}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{bad}: {stderr}");
    }
}
