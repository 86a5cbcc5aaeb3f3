//! The chapter's pictures, as [`Chart`]s ready to save.

use support::plot::{Chart, LegendPosition, Marker, PALETTE, PointGroup, Series};

use crate::naive_mc::ErrorColumn;
use crate::two_models::{ODD_POINT, TwoModels};

/// The training data, the generative model's one- and two-sigma contours and its samples, and
/// logistic regression's decision boundary.
pub fn two_models_chart(run: &TwoModels) -> Chart {
    // Wide enough for the odd point (6, 6) that the text scores.
    let (xr, yr) = ((-4.5, 7.0), (-3.5, 7.0));
    let mut chart = Chart::new("One data set, two models", "x\u{2081}", "x\u{2082}")
        .size(600, 540)
        .ranges(xr, yr)
        .legend(LegendPosition::UpperLeft);
    for (c, gaussian) in run.gaussians.classes.iter().enumerate() {
        let label = format!("fit, class {c} (1\u{3c3}, 2\u{3c3})");
        for (radius, label) in [(1.0, label), (2.0, String::new())] {
            let ring = Series::new(label, gaussian.contour(radius, 120))
                .color(PALETTE[c])
                .stroke(1, radius > 1.0);
            chart = chart.with_line(ring);
        }
    }
    if let Some([p, q]) = run.logistic.boundary(xr, yr) {
        let line = Series::new("logistic regression's boundary", vec![p, q]).color(PALETTE[7]);
        chart = chart.with_line(line);
    }
    let curve = boundary_points(|x, y| run.gaussians.log_odds(x, y), xr, yr, 400);
    chart = chart.with_points(
        PointGroup::new("the Gaussians' boundary", curve)
            .color(PALETTE[4])
            .marker(Marker::Dot, 1),
    );
    chart = chart.with_points(
        PointGroup::new("x = (6, 6)", vec![(ODD_POINT[0], ODD_POINT[1])])
            .color(PALETTE[3])
            .marker(Marker::Cross, 6),
    );
    for (c, &color) in PALETTE[..2].iter().enumerate() {
        let data = run.train.pairs_of_class(c);
        let sampled = run.sampled.pairs_of_class(c);
        chart = chart
            .with_points(
                PointGroup::new(format!("data, class {c}"), data)
                    .color(color)
                    .marker(Marker::Dot, 2),
            )
            .with_points(
                PointGroup::new(format!("sampled, class {c}"), sampled)
                    .color(color)
                    .marker(Marker::Cross, 3),
            );
    }
    chart
}

/// Points on the curve where `f` changes sign, found along every row and every column of an
/// `n` by `n` grid over the ranges and placed by linear interpolation: drawn as small dots,
/// they trace the curve whatever its shape (the generative model's boundary is a conic).
pub fn boundary_points(
    f: impl Fn(f64, f64) -> f64,
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
    n: usize,
) -> Vec<(f64, f64)> {
    let at = |lo: f64, hi: f64, i: usize| lo + (hi - lo) * i as f64 / (n - 1) as f64;
    let crossing = |a: f64, b: f64| (a != b && a * b <= 0.0).then(|| a / (a - b));
    let mut points = Vec::new();
    for i in 0..n {
        let (x, y) = (at(x0, x1, i), at(y0, y1, i));
        for j in 0..n - 1 {
            let (ya, yb) = (at(y0, y1, j), at(y0, y1, j + 1));
            if let Some(s) = crossing(f(x, ya), f(x, yb)) {
                points.push((x, ya + s * (yb - ya)));
            }
            let (xa, xb) = (at(x0, x1, j), at(x0, x1, j + 1));
            if let Some(s) = crossing(f(xa, y), f(xb, y)) {
                points.push((xa + s * (xb - xa), y));
            }
        }
    }
    points
}

/// The naive estimator's relative error against the number of prior draws, both on log10
/// scales: measured (dots) and predicted by the variance formula (dashed), one colour per model.
pub fn naive_error_chart(columns: &[ErrorColumn]) -> Chart {
    let mut chart = Chart::new(
        "Error of naive Monte Carlo: measured (dots), theory (dashes)",
        "log\u{2081}\u{2080} N (draws from the prior)",
        "log\u{2081}\u{2080} relative error",
    )
    .size(560, 400)
    .legend(LegendPosition::LowerLeft);
    for (i, column) in columns.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        let log10 = |n: usize, e: f64| ((n as f64).log10(), e.log10());
        let measured = column
            .rows
            .iter()
            .map(|r| log10(r.samples, r.rms_relative_error))
            .collect();
        let predicted = column
            .rows
            .iter()
            .map(|r| log10(r.samples, r.predicted_relative_error))
            .collect();
        let label = format!("D = {}, k = {}", column.data_dim, column.latent_dim);
        chart = chart
            .with_line(Series::new("", predicted).color(color).stroke(1, true))
            .with_points(
                PointGroup::new(label, measured)
                    .color(color)
                    .marker(Marker::Dot, 4),
            );
    }
    chart
}
