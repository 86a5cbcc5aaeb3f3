//! The command line of `cargo run -p ch09-conditional`, and the checks that refuse impossible
//! values, by name, before any work starts.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::Parser;

/// Sohn et al.'s quadrant benchmark (a baseline network and a CVAE for 1, 2 and 3 given
/// quadrants, scored by -log p(y | x) on the pixels to predict) and a label-conditioned VAE
/// (digits on demand). The defaults are the quick version; the page gives the longer commands.
#[derive(Debug, Clone, Parser)]
#[command(version)]
pub struct Options {
    /// The numbers of given quadrants to run, among 1, 2 and 3.
    #[arg(long, value_delimiter = ',', default_values_t = [1, 2, 3])]
    pub given: Vec<usize>,

    /// One full run per seed (initial weights, batch order, noise); the table gives each.
    #[arg(long, value_delimiter = ',', default_values_t = [1])]
    pub seeds: Vec<u64>,

    /// Epochs of the baseline network.
    #[arg(long, default_value_t = 2)]
    pub baseline_epochs: usize,

    /// Epochs of the CVAE (trained after the baseline, which it reads).
    #[arg(long, default_value_t = 3)]
    pub cvae_epochs: usize,

    /// Images per gradient step (Pyro's 128).
    #[arg(long, default_value_t = 128, value_parser = support::cli::at_least_one)]
    pub batch_size: usize,

    /// Adam's learning rate (Pyro's 1e-3).
    #[arg(long, default_value_t = 1e-3)]
    pub lr: f32,

    /// Width of every hidden layer of the quadrant networks (Pyro's 500).
    #[arg(long, default_value_t = 500, value_parser = support::cli::at_least_one)]
    pub hidden: usize,

    /// Width of the CVAE's code (Pyro's 200).
    #[arg(long, default_value_t = 200, value_parser = support::cli::at_least_one)]
    pub latent: usize,

    /// Importance samples per test digit for -log p(y | x).
    #[arg(long, default_value_t = 100, value_parser = support::cli::at_least_one)]
    pub k: usize,

    /// Test digits to score, the first ones (the quick run's 2,000; MNIST has 10,000).
    #[arg(long, default_value_t = 2_000, value_parser = support::cli::at_least_one)]
    pub test_images: usize,

    /// Train on the first N training images only.
    #[arg(long, value_parser = support::cli::at_least_one)]
    pub limit: Option<usize>,

    /// Epochs of the label-conditioned VAE (0 skips it).
    #[arg(long, default_value_t = 5)]
    pub labelled_epochs: usize,

    /// Width of the label-conditioned VAE's code (2, so its style can be walked along).
    #[arg(long, default_value_t = 2, value_parser = support::cli::at_least_one)]
    pub labelled_latent: usize,

    /// Instead of the benchmark, an exercise's task for the first seed: `middle-column` (only
    /// a band of --column-width columns given) or `labels` (the first --given quadrants and
    /// the digit's label given).
    #[arg(long, value_parser = ["middle-column", "labels"])]
    pub exercise: Option<String>,

    /// Instead of the benchmark: train the first seed's models for each --given, score them as
    /// the benchmark does, then estimate -log p(y | x) with each of these numbers of draws
    /// (nested) on the first --k-curve-images test digits; writes k-curve.csv.
    #[arg(long, value_delimiter = ',', conflicts_with = "exercise")]
    pub k_curve: Vec<usize>,

    /// Test digits of --k-curve.
    #[arg(long, default_value_t = 500, value_parser = support::cli::at_least_one)]
    pub k_curve_images: usize,

    /// With --exercise middle-column: the width of the given band of columns.
    #[arg(long, default_value_t = 4, value_parser = support::cli::at_least_one)]
    pub column_width: usize,

    /// Instead of the benchmark: train the first seed's label-conditioned VAE and the models
    /// of the left-half task, and export them for the book's explorer into --explorer-dir.
    #[arg(long, conflicts_with_all = ["exercise", "k_curve"])]
    pub export_explorer: bool,

    /// Where --export-explorer writes conditional.js, conditional-manifest.json and
    /// conditional-vectors.json.
    #[arg(long, default_value_os_t = support::paths::workspace_root().join("book/media/explorer"))]
    pub explorer_dir: PathBuf,

    /// Folder holding the four MNIST IDX files (fetched into data/mnist/ when absent).
    #[arg(long, env = "MNIST_DIR")]
    pub data_dir: Option<PathBuf>,

    /// Output folder.
    #[arg(long, default_value_os_t = support::paths::default_out("ch09-conditional"))]
    pub out: PathBuf,
}

impl Options {
    /// Refuses values that cannot work, with a message naming the option.
    pub fn validate(&self) -> Result<()> {
        if self.column_width >= crate::quadrants::SIDE {
            bail!("--column-width must be below 28, not {}", self.column_width);
        }
        if self.k_curve.contains(&0) {
            bail!("--k-curve takes numbers of draws, each at least 1");
        }
        if let Some(q) = self.given.iter().find(|q| !(1..=3).contains(*q)) {
            bail!("--given takes 1, 2 or 3 quadrants, not {q}");
        }
        if self.given.is_empty() || self.seeds.is_empty() {
            bail!("--given and --seeds need at least one value each");
        }
        if !(self.lr > 0.0 && self.lr.is_finite()) {
            bail!("--lr must be a positive number, not {}", self.lr);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_pass_and_bad_values_are_named() {
        let ok = Options::parse_from(["ch09"]);
        ok.validate().unwrap();
        assert_eq!(ok.given, [1, 2, 3]);
        for (args, name) in [
            (vec!["ch09", "--given", "4"], "--given"),
            (vec!["ch09", "--k", "0"], "--k"),
            (vec!["ch09", "--lr", "0"], "--lr"),
            (vec!["ch09", "--limit", "0"], "--limit"),
            (vec!["ch09", "--k-curve", "1,0"], "--k-curve"),
        ] {
            // clap refuses a count of 0 by the option's name; validate() the rest.
            let e = match Options::try_parse_from(&args) {
                Err(e) => e.to_string(),
                Ok(o) => o.validate().unwrap_err().to_string(),
            };
            assert!(e.contains(name), "{e}");
        }
    }
}
