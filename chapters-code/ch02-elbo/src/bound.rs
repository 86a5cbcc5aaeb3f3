//! The bound checked on the test bench: many random Gaussians `q` all score below `log p(x)`,
//! each short by exactly `KL(q || p(z | x))`; and a path of `q`s from the prior to the
//! posterior, along which the ELBO climbs until it touches `log p(x)`.

use ch01_generative_models::gaussian::Gaussian;
use ndarray::{Array1, Array2};
use rand::Rng;
use rand_distr::{Distribution, Normal, StandardNormal, Uniform};

use crate::divergence::kl_gaussians;
use crate::elbo::{ElboTerms, elbo, standard_normal};
use crate::setup::Setup;

/// How many random `q`s the binary tries.
pub const DEFAULT_RANDOM_Q: usize = 10_000;

/// A random Gaussian on `R^k`, anywhere from sharp to broad, near the posterior or far from
/// it: mean `posterior mean + N(0, 0.5² I)`, covariance `L Lᵀ` with a lower-triangular `L`
/// whose diagonal is `exp(U(-4, 1))` and whose other entries are `N(0, 0.3²)`.
pub fn random_q<R: Rng + ?Sized>(posterior: &Gaussian, rng: &mut R) -> Gaussian {
    let k = posterior.dim();
    let shift = Normal::new(0.0, 0.5).expect("positive sd");
    let mean: Array1<f64> = &posterior.mean() + &Array1::from_shape_fn(k, |_| shift.sample(rng));
    let log_diag = Uniform::new(-4.0f64, 1.0).expect("a non-empty range");
    let l = Array2::from_shape_fn((k, k), |(i, j)| match i.cmp(&j) {
        std::cmp::Ordering::Equal => log_diag.sample(rng).exp(),
        std::cmp::Ordering::Greater => 0.3 * rng.sample::<f64, _>(StandardNormal),
        std::cmp::Ordering::Less => 0.0,
    });
    // L Lᵀ with a positive diagonal is positive definite.
    Gaussian::new(mean, l.dot(&l.t()))
}

/// One `q` scored: its ELBO and its divergence from the true posterior.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    /// The ELBO's two terms.
    pub terms: ElboTerms,
    /// `KL(q || p(z | x))`.
    pub kl_to_posterior: f64,
}

// ANCHOR: score
/// The ELBO of `q` on the test bench, and `KL(q || p(z | x))`: by the identity
/// `log p(x) = ELBO(q) + KL(q || p(z | x))`, the gap `log p(x) - ELBO(q)` should equal it.
pub fn score(setup: &Setup, q: &Gaussian) -> Scored {
    Scored {
        terms: elbo(&setup.model, setup.x.view(), q),
        kl_to_posterior: kl_gaussians(q, &setup.posterior),
    }
}
// ANCHOR_END: score

/// What the random `q`s showed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RandomStudy {
    /// How many `q`s were tried.
    pub count: usize,
    /// The largest `ELBO(q) - log p(x)` among them: negative if the bound held every time.
    pub max_elbo_minus_log_px: f64,
    /// The smallest gap `log p(x) - ELBO(q)`.
    pub min_gap: f64,
    /// The largest gap.
    pub max_gap: f64,
    /// The largest `|gap - KL(q || p(z | x))|`, relative to `max(1, gap)`: rounding only.
    pub max_identity_error: f64,
}

/// Scores `count` random `q`s (see [`random_q`]).
pub fn random_scored<R: Rng + ?Sized>(setup: &Setup, count: usize, rng: &mut R) -> Vec<Scored> {
    (0..count)
        .map(|_| score(setup, &random_q(&setup.posterior, rng)))
        .collect()
}

/// What the scored `q`s showed, against the exact `log_px`.
pub fn summarise(scored: &[Scored], log_px: f64) -> RandomStudy {
    let mut study = RandomStudy {
        count: scored.len(),
        max_elbo_minus_log_px: f64::NEG_INFINITY,
        min_gap: f64::INFINITY,
        max_gap: f64::NEG_INFINITY,
        max_identity_error: 0.0,
    };
    for s in scored {
        let gap = log_px - s.terms.elbo();
        study.max_elbo_minus_log_px = study.max_elbo_minus_log_px.max(-gap);
        study.min_gap = study.min_gap.min(gap);
        study.max_gap = study.max_gap.max(gap);
        let error = (gap - s.kl_to_posterior).abs() / gap.max(1.0);
        study.max_identity_error = study.max_identity_error.max(error);
    }
    study
}

/// `q_t` for `t` in `[0, 1]`: mean `t m*` and covariance `(1 - t) I + t S*`, where `N(m*, S*)`
/// is the posterior. `q_0` is the prior, `q_1` the posterior.
pub fn prior_to_posterior(posterior: &Gaussian, t: f64) -> Gaussian {
    let k = posterior.dim();
    let mean = &posterior.mean() * t;
    let cov = Array2::<f64>::eye(k) * (1.0 - t) + &posterior.cov() * t;
    // A mix of two positive definite matrices is one.
    Gaussian::new(mean, cov)
}

/// One point on the path from the prior to the posterior.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PathPoint {
    /// Where on the path: 0 is the prior, 1 the posterior.
    pub t: f64,
    /// The ELBO of `q_t` and its distance to the posterior.
    pub scored: Scored,
}

/// The path from the prior to the posterior at `steps + 1` evenly spaced `t`s.
pub fn path(setup: &Setup, steps: usize) -> Vec<PathPoint> {
    (0..=steps)
        .map(|i| {
            let t = i as f64 / steps as f64;
            PathPoint {
                t,
                scored: score(setup, &prior_to_posterior(&setup.posterior, t)),
            }
        })
        .collect()
}

/// The true posterior's ELBO minus `log p(x)`: zero but for rounding.
pub fn posterior_gap(setup: &Setup) -> f64 {
    score(setup, &setup.posterior).terms.elbo() - setup.log_px
}

/// The prior, for comparison: `q = p(z)` ignores `x`.
pub fn prior_scored(setup: &Setup) -> Scored {
    score(setup, &standard_normal(setup.model.latent_dim()))
}
