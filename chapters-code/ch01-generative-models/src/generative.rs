//! The generative model: a prior over classes and one Gaussian per class,
//! `p(x, y) = p(y) N(x; μ_y, Σ_y)`. It classifies (Bayes' rule), scores (`p(x)`) and samples.

use ndarray::{Array1, Array2, ArrayView1};
use rand::Rng;

use crate::dataset::Labelled;
use crate::gaussian::Gaussian;
use crate::log_space::log_sum_exp;

/// A class whose points do not determine a covariance: fewer than `dim + 1` of them, or all
/// on one hyperplane (one line in the plane). The data's fault, not the caller's.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "class {class} has {points} point(s), which do not determine a covariance in {dim} dimension(s): \
     it needs at least {} not all on one hyperplane",
    dim + 1
)]
pub struct ClassFitError {
    /// The class.
    pub class: usize,
    /// How many points it has.
    pub points: usize,
    /// The dimension of the points.
    pub dim: usize,
}

/// `p(y = c) = priors[c]` and `p(x | y = c) = N(x; μ_c, Σ_c)`.
#[derive(Debug, Clone)]
pub struct ClassConditionalGaussians {
    /// `p(y = c)` for each class `c`.
    pub priors: Vec<f64>,
    /// `p(x | y = c)` for each class `c`.
    pub classes: Vec<Gaussian>,
}

impl ClassConditionalGaussians {
    // ANCHOR: fit
    /// The maximum-likelihood fit: each class's share of the points, and a Gaussian fitted
    /// to each class's points alone.
    ///
    /// # Panics
    /// If `data` has no points.
    pub fn fit(data: &Labelled) -> Result<Self, ClassFitError> {
        assert!(!data.is_empty(), "no points to fit");
        let n = data.len() as f64;
        let mut priors = Vec::new();
        let mut classes = Vec::new();
        for c in 0..data.classes() {
            let points = data.of_class(c);
            priors.push(points.nrows() as f64 / n);
            let gaussian = Gaussian::fit(points.view()).ok_or(ClassFitError {
                class: c,
                points: points.nrows(),
                dim: points.ncols(),
            })?;
            classes.push(gaussian);
        }
        Ok(Self { priors, classes })
    }
    // ANCHOR_END: fit

    /// `log p(x, y = c) = log p(y = c) + log N(x; μ_c, Σ_c)`.
    pub fn log_joint(&self, x: ArrayView1<f64>, c: usize) -> f64 {
        self.priors[c].ln() + self.classes[c].log_density(x)
    }

    /// The log-odds `log p(x, y = 1) - log p(x, y = 0)` at the point `(x1, x2)`: the
    /// classifier's boundary is where it is zero, a conic since each class has its own
    /// covariance.
    pub fn log_odds(&self, x1: f64, x2: f64) -> f64 {
        let x = ndarray::array![x1, x2];
        self.log_joint(x.view(), 1) - self.log_joint(x.view(), 0)
    }

    // ANCHOR: score_classify_sample
    /// `log p(x) = log Σ_c p(x, y = c)`: how typical `x` is of the data, whatever its class.
    pub fn log_density(&self, x: ArrayView1<f64>) -> f64 {
        let joints: Vec<f64> = (0..self.priors.len())
            .map(|c| self.log_joint(x, c))
            .collect();
        log_sum_exp(&joints)
    }

    /// Bayes' rule: `p(y = c | x) = p(x, y = c) / p(x)`, for every class `c`.
    pub fn class_posterior(&self, x: ArrayView1<f64>) -> Vec<f64> {
        let log_px = self.log_density(x);
        (0..self.priors.len())
            .map(|c| (self.log_joint(x, c) - log_px).exp())
            .collect()
    }

    /// Ancestral sampling: a class `c` from `p(y)`, then a point from `p(x | y = c)`.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> (Array1<f64>, usize) {
        let u: f64 = rng.random();
        let mut c = 0;
        let mut cumulative = self.priors[0];
        while u >= cumulative && c + 1 < self.priors.len() {
            c += 1;
            cumulative += self.priors[c];
        }
        (self.classes[c].sample(rng), c)
    }
    // ANCHOR_END: score_classify_sample

    /// The most probable class of `x` under [`Self::class_posterior`].
    pub fn predict(&self, x: ArrayView1<f64>) -> usize {
        (0..self.priors.len())
            .max_by(|&a, &b| self.log_joint(x, a).total_cmp(&self.log_joint(x, b)))
            .expect("at least one class")
    }

    /// `count` fresh labelled points drawn with [`Self::sample`].
    pub fn sample_labelled<R: Rng + ?Sized>(&self, count: usize, rng: &mut R) -> Labelled {
        let dim = self.classes[0].dim();
        let mut x = Array2::<f64>::zeros((count, dim));
        let mut y = Vec::with_capacity(count);
        for mut row in x.rows_mut() {
            let (point, c) = self.sample(rng);
            row.assign(&point);
            y.push(c);
        }
        Labelled { x, y }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::two_clouds;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn posteriors_sum_to_one_and_agree_with_predict() {
        let data = two_clouds(50, &mut StdRng::seed_from_u64(2));
        let model = ClassConditionalGaussians::fit(&data).unwrap();
        for x in data.x.rows() {
            let post = model.class_posterior(x);
            assert!((post.iter().sum::<f64>() - 1.0).abs() < 1e-12);
            assert_eq!(model.predict(x), usize::from(post[1] > post[0]));
        }
    }

    #[test]
    fn samples_follow_the_class_priors() {
        // Uneven classes: 30 and 90 points, priors 1/4 and 3/4.
        let mut rng = StdRng::seed_from_u64(4);
        let mut data = two_clouds(90, &mut rng);
        let keep: Vec<usize> = (60..180).collect();
        data.x = data.x.select(ndarray::Axis(0), &keep);
        data.y = keep.iter().map(|&i| data.y[i]).collect();
        let model = ClassConditionalGaussians::fit(&data).unwrap();
        assert!((model.priors[0] - 0.25).abs() < 1e-12);
        let fresh = model.sample_labelled(4000, &mut rng);
        let share1 = fresh.y.iter().filter(|&&c| c == 1).count() as f64 / 4000.0;
        // Binomial standard error sqrt(0.75 * 0.25 / 4000) ≈ 0.0068; allow 4 of them.
        assert!((share1 - 0.75).abs() < 0.028, "share of class 1: {share1}");
    }

    #[test]
    fn a_class_without_enough_points_is_an_error() {
        let data = Labelled {
            x: ndarray::array![[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [5.0, 5.0]],
            y: vec![0, 0, 0, 1],
        };
        let error = ClassConditionalGaussians::fit(&data).unwrap_err();
        assert_eq!(
            error,
            ClassFitError {
                class: 1,
                points: 1,
                dim: 2
            }
        );
        assert_eq!(
            error.to_string(),
            "class 1 has 1 point(s), which do not determine a covariance in 2 dimension(s): \
             it needs at least 3 not all on one hyperplane"
        );
    }

    #[test]
    #[should_panic(expected = "no points to fit")]
    fn fitting_no_points_is_a_bug() {
        let data = Labelled {
            x: Array2::zeros((0, 2)),
            y: Vec::new(),
        };
        let _ = ClassConditionalGaussians::fit(&data);
    }
}
