//! Where a run's time went, written as `timings.csv` beside its figures: the page quotes it.
//! (`results.txt` stays byte for byte the same from run to run; this file does not.)

use std::path::Path;

use anyhow::{Context, Result, ensure};
use serde::Deserialize;
use support::atomic::write_atomic;

pub const TIMINGS: &str = "timings.csv";
pub const HEADER: &str =
    "total_seconds,training_seconds,training_epochs,sampling_seconds,likelihood_images";

/// One run's times, wall-clock seconds.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Timings {
    pub total_seconds: f64,
    /// Every model's training, added up, and the epochs they trained.
    pub training_seconds: f64,
    pub training_epochs: usize,
    /// The importance sampling of log p(x), on this many test images.
    pub sampling_seconds: f64,
    pub likelihood_images: usize,
}

impl Timings {
    pub fn save(&self, path: &Path) -> Result<()> {
        let text = format!(
            "{HEADER}\n{:.3},{:.3},{},{:.3},{}\n",
            self.total_seconds,
            self.training_seconds,
            self.training_epochs,
            self.sampling_seconds,
            self.likelihood_images
        );
        write_atomic(path, text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))
    }

    pub fn load(path: &Path) -> Result<Timings> {
        let rows: Vec<Timings> = support::table::read(path, HEADER)?;
        ensure!(
            rows.len() == 1,
            "{}: {} rows, not one run's",
            path.display(),
            rows.len()
        );
        Ok(rows[0].clone())
    }
}
