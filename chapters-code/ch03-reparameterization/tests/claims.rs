//! Every number the chapter's page states, and every ordering it claims, checked against the
//! crate. Statistical checks use fixed seeds and a tolerance of 5 standard errors: for a mean of
//! 20,000 or more independent draws that is close to normal, a miss has probability below
//! 1e-6 per check, so a failure means a wrong formula, not bad luck.

use ch03_reparameterization::comparison::{self, TABLE_FUNCTIONS, TABLE_Q, exact_moments};
use ch03_reparameterization::dimension::{self, DIM_Q, TABLE_DIMS};
use ch03_reparameterization::estimators::{Estimator, Gaussian, Parameter, ScalarFunction};
use ch03_reparameterization::seeds::{self, DEFAULT_SEED, Part};
use ch03_reparameterization::test_functions::TestFunction;
use ch03_reparameterization::training::{self, Method};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;
use support::summary::Moments;

const Z_TOLERANCE: f64 = 5.0;

fn rng(part: Part) -> StdRng {
    seeds::rng(DEFAULT_SEED, part, 0)
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

/// The exact variance of one estimate: `f`, `q`, the estimator, the parameter.
fn exact_var(f: &impl ScalarFunction, q: Gaussian, e: Estimator, p: Parameter) -> f64 {
    exact_moments(e, f, q, p).1
}

#[test]
fn both_estimators_are_unbiased_on_every_test_function() {
    // The page's setting: 100,000 estimates per entry at q = N(1, 1).
    assert_eq!(comparison::DEFAULT_SAMPLES, 100_000);
    assert_eq!((TABLE_Q.mu, TABLE_Q.sigma), (1.0, 1.0));
    let rows = comparison::table(comparison::DEFAULT_SAMPLES, &mut rng(Part::Comparison)).unwrap();
    assert_eq!(rows.len(), 2 * TABLE_FUNCTIONS.len());
    for r in &rows {
        for (name, s) in [("pathwise", &r.pathwise), ("score", &r.score)] {
            let z = (s.mean - r.exact) / s.standard_error;
            assert!(
                z.abs() < Z_TOLERANCE,
                "{} {}: {name} mean {} vs exact {} ({z:.1} standard errors)",
                r.function.name(),
                r.parameter.name(),
                s.mean,
                r.exact
            );
        }
    }
}

#[test]
fn exact_means_by_quadrature_are_the_exact_gradients() {
    // Unbiasedness without sampling: the mean of each estimator, integrated numerically.
    for f in TABLE_FUNCTIONS {
        for q in [TABLE_Q, Gaussian::new(-0.5, 0.3), Gaussian::new(0.2, 1.7)] {
            let exact = f.exact_gradient(q);
            for e in [Estimator::Pathwise, Estimator::SCORE_FUNCTION] {
                for p in Parameter::BOTH {
                    let mean = exact_moments(e, &f, q, p).0;
                    let scale = 1.0 + exact.get(p).abs();
                    assert!(
                        close(mean, exact.get(p), 1e-9 * scale),
                        "{f:?} {q:?} {e:?} {p:?}: {mean} vs {}",
                        exact.get(p)
                    );
                }
            }
        }
    }
}

/// Checks a Monte Carlo variance against an exact one, through the mean of the squared
/// deviations from the known exact mean (whose standard error the samples give).
fn assert_variance_matches(draw: impl Fn(f64) -> f64, exact_mean: f64, exact_variance: f64) {
    let mut rng = StdRng::seed_from_u64(17);
    let sq = Moments::of((0..200_000).map(|_| {
        let eps: f64 = rng.sample(StandardNormal);
        (draw(eps) - exact_mean).powi(2)
    }));
    let z = (sq.mean() - exact_variance) / sq.standard_error();
    assert!(
        z.abs() < Z_TOLERANCE,
        "variance {} vs exact {exact_variance} ({z:.1} standard errors)",
        sq.mean()
    );
}

#[test]
fn the_exact_variances_agree_with_sampling() {
    for f in TABLE_FUNCTIONS {
        let exact = f.exact_gradient(TABLE_Q);
        for e in [Estimator::Pathwise, Estimator::SCORE_FUNCTION] {
            for p in Parameter::BOTH {
                assert_variance_matches(
                    |eps| e.estimate(&f, TABLE_Q, eps).get(p),
                    exact.get(p),
                    exact_var(&f, TABLE_Q, e, p),
                );
            }
        }
    }
}

#[test]
fn the_table_of_variances_in_the_page() {
    // (function, parameter, pathwise variance, score-function variance, ratio), as the page
    // states them, at z ~ N(1, 1).
    use Parameter::{LogSigma, Mu};
    use TestFunction::{Exp, Sin, Square};
    let sin3 = Sin { frequency: 3.0 };
    let sin1 = Sin { frequency: 1.0 };
    let claims = [
        (Square, Mu, 4.0, 30.0, 7.5),
        (Square, LogSigma, 12.0, 136.0, 11.33),
        (Exp, Mu, 34.51, 252.9, 7.33),
        (Exp, LogSigma, 252.9, 1836.0, 7.26),
        (sin1, Mu, 0.364, 0.308, 0.85),
        (sin1, LogSigma, 0.324, 0.796, 2.46),
        (sin3, Mu, 4.50, 0.499, 0.11),
        (sin3, LogSigma, 4.50, 1.000, 0.22),
    ];
    for (f, p, path, score, ratio) in claims {
        let vp = exact_var(&f, TABLE_Q, Estimator::Pathwise, p);
        let vs = exact_var(&f, TABLE_Q, Estimator::SCORE_FUNCTION, p);
        // The page rounds to 3 or 4 significant digits.
        assert!(close(vp, path, 5e-3 * path), "{f:?} {p:?} pathwise {vp}");
        assert!(close(vs, score, 5e-3 * score), "{f:?} {p:?} score {vs}");
        assert!(
            close(vs / vp, ratio, 0.006),
            "{f:?} {p:?} ratio {}",
            vs / vp
        );
    }
    // The exact gradients in the same table, to the page's three decimals.
    let exact = [
        (Square, 2.0, 2.0),
        (Exp, 4.482, 4.482),
        (sin1, 0.328, -0.510),
        (sin3, -0.033, -0.014),
    ];
    for (f, mu, log_sigma) in exact {
        let g = f.exact_gradient(TABLE_Q);
        assert!(
            close(g.mu, mu, 5e-4) && close(g.log_sigma, log_sigma, 5e-4),
            "{f:?}"
        );
    }
    // The orderings the page draws from them.
    for f in [Square, Exp] {
        for p in Parameter::BOTH {
            let ratio = exact_var(&f, TABLE_Q, Estimator::SCORE_FUNCTION, p)
                / exact_var(&f, TABLE_Q, Estimator::Pathwise, p);
            assert!((7.0..11.5).contains(&ratio), "{f:?} {p:?}: {ratio}");
        }
    }
    // The exception: for sin(3z) the pathwise estimator loses by a factor of 9 in mu.
    let loss = exact_var(&sin3, TABLE_Q, Estimator::Pathwise, Mu)
        / exact_var(&sin3, TABLE_Q, Estimator::SCORE_FUNCTION, Mu);
    assert!(close(loss, 9.0, 0.05), "{loss}");
}

#[test]
fn the_dimension_table() {
    // The page's setting: 20,000 estimates for each k, every coordinate N(1, 1).
    assert_eq!(dimension::DEFAULT_SAMPLES, 20_000);
    assert_eq!(TABLE_DIMS, [1, 10, 100, 1000]);
    assert_eq!((DIM_Q.mu, DIM_Q.sigma), (1.0, 1.0));
    let rows = dimension::table(
        &TABLE_DIMS,
        DIM_Q,
        dimension::DEFAULT_SAMPLES,
        &mut rng(Part::Dimension),
    )
    .unwrap();
    for r in &rows {
        for (name, m) in [
            ("pathwise", &r.pathwise),
            ("score", &r.score),
            ("score + baseline", &r.score_baseline),
        ] {
            let z = (m.mean() - r.exact) / m.standard_error();
            assert!(
                z.abs() < Z_TOLERANCE,
                "k = {}: {name} biased ({z:.1})",
                r.dim
            );
        }
    }
    // At k = 1000 the plain score function's average of 20,000 estimates is still a coin
    // toss: its standard error is about 7, for an exact value of 1.
    let se = rows[3].score.standard_error();
    assert!(rows[3].dim == 1000 && (6.5..7.7).contains(&se), "{se}");
    // ... while the pathwise average is good to 0.007.
    let se = rows[3].pathwise.standard_error();
    assert!((0.0065..0.0075).contains(&se), "{se}");
    // The exact variances the page states: 7.5 + 5.5 (k - 1) + (k - 1)^2, 4.5 + 1.5 (k - 1), 1.
    let v = |d| dimension::exact_variances(d, DIM_Q);
    for d in [1usize, 10, 100, 1000] {
        let others = (d - 1) as f64;
        assert!(close(
            v(d).score,
            7.5 + 5.5 * others + others * others,
            1e-9 * (1.0 + others * others)
        ));
        assert!(close(
            v(d).score_baseline,
            4.5 + 1.5 * others,
            1e-9 * (1.0 + others)
        ));
        assert_eq!(v(d).pathwise, 1.0);
    }
    assert!(close(v(10).score, 138.0, 1e-9));
    assert!(close(v(100).score, 10_353.0, 1e-6));
    assert!(close(v(1000).score, 1_003_503.0, 1e-3));
    assert!(close(v(1000).score_baseline, 1_503.0, 1e-9));
}

/// The moments the page computes the dimension table's variances from, at `z = 1 + eps`:
/// `E[z^2] = 2`, `E[z^4] = 10`, `Var(z^2) = 6`, `E[z^2 eps^2] = 4`, `E[z^4 eps^2] = 34`, and
/// the sums `34/4 = 8.5` and `8.5 - 4 + 1 = 5.5` (with the baseline), by quadrature.
#[test]
fn the_moments_behind_the_dimension_formulas() {
    use ch03_reparameterization::quadrature::normal_expectation;
    let z = |e: f64| DIM_Q.sample_from(e);
    let moment = |g: &dyn Fn(f64) -> f64| normal_expectation(g);
    let (z2, z4) = (moment(&|e| z(e).powi(2)), moment(&|e| z(e).powi(4)));
    assert!(close(z2, 2.0, 1e-9) && close(z4, 10.0, 1e-9), "{z2} {z4}");
    assert!(close(z4 - z2 * z2, 6.0, 1e-9));
    let z2e2 = moment(&|e| z(e).powi(2) * e * e);
    let z4e2 = moment(&|e| z(e).powi(4) * e * e);
    assert!(
        close(z2e2, 4.0, 1e-9) && close(z4e2, 34.0, 1e-9),
        "{z2e2} {z4e2}"
    );
    assert!(close(z4e2 / 4.0, 8.5, 1e-9));
    let centred = moment(&|e| (z(e).powi(2) / 2.0 - 1.0).powi(2) * e * e);
    assert!(close(centred, 5.5, 1e-9), "{centred}");
    // E[R] = k - 1 and Var R = 1.5 (k - 1): a quarter of Var(z^2) per coordinate.
    assert!(close((z4 - z2 * z2) / 4.0, 1.5, 1e-9));
    assert!(close(z2 / 2.0, 1.0, 1e-9));
}

#[test]
fn the_exact_variances_by_dimension_agree_with_sampling() {
    // With the exact mean mu known, the squared deviations average to the variance.
    for d in [1usize, 10, 100] {
        let (q, baseline) = (DIM_Q, dimension::expected_f(d, DIM_Q));
        let exact = dimension::exact_variances(d, q);
        let mut rng = StdRng::seed_from_u64(d as u64);
        let mut sq = [Moments::new(), Moments::new(), Moments::new()];
        let mut eps = vec![0.0f64; d];
        for _ in 0..40_000 {
            eps.iter_mut().for_each(|e| *e = rng.sample(StandardNormal));
            let f: f64 = eps.iter().map(|&e| q.sample_from(e).powi(2) / 2.0).sum();
            let s = eps[0] / q.sigma;
            let estimates = [q.sample_from(eps[0]), f * s, (f - baseline) * s];
            for (m, g) in sq.iter_mut().zip(estimates) {
                m.push((g - q.mu).powi(2));
            }
        }
        for (m, v) in sq
            .iter()
            .zip([exact.pathwise, exact.score, exact.score_baseline])
        {
            let z = (m.mean() - v) / m.standard_error();
            assert!(z.abs() < Z_TOLERANCE, "k = {d}: {} vs {v}", m.mean());
        }
    }
    // At k = 1 the quadratic is z^2 / 2: a quarter of the z^2 row of the first table.
    let one = dimension::exact_variances(1, DIM_Q);
    let f = TestFunction::Square;
    let baseline = f.expectation(DIM_Q);
    let with_b = Estimator::ScoreFunction { baseline };
    let quarter = |e| exact_var(&f, DIM_Q, e, Parameter::Mu) / 4.0;
    assert!(close(one.score, quarter(Estimator::SCORE_FUNCTION), 1e-9));
    assert!(close(one.score_baseline, quarter(with_b), 1e-9));
    assert!(close(one.pathwise, quarter(Estimator::Pathwise), 1e-9));
}

#[test]
fn training_with_one_sample_per_step() {
    let rows = training::table(
        &training::STEP_SIZES,
        training::DEFAULT_STEPS,
        training::DEFAULT_RUNS,
        DEFAULT_SEED,
    )
    .unwrap();
    let row = |step: f64, m: Method| {
        rows.iter()
            .find(|r| r.step_size == step && r.method == m)
            .unwrap()
    };
    // The page's table, from the default run: (step size, method, median KL or infinity if
    // at least half the runs diverged, runs that diverged).
    use Method::{Pathwise, ScoreFunction, ScoreFunctionBaseline};
    let inf = f64::INFINITY;
    let claims = [
        (0.003, Pathwise, 0.0025, 0),
        (0.003, ScoreFunction, 0.0223, 0),
        (0.003, ScoreFunctionBaseline, 0.0145, 0),
        (0.01, Pathwise, 0.0103, 0),
        (0.01, ScoreFunction, 0.1309, 0),
        (0.01, ScoreFunctionBaseline, 0.0626, 0),
        (0.03, Pathwise, 0.0406, 0),
        (0.03, ScoreFunction, inf, 18),
        (0.03, ScoreFunctionBaseline, inf, 13),
        (0.1, Pathwise, 0.1639, 0),
        (0.1, ScoreFunction, inf, 20),
        (0.1, ScoreFunctionBaseline, inf, 20),
    ];
    for (step, method, kl, diverged) in claims {
        let r = row(step, method);
        let median = r.median_kl();
        if kl.is_finite() {
            // The page prints four decimals.
            assert!(close(median, kl, 5e-5), "{step} {method:?}: {median}");
        } else {
            assert_eq!(median, kl, "{step} {method:?}");
        }
        assert_eq!(r.diverged(), diverged, "{step} {method:?}");
    }
    // "9 and 13 times further away" at the two small steps; the baseline cuts the median KL
    // by 35% and 52%.
    for (step, times, cut) in [(0.003, 9.0, 0.35), (0.01, 13.0, 0.52)] {
        let ratio = row(step, ScoreFunction).median_kl() / row(step, Pathwise).median_kl();
        assert!(close(ratio, times, 0.5), "{step}: {ratio}");
        let kept =
            row(step, ScoreFunctionBaseline).median_kl() / row(step, ScoreFunction).median_kl();
        assert!(close(1.0 - kept, cut, 5e-3), "{step}: {kept}");
    }
    // The settings the page states: N(2, 0.5^2) from N(0, 1), 2000 steps, 20 runs, a
    // baseline that moves a tenth of the way to each new value, divergence past e^(+-20).
    assert_eq!((training::TARGET.mu, training::TARGET.sigma), (2.0, 0.5));
    assert_eq!((training::START.mu, training::START.sigma), (0.0, 1.0));
    assert_eq!(
        (training::DEFAULT_STEPS, training::DEFAULT_RUNS),
        (2000, 20)
    );
    assert_eq!(training::BASELINE_RATE, 0.1);
    assert_eq!(training::LOG_SIGMA_LIMIT, 20.0);
    // At the start, E_q[log p(z)] is about -10.
    let f = training::LogDensity(training::TARGET);
    let start = ch03_reparameterization::quadrature::normal_expectation(|e| {
        f.value(training::START.sample_from(e))
    });
    assert!((start + 10.23).abs() < 0.01, "{start}");
}

#[test]
fn training_claims_hold_for_other_seeds_too() {
    // The page's claims for the default seed and five others: at the two small steps the
    // pathwise estimator ends 3.9 to 13 times closer (in median KL) than the plain score
    // function, and closer than the score function with a baseline, which ends closer than
    // the plain one; at step size 0.03 at least 18 of 20 plain score-function runs diverge and
    // at least 12 of 20 with a baseline, at 0.1 all of them. The pathwise estimator diverges
    // in one run of the 480: at step size 0.1, with seed 0.
    let mut pathwise_diverged = Vec::new();
    for seed in [DEFAULT_SEED, 0, 1, 2, 5, 42] {
        let rows = training::table(
            &training::STEP_SIZES,
            training::DEFAULT_STEPS,
            training::DEFAULT_RUNS,
            seed,
        )
        .unwrap();
        let row = |step: f64, m: Method| {
            rows.iter()
                .find(|r| r.step_size == step && r.method == m)
                .unwrap()
        };
        for step in training::STEP_SIZES {
            let d = row(step, Method::Pathwise).diverged();
            if d > 0 {
                pathwise_diverged.push((seed, step, d));
            }
        }
        for step in [0.003, 0.01] {
            let path = row(step, Method::Pathwise).median_kl();
            let score = row(step, Method::ScoreFunction).median_kl();
            let base = row(step, Method::ScoreFunctionBaseline).median_kl();
            assert!(
                (3.9..13.0).contains(&(score / path)),
                "seed {seed} step {step}: {score} vs {path}"
            );
            assert!(base > path, "seed {seed} step {step}: {base} vs {path}");
            assert!(score > base, "seed {seed} step {step}: {score} vs {base}");
        }
        for (step, m, at_least) in [
            (0.03, Method::ScoreFunction, 18),
            (0.03, Method::ScoreFunctionBaseline, 12),
            (0.1, Method::ScoreFunction, 20),
            (0.1, Method::ScoreFunctionBaseline, 20),
        ] {
            let d = row(step, m).diverged();
            assert!(d >= at_least, "seed {seed} step {step} {m:?}: {d} diverged");
        }
    }
    assert_eq!(pathwise_diverged, [(0, 0.1, 1)]);
}

/// `f` plus a constant: what a baseline takes away.
struct Shifted(TestFunction, f64);

impl ScalarFunction for Shifted {
    fn value(&self, z: f64) -> f64 {
        self.0.value(z) + self.1
    }
    fn derivative(&self, z: f64) -> f64 {
        self.0.derivative(z)
    }
}

#[test]
fn exercise_narrow_q() {
    // Var[score, mu] = mu^4 / sigma^2 + 14 mu^2 + 15 sigma^2 and Var[pathwise, mu] = 4 sigma^2
    // for f = z^2.
    let f = TestFunction::Square;
    for (mu, sigma) in [(1.0, 1.0), (1.0, 0.1), (-0.7, 0.4), (2.0, 3.0)] {
        let q = Gaussian::new(mu, sigma);
        let (m2, s2) = (mu * mu, sigma * sigma);
        let score = m2 * m2 / s2 + 14.0 * m2 + 15.0 * s2;
        let vs = exact_var(&f, q, Estimator::SCORE_FUNCTION, Parameter::Mu);
        let vp = exact_var(&f, q, Estimator::Pathwise, Parameter::Mu);
        assert!(close(vs, score, 1e-9 * score), "{q:?}: {vs} vs {score}");
        assert!(close(vp, 4.0 * s2, 1e-10), "{q:?}: {vp}");
    }
    let q = Gaussian::new(1.0, 0.1);
    let vs = exact_var(&f, q, Estimator::SCORE_FUNCTION, Parameter::Mu);
    let vp = exact_var(&f, q, Estimator::Pathwise, Parameter::Mu);
    assert!(close(vs, 114.15, 1e-6));
    assert!(close(vp, 0.04, 1e-10));
    assert!(close(vs / vp, 2854.0, 0.5));
}

#[test]
fn exercise_adding_a_constant() {
    // Var[score, mu] of z^2 + c is 30 + (2c (mu^2 + 3 sigma^2) + c^2) / sigma^2 at N(1, 1):
    // 210 for c = 10, 9230 for c = -100; the pathwise variance stays 4.
    for (c, expected) in [(0.0, 30.0), (10.0, 210.0), (-100.0, 9230.0)] {
        let f = Shifted(TestFunction::Square, c);
        let vs = exact_var(&f, TABLE_Q, Estimator::SCORE_FUNCTION, Parameter::Mu);
        let vp = exact_var(&f, TABLE_Q, Estimator::Pathwise, Parameter::Mu);
        assert!(close(vs, expected, 1e-8 * expected), "c = {c}: {vs}");
        assert!(close(vp, 4.0, 1e-10), "c = {c}: {vp}");
        // The baseline b = c takes the constant away again.
        let with_b = Estimator::ScoreFunction { baseline: c };
        let vb = exact_var(&f, TABLE_Q, with_b, Parameter::Mu);
        assert!(close(vb, 30.0, 1e-8));
    }
}

#[test]
fn exercise_fast_oscillation() {
    // For sin(5z) at N(1, 1): about omega^2 / 2 = 12.5 for the pathwise estimator of the mu
    // component, about 1 / (2 sigma^2) = 0.5 for the score function.
    let f = TestFunction::Sin { frequency: 5.0 };
    let vp = exact_var(&f, TABLE_Q, Estimator::Pathwise, Parameter::Mu);
    let vs = exact_var(&f, TABLE_Q, Estimator::SCORE_FUNCTION, Parameter::Mu);
    assert!(close(vp, 12.5, 1e-3), "{vp}");
    assert!(close(vs, 0.5, 1e-3), "{vs}");
}

#[test]
fn impossible_settings_are_errors_not_panics() {
    let mut r = StdRng::seed_from_u64(0);
    assert!(comparison::table(1, &mut r).is_err());
    assert!(comparison::compare(TestFunction::Exp, Gaussian::new(0.0, 0.0), 10, &mut r).is_err());
    assert!(dimension::simulate(0, DIM_Q, 10, &mut r).is_err());
    assert!(dimension::simulate(3, DIM_Q, 0, &mut r).is_err());
    let message = comparison::table(0, &mut r).unwrap_err().to_string();
    assert_eq!(message, "the number of samples must be at least 2, not 0");
}

#[test]
fn the_histograms() {
    // Half of the score function's single-sample estimates of d/dmu E[z^2] at N(1, 1) are
    // negative (they have the sign of eps), against P(eps < -1) = 15.9% of the pathwise ones
    // (2z < 0); the exact gradient is +2. The standard error of a fraction from 100,000 draws
    // is at most 0.0016.
    let mut draws = StdRng::seed_from_u64(23);
    let (f, n) = (TestFunction::Square, 100_000);
    let (mut neg_path, mut neg_score) = (Moments::new(), Moments::new());
    for _ in 0..n {
        let eps: f64 = draws.sample(StandardNormal);
        let neg = |g: f64| if g < 0.0 { 1.0 } else { 0.0 };
        neg_path.push(neg(Estimator::Pathwise.estimate(&f, TABLE_Q, eps).mu));
        neg_score.push(neg(Estimator::SCORE_FUNCTION.estimate(&f, TABLE_Q, eps).mu));
    }
    assert!((neg_score.mean() - 0.5).abs() < Z_TOLERANCE * 0.0016);
    assert!((neg_path.mean() - 0.1587).abs() < Z_TOLERANCE * 0.0016);

    // The picture's range holds all pathwise estimates but cuts off about 3% of the score
    // function's long tail (the binary prints 3.2%).
    let (_, outside) = ch03_reparameterization::figures::estimator_histograms(
        comparison::DEFAULT_SAMPLES,
        &mut rng(Part::Histograms),
    )
    .unwrap();
    assert!(outside[0] < 1e-3, "{outside:?}");
    assert!((0.025..0.035).contains(&outside[1]), "{outside:?}");
}
