//! The rate–distortion plane in the style of Alemi et al. (2018, figure 1): each model a point
//! at its rate `R` (horizontal) and distortion `D` (vertical), and the lines `R + D = c` on
//! which every model has the same ELBO, `-c`. Models on one line share the ELBO however
//! differently they split it.

use std::path::Path;

use anyhow::Result;
use support::plot::{Chart, LegendPosition, Marker, PALETTE, PointGroup, Rgb, Series};

use crate::results::Row;

/// The spacing of the ELBO's isolines, in nats.
pub const ISOLINE_STEP: f64 = 10.0;

// ANCHOR: plane
/// Draws `rows` on the (R, D) plane with the isolines `R + D = c` every [`ISOLINE_STEP`] nats,
/// the plain decoder's models as dots, the autoregressive decoder's as crosses.
pub fn plane(rows: &[Row], path: &Path) -> Result<()> {
    let r_max = rows.iter().map(|r| r.rate).fold(1.0, f64::max) * 1.1;
    let d_lo = rows
        .iter()
        .map(|r| r.distortion)
        .fold(f64::INFINITY, f64::min);
    let d_hi = rows
        .iter()
        .map(|r| r.distortion)
        .fold(f64::NEG_INFINITY, f64::max);
    let (y0, y1) = ((d_lo - 5.0).max(0.0), d_hi + 5.0);
    let mut chart = Chart::new(
        "Rate and distortion on the test images",
        "rate R (nats)",
        "distortion D (nats)",
    )
    .size(720, 520)
    .ranges((0.0, r_max), (y0, y1))
    .legend(LegendPosition::UpperRight);
    // Every isoline crossing the visible box, cut to the box (a chart clamps, not clips, the
    // points outside its ranges, which would bend the lines).
    let mut c = (y0 / ISOLINE_STEP).ceil() * ISOLINE_STEP;
    let mut first = true;
    while c <= r_max + y1 {
        let (from, to) = ((c - y1).max(0.0), (c - y0).min(r_max));
        if from < to {
            let label = if first {
                "R + D = const (ELBO isolines)"
            } else {
                ""
            };
            chart = chart.with_line(
                Series::new(label, vec![(from, c - from), (to, c - to)])
                    .color(Rgb(190, 190, 190))
                    .stroke(1, true),
            );
            first = false;
        }
        c += ISOLINE_STEP;
    }
    for (i, r) in rows.iter().enumerate() {
        let marker = if r.decoder == "autoregressive" {
            Marker::Cross
        } else {
            Marker::Dot
        };
        chart = chart.with_points(
            PointGroup::new(r.run.clone(), vec![(r.rate, r.distortion)])
                .color(PALETTE[i % PALETTE.len()])
                .marker(marker, 5),
        );
    }
    chart.save_png(path)?;
    Ok(())
}
// ANCHOR_END: plane

/// One line of a `progress-*.csv` file.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct PassRow {
    pub pass: usize,
    pub distortion: f64,
    pub rate: f64,
    pub seconds: f64,
}

// ANCHOR: curves
/// Draws each model's training rate, pass by pass, from `(name, rows)`: how fast each recipe's
/// code grows or shrinks while the decoder learns.
pub fn rate_curves(models: &[(String, Vec<PassRow>)], path: &Path) -> Result<()> {
    let mut chart = Chart::new(
        "Rate during training (averaged over each pass's batches)",
        "pass",
        "rate R (nats)",
    )
    .size(720, 420)
    .legend(LegendPosition::UpperRight);
    for (i, (name, rows)) in models.iter().enumerate() {
        let points = rows.iter().map(|r| (r.pass as f64, r.rate)).collect();
        chart =
            chart.with_line(Series::new(name.clone(), points).color(PALETTE[i % PALETTE.len()]));
    }
    chart.save_png(path)?;
    Ok(())
}
// ANCHOR_END: curves
