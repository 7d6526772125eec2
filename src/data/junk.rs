//! Strokes that are no letter, as a visitor might draw them to test the page: dots, scribbles,
//! straight lines, circles and random walks, as pointer samples `(x, y, t_ms)` on an 800 × 600
//! canvas (y down), seeded. Recall must answer them with "none of the letters I know"; they
//! calibrate and test that (docs/tuning.md, "Knowing when it does not know").

use std::f64::consts::TAU;

use crate::data::formats::Stroke;
use crate::data::simulate::{between, uniform};
use crate::kernels::noise::Noise;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Junk {
    /// A tap: a few samples within a pixel of one place.
    Dot,
    /// Crossing something out: a zigzag left and right across a box, moving down.
    Scribble,
    /// A straight line at any angle.
    Line,
    /// A circle, a little more than one turn, either way round.
    Circle,
    /// A pen wandering at random (Gaussian steps).
    RandomWalk,
}

impl Junk {
    pub const ALL: [Junk; 5] = [
        Junk::Dot,
        Junk::Scribble,
        Junk::Line,
        Junk::Circle,
        Junk::RandomWalk,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Junk::Dot => "dot",
            Junk::Scribble => "scribble",
            Junk::Line => "line",
            Junk::Circle => "circle",
            Junk::RandomWalk => "random walk",
        }
    }
}

const CANVAS: [f64; 2] = [800.0, 600.0];
/// Pointer events every 1/60 s, a sample every few pixels at a moderate pen speed.
const FRAME_MS: f64 = 1000.0 / 60.0;
const STEP_PX: f64 = 12.0;

/// `per_kind` strokes of every kind, kind by kind (in [`Junk::ALL`] order), labelled with the
/// kind's name, from one stream seeded by `seed`.
pub fn junk_set(per_kind: usize, seed: u64) -> Vec<Stroke> {
    let mut noise = Noise::new(seed);
    let mut strokes = Vec::with_capacity(per_kind * Junk::ALL.len());
    for kind in Junk::ALL {
        for _ in 0..per_kind {
            strokes.push(Stroke {
                label: Some(kind.name().to_string()),
                points: junk(kind, &mut noise),
            });
        }
    }
    strokes
}

/// One stroke of `kind`: pointer samples, timed one frame apart.
pub fn junk(kind: Junk, noise: &mut Noise) -> Vec<[f64; 3]> {
    let centre = [
        between(noise, [200.0, CANVAS[0] - 200.0]),
        between(noise, [150.0, CANVAS[1] - 150.0]),
    ];
    let path = match kind {
        Junk::Dot => {
            let n = 3 + (4.0 * uniform(noise)) as usize;
            (0..n)
                .map(|_| {
                    [
                        centre[0] + between(noise, [-0.5, 0.5]),
                        centre[1] + between(noise, [-0.5, 0.5]),
                    ]
                })
                .collect()
        }
        Junk::Scribble => {
            let (width, height) = (between(noise, [80.0, 300.0]), between(noise, [40.0, 200.0]));
            let strokes = 6 + (10.0 * uniform(noise)) as usize;
            let corners: Vec<[f64; 2]> = (0..=strokes)
                .map(|k| {
                    let side = if k % 2 == 0 { -0.5 } else { 0.5 };
                    [
                        centre[0] + width * (side + between(noise, [-0.1, 0.1])),
                        centre[1] + height * (k as f64 / strokes as f64 - 0.5),
                    ]
                })
                .collect();
            densify(&corners)
        }
        Junk::Line => {
            let (length, angle) = (between(noise, [60.0, 400.0]), TAU * uniform(noise));
            let half = [0.5 * length * angle.cos(), 0.5 * length * angle.sin()];
            densify(&[
                [centre[0] - half[0], centre[1] - half[1]],
                [centre[0] + half[0], centre[1] + half[1]],
            ])
        }
        Junk::Circle => {
            let radius = between(noise, [40.0, 140.0]);
            let (start, turns) = (TAU * uniform(noise), between(noise, [1.0, 1.15]));
            let way = if uniform(noise) < 0.5 { -1.0 } else { 1.0 };
            let n = (TAU * radius * turns / STEP_PX).ceil() as usize;
            (0..=n)
                .map(|k| {
                    let a = start + way * TAU * turns * k as f64 / n as f64;
                    [centre[0] + radius * a.cos(), centre[1] + radius * a.sin()]
                })
                .collect()
        }
        Junk::RandomWalk => {
            let n = 30 + (90.0 * uniform(noise)) as usize;
            let mut at = centre;
            let mut path = vec![at];
            for _ in 0..n {
                at = [
                    (at[0] + STEP_PX * noise.normal()).clamp(0.0, CANVAS[0]),
                    (at[1] + STEP_PX * noise.normal()).clamp(0.0, CANVAS[1]),
                ];
                path.push(at);
            }
            path
        }
    };
    path.iter()
        .enumerate()
        .map(|(k, p)| [p[0], p[1], k as f64 * FRAME_MS])
        .collect()
}

/// The polyline through `corners` with a point every [`STEP_PX`] or so along each segment.
fn densify(corners: &[[f64; 2]]) -> Vec<[f64; 2]> {
    let mut path = vec![corners[0]];
    for pair in corners.windows(2) {
        let [a, b] = [pair[0], pair[1]];
        let length = (b[0] - a[0]).hypot(b[1] - a[1]);
        let n = (length / STEP_PX).ceil().max(1.0) as usize;
        for k in 1..=n {
            let s = k as f64 / n as f64;
            path.push([a[0] + s * (b[0] - a[0]), a[1] + s * (b[1] - a[1])]);
        }
    }
    path
}
