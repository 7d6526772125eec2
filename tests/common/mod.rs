//! Helpers shared by the integration tests.

use pcrnn::data::dataset::DataSet;
use pcrnn::data::formats::parse_data_set;

/// The letters of data/letters.json whose labels are in `keep`, with the set's frame.
pub fn letters(keep: &[&str]) -> DataSet {
    let all = parse_data_set(include_str!("../../data/letters.json")).unwrap();
    let (labels, trajectories) = all
        .labels
        .iter()
        .zip(&all.trajectories)
        .filter(|(l, _)| keep.contains(&l.as_str()))
        .map(|(l, t)| (l.clone(), t.clone()))
        .unzip();
    DataSet::new(labels, trajectories, all.frame).unwrap()
}
