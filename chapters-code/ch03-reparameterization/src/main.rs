//! `cargo run -p ch03-reparameterization`: the score-function and pathwise gradient estimators
//! side by side: their averages against exact gradients, their variances, how the variances
//! grow with the dimension, and what they do to training with one sample per step.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Parser;
use rand::SeedableRng;
use rand::rngs::StdRng;

use ch03_reparameterization::comparison::{self, Estimates, Row};
use ch03_reparameterization::dimension::{self, DimRow};
use ch03_reparameterization::figures;
use ch03_reparameterization::seeds::{self, Part, part_seed};
use ch03_reparameterization::training::{self, Method, TrainingRow};
use support::summary::Moments;

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
    let rng = |part| StdRng::seed_from_u64(part_seed(args.seed, part));

    // Every option is checked before any work or any file is written.
    let rows = comparison::table(args.samples, &mut rng(Part::Comparison))?;
    let dim_rows = dimension::table(
        &dimension::TABLE_DIMS,
        dimension::DIM_Q,
        args.dim_samples,
        &mut rng(Part::Dimension),
    )?;
    let training_rows = training::table(
        &training::STEP_SIZES,
        args.steps,
        args.runs,
        part_seed(args.seed, Part::Training),
    )?;

    print_comparison(&rows, args.samples);
    print_dimension(&dim_rows, args.dim_samples);
    print_training(&training_rows, args.steps, args.runs);

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

fn mean_pm(s: &Estimates) -> String {
    format!("{:.3} ± {:.3}", s.mean, s.standard_error)
}

fn print_comparison(rows: &[Row], samples: usize) {
    let q = comparison::TABLE_Q;
    println!(
        "1. Gradient of E[f(z)], z ~ N({}, {}^2): mean of {samples} one-sample estimates ± standard error",
        q.mu, q.sigma
    );
    println!("   and the variance of one estimate (exact value in brackets)");
    println!(
        "  {:<8} {:<10} {:>8}  {:>17}  {:>17}  {:>17}  {:>19}  {:>6}",
        "f",
        "gradient",
        "exact",
        "pathwise",
        "score function",
        "var pathwise",
        "var score function",
        "ratio"
    );
    for r in rows {
        println!(
            "  {:<8} {:<10} {:>8.3}  {:>17}  {:>17}  {:>17}  {:>19}  {:>6.2}",
            r.function.name(),
            r.parameter.name(),
            r.exact,
            mean_pm(&r.pathwise),
            mean_pm(&r.score),
            variance_cell(&r.pathwise),
            variance_cell(&r.score),
            r.variance_ratio()
        );
    }
}

fn variance_cell(s: &Estimates) -> String {
    format!("{} ({})", short(s.variance), short(s.exact_variance))
}

/// Four significant digits, without an exponent for the magnitudes in these tables.
fn short(v: f64) -> String {
    let digits = if v.abs() >= 1000.0 {
        0
    } else {
        (3 - v.abs().log10().floor() as i32).clamp(0, 6) as usize
    };
    format!("{v:.digits$}")
}

fn print_dimension(rows: &[DimRow], samples: usize) {
    let q = dimension::DIM_Q;
    println!();
    println!(
        "2. d/dmu_1 of E[(z_1^2 + ... + z_k^2) / 2], every z_i ~ N({}, {}^2): exact value {}, {samples} one-sample estimates per row",
        q.mu, q.sigma, q.mu
    );
    println!(
        "   mean ± standard error, then the variance of one estimate (exact value in brackets)"
    );
    println!(
        "  {:>5}  {:>15}  {:>17}  {:>17}  {:>13}  {:>19}  {:>17}",
        "k",
        "pathwise",
        "score function",
        "score + baseline",
        "var pathwise",
        "var score function",
        "var score + base."
    );
    let pm = |m: &Moments| format!("{:.3} ± {:.3}", m.mean(), m.standard_error());
    let var = |m: &Moments, exact: f64| format!("{} ({})", short(m.variance()), short(exact));
    for r in rows {
        let v = &r.exact_variances;
        println!(
            "  {:>5}  {:>15}  {:>17}  {:>17}  {:>13}  {:>19}  {:>17}",
            r.dim,
            pm(&r.pathwise),
            pm(&r.score),
            pm(&r.score_baseline),
            var(&r.pathwise, v.pathwise),
            var(&r.score, v.score),
            var(&r.score_baseline, v.score_baseline)
        );
    }
}

fn print_training(rows: &[TrainingRow], steps: usize, runs: usize) {
    let (p, s) = (training::TARGET, training::START);
    println!();
    println!(
        "3. Fitting q to p = N({}, {}^2) from q = N({}, {}^2): {steps} steps of gradient ascent, one sample per step",
        p.mu, p.sigma, s.mu, s.sigma
    );
    println!("   median final KL(q || p) over {runs} runs [runs that diverged]");
    print!("  {:>9}", "step size");
    for m in Method::ALL {
        print!("  {:>22}", m.name());
    }
    println!();
    for chunk in rows.chunks(Method::ALL.len()) {
        print!("  {:>9}", chunk[0].step_size);
        for r in chunk {
            let kl = r.median_kl();
            let kl = if kl.is_finite() {
                format!("{kl:.4}")
            } else {
                "diverged".into()
            };
            print!("  {:>22}", format!("{kl} [{}/{}]", r.diverged(), runs));
        }
        println!();
    }
}
