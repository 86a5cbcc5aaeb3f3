//! A training run on the paper's schedule, with chapter 5's trainer, Adam and checkpoints:
//! stage by stage, pass by pass, the learning rate set by the stage, the checkpoint saved every
//! few passes and at every stage's end, so that `--resume` continues exactly where a stopped
//! run was.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use ch04_model::shape::VaeShape;
use ch05_training::checkpoint::{
    Checkpoint, CheckpointError, CheckpointSettings, SettingsReader, check_same,
};
use ch05_training::progress::EpochBar;
use ch05_training::trainer::{Elbo, Objective, Trainer};
use mnist::DataSet;

use crate::binarize::{Binarize, DynamicallyBinarized};
use crate::iwae::Iwae;
use crate::model;
use crate::progress::{self, PROGRESS, Pass};
use crate::schedule::Schedule;

pub const CHECKPOINT: &str = "checkpoint.bin";

/// Adam's epsilon in the paper (PyTorch's and chapter 5's default is 1e-8).
pub const ADAM_EPS: f32 = 1e-4;

/// The initialisation, and the data set, of every run of this chapter.
const INIT: &str = "glorot";
const DATASET: &str = "mnist";

/// Everything that defines a training run, and so must match for a resume.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunSpec {
    pub shape: VaeShape,
    pub schedule: Schedule,
    /// Samples per image in the bound: 1 trains on the ELBO, more on the IWAE bound.
    pub k: usize,
    pub batch_size: usize,
    pub seed: u64,
    pub binarize: Binarize,
    pub limit: Option<usize>,
    pub threads: usize,
}

// ANCHOR: settings
/// The settings a checkpoint records, and a resume checks by name: the architecture, then
/// how it was trained. (The learning rate is not among them: the schedule sets it.)
impl CheckpointSettings for RunSpec {
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let s = self.shape;
        vec![
            ("input", s.input.to_string()),
            ("hidden", s.hidden.to_string()),
            ("latent", s.latent.to_string()),
            ("depth", s.depth.to_string()),
            ("activation", s.activation.to_string()),
            ("init", INIT.to_string()),
            ("schedule", self.schedule.to_string()),
            ("k", self.k.to_string()),
            ("batch_size", self.batch_size.to_string()),
            ("adam_eps", ADAM_EPS.to_string()),
            ("seed", self.seed.to_string()),
            ("dataset", DATASET.to_string()),
            ("binarize", self.binarize.to_string()),
            ("limit", format!("{:?}", self.limit)),
            ("threads", self.threads.to_string()),
        ]
    }

    fn parse(pairs: &[(String, String)], path: &Path) -> Result<RunSpec, CheckpointError> {
        let read = SettingsReader::new(pairs, path);
        // The architecture first: it is what tells this chapter's checkpoints from others.
        let shape = VaeShape {
            input: read.parsed("input")?,
            hidden: read.parsed("hidden")?,
            latent: read.parsed("latent")?,
            depth: read.parsed("depth")?,
            activation: read.parsed("activation")?,
        };
        for (key, fixed) in [
            ("init", INIT.to_string()),
            ("adam_eps", ADAM_EPS.to_string()),
            ("dataset", DATASET.to_string()),
        ] {
            read.require(
                key,
                &fixed,
                &format!("this chapter trains with {key}={fixed}"),
            )?;
        }
        Ok(RunSpec {
            shape,
            schedule: read.parsed("schedule")?,
            k: read.parsed("k")?,
            batch_size: read.parsed("batch_size")?,
            seed: read.parsed("seed")?,
            binarize: read.parsed("binarize")?,
            limit: read.limit()?,
            threads: read.parsed("threads")?,
        })
    }
}
// ANCHOR_END: settings

/// A trainer for a fresh model of `spec` (or one ready to take a checkpoint's state).
pub fn trainer(spec: &RunSpec, data: &DataSet) -> Trainer {
    let vae = model::new_vae(spec.shape, spec.seed, data.train.images.view());
    let mut trainer = Trainer::with_vae(vae, spec.batch_size, spec.schedule.stages()[0].lr);
    trainer.adam.eps = ADAM_EPS;
    trainer.set_threads(spec.threads);
    trainer.set_objective(objective(spec));
    trainer
}

// ANCHOR: objective
/// What a run of `spec` trains on: chapter 4's negative ELBO for k = 1, the IWAE bound for
/// more; under dynamic binarization, with each batch's pixels drawn afresh first.
pub fn objective(spec: &RunSpec) -> Box<dyn Objective> {
    let bound: Box<dyn Objective> = if spec.k > 1 {
        Box::new(Iwae { k: spec.k })
    } else {
        Box::new(Elbo)
    };
    match spec.binarize {
        Binarize::Dynamic => Box::new(DynamicallyBinarized { objective: bound }),
        Binarize::None | Binarize::Static => bound,
    }
}
// ANCHOR_END: objective

// ANCHOR: train
/// How a call to [`train`] runs: from scratch or from the checkpoint in the output folder,
/// how often it saves, where it stops.
#[derive(Debug, Clone)]
pub struct Session<'a> {
    pub resume: bool,
    pub checkpoint_every: usize,
    /// Stop after this many passes of the schedule (all of them when `None`).
    pub stop_after: Option<usize>,
    /// The command line, for runs.txt.
    pub command: &'a str,
}

/// Trains as `spec` says, writing the checkpoint and progress.csv into `out` (and a line into
/// runs.txt); with `session.resume`, from the checkpoint found there. Returns the trainer and
/// the number of passes its model has had.
pub fn train(
    spec: &RunSpec,
    data: &DataSet,
    out: &Path,
    session: &Session,
) -> Result<(Trainer, usize)> {
    let Session {
        resume,
        checkpoint_every,
        stop_after,
        command,
    } = *session;
    let mut trainer = trainer(spec, data);
    let checkpoint_path = out.join(CHECKPOINT);
    let progress_path = out.join(PROGRESS);
    let (mut done, mut rows) = (0, Vec::new());
    if resume {
        let checkpoint: Checkpoint<RunSpec> =
            Checkpoint::load(&checkpoint_path).with_context(|| {
                format!(
                    "--resume needs the checkpoint of an earlier run in {}",
                    out.display()
                )
            })?;
        check_same(spec, &checkpoint.settings, &[], &checkpoint_path)?;
        trainer.restore(&checkpoint, &checkpoint_path)?;
        done = checkpoint.epoch;
        rows = progress::earlier(&progress_path, done)?;
        println!(
            "resuming from {} after pass {done}",
            checkpoint_path.display()
        );
    }
    let total = spec.schedule.passes();
    let stop = stop_after.unwrap_or(total).min(total);
    progress::log_run(
        out,
        &format!(
            "{} {} at pass {done} of {total}: `{command}` on {}, {} threads",
            progress::now_utc(),
            if resume { "resumed" } else { "started" },
            progress::machine(),
            trainer.threads()
        ),
    )?;
    let steps = data.train.len().div_ceil(spec.batch_size);
    for pass in done + 1..=stop {
        let (stage, last_of_stage) = spec
            .schedule
            .stage_of(pass)
            .expect("pass within the schedule");
        trainer.adam.lr = stage.lr;
        let mut bar = EpochBar::new(pass, total, steps);
        let start = Instant::now();
        let trained =
            trainer.train_epoch(data.train.images.view(), pass, spec.seed, |s| bar.show(s));
        bar.finish();
        let train_bound = trained.with_context(|| {
            format!(
                "training stopped; the last checkpoint is kept in {}",
                checkpoint_path.display()
            )
        })?;
        let seconds = start.elapsed().as_secs_f64();
        let test_elbo = last_of_stage.then(|| {
            let test = trainer.evaluate(data.test.images.view(), spec.seed, pass);
            -test.per_image()
        });
        println!(
            "pass {pass:>4}/{total} (stage {}, lr {:.3e}): train bound {:.2}{} nats, {seconds:.1} s",
            stage.index,
            stage.lr,
            -train_bound,
            test_elbo.map_or(String::new(), |e| format!(", test ELBO {e:.2}")),
        );
        rows.push(Pass {
            pass,
            stage: stage.index,
            lr: stage.lr,
            train_bound: -train_bound,
            seconds,
            finished_utc: progress::now_utc(),
            test_elbo,
        });
        progress::save(&rows, &progress_path)?;
        // The checkpoint goes last: when it says pass N, progress.csv holds pass N.
        if last_of_stage || pass.is_multiple_of(checkpoint_every) || pass == stop {
            trainer.checkpoint(pass, *spec).save(&checkpoint_path)?;
        }
    }
    Ok((trainer, stop.max(done)))
}
// ANCHOR_END: train
