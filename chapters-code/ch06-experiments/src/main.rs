//! `cargo run -p ch06-experiments`: what the trained VAE learned. Trains (or loads) the models,
//! then writes the 2-D manifold, the latent scatter, the interpolations, the beta comparison
//! and prints the importance-sampled log-likelihood. `--help` lists the options.

use std::path::PathBuf;

use anyhow::Result;
use clap::Parser;

use ch06_experiments::experiments::{self, Settings, THREADS};
use ch06_experiments::likelihood::KS;
use support::paths::default_out;

/// Experiments with VAEs trained on MNIST: the learned 2-D manifold, the test digits' codes by
/// label, interpolations between digits, log p(x) by importance sampling, and the KL weight beta.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Output folder for the figures and results.txt.
    #[arg(long, default_value_os_t = default_out("ch06-experiments"))]
    out: PathBuf,

    /// Also write each training run's own outputs (chapter 5's samples, metrics, checkpoint)
    /// into a subfolder of this folder.
    #[arg(long)]
    runs: Option<PathBuf>,

    /// Seed of every random choice.
    #[arg(long, default_value_t = 1)]
    seed: u64,

    /// Folder holding the four MNIST IDX files (else $MNIST_DIR, else data/mnist, fetched on
    /// first use).
    #[arg(long)]
    data_dir: Option<PathBuf>,

    /// A checkpoint written by chapter 5 (e.g. target/ch05-training/checkpoint.bin) to use as
    /// the main model; without it, one is trained here.
    #[arg(long)]
    checkpoint: Option<PathBuf>,

    /// Epochs of the 2-D model, and of the main model when it is trained here.
    #[arg(long, default_value_t = 10)]
    epochs: usize,

    /// Epochs of each model of the beta comparison.
    #[arg(long, default_value_t = 5)]
    beta_epochs: usize,

    /// Test images whose log p(x) is estimated with up to 5000 draws each.
    #[arg(long, default_value_t = 200)]
    likelihood_images: usize,

    /// Train and test on the first N images only, for quick runs.
    #[arg(long)]
    limit: Option<usize>,

    /// Threads of every training run. Chapter 5's training is reproducible bit for bit for a
    /// given number of threads, and the book's numbers were made with 2, whatever the machine.
    #[arg(long, default_value_t = THREADS)]
    threads: usize,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let settings = Settings {
        out: args.out,
        runs: args.runs,
        seed: args.seed,
        data_dir: args.data_dir,
        checkpoint: args.checkpoint,
        epochs: args.epochs,
        beta_epochs: args.beta_epochs,
        latent: 20,
        hidden: 400,
        limit: args.limit,
        threads: args.threads,
        likelihood_images: args.likelihood_images,
        ks: KS.to_vec(),
    };
    experiments::run(&settings)?;
    Ok(())
}
