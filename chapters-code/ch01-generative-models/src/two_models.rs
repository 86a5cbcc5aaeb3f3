//! The chapter's first experiment: one data set in the plane, fitted twice. Logistic regression
//! models `p(y | x)` and nothing else; class-conditional Gaussians model `p(x, y)`, and can
//! therefore also sample new points and say how typical a point is.

use ndarray::{ArrayView1, array};
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::dataset::{Labelled, two_clouds};
use crate::generative::{ClassConditionalGaussians, ClassFitError};
use crate::logistic::LogisticRegression;

/// The seed the chapter's numbers come from.
pub const DEFAULT_SEED: u64 = 1;

/// Training points per class.
pub const DEFAULT_PER_CLASS: usize = 150;

/// New points drawn from the generative fit.
pub const DEFAULT_SAMPLES: usize = 200;

/// Test points per class, to measure accuracy and typical `log p(x)`.
pub const TEST_PER_CLASS: usize = 1000;

/// A point nothing like the data: far from both clouds.
pub const ODD_POINT: [f64; 2] = [6.0, 6.0];

/// Everything the experiment fitted and measured.
#[derive(Debug, Clone)]
pub struct TwoModels {
    /// The training points.
    pub train: Labelled,
    /// Fresh points from the same distribution, to test on.
    pub test: Labelled,
    /// The discriminative fit.
    pub logistic: LogisticRegression,
    /// How many gradient steps its fit took.
    pub logistic_steps: usize,
    /// The generative fit.
    pub gaussians: ClassConditionalGaussians,
    /// New points drawn from the generative fit.
    pub sampled: Labelled,
}

impl TwoModels {
    /// Draws `per_class` training points per class, fits both models, and draws `samples`
    /// new points from the generative one, all from `StdRng::seed_from_u64(seed)`.
    ///
    /// # Errors
    /// [`ClassFitError`] if a class's points do not determine a covariance: fewer than 3 of
    /// them, or (almost never) all on one line.
    ///
    /// # Panics
    /// If `per_class` is 0.
    pub fn run(per_class: usize, samples: usize, seed: u64) -> Result<Self, ClassFitError> {
        let mut rng = StdRng::seed_from_u64(seed);
        let train = two_clouds(per_class, &mut rng);
        let test = two_clouds(TEST_PER_CLASS, &mut rng);
        // Step size 1 is safe here: the loss's curvature is at most (1 + |x|²)/4 per point.
        let (logistic, logistic_steps) = LogisticRegression::fit(&train, 1.0, 100_000);
        let gaussians = ClassConditionalGaussians::fit(&train)?;
        let sampled = gaussians.sample_labelled(samples, &mut rng);
        Ok(Self {
            train,
            test,
            logistic,
            logistic_steps,
            gaussians,
            sampled,
        })
    }

    /// Test accuracy of logistic regression.
    pub fn logistic_accuracy(&self) -> f64 {
        self.test.accuracy(|x| self.logistic.predict(x))
    }

    /// Test accuracy of the generative model, classifying by Bayes' rule.
    pub fn generative_accuracy(&self) -> f64 {
        self.test.accuracy(|x| self.gaussians.predict(x))
    }

    /// The mean of `log p(x)` under the generative fit over the test points: how typical
    /// the model finds real data.
    pub fn mean_test_log_density(&self) -> f64 {
        let total: f64 = self
            .test
            .x
            .rows()
            .into_iter()
            .map(|x| self.gaussians.log_density(x))
            .sum();
        total / self.test.len() as f64
    }

    /// `(p(y = 1 | x) by logistic regression, log p(x) by the generative fit)` at `x`.
    pub fn judge(&self, x: ArrayView1<f64>) -> (f64, f64) {
        (self.logistic.prob_class1(x), self.gaussians.log_density(x))
    }

    /// [`Self::judge`] at [`ODD_POINT`].
    pub fn judge_odd_point(&self) -> (f64, f64) {
        self.judge(array![ODD_POINT[0], ODD_POINT[1]].view())
    }
}
