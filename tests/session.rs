//! The page engine's logic (`session`), natively: what the Web Worker's `Engine` delegates to.

use pcrnn::data::formats;
use pcrnn::data::stroke::Frame;
use pcrnn::model::retrieve::RecallSettings;
use pcrnn::session::{Session, TrainOptions};

const MODEL: &str = include_str!("../data/model.json");
const LETTERS: &str = include_str!("../data/letters.json");

fn loaded() -> Session {
    let mut session = Session::default();
    session.load_data(LETTERS).unwrap();
    session.load_model(MODEL).unwrap();
    session
}

/// A model file as the shipped one, but without a frame.
fn model_without_frame() -> String {
    let mut json: serde_json::Value = serde_json::from_str(MODEL).unwrap();
    json.as_object_mut().unwrap().remove("frame");
    json.to_string()
}

/// A drawn `o`-like loop: x, y, t flattened, canvas pixels.
fn loop_points() -> Vec<f64> {
    (0..40)
        .flat_map(|i| {
            let a = i as f64 / 39.0 * 6.0;
            [
                200.0 + 60.0 * a.cos(),
                200.0 + 60.0 * a.sin(),
                i as f64 * 8.0,
            ]
        })
        .collect()
}

fn short() -> RecallSettings {
    RecallSettings {
        trials: 30,
        starts: 3,
        ..RecallSettings::default()
    }
}

#[test]
fn bad_files_are_refused_and_what_was_loaded_stays() {
    let mut session = loaded();
    let before = session.export_model().unwrap();
    let error = session.load_model("{\"version\": 1").unwrap_err();
    assert!(!error.is_empty());
    assert_eq!(session.export_model().unwrap(), before);
    assert!(session.load_data("[]").is_err());
    // The data set stayed: its letter 3 can still be recalled.
    session.recall_letter(3, &short(), 0).unwrap();
}

#[test]
fn nothing_to_work_on_gets_a_sentence() {
    let mut session = Session::default();
    let no_model = session.export_model().unwrap_err();
    assert_eq!(no_model, "there is no model yet: load one or train one");
    assert_eq!(
        session.train_reset(&TrainOptions::default()).unwrap_err(),
        "there is no data set to train on"
    );
    assert_eq!(
        session.train_steps(5).unwrap_err(),
        "training has not been started"
    );
    assert_eq!(session.recall_report().unwrap_err(), "no recall is running");
    assert_eq!(
        session.recall_advance(5).unwrap_err(),
        "no recall is running"
    );
    assert!(
        session
            .recall_stroke(&loop_points(), &short(), 0)
            .unwrap_err()
            .contains("no letters or model yet")
    );
}

#[test]
fn a_recall_hands_over_every_path_point_once() {
    let mut session = loaded();
    let start = session.recall_stroke(&loop_points(), &short(), 7).unwrap();
    assert_eq!(start.runs, 3);
    assert_eq!(start.target.len(), 60);
    let mut points = vec![1; start.runs];
    let mut chunks = 0;
    loop {
        let chunk = session.recall_advance(7).unwrap();
        chunks += 1;
        for (run, path) in chunk.paths.iter().enumerate() {
            points[run] += path.len();
        }
        if chunk.done {
            assert_eq!(chunk.trials, 30);
            break;
        }
    }
    assert_eq!(chunks, 5);
    // The start, then one point per trial.
    assert_eq!(points, vec![31; 3]);
    let report = session.recall_report().unwrap();
    assert_eq!(report.trials, 30);
    assert_eq!(session.recall_imagined().unwrap().len(), 3);
}

#[test]
fn a_stroke_is_not_a_list_of_triples() {
    let mut session = loaded();
    let error = session.recall_stroke(&[1.0, 2.0], &short(), 0).unwrap_err();
    assert_eq!(error, "a stroke must be a list of (x, y, t) points");
}

#[test]
fn strokes_map_into_the_models_frame_else_the_data_sets_as_in_the_cli() {
    let letters = formats::parse_data_set(LETTERS).unwrap();
    let mut session = loaded();
    let shipped = session.recall_stroke(&loop_points(), &short(), 0).unwrap();
    // A model without a frame, with the letters loaded: the letters' frame (here the same).
    session.load_model(&model_without_frame()).unwrap();
    let fallback = session.recall_stroke(&loop_points(), &short(), 0).unwrap();
    assert_eq!(fallback.target, shipped.target);
    assert_eq!(letters.implied_frame(), letters.frame.clone().unwrap());
    // Without letters, the same sentence as `pcrnn retrieve --strokes` gives.
    let mut alone = Session::default();
    alone.load_model(&model_without_frame()).unwrap();
    let error = alone
        .recall_stroke(&loop_points(), &short(), 0)
        .unwrap_err();
    let model = formats::parse_model(&model_without_frame()).unwrap();
    assert_eq!(error, model.stroke_frame(None).unwrap_err());
    assert!(error.contains("has no frame"), "{error}");
}

#[test]
fn teaching_maps_strokes_into_the_taught_sets_frame() {
    let session = loaded();
    let first = session.teach_stroke(&loop_points(), None).unwrap();
    let shipped: Frame = formats::parse_data_set(LETTERS).unwrap().frame.unwrap();
    assert_eq!(first.frame, shipped);
    let other = Frame {
        size: shipped.size * 2.0,
        ..shipped.clone()
    };
    let second = session
        .teach_stroke(&loop_points(), Some(other.clone()))
        .unwrap();
    assert_eq!(second.frame, other);
    assert_ne!(second.trajectory, first.trajectory);
}

#[test]
fn a_taught_set_without_a_frame_gets_the_one_its_letters_imply() {
    let session = loaded();
    let mut json: serde_json::Value = serde_json::from_str(LETTERS).unwrap();
    json.as_object_mut().unwrap().remove("frame");
    let checked = session.check_taught(&json.to_string()).unwrap();
    let frame = checked.frame.unwrap();
    assert_eq!(frame.length, 60);
    assert!(frame.size > 0.0);
    // A frame whose length disagrees with the trajectories is refused.
    json["frame"] = serde_json::json!({"length": 30, "start": [0.0, 0.0], "size": 0.9});
    let error = session.check_taught(&json.to_string()).unwrap_err();
    assert_eq!(
        error,
        "the data set's frame has length 30 but its trajectories have 60 points"
    );
}

#[test]
fn training_goes_on_in_chunks_and_a_diverging_run_keeps_the_last_good_model() {
    let mut session = loaded();
    session.train_reset(&TrainOptions::default()).unwrap();
    assert!(session.has_trainer());
    let chunk = session.train_steps(3).unwrap();
    assert_eq!((chunk.losses.len(), chunk.iteration), (3, 3));
    assert!(chunk.error.is_none());
    let summary = session.model_summary().unwrap();
    assert_eq!(summary.iterations, Some(3));
    assert_eq!(summary.generated.len(), 20);

    let mut wild = loaded();
    wild.train_reset(&TrainOptions {
        lr: 1e6,
        ..TrainOptions::default()
    })
    .unwrap();
    let chunk = wild.train_steps(50).unwrap();
    let error = chunk.error.expect("a learning rate of 1e6 diverges");
    assert!(error.contains("learning rate"), "{error}");
    assert!(chunk.losses.iter().all(|l| l.is_finite()));
    // The model kept is a valid one: it exports and loads back.
    let exported = wild.export_model().unwrap();
    formats::parse_model(&exported).unwrap();
}

#[test]
fn parts_of_a_drawn_letter_in_other_sessions_give_its_paths_and_report() {
    // The page's pool: the engine maps the stroke and starts the whole recall (for the starts
    // it shows); other workers' sessions run parts of it on the mapped target.
    let mut whole = loaded();
    let start = whole.recall_stroke(&loop_points(), &short(), 7).unwrap();
    let mut paths: Vec<Vec<Vec<f64>>> = start.starts.iter().map(|p| vec![p.clone()]).collect();
    let chunk = whole.recall_advance(30).unwrap();
    for (path, new) in paths.iter_mut().zip(chunk.paths) {
        path.extend(new);
    }
    let mut part_paths = Vec::new();
    let mut reports = Vec::new();
    for starts in [0..1, 1..3] {
        let mut part = Session::default();
        part.load_model(MODEL).unwrap();
        let begun = part
            .recall_part(start.target.clone(), &short(), 7, starts.clone())
            .unwrap();
        assert_eq!(begun.starts, start.starts[starts.clone()]);
        let mut mine: Vec<Vec<Vec<f64>>> = begun.starts.iter().map(|p| vec![p.clone()]).collect();
        for _ in 0..3 {
            for (path, new) in mine.iter_mut().zip(part.recall_advance(10).unwrap().paths) {
                path.extend(new);
            }
        }
        part_paths.extend(mine);
        reports.push(part.recall_report().unwrap());
    }
    assert_eq!(part_paths, paths);
    let merged = pcrnn::model::retrieve::RecallReport::merge(reports).unwrap();
    assert_eq!(merged, whole.recall_report().unwrap());
    let error = loaded()
        .recall_part(start.target.clone(), &short(), 7, 2..5)
        .unwrap_err();
    assert!(error.contains("some of its 3 starts"), "{error}");
}

/// A `t`: its stem, then its cross bar, as two strokes (x, y, t flattened, canvas pixels).
fn two_strokes() -> (Vec<f64>, Vec<usize>) {
    let stem: Vec<[f64; 3]> = (0..20)
        .map(|i| [200.0, 100.0 + 8.0 * i as f64, 5.0 * i as f64])
        .collect();
    let bar: Vec<[f64; 3]> = (0..12)
        .map(|i| [170.0 + 6.0 * i as f64, 140.0, 5.0 * i as f64])
        .collect();
    let lengths = vec![stem.len(), bar.len()];
    (stem.into_iter().chain(bar).flatten().collect(), lengths)
}

#[test]
fn strokes_of_one_letter_are_joined_by_the_pens_travel() {
    let (points, lengths) = two_strokes();
    let mut session = loaded();
    let joined = session
        .recall_strokes(&points, &lengths, &short(), 0)
        .unwrap();
    // The same samples as one stroke: the pen's travel from the stem's foot to the bar's start
    // is the straight line between them, exactly what joining does.
    let one = session.recall_stroke(&points, &short(), 0).unwrap();
    assert_eq!(joined.target, one.target);
    // Both strokes are in the letter: the target reaches the bar's far end (the right-most
    // point), which the stem alone never does.
    let stem_only = session
        .recall_stroke(&points[..3 * lengths[0]], &short(), 0)
        .unwrap();
    let width = |t: &[[f64; 2]]| {
        let xs = t.iter().map(|p| p[0]);
        xs.clone().fold(f64::MIN, f64::max) - xs.fold(f64::MAX, f64::min)
    };
    assert!(width(&joined.target) > 0.3, "{}", width(&joined.target));
    assert!(width(&stem_only.target) < 1e-9);
    // A taught exemplar joins its strokes alike.
    let taught = session.teach_strokes(&points, &lengths, None).unwrap();
    assert_eq!(taught.trajectory, joined.target);
}

#[test]
fn stroke_lengths_that_do_not_add_up_are_refused() {
    let (points, _) = two_strokes();
    let mut session = loaded();
    let error = session
        .recall_strokes(&points, &[20, 11], &short(), 0)
        .unwrap_err();
    assert!(error.contains("do not add up"), "{error}");
    let error = session
        .recall_strokes(&points, &[0, 32], &short(), 0)
        .unwrap_err();
    assert!(error.contains("do not add up"), "{error}");
}
