//! The evidence lower bound of a Gaussian `q(z) = N(m, S)` on chapter 1's linear-Gaussian
//! model, in closed form and by Monte Carlo: the model on which `log p(x)` is exact, so the
//! bound can be checked against the truth.

use ch01_generative_models::gaussian::Gaussian;
use ch01_generative_models::latent::LinearGaussian;
use ndarray::{Array1, Array2, ArrayView1};
use rand::Rng;
use support::summary::Summary;

use crate::divergence::kl_gaussians;

/// The prior `p(z) = N(0, I_k)`.
pub fn standard_normal(k: usize) -> Gaussian {
    Gaussian::new(Array1::zeros(k), Array2::eye(k))
}

// ANCHOR: terms
/// The two terms of the ELBO of one `q` at one `x`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ElboTerms {
    /// `E_q[log p(x | z)]`: how well the codes `z ~ q` explain `x`.
    pub reconstruction: f64,
    /// `KL(q(z) || p(z))`: how far `q` strays from the prior.
    pub kl: f64,
}

impl ElboTerms {
    /// `ELBO = E_q[log p(x | z)] - KL(q || p(z))`.
    pub fn elbo(&self) -> f64 {
        self.reconstruction - self.kl
    }
}
// ANCHOR_END: terms

// ANCHOR: closed_form
/// The ELBO of `q = N(m, S)` at `x`, exactly. With `z = m + u`, `E[u] = 0`, `E[u uᵀ] = S`:
/// `E_q |x - b - W z|² = |x - b - W m|² + tr(Wᵀ W S)`, so the expected log-likelihood is the
/// log-likelihood at the mean, minus `tr(Wᵀ W S) / (2 s²)` for the spread of `q`.
pub fn elbo(model: &LinearGaussian, x: ArrayView1<f64>, q: &Gaussian) -> ElboTerms {
    let w = model.w();
    let s2 = model.noise_std() * model.noise_std();
    let spread = (&w.t().dot(w) * &q.cov()).sum(); // tr(WᵀW S), both symmetric
    ElboTerms {
        reconstruction: model.log_likelihood(x, q.mean()) - spread / (2.0 * s2),
        kl: kl_gaussians(q, &standard_normal(model.latent_dim())),
    }
}
// ANCHOR_END: closed_form

// ANCHOR: monte_carlo
/// The ELBO of `q` at `x` estimated from `n` draws `z ~ q`: the mean of
/// `log p(x | z) + log p(z) - log q(z)`.
pub fn elbo_monte_carlo<R: Rng + ?Sized>(
    model: &LinearGaussian,
    x: ArrayView1<f64>,
    q: &Gaussian,
    n: usize,
    rng: &mut R,
) -> Summary {
    let prior = standard_normal(model.latent_dim());
    let draws: Vec<f64> = (0..n)
        .map(|_| {
            let z = q.sample(rng);
            model.log_likelihood(x, z.view()) + prior.log_density(z.view())
                - q.log_density(z.view())
        })
        .collect();
    Summary::of(&draws)
}
// ANCHOR_END: monte_carlo

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn the_expected_log_likelihood_matches_one_dimensional_integration() {
        // z ~ N(0,1), x | z ~ N(2z + 1, 0.5²); q = N(0.4, 0.3²): integrate by the midpoint rule.
        let model = LinearGaussian::new(array![[2.0]], array![1.0], 0.5);
        let x = array![2.5];
        let q = Gaussian::new(array![0.4], array![[0.09]]);
        let (n, lo, hi) = (100_000, -4.0, 5.0);
        let h = (hi - lo) / n as f64;
        let integral: f64 = (0..n)
            .map(|i| {
                let z = array![lo + (i as f64 + 0.5) * h];
                q.log_density(z.view()).exp() * model.log_likelihood(x.view(), z.view()) * h
            })
            .sum();
        let terms = elbo(&model, x.view(), &q);
        assert!(
            (terms.reconstruction - integral).abs() < 1e-8,
            "{terms:?} vs {integral}"
        );
    }

    #[test]
    fn at_the_prior_the_kl_term_vanishes() {
        let mut rng = StdRng::seed_from_u64(4);
        let model = LinearGaussian::random(2, 5, 0.5, &mut rng);
        let (_, x) = model.sample(&mut rng);
        let terms = elbo(&model, x.view(), &standard_normal(2));
        assert!(terms.kl.abs() < 1e-15);
        assert_eq!(terms.elbo(), terms.reconstruction - terms.kl);
    }
}
