//! The multivariate normal distribution: fit it to points, score points under it, draw from it.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use rand::Rng;
use rand_distr::StandardNormal;

use crate::linalg::{cholesky, log_det_from_cholesky, solve_lower};

/// `N(mean, cov)`, with the Cholesky factor of `cov` kept for scoring and sampling.
#[derive(Debug, Clone)]
pub struct Gaussian {
    mean: Array1<f64>,
    cov: Array2<f64>,
    chol: Array2<f64>,
    log_det: f64,
}

impl Gaussian {
    /// `N(mean, cov)`.
    ///
    /// # Panics
    /// If `cov` is not a symmetric positive definite matrix of the mean's dimension: every
    /// caller builds its covariance so that it is one.
    pub fn new(mean: Array1<f64>, cov: Array2<f64>) -> Self {
        Self::try_new(mean, cov).expect("the covariance must be positive definite")
    }

    /// `N(mean, cov)`, or `None` if `cov` is not positive definite.
    fn try_new(mean: Array1<f64>, cov: Array2<f64>) -> Option<Self> {
        assert!(
            cov.nrows() == mean.len() && cov.ncols() == mean.len(),
            "a mean of dimension {} with a {}x{} covariance",
            mean.len(),
            cov.nrows(),
            cov.ncols()
        );
        let chol = cholesky(cov.view())?;
        let log_det = log_det_from_cholesky(chol.view());
        Some(Self {
            mean,
            cov,
            chol,
            log_det,
        })
    }

    // ANCHOR: fit
    /// The maximum-likelihood fit to the rows of `points`: their mean, and their covariance
    /// with divisor n. `None` if that covariance is singular: fewer points than dimensions
    /// plus one, or all of them on one line (one hyperplane).
    pub fn fit(points: ArrayView2<f64>) -> Option<Self> {
        let (n, dim) = points.dim();
        if n <= dim {
            return None;
        }
        let mean = points.mean_axis(Axis(0)).expect("n > 0");
        let centred = &points - &mean;
        let cov = centred.t().dot(&centred) / n as f64;
        Self::try_new(mean, cov)
    }
    // ANCHOR_END: fit

    /// The dimension.
    pub fn dim(&self) -> usize {
        self.mean.len()
    }

    /// The mean vector.
    pub fn mean(&self) -> ArrayView1<'_, f64> {
        self.mean.view()
    }

    /// The covariance matrix.
    pub fn cov(&self) -> ArrayView2<'_, f64> {
        self.cov.view()
    }

    // ANCHOR: log_density
    /// `log N(x; mean, cov) = -(d log 2π + log det cov + (x-mean)ᵀ cov⁻¹ (x-mean)) / 2`.
    ///
    /// With `cov = L Lᵀ`, the quadratic form is `|L⁻¹(x-mean)|²`.
    pub fn log_density(&self, x: ArrayView1<f64>) -> f64 {
        let u = solve_lower(self.chol.view(), (&x - &self.mean).view());
        let d = self.dim() as f64;
        -0.5 * (d * (2.0 * std::f64::consts::PI).ln() + self.log_det + u.dot(&u))
    }
    // ANCHOR_END: log_density

    /// Squared Mahalanobis distance `(x-mean)ᵀ cov⁻¹ (x-mean)`: 1 on the one-sigma contour.
    pub fn mahalanobis2(&self, x: ArrayView1<f64>) -> f64 {
        let u = solve_lower(self.chol.view(), (&x - &self.mean).view());
        u.dot(&u)
    }

    // ANCHOR: sample
    /// One draw: `mean + L ε` with `ε ~ N(0, I)`, so that its covariance is `L Lᵀ = cov`.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> Array1<f64> {
        let eps: Array1<f64> = (0..self.dim())
            .map(|_| rng.sample(StandardNormal))
            .collect();
        &self.mean + &self.chol.dot(&eps)
    }
    // ANCHOR_END: sample

    /// `count` points on the contour `(x-mean)ᵀ cov⁻¹ (x-mean) = radius²` of a 2-D Gaussian,
    /// the last equal to the first (a closed polyline, ready to draw).
    ///
    /// # Panics
    /// If the Gaussian is not 2-dimensional.
    pub fn contour(&self, radius: f64, count: usize) -> Vec<(f64, f64)> {
        assert_eq!(self.dim(), 2, "contours are drawn for 2-D Gaussians only");
        let count = count.max(3);
        let l = &self.chol;
        let mut ring: Vec<(f64, f64)> = (0..count)
            .map(|i| {
                let t = std::f64::consts::TAU * i as f64 / count as f64;
                // The circle of this radius, mapped by x = mean + L u: |L⁻¹(x - mean)| = radius.
                let (c, s) = (radius * t.cos(), radius * t.sin());
                (
                    self.mean[0] + l[[0, 0]] * c,
                    self.mean[1] + l[[1, 0]] * c + l[[1, 1]] * s,
                )
            })
            .collect();
        ring.push(ring[0]);
        ring
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array2, array};
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn log_density_matches_the_one_dimensional_formula() {
        let g = Gaussian::new(array![1.0], array![[4.0]]);
        // N(3; 1, 4) = exp(-(3-1)²/8) / sqrt(2π 4)
        let expected = -0.5 - 0.5 * (8.0 * std::f64::consts::PI).ln();
        assert!((g.log_density(array![3.0].view()) - expected).abs() < 1e-12);
    }

    #[test]
    fn a_diagonal_gaussian_is_a_product_of_one_dimensional_ones() {
        let g = Gaussian::new(array![0.0, 1.0], array![[1.0, 0.0], [0.0, 9.0]]);
        let one = |x: f64, m: f64, v: f64| {
            -0.5 * ((2.0 * std::f64::consts::PI * v).ln() + (x - m) * (x - m) / v)
        };
        let x = array![0.3, -2.0];
        let expected = one(0.3, 0.0, 1.0) + one(-2.0, 1.0, 9.0);
        assert!((g.log_density(x.view()) - expected).abs() < 1e-12);
    }

    #[test]
    fn fitting_samples_recovers_mean_and_covariance() {
        let truth = Gaussian::new(array![1.0, -2.0], array![[2.0, 0.8], [0.8, 1.0]]);
        let mut rng = StdRng::seed_from_u64(7);
        let n = 20_000;
        let mut points = Array2::<f64>::zeros((n, 2));
        for mut row in points.rows_mut() {
            row.assign(&truth.sample(&mut rng));
        }
        let fit = Gaussian::fit(points.view()).unwrap();
        // Standard errors at n = 20000 are below 0.02 for every entry here; allow 4 of them.
        for (a, b) in fit.mean().iter().zip(truth.mean()) {
            assert!((a - b).abs() < 0.08, "mean {a} vs {b}");
        }
        for (a, b) in fit.cov().iter().zip(truth.cov()) {
            assert!((a - b).abs() < 0.08, "cov {a} vs {b}");
        }
    }

    #[test]
    fn contour_points_are_at_the_requested_mahalanobis_distance() {
        let g = Gaussian::new(array![1.0, 2.0], array![[2.0, 0.8], [0.8, 1.0]]);
        let ring = g.contour(2.0, 40);
        assert_eq!(ring.len(), 41);
        assert_eq!(ring.first(), ring.last());
        for (x, y) in ring {
            assert!((g.mahalanobis2(array![x, y].view()) - 4.0).abs() < 1e-9);
        }
    }

    #[test]
    fn too_few_points_or_points_on_a_line_fit_nothing() {
        assert!(Gaussian::fit(array![[0.0, 1.0], [2.0, 3.0]].view()).is_none());
        // Three points on a line: a singular covariance.
        assert!(Gaussian::fit(array![[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]].view()).is_none());
    }

    #[test]
    #[should_panic(expected = "a mean of dimension 1 with a 2x2 covariance")]
    fn mismatched_shapes_are_a_bug() {
        let _ = Gaussian::new(array![0.0], array![[1.0, 0.0], [0.0, 1.0]]);
    }

    #[test]
    #[should_panic(expected = "the covariance must be positive definite")]
    fn an_indefinite_covariance_is_a_bug() {
        let _ = Gaussian::new(array![0.0, 0.0], array![[1.0, 2.0], [2.0, 1.0]]);
    }
}
