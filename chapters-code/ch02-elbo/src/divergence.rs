//! The KL divergence between two Gaussians in closed form: in one dimension, to show its
//! properties with numbers, and between full-covariance Gaussians, to measure how far an
//! approximate posterior is from the true one.

use ch01_generative_models::gaussian::Gaussian;
use ch01_generative_models::linalg::{cholesky, inverse_from_cholesky, log_det_from_cholesky};

// ANCHOR: one_d
/// `KL(N(m_q, s_q²) || N(m_p, s_p²)) = log(s_p / s_q) + (s_q² + (m_q - m_p)²) / (2 s_p²) - 1/2`,
/// with standard deviations `s_q, s_p > 0`.
pub fn kl_normal_1d(m_q: f64, s_q: f64, m_p: f64, s_p: f64) -> f64 {
    (s_p / s_q).ln() + (s_q * s_q + (m_q - m_p) * (m_q - m_p)) / (2.0 * s_p * s_p) - 0.5
}
// ANCHOR_END: one_d

// ANCHOR: general
/// `KL(N(m_q, S_q) || N(m_p, S_p))
///  = 1/2 [ tr(S_p⁻¹ S_q) + (m_p - m_q)ᵀ S_p⁻¹ (m_p - m_q) - k + log det S_p - log det S_q ]`.
///
/// # Panics
/// If the two Gaussians have different dimensions.
pub fn kl_gaussians(q: &Gaussian, p: &Gaussian) -> f64 {
    assert_eq!(q.dim(), p.dim(), "kl_gaussians: dimensions differ");
    let k = q.dim() as f64;
    let chol_p = cholesky(p.cov()).expect("a Gaussian's covariance is positive definite");
    let chol_q = cholesky(q.cov()).expect("a Gaussian's covariance is positive definite");
    let p_inv = inverse_from_cholesky(chol_p.view());
    let trace = (&p_inv * &q.cov()).sum(); // tr(A B) = sum of A ∘ Bᵀ, and S_q is symmetric
    let diff = &p.mean() - &q.mean();
    let mahalanobis = diff.dot(&p_inv.dot(&diff));
    let log_dets = log_det_from_cholesky(chol_p.view()) - log_det_from_cholesky(chol_q.view());
    0.5 * (trace + mahalanobis - k + log_dets)
}
// ANCHOR_END: general

/// The pairs `(m_q, s_q, m_p, s_p)` whose divergences, both ways, the binary prints.
pub const PAIRS: [(f64, f64, f64, f64); 4] = [
    (0.0, 1.0, 0.0, 1.0),
    (1.0, 1.0, 0.0, 1.0),
    (0.0, 1.0, 0.0, 2.0),
    (0.0, 0.1, 0.0, 1.0),
];

/// The smallest `KL(q || p)` over `count` random pairs of one-dimensional Gaussians, means
/// uniform in `[-3, 3]` and standard deviations `exp(U(-3, 3))`: never below zero.
pub fn smallest_over_random_pairs<R: rand::Rng + ?Sized>(count: usize, rng: &mut R) -> f64 {
    let mut smallest = f64::INFINITY;
    for _ in 0..count {
        let m_q = rng.random_range(-3.0..3.0);
        let s_q = rng.random_range(-3.0f64..3.0).exp();
        let m_p = rng.random_range(-3.0..3.0);
        let s_p = rng.random_range(-3.0f64..3.0).exp();
        smallest = smallest.min(kl_normal_1d(m_q, s_q, m_p, s_p));
    }
    smallest
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array1, Array2, array};

    #[test]
    fn the_general_formula_agrees_with_the_one_dimensional_one() {
        let q = Gaussian::new(array![0.3], array![[4.0]]);
        let p = Gaussian::new(array![-1.0], array![[0.5]]);
        let expected = kl_normal_1d(0.3, 2.0, -1.0, 0.5f64.sqrt());
        assert!((kl_gaussians(&q, &p) - expected).abs() < 1e-14);
    }

    #[test]
    fn the_general_formula_agrees_with_the_standard_normal_one() {
        // Diagonal q against N(0, I): the formula of `kl::kl_standard_normal`.
        let mu = array![0.5, -1.0, 2.0];
        let logvar = array![-1.0, 0.5, 0.0];
        let q = Gaussian::new(mu.clone(), Array2::from_diag(&logvar.mapv(f64::exp)));
        let p = Gaussian::new(Array1::zeros(3), Array2::eye(3));
        let expected = crate::kl::kl_standard_normal(&mu, &logvar);
        assert!((kl_gaussians(&q, &p) - expected).abs() < 1e-14);
    }

    #[test]
    fn a_gaussian_is_at_zero_divergence_from_itself() {
        let g = Gaussian::new(array![1.0, 2.0], array![[2.0, 0.7], [0.7, 1.0]]);
        assert!(kl_gaussians(&g, &g).abs() < 1e-15);
    }
}
