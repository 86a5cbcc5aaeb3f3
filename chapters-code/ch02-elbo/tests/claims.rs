//! Every number the chapter's page states, recomputed here with the binary's defaults
//! (`cargo run -p ch02-elbo` uses the same seed and sizes).
//!
//! The runs are seeded, so each number is reproducible exactly; where a claim is statistical,
//! the comment says how wide the sampling noise is.

use std::sync::LazyLock;

use ch01_generative_models::gaussian::Gaussian;
use ch02_elbo::amortised::{self, Family, FamilyResult};
use ch02_elbo::bound::{self, RandomStudy};
use ch02_elbo::divergence::{self, kl_gaussians, kl_normal_1d};
use ch02_elbo::elbo::{elbo_monte_carlo, standard_normal};
use ch02_elbo::kl::kl_standard_normal;
use ch02_elbo::monte_carlo::{self, kl_monte_carlo};
use ch02_elbo::setup::{self, DEFAULT_SEED, Part, Setup};
use ndarray::{Array1, array};
use support::summary::Summary;

const SEED: u64 = DEFAULT_SEED;

static SETUP: LazyLock<Setup> = LazyLock::new(|| Setup::new(SEED));

static RANDOM: LazyLock<RandomStudy> = LazyLock::new(|| {
    let scored = bound::random_scored(
        &SETUP,
        bound::DEFAULT_RANDOM_Q,
        &mut setup::rng(SEED, Part::RandomQ),
    );
    bound::summarise(&scored, SETUP.log_px)
});

static AMORTISED: LazyLock<Vec<FamilyResult>> = LazyLock::new(|| {
    amortised::study(
        &SETUP.model,
        amortised::DEFAULT_STEPS,
        &mut setup::rng(SEED, Part::Amortisation),
    )
});

fn close(value: f64, stated: f64, within: f64) -> bool {
    (value - stated).abs() <= within
}

/// The binary's section 2, in the same order from the same stream.
fn kl_table() -> (Vec<(f64, Summary)>, f64) {
    let mut rng = setup::rng(SEED, Part::KlMonteCarlo);
    let cases = monte_carlo::kl_cases();
    let rows = cases
        .iter()
        .map(|c| {
            let mc = kl_monte_carlo(&c.mu, &c.logvar, monte_carlo::DEFAULT_KL_DRAWS, &mut rng);
            (c.closed_form(), mc)
        })
        .collect();
    let covered = monte_carlo::coverage(
        &cases[2],
        monte_carlo::COVERAGE_REPEATS,
        monte_carlo::COVERAGE_DRAWS,
        &mut rng,
    );
    (rows, covered)
}

#[test]
fn kl_is_not_symmetric() {
    // Page: KL(N(0,1) || N(0,2²)) = 0.318, the other way 0.807; N(0, 0.1²) against N(0, 1):
    // 1.81 one way, 47.2 the other; N(1, 1) against N(0, 1): 0.5 both ways.
    assert!(close(kl_normal_1d(0.0, 1.0, 0.0, 2.0), 0.3181, 5e-5));
    assert!(close(kl_normal_1d(0.0, 2.0, 0.0, 1.0), 0.807, 5e-4));
    assert!(close(kl_normal_1d(0.0, 0.1, 0.0, 1.0), 1.81, 5e-3));
    assert!(close(kl_normal_1d(0.0, 1.0, 0.0, 0.1), 47.2, 0.05));
    // Page: "differ by a factor of 26".
    let factor = kl_normal_1d(0.0, 1.0, 0.0, 0.1) / kl_normal_1d(0.0, 0.1, 0.0, 1.0);
    assert!(close(factor, 26.0, 0.5), "{factor}");
    assert_eq!(kl_normal_1d(1.0, 1.0, 0.0, 1.0), 0.5);
    assert_eq!(kl_normal_1d(0.0, 1.0, 1.0, 1.0), 0.5);
    assert_eq!(kl_normal_1d(0.3, 0.7, 0.3, 0.7), 0.0);
}

#[test]
fn kl_is_never_negative() {
    // Page: over 100,000 random pairs the smallest KL is positive (the binary prints 2.40e-5).
    let smallest =
        divergence::smallest_over_random_pairs(100_000, &mut setup::rng(SEED, Part::KlMonteCarlo));
    assert!((0.0..1e-4).contains(&smallest), "{smallest}");
    assert!(close(smallest, 2.40e-5, 5e-8), "{smallest}");
}

#[test]
fn the_closed_form_and_monte_carlo_agree_within_their_standard_errors() {
    let (rows, covered) = kl_table();
    // Page: closed forms 0.5, 0.8069, 0.8833, 12.2534; every estimate within 2 standard
    // errors (the table's z column), standard errors 0.01 to 0.03 nats.
    let stated = [0.5, 0.8069, 0.8833, 12.2534];
    for ((closed, mc), s) in rows.iter().zip(stated) {
        assert!(close(*closed, s, 5e-5), "{closed} vs {s}");
        assert!(mc.z_score(*closed).abs() < 2.0, "{mc:?} vs {closed}");
        assert!(
            mc.standard_error > 0.005 && mc.standard_error < 0.03,
            "{mc:?}"
        );
    }
    // Page: 95.1% of 1000 estimates within 1.96 standard errors. If the standard error is
    // honest, the count is Binomial(1000, 0.95): standard deviation 0.7 points.
    assert!(close(covered, 0.951, 5e-4), "{covered}");
}

#[test]
fn the_standard_error_shrinks_like_one_over_root_n() {
    // Four times the draws, half the standard error (within sampling noise of a few percent).
    let case = &monte_carlo::kl_cases()[2];
    let mut rng = setup::rng(7, Part::KlMonteCarlo);
    let small = kl_monte_carlo(&case.mu, &case.logvar, 10_000, &mut rng);
    let large = kl_monte_carlo(&case.mu, &case.logvar, 40_000, &mut rng);
    let ratio = small.standard_error / large.standard_error;
    assert!(close(ratio, 2.0, 0.1), "{ratio}");
}

#[test]
fn the_bound_is_tight_at_the_exact_posterior() {
    // Page: log p(x) = -13.091; ELBO(posterior) - log p(x) within 1e-14.
    assert!(close(SETUP.log_px, -13.091, 5e-4), "{}", SETUP.log_px);
    assert!(bound::posterior_gap(&SETUP).abs() < 1e-14);
    // Page: posterior mean (-0.49, -0.36), standard deviations about 0.19 and 0.23.
    let (m, c) = (SETUP.posterior.mean(), SETUP.posterior.cov());
    assert!(close(m[0], -0.49, 5e-3) && close(m[1], -0.36, 5e-3), "{m}");
    assert!(close(c[[0, 0]].sqrt(), 0.19, 5e-3) && close(c[[1, 1]].sqrt(), 0.23, 5e-3));
}

#[test]
fn monte_carlo_elbos_agree_with_the_closed_form() {
    // Page: the binary's section 3, from the same stream: prior -36.50, halfway -22.92,
    // posterior -13.091 with a standard error below 1e-13 (every draw gives log p(x)).
    let mut rng = setup::rng(SEED, Part::ElboMonteCarlo);
    let qs = [
        standard_normal(2),
        bound::prior_to_posterior(&SETUP.posterior, 0.5),
        SETUP.posterior.clone(),
    ];
    let stated = [-36.50, -22.92, -13.091];
    for (q, s) in qs.iter().zip(stated) {
        let closed = bound::score(&SETUP, q).terms.elbo();
        let mc = elbo_monte_carlo(
            &SETUP.model,
            SETUP.x.view(),
            q,
            monte_carlo::DEFAULT_KL_DRAWS,
            &mut rng,
        );
        assert!(close(closed, s, 5e-3), "{closed} vs {s}");
        if mc.standard_error > 1e-12 {
            assert!(mc.z_score(closed).abs() < 2.0, "{mc:?} vs {closed}");
        } else {
            assert!((mc.mean - closed).abs() < 1e-11, "{mc:?} vs {closed}");
        }
    }
    let last = elbo_monte_carlo(
        &SETUP.model,
        SETUP.x.view(),
        &SETUP.posterior,
        100,
        &mut rng,
    );
    assert!(last.standard_error < 1e-13, "{last:?}");
}

#[test]
fn every_random_q_falls_short_by_its_kl_to_the_posterior() {
    // Page: 10,000 random q, every ELBO below log p(x); gaps from 0.20 to 165 nats; the gap
    // equals KL(q || p(z|x)) to within 1e-14 relative (4e-15 on the page).
    let r = &*RANDOM;
    assert_eq!(r.count, 10_000);
    assert!(r.max_elbo_minus_log_px < 0.0);
    assert!(close(r.min_gap, 0.20, 5e-3), "{r:?}");
    assert!(close(r.max_gap, 165.0, 0.5), "{r:?}");
    assert!(r.max_identity_error < 1e-14, "{r:?}");
    assert!(close(r.max_identity_error, 4e-15, 5e-16), "{r:?}");
}

#[test]
fn the_path_from_prior_to_posterior() {
    // Page: at t = 0, reconstruction -36.50, KL 0, gap 23.41; at t = 0.5, ELBO -22.92;
    // at t = 1, reconstruction -10.73 and KL 2.36, gap 0; the ELBO rises all the way.
    let path = bound::path(&SETUP, 16);
    let at = |i: usize| path[i].scored;
    assert!(close(at(0).terms.reconstruction, -36.50, 5e-3));
    assert_eq!(at(0).terms.kl, 0.0);
    assert!(close(SETUP.log_px - at(0).terms.elbo(), 23.41, 5e-3));
    assert!(close(at(0).kl_to_posterior, 23.41, 5e-3));
    assert!(close(at(8).terms.elbo(), -22.92, 5e-3));
    assert!(close(at(16).terms.reconstruction, -10.73, 5e-3));
    assert!(close(at(16).terms.kl, 2.36, 5e-3));
    // Page: the last row's KL to the posterior prints as -0.0000, a rounding error of -1e-16.
    let last = at(16).kl_to_posterior;
    assert!(last < 0.0 && close(last, -1e-16, 5e-17), "{last}");
    // Page: "the reconstruction term climbs by 26 nats", ending above log p(x).
    let climb = at(16).terms.reconstruction - at(0).terms.reconstruction;
    assert!(close(climb, 26.0, 0.5), "{climb}");
    assert!(at(16).terms.reconstruction > SETUP.log_px);
    for w in path.windows(2) {
        assert!(w[1].scored.terms.elbo() > w[0].scored.terms.elbo());
        assert!(w[1].scored.terms.kl > w[0].scored.terms.kl);
    }
}

#[test]
fn a_linear_encoder_loses_nothing_on_this_model() {
    let [full, diagonal, constant] = &AMORTISED[..] else {
        panic!("three families")
    };
    assert_eq!(
        [
            full.encoder.family,
            diagonal.encoder.family,
            constant.encoder.family
        ],
        [Family::Full, Family::Diagonal, Family::Constant]
    );
    // Page: full-covariance encoder, mean gap within 1e-15 nats on held-out points, A within
    // 2e-10 of the exact map; the per-point posterior's gap about 1e-15.
    assert!(full.test_gap.abs() < 1e-15, "{}", full.test_gap);
    assert!(full.per_point_test_gap.unwrap().abs() < 1e-13);
    let exact = amortised::exact_map(&SETUP.model);
    let diff = (&full.encoder.a - &exact)
        .iter()
        .fold(0.0f64, |m, d| m.max(d.abs()));
    assert!(diff < 2e-10, "{diff}");
    // Page: the posterior correlation of the chapter's model is only 0.20.
    let c = SETUP.posterior.cov();
    let rho = c[[0, 1]] / (c[[0, 0]] * c[[1, 1]]).sqrt();
    assert!(close(rho, 0.20, 0.01), "{rho}");
    // Page: diagonal covariance, 0.0198 nats both per point and amortised: the family's
    // approximation gap, with no amortisation gap on top.
    let per_point = diagonal.per_point_test_gap.unwrap();
    assert!(close(per_point, 0.0198, 5e-5), "{per_point}");
    assert!((diagonal.test_gap - per_point).abs() < 1e-10);
    // Page: the encoder that ignores x loses 22.4 nats on held-out points (21.7 in training).
    assert!(
        close(constant.test_gap, 22.4, 0.05),
        "{}",
        constant.test_gap
    );
    assert!(
        close(constant.train_gap, 21.7, 0.05),
        "{}",
        constant.train_gap
    );
}

#[test]
fn exercise_a_vae_like_kl() {
    // Exercise 2: 20 coordinates, mu = 0, logvar = -2: 0.5677 each, 10 (e^-2 + 1) = 11.35.
    let one = kl_standard_normal(&array![0.0f64], &array![-2.0f64]);
    assert!(close(one, 0.5677, 5e-5), "{one}");
    let kl = kl_standard_normal(&Array1::zeros(20), &Array1::from_elem(20, -2.0f64));
    assert!(close(kl, 11.35, 5e-3), "{kl}");
}

#[test]
fn exercise_the_best_diagonal_q_of_a_correlated_posterior() {
    // Exercise 3: posterior N(0, [[1, 0.9], [0.9, 1]]); the best diagonal q has variances
    // 1 / P_jj = 0.19; its gap is -log(1 - 0.81) / 2 = 0.830 nats.
    let posterior = Gaussian::new(array![0.0, 0.0], array![[1.0, 0.9], [0.9, 1.0]]);
    let v = 1.0 - 0.81;
    let best = Gaussian::new(array![0.0, 0.0], array![[v, 0.0], [0.0, v]]);
    let gap = kl_gaussians(&best, &posterior);
    assert!(close(gap, 0.830, 5e-4), "{gap}");
    assert!(close(gap, -0.5 * (1.0f64 - 0.81).ln(), 1e-12));
    // Any other diagonal q does worse.
    for (a, b) in [(0.18, 0.19), (0.2, 0.19), (0.19, 0.25), (1.0, 1.0)] {
        let q = Gaussian::new(array![0.0, 0.0], array![[a, 0.0], [0.0, b]]);
        assert!(kl_gaussians(&q, &posterior) > gap);
    }
}
