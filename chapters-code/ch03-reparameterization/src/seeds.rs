//! One `--seed` for the whole run, split into independent seeds for its parts, so that changing
//! how many samples one part draws leaves the other parts' numbers unchanged.

/// The seed used when none is given.
pub const DEFAULT_SEED: u64 = 3;

/// The parts of a run, each with its own random stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The one-dimensional table ([`crate::comparison`]).
    Comparison = 1,
    /// The table by dimension ([`crate::dimension`]).
    Dimension = 2,
    /// The training runs ([`crate::training`]).
    Training = 3,
    /// The histograms ([`crate::figures`]).
    Histograms = 4,
}

/// The seed of `part`: `seed` and the part's number mixed by SplitMix64's finaliser, so that
/// nearby seeds give unrelated streams.
pub fn part_seed(seed: u64, part: Part) -> u64 {
    let mut x = seed ^ (part as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_and_seeds_differ() {
        let a = part_seed(DEFAULT_SEED, Part::Comparison);
        assert_eq!(a, part_seed(DEFAULT_SEED, Part::Comparison));
        assert_ne!(a, part_seed(DEFAULT_SEED, Part::Dimension));
        assert_ne!(a, part_seed(DEFAULT_SEED + 1, Part::Comparison));
    }
}
