//! The functions whose expectation we differentiate: `f(z)` with its derivative, and, for the
//! test functions, the exact expectation under `z ~ N(mu, sigma^2)` and its exact gradient.

use crate::estimators::{Gaussian, Gradient, ScalarFunction};

/// Test functions whose expectation under a Gaussian has a closed form, so that the estimators'
/// averages can be compared with the truth.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TestFunction {
    /// `f(z) = z^2`.
    Square,
    /// `f(z) = exp(z)`.
    Exp,
    /// `f(z) = sin(omega z)` with `omega = frequency`.
    Sin {
        /// How fast `f` oscillates: `omega` in `sin(omega z)`.
        frequency: f64,
    },
}

impl ScalarFunction for TestFunction {
    fn value(&self, z: f64) -> f64 {
        match *self {
            Self::Square => z * z,
            Self::Exp => z.exp(),
            Self::Sin { frequency: w } => (w * z).sin(),
        }
    }

    fn derivative(&self, z: f64) -> f64 {
        match *self {
            Self::Square => 2.0 * z,
            Self::Exp => z.exp(),
            Self::Sin { frequency: w } => w * (w * z).cos(),
        }
    }
}

impl TestFunction {
    /// A short name for tables: `z^2`, `exp(z)`, `sin(z)`, `sin(3z)`.
    pub fn name(&self) -> String {
        match *self {
            Self::Square => "z^2".into(),
            Self::Exp => "exp(z)".into(),
            Self::Sin { frequency: 1.0 } => "sin(z)".into(),
            Self::Sin { frequency: w } => format!("sin({w}z)"),
        }
    }

    /// `E[f(z)]` for `z ~ N(mu, sigma^2)`.
    pub fn expectation(&self, q: Gaussian) -> f64 {
        let (mu, s2) = (q.mu, q.sigma * q.sigma);
        match *self {
            Self::Square => mu * mu + s2,
            // The moment generating function of the normal: E[e^z] = e^(mu + sigma^2 / 2).
            Self::Exp => (mu + s2 / 2.0).exp(),
            // The imaginary part of E[e^(i omega z)] = e^(i omega mu - omega^2 sigma^2 / 2).
            Self::Sin { frequency: w } => (w * mu).sin() * (-w * w * s2 / 2.0).exp(),
        }
    }

    /// The exact gradient of `E[f(z)]`, `z ~ N(mu, sigma^2)`, with respect to `mu` and
    /// `log sigma`: the derivatives of [`expectation`](Self::expectation), using
    /// d(sigma^2)/d(log sigma) = 2 sigma^2.
    pub fn exact_gradient(&self, q: Gaussian) -> Gradient {
        let (mu, s2) = (q.mu, q.sigma * q.sigma);
        match *self {
            Self::Square => Gradient {
                mu: 2.0 * mu,
                log_sigma: 2.0 * s2,
            },
            Self::Exp => {
                let e = (mu + s2 / 2.0).exp();
                Gradient {
                    mu: e,
                    log_sigma: s2 * e,
                }
            }
            Self::Sin { frequency: w } => {
                let damping = (-w * w * s2 / 2.0).exp();
                Gradient {
                    mu: w * (w * mu).cos() * damping,
                    log_sigma: -w * w * s2 * (w * mu).sin() * damping,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FUNCTIONS: [TestFunction; 4] = [
        TestFunction::Square,
        TestFunction::Exp,
        TestFunction::Sin { frequency: 1.0 },
        TestFunction::Sin { frequency: 3.0 },
    ];

    #[test]
    fn derivatives_match_central_differences() {
        let h = 1e-5;
        for f in FUNCTIONS {
            for z in [-1.3, 0.0, 0.4, 2.0] {
                let numeric = (f.value(z + h) - f.value(z - h)) / (2.0 * h);
                assert!((numeric - f.derivative(z)).abs() < 1e-8, "{f:?} at {z}");
            }
        }
    }

    #[test]
    fn exact_gradients_are_derivatives_of_the_expectation() {
        // Central differences of the closed-form expectation in mu and in log sigma.
        let h = 1e-5;
        for f in FUNCTIONS {
            for q in [Gaussian::new(1.0, 1.0), Gaussian::new(-0.3, 0.4)] {
                let at =
                    |mu: f64, log_sigma: f64| f.expectation(Gaussian::new(mu, log_sigma.exp()));
                let ls = q.sigma.ln();
                let d_mu = (at(q.mu + h, ls) - at(q.mu - h, ls)) / (2.0 * h);
                let d_ls = (at(q.mu, ls + h) - at(q.mu, ls - h)) / (2.0 * h);
                let exact = f.exact_gradient(q);
                assert!((d_mu - exact.mu).abs() < 1e-7, "{f:?} {q:?} mu");
                assert!(
                    (d_ls - exact.log_sigma).abs() < 1e-7,
                    "{f:?} {q:?} log sigma"
                );
            }
        }
    }

    #[test]
    fn names() {
        let names: Vec<String> = FUNCTIONS.iter().map(TestFunction::name).collect();
        assert_eq!(names, ["z^2", "exp(z)", "sin(z)", "sin(3z)"]);
    }
}
