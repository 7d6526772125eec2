//! A set of labelled trajectories (docs/design.md §4), checked once so the maths can trust it.

use crate::data::stroke::Frame;
use crate::model::network::Mat;
use crate::wording::count;

/// The largest set we accept: far above the seed's 20 letters, small enough for a browser tab.
pub const MAX_TRAJECTORIES: usize = 2000;
pub const MAX_STEPS: usize = 1000;
/// Coordinates live around the unit square; anything this large is a unit or format mistake.
pub const MAX_COORDINATE: f64 = 1e3;
pub const MAX_LABEL_CHARS: usize = 32;
/// Points per letter in the seed's data, and in the frame of a page with nothing loaded yet.
pub const SEED_STEPS: usize = 60;

#[derive(Clone, Debug, PartialEq)]
pub struct DataSet {
    pub labels: Vec<String>,
    /// One 2-D trajectory per label, all of the same length.
    pub trajectories: Vec<Vec<[f64; 2]>>,
    /// The frame the trajectories were normalised in, if the set says.
    pub frame: Option<Frame>,
}

/// Checks trajectories as the maths needs them: at least one and at most
/// [`MAX_TRAJECTORIES`], all of one length between 2 and [`MAX_STEPS`], finite coordinates
/// within ±[`MAX_COORDINATE`]. `(one, many)` names them in the sentence ("trajectory" in a
/// data set, "target" in a recall). Returns their length.
pub fn check_trajectories(
    trajectories: &[Vec<[f64; 2]>],
    (one, many): (&str, &str),
) -> Result<usize, String> {
    let Some(first) = trajectories.first() else {
        return Err(format!("there are no {many}"));
    };
    if trajectories.len() > MAX_TRAJECTORIES {
        return Err(format!(
            "there are {} {many}, more than the limit of {MAX_TRAJECTORIES}",
            trajectories.len()
        ));
    }
    let steps = first.len();
    if !(2..=MAX_STEPS).contains(&steps) {
        return Err(format!(
            "{one} 0 has {}; {many} need between 2 and {MAX_STEPS}",
            count(steps, "point")
        ));
    }
    for (k, trajectory) in trajectories.iter().enumerate() {
        if trajectory.len() != steps {
            return Err(format!(
                "{one} {k} has {} but {one} 0 has {steps}; all must have the same length",
                count(trajectory.len(), "point")
            ));
        }
        if let Some(t) = trajectory
            .iter()
            .position(|p| !p.iter().all(|v| v.is_finite()))
        {
            return Err(format!(
                "{one} {k} has a value that is not a finite number at point {t}"
            ));
        }
        if let Some(t) = trajectory
            .iter()
            .position(|p| p.iter().any(|v| v.abs() > MAX_COORDINATE))
        {
            return Err(format!(
                "{one} {k} has a coordinate beyond ±{MAX_COORDINATE} at point {t}; is it in the model's frame?"
            ));
        }
    }
    Ok(steps)
}

impl DataSet {
    /// Checks shapes, lengths, labels and values; the error is one sentence naming the problem.
    pub fn new(
        labels: Vec<String>,
        trajectories: Vec<Vec<[f64; 2]>>,
        frame: Option<Frame>,
    ) -> Result<DataSet, String> {
        let steps = check_trajectories(&trajectories, ("trajectory", "trajectories"))?;
        if labels.len() != trajectories.len() {
            return Err(format!(
                "the data set has {} labels for {} trajectories; it needs one label per trajectory",
                labels.len(),
                trajectories.len()
            ));
        }
        for (k, label) in labels.iter().enumerate() {
            check_label(label).map_err(|why| format!("label {k} {why}"))?;
        }
        if let Some(frame) = &frame {
            check_frame(frame, steps)?;
        }
        Ok(DataSet {
            labels,
            trajectories,
            frame,
        })
    }

    /// The frame the set names, else the one its trajectories imply (e.g. the seed's letters):
    /// their length, their mean first point (the seed's letters share one), and the mean RMS
    /// radius of a letter.
    pub fn implied_frame(&self) -> Frame {
        if let Some(frame) = &self.frame {
            return frame.clone();
        }
        let n = self.len() as f64;
        let mut start = [0.0; 2];
        let mut size = 0.0;
        for letter in &self.trajectories {
            let m = letter.len() as f64;
            let centroid = letter
                .iter()
                .fold([0.0; 2], |a, p| [a[0] + p[0] / m, a[1] + p[1] / m]);
            let spread: f64 = letter
                .iter()
                .map(|p| (p[0] - centroid[0]).powi(2) + (p[1] - centroid[1]).powi(2))
                .sum();
            size += (spread / m).sqrt() / n;
            start = [start[0] + letter[0][0] / n, start[1] + letter[0][1] / n];
        }
        Frame {
            length: self.steps(),
            start,
            size,
        }
    }

    pub fn len(&self) -> usize {
        self.trajectories.len()
    }

    pub fn is_empty(&self) -> bool {
        self.trajectories.is_empty()
    }

    pub fn steps(&self) -> usize {
        self.trajectories[0].len()
    }
}

/// A set's frame must be usable and describe its trajectories: strokes mapped through it get
/// as many points as the letters have.
fn check_frame(frame: &Frame, steps: usize) -> Result<(), String> {
    if let Some(why) = frame.problem() {
        return Err(format!("the data set's frame is not valid: {why}"));
    }
    if frame.length != steps {
        return Err(format!(
            "the data set's frame has length {} but its trajectories have {steps} points",
            frame.length
        ));
    }
    Ok(())
}

/// A label is short text without control characters (it is drawn on the page as text).
pub fn check_label(label: &str) -> Result<(), String> {
    let chars = label.chars().count();
    if chars == 0 {
        return Err("is empty".into());
    }
    if chars > MAX_LABEL_CHARS {
        return Err(format!(
            "is {chars} characters long, more than {MAX_LABEL_CHARS}"
        ));
    }
    if label.chars().any(char::is_control) {
        return Err("contains a control character".into());
    }
    Ok(())
}

/// Trajectories as one n_x × B matrix per time step, each repeated `copies` times along the
/// batch: column `copy * P + k` is trajectory `k` (the seed's `repeat(1, copies, 1)` order).
pub fn time_major(trajectories: &[Vec<[f64; 2]>], copies: usize) -> Vec<Mat> {
    let p = trajectories.len();
    let steps = trajectories.first().map_or(0, Vec::len);
    (0..steps)
        .map(|t| Mat::from_fn(2, copies * p, |d, j| trajectories[j % p][t][d]))
        .collect()
}
