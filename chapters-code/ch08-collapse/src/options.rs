//! The command line of `cargo run -p ch08-collapse`, and the checks that refuse impossible
//! values, by name, before any work starts.

use std::path::PathBuf;

use anyhow::{Result, ensure};
use clap::{Parser, ValueEnum};

/// Trains chapter 7's VAE on MNIST binarised once (each pixel drawn as ink with probability
/// its grey level) for a sweep of KL weights (the
/// rate–distortion plane), then the same VAE with an autoregressive decoder on the plain ELBO
/// and with three remedies for posterior collapse; scores every model (rate, distortion,
/// importance-sampled log p(x), I(x; z), active units) and draws the plane and the samples.
/// The defaults are the quick run (30 passes over 10,000 training images, one seed).
#[derive(Debug, Clone, Parser)]
#[command(version)]
pub struct Options {
    /// Which models to train: the beta sweep, the collapse study, or both; `forced` trains only
    /// the collapse study's forced-collapse reference; `revive` trains chapter 7's decoder with
    /// warm-up and with free bits.
    #[arg(long, value_enum, default_value_t = Part::All)]
    pub part: Part,

    /// The KL weights of the sweep.
    #[arg(long, value_delimiter = ',', default_value = "0.1,0.25,0.5,1,2,4,8")]
    pub betas: Vec<f64>,

    /// Passes over the training images, for every model.
    #[arg(long, default_value_t = 30)]
    pub passes: usize,

    /// Train on the first N training images (all 60,000 when 0).
    #[arg(long, default_value_t = 10_000)]
    pub limit: usize,

    /// Score on the first N test images (all 10,000 when 0).
    #[arg(long, default_value_t = 1_000)]
    pub test_images: usize,

    /// Estimate I(x; z) and count active units on the first N test images (all when 0).
    #[arg(long, default_value_t = 10_000)]
    pub mi_images: usize,

    /// Importance samples per test image for log p(x).
    #[arg(long, default_value_t = 500)]
    pub k: usize,

    /// Images per gradient step.
    #[arg(long, default_value_t = 100)]
    pub batch_size: usize,

    /// Adam's learning rate.
    #[arg(long, default_value_t = 1e-3)]
    pub lr: f32,

    /// Free bits: the rate each latent unit is charged at least, in nats.
    #[arg(long, default_value_t = 0.25)]
    pub free_bits: f64,

    /// KL warm-up: passes over which beta rises from 0 to 1.
    #[arg(long, default_value_t = 10.0)]
    pub warm_up: f64,

    /// The KL weight below 1 of the capped-rate remedy.
    #[arg(long, default_value_t = 0.5)]
    pub low_beta: f64,

    /// The KL weight that prices the autoregressive model's code out of use (the collapsed
    /// reference).
    #[arg(long, default_value_t = 100.0)]
    pub high_beta: f64,

    /// Models trained at once, each on one thread; every model's numbers are the same
    /// whatever this is.
    #[arg(long, default_value_t = 2, value_parser = support::cli::at_least_one)]
    pub threads: usize,

    /// Seed of every random choice: initial weights, batch order, noise, samples.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// Folder holding the four MNIST IDX files (fetched into data/mnist/ when absent).
    #[arg(long, env = "MNIST_DIR")]
    pub data_dir: Option<PathBuf>,

    /// Where results.csv, the figure and the samples go (default target/ch08-collapse).
    #[arg(long)]
    pub out: Option<PathBuf>,

    /// Train nothing: redraw the rate–distortion figure into --out from these results files.
    #[arg(long, num_args = 1..)]
    pub plot: Vec<PathBuf>,

    /// Train nothing: draw the rate by pass of the models whose progress files are in this
    /// folder, named as `--part collapse` names them, into the same folder.
    #[arg(long)]
    pub curves: Option<PathBuf>,

    /// Train nothing: compare every model of these run folders, image by image, with its
    /// seed's plain-ELBO model on the same decoder, and count each model's active units at
    /// several thresholds; writes paired.csv and active_thresholds.csv into --out.
    #[arg(long, num_args = 1..)]
    pub paired: Vec<PathBuf>,

    /// A smoke test of the whole pipeline in seconds (2 passes over 500 images, 100 test
    /// images, 200 for I(x; z), k = 20, two betas): what CI runs; its numbers mean nothing.
    #[arg(long)]
    pub tiny: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Part {
    All,
    Sweep,
    Collapse,
    Forced,
    Revive,
}

impl Options {
    /// The options `--tiny` stands for, or these as given.
    pub fn effective(&self) -> Options {
        if !self.tiny {
            return self.clone();
        }
        Options {
            betas: vec![1.0, 4.0],
            passes: 2,
            limit: 500,
            test_images: 100,
            mi_images: 200,
            k: 20,
            warm_up: 1.0,
            ..self.clone()
        }
    }

    /// Refuses values no run can use.
    pub fn check(&self) -> Result<()> {
        ensure!(self.passes >= 1, "--passes must be at least 1");
        ensure!(self.k >= 1, "--k must be at least 1");
        ensure!(self.batch_size >= 1, "--batch-size must be at least 1");
        ensure!(
            self.lr > 0.0 && self.lr.is_finite(),
            "--lr must be positive, not {}",
            self.lr
        );
        ensure!(!self.betas.is_empty(), "--betas needs at least one value");
        for &b in &self.betas {
            ensure!(
                b > 0.0 && b.is_finite(),
                "--betas: {b} is not a positive number"
            );
        }
        ensure!(self.free_bits >= 0.0, "--free-bits must be at least 0");
        ensure!(self.warm_up > 0.0, "--warm-up must be positive");
        ensure!(self.low_beta > 0.0, "--low-beta must be positive");
        ensure!(self.high_beta > 0.0, "--high-beta must be positive");
        ensure!(
            self.test_images != 1,
            "--test-images must be 0 (all) or at least 2"
        );
        Ok(())
    }
}
