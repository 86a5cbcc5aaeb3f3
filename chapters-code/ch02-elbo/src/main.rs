//! `cargo run -p ch02-elbo`: the KL divergence in closed form against its Monte Carlo
//! estimate, then the evidence lower bound checked on a model whose `log p(x)` is exact.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Parser;

use ch02_elbo::setup::{self, Part, Setup};
use ch02_elbo::{amortised, bound, figures, modes, monte_carlo, report};
use support::atomic::write_atomic;

/// Compares the closed-form KL divergence of a diagonal Gaussian from N(0, I) with its Monte
/// Carlo estimate; then, on a linear-Gaussian model whose log p(x) and posterior are exact,
/// checks that ELBO(q) <= log p(x) with a gap of KL(q || p(z|x)), follows q from the prior to
/// the posterior, and trains one linear encoder for every x. Prints tables, writes two PNGs.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Output folder for the pictures.
    #[arg(long, default_value_os_t = support::paths::default_out("ch02-elbo"))]
    out: PathBuf,

    /// Seed of every random draw; the same seed gives the same numbers and pictures.
    #[arg(long, default_value_t = setup::DEFAULT_SEED)]
    seed: u64,

    /// Draws per Monte Carlo estimate of a KL divergence or an ELBO (at least 2).
    #[arg(long, default_value_t = monte_carlo::DEFAULT_KL_DRAWS)]
    draws: usize,

    /// Random approximate posteriors q to check the bound with (at least 1).
    #[arg(long, default_value_t = bound::DEFAULT_RANDOM_Q)]
    random_q: usize,

    /// Gradient steps to train each encoder.
    #[arg(long, default_value_t = amortised::DEFAULT_STEPS)]
    steps: usize,
}

/// Path points the binary computes and draws (`t` in steps of 1/16); the table prints every
/// fourth.
const PATH_STEPS: usize = 16;

fn main() -> Result<()> {
    let args = Args::parse();
    if args.draws < 2 {
        bail!("--draws must be at least 2, not {}", args.draws);
    }
    if args.random_q == 0 {
        bail!("--random-q must be at least 1");
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create the output folder {}", args.out.display()))?;

    // Everything printed but the file lines also goes into report.txt, which the book quotes.
    let mut text = String::new();
    let mut show = |part: String| {
        print!("{part}");
        text.push_str(&part);
    };
    show(report::kl_pairs(args.seed));
    show(report::kl_sampled(args.seed, args.draws));

    let setup = Setup::new(args.seed);
    show(report::bound_check(&setup, args.seed, args.draws));
    let scored = bound::random_scored(
        &setup,
        args.random_q,
        &mut setup::rng(args.seed, Part::RandomQ),
    );
    show(report::random_study(&scored, setup.log_px));
    let path = bound::path(&setup, PATH_STEPS);
    show(report::path_table(&path, setup.log_px));

    let file = args.out.join("elbo-path.png");
    figures::path_chart(&path, setup.log_px).save_png(&file)?;
    println!("  wrote {}", file.display());
    let file = args.out.join("gap-vs-kl.png");
    let shown = &scored[..scored.len().min(1000)];
    figures::gap_chart(shown, setup.log_px).save_png(&file)?;
    println!(
        "  wrote {} ({} of the random q)",
        file.display(),
        shown.len()
    );

    let results = amortised::study(
        &setup.model,
        args.steps,
        &mut setup::rng(args.seed, Part::Amortisation),
    );
    show(report::encoders(&setup, &results, args.steps));
    let fits = modes::fit_both(&modes::TARGET);
    show(report::modes(&fits));
    let file = args.out.join("modes.png");
    figures::modes_chart(&modes::TARGET, &fits).save_png(&file)?;
    println!("  wrote {}", file.display());
    let file = args.out.join("report.txt");
    write_atomic(&file, text.as_bytes())
        .with_context(|| format!("cannot write {}", file.display()))?;
    println!("  wrote {}", file.display());
    Ok(())
}
