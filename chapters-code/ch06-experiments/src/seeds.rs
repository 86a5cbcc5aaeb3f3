//! Where this chapter's randomness comes from. Each experiment draws from its own stream,
//! seeded by the run's seed, its purpose and an index (an image's number), so changing one
//! experiment, or the number of images, never shifts the draws of another.

use rand::rngs::StdRng;

/// What a generator is for; each gets its own stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The draws `z_k ~ q(z | x)` of the importance-sampled log-likelihood, one stream per image.
    Importance = 1,
    /// The prior draws decoded into the beta experiment's sample grids.
    BetaSamples = 2,
}

/// The generator for `purpose` and `index` in a run with this `seed`: the support crate's
/// stream, tagged so that these streams never meet chapter 5's.
pub fn rng(seed: u64, purpose: Purpose, index: u64) -> StdRng {
    support::seeds::stream(seed, purpose as u64, index, *b"ch06\0\0\0\0")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_differ_and_repeat() {
        let first = |s, p, i| rng(s, p, i).random::<u64>();
        assert_eq!(
            first(1, Purpose::Importance, 3),
            first(1, Purpose::Importance, 3)
        );
        assert_ne!(
            first(1, Purpose::Importance, 3),
            first(1, Purpose::Importance, 4)
        );
        assert_ne!(
            first(1, Purpose::Importance, 3),
            first(1, Purpose::BetaSamples, 3)
        );
        assert_ne!(
            first(1, Purpose::Importance, 3),
            first(2, Purpose::Importance, 3)
        );
    }
}
