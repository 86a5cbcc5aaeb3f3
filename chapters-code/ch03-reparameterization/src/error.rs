//! Impossible requests (too few samples, a step size that is not positive) are reported as
//! errors with a message, not as panics.

/// Why an experiment cannot run with the settings it was given.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// A count is below the smallest that makes sense.
    #[error("{what} must be at least {min}, not {got}")]
    TooFew {
        /// What was counted, as the user named it.
        what: &'static str,
        /// The smallest allowed value.
        min: usize,
        /// The value given.
        got: usize,
    },
    /// A Gaussian needs a positive, finite standard deviation and a finite mean.
    #[error(
        "N({mu}, {sigma}^2) is not a Gaussian: the mean must be finite and sigma positive and finite"
    )]
    BadGaussian {
        /// The mean given.
        mu: f64,
        /// The standard deviation given.
        sigma: f64,
    },
    /// A step size must be positive and finite.
    #[error("a step size must be positive and finite, not {0}")]
    BadStepSize(f64),
}

/// `Ok` if `got >= min`.
pub fn at_least(what: &'static str, got: usize, min: usize) -> Result<(), Error> {
    if got < min {
        Err(Error::TooFew { what, min, got })
    } else {
        Ok(())
    }
}

/// `Ok` if `N(mu, sigma^2)` is a proper Gaussian.
pub fn check_gaussian(mu: f64, sigma: f64) -> Result<(), Error> {
    if mu.is_finite() && sigma.is_finite() && sigma > 0.0 {
        Ok(())
    } else {
        Err(Error::BadGaussian { mu, sigma })
    }
}
