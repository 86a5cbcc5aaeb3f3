//! What the variance does to training: fit `q = N(mu, sigma^2)` to a target density `p` by
//! stochastic gradient ascent with one sample per step, once with each estimator.
//!
//! The objective is `J(q) = E_q[log p(z)] + H(q)`, where `H(q) = log sigma + (1 + log 2 pi) / 2`
//! is the entropy of `q`. Since `J(q) = -KL(q || p)`, its maximum is `q = p`. As in a VAE, the
//! expectation is estimated from one draw and the entropy term is differentiated exactly
//! (dH/d(log sigma) = 1).

use rand::Rng;
use rand_distr::StandardNormal;

use crate::error::{Error, at_least, check_gaussian};
use crate::estimators::{Gaussian, Gradient, ScalarFunction, pathwise, score_function};
use crate::seeds::{self, Part};

/// The target `p = N(2, 0.5^2)`.
pub const TARGET: Gaussian = Gaussian::new(2.0, 0.5);
/// Where every run starts: `q = N(0, 1)`.
pub const START: Gaussian = Gaussian::new(0.0, 1.0);
/// The step sizes of the table.
pub const STEP_SIZES: [f64; 4] = [0.003, 0.01, 0.03, 0.1];
/// Gradient steps per run.
pub const DEFAULT_STEPS: usize = 2000;
/// Independent runs per table entry.
pub const DEFAULT_RUNS: usize = 20;
/// How much of the running mean of `f` each new value replaces.
pub const BASELINE_RATE: f64 = 0.1;
/// A run has diverged once `|log sigma|` exceeds this (sigma outside `[2e-9, 5e8]`).
pub const LOG_SIGMA_LIMIT: f64 = 20.0;

/// The log-density of a Gaussian, as the function whose expectation is differentiated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogDensity(pub Gaussian);

impl ScalarFunction for LogDensity {
    fn value(&self, z: f64) -> f64 {
        let Gaussian { mu, sigma } = self.0;
        let t = (z - mu) / sigma;
        -0.5 * t * t - sigma.ln() - 0.5 * (2.0 * std::f64::consts::PI).ln()
    }

    fn derivative(&self, z: f64) -> f64 {
        let Gaussian { mu, sigma } = self.0;
        -(z - mu) / (sigma * sigma)
    }
}

/// `KL(q || p)` between two one-dimensional Gaussians.
pub fn kl_divergence(q: Gaussian, p: Gaussian) -> f64 {
    let r = q.sigma / p.sigma;
    let d = (q.mu - p.mu) / p.sigma;
    -r.ln() + (r * r + d * d - 1.0) / 2.0
}

/// How the expectation's gradient is estimated during training.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// The pathwise estimator.
    Pathwise,
    /// The plain score-function estimator.
    ScoreFunction,
    /// The score-function estimator with a running mean of past values of `f` as baseline.
    ScoreFunctionBaseline,
}

impl Method {
    /// All three, in table order.
    pub const ALL: [Method; 3] = [
        Method::Pathwise,
        Method::ScoreFunction,
        Method::ScoreFunctionBaseline,
    ];

    /// The name in tables.
    pub fn name(self) -> &'static str {
        match self {
            Self::Pathwise => "pathwise",
            Self::ScoreFunction => "score function",
            Self::ScoreFunctionBaseline => "score + baseline",
        }
    }
}

/// How one run ended.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    /// All steps were taken; `kl` is `KL(q || p)` at the end.
    Finished {
        /// The final `KL(q || p)`.
        kl: f64,
    },
    /// `q` ran off to an absurd width (or a non-finite value) before the last step.
    Diverged,
}

impl Outcome {
    /// The final KL, or infinity if the run diverged.
    pub fn kl(self) -> f64 {
        match self {
            Self::Finished { kl } => kl,
            Self::Diverged => f64::INFINITY,
        }
    }
}

// ANCHOR: fit
/// Runs `steps` steps of gradient ascent on `J(q) = E_q[log p(z)] + H(q)` from [`START`],
/// each from one draw `eps ~ N(0, 1)`, with parameters `(mu, log sigma)`.
pub fn fit(
    method: Method,
    target: Gaussian,
    step_size: f64,
    steps: usize,
    rng: &mut impl Rng,
) -> Outcome {
    let f = LogDensity(target);
    let (mut mu, mut log_sigma) = (START.mu, START.sigma.ln());
    // The baseline may depend on anything but the current draw: start from f at the mean.
    let mut baseline = f.value(mu);
    for _ in 0..steps {
        let q = Gaussian::new(mu, log_sigma.exp());
        let eps: f64 = rng.sample(StandardNormal);
        let g: Gradient = match method {
            Method::Pathwise => pathwise(&f, q, eps),
            Method::ScoreFunction => score_function(&f, q, eps, 0.0),
            Method::ScoreFunctionBaseline => {
                let g = score_function(&f, q, eps, baseline);
                baseline += BASELINE_RATE * (f.value(q.sample_from(eps)) - baseline);
                g
            }
        };
        mu += step_size * g.mu;
        log_sigma += step_size * (g.log_sigma + 1.0); // + dH/d(log sigma)
        if !mu.is_finite() || !log_sigma.is_finite() || log_sigma.abs() > LOG_SIGMA_LIMIT {
            return Outcome::Diverged;
        }
    }
    Outcome::Finished {
        kl: kl_divergence(Gaussian::new(mu, log_sigma.exp()), target),
    }
}
// ANCHOR_END: fit

/// The runs of one method at one step size.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingRow {
    /// The step size.
    pub step_size: f64,
    /// The estimator.
    pub method: Method,
    /// How each run ended.
    pub outcomes: Vec<Outcome>,
}

impl TrainingRow {
    /// The median final KL over all runs, counting a diverged run as infinite.
    pub fn median_kl(&self) -> f64 {
        let mut kls: Vec<f64> = self.outcomes.iter().map(|o| o.kl()).collect();
        kls.sort_by(f64::total_cmp);
        let n = kls.len();
        if n % 2 == 1 {
            kls[n / 2]
        } else {
            (kls[n / 2 - 1] + kls[n / 2]) / 2.0
        }
    }

    /// How many runs diverged.
    pub fn diverged(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| matches!(o, Outcome::Diverged))
            .count()
    }
}

/// `runs` runs of every method at every step size, in a run seeded with `seed`. Run `r` of
/// each method draws from the same stream, the run's [`Part::Training`] stream number `r`, so
/// the methods see the same noise.
pub fn table(
    step_sizes: &[f64],
    steps: usize,
    runs: usize,
    seed: u64,
) -> Result<Vec<TrainingRow>, Error> {
    at_least("the number of steps", steps, 1)?;
    at_least("the number of runs", runs, 1)?;
    check_gaussian(TARGET.mu, TARGET.sigma)?;
    if let Some(&bad) = step_sizes.iter().find(|&&s| !(s.is_finite() && s > 0.0)) {
        return Err(Error::BadStepSize(bad));
    }
    let mut rows = Vec::new();
    for &step_size in step_sizes {
        for method in Method::ALL {
            let outcomes = (0..runs as u64)
                .map(|r| {
                    let mut rng = seeds::rng(seed, Part::Training, r);
                    fit(method, TARGET, step_size, steps, &mut rng)
                })
                .collect();
            rows.push(TrainingRow {
                step_size,
                method,
                outcomes,
            });
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kl_is_zero_only_at_the_target() {
        assert!(kl_divergence(TARGET, TARGET).abs() < 1e-15);
        assert!(kl_divergence(START, TARGET) > 1.0);
        // KL(N(0,1) || N(2, 0.25)) = log 0.5 + (1 + 4) / (2 * 0.25) - 1/2.
        let expected = 0.5f64.ln() + 5.0 / 0.5 - 0.5;
        assert!((kl_divergence(START, TARGET) - expected).abs() < 1e-12);
    }

    #[test]
    fn log_density_integrates_to_one_and_has_the_right_slope() {
        let f = LogDensity(TARGET);
        let total = crate::quadrature::normal_expectation(|e| {
            // Integrate p over the real line by sampling points of N(0, 2^2).
            let z = 2.0 * e;
            let q = Gaussian::new(0.0, 2.0);
            (f.value(z) - LogDensity(q).value(z)).exp()
        });
        assert!((total - 1.0).abs() < 1e-10);
        let h = 1e-6;
        let numeric = (f.value(1.0 + h) - f.value(1.0 - h)) / (2.0 * h);
        assert!((numeric - f.derivative(1.0)).abs() < 1e-7);
    }

    #[test]
    fn bad_settings_are_errors() {
        assert!(matches!(table(&[0.01], 0, 1, 0), Err(Error::TooFew { .. })));
        assert!(matches!(
            table(&[0.01], 10, 0, 0),
            Err(Error::TooFew { .. })
        ));
        assert_eq!(table(&[-1.0], 10, 1, 0), Err(Error::BadStepSize(-1.0)));
    }
}
