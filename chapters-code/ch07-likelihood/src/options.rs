//! The command line of `cargo run -p ch07-likelihood`, and the checks that refuse impossible
//! values, by name, before any work starts.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::Parser;

use crate::binarize::Binarize;
use crate::schedule::Schedule;

/// Trains Burda et al.'s VAE on binarized MNIST and measures it: by default the quick schedule,
/// for a VAE trained on the ELBO (k = 1) and one on the IWAE bound (k = 5), side by side, with
/// log p(x), the ELBO and the active units of each. `--schedule full` runs the paper's 3,280
/// passes (hours), resumable with `--resume`; `--evaluate PATH` scores a saved model;
/// `--gaps PATH` splits its inference gap into approximation and amortization;
/// `--active-units PATH` counts its active units at several thresholds on several image sets;
/// `--ais PATH` measures how far below log p(x) its importance-sampled estimate sits;
/// `--compare RUN RUN...` sets full runs of different seeds side by side.
#[derive(Debug, Clone, Parser)]
#[command(version)]
pub struct Options {
    /// quick (13 passes over 10,000 images, the two models side by side) or full (the paper's
    /// 3,280 passes over the 60,000).
    #[arg(long, value_enum, default_value_t = Schedule::Quick)]
    pub schedule: Schedule,

    /// With --schedule full: samples per image in the training bound (1 is the ELBO, more the
    /// IWAE bound).
    #[arg(long, default_value_t = 1, value_parser = support::cli::at_least_one)]
    pub train_k: usize,

    /// Images per gradient step (the paper's 20).
    #[arg(long, default_value_t = 20, value_parser = support::cli::at_least_one)]
    pub batch_size: usize,

    /// Seed of every random choice: initial weights, batch order, binarization, noise.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// none, static or dynamic (the paper's, and the default).
    #[arg(long, value_enum, default_value_t = Binarize::Dynamic)]
    pub binarize: Binarize,

    /// Folder holding the four MNIST IDX files (fetched into data/mnist/ when absent).
    #[arg(long, env = "MNIST_DIR")]
    pub data_dir: Option<PathBuf>,

    /// Train on the first N training images only (the quick run's default is 10,000).
    #[arg(long, value_parser = support::cli::at_least_one)]
    pub limit: Option<usize>,

    /// Threads to train on. A run is reproducible bit for bit for a given number (so the
    /// default is fixed, not the machine's core count), and --resume needs the same one.
    #[arg(long, default_value_t = 2, value_parser = support::cli::at_least_one)]
    pub threads: usize,

    /// Save the checkpoint every N passes inside a stage (and always at a stage's end).
    #[arg(long, default_value_t = 10, value_parser = support::cli::at_least_one)]
    pub checkpoint_every: usize,

    /// With --schedule full: stop after this many passes of the schedule (checkpoint saved);
    /// --resume continues from there.
    #[arg(long, value_name = "PASSES", value_parser = support::cli::at_least_one)]
    pub stop_after: Option<usize>,

    /// Continue the --schedule full run whose checkpoint is in --out.
    #[arg(long)]
    pub resume: bool,

    /// Score the model of this checkpoint instead of training: log p(x), ELBO, active units.
    #[arg(long, value_name = "PATH")]
    pub evaluate: Option<PathBuf>,

    /// Split the inference gap of this checkpoint's model on --gap-images test images.
    #[arg(long, value_name = "PATH")]
    pub gaps: Option<PathBuf>,

    /// Count the active units of this checkpoint's model at several thresholds, on the test
    /// and the training images, and list each unit's variance.
    #[arg(long, value_name = "PATH")]
    pub active_units: Option<PathBuf>,

    /// Measure the importance-sampled log p(x) of this checkpoint's model against annealed
    /// importance sampling, on --ais-images test digits and as many digits simulated from the
    /// model (where reverse AIS bounds it from above).
    #[arg(long, value_name = "PATH")]
    pub ais: Option<PathBuf>,

    /// Compare finished full runs of one recipe that differ in their seed: give each run's
    /// folder (its checkpoint.bin, evaluation.csv and per_image.csv); writes seeds.csv.
    #[arg(long, value_name = "RUN", num_args = 2..)]
    pub compare: Vec<PathBuf>,

    /// Images of each kind (test, simulated) for --ais.
    #[arg(long, default_value_t = 50, value_parser = support::cli::at_least_one)]
    pub ais_images: usize,

    /// Annealing steps of --ais's longest runs (it also runs a tenth as many), and of the AIS
    /// estimate that --gaps adds.
    #[arg(long, default_value_t = 2000, value_parser = support::cli::at_least_one)]
    pub ais_steps: usize,

    /// Importance samples per image for log p(x) (the paper's 5,000). The quick run's default
    /// is 1,000.
    #[arg(long, value_parser = support::cli::at_least_one)]
    pub k: Option<usize>,

    /// Test images to score (default: all 10,000; the quick run's default is 1,000).
    #[arg(long, value_parser = support::cli::at_least_one)]
    pub test_images: Option<usize>,

    /// Test images on which --gaps optimises each image's own Gaussian.
    #[arg(long, default_value_t = 200, value_parser = support::cli::at_least_one)]
    pub gap_images: usize,

    /// Adam steps of --gaps on each image's own Gaussian.
    #[arg(long, default_value_t = 500, value_parser = support::cli::at_least_one)]
    pub gap_steps: usize,

    /// Output folder.
    #[arg(long, default_value_os_t = support::paths::default_out("ch07-likelihood"))]
    pub out: PathBuf,
}

impl Options {
    /// Refuses values that cannot work, with a message naming the option.
    pub fn validate(&self) -> Result<()> {
        let jobs: Vec<&str> = [
            ("--evaluate", self.evaluate.is_some()),
            ("--gaps", self.gaps.is_some()),
            ("--active-units", self.active_units.is_some()),
            ("--ais", self.ais.is_some()),
            ("--compare", !self.compare.is_empty()),
        ]
        .into_iter()
        .filter_map(|(name, given)| given.then_some(name))
        .collect();
        if jobs.len() > 1 {
            bail!(
                "{} are different jobs: give one of them",
                jobs.join(" and ")
            );
        }
        if self.resume && !jobs.is_empty() {
            bail!(
                "--resume continues a training run; it does not go with {}",
                jobs[0]
            );
        }
        if self.resume && self.schedule != Schedule::Full {
            bail!("--resume continues a --schedule full run: add --schedule full");
        }
        if self.stop_after.is_some() && self.schedule != Schedule::Full {
            bail!("--stop-after applies to --schedule full");
        }
        if self.train_k != 1 && self.schedule != Schedule::Full {
            bail!(
                "--train-k applies to --schedule full; the quick run trains k = 1 and k = 5 itself"
            );
        }
        if self.out.exists() && !self.out.is_dir() {
            bail!("--out {} is a file, not a folder", self.out.display());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Options {
        Options::try_parse_from(std::iter::once("ch07").chain(args.iter().copied())).unwrap()
    }

    /// The error of parsing `args` (clap's, which names the option) or, once they parse, of
    /// validating them.
    fn refusal(args: &[&str]) -> String {
        match Options::try_parse_from(std::iter::once("ch07").chain(args.iter().copied())) {
            Err(e) => e.to_string(),
            Ok(o) => o.validate().unwrap_err().to_string(),
        }
    }

    #[test]
    fn the_defaults_are_the_paper_settings_on_the_quick_schedule() {
        let o = parse(&[]);
        assert_eq!((o.batch_size, o.train_k, o.seed), (20, 1, 1));
        assert_eq!(o.binarize, Binarize::Dynamic);
        assert_eq!(o.schedule, Schedule::Quick);
        o.validate().unwrap();
    }

    #[test]
    fn impossible_values_are_refused_by_name() {
        for (args, name) in [
            (&["--batch-size", "0"][..], "--batch-size"),
            (&["--schedule", "full", "--train-k", "0"], "--train-k"),
            (&["--checkpoint-every", "0"], "--checkpoint-every"),
            (&["--k", "0"], "--k"),
            (&["--test-images", "0"], "--test-images"),
            (&["--gap-images", "0"], "--gap-images"),
            (&["--ais-steps", "0"], "--ais-steps"),
            (&["--ais", "a", "--gaps", "b"], "--ais"),
            (&["--limit", "0"], "--limit"),
            (&["--threads", "0"], "--threads"),
            (&["--resume"], "--schedule full"),
            (&["--train-k", "5"], "--train-k"),
            (&["--evaluate", "a", "--gaps", "b"], "--gaps"),
            (&["--gaps", "a", "--active-units", "b"], "--active-units"),
            (
                &["--evaluate", "a", "--active-units", "b"],
                "--active-units",
            ),
            (
                &["--schedule", "full", "--resume", "--active-units", "b"],
                "--active-units",
            ),
            (&["--schedule", "full", "--stop-after", "0"], "--stop-after"),
            (&["--stop-after", "3"], "--stop-after"),
            (&["--compare", "a", "b", "--ais", "c"], "--compare"),
        ] {
            let err = refusal(args);
            assert!(err.contains(name), "{args:?}: {err}");
        }
    }

    #[test]
    fn malformed_values_are_parse_errors() {
        let bad = |args: &[&str]| {
            Options::try_parse_from(std::iter::once("x").chain(args.iter().copied())).is_err()
        };
        assert!(bad(&["--schedule", "slow"]));
        assert!(bad(&["--binarize", "otsu"]));
        assert!(bad(&["--k", "-3"]));
        assert!(bad(&["--epochs", "3"]));
        assert!(bad(&["--compare", "one-run-only"]));
    }
}
