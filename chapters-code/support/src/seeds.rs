//! Where randomness comes from. Every random choice of every chapter draws from a generator
//! whose seed is the run's seed, the purpose of the draws and an index (an epoch, an image)
//! side by side: changing one part of a run never shifts the draws of another, and a resumed
//! run needs no saved generator state to repeat them exactly.

use rand::SeedableRng;
use rand::rngs::StdRng;

// ANCHOR: stream
/// A generator whose 32-byte seed is the four arguments side by side, so different
/// arguments never share a stream. `tag` keeps one chapter's streams apart from another's.
pub fn stream(seed: u64, purpose: u64, index: u64, tag: [u8; 8]) -> StdRng {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes[8..16].copy_from_slice(&purpose.to_le_bytes());
    bytes[16..24].copy_from_slice(&index.to_le_bytes());
    bytes[24..].copy_from_slice(&tag);
    StdRng::from_seed(bytes)
}
// ANCHOR_END: stream

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_differ_and_repeat() {
        let first = |s, p, i, t| stream(s, p, i, t).random::<u64>();
        let tag = *b"test\0\0\0\0";
        assert_eq!(first(1, 2, 3, tag), first(1, 2, 3, tag));
        assert_ne!(first(1, 2, 3, tag), first(2, 2, 3, tag));
        assert_ne!(first(1, 2, 3, tag), first(1, 3, 3, tag));
        assert_ne!(first(1, 2, 3, tag), first(1, 2, 4, tag));
        assert_ne!(first(1, 2, 3, tag), first(1, 2, 3, [0; 8]));
    }
}
