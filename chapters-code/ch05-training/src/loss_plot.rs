//! loss.png: the training and test loss by epoch, drawn with chapter 1's charts.

use std::path::Path;

use anyhow::{Context, Result};
use support::plot::{Chart, Series};

use crate::metrics::EpochMetrics;

/// The chart of both losses against the epoch.
pub fn chart(rows: &[EpochMetrics]) -> Chart {
    let points =
        |f: fn(&EpochMetrics) -> f64| rows.iter().map(|r| (r.epoch as f64, f(r))).collect();
    Chart::new("Negative ELBO by epoch", "epoch", "nats per image")
        .with_line(Series::new("train", points(|r| r.train_loss)))
        .with_line(Series::new("test", points(|r| r.test_loss)))
}

/// Writes the chart to `path`, atomically.
pub fn save(rows: &[EpochMetrics], path: &Path) -> Result<()> {
    chart(rows)
        .save_png(path)
        .with_context(|| format!("cannot draw {}", path.display()))
}
