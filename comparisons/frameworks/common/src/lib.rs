//! What the three comparators share and is no framework's idiom: the command line, MNIST as
//! grey levels (read by the book's own `mnist` crate), and the report: one line per epoch and,
//! with `--json`, a last line in the shape of the PyTorch reference's, which the runner reads.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Result, ensure};
use clap::Parser;
use mnist::{DataOptions, Dataset};
use serde::Serialize;

/// Chapter 5's VAE (784-400-20-400-784, ReLU, Bernoulli decoder, Adam 1e-3, batch 128) on MNIST:
/// seconds of training per epoch and the test loss after each epoch.
#[derive(Debug, Clone, Parser)]
pub struct Options {
    /// Passes over the 60,000 training images.
    #[arg(long, default_value_t = 10)]
    pub epochs: usize,

    /// Threads to compute on, where the framework lets a program choose (default: its own).
    #[arg(long)]
    pub threads: Option<usize>,

    /// Folder holding the four IDX files (raw or .gz); without it $MNIST_DIR, then the main
    /// workspace's data/mnist/, fetched there when absent.
    #[arg(long, env = "MNIST_DIR")]
    pub data_dir: Option<PathBuf>,

    /// Images per Adam step.
    #[arg(long, default_value_t = 128)]
    pub batch_size: usize,

    /// Seed of the framework's generator, where it has one a program can seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// Train on the first N training images only (quick checks).
    #[arg(long)]
    pub limit: Option<usize>,

    /// End with one line of JSON holding every figure.
    #[arg(long)]
    pub json: bool,
}

impl Options {
    /// Refuses values that cannot work, naming the option.
    pub fn validate(&self) -> Result<()> {
        ensure!(self.epochs >= 1, "--epochs must be at least 1");
        ensure!(self.batch_size >= 1, "--batch-size must be at least 1");
        ensure!(self.threads != Some(0), "--threads must be at least 1");
        ensure!(self.limit != Some(0), "--limit must be at least 1");
        Ok(())
    }
}

/// Images as grey levels in [0, 1] (pixel / 255), one image after another, row-major.
pub struct Mnist {
    pub train: Vec<f32>,
    pub test: Vec<f32>,
    /// Pixels per image (784).
    pub pixels: usize,
}

impl Mnist {
    pub fn train_len(&self) -> usize {
        self.train.len() / self.pixels
    }

    pub fn test_len(&self) -> usize {
        self.test.len() / self.pixels
    }
}

/// Reads MNIST as chapter 5 does (the same files, checked the same way); `--limit` keeps the
/// first N images of each split.
pub fn load(options: &Options) -> Result<Mnist> {
    let data = mnist::load(&DataOptions {
        dataset: Dataset::Mnist,
        data_dir: options.data_dir.clone(),
    })?
    .limited(options.limit);
    let grey = |split: &mnist::Split| split.images.iter().map(|&p| mnist::unit_pixel(p)).collect();
    Ok(Mnist {
        train: grey(&data.train),
        test: grey(&data.test),
        pixels: data.train.rows * data.train.cols,
    })
}

/// The figures of one epoch.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Epoch {
    pub epoch: usize,
    /// Wall-clock seconds of the epoch's training steps (not the test pass).
    pub seconds: f64,
    /// Mean negative ELBO per training image, over the epoch's batches as they were trained.
    pub train_loss: f64,
    /// Negative ELBO per test image (nats): reconstruction summed over the pixels plus the
    /// closed-form KL, one sampled z per image, averaged over the 10,000 test images.
    pub test_loss: f64,
}

/// Prints each epoch as it ends and, with `--json`, everything at the end.
#[derive(Debug, Serialize)]
pub struct Report {
    pub framework: String,
    pub threads: usize,
    pub batch_size: usize,
    pub images: usize,
    pub epochs: Vec<Epoch>,
}

impl Report {
    pub fn new(framework: &str, threads: usize, options: &Options, data: &Mnist) -> Report {
        println!(
            "{framework}, {threads} threads; {} training images, batch {}",
            data.train_len(),
            options.batch_size
        );
        Report {
            framework: framework.to_string(),
            threads,
            batch_size: options.batch_size,
            images: data.train_len(),
            epochs: Vec::new(),
        }
    }

    /// Records and prints one epoch; `train_sum` and `test_sum` are losses summed over images.
    pub fn epoch(&mut self, elapsed: Duration, train_sum: f64, test_sum: f64, test_images: usize) {
        let epoch = Epoch {
            epoch: self.epochs.len() + 1,
            seconds: elapsed.as_secs_f64(),
            train_loss: train_sum / self.images as f64,
            test_loss: test_sum / test_images as f64,
        };
        println!(
            "epoch {:3}  {:7.3} s  train {:8.2}  test {:9.2}",
            epoch.epoch, epoch.seconds, epoch.train_loss, epoch.test_loss
        );
        self.epochs.push(epoch);
    }

    /// With `--json`, prints the last line the runner reads.
    pub fn finish(&self, options: &Options) -> Result<()> {
        if options.json {
            println!("{}", serde_json::to_string(self)?);
        }
        Ok(())
    }
}
