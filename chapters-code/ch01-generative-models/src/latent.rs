//! A latent-variable model whose evidence `log p(x)` is known exactly: linear-Gaussian, also
//! called probabilistic PCA. `z ~ N(0, I_k)`, then `x | z ~ N(W z + b, s² I_D)`.

use ndarray::{Array1, Array2, ArrayView1};
use rand::Rng;
use rand_distr::{Distribution, Normal, StandardNormal};

use crate::gaussian::Gaussian;
use crate::linalg::{cholesky, inverse_from_cholesky};

/// `p(z) = N(0, I_k)`, `p(x | z) = N(W z + b, s² I_D)`: the simplest latent-variable model,
/// and the one where the integral `p(x) = ∫ p(x|z) p(z) dz` has a closed form.
#[derive(Debug, Clone)]
pub struct LinearGaussian {
    w: Array2<f64>,
    b: Array1<f64>,
    noise_std: f64,
}

impl LinearGaussian {
    /// The model with decoder weights `w` (D x k), offset `b` (D) and noise `noise_std` (s).
    ///
    /// # Panics
    /// If `b` does not have one entry per row of `w`, if `w` has no row or no column, or if
    /// `noise_std` is not a positive number.
    pub fn new(w: Array2<f64>, b: Array1<f64>, noise_std: f64) -> Self {
        assert_eq!(
            w.nrows(),
            b.len(),
            "W has {} rows but b has {} entries",
            w.nrows(),
            b.len()
        );
        assert!(
            w.nrows() > 0 && w.ncols() > 0,
            "latent and data dimensions must be at least 1"
        );
        assert!(
            noise_std > 0.0 && noise_std.is_finite(),
            "the noise standard deviation must be positive, not {noise_std}"
        );
        Self { w, b, noise_std }
    }

    /// A model with `W`'s entries drawn from `N(0, 1/k)` and `b = 0`, so that every coordinate
    /// of `x` has variance about `1 + s²` whatever the latent dimension `k`.
    ///
    /// # Panics
    /// As [`Self::new`]: if a dimension is 0 or `noise_std` is not positive.
    pub fn random<R: Rng + ?Sized>(
        latent_dim: usize,
        data_dim: usize,
        noise_std: f64,
        rng: &mut R,
    ) -> Self {
        assert!(
            latent_dim > 0 && data_dim > 0,
            "latent and data dimensions must be at least 1"
        );
        let normal = Normal::new(0.0, (1.0 / latent_dim as f64).sqrt()).expect("positive std");
        let w = Array2::from_shape_fn((data_dim, latent_dim), |_| normal.sample(rng));
        Self::new(w, Array1::zeros(data_dim), noise_std)
    }

    /// The same model restricted to the first `data_dim` coordinates of `x` (the first rows
    /// of `W` and `b`): a model of fewer pixels that shares the latent variable.
    ///
    /// # Panics
    /// If `data_dim` is 0.
    pub fn first_coordinates(&self, data_dim: usize) -> Self {
        let d = data_dim.min(self.data_dim());
        Self::new(
            self.w.slice(ndarray::s![..d, ..]).to_owned(),
            self.b.slice(ndarray::s![..d]).to_owned(),
            self.noise_std,
        )
    }

    /// k, the dimension of `z`.
    pub fn latent_dim(&self) -> usize {
        self.w.ncols()
    }

    /// D, the dimension of `x`.
    pub fn data_dim(&self) -> usize {
        self.w.nrows()
    }

    /// s, the standard deviation of the noise added to `W z + b`.
    pub fn noise_std(&self) -> f64 {
        self.noise_std
    }

    /// The decoder weights `W` (D x k).
    pub fn w(&self) -> &Array2<f64> {
        &self.w
    }

    /// Ancestral sampling: `z` from the prior, then `x` from `p(x | z)`. Returns `(z, x)`.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> (Array1<f64>, Array1<f64>) {
        let z: Array1<f64> = (0..self.latent_dim())
            .map(|_| rng.sample(StandardNormal))
            .collect();
        let noise: Array1<f64> = (0..self.data_dim())
            .map(|_| self.noise_std * rng.sample::<f64, _>(StandardNormal))
            .collect();
        let x = self.w.dot(&z) + &self.b + noise;
        (z, x)
    }

    // ANCHOR: log_likelihood
    /// `log p(x | z) = log N(x; W z + b, s² I)`: how well this one `z` explains `x`.
    pub fn log_likelihood(&self, x: ArrayView1<f64>, z: ArrayView1<f64>) -> f64 {
        let s2 = self.noise_std * self.noise_std;
        let residual = &x - &self.w.dot(&z) - &self.b;
        let d = self.data_dim() as f64;
        -0.5 * (d * (2.0 * std::f64::consts::PI * s2).ln() + residual.dot(&residual) / s2)
    }
    // ANCHOR_END: log_likelihood

    // ANCHOR: marginal
    /// `p(x) = ∫ N(x; W z + b, s² I) N(z; 0, I) dz = N(x; b, W Wᵀ + s² I)`: the exact evidence.
    ///
    /// `x = W z + b + s ε` is a linear function of the Gaussian `(z, ε)`, hence Gaussian, with
    /// mean `b` and covariance `W Wᵀ + s² I`.
    pub fn marginal(&self) -> Gaussian {
        // W Wᵀ + s² I is positive definite for s > 0.
        self.marginal_with_noise_variance(self.noise_std * self.noise_std)
    }
    // ANCHOR_END: marginal

    /// The posterior `p(z | x)`: which latent values explain `x`. For this model it is
    /// Gaussian, with precision `I + WᵀW / s²` and mean `(I + WᵀW / s²)⁻¹ Wᵀ (x - b) / s²`.
    pub fn posterior(&self, x: ArrayView1<f64>) -> Gaussian {
        let s2 = self.noise_std * self.noise_std;
        let mut precision = self.w.t().dot(&self.w) / s2;
        precision.diag_mut().iter_mut().for_each(|p| *p += 1.0);
        let chol = cholesky(precision.view()).expect("I + WᵀW/s² is positive definite");
        let cov = inverse_from_cholesky(chol.view());
        let mean = cov.dot(&self.w.t().dot(&(&x - &self.b))) / s2;
        // The inverse of a positive definite matrix is one too.
        Gaussian::new(mean, cov)
    }

    /// `N(b, W Wᵀ + v I)`, for `v > 0`.
    fn marginal_with_noise_variance(&self, v: f64) -> Gaussian {
        let mut cov = self.w.dot(&self.w.t());
        cov.diag_mut().iter_mut().for_each(|c| *c += v);
        Gaussian::new(self.b.clone(), cov)
    }

    // ANCHOR: second_moment
    /// What it takes to compute the variance of the naive Monte Carlo estimate of `p(x)`.
    ///
    /// The square of a Gaussian density is a Gaussian density with half the variance:
    /// `N(x; μ, s² I)² = (4π s²)^(-D/2) N(x; μ, (s²/2) I)`, so that for `z ~ p(z)`,
    /// `E[p(x|z)²] = (4π s²)^(-D/2) N(x; b, W Wᵀ + (s²/2) I)`, a Gaussian integral like `p(x)`.
    pub fn naive_variance(&self) -> NaiveVariance {
        let s2 = self.noise_std * self.noise_std;
        NaiveVariance {
            log_scale: -0.5 * self.data_dim() as f64 * (4.0 * std::f64::consts::PI * s2).ln(),
            half_noise: self.marginal_with_noise_variance(s2 / 2.0),
            marginal: self.marginal(),
        }
    }
    // ANCHOR_END: second_moment

    /// `log p(x | z)` for this `x`, as a function of `z` alone, evaluated in `O(k²)` rather
    /// than `O(D k)`: the same numbers as [`Self::log_likelihood`], faster when `D` is large.
    pub fn likelihood_of_z(&self, x: ArrayView1<f64>) -> LikelihoodOfZ {
        LikelihoodOfZ::new(self, x)
    }
}

/// The second moment of one term `p(x|z)`, `z ~ p(z)`, of the naive estimate of `p(x)`,
/// from [`LinearGaussian::naive_variance`].
#[derive(Debug, Clone)]
pub struct NaiveVariance {
    log_scale: f64,
    half_noise: Gaussian,
    marginal: Gaussian,
}

impl NaiveVariance {
    // ANCHOR: second_moment_ratio
    /// `log(E[p(x|z)²] / p(x)²)`: the log of one plus the relative variance of one term.
    pub fn log_second_moment_ratio(&self, x: ArrayView1<f64>) -> f64 {
        self.log_scale + self.half_noise.log_density(x) - 2.0 * self.marginal.log_density(x)
    }
    // ANCHOR_END: second_moment_ratio

    /// `Var[p(x|z)] / p(x)²`, the relative variance of one term; the average of `N` terms has
    /// `1/N` of it. May be `+inf` when it exceeds `f64`'s range.
    pub fn relative_variance(&self, x: ArrayView1<f64>) -> f64 {
        self.log_second_moment_ratio(x).exp_m1()
    }
}

/// `log p(x | z)` for a fixed `x`, a quadratic function of `z`:
/// `|x - b - W z|² = |x - b|² - 2 (Wᵀ(x - b))·z + zᵀ (WᵀW) z`.
#[derive(Debug, Clone)]
pub struct LikelihoodOfZ {
    constant: f64,
    residual_norm2: f64,
    projection: Array1<f64>,
    gram: Array2<f64>,
    inv_noise_var: f64,
}

impl LikelihoodOfZ {
    fn new(model: &LinearGaussian, x: ArrayView1<f64>) -> Self {
        let s2 = model.noise_std * model.noise_std;
        let r = &x - &model.b;
        Self {
            constant: -0.5 * model.data_dim() as f64 * (2.0 * std::f64::consts::PI * s2).ln(),
            residual_norm2: r.dot(&r),
            projection: model.w.t().dot(&r),
            gram: model.w.t().dot(&model.w),
            inv_noise_var: 1.0 / s2,
        }
    }

    /// `log p(x | z)`.
    pub fn eval(&self, z: ArrayView1<f64>) -> f64 {
        let k = z.len();
        let mut quad = 0.0;
        for i in 0..k {
            let row: f64 = (0..k).map(|j| self.gram[[i, j]] * z[j]).sum();
            quad += z[i] * row;
        }
        // Rounding can push a tiny true squared distance below 0.
        let dist2 = (self.residual_norm2 - 2.0 * self.projection.dot(&z) + quad).max(0.0);
        self.constant - 0.5 * self.inv_noise_var * dist2
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn the_one_dimensional_evidence_has_variance_w2_plus_s2() {
        // z ~ N(0,1), x | z ~ N(2z + 1, 0.5²): x ~ N(1, 4 + 0.25).
        let m = LinearGaussian::new(array![[2.0]], array![1.0], 0.5);
        let x = array![2.5];
        let v: f64 = 4.25;
        let expected = -0.5 * ((2.0 * std::f64::consts::PI * v).ln() + 1.5 * 1.5 / v);
        assert!((m.marginal().log_density(x.view()) - expected).abs() < 1e-12);
    }

    #[test]
    fn the_quadratic_form_in_z_equals_the_direct_likelihood() {
        let mut rng = StdRng::seed_from_u64(3);
        let m = LinearGaussian::random(3, 50, 0.4, &mut rng);
        let (_, x) = m.sample(&mut rng);
        let fast = m.likelihood_of_z(x.view());
        for _ in 0..10 {
            let (z, _) = m.sample(&mut rng);
            let (a, b) = (fast.eval(z.view()), m.log_likelihood(x.view(), z.view()));
            assert!((a - b).abs() < 1e-9 * b.abs().max(1.0), "{a} vs {b}");
        }
    }

    #[test]
    fn the_second_moment_matches_numerical_integration_in_one_dimension() {
        // E[p(x|z)²] = ∫ N(x; wz + b, s²)² N(z; 0, 1) dz, by the midpoint rule on [-10, 10].
        let m = LinearGaussian::new(array![[1.5]], array![0.2], 0.3);
        let x = array![1.1];
        let n = 200_000;
        let h = 20.0 / n as f64;
        let (mut first, mut second) = (0.0, 0.0);
        for i in 0..n {
            let z = -10.0 + (i as f64 + 0.5) * h;
            let prior = (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt();
            let lik = m.log_likelihood(x.view(), array![z].view()).exp();
            first += lik * prior * h;
            second += lik * lik * prior * h;
        }
        let exact_first = m.marginal().log_density(x.view());
        assert!((first.ln() - exact_first).abs() < 1e-6);
        let ratio = (second / (first * first)).ln();
        assert!((ratio - m.naive_variance().log_second_moment_ratio(x.view())).abs() < 1e-6);
    }

    #[test]
    fn bayes_rule_holds_with_the_exact_posterior() {
        // p(x | z) p(z) / p(z | x) = p(x) for every z: the identity behind chapter 2.
        let mut rng = StdRng::seed_from_u64(5);
        let m = LinearGaussian::random(3, 8, 0.5, &mut rng);
        let (_, x) = m.sample(&mut rng);
        let prior = Gaussian::new(Array1::zeros(3), Array2::eye(3));
        let posterior = m.posterior(x.view());
        let log_px = m.marginal().log_density(x.view());
        for _ in 0..5 {
            let z = posterior.sample(&mut rng);
            let ratio = m.log_likelihood(x.view(), z.view()) + prior.log_density(z.view())
                - posterior.log_density(z.view());
            assert!((ratio - log_px).abs() < 1e-9, "{ratio} vs {log_px}");
        }
    }

    #[test]
    #[should_panic(expected = "W has 2 rows but b has 1 entries")]
    fn mismatched_shapes_are_a_bug() {
        let _ = LinearGaussian::new(array![[1.0], [2.0]], array![0.0], 1.0);
    }

    #[test]
    #[should_panic(expected = "the noise standard deviation must be positive, not 0")]
    fn zero_noise_is_a_bug() {
        let _ = LinearGaussian::new(array![[1.0]], array![0.0], 0.0);
    }

    #[test]
    #[should_panic(expected = "latent and data dimensions must be at least 1")]
    fn an_empty_latent_space_is_a_bug() {
        let _ = LinearGaussian::random(0, 3, 1.0, &mut StdRng::seed_from_u64(0));
    }
}
