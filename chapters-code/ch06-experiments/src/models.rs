//! Where the trained models come from: a checkpoint written by chapter 5, or chapter 5's
//! training loop run as a library with the settings an experiment needs.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use ch05_training::options::TrainConfig;
use ch05_training::run::{Outputs, train as train_vae};
use ch05_training::trainer::Trainer;
use mnist::DataSet;

/// What every training run of the chapter shares.
#[derive(Debug, Clone)]
pub struct Common {
    /// With a folder, each run also writes chapter 5's outputs (samples, metrics, checkpoint)
    /// into a subfolder of it; without, the runs only train.
    pub runs: Option<PathBuf>,
    pub seed: u64,
    /// Width of the hidden layers.
    pub hidden: usize,
    /// Training threads: the results are reproducible bit for bit for a given number.
    pub threads: usize,
}

/// One model to train.
#[derive(Debug, Clone, Copy)]
pub struct Spec<'a> {
    /// Its name, and the subfolder of `runs`.
    pub name: &'a str,
    pub latent: usize,
    pub beta: f32,
    pub epochs: usize,
}

// ANCHOR: train
/// Trains a model with chapter 5's loop: chapter 5's defaults (batch 128, Adam with learning
/// rate 1e-3), with the latent size, KL weight and epochs given, on a fixed number of threads
/// so that the run gives the same numbers on every machine.
pub fn train(common: &Common, data: &DataSet, spec: Spec) -> Result<Trainer> {
    let config = TrainConfig {
        epochs: spec.epochs,
        latent_dim: spec.latent,
        hidden: common.hidden,
        beta: spec.beta,
        seed: common.seed,
        threads: Some(common.threads),
        ..TrainConfig::CHAPTER_5
    };
    let dir = common.runs.as_ref().map(|runs| runs.join(spec.name));
    if let Some(dir) = &dir {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the folder {}", dir.display()))?;
    }
    let outputs = dir.as_deref().map(|dir| Outputs { dir, resume: false });
    let outcome = train_vae(&config, data, outputs)
        .with_context(|| format!("training the model {}", spec.name))?;
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
