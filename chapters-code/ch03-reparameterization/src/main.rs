//! `cargo run -p ch03-reparameterization`: the score-function and pathwise gradient estimators
//! side by side: their averages against exact gradients, their variances, how the variances
//! grow with the dimension, and what they do to training with one sample per step.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Parser;

use ch03_reparameterization::figures;
use ch03_reparameterization::seeds::{self, Part};
use ch03_reparameterization::training;
use ch03_reparameterization::{comparison, dimension, report};

/// Estimates the gradient of E[f(z)], z ~ N(mu, sigma^2), with respect to mu and log sigma by
/// the score-function and the pathwise estimators; prints their averages and variances, the
/// variance as the dimension of z grows, and a small fit with one sample per step. Writes two
/// PNGs.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Output folder for the pictures.
    #[arg(long, default_value_os_t = support::paths::default_out("ch03-reparameterization"))]
    out: PathBuf,

    /// Seed of every random draw; the same seed gives the same numbers and pictures.
    #[arg(long, default_value_t = seeds::DEFAULT_SEED)]
    seed: u64,

    /// Single-sample estimates per entry of the first table, and for the histograms (at least 2).
    #[arg(long, default_value_t = comparison::DEFAULT_SAMPLES)]
    samples: usize,

    /// Single-sample estimates per dimension in the second table (at least 2).
    #[arg(long, default_value_t = dimension::DEFAULT_SAMPLES)]
    dim_samples: usize,

    /// Gradient steps per training run (at least 1).
    #[arg(long, default_value_t = training::DEFAULT_STEPS)]
    steps: usize,

    /// Training runs per estimator and step size (at least 1).
    #[arg(long, default_value_t = training::DEFAULT_RUNS)]
    runs: usize,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let rng = |part| seeds::rng(args.seed, part, 0);

    // Every option is checked before any work or any file is written.
    let rows = comparison::table(args.samples, &mut rng(Part::Comparison))?;
    let dim_rows = dimension::table(
        &dimension::TABLE_DIMS,
        dimension::DIM_Q,
        args.dim_samples,
        &mut rng(Part::Dimension),
    )?;
    let training_rows = training::table(&training::STEP_SIZES, args.steps, args.runs, args.seed)?;

    print!("{}", report::comparison(&rows, args.samples));
    print!("{}", report::dimension(&dim_rows, args.dim_samples));
    print!(
        "{}",
        report::training(&training_rows, args.steps, args.runs)
    );

    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create the output folder {}", args.out.display()))?;
    println!();
    println!("4. Pictures");
    let (chart, outside) = figures::estimator_histograms(args.samples, &mut rng(Part::Histograms))?;
    let path = args.out.join("estimator-histograms.png");
    chart.save_png(&path)?;
    println!(
        "  wrote {} ({:.1}% of pathwise and {:.1}% of score-function estimates fall outside its range)",
        path.display(),
        100.0 * outside[0],
        100.0 * outside[1]
    );
    let path = args.out.join("variance-by-dimension.png");
    figures::variance_by_dimension(&dim_rows, dimension::DIM_Q).save_png(&path)?;
    println!("  wrote {}", path.display());
    Ok(())
}
