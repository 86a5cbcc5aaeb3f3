//! How the estimators' variance depends on the number of latent dimensions `k`.
//!
//! The function is the quadratic `f(z) = (z_1^2 + ... + z_k^2) / 2` with every coordinate
//! `z_i ~ N(mu, sigma^2)` independently, and the gradient component is the one for `mu_1`,
//! whose exact value is `mu` whatever `k` is. The pathwise estimate only looks at `z_1`; the
//! score-function estimate multiplies all of `f(z)`, so the other `k - 1` coordinates reach it
//! as noise.

use rand::Rng;
use rand_distr::StandardNormal;
use support::summary::Moments;

use crate::error::{Error, at_least, check_gaussian};
use crate::estimators::Gaussian;

/// Every coordinate of `z` is `N(1, 1)`.
pub const DIM_Q: Gaussian = Gaussian::new(1.0, 1.0);

/// The table's dimensions.
pub const TABLE_DIMS: [usize; 4] = [1, 10, 100, 1000];

/// Samples per table row: each needs `k` normal draws.
pub const DEFAULT_SAMPLES: usize = 20_000;

/// The variance of one estimate of the `mu_1` component, per estimator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Variances {
    /// Pathwise.
    pub pathwise: f64,
    /// Score function, no baseline.
    pub score: f64,
    /// Score function with the baseline `b = E[f(z)]`.
    pub score_baseline: f64,
}

/// `E[f(z)] = k (mu^2 + sigma^2) / 2`, the ideal baseline.
pub fn expected_f(dim: usize, q: Gaussian) -> f64 {
    dim as f64 * (q.mu * q.mu + q.sigma * q.sigma) / 2.0
}

/// The exact variances, from Gaussian moments (E[eps^2] = 1, E[eps^4] = 3, E[eps^6] = 15):
/// the score function's grows like `k^2`, or like `k` with the baseline; the pathwise one is
/// `sigma^2` for every `k`.
pub fn exact_variances(dim: usize, q: Gaussian) -> Variances {
    let (m2, s2) = (q.mu * q.mu, q.sigma * q.sigma);
    let others = dim.saturating_sub(1) as f64;
    // Split f = z_1^2 / 2 + R, where R (the other coordinates) is independent of eps_1, with
    // E[R] = others * (m2 + s2) / 2 and Var[R] = others * (m2 s2 + s2^2 / 2).
    let mean_r = others * (m2 + s2) / 2.0;
    let var_r = others * (m2 * s2 + s2 * s2 / 2.0);
    // E[z_1^4 eps_1^2] and E[z_1^2 eps_1^2].
    let z4e2 = m2 * m2 + 18.0 * m2 * s2 + 15.0 * s2 * s2;
    let z2e2 = m2 + 3.0 * s2;
    // Var[f eps_1 / sigma] = E[f^2 eps_1^2] / sigma^2 - mu^2.
    let second = z4e2 / 4.0 + mean_r * z2e2 + var_r + mean_r * mean_r;
    let score = second / s2 - m2;
    // With b = E[f]: the part of f from z_1, minus its mean, times eps_1, plus Var[R].
    let score_baseline = (3.0 * m2 * s2 + 2.5 * s2 * s2 + var_r) / s2 - m2;
    Variances {
        pathwise: s2,
        score,
        score_baseline,
    }
}

/// Many single-sample estimates of the `mu_1` component at one dimension.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DimRow {
    /// The number of latent dimensions `k`.
    pub dim: usize,
    /// The exact gradient component (`mu`).
    pub exact: f64,
    /// Pathwise estimates.
    pub pathwise: Moments,
    /// Score-function estimates.
    pub score: Moments,
    /// Score-function estimates with the baseline `E[f]`.
    pub score_baseline: Moments,
    /// The exact variances.
    pub exact_variances: Variances,
}

/// Draws `samples` times `z ~ N(mu 1, sigma^2 I)` in `dim` dimensions and collects the three
/// estimates of the `mu_1` component from each draw.
pub fn simulate(
    dim: usize,
    q: Gaussian,
    samples: usize,
    rng: &mut impl Rng,
) -> Result<DimRow, Error> {
    at_least("the dimension", dim, 1)?;
    at_least("the number of samples", samples, 2)?;
    check_gaussian(q.mu, q.sigma)?;
    let baseline = expected_f(dim, q);
    let mut eps = vec![0.0f64; dim];
    let (mut pathwise, mut score, mut score_baseline) =
        (Moments::new(), Moments::new(), Moments::new());
    for _ in 0..samples {
        eps.iter_mut().for_each(|e| *e = rng.sample(StandardNormal));
        // ANCHOR: estimates
        let f: f64 = eps.iter().map(|&e| q.sample_from(e).powi(2) / 2.0).sum();
        // d log q / d mu_1 = eps_1 / sigma: only the first coordinate's noise.
        let score_mu1 = eps[0] / q.sigma;
        score.push(f * score_mu1);
        score_baseline.push((f - baseline) * score_mu1);
        // df/dz_1 = z_1, and dz_1/dmu_1 = 1.
        pathwise.push(q.sample_from(eps[0]));
        // ANCHOR_END: estimates
    }
    Ok(DimRow {
        dim,
        exact: q.mu,
        pathwise,
        score,
        score_baseline,
        exact_variances: exact_variances(dim, q),
    })
}

/// [`simulate`] for each of `dims`.
pub fn table(
    dims: &[usize],
    q: Gaussian,
    samples: usize,
    rng: &mut impl Rng,
) -> Result<Vec<DimRow>, Error> {
    dims.iter().map(|&d| simulate(d, q, samples, rng)).collect()
}
