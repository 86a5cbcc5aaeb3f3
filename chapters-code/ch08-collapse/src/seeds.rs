//! Where this chapter's randomness comes from beyond training (which draws from chapter 5's
//! streams): one stream per purpose and index, tagged so it never meets another chapter's.

use rand::rngs::StdRng;

/// What a generator is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The draws `z_k ~ q(z | x)` of the importance-sampled `log p(x)`, one stream per image.
    Importance = 1,
    /// The draws from each posterior that estimate the mutual information.
    Information = 2,
    /// The prior draws and pixel draws of the sample pictures.
    Samples = 3,
}

/// The generator for `purpose` and `index` in a run with this `seed`.
pub fn rng(seed: u64, purpose: Purpose, index: u64) -> StdRng {
    support::seeds::stream(seed, purpose as u64, index, *b"ch08\0\0\0\0")
}
