//! Simulated drawings: a letter trajectory (in the model's frame) redrawn as a visitor would
//! draw it with a mouse, a finger or a pen — pointer samples `(x, y, t_ms)` in canvas pixels.
//!
//! A drawing is the letter under a random pose (rotation, slant, aspect, height, place on the
//! canvas), traced by a hand that speeds up and slows down, sampled by pointer events at a
//! steady rate, each sample a pixel or so off. The ranges ([`Ranges::typical`]) are what mouse
//! and touch drawing on a page shows; they let us measure recall of drawn letters without
//! collecting real ones, and keep the measurement reproducible from a seed.

use std::f64::consts::TAU;

use serde::{Deserialize, Serialize};

use crate::data::formats::Stroke;
use crate::kernels::noise::Noise;

/// How far a drawing may differ from the letter. Every value is drawn uniformly in its range
/// (`±x` for a single number), independently per drawing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ranges {
    /// Rotation of the whole letter, degrees (positive: clockwise on the canvas).
    pub rotation_deg: f64,
    /// Slant: x shifted by `slant` × the height above the letter's centre (italic lean).
    pub slant: f64,
    /// Width scaled by this against the height (a wider or narrower hand).
    pub aspect: [f64; 2],
    /// Height of the drawn letter's bounding box, px (less where the letter would not fit
    /// on the canvas otherwise).
    pub height_px: [f64; 2],
    /// The canvas the letter is placed on (anywhere it fits wholly), px.
    pub canvas_px: [f64; 2],
    /// Mean pen speed along the path, px per second.
    pub speed_px_s: [f64; 2],
    /// How much the hand speeds up and slows down: 0 is a steady hand; 0.5 lets the speed
    /// range from about a quarter of its mean (at the ends and turns) to twice it.
    pub speed_variation: f64,
    /// Pointer event rate, Hz (browsers deliver moves once per frame: 60–120 Hz).
    pub rate_hz: [f64; 2],
    /// Relative wobble of each interval between events (frames are not perfectly regular).
    pub interval_jitter: f64,
    /// Pointer jitter: standard deviation of each sample's offset, px.
    pub jitter_px: [f64; 2],
}

impl Ranges {
    /// Mouse and touch drawing on a page: ±12° rotation, slant ±0.25, aspect 0.85–1.15,
    /// 150–400 px tall on an 800 × 600 canvas, 400–1500 px/s with the speed varying by a
    /// factor of up to ~9 along the stroke, 60–120 Hz events, 0.5–1.5 px jitter.
    pub fn typical() -> Ranges {
        Ranges {
            rotation_deg: 12.0,
            slant: 0.25,
            aspect: [0.85, 1.15],
            height_px: [150.0, 400.0],
            canvas_px: [800.0, 600.0],
            speed_px_s: [400.0, 1500.0],
            speed_variation: 0.5,
            rate_hz: [60.0, 120.0],
            interval_jitter: 0.1,
            jitter_px: [0.5, 1.5],
        }
    }

    /// No perturbation: the letter as it is, traced steadily and sampled densely, only moved
    /// and resized onto the canvas. Its drawings map back onto the letter itself. (Each range
    /// named again, as in `typical`, so that a preset reads as a table.)
    pub fn none() -> Ranges {
        Ranges {
            rotation_deg: 0.0,
            slant: 0.0,
            aspect: [1.0, 1.0],
            speed_px_s: [200.0, 200.0],
            speed_variation: 0.0,
            rate_hz: [120.0, 120.0],
            interval_jitter: 0.0,
            jitter_px: [0.0, 0.0],
            ..Ranges::typical()
        }
    }

    /// Checks that every range is ordered, finite and physically possible.
    pub fn check(&self) -> Result<(), String> {
        let spans = [
            ("aspect", self.aspect, 0.0),
            ("height_px", self.height_px, 0.0),
            ("speed_px_s", self.speed_px_s, 0.0),
            ("rate_hz", self.rate_hz, 0.0),
        ];
        for (name, [lo, hi], floor) in spans {
            if !(lo.is_finite() && hi.is_finite() && floor < lo && lo <= hi) {
                return Err(format!(
                    "the range {name} must be two positive numbers, low to high, not [{lo}, {hi}]"
                ));
            }
        }
        let [lo, hi] = self.jitter_px;
        if !(lo.is_finite() && hi.is_finite() && 0.0 <= lo && lo <= hi) {
            return Err(format!(
                "the range jitter_px must be two numbers from 0, low to high, not [{lo}, {hi}]"
            ));
        }
        let unit = [
            ("speed_variation", self.speed_variation),
            ("interval_jitter", self.interval_jitter),
        ];
        for (name, v) in unit {
            if !(v.is_finite() && (0.0..0.9).contains(&v)) {
                return Err(format!("{name} must be at least 0 and below 0.9, not {v}"));
            }
        }
        if !(self.rotation_deg.is_finite() && self.slant.is_finite())
            || self.canvas_px.iter().any(|v| !(v.is_finite() && *v > 0.0))
        {
            return Err("rotation, slant and canvas size must be finite numbers".into());
        }
        Ok(())
    }
}

/// The values one drawing was made with (each drawn from its [`Ranges`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pose {
    pub rotation_deg: f64,
    pub slant: f64,
    pub aspect: f64,
    pub height_px: f64,
    /// Centre of the letter's bounding box on the canvas, px.
    pub centre_px: [f64; 2],
    pub speed_px_s: f64,
    pub rate_hz: f64,
    pub jitter_px: f64,
}

/// `per_letter` drawings of every trajectory, in order (all drawings of trajectory 0, then
/// of trajectory 1, ...), labelled with its label, from one stream seeded by `seed`.
pub fn simulate_set(
    labels: &[String],
    trajectories: &[Vec<[f64; 2]>],
    per_letter: usize,
    ranges: &Ranges,
    seed: u64,
) -> Result<Vec<Stroke>, String> {
    let mut noise = Noise::new(seed);
    let mut strokes = Vec::with_capacity(trajectories.len() * per_letter);
    for (label, letter) in labels.iter().zip(trajectories) {
        for _ in 0..per_letter {
            let drawing = simulate(letter, ranges, &mut noise)
                .map_err(|why| format!("cannot draw a \"{label}\": {why}"))?;
            strokes.push(Stroke {
                label: Some(label.clone()),
                points: drawing.points,
            });
        }
    }
    Ok(strokes)
}

/// One simulated drawing: the pointer samples and the pose they were drawn with.
#[derive(Clone, Debug, PartialEq)]
pub struct Drawing {
    /// Pointer samples `(x, y, t_ms)`, canvas pixels, y down, t from 0.
    pub points: Vec<[f64; 3]>,
    pub pose: Pose,
}

/// Draws `letter` (points in the model's frame, y up, ≥ 2 points, positive length) once.
pub fn simulate(
    letter: &[[f64; 2]],
    ranges: &Ranges,
    noise: &mut Noise,
) -> Result<Drawing, String> {
    ranges.check()?;
    check_letter(letter)?;
    let mut pose = Pose {
        rotation_deg: within(noise, ranges.rotation_deg),
        slant: within(noise, ranges.slant),
        aspect: between(noise, ranges.aspect),
        height_px: between(noise, ranges.height_px),
        centre_px: [0.0, 0.0],
        speed_px_s: between(noise, ranges.speed_px_s),
        rate_hz: between(noise, ranges.rate_hz),
        jitter_px: between(noise, ranges.jitter_px),
    };
    let shape = shaped(letter, &pose);
    let (placed, height, centre) = place(&shape, pose.height_px, ranges.canvas_px, noise);
    (pose.height_px, pose.centre_px) = (height, centre);
    let hand = Hand::new(ranges.speed_variation, noise);
    let mut points = trace(&placed, &pose, &hand, ranges.interval_jitter, noise);
    for p in &mut points {
        p[0] += pose.jitter_px * noise.normal();
        p[1] += pose.jitter_px * noise.normal();
    }
    Ok(Drawing { points, pose })
}

fn check_letter(letter: &[[f64; 2]]) -> Result<(), String> {
    if letter.len() < 2 {
        return Err("a letter to draw needs at least 2 points".into());
    }
    if letter.iter().flatten().any(|v| !v.is_finite()) {
        return Err("the letter to draw has a value that is not a finite number".into());
    }
    if path_length(letter) == 0.0 {
        return Err("the letter to draw has no length".into());
    }
    Ok(())
}

/// A uniform number in (0, 1]. `Noise` gives normals; the angle of a pair of independent
/// standard normals is uniform on the circle, so it turns two of them into one uniform.
pub(crate) fn uniform(noise: &mut Noise) -> f64 {
    let (a, b) = (noise.normal(), noise.normal());
    b.atan2(a) / TAU + 0.5
}

pub(crate) fn between(noise: &mut Noise, [lo, hi]: [f64; 2]) -> f64 {
    lo + (hi - lo) * uniform(noise)
}

fn within(noise: &mut Noise, max: f64) -> f64 {
    between(noise, [-max, max])
}

/// The letter in canvas orientation (y down), centred on its bounding box, with the pose's
/// aspect, slant and rotation applied (in that order: a hand's shape, its lean, the page's tilt).
fn shaped(letter: &[[f64; 2]], pose: &Pose) -> Vec<[f64; 2]> {
    let centre = bbox_centre(letter);
    let (sin, cos) = pose.rotation_deg.to_radians().sin_cos();
    letter
        .iter()
        .map(|p| {
            let (x, y) = (p[0] - centre[0], -(p[1] - centre[1]));
            let x = pose.aspect * x - pose.slant * y; // y down: up is -y, so lean right is -y
            [cos * x - sin * y, sin * x + cos * y]
        })
        .collect()
}

/// Scales the shape to `height_px` tall (less if it would not fit on the canvas: a visitor
/// keeps the letter on the pad) and puts it anywhere on the canvas where it fits. Returns the
/// placed points, the height used and the bounding box's centre.
fn place(
    shape: &[[f64; 2]],
    height_px: f64,
    canvas: [f64; 2],
    noise: &mut Noise,
) -> (Vec<[f64; 2]>, f64, [f64; 2]) {
    let (lo, hi) = bbox(shape);
    let size = [hi[0] - lo[0], hi[1] - lo[1]];
    // A flat stroke (a horizontal line) has no height; size it by its width instead.
    let wanted = height_px / if size[1] > 0.0 { size[1] } else { size[0] };
    let fits = [0, 1]
        .iter()
        .filter(|&&d| size[d] > 0.0)
        .map(|&d| canvas[d] / size[d])
        .fold(f64::INFINITY, f64::min);
    let scale = wanted.min(fits);
    let centre = [0, 1].map(|d| {
        let free = (canvas[d] - size[d] * scale).max(0.0);
        size[d] * scale / 2.0 + free * uniform(noise)
    });
    let mid = [(lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0];
    let placed = shape
        .iter()
        .map(|p| [0, 1].map(|d| centre[d] + scale * (p[d] - mid[d])))
        .collect();
    (placed, size[1] * scale, centre)
}

/// The hand's speed along the stroke, relative to its mean: slow at the start and the end,
/// fastest in the middle, with a few random surges and hesitations in between.
struct Hand {
    ends: f64,
    surge: f64,
    cycles: f64,
    phase: f64,
}

impl Hand {
    fn new(variation: f64, noise: &mut Noise) -> Hand {
        Hand {
            ends: variation * uniform(noise),
            surge: variation * uniform(noise),
            cycles: between(noise, [1.5, 4.0]),
            phase: TAU * uniform(noise),
        }
    }

    /// Relative speed at fraction `s` of the path's length (always > 0: each factor ≥ 0.1).
    fn speed(&self, s: f64) -> f64 {
        (1.0 - self.ends * (TAU * s).cos())
            * (1.0 + self.surge * (TAU * self.cycles * s + self.phase).sin())
    }
}

/// Traces the polyline with the hand and samples it with pointer events: a sample at the
/// start, one per event interval, and the last point at pen-up.
fn trace(
    path: &[[f64; 2]],
    pose: &Pose,
    hand: &Hand,
    interval_jitter: f64,
    noise: &mut Noise,
) -> Vec<[f64; 3]> {
    let length = path_length(path);
    let times = arrival_times(hand, length / pose.speed_px_s * 1000.0);
    let total_ms = times[times.len() - 1];
    let interval = 1000.0 / pose.rate_hz;
    let mut points = vec![[path[0][0], path[0][1], 0.0]];
    let mut t = 0.0;
    loop {
        t += interval * (1.0 + interval_jitter * (2.0 * uniform(noise) - 1.0));
        if t >= total_ms {
            break;
        }
        let s = fraction_at(&times, t);
        let p = point_at(path, s * length);
        points.push([p[0], p[1], t]);
    }
    let end = path[path.len() - 1];
    points.push([end[0], end[1], total_ms]);
    points
}

/// Steps along the path (as a fraction of its length).
const FINE: usize = 2000;

/// Time (ms) at which the hand reaches each of `FINE + 1` evenly spaced fractions of the
/// path, scaled so the mean speed is the pose's (the whole stroke takes `steady_ms` × the
/// mean of 1/speed, normalised out so that `steady_ms` is the duration).
fn arrival_times(hand: &Hand, steady_ms: f64) -> Vec<f64> {
    let mut times = Vec::with_capacity(FINE + 1);
    times.push(0.0);
    let mut t = 0.0;
    for k in 0..FINE {
        let mid = (k as f64 + 0.5) / FINE as f64;
        t += 1.0 / hand.speed(mid);
        times.push(t);
    }
    let scale = steady_ms / t;
    times.iter_mut().for_each(|x| *x *= scale);
    times
}

/// The fraction of the path reached at time `t` (linear between the fine steps).
fn fraction_at(times: &[f64], t: f64) -> f64 {
    let k = times.partition_point(|&x| x <= t).clamp(1, times.len() - 1);
    let (a, b) = (times[k - 1], times[k]);
    let f = if b > a { (t - a) / (b - a) } else { 0.0 };
    ((k - 1) as f64 + f.clamp(0.0, 1.0)) / (times.len() - 1) as f64
}

/// The point at arc length `s` along the polyline.
fn point_at(path: &[[f64; 2]], s: f64) -> [f64; 2] {
    let mut walked = 0.0;
    for w in path.windows(2) {
        let len = dist(w[0], w[1]);
        if walked + len >= s && len > 0.0 {
            let f = ((s - walked) / len).clamp(0.0, 1.0);
            return [
                w[0][0] + f * (w[1][0] - w[0][0]),
                w[0][1] + f * (w[1][1] - w[0][1]),
            ];
        }
        walked += len;
    }
    path[path.len() - 1]
}

fn path_length(path: &[[f64; 2]]) -> f64 {
    path.windows(2).map(|w| dist(w[0], w[1])).sum()
}

fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

fn bbox(points: &[[f64; 2]]) -> ([f64; 2], [f64; 2]) {
    let mut lo = [f64::INFINITY; 2];
    let mut hi = [f64::NEG_INFINITY; 2];
    for p in points {
        for d in 0..2 {
            lo[d] = lo[d].min(p[d]);
            hi[d] = hi[d].max(p[d]);
        }
    }
    (lo, hi)
}

fn bbox_centre(points: &[[f64; 2]]) -> [f64; 2] {
    let (lo, hi) = bbox(points);
    [(lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    /// Three quarters of a circle drawn while moving right: a letter without a data set.
    fn arc(points: usize) -> Vec<[f64; 2]> {
        (0..points)
            .map(|k| {
                let a = 1.5 * PI * k as f64 / (points - 1) as f64;
                [a.cos() + 0.3 * a, a.sin()]
            })
            .collect()
    }

    #[test]
    fn uniform_is_uniform() {
        let mut noise = Noise::new(5);
        let xs: Vec<f64> = (0..40_000).map(|_| uniform(&mut noise)).collect();
        assert!(xs.iter().all(|&x| x > 0.0 && x <= 1.0));
        for decile in 0..10 {
            let lo = decile as f64 / 10.0;
            let share = xs.iter().filter(|&&x| x > lo && x <= lo + 0.1).count() as f64 / 4e4;
            assert!((share - 0.1).abs() < 0.01, "decile {decile}: {share}");
        }
    }

    #[test]
    fn speed_is_positive_and_varies_as_stated() {
        let mut noise = Noise::new(1);
        for _ in 0..100 {
            let hand = Hand::new(0.5, &mut noise);
            let v: Vec<f64> = (0..=100).map(|k| hand.speed(k as f64 / 100.0)).collect();
            assert!(v.iter().all(|&x| (0.24..=2.26).contains(&x)), "{v:?}");
        }
        let steady = Hand::new(0.0, &mut noise);
        assert!((0..=10).all(|k| steady.speed(k as f64 / 10.0) == 1.0));
    }

    #[test]
    fn times_increase_and_samples_follow_the_rate() {
        let mut noise = Noise::new(2);
        let ranges = Ranges::typical();
        for _ in 0..50 {
            let d = simulate(&arc(60), &ranges, &mut noise).unwrap();
            let gaps: Vec<f64> = d.points.windows(2).map(|w| w[1][2] - w[0][2]).collect();
            let interval = 1000.0 / d.pose.rate_hz;
            // Every gap is one (wobbly) frame, but the last one, which ends at pen-up.
            let (last, frames) = gaps.split_last().unwrap();
            assert!(
                frames
                    .iter()
                    .all(|g| (g - interval).abs() <= 0.1 * interval + 1e-9)
            );
            assert!(*last > 0.0 && *last <= 1.1 * interval);
        }
    }

    #[test]
    fn bad_letters_and_ranges_are_refused() {
        let mut noise = Noise::new(0);
        let r = Ranges::typical();
        assert!(simulate(&[[0.0, 0.0]], &r, &mut noise).is_err());
        assert!(simulate(&[[1.0, 1.0]; 5], &r, &mut noise).is_err());
        assert!(simulate(&[[0.0, 0.0], [f64::NAN, 1.0]], &r, &mut noise).is_err());
        let bad = Ranges {
            height_px: [400.0, 150.0],
            ..Ranges::typical()
        };
        assert!(simulate(&arc(10), &bad, &mut noise).is_err());
        let bad = Ranges {
            speed_variation: 1.0,
            ..Ranges::typical()
        };
        assert!(simulate(&arc(10), &bad, &mut noise).is_err());
    }
}
