//! The two estimators side by side on the one-dimensional test functions: the mean of many
//! single-sample estimates (it should be the exact gradient) and their variance.

use rand::Rng;
use rand_distr::StandardNormal;
use support::summary::Moments;

use crate::error::{Error, at_least, check_gaussian};
use crate::estimators::{Estimator, Gaussian, Parameter, ScalarFunction};
use crate::quadrature;
use crate::test_functions::TestFunction;

/// The distribution of the table: `z ~ N(1, 1)`.
pub const TABLE_Q: Gaussian = Gaussian::new(1.0, 1.0);

/// The table's rows: two smooth functions, one that wiggles about as fast as `q` is wide,
/// and one that wiggles faster.
pub const TABLE_FUNCTIONS: [TestFunction; 4] = [
    TestFunction::Square,
    TestFunction::Exp,
    TestFunction::Sin { frequency: 1.0 },
    TestFunction::Sin { frequency: 3.0 },
];

/// Single-sample estimates averaged per table entry.
pub const DEFAULT_SAMPLES: usize = 100_000;

/// What many single-sample estimates of one gradient component look like, next to the exact
/// variance of one estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimates {
    /// The average of the estimates.
    pub mean: f64,
    /// The standard error of that average.
    pub standard_error: f64,
    /// The sample variance of one estimate.
    pub variance: f64,
    /// The exact variance of one estimate (by numerical integration).
    pub exact_variance: f64,
}

/// One gradient component of one test function, estimated both ways.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    /// The function `f`.
    pub function: TestFunction,
    /// Which component of the gradient.
    pub parameter: Parameter,
    /// The exact value of that component.
    pub exact: f64,
    /// The pathwise estimates.
    pub pathwise: Estimates,
    /// The score-function estimates (no baseline).
    pub score: Estimates,
}

impl Row {
    /// How many times larger the score-function variance is than the pathwise one (exact
    /// variances): the number of score-function samples worth one pathwise sample.
    pub fn variance_ratio(&self) -> f64 {
        self.score.exact_variance / self.pathwise.exact_variance
    }
}

/// The exact mean and variance of one `estimator`'s estimate of one gradient component.
pub fn exact_moments(
    estimator: Estimator,
    f: &impl ScalarFunction,
    q: Gaussian,
    parameter: Parameter,
) -> (f64, f64) {
    quadrature::mean_and_variance(|eps| estimator.estimate(f, q, eps).get(parameter))
}

/// Estimates both gradient components of `E[f(z)]`, `z ~ q`, from `samples` single-sample
/// estimates of each estimator; both use the same draws.
pub fn compare(
    f: TestFunction,
    q: Gaussian,
    samples: usize,
    rng: &mut impl Rng,
) -> Result<[Row; 2], Error> {
    at_least("the number of samples", samples, 2)?;
    check_gaussian(q.mu, q.sigma)?;
    let estimators = [Estimator::Pathwise, Estimator::SCORE_FUNCTION];
    // moments[estimator][parameter]
    let mut moments = [[Moments::new(); 2]; 2];
    for _ in 0..samples {
        let eps: f64 = rng.sample(StandardNormal);
        for (e, estimator) in estimators.iter().enumerate() {
            let g = estimator.estimate(&f, q, eps);
            for (p, parameter) in Parameter::BOTH.iter().enumerate() {
                moments[e][p].push(g.get(*parameter));
            }
        }
    }
    let exact = f.exact_gradient(q);
    let summary = |e: usize, p: usize| {
        let m = moments[e][p];
        Estimates {
            mean: m.mean(),
            standard_error: m.standard_error(),
            variance: m.variance(),
            exact_variance: exact_moments(estimators[e], &f, q, Parameter::BOTH[p]).1,
        }
    };
    Ok([0, 1].map(|p| Row {
        function: f,
        parameter: Parameter::BOTH[p],
        exact: exact.get(Parameter::BOTH[p]),
        pathwise: summary(0, p),
        score: summary(1, p),
    }))
}

/// The whole table: [`compare`] for each of [`TABLE_FUNCTIONS`] at [`TABLE_Q`].
pub fn table(samples: usize, rng: &mut impl Rng) -> Result<Vec<Row>, Error> {
    let mut rows = Vec::new();
    for f in TABLE_FUNCTIONS {
        rows.extend(compare(f, TABLE_Q, samples, rng)?);
    }
    Ok(rows)
}
