//! The chapter's test bench: chapter 1's linear-Gaussian model with `k = 2` latent and
//! `D = 16` data dimensions, and one data point drawn from it, whose posterior and evidence are
//! both exact.

use ch01_generative_models::gaussian::Gaussian;
use ch01_generative_models::latent::LinearGaussian;
use ndarray::Array1;
use rand::rngs::StdRng;

/// The seed the binary and the tests use unless told otherwise.
pub const DEFAULT_SEED: u64 = 2;
/// k, the latent dimension.
pub const LATENT_DIM: usize = 2;
/// D, the data dimension.
pub const DATA_DIM: usize = 16;
/// s, the noise standard deviation of `p(x | z)`.
pub const NOISE_STD: f64 = 0.5;

/// Which part of the run a random stream feeds: each part gets its own, so that changing one
/// part's sample size leaves the others' numbers alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The model and its data point.
    Model = 1,
    /// The Monte Carlo estimates of the KL divergence.
    KlMonteCarlo = 2,
    /// The random approximate posteriors.
    RandomQ = 3,
    /// The Monte Carlo estimates of the ELBO.
    ElboMonteCarlo = 4,
    /// The data sets of the amortisation experiment.
    Amortisation = 5,
}

/// A random number generator for `part` of a run seeded with `seed`: the support crate's
/// stream, tagged so that these streams never meet another chapter's.
pub fn rng(seed: u64, part: Part) -> StdRng {
    support::seeds::stream(seed, part as u64, 0, *b"ch02\0\0\0\0")
}

/// The model, a data point `x`, and what is exact about it.
#[derive(Debug, Clone)]
pub struct Setup {
    /// `z ~ N(0, I_k)`, `x | z ~ N(W z, s² I_D)`, with `W`'s entries drawn from `N(0, 1/k)`.
    pub model: LinearGaussian,
    /// One data point drawn from the model.
    pub x: Array1<f64>,
    /// The exact posterior `p(z | x)`.
    pub posterior: Gaussian,
    /// The exact evidence `log p(x)`.
    pub log_px: f64,
}

impl Setup {
    /// The model and data point for `seed`.
    pub fn new(seed: u64) -> Self {
        let mut rng = rng(seed, Part::Model);
        let model = LinearGaussian::random(LATENT_DIM, DATA_DIM, NOISE_STD, &mut rng);
        let (_, x) = model.sample(&mut rng);
        let posterior = model.posterior(x.view());
        let log_px = model.marginal().log_density(x.view());
        Self {
            model,
            x,
            posterior,
            log_px,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_differ_and_repeat() {
        let first = |s, p| rng(s, p).random::<u64>();
        assert_eq!(first(1, Part::Model), first(1, Part::Model));
        assert_ne!(first(1, Part::Model), first(1, Part::RandomQ));
        assert_ne!(first(1, Part::Model), first(2, Part::Model));
    }
}
