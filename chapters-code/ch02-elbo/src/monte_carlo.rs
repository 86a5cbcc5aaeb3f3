//! The Monte Carlo estimate of the KL divergence, a mean with its standard error (the support
//! crate's [`Summary`]), which the closed form of [`crate::kl`] makes unnecessary (and checks).

use rand::Rng;
use rand_distr::StandardNormal;
use support::summary::Summary;

// ANCHOR: kl_mc
/// `KL(q || p)` for `q = N(mu, diag(exp(logvar)))` and `p = N(0, I)`, estimated as the mean of
/// `log q(z) - log p(z)` over `n` draws `z = mu + sigma ∘ eps ~ q`. The `-log(2π)/2` terms of
/// the two densities cancel, which leaves, per coordinate, `-logvar/2 - eps²/2 + z²/2`.
pub fn kl_monte_carlo<R: Rng + ?Sized>(
    mu: &[f64],
    logvar: &[f64],
    n: usize,
    rng: &mut R,
) -> Summary {
    assert_eq!(
        mu.len(),
        logvar.len(),
        "mu and logvar must have one entry per coordinate"
    );
    let draws: Vec<f64> = (0..n)
        .map(|_| {
            let mut log_ratio = 0.0;
            for (&m, &lv) in mu.iter().zip(logvar) {
                let eps: f64 = rng.sample(StandardNormal);
                let z = m + (0.5 * lv).exp() * eps;
                log_ratio += -0.5 * lv - 0.5 * eps * eps + 0.5 * z * z;
            }
            log_ratio
        })
        .collect();
    Summary::of(&draws)
}
// ANCHOR_END: kl_mc

/// A diagonal Gaussian `N(mu, diag(exp(logvar)))` to compare with `N(0, I)`.
#[derive(Debug, Clone, PartialEq)]
pub struct KlCase {
    /// What the case is, for the table.
    pub name: &'static str,
    /// The mean.
    pub mu: Vec<f64>,
    /// The log-variances.
    pub logvar: Vec<f64>,
}

impl KlCase {
    /// The closed form, from [`crate::kl::kl_standard_normal`].
    pub fn closed_form(&self) -> f64 {
        let mu = ndarray::ArrayView1::from(&self.mu);
        let logvar = ndarray::ArrayView1::from(&self.logvar);
        crate::kl::kl_standard_normal(&mu, &logvar)
    }
}

/// Draws per Monte Carlo estimate in the binary's table.
pub const DEFAULT_KL_DRAWS: usize = 10_000;
/// Repeated small estimates behind the coverage check.
pub const COVERAGE_REPEATS: usize = 1000;
/// Draws per estimate in the coverage check.
pub const COVERAGE_DRAWS: usize = 1000;

/// The table's cases: a shifted mean, a wider spread, a mixed 2-D case, and a 20-D one like a
/// VAE encoder's output (every mean 0.3, every standard deviation `e^-1`).
pub fn kl_cases() -> Vec<KlCase> {
    vec![
        KlCase {
            name: "k=1, mu=1, sigma=1",
            mu: vec![1.0],
            logvar: vec![0.0],
        },
        KlCase {
            name: "k=1, mu=0, sigma=2",
            mu: vec![0.0],
            logvar: vec![4.0f64.ln()],
        },
        KlCase {
            name: "k=2, mu=(0.5,-1), logvar=(-1,0.5)",
            mu: vec![0.5, -1.0],
            logvar: vec![-1.0, 0.5],
        },
        KlCase {
            name: "k=20, mu=0.3, sigma=e^-1",
            mu: vec![0.3; 20],
            logvar: vec![-2.0; 20],
        },
    ]
}

/// The fraction of `repeats` estimates, each from `draws` draws, that land within 1.96
/// standard errors of the closed form: about 95% if the standard error is honest.
pub fn coverage<R: Rng + ?Sized>(case: &KlCase, repeats: usize, draws: usize, rng: &mut R) -> f64 {
    let truth = case.closed_form();
    let hits = (0..repeats)
        .filter(|_| {
            kl_monte_carlo(&case.mu, &case.logvar, draws, rng)
                .z_score(truth)
                .abs()
                < 1.96
        })
        .count();
    hits as f64 / repeats as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn when_q_is_the_prior_every_draw_is_zero() {
        let mut rng = StdRng::seed_from_u64(1);
        let e = kl_monte_carlo(&[0.0, 0.0], &[0.0, 0.0], 100, &mut rng);
        assert!(e.mean.abs() < 1e-15 && e.standard_error < 1e-15, "{e:?}");
    }
}
