//! Drawn strokes into the model's frame (docs/design.md §4).
//!
//! One path for every letter the model sees — a stroke drawn on the page, a strokes file given
//! to the CLI, and the font letters the data sets are made of:
//!
//! 1. resample to `frame.length` points evenly spaced along the pen's path (arc length);
//! 2. flip y (canvas y points down, the model's y points up);
//! 3. scale so the RMS distance of the points from their centroid is `frame.size`;
//! 4. translate so the first point is `frame.start`.
//!
//! Steps 1–4 make the result independent of where, how large and how fast a letter was drawn.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The most pointer samples one stroke may have; more is refused rather than processed.
pub const MAX_POINTS: usize = 100_000;

/// Spread (standard deviation in x and y) of the seed's data set, which the project's frame
/// imitates so that the seed's hyper-parameters keep their meaning.
pub const SEED_SPREAD: [f64; 2] = [0.9, 0.75];

/// The frame that trajectories live in: every letter has `length` points, starts at `start`,
/// and is scaled so the RMS distance of its points from their centroid is `size`.
/// Stored in a model so drawn strokes are mapped the same way as the letters it learned.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Frame {
    /// Points per trajectory (60 in the defaults).
    pub length: usize,
    /// The common start point of every trajectory, in model units (y up).
    pub start: [f64; 2],
    /// RMS distance of a letter's points from their own centroid, in model units.
    pub size: f64,
}

impl Frame {
    /// Checks that the frame can be used: at least 2 points, finite start, finite size > 0.
    pub fn validate(&self) -> Result<(), StrokeError> {
        self.problem()
            .map_or(Ok(()), |why| Err(StrokeError::BadFrame(why)))
    }

    /// What makes the frame unusable, as a clause ("length must be at least 2, got 0").
    pub fn problem(&self) -> Option<String> {
        if self.length < 2 {
            return Some(format!("length must be at least 2, got {}", self.length));
        }
        if self.length > MAX_POINTS {
            return Some(format!(
                "length must be at most {MAX_POINTS}, got {}",
                self.length
            ));
        }
        if !self.start.iter().all(|v| v.is_finite()) {
            return Some("start must be finite".into());
        }
        if !(self.size.is_finite() && self.size > 0.0) {
            return Some(format!(
                "size must be a finite positive number, got {}",
                self.size
            ));
        }
        None
    }
}

/// Why a stroke (or a frame) was refused. Each message is one sentence a visitor can read.
#[derive(Clone, Debug, PartialEq)]
pub enum StrokeError {
    /// The stroke has no points at all.
    NoPoints,
    /// The stroke is a single sample (a click, not a line).
    OnePoint,
    /// All samples are at the same place, so there is no path to resample.
    ZeroLength,
    /// A sample has a NaN or infinite coordinate or time.
    NotFinite { index: usize },
    /// More samples than [`MAX_POINTS`].
    TooManyPoints { count: usize },
    /// The coordinates are so large or so tiny that normalising them overflows.
    OutOfRange,
    /// The frame itself is unusable.
    BadFrame(String),
    /// `fit_frame` was given no letters.
    NoLetters,
}

impl fmt::Display for StrokeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StrokeError::NoPoints => write!(f, "The stroke has no points."),
            StrokeError::OnePoint => {
                write!(f, "The stroke has only one point; draw a line, not a dot.")
            }
            StrokeError::ZeroLength => write!(
                f,
                "All points of the stroke are at the same place, so it has no length."
            ),
            StrokeError::NotFinite { index } => write!(
                f,
                "Point {index} of the stroke has a NaN or infinite value."
            ),
            StrokeError::TooManyPoints { count } => write!(
                f,
                "The stroke has {count} points, more than the limit of {MAX_POINTS}."
            ),
            StrokeError::OutOfRange => write!(
                f,
                "The stroke's coordinates are too large or too small to normalise."
            ),
            StrokeError::BadFrame(why) => write!(f, "The model's frame is invalid: {why}."),
            StrokeError::NoLetters => write!(f, "There are no letters to fit a frame to."),
        }
    }
}

impl std::error::Error for StrokeError {}

/// Pointer samples `(x, y, t_ms)` in canvas pixels (y down) → `frame.length` points in the
/// model's frame (y up), starting at `frame.start`, with RMS radius `frame.size`.
///
/// Time is not used: samples are taken in the order given and resampled by arc length, because
/// drawing speed and pointer event rates vary from visitor to visitor and device to device,
/// while the font letters the model learns have no times at all. `t_ms` is still checked to be
/// finite (pass 0.0 where a stroke has no times).
pub fn to_frame(points: &[[f64; 3]], frame: &Frame) -> Result<Vec<[f64; 2]>, StrokeError> {
    frame.validate()?;
    let xy = check_points(points)?;
    let unit = normalise(&xy, frame.length)?;
    let letter: Vec<[f64; 2]> = unit
        .iter()
        .map(|p| {
            [
                frame.start[0] + frame.size * p[0],
                frame.start[1] + frame.size * p[1],
            ]
        })
        .collect();
    // A finite but huge frame (start or size near f64::MAX) would overflow to infinity here.
    if letter.iter().flatten().all(|v| v.is_finite()) {
        Ok(letter)
    } else {
        Err(StrokeError::OutOfRange)
    }
}

/// The strokes of one letter as one pen path: every pen lift is joined by the pen's travel, a
/// straight line from where one stroke ends to where the next begins, as the letters' generator
/// joins a font's subpaths (docs/data.md). [`to_frame`] resamples by arc length, so the joining
/// line gets points like the ink does. A stroke of one sample (the dot of an i) still counts:
/// the pen travels to it and on.
pub fn join_strokes(strokes: &[Vec<[f64; 3]>]) -> Vec<[f64; 3]> {
    strokes.concat()
}

/// Chooses the frame for a set of letters (raw strokes, as given to [`to_frame`]): the size
/// makes the set's overall spread match `spread` (one scalar for both axes, so it matches the
/// root of the summed variances: sqrt(sx² + sy²)), and the common start point makes the
/// normalised set's mean zero.
pub fn fit_frame(
    strokes: &[Vec<[f64; 3]>],
    length: usize,
    spread: [f64; 2],
) -> Result<Frame, StrokeError> {
    if strokes.is_empty() {
        return Err(StrokeError::NoLetters);
    }
    if !(spread.iter().all(|s| s.is_finite() && *s > 0.0)) {
        return Err(StrokeError::BadFrame(
            "the target spread must be finite and positive".into(),
        ));
    }
    // Map with a unit frame (start 0, size 1); the real frame is an affine map of that:
    // q = start + size * v, so mean(q) = start + size * mean(v) and std(q) = size * std(v).
    let unit = Frame {
        length,
        start: [0.0, 0.0],
        size: 1.0,
    };
    let mut all = Vec::with_capacity(strokes.len() * length);
    for stroke in strokes {
        all.extend(to_frame(stroke, &unit)?);
    }
    let mean = centroid(&all);
    let var = |axis: usize| {
        all.iter()
            .map(|p| (p[axis] - mean[axis]).powi(2))
            .sum::<f64>()
            / all.len() as f64
    };
    let unit_spread2 = var(0) + var(1);
    let size = ((spread[0].powi(2) + spread[1].powi(2)) / unit_spread2).sqrt();
    let frame = Frame {
        length,
        start: [-size * mean[0], -size * mean[1]],
        size,
    };
    frame.validate()?;
    Ok(frame)
}

/// Refuses degenerate input and drops the times: `(x, y, t)` → `(x, y)`.
fn check_points(points: &[[f64; 3]]) -> Result<Vec<[f64; 2]>, StrokeError> {
    // Count first, so a huge input is refused before it is scanned.
    match points.len() {
        0 => return Err(StrokeError::NoPoints),
        1 => return Err(StrokeError::OnePoint),
        n if n > MAX_POINTS => return Err(StrokeError::TooManyPoints { count: n }),
        _ => {}
    }
    if let Some(index) = points.iter().position(|p| !p.iter().all(|v| v.is_finite())) {
        return Err(StrokeError::NotFinite { index });
    }
    Ok(points.iter().map(|p| [p[0], p[1]]).collect())
}

/// Resampled, y flipped, first point at the origin, RMS radius about the centroid 1.
fn normalise(xy: &[[f64; 2]], length: usize) -> Result<Vec<[f64; 2]>, StrokeError> {
    let total = path_length(xy);
    if total == 0.0 {
        return Err(StrokeError::ZeroLength);
    }
    if !total.is_finite() {
        return Err(StrokeError::OutOfRange);
    }
    let flipped: Vec<[f64; 2]> = resample(xy, length).iter().map(|p| [p[0], -p[1]]).collect();
    // RMS distance from the centroid: uses every (evenly spaced) point, so one stray flick
    // moves it little, and it is one scalar for both axes, so an 'l' stays tall and thin
    // and an 'o' stays round.
    let c = centroid(&flipped);
    let rms = (flipped
        .iter()
        .map(|p| (p[0] - c[0]).powi(2) + (p[1] - c[1]).powi(2))
        .sum::<f64>()
        / flipped.len() as f64)
        .sqrt();
    let scale = 1.0 / rms;
    if !(rms > 0.0 && scale.is_finite()) {
        return Err(StrokeError::OutOfRange);
    }
    let first = flipped[0];
    let out: Vec<[f64; 2]> = flipped
        .iter()
        .map(|p| [(p[0] - first[0]) * scale, (p[1] - first[1]) * scale])
        .collect();
    if out.iter().flatten().all(|v| v.is_finite()) {
        Ok(out)
    } else {
        Err(StrokeError::OutOfRange)
    }
}

/// Total length of the polyline through `xy`.
fn path_length(xy: &[[f64; 2]]) -> f64 {
    xy.windows(2).map(|w| dist(w[0], w[1])).sum()
}

/// `n` points (n ≥ 2) evenly spaced along the polyline through `xy` (which has positive
/// length): the first and last samples are kept, and repeated samples cost nothing.
pub fn resample(xy: &[[f64; 2]], n: usize) -> Vec<[f64; 2]> {
    let total = path_length(xy);
    let step = total / (n - 1) as f64;
    let mut out = Vec::with_capacity(n);
    out.push(xy[0]);
    let mut seg = 0; // current segment xy[seg] → xy[seg + 1]
    let mut walked = 0.0; // arc length at xy[seg]
    for k in 1..n - 1 {
        let target = step * k as f64;
        // Advance to the segment containing `target` (the last one at most).
        while seg + 2 < xy.len() && walked + dist(xy[seg], xy[seg + 1]) < target {
            walked += dist(xy[seg], xy[seg + 1]);
            seg += 1;
        }
        let len = dist(xy[seg], xy[seg + 1]);
        let f = if len > 0.0 {
            ((target - walked) / len).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let (a, b) = (xy[seg], xy[seg + 1]);
        out.push([a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])]);
    }
    out.push(xy[xy.len() - 1]);
    out
}

fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

fn centroid(points: &[[f64; 2]]) -> [f64; 2] {
    let n = points.len() as f64;
    let sx: f64 = points.iter().map(|p| p[0]).sum();
    let sy: f64 = points.iter().map(|p| p[1]).sum();
    [sx / n, sy / n]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny deterministic generator for property-style loops (no extra crates).
    struct Lcg(u64);
    impl Lcg {
        /// Uniform in [0, 1).
        fn next(&mut self) -> f64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 11) as f64 / (1u64 << 53) as f64
        }
        fn range(&mut self, lo: f64, hi: f64) -> f64 {
            lo + (hi - lo) * self.next()
        }
    }

    fn frame() -> Frame {
        Frame {
            length: 60,
            start: [0.1, 0.5],
            size: 0.8,
        }
    }

    /// A cursive-'l'-like loop, sampled unevenly in space (as a pointer would), with times.
    fn loop_stroke(rng: &mut Lcg) -> Vec<[f64; 3]> {
        let mut t = 0.0;
        let mut u = 0.0;
        let mut pts = vec![];
        while u < 1.0 {
            let a = u * std::f64::consts::TAU;
            pts.push([30.0 * a.sin() + 40.0 * u, -80.0 * (a / 2.0).sin(), t]);
            u += rng.range(0.002, 0.03);
            t += rng.range(4.0, 20.0);
        }
        pts
    }

    fn max_diff(a: &[[f64; 2]], b: &[[f64; 2]]) -> f64 {
        a.iter()
            .zip(b)
            .flat_map(|(p, q)| [(p[0] - q[0]).abs(), (p[1] - q[1]).abs()])
            .fold(0.0, f64::max)
    }

    #[test]
    fn shifted_and_scaled_copies_agree() {
        let mut rng = Lcg(7);
        let f = frame();
        for _ in 0..200 {
            let base = loop_stroke(&mut rng);
            let reference = to_frame(&base, &f).unwrap();
            let (dx, dy) = (rng.range(-5000.0, 5000.0), rng.range(-5000.0, 5000.0));
            let s = 10f64.powf(rng.range(-2.0, 2.0));
            let dt = rng.range(0.0, 1e6);
            let copy: Vec<[f64; 3]> = base
                .iter()
                .map(|p| [s * p[0] + dx, s * p[1] + dy, p[2] * 2.0 + dt])
                .collect();
            let moved = to_frame(&copy, &f).unwrap();
            assert!(
                max_diff(&reference, &moved) < 1e-6,
                "shift/scale changed it"
            );
        }
    }

    #[test]
    fn result_is_in_the_frame() {
        let mut rng = Lcg(3);
        let f = frame();
        let out = to_frame(&loop_stroke(&mut rng), &f).unwrap();
        assert_eq!(out.len(), 60);
        assert_eq!(out[0], f.start);
        let c = centroid(&out);
        let rms = (out
            .iter()
            .map(|p| (p[0] - c[0]).powi(2) + (p[1] - c[1]).powi(2))
            .sum::<f64>()
            / 60.0)
            .sqrt();
        assert!((rms - f.size).abs() < 1e-12);
    }

    #[test]
    fn y_is_flipped_and_aspect_kept() {
        // A vertical line drawn downwards on the canvas goes down in the model too
        // (canvas y grows downwards, so the flip makes model y decrease).
        let pts = [[5.0, 10.0, 0.0], [5.0, 110.0, 1.0]];
        let out = to_frame(&pts, &frame()).unwrap();
        assert!(out[59][1] < out[0][1]);
        assert!((out[59][0] - out[0][0]).abs() < 1e-12);
        // An 'l'-like tall box keeps its aspect ratio: width / height unchanged.
        let tall = [
            [0.0, 0.0, 0.0],
            [10.0, 0.0, 0.0],
            [10.0, 100.0, 0.0],
            [0.0, 100.0, 0.0],
        ];
        let out = to_frame(&tall, &frame()).unwrap();
        let (w, h) = extent(&out);
        assert!((w / h - 0.1).abs() < 1e-9);
    }

    fn extent(p: &[[f64; 2]]) -> (f64, f64) {
        let xs = p.iter().map(|q| q[0]);
        let ys = p.iter().map(|q| q[1]);
        let w = xs.clone().fold(f64::MIN, f64::max) - xs.fold(f64::MAX, f64::min);
        let h = ys.clone().fold(f64::MIN, f64::max) - ys.fold(f64::MAX, f64::min);
        (w, h)
    }

    #[test]
    fn resampling_gives_length_points_evenly_spaced() {
        // A straight line sampled very unevenly, with repeated samples.
        let xy = [
            [0.0, 0.0],
            [0.5, 0.0],
            [0.5, 0.0],
            [7.0, 0.0],
            [7.2, 0.0],
            [10.0, 0.0],
        ];
        for n in [2, 3, 7, 60, 501] {
            let r = resample(&xy, n);
            assert_eq!(r.len(), n);
            let step = 10.0 / (n - 1) as f64;
            for (k, p) in r.iter().enumerate() {
                assert!((p[0] - step * k as f64).abs() < 1e-9 && p[1] == 0.0);
            }
        }
        // Along a polyline with corners: equal arc length between consecutive samples.
        let square = [[0.0, 0.0], [3.0, 0.0], [3.0, 3.0], [0.0, 3.0], [0.0, 0.0]];
        let r = resample(&square, 13); // 12 steps of 1.0 along a perimeter of 12
        for (k, p) in r.iter().enumerate() {
            let s = k as f64;
            let expect = match s {
                s if s <= 3.0 => [s, 0.0],
                s if s <= 6.0 => [3.0, s - 3.0],
                s if s <= 9.0 => [9.0 - s, 3.0],
                s => [0.0, 12.0 - s],
            };
            assert!(
                max_diff(&[*p], &[expect]) < 1e-9,
                "{k}: {p:?} vs {expect:?}"
            );
        }
        // to_frame gives exactly `length` points for any length.
        let pts: Vec<[f64; 3]> = square.iter().map(|p| [p[0], p[1], 0.0]).collect();
        for length in [3, 5, 60, 1000] {
            let f = Frame { length, ..frame() };
            assert_eq!(to_frame(&pts, &f).unwrap().len(), length);
        }
    }

    #[test]
    fn degenerate_strokes_are_refused() {
        let f = frame();
        let cases: Vec<(Vec<[f64; 3]>, StrokeError)> = vec![
            (vec![], StrokeError::NoPoints),
            (vec![[1.0, 2.0, 0.0]], StrokeError::OnePoint),
            (vec![[4.0, 4.0, 0.0]; 50], StrokeError::ZeroLength),
            (
                vec![[0.0, 0.0, 0.0], [f64::NAN, 1.0, 1.0]],
                StrokeError::NotFinite { index: 1 },
            ),
            (
                vec![[0.0, f64::INFINITY, 0.0], [1.0, 1.0, 1.0]],
                StrokeError::NotFinite { index: 0 },
            ),
            (
                vec![[0.0, 0.0, 0.0], [1.0, 1.0, f64::NEG_INFINITY]],
                StrokeError::NotFinite { index: 1 },
            ),
            (
                vec![[0.0, 0.0, 0.0]; MAX_POINTS + 1],
                StrokeError::TooManyPoints {
                    count: MAX_POINTS + 1,
                },
            ),
            (
                vec![[-1e308, 0.0, 0.0], [1e308, 0.0, 0.0]],
                StrokeError::OutOfRange,
            ),
            (
                vec![[0.0, 0.0, 0.0], [1e-320, 0.0, 0.0]],
                StrokeError::OutOfRange,
            ),
        ];
        for (pts, expected) in cases {
            let err = to_frame(&pts, &f).unwrap_err();
            assert_eq!(err, expected);
            let msg = err.to_string();
            assert!(msg.ends_with('.') && !msg.contains('\n'), "{msg}");
        }
        // Exactly MAX_POINTS is fine.
        let mut many = vec![[0.0, 0.0, 0.0]; MAX_POINTS];
        many[MAX_POINTS - 1] = [1.0, 1.0, 0.0];
        assert!(to_frame(&many, &f).is_ok());
    }

    #[test]
    fn bad_frames_are_refused() {
        let pts = [[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]];
        for bad in [
            Frame {
                length: 1,
                ..frame()
            },
            Frame {
                length: 0,
                ..frame()
            },
            Frame {
                size: 0.0,
                ..frame()
            },
            Frame {
                size: -1.0,
                ..frame()
            },
            Frame {
                size: f64::NAN,
                ..frame()
            },
            Frame {
                start: [f64::INFINITY, 0.0],
                ..frame()
            },
        ] {
            assert!(matches!(
                to_frame(&pts, &bad),
                Err(StrokeError::BadFrame(_))
            ));
        }
    }

    #[test]
    fn fitted_frame_gives_zero_mean_and_the_wanted_spread() {
        let mut rng = Lcg(11);
        let strokes: Vec<Vec<[f64; 3]>> = (0..20)
            .map(|i| {
                let s = loop_stroke(&mut rng);
                // vary shape a little from letter to letter
                s.iter()
                    .map(|p| [p[0] * (1.0 + 0.1 * i as f64), p[1], p[2]])
                    .collect()
            })
            .collect();
        let f = fit_frame(&strokes, 60, SEED_SPREAD).unwrap();
        let all: Vec<[f64; 2]> = strokes
            .iter()
            .flat_map(|s| to_frame(s, &f).unwrap())
            .collect();
        let m = centroid(&all);
        assert!(m[0].abs() < 1e-9 && m[1].abs() < 1e-9);
        let var: f64 = all
            .iter()
            .map(|p| (p[0] - m[0]).powi(2) + (p[1] - m[1]).powi(2))
            .sum::<f64>()
            / all.len() as f64;
        let want = SEED_SPREAD[0].powi(2) + SEED_SPREAD[1].powi(2);
        assert!((var - want).abs() < 1e-9);
        assert_eq!(fit_frame(&[], 60, SEED_SPREAD), Err(StrokeError::NoLetters));
    }

    #[test]
    fn frame_serde_form_is_stable() {
        let json = serde_json::to_string(&frame()).unwrap();
        assert_eq!(json, r#"{"length":60,"start":[0.1,0.5],"size":0.8}"#);
        let back: Frame = serde_json::from_str(&json).unwrap();
        assert_eq!(back, frame());
    }
}
