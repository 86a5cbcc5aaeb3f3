//! Monte Carlo estimates with their standard errors, and the Monte Carlo estimate of the KL
//! divergence that the closed form of [`crate::kl`] makes unnecessary (and checks).

use rand::Rng;
use rand_distr::StandardNormal;

// ANCHOR: estimate
/// The mean of `n` independent draws of a random quantity, and its standard error: the
/// sample standard deviation over `sqrt(n)`, the typical distance from the mean to the truth.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The sample mean.
    pub mean: f64,
    /// `sd / sqrt(n)`, with the sample standard deviation `sd` (divisor `n - 1`).
    pub std_error: f64,
    /// How many draws.
    pub n: usize,
}

impl Estimate {
    /// The estimate from the draws `values` (at least 2 of them).
    ///
    /// # Panics
    /// With fewer than 2 values: one draw says nothing about its spread.
    pub fn from_samples(values: &[f64]) -> Self {
        let n = values.len();
        assert!(n >= 2, "a standard error needs at least 2 draws, not {n}");
        let mean = values.iter().sum::<f64>() / n as f64;
        let var = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1) as f64;
        Self {
            mean,
            std_error: (var / n as f64).sqrt(),
            n,
        }
    }

    /// How many standard errors the estimate is from `truth`; NaN if the error is zero.
    pub fn z_score(&self, truth: f64) -> f64 {
        (self.mean - truth) / self.std_error
    }
}
// ANCHOR_END: estimate

// ANCHOR: kl_mc
/// `KL(q || p)` for `q = N(mu, diag(exp(logvar)))` and `p = N(0, I)`, estimated as the mean of
/// `log q(z) - log p(z)` over `n` draws `z = mu + sigma ∘ eps ~ q`. The `-log(2π)/2` terms of
/// the two densities cancel, which leaves, per coordinate, `-logvar/2 - eps²/2 + z²/2`.
pub fn kl_monte_carlo<R: Rng + ?Sized>(
    mu: &[f64],
    logvar: &[f64],
    n: usize,
    rng: &mut R,
) -> Estimate {
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
    Estimate::from_samples(&draws)
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
    fn the_standard_error_of_known_values() {
        // Values 1, 2, 3, 4: mean 2.5, sample variance 5/3, standard error sqrt(5/12).
        let e = Estimate::from_samples(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(e.mean, 2.5);
        assert!((e.std_error - (5.0f64 / 12.0).sqrt()).abs() < 1e-15);
        assert!((e.z_score(2.0) - 0.5 / (5.0f64 / 12.0).sqrt()).abs() < 1e-12);
    }

    #[test]
    fn when_q_is_the_prior_every_draw_is_zero() {
        let mut rng = StdRng::seed_from_u64(1);
        let e = kl_monte_carlo(&[0.0, 0.0], &[0.0, 0.0], 100, &mut rng);
        assert!(e.mean.abs() < 1e-15 && e.std_error < 1e-15, "{e:?}");
    }

    #[test]
    #[should_panic(expected = "at least 2 draws")]
    fn one_draw_has_no_standard_error() {
        Estimate::from_samples(&[1.0]);
    }
}
