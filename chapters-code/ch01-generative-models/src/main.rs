//! `cargo run -p ch01-generative-models`: one data set fitted by a discriminative and a
//! generative model, then the naive Monte Carlo estimate of `p(x)` failing as dimension grows.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Parser;

use ch01_generative_models::figures;
use ch01_generative_models::naive_mc::{self, ErrorColumn};
use ch01_generative_models::two_models::{self, ODD_POINT, TwoModels};

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
    if args.max_draws < 10 {
        bail!("--max-draws must be at least 10, not {}", args.max_draws);
    }
    if args.repeats == 0 {
        bail!("--repeats must be at least 1");
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create the output folder {}", args.out.display()))?;

    let run = TwoModels::run(args.per_class, args.samples, args.seed)?;
    print_two_models(&run);
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
    )?;
    print_error_table(&columns, args.repeats);
    let path = args.out.join("naive-mc-error.png");
    figures::naive_error_chart(&columns).save_png(&path)?;
    println!("  wrote {}", path.display());

    print_cost_table(args.seed)?;
    print_image_sized_run(*counts.last().expect("max_draws >= 10"), args.seed)?;
    Ok(())
}

fn print_two_models(run: &TwoModels) {
    let (w, b) = (&run.logistic.weights, run.logistic.bias);
    println!("1. One data set, two models");
    println!(
        "  {} training points per class, {} test points per class",
        run.train.len() / 2,
        run.test.len() / 2
    );
    let sign = if b < 0.0 { '-' } else { '+' };
    println!(
        "  logistic regression  p(y=1|x) = sigmoid({:.2} x1 + {:.2} x2 {sign} {:.2}), fitted in {} gradient steps",
        w[0],
        w[1],
        b.abs(),
        run.logistic_steps
    );
    for (c, g) in run.gaussians.classes.iter().enumerate() {
        let (m, s) = (g.mean(), g.cov());
        println!(
            "  Gaussian of class {c}  p(y={c}) = {:.2}, mean ({:.2}, {:.2}), covariance [[{:.2}, {:.2}], [{:.2}, {:.2}]]",
            run.gaussians.priors[c],
            m[0],
            m[1],
            s[[0, 0]],
            s[[0, 1]],
            s[[1, 0]],
            s[[1, 1]]
        );
    }
    println!(
        "  test accuracy: logistic regression {:.1}%, Gaussians by Bayes' rule {:.1}%",
        100.0 * run.logistic_accuracy(),
        100.0 * run.generative_accuracy()
    );
    println!(
        "  mean log p(x) of the test points under the Gaussians: {:.2}",
        run.mean_test_log_density()
    );
    let (p1, log_px) = run.judge_odd_point();
    println!(
        "  at the odd point x = ({}, {}): logistic regression says p(y=1|x) = {:.11}; the Gaussians say log p(x) = {:.1}",
        ODD_POINT[0], ODD_POINT[1], p1, log_px
    );
    println!(
        "  {} new points sampled from the Gaussians ({} of class 1)",
        run.sampled.len(),
        run.sampled.y.iter().filter(|&&c| c == 1).count()
    );
}

fn print_error_table(columns: &[ErrorColumn], repeats: usize) {
    println!();
    println!(
        "2. Naive Monte Carlo: p(x) ~ (1/N) sum_n p(x|z_n), z_n ~ N(0, I), latent k = {}, noise s = {}",
        naive_mc::TABLE_LATENT_DIM,
        naive_mc::NOISE_STD
    );
    println!(
        "  relative error |p_hat/p - 1|, root mean square over {repeats} runs (theory in brackets)"
    );
    print!("  {:>9}", "N");
    for c in columns {
        print!("  {:>22}", format!("D = {}", c.data_dim));
    }
    println!();
    for (i, row) in columns[0].rows.iter().enumerate() {
        print!("  {:>9}", row.samples);
        for c in columns {
            let r = &c.rows[i];
            let cell = format!(
                "{} ({})",
                percent(r.rms_relative_error),
                percent(r.predicted_relative_error)
            );
            print!("  {cell:>22}");
        }
        println!();
    }
    let first = &columns[0].rows[0];
    print!("  median p_hat/p at N = {}:", first.samples);
    for c in columns {
        print!(
            "  {:>12}",
            format!("10^{:.1}", c.rows[0].median_log10_ratio)
        );
    }
    println!();
}

/// `0.0123` as `1.23%`, with three significant digits.
fn percent(fraction: f64) -> String {
    let p = 100.0 * fraction;
    if p >= 1000.0 {
        format!("{p:.0}%")
    } else if p >= 10.0 {
        format!("{p:.1}%")
    } else {
        format!("{p:.2}%")
    }
}

fn print_cost_table(seed: u64) -> Result<()> {
    println!();
    println!(
        "3. Prior draws needed for a 10% relative error (log10, exact, mean over {} data points)",
        naive_mc::COST_POINTS
    );
    print!("  {:>6}", "D");
    for k in naive_mc::COST_LATENT_DIMS {
        print!("  {:>8}", format!("k = {k}"));
    }
    println!();
    let tables = naive_mc::COST_LATENT_DIMS
        .iter()
        .map(|&k| {
            naive_mc::cost_by_dimension(
                k,
                &naive_mc::COST_DATA_DIMS,
                naive_mc::NOISE_STD,
                naive_mc::COST_POINTS,
                seed,
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    for (i, &d) in naive_mc::COST_DATA_DIMS.iter().enumerate() {
        print!("  {d:>6}");
        for table in &tables {
            print!("  {:>8.1}", table[i].log10_samples_for_10_percent);
        }
        println!();
    }
    Ok(())
}

fn print_image_sized_run(draws: usize, seed: u64) -> Result<()> {
    let (k, d) = (naive_mc::IMAGE_LATENT_DIM, naive_mc::IMAGE_DATA_DIM);
    let column = naive_mc::error_table(k, &[d], naive_mc::NOISE_STD, &[draws], 1, seed)?;
    let row = &column[0].rows[0];
    println!(
        "  one run at D = {d}, k = {k} with {draws} draws: p_hat / p = 10^{:.0}",
        row.median_log10_ratio
    );
    Ok(())
}
