//! The figures as SVG, drawn with plotters: the loss curve, the letters a model writes over the
//! letters it learned, the map of its causes, and the paths of a recall's starts on that map.
//! Each function returns the SVG text; `figures.rs` decides what to draw and where it goes.

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

type Trajectory = Vec<[f64; 2]>;

const LEARNED: RGBColor = RGBColor(170, 170, 170);
const WRITTEN: RGBColor = RGBColor(31, 119, 180);
/// One colour per start of a recall (cycled past ten): the category-10 palette.
const STARTS: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

fn text(e: impl std::fmt::Display) -> String {
    format!("cannot draw the figure: {e}")
}

/// Draws into an SVG of `size` pixels and returns its text.
fn svg(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<(), String>,
) -> Result<String, String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
        root.fill(&WHITE).map_err(text)?;
        draw(&root)?;
        root.present().map_err(text)?;
    }
    Ok(out)
}

/// The loss of every training iteration, on a log scale (all losses must be positive).
pub fn loss_curve(losses: &[f64]) -> Result<String, String> {
    let lo = losses.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = losses.iter().copied().fold(0.0, f64::max);
    svg((800, 500), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption("Training loss", ("sans-serif", 22))
            .margin(15)
            .x_label_area_size(45)
            .y_label_area_size(70)
            .build_cartesian_2d(
                1.0..losses.len().max(2) as f64,
                (lo * 0.9..hi * 1.1).log_scale(),
            )
            .map_err(text)?;
        chart
            .configure_mesh()
            .x_desc("iteration")
            .y_desc("loss (log scale)")
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| format!("{y:.3}"))
            .draw()
            .map_err(text)?;
        let points = losses.iter().enumerate().map(|(i, &l)| ((i + 1) as f64, l));
        chart
            .draw_series(LineSeries::new(points, WRITTEN.stroke_width(2)))
            .map_err(text)?;
        Ok(())
    })
}

/// The box around every point of `sets`, squared up and padded, so that letters keep their
/// shape and the same scale in every panel.
fn square_box<'a>(sets: impl Iterator<Item = &'a [f64; 2]>) -> ([f64; 2], [f64; 2]) {
    let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for p in sets {
        for d in 0..2 {
            lo[d] = lo[d].min(p[d]);
            hi[d] = hi[d].max(p[d]);
        }
    }
    if !(lo[0].is_finite() && hi[0].is_finite()) {
        return ([-1.0, -1.0], [1.0, 1.0]);
    }
    let half = 0.55 * (hi[0] - lo[0]).max(hi[1] - lo[1]).max(1e-9);
    let centre = [0.5 * (lo[0] + hi[0]), 0.5 * (lo[1] + hi[1])];
    (
        [centre[0] - half, centre[1] - half],
        [centre[0] + half, centre[1] + half],
    )
}

/// One small panel per letter: the learned letter in grey, what the model writes from its
/// memory over it in blue, the label as the panel's caption.
pub fn letters(
    labels: &[String],
    learned: &[Trajectory],
    written: &[Trajectory],
) -> Result<String, String> {
    let cols = labels.len().clamp(1, 5);
    let rows = labels.len().div_ceil(cols).max(1);
    let (lo, hi) = square_box(learned.iter().chain(written).flatten());
    svg((160 * cols as u32, 160 * rows as u32 + 40), |root| {
        let (title, grid) = root.split_vertically(40);
        title
            .titled(
                "Grey: the letter learned. Blue: what its memory writes.",
                ("sans-serif", 18),
            )
            .map_err(text)?;
        let panels = grid.split_evenly((rows, cols));
        for ((panel, label), (learned, written)) in
            panels.iter().zip(labels).zip(learned.iter().zip(written))
        {
            let mut chart = ChartBuilder::on(panel)
                .caption(label, ("sans-serif", 18))
                .margin(6)
                .build_cartesian_2d(lo[0]..hi[0], lo[1]..hi[1])
                .map_err(text)?;
            for (trajectory, style) in [
                (learned, LEARNED.stroke_width(3)),
                (written, WRITTEN.stroke_width(2)),
            ] {
                chart
                    .draw_series(LineSeries::new(
                        trajectory.iter().map(|p| (p[0], p[1])),
                        style,
                    ))
                    .map_err(text)?;
            }
        }
        Ok(())
    })
}

/// A point's place on the map: its first two dimensions (a one-dimensional cause on a line).
fn on_map(point: &[f64]) -> (f64, f64) {
    (
        point.first().copied().unwrap_or(0.0),
        point.get(1).copied().unwrap_or(0.0),
    )
}

/// A chart of the cause space around the memories and `points`, with its axes.
fn map_chart<'a, 'b>(
    root: &'a DrawingArea<SVGBackend<'b>, Shift>,
    caption: &str,
    memories: &[Vec<f64>],
    points: &[[f64; 2]],
) -> Result<MapChart<'a, 'b>, String> {
    let placed: Vec<[f64; 2]> = memories
        .iter()
        .map(|m| {
            let (x, y) = on_map(m);
            [x, y]
        })
        .chain(points.iter().copied())
        .collect();
    let (lo, hi) = square_box(placed.iter());
    let mut chart = ChartBuilder::on(root)
        .caption(caption, ("sans-serif", 20))
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(lo[0]..hi[0], lo[1]..hi[1])
        .map_err(text)?;
    chart
        .configure_mesh()
        .x_desc("cause, dimension 1")
        .y_desc("cause, dimension 2")
        .disable_mesh()
        .x_label_formatter(&|x| format!("{x:.1}"))
        .y_label_formatter(&|y| format!("{y:.1}"))
        .draw()
        .map_err(text)?;
    Ok(chart)
}

type MapChart<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The memories as labelled dots (drawn last, so that paths do not hide them).
fn draw_memories(
    chart: &mut MapChart,
    memories: &[Vec<f64>],
    labels: &[String],
) -> Result<(), String> {
    chart
        .draw_series(memories.iter().zip(labels).map(|(m, label)| {
            EmptyElement::at(on_map(m))
                + Circle::new((0, 0), 4, BLACK.filled())
                + Text::new(label.clone(), (6, -16), ("sans-serif", 16))
        }))
        .map_err(text)?;
    Ok(())
}

/// The map of causes: every memory at its cause, with its label.
pub fn cause_map(memories: &[Vec<f64>], labels: &[String], dims: usize) -> Result<String, String> {
    let caption = if dims > 2 {
        format!("The memories (first 2 of {dims} cause dimensions)")
    } else {
        "The memories: one learned cause per letter".to_string()
    };
    svg((700, 700), |root| {
        let mut chart = map_chart(root, &caption, memories, &[])?;
        draw_memories(&mut chart, memories, labels)
    })
}

/// A recall on the map: each start's path from where it began (a ring) to where it ended (a
/// dot), over the memories.
pub fn recall_paths(
    caption: &str,
    memories: &[Vec<f64>],
    labels: &[String],
    paths: &[Vec<Vec<f64>>],
) -> Result<String, String> {
    let points: Vec<[f64; 2]> = paths
        .iter()
        .flatten()
        .map(|p| {
            let (x, y) = on_map(p);
            [x, y]
        })
        .collect();
    svg((700, 700), |root| {
        let mut chart = map_chart(root, caption, memories, &points)?;
        for (k, path) in paths.iter().enumerate() {
            let colour = STARTS[k % STARTS.len()];
            chart
                .draw_series(LineSeries::new(
                    path.iter().map(|p| on_map(p)),
                    colour.stroke_width(2),
                ))
                .map_err(text)?
                .label(format!("start {k}"))
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], colour));
            let ends = [path.first(), path.last()];
            if let [Some(first), Some(last)] = ends {
                chart
                    .draw_series([
                        Circle::new(on_map(first), 5, colour.stroke_width(2)),
                        Circle::new(on_map(last), 5, colour.filled()),
                    ])
                    .map_err(text)?;
            }
        }
        draw_memories(&mut chart, memories, labels)?;
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
            .map_err(text)?;
        Ok(())
    })
}
