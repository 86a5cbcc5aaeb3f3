//! The chapter's pictures, as [`Chart`]s ready to save.

use support::plot::{Chart, LegendPosition, Marker, PALETTE, PointGroup, Series};

use crate::naive_mc::ErrorColumn;
use crate::two_models::TwoModels;

/// The training data, the generative model's one- and two-sigma contours and its samples, and
/// logistic regression's decision boundary.
pub fn two_models_chart(run: &TwoModels) -> Chart {
    let (xr, yr) = ((-4.5, 4.5), (-3.5, 6.0));
    let mut chart = Chart::new("One data set, two models", "x\u{2081}", "x\u{2082}")
        .size(560, 460)
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
        let line = Series::new("logistic regression", vec![p, q]).color(PALETTE[7]);
        chart = chart.with_line(line);
    }
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
