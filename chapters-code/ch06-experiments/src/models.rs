//! Where the trained models come from: a checkpoint written by chapter 5, or a fresh run of
//! chapter 5's training loop with the settings an experiment needs.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use ch05_training::binarize::Binarize;
use ch05_training::data::Dataset;
use ch05_training::options::Options;
use ch05_training::run::run;
use ch05_training::trainer::Trainer;

/// What every training run of the chapter shares.
#[derive(Debug, Clone)]
pub struct Common {
    /// Each run writes chapter 5's outputs (samples, metrics, checkpoint) into a subfolder.
    pub runs: PathBuf,
    pub seed: u64,
    pub data_dir: Option<PathBuf>,
    /// Train (and test) on the first N images only, for quick runs.
    pub limit: Option<usize>,
    /// Width of the hidden layers.
    pub hidden: usize,
    /// Training threads: the results are reproducible bit for bit for a given number.
    pub threads: usize,
}

/// One model to train.
#[derive(Debug, Clone, Copy)]
pub struct Spec<'a> {
    /// The subfolder of `runs`.
    pub name: &'a str,
    pub latent: usize,
    pub beta: f32,
    pub epochs: usize,
}

// ANCHOR: train
/// Trains a model with chapter 5's `run`: the same data, optimiser and defaults
/// (batch 128, Adam with learning rate 1e-3), with the latent size, KL weight and epochs given,
/// on a fixed number of threads so that the run gives the same numbers on every machine.
pub fn train(common: &Common, spec: Spec) -> Result<Trainer> {
    let options = Options {
        epochs: spec.epochs,
        batch_size: 128,
        latent_dim: spec.latent,
        hidden: common.hidden,
        lr: 1e-3,
        beta: spec.beta,
        seed: common.seed,
        data_dir: common.data_dir.clone(),
        dataset: Dataset::Mnist,
        binarize: Binarize::None,
        out: common.runs.join(spec.name),
        limit: common.limit,
        threads: Some(common.threads),
        resume: false,
    };
    let outcome = run(&options).with_context(|| format!("training the model {}", spec.name))?;
    Ok(outcome.trainer)
}
// ANCHOR_END: train

/// A model saved by chapter 5 (`checkpoint.bin` in its output folder).
pub fn load(path: &Path) -> Result<Trainer> {
    let (trainer, checkpoint) = Trainer::from_checkpoint(path)
        .with_context(|| format!("--checkpoint {}: cannot load the model", path.display()))?;
    let shape = trainer.shape();
    println!(
        "using the {}-{}-{} VAE of {} (trained for {} epochs, beta {})",
        shape.input,
        shape.hidden,
        shape.latent,
        path.display(),
        checkpoint.epoch,
        trainer.beta
    );
    Ok(trainer)
}
