//! A whole training run, as `cargo run -p ch05-training` does it: get the data, train epoch
//! by epoch, and after every epoch write the pictures, the metrics and a checkpoint.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use ch04_model::shape::VaeShape;
use image::GrayImage;

use crate::animation::save_gif;
use crate::binarize;
use crate::checkpoint::Checkpoint;
use crate::data::{self, DataOptions, DataSet};
use crate::grid::save_png;
use crate::loss_plot;
use crate::metrics::{self, EpochMetrics};
use crate::options::Options;
use crate::progress;
use crate::reconstructions;
use crate::samples::{self, GRID};
use crate::trainer::Trainer;

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
    pub data: DataSet,
    pub metrics: Vec<EpochMetrics>,
    pub out: PathBuf,
}

/// The settings a checkpoint must share with the run that resumes it.
/// `threads` is among them: each thread's share of a batch draws its own noise, so another
/// thread count would continue as a different run.
pub fn settings(options: &Options, shape: VaeShape, threads: usize) -> Vec<(String, String)> {
    [
        ("dataset", options.dataset.to_string()),
        ("limit", format!("{:?}", options.limit)),
        ("binarize", options.binarize.to_string()),
        ("input", shape.input.to_string()),
        ("hidden", shape.hidden.to_string()),
        ("latent", shape.latent.to_string()),
        ("batch_size", options.batch_size.to_string()),
        ("lr", options.lr.to_string()),
        ("beta", options.beta.to_string()),
        ("seed", options.seed.to_string()),
        ("threads", threads.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// Trains as `options` say, writing every output file into `options.out`; prints one line
/// per epoch.
pub fn run(options: &Options) -> Result<Outcome> {
    options.validate()?;
    options.prepare_out()?;
    let out = options.out.clone();
    let mut data = data::load(&DataOptions {
        dataset: options.dataset,
        data_dir: options.data_dir.clone(),
    })?;
    if let Some(n) = options.limit {
        data.train = data.train.first(n);
        data.test = data.test.first(n);
    }
    binarize::prepare(&mut data, options.binarize);
    let (rows, cols) = (data.train.rows, data.train.cols);
    let shape = VaeShape::one_hidden_relu(rows * cols, options.hidden, options.latent_dim);
    let mut trainer = Trainer::new(shape, options.batch_size, options.lr, options.seed);
    trainer.beta = options.beta;
    trainer.binarize = options.binarize;
    if let Some(threads) = options.threads {
        trainer.set_threads(threads);
    }
    let settings = settings(options, shape, trainer.threads());
    let checkpoint_path = out.join(CHECKPOINT);
    let (mut metrics, mut frames) = (Vec::new(), Vec::new());
    let mut done = 0;
    if options.resume {
        let checkpoint = Checkpoint::load(&checkpoint_path).with_context(|| {
            format!(
                "--resume needs the checkpoint of an earlier run in {}",
                out.display()
            )
        })?;
        // The learning rate may change on resume: lowering it is how to continue a run
        // that diverged. Everything else must match.
        let fixed: Vec<_> = settings
            .iter()
            .filter(|(k, _)| k != "lr")
            .cloned()
            .collect();
        checkpoint.check_settings(&fixed, &checkpoint_path)?;
        trainer.restore(&checkpoint, &checkpoint_path)?;
        done = checkpoint.epoch;
        metrics = earlier_metrics(&out, done)?;
        frames = earlier_frames(&out, done)?;
        println!(
            "resuming from {} after epoch {done}",
            checkpoint_path.display()
        );
    }
    if done >= options.epochs {
        println!(
            "{} already holds {done} epochs (--epochs {}): nothing to train",
            checkpoint_path.display(),
            options.epochs
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
            options.batch_size
        );
    }
    let z = samples::fixed_latents(options.seed, GRID * GRID, shape.latent);
    for epoch in done + 1..=options.epochs {
        let steps = data.train.len().div_ceil(options.batch_size);
        let mut bar = progress::EpochBar::new(epoch, options.epochs, steps);
        let start = Instant::now();
        let trained = trainer.train_epoch(data.train.images.view(), epoch, options.seed, |step| {
            bar.show(step)
        });
        bar.finish();
        let train_loss = trained.map_err(|e| {
            let kept = if epoch > 1 {
                format!(
                    "the checkpoint of epoch {} is kept in {}",
                    epoch - 1,
                    checkpoint_path.display()
                )
            } else {
                "no checkpoint was written".to_string()
            };
            e.context(format!("training stopped: {kept}"))
        })?;
        let seconds = start.elapsed().as_secs_f64();
        let test = trainer.evaluate(data.test.images.view(), options.seed, epoch);
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

        // ANCHOR: outputs
        // The checkpoint goes last: when it says epoch N, every file of epoch N is written.
        let frame = samples::frame(&mut trainer, &z, rows, cols);
        save_png(&frame, &out.join(samples_png(epoch)))?;
        frames.push(frame);
        save_gif(&frames, &out.join(GIF))?;
        let recon = reconstructions::picture(&mut trainer, data.test.images.view(), rows, cols);
        save_png(&recon, &out.join(RECONSTRUCTIONS))?;
        metrics::save(&metrics, &out.join(METRICS))?;
        loss_plot::save(&metrics, &out.join(LOSS_PLOT))?;
        trainer
            .checkpoint(epoch, settings.clone())
            .save(&checkpoint_path)?;
        // ANCHOR_END: outputs
    }
    Ok(Outcome {
        trainer,
        data,
        metrics,
        out,
    })
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
