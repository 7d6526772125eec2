//! A recall's answer does not depend on how its starts are split: every run draws from its own
//! random stream, so parts run on 1, 2 or 3 threads (or the page's workers) give the very paths
//! and, merged, the very report of the whole. In f64 and in f32 (the page's arithmetic).

mod common;

use std::ops::Range;

use pcrnn::data::formats::parse_model;
use pcrnn::kernels::real::Precision;
use pcrnn::model::Model;
use pcrnn::model::retrieve::{Recall, RecallReport, RecallSettings};

fn model() -> Model {
    parse_model(include_str!("../data/model.json")).unwrap()
}

fn settings(precision: Precision) -> RecallSettings {
    RecallSettings {
        trials: 25,
        starts: 6,
        precision,
        ..model().recall
    }
}

/// The parts run each on its own thread; their paths (in order of start, then target) and
/// merged report.
fn run_in_parts(
    model: &Model,
    targets: &[Vec<[f64; 2]>],
    settings: &RecallSettings,
    parts: &[Range<usize>],
) -> (Vec<Vec<Vec<f64>>>, RecallReport) {
    let finished: Vec<Recall> = std::thread::scope(|scope| {
        let handles: Vec<_> = parts
            .iter()
            .map(|starts| {
                scope.spawn(move || {
                    let mut part = Recall::part(model, targets, settings, 5, starts.clone())
                        .expect("a valid part");
                    // Chunks of another size than the whole's, as the page's timer cuts them.
                    while !part.done() {
                        part.advance(7);
                    }
                    part
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let paths = finished
        .iter()
        .flat_map(|part| (0..part.runs()).map(|run| part.path(run)))
        .collect();
    // Merged in another order than the starts', which must not matter either.
    let reports = finished.iter().rev().map(Recall::report).collect();
    (paths, RecallReport::merge(reports).unwrap())
}

#[test]
fn one_two_or_three_parts_give_the_same_paths_and_report() {
    let data = common::letters(&["a", "m", "s"]);
    let model = model();
    for precision in [Precision::F64, Precision::F32] {
        let settings = settings(precision);
        let mut whole = Recall::new(&model, &data.trajectories, &settings, 5).unwrap();
        whole.advance(settings.trials);
        let report = whole.report();
        let paths: Vec<_> = (0..whole.runs()).map(|run| whole.path(run)).collect();
        assert_eq!(paths.len(), 6 * 3);
        assert_eq!(paths[0].len(), settings.trials + 1);
        // One part (the whole, on a thread of its own), two, three, and uneven ones.
        #[allow(clippy::single_range_in_vec_init)]
        let splits = [
            vec![0..6],
            vec![0..3, 3..6],
            vec![0..2, 2..4, 4..6],
            vec![0..1, 1..5, 5..6],
        ];
        for parts in splits {
            let (split_paths, merged) = run_in_parts(&model, &data.trajectories, &settings, &parts);
            assert_eq!(
                split_paths, paths,
                "{precision:?} paths with parts {parts:?}"
            );
            assert_eq!(merged, report, "{precision:?} report with parts {parts:?}");
        }
        // The runs really differ from one another, so equal paths are not a trivial match.
        assert_ne!(
            paths[0], paths[3],
            "{precision:?}: runs have their own noise"
        );
        // Another seed gives other paths.
        let mut other = Recall::new(&model, &data.trajectories, &settings, 6).unwrap();
        other.advance(settings.trials);
        assert_ne!(other.path(0), paths[0]);
    }
}

#[test]
fn a_part_runs_only_its_starts_and_reports_them_by_their_number() {
    let data = common::letters(&["a", "m"]);
    let model = model();
    let settings = settings(Precision::F32);
    let mut part = Recall::part(&model, &data.trajectories, &settings, 5, 2..4).unwrap();
    assert_eq!(part.runs(), 2 * 2);
    part.advance(settings.trials);
    let report = part.report();
    let runs: Vec<(usize, usize)> = report.runs.iter().map(|r| (r.start, r.target)).collect();
    assert_eq!(runs, [(2, 0), (2, 1), (3, 0), (3, 1)]);
    assert!(report.best_start.iter().all(|s| (2..4).contains(s)));
}

#[test]
fn parts_outside_the_starts_and_overlapping_parts_are_refused_in_a_sentence() {
    let data = common::letters(&["a"]);
    let model = model();
    let settings = settings(Precision::F32);
    for starts in [0..0, 4..7, 6..6] {
        let error = Recall::part(&model, &data.trajectories, &settings, 5, starts.clone())
            .err()
            .unwrap_or_else(|| panic!("starts {starts:?} were accepted"));
        assert!(error.contains("some of its 6 starts"), "{error}");
    }
    let report = |starts: Range<usize>| {
        let mut part = Recall::part(&model, &data.trajectories, &settings, 5, starts).unwrap();
        part.advance(1);
        part.report()
    };
    let error = RecallReport::merge(vec![report(0..3), report(2..6)]).unwrap_err();
    assert!(error.contains("start 2 of target 0"), "{error}");
    let error = RecallReport::merge(vec![]).unwrap_err();
    assert!(error.contains("no parts"), "{error}");
    let mut longer = report(3..6);
    longer.trials += 1;
    let error = RecallReport::merge(vec![report(0..3), longer]).unwrap_err();
    assert!(error.contains("not of one recall"), "{error}");
}

#[test]
#[allow(clippy::single_range_in_vec_init)]
fn starts_are_split_into_contiguous_ranges_of_nearly_equal_size() {
    use pcrnn::model::retrieve::split_starts;
    assert_eq!(split_starts(8, 2), [0..4, 4..8]);
    assert_eq!(split_starts(8, 3), [0..3, 3..6, 6..8]);
    assert_eq!(split_starts(4, 16), [0..1, 1..2, 2..3, 3..4]);
    assert_eq!(split_starts(5, 1), [0..5]);
    assert_eq!(split_starts(5, 0), [0..5]);
    assert!(split_starts(0, 4).is_empty());
}
