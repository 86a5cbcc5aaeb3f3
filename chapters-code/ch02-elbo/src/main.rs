//! `cargo run -p ch02-elbo`: the KL divergence in closed form against its Monte Carlo
//! estimate, then the evidence lower bound checked on a model whose `log p(x)` is exact.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Parser;

use ch02_elbo::amortised::{self, FamilyResult};
use ch02_elbo::bound::{self, PathPoint};
use ch02_elbo::divergence::{self, kl_normal_1d};
use ch02_elbo::elbo::{elbo_monte_carlo, standard_normal};
use ch02_elbo::figures;
use ch02_elbo::modes;
use ch02_elbo::monte_carlo::{self, kl_monte_carlo};
use ch02_elbo::setup::{self, Part, Setup};

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

    print_kl_properties(args.seed);
    print_kl_monte_carlo(args.seed, args.draws);

    let setup = Setup::new(args.seed);
    print_bound(&setup, args.seed, args.draws);
    let scored = bound::random_scored(
        &setup,
        args.random_q,
        &mut setup::rng(args.seed, Part::RandomQ),
    );
    print_random_study(&scored, setup.log_px);
    let path = bound::path(&setup, PATH_STEPS);
    print_path(&path, setup.log_px);

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
    print_amortised(&setup, &results, args.steps);
    let report = modes::fit_both(&modes::TARGET);
    print_modes(&report);
    let file = args.out.join("modes.png");
    figures::modes_chart(&modes::TARGET, &report).save_png(&file)?;
    println!("  wrote {}", file.display());
    Ok(())
}

fn print_modes(r: &modes::ModesReport) {
    let t = modes::TARGET;
    println!();
    println!(
        "6. One Gaussian q fitted to p = N(-{c}, {s}^2)/2 + N({c}, {s}^2)/2, in each direction",
        c = t.centre,
        s = t.sd
    );
    println!(
        "  {:>22}  {:>16}  {:>9}  {:>9}",
        "q minimises", "q", "KL(p||q)", "KL(q||p)"
    );
    for (name, fit, (forward, reverse)) in [
        ("KL(p||q), covering", r.covering, r.covering_kl),
        ("KL(q||p), seeking", r.seeking, r.seeking_kl),
    ] {
        println!(
            "  {name:>22}  {:>16}  {forward:>9.3}  {reverse:>9.3}",
            format!("N({:.2}, {:.2}^2)", fit.mean, fit.sd)
        );
    }
}

fn print_kl_properties(seed: u64) {
    println!("1. KL divergence between one-dimensional Gaussians N(mean, sd^2)");
    println!(
        "  {:>12}  {:>12}  {:>10}  {:>10}",
        "q", "p", "KL(q||p)", "KL(p||q)"
    );
    let normal = |m: f64, s: f64| format!("N({m}, {s}^2)");
    for (mq, sq, mp, sp) in divergence::PAIRS {
        println!(
            "  {:>12}  {:>12}  {:>10.4}  {:>10.4}",
            normal(mq, sq),
            normal(mp, sp),
            kl_normal_1d(mq, sq, mp, sp),
            kl_normal_1d(mp, sp, mq, sq)
        );
    }
    let count = 100_000;
    let smallest =
        divergence::smallest_over_random_pairs(count, &mut setup::rng(seed, Part::KlMonteCarlo));
    println!("  smallest KL(q||p) over {count} random pairs: {smallest:.2e}");
}

fn print_kl_monte_carlo(seed: u64, draws: usize) {
    println!();
    println!(
        "2. KL(q || N(0, I)), q = N(mu, diag(exp(logvar))): closed form vs Monte Carlo with {draws} draws"
    );
    println!(
        "  {:>34}  {:>9}  {:>9}  {:>8}  {:>7}",
        "q", "closed", "MC", "std err", "z"
    );
    let mut rng = setup::rng(seed, Part::KlMonteCarlo);
    let cases = monte_carlo::kl_cases();
    for case in &cases {
        let closed = case.closed_form();
        let mc = kl_monte_carlo(&case.mu, &case.logvar, draws, &mut rng);
        println!(
            "  {:>34}  {:>9.4}  {:>9.4}  {:>8.4}  {:>7.2}",
            case.name,
            closed,
            mc.mean,
            mc.standard_error,
            mc.z_score(closed)
        );
    }
    let covered = monte_carlo::coverage(
        &cases[2],
        monte_carlo::COVERAGE_REPEATS,
        monte_carlo::COVERAGE_DRAWS,
        &mut rng,
    );
    println!(
        "  {} estimates of {} draws each (k=2 case): {:.1}% within 1.96 standard errors of the closed form",
        monte_carlo::COVERAGE_REPEATS,
        monte_carlo::COVERAGE_DRAWS,
        100.0 * covered
    );
}

fn print_bound(setup: &Setup, seed: u64, draws: usize) {
    let m = &setup.model;
    println!();
    println!(
        "3. The bound on a linear-Gaussian model: z ~ N(0, I_{}), x | z ~ N(W z, {}^2 I_{})",
        m.latent_dim(),
        m.noise_std(),
        m.data_dim()
    );
    let (pm, pc) = (setup.posterior.mean(), setup.posterior.cov());
    println!("  exact log p(x) = {:.6}", setup.log_px);
    println!(
        "  exact posterior: mean ({:.4}, {:.4}), covariance [[{:.5}, {:.5}], [{:.5}, {:.5}]]",
        pm[0],
        pm[1],
        pc[[0, 0]],
        pc[[0, 1]],
        pc[[1, 0]],
        pc[[1, 1]]
    );
    println!(
        "  {:>24}  {:>11}  {:>11}  {:>11}",
        "q", "closed form", "MC", "std err"
    );
    let mut rng = setup::rng(seed, Part::ElboMonteCarlo);
    let halfway = bound::prior_to_posterior(&setup.posterior, 0.5);
    for (name, q) in [
        ("prior N(0, I)", standard_normal(m.latent_dim())),
        ("halfway (t = 0.5)", halfway),
        ("exact posterior", setup.posterior.clone()),
    ] {
        let closed = bound::score(setup, &q).terms.elbo();
        let mc = elbo_monte_carlo(m, setup.x.view(), &q, draws, &mut rng);
        println!(
            "  {name:>24}  {closed:>11.6}  {:>11.6}  {:>11.2e}",
            mc.mean, mc.standard_error
        );
    }
    println!(
        "  ELBO(exact posterior) - log p(x) = {:.1e}",
        bound::posterior_gap(setup)
    );
}

fn print_random_study(scored: &[bound::Scored], log_px: f64) {
    let s = bound::summarise(scored, log_px);
    println!("  {} random Gaussians q:", s.count);
    println!(
        "    largest ELBO(q) - log p(x): {:.4} (the bound held every time)",
        s.max_elbo_minus_log_px
    );
    println!(
        "    gaps log p(x) - ELBO(q) from {:.4} to {:.1} nats",
        s.min_gap, s.max_gap
    );
    println!(
        "    largest |gap - KL(q || p(z|x))| / max(1, gap): {:.1e}",
        s.max_identity_error
    );
}

fn print_path(path: &[PathPoint], log_px: f64) {
    println!();
    println!("4. From the prior (t = 0) to the posterior (t = 1): q_t = N(t m*, (1-t) I + t S*)");
    println!(
        "  {:>5}  {:>15}  {:>13}  {:>10}  {:>10}  {:>14}",
        "t", "E_q[log p(x|z)]", "KL(q || p(z))", "ELBO", "gap", "KL(q || p(z|x))"
    );
    for p in path.iter().step_by(4) {
        let t = &p.scored.terms;
        println!(
            "  {:>5.2}  {:>15.4}  {:>13.4}  {:>10.4}  {:>10.4}  {:>14.4}",
            p.t,
            t.reconstruction,
            t.kl,
            t.elbo(),
            log_px - t.elbo(),
            p.scored.kl_to_posterior
        );
    }
}

fn print_amortised(setup: &Setup, results: &[FamilyResult], steps: usize) {
    println!();
    println!(
        "5. One encoder q(z|x) = N(A x + c, S) for all x, {steps} steps of gradient ascent on the mean ELBO of {} points",
        amortised::TRAIN_POINTS
    );
    println!(
        "  mean gap log p(x) - ELBO on {} held-out points, in nats:",
        amortised::TEST_POINTS
    );
    println!(
        "  {:>20}  {:>16}  {:>12}  {:>12}",
        "family", "best q per point", "encoder", "(training)"
    );
    for r in results {
        let per_point = r
            .per_point_test_gap
            .map_or("-".to_string(), |g| format!("{g:.2e}"));
        println!(
            "  {:>20}  {:>16}  {:>12.2e}  {:>12.2e}",
            r.encoder.family.name(),
            per_point,
            r.test_gap,
            r.train_gap
        );
    }
    let exact = amortised::exact_map(&setup.model);
    let full = &results[0].encoder;
    let max_diff = (&full.a - &exact)
        .iter()
        .fold(0.0f64, |m, d| m.max(d.abs()));
    println!(
        "  full-covariance encoder: largest |A - A*| = {max_diff:.1e}, where A* = S* W^T / s^2"
    );
}
