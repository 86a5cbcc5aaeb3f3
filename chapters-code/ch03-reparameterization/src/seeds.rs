//! One `--seed` for the whole run, split into independent streams for its parts, so that
//! changing how many samples one part draws leaves the other parts' numbers unchanged.

use rand::rngs::StdRng;

/// The seed used when none is given.
pub const DEFAULT_SEED: u64 = 3;

/// The parts of a run, each with its own random stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The one-dimensional table ([`crate::comparison`]).
    Comparison = 1,
    /// The table by dimension ([`crate::dimension`]).
    Dimension = 2,
    /// The training runs ([`crate::training`]), one stream per run.
    Training = 3,
    /// The histograms ([`crate::figures`]).
    Histograms = 4,
}

/// The generator for `part` and `index` (a training run's number; 0 for the other parts) of a
/// run with this `seed`: the support crate's stream, tagged so that these streams never meet
/// another chapter's.
pub fn rng(seed: u64, part: Part, index: u64) -> StdRng {
    support::seeds::stream(seed, part as u64, index, *b"ch03\0\0\0\0")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_differ_and_repeat() {
        let first = |s, p, i| rng(s, p, i).random::<u64>();
        let a = first(DEFAULT_SEED, Part::Training, 1);
        assert_eq!(a, first(DEFAULT_SEED, Part::Training, 1));
        assert_ne!(a, first(DEFAULT_SEED, Part::Training, 2));
        assert_ne!(a, first(DEFAULT_SEED, Part::Histograms, 1));
        assert_ne!(a, first(DEFAULT_SEED + 1, Part::Training, 1));
        // Unlike seed + run, a run of one seed never repeats a run of the next seed.
        assert_ne!(a, first(DEFAULT_SEED + 1, Part::Training, 0));
    }
}
