//! `cargo run -p ch01-generative-models`: one data set fitted by a discriminative and a
//! generative model, then the naive Monte Carlo estimate of `p(x)` failing as dimension grows.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Parser;

use ch01_generative_models::two_models::{self, TwoModels};
use ch01_generative_models::{figures, naive_mc, report};

/// Fits a toy 2-D data set both ways and samples from the generative fit; then estimates
/// log p(x) of a latent-variable model by sampling z from the prior, and shows how many samples
/// that takes as the dimension grows. Prints the numbers and writes two PNGs.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Output folder for the pictures.
    #[arg(long, default_value_os_t = support::paths::default_out("ch01-generative-models"))]
    out: PathBuf,

    /// Seed of every random draw; the same seed gives the same numbers and pictures.
    #[arg(long, default_value_t = two_models::DEFAULT_SEED)]
    seed: u64,

    /// Training points per class (at least 3).
    #[arg(long, default_value_t = two_models::DEFAULT_PER_CLASS)]
    per_class: usize,

    /// New points to sample from the generative fit.
    #[arg(long, default_value_t = two_models::DEFAULT_SAMPLES)]
    samples: usize,

    /// Largest number of prior draws for the naive estimate (at least 10); the table's rows
    /// are the powers of 10 up to it.
    #[arg(long, default_value_t = naive_mc::DEFAULT_MAX_DRAWS)]
    max_draws: usize,

    /// Independent runs of the naive estimate behind each entry of the table (at least 1).
    #[arg(long, default_value_t = naive_mc::DEFAULT_REPEATS)]
    repeats: usize,
}

fn main() -> Result<()> {
    let args = Args::parse();
    if args.per_class < 3 {
        bail!("--per-class must be at least 3, not {}", args.per_class);
    }
    if args.max_draws < 10 {
        bail!("--max-draws must be at least 10, not {}", args.max_draws);
    }
    if args.repeats == 0 {
        bail!("--repeats must be at least 1");
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create the output folder {}", args.out.display()))?;

    let run = TwoModels::run(args.per_class, args.samples, args.seed)?;
    print!("{}", report::two_models(&run));
    let path = args.out.join("two-models.png");
    figures::two_models_chart(&run).save_png(&path)?;
    println!("  wrote {}", path.display());

    let counts: Vec<usize> = std::iter::successors(Some(10usize), |n| n.checked_mul(10))
        .take_while(|&n| n <= args.max_draws)
        .collect();
    let columns = naive_mc::error_table(
        naive_mc::TABLE_LATENT_DIM,
        &naive_mc::TABLE_DATA_DIMS,
        naive_mc::NOISE_STD,
        &counts,
        args.repeats,
        args.seed,
    );
    print!("{}", report::error_table(&columns, args.repeats));
    let path = args.out.join("naive-mc-error.png");
    figures::naive_error_chart(&columns).save_png(&path)?;
    println!("  wrote {}", path.display());

    print!("{}", report::cost_table(args.seed));
    let draws = *counts.last().expect("max_draws >= 10");
    print!("{}", report::image_sized_run(draws, args.seed));
    Ok(())
}
