//! A whole training run, as `cargo run -p ch05-training` does it: get the data, train epoch
//! by epoch, and after every epoch write the pictures, the metrics and a checkpoint.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use ch04_model::shape::VaeShape;
use image::GrayImage;

use crate::animation::save_gif;
use crate::checkpoint::{Checkpoint, Settings};
use crate::grid::save_png;
use crate::loss_plot;
use crate::metrics::{self, EpochMetrics};
use crate::options::{Options, TrainConfig};
use crate::progress;
use crate::reconstructions;
use crate::samples::{self, GRID};
use crate::trainer::Trainer;
use crate::warmup;
use mnist::{DataOptions, DataSet};

/// The file names written into `--out`.
pub const GIF: &str = "samples.gif";
pub const RECONSTRUCTIONS: &str = "reconstructions.png";
pub const METRICS: &str = "metrics.csv";
pub const LOSS_PLOT: &str = "loss.png";
pub const CHECKPOINT: &str = "checkpoint.bin";

/// The PNG of the samples after `epoch`.
pub fn samples_png(epoch: usize) -> String {
    format!("samples-epoch-{epoch:03}.png")
}

/// What a finished run leaves behind.
pub struct Outcome {
    pub trainer: Trainer,
    pub metrics: Vec<EpochMetrics>,
}

/// Trains as `options` say, writing every output file into `options.out`; prints one line
/// per epoch.
pub fn run(options: &Options) -> Result<Outcome> {
    options.validate()?;
    options.prepare_out()?;
    let data = mnist::load(&DataOptions {
        dataset: options.dataset,
        data_dir: options.data_dir.clone(),
    })?
    .limited(options.limit);
    train(
        &options.train,
        &data,
        Some(Outputs {
            dir: &options.out,
            resume: options.resume,
        }),
    )
}

/// Where a training run writes its files, and whether it continues the run found there.
#[derive(Debug, Clone, Copy)]
pub struct Outputs<'a> {
    pub dir: &'a Path,
    pub resume: bool,
}

/// Trains a VAE on `data` as `config` says: chapter 5's loop, as a library. With `outputs`,
/// writes after every epoch the pictures, the metrics and a checkpoint (and may resume from
/// one); without, only trains and evaluates, printing one line per epoch.
pub fn train(config: &TrainConfig, data: &DataSet, outputs: Option<Outputs>) -> Result<Outcome> {
    config.validate()?;
    let (rows, cols) = (data.train.rows, data.train.cols);
    let shape = VaeShape::one_hidden_relu(rows * cols, config.hidden, config.latent_dim);
    let mut trainer = Trainer::new(shape, config.batch_size, config.lr, config.seed);
    trainer.beta = config.beta;
    if let Some(threads) = config.threads {
        trainer.set_threads(threads);
    }
    let settings = Settings {
        dataset: data.dataset,
        limit: data.limit,
        shape,
        batch_size: config.batch_size,
        lr: config.lr,
        beta: config.beta,
        kl_warmup: config.kl_warmup,
        seed: config.seed,
        threads: trainer.threads(),
    };
    let (mut metrics, mut frames) = (Vec::new(), Vec::new());
    let mut done = 0;
    if let Some(Outputs { dir, resume: true }) = outputs {
        let checkpoint_path = dir.join(CHECKPOINT);
        let checkpoint = Checkpoint::load(&checkpoint_path).with_context(|| {
            format!(
                "--resume needs the checkpoint of an earlier run in {}",
                dir.display()
            )
        })?;
        settings.check_resume(&checkpoint.settings, &checkpoint_path)?;
        trainer.restore(&checkpoint, &checkpoint_path)?;
        done = checkpoint.epoch;
        metrics = earlier_metrics(dir, done)?;
        frames = earlier_frames(dir, done)?;
        println!(
            "resuming from {} after epoch {done}",
            checkpoint_path.display()
        );
    }
    if done >= config.epochs {
        println!(
            "{} already holds {done} epochs (--epochs {}): nothing to train",
            outputs
                .map_or(Path::new(""), |o| o.dir)
                .join(CHECKPOINT)
                .display(),
            config.epochs
        );
    } else {
        println!(
            "training a {}-{}-{}-{}-{} VAE on {} {} images, {} test images, batch {}",
            shape.input,
            shape.hidden,
            shape.latent,
            shape.hidden,
            shape.input,
            data.train.len(),
            data.dataset,
            data.test.len(),
            config.batch_size
        );
    }
    let z = samples::fixed_latents(config.seed, GRID * GRID, shape.latent);
    for epoch in done + 1..=config.epochs {
        trainer.beta = warmup::kl_weight(config.beta, config.kl_warmup, epoch);
        let steps = data.train.len().div_ceil(config.batch_size);
        let mut bar = progress::EpochBar::new(epoch, config.epochs, steps);
        let start = Instant::now();
        let trained = trainer.train_epoch(data.train.images.view(), epoch, config.seed, |step| {
            bar.show(step)
        });
        bar.finish();
        let train_loss = trained.map_err(|e| {
            let kept = match outputs {
                Some(o) if epoch > 1 => format!(
                    "the checkpoint of epoch {} is kept in {}",
                    epoch - 1,
                    o.dir.join(CHECKPOINT).display()
                ),
                Some(_) => "no checkpoint was written".to_string(),
                None => "nothing was saved".to_string(),
            };
            e.context(format!(
                "training stopped: {kept}; most likely the learning rate (--lr {}) is too high \
                 for these data",
                config.lr
            ))
        })?;
        let seconds = start.elapsed().as_secs_f64();
        let test = trainer.evaluate(data.test.images.view(), config.seed, epoch);
        let count = test.count as f64;
        metrics.push(EpochMetrics {
            epoch,
            train_loss,
            test_loss: test.per_image(),
            test_recon: test.reconstruction / count,
            test_kl: test.kl / count,
            seconds,
        });
        println!(
            "epoch {epoch:>3}: train loss {train_loss:.2}, test loss {:.2} (reconstruction {:.2} + KL {:.2}) nats per image, {seconds:.2} s",
            test.per_image(),
            test.reconstruction / count,
            test.kl / count
        );
        let Some(Outputs { dir: out, .. }) = outputs else {
            continue;
        };

        // ANCHOR: outputs
        // The checkpoint goes last: when it says epoch N, every file of epoch N is written.
        let frame = samples::frame(&trainer.vae, &z, rows, cols);
        save_png(&frame, &out.join(samples_png(epoch)))?;
        frames.push(frame);
        save_gif(&frames, &out.join(GIF))?;
        let recon = reconstructions::picture(&trainer.vae, data.test.images.view(), rows, cols);
        save_png(&recon, &out.join(RECONSTRUCTIONS))?;
        metrics::save(&metrics, &out.join(METRICS))?;
        loss_plot::save(&metrics, &out.join(LOSS_PLOT))?;
        trainer
            .checkpoint(epoch, settings)
            .save(&out.join(CHECKPOINT))?;
        // ANCHOR_END: outputs
    }
    Ok(Outcome { trainer, metrics })
}

/// The metrics rows of the epochs a checkpoint covers (a run stopped between writing the
/// metrics and the checkpoint may have written one row more).
fn earlier_metrics(out: &Path, epochs: usize) -> Result<Vec<EpochMetrics>> {
    let path = out.join(METRICS);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut rows = metrics::parse_csv(&text, &path)?;
    rows.retain(|r| r.epoch <= epochs);
    if rows.len() != epochs || rows.iter().enumerate().any(|(i, r)| r.epoch != i + 1) {
        bail!(
            "{}: does not hold one row for each of epochs 1 to {epochs}",
            path.display()
        );
    }
    Ok(rows)
}

/// The GIF frames of the epochs a checkpoint covers, read back from their PNGs.
fn earlier_frames(out: &Path, epochs: usize) -> Result<Vec<GrayImage>> {
    (1..=epochs)
        .map(|epoch| {
            let path = out.join(samples_png(epoch));
            Ok(image::open(&path)
                .with_context(|| format!("cannot read {} to rebuild the GIF", path.display()))?
                .into_luma8())
        })
        .collect()
}
