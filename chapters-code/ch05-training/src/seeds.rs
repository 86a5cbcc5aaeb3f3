//! Where randomness comes from. Every random choice draws from a generator seeded by the run's
//! seed, the purpose of the draws and the epoch, so an epoch's batches and noise depend on
//! nothing else: a resumed run needs no saved generator state to repeat them exactly.

use rand::rngs::StdRng;

/// What a generator is used for; each gets its own stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The initial weights.
    Init = 1,
    /// An epoch's batch order and the noise of its training steps.
    Train = 2,
    /// The noise of an epoch's evaluation on the test set.
    Test = 3,
    /// The fixed latent points decoded into every frame of the GIF.
    Samples = 4,
}

// ANCHOR: rng
/// The generator for `purpose` in `epoch` of a run with this `seed`: the support crate's
/// stream of the three numbers side by side (chapter 5's streams carry no tag).
pub fn rng(seed: u64, purpose: Purpose, epoch: usize) -> StdRng {
    support::seeds::stream(seed, purpose as u64, epoch as u64, [0; 8])
}
// ANCHOR_END: rng

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_differ_and_repeat() {
        let first = |s, p, e| rng(s, p, e).random::<u64>();
        assert_eq!(first(1, Purpose::Train, 3), first(1, Purpose::Train, 3));
        assert_ne!(first(1, Purpose::Train, 3), first(1, Purpose::Train, 4));
        assert_ne!(first(1, Purpose::Train, 3), first(1, Purpose::Test, 3));
        assert_ne!(first(1, Purpose::Train, 3), first(2, Purpose::Train, 3));
    }
}
