//! The two single-sample estimators of the gradient of `E[f(z)]`, `z ~ N(mu, sigma^2)`, with
//! respect to `mu` and `log sigma`. Both see one standard normal draw `eps` and the sample
//! `z = mu + sigma * eps`; they differ in what they ask of `f`.

/// A smooth function of one real variable: what both estimators need to know about `f`.
/// The score-function estimator calls only [`value`](Self::value); the pathwise one only
/// [`derivative`](Self::derivative).
pub trait ScalarFunction {
    /// `f(z)`.
    fn value(&self, z: f64) -> f64;
    /// `f'(z)`.
    fn derivative(&self, z: f64) -> f64;
}

/// A one-dimensional Gaussian `N(mu, sigma^2)`: the distribution `q` we differentiate through.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gaussian {
    /// The mean.
    pub mu: f64,
    /// The standard deviation, positive.
    pub sigma: f64,
}

impl Gaussian {
    /// `N(mu, sigma^2)`.
    pub const fn new(mu: f64, sigma: f64) -> Self {
        Self { mu, sigma }
    }

    /// The sample that the standard normal draw `eps` stands for: `mu + sigma * eps`.
    pub fn sample_from(&self, eps: f64) -> f64 {
        self.mu + self.sigma * eps
    }
}

/// A gradient with respect to `(mu, log sigma)`, exact or estimated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gradient {
    /// The derivative with respect to `mu`.
    pub mu: f64,
    /// The derivative with respect to `log sigma`.
    pub log_sigma: f64,
}

/// Which of the two parameters a number refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parameter {
    /// The mean `mu`.
    Mu,
    /// The log standard deviation `log sigma`.
    LogSigma,
}

impl Parameter {
    /// Both, in table order.
    pub const BOTH: [Parameter; 2] = [Parameter::Mu, Parameter::LogSigma];

    /// The name in tables.
    pub fn name(self) -> &'static str {
        match self {
            Self::Mu => "mu",
            Self::LogSigma => "log sigma",
        }
    }
}

impl Gradient {
    /// The component for `parameter`.
    pub fn get(&self, parameter: Parameter) -> f64 {
        match parameter {
            Parameter::Mu => self.mu,
            Parameter::LogSigma => self.log_sigma,
        }
    }
}

// ANCHOR: score
/// The score-function (REINFORCE) estimate from one draw: `(f(z) - b)` times the gradient of
/// `log q(z)`, which is `eps / sigma` for `mu` and `eps^2 - 1` for `log sigma`. Any constant
/// `baseline` b keeps it unbiased, because the gradient of `log q` has mean zero.
pub fn score_function(f: &impl ScalarFunction, q: Gaussian, eps: f64, baseline: f64) -> Gradient {
    let weight = f.value(q.sample_from(eps)) - baseline;
    Gradient {
        mu: weight * eps / q.sigma,
        log_sigma: weight * (eps * eps - 1.0),
    }
}
// ANCHOR_END: score

// ANCHOR: pathwise
/// The pathwise (reparameterization) estimate from one draw: the chain rule through
/// `z = mu + sigma * eps`, where dz/dmu = 1 and dz/d(log sigma) = sigma * eps.
pub fn pathwise(f: &impl ScalarFunction, q: Gaussian, eps: f64) -> Gradient {
    let slope = f.derivative(q.sample_from(eps));
    Gradient {
        mu: slope,
        log_sigma: slope * q.sigma * eps,
    }
}
// ANCHOR_END: pathwise

/// One of the estimators, to loop over in tables.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Estimator {
    /// [`pathwise`].
    Pathwise,
    /// [`score_function`] with this baseline (0 for the plain estimator).
    ScoreFunction {
        /// The constant subtracted from `f(z)`.
        baseline: f64,
    },
}

impl Estimator {
    /// The plain score-function estimator, without a baseline.
    pub const SCORE_FUNCTION: Estimator = Estimator::ScoreFunction { baseline: 0.0 };

    /// The estimate from the standard normal draw `eps`.
    pub fn estimate(self, f: &impl ScalarFunction, q: Gaussian, eps: f64) -> Gradient {
        match self {
            Self::Pathwise => pathwise(f, q, eps),
            Self::ScoreFunction { baseline } => score_function(f, q, eps, baseline),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_functions::TestFunction;

    #[test]
    fn the_score_is_the_derivative_of_log_q() {
        // log q(z) = -log sigma - (z - mu)^2 / (2 sigma^2) + const, differentiated numerically.
        let log_q = |z: f64, mu: f64, log_sigma: f64| {
            let s = log_sigma.exp();
            -log_sigma - (z - mu).powi(2) / (2.0 * s * s)
        };
        struct One;
        impl ScalarFunction for One {
            fn value(&self, _: f64) -> f64 {
                1.0
            }
            fn derivative(&self, _: f64) -> f64 {
                0.0
            }
        }
        let (q, eps, h) = (Gaussian::new(0.7, 1.8), -0.9, 1e-6);
        let z = q.sample_from(eps);
        let ls = q.sigma.ln();
        let score = score_function(&One, q, eps, 0.0);
        let d_mu = (log_q(z, q.mu + h, ls) - log_q(z, q.mu - h, ls)) / (2.0 * h);
        let d_ls = (log_q(z, q.mu, ls + h) - log_q(z, q.mu, ls - h)) / (2.0 * h);
        assert!((score.mu - d_mu).abs() < 1e-8);
        assert!((score.log_sigma - d_ls).abs() < 1e-8);
    }

    #[test]
    fn pathwise_is_the_derivative_of_f_at_the_moved_sample() {
        // With eps fixed, f(mu + exp(log sigma) eps) differentiated numerically.
        let f = TestFunction::Exp;
        let (q, eps, h) = (Gaussian::new(-0.2, 0.6), 1.3, 1e-6);
        let at = |mu: f64, ls: f64| f.value(mu + ls.exp() * eps);
        let ls = q.sigma.ln();
        let g = pathwise(&f, q, eps);
        assert!((g.mu - (at(q.mu + h, ls) - at(q.mu - h, ls)) / (2.0 * h)).abs() < 1e-7);
        assert!((g.log_sigma - (at(q.mu, ls + h) - at(q.mu, ls - h)) / (2.0 * h)).abs() < 1e-7);
    }

    #[test]
    fn a_baseline_shifts_the_score_function_estimate_only() {
        let (f, q, eps) = (TestFunction::Square, Gaussian::new(1.0, 2.0), 0.5);
        let plain = Estimator::SCORE_FUNCTION.estimate(&f, q, eps);
        let shifted = Estimator::ScoreFunction { baseline: 3.0 }.estimate(&f, q, eps);
        assert!((plain.mu - shifted.mu - 3.0 * eps / q.sigma).abs() < 1e-12);
        assert!((plain.log_sigma - shifted.log_sigma - 3.0 * (eps * eps - 1.0)).abs() < 1e-12);
    }
}
