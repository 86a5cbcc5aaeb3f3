//! The tables the binary prints, one function per numbered part, each returning its text so
//! that it can be tested.

use std::fmt::Write;

use crate::amortised::{self, FamilyResult};
use crate::bound::{self, PathPoint};
use crate::divergence::{self, kl_normal_1d};
use crate::elbo::{elbo_monte_carlo, standard_normal};
use crate::modes;
use crate::monte_carlo::{self, kl_monte_carlo};
use crate::setup::{self, Part, Setup};

/// Part 1: the KL divergence between pairs of one-dimensional Gaussians, both ways, and the
/// smallest of it over random pairs.
pub fn kl_pairs(seed: u64) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "1. KL divergence between one-dimensional Gaussians N(mean, sd^2)"
    );
    let _ = writeln!(
        text,
        "  {:>12}  {:>12}  {:>10}  {:>10}",
        "q", "p", "KL(q||p)", "KL(p||q)"
    );
    let normal = |m: f64, s: f64| format!("N({m}, {s}^2)");
    for (mq, sq, mp, sp) in divergence::PAIRS {
        let _ = writeln!(
            text,
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
    let _ = writeln!(
        text,
        "  smallest KL(q||p) over {count} random pairs: {smallest:.2e}"
    );
    text
}

/// Part 2: the closed-form KL divergence of diagonal Gaussians from N(0, I) against its Monte
/// Carlo estimate with `draws` draws, and how often the estimate covers it.
pub fn kl_sampled(seed: u64, draws: usize) -> String {
    let mut text = String::new();
    let _ = writeln!(text);
    let _ = writeln!(
        text,
        "2. KL(q || N(0, I)), q = N(mu, diag(exp(logvar))): closed form vs Monte Carlo with {draws} draws"
    );
    let _ = writeln!(
        text,
        "  {:>34}  {:>9}  {:>9}  {:>8}  {:>7}",
        "q", "closed", "MC", "std err", "z"
    );
    let mut rng = setup::rng(seed, Part::KlMonteCarlo);
    let cases = monte_carlo::kl_cases();
    for case in &cases {
        let closed = case.closed_form();
        let mc = kl_monte_carlo(&case.mu, &case.logvar, draws, &mut rng);
        let _ = writeln!(
            text,
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
    let _ = writeln!(
        text,
        "  {} estimates of {} draws each (k=2 case): {:.1}% within 1.96 standard errors of the closed form",
        monte_carlo::COVERAGE_REPEATS,
        monte_carlo::COVERAGE_DRAWS,
        100.0 * covered
    );
    text
}

/// Part 3: the exact `log p(x)` and posterior of the model, and the ELBO of three `q`s in
/// closed form and by sampling.
pub fn bound_check(setup: &Setup, seed: u64, draws: usize) -> String {
    let mut text = String::new();
    let m = &setup.model;
    let _ = writeln!(text);
    let _ = writeln!(
        text,
        "3. The bound on a linear-Gaussian model: z ~ N(0, I_{}), x | z ~ N(W z, {}^2 I_{})",
        m.latent_dim(),
        m.noise_std(),
        m.data_dim()
    );
    let (pm, pc) = (setup.posterior.mean(), setup.posterior.cov());
    let _ = writeln!(text, "  exact log p(x) = {:.6}", setup.log_px);
    let _ = writeln!(
        text,
        "  exact posterior: mean ({:.4}, {:.4}), covariance [[{:.5}, {:.5}], [{:.5}, {:.5}]]",
        pm[0],
        pm[1],
        pc[[0, 0]],
        pc[[0, 1]],
        pc[[1, 0]],
        pc[[1, 1]]
    );
    let _ = writeln!(
        text,
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
        let _ = writeln!(
            text,
            "  {name:>24}  {closed:>11.6}  {:>11.6}  {:>11.2e}",
            mc.mean, mc.standard_error
        );
    }
    let _ = writeln!(
        text,
        "  ELBO(exact posterior) - log p(x) = {:.1e}",
        bound::posterior_gap(setup)
    );
    text
}

/// The end of part 3: the bound and its gap over the random `q`s.
pub fn random_study(scored: &[bound::Scored], log_px: f64) -> String {
    let mut text = String::new();
    let s = bound::summarise(scored, log_px);
    let _ = writeln!(text, "  {} random Gaussians q:", s.count);
    let _ = writeln!(
        text,
        "    largest ELBO(q) - log p(x): {:.4} (the bound held every time)",
        s.max_elbo_minus_log_px
    );
    let _ = writeln!(
        text,
        "    gaps log p(x) - ELBO(q) from {:.4} to {:.1} nats",
        s.min_gap, s.max_gap
    );
    let _ = writeln!(
        text,
        "    largest |gap - KL(q || p(z|x))| / max(1, gap): {:.1e}",
        s.max_identity_error
    );
    text
}

/// Part 4: the terms of the ELBO along the path from the prior to the posterior, every fourth
/// point.
pub fn path_table(path: &[PathPoint], log_px: f64) -> String {
    let mut text = String::new();
    let _ = writeln!(text);
    let _ = writeln!(
        text,
        "4. From the prior (t = 0) to the posterior (t = 1): q_t = N(t m*, (1-t) I + t S*)"
    );
    let _ = writeln!(
        text,
        "  {:>5}  {:>15}  {:>13}  {:>10}  {:>10}  {:>14}",
        "t", "E_q[log p(x|z)]", "KL(q || p(z))", "ELBO", "gap", "KL(q || p(z|x))"
    );
    for p in path.iter().step_by(4) {
        let t = &p.scored.terms;
        let _ = writeln!(
            text,
            "  {:>5.2}  {:>15.4}  {:>13.4}  {:>10.4}  {:>10.4}  {:>14.4}",
            p.t,
            t.reconstruction,
            t.kl,
            t.elbo(),
            log_px - t.elbo(),
            p.scored.kl_to_posterior
        );
    }
    text
}

/// Part 5: the gaps left by each family of encoders, and how close the full one comes to the
/// exact map.
pub fn encoders(setup: &Setup, results: &[FamilyResult], steps: usize) -> String {
    let mut text = String::new();
    let _ = writeln!(text);
    let _ = writeln!(
        text,
        "5. One encoder q(z|x) = N(A x + c, S) for all x, {steps} steps of gradient ascent on the mean ELBO of {} points",
        amortised::TRAIN_POINTS
    );
    let _ = writeln!(
        text,
        "  mean gap log p(x) - ELBO on {} held-out points, in nats:",
        amortised::TEST_POINTS
    );
    let _ = writeln!(
        text,
        "  {:>20}  {:>16}  {:>12}  {:>12}",
        "family", "best q per point", "encoder", "(training)"
    );
    for r in results {
        let per_point = r
            .per_point_test_gap
            .map_or("-".to_string(), |g| format!("{g:.2e}"));
        let _ = writeln!(
            text,
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
    let _ = writeln!(
        text,
        "  full-covariance encoder: largest |A - A*| = {max_diff:.1e}, where A* = S* W^T / s^2"
    );
    text
}

/// Part 6: one Gaussian fitted to a mixture of two, by each direction of the KL divergence.
pub fn modes(r: &modes::ModesReport) -> String {
    let t = modes::TARGET;
    let mut text = String::new();
    let _ = writeln!(text);
    let _ = writeln!(
        text,
        "6. One Gaussian q fitted to p = N(-{c}, {s}^2)/2 + N({c}, {s}^2)/2, in each direction",
        c = t.centre,
        s = t.sd
    );
    let _ = writeln!(
        text,
        "  {:>22}  {:>16}  {:>9}  {:>9}",
        "q minimises", "q", "KL(p||q)", "KL(q||p)"
    );
    for (name, fit, (forward, reverse)) in [
        ("KL(p||q), covering", r.covering, r.covering_kl),
        ("KL(q||p), seeking", r.seeking, r.seeking_kl),
    ] {
        let _ = writeln!(
            text,
            "  {name:>22}  {:>16}  {forward:>9.3}  {reverse:>9.3}",
            format!("N({:.2}, {:.2}^2)", fit.mean, fit.sd)
        );
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_table_prints_every_fourth_point_and_closes_the_gap_at_the_posterior() {
        let setup = Setup::new(setup::DEFAULT_SEED);
        let text = path_table(&bound::path(&setup, 8), setup.log_px);
        let rows: Vec<&str> = text.lines().skip(3).collect();
        assert_eq!(rows.len(), 3, "{text}");
        assert!(rows[0].trim_start().starts_with("0.00"), "{text}");
        let last: Vec<&str> = rows[2].split_whitespace().collect();
        assert_eq!(last[0], "1.00");
        assert_eq!(last[4], "0.0000", "the gap at the posterior: {text}");
    }
}
