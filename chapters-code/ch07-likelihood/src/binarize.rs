//! Binary pixels from MNIST's grey levels. The Bernoulli decoder gives a probability to a
//! binary image; fed grey levels, its "log-likelihood" is a cross-entropy, not the logarithm
//! of any probability, and cannot be compared with the literature's (chapter 7). Two ways to
//! binarize: *static*, a pixel is ink when its grey level is above 1/2, fixed once; *dynamic*,
//! a pixel is drawn as ink with probability equal to its grey level, afresh every time the
//! image is used, from the run's seeded streams: before each training step's forward pass,
//! through the hook chapter 5's trainer offers ([`Objective::prepare`]).

use std::fmt;
use std::str::FromStr;

use ch04_model::vae::{Loss, Vae};
use ch04_model::workspace::{Workspace, rows_mut};
use ch05_training::ink::InkedBatch;
use ch05_training::trainer::Objective;
use ndarray::{Array2, ArrayRef2};
use rand::Rng;
use rand::rngs::StdRng;

use mnist::DataSet;
use support::seeds;

/// How the pixels reach the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Binarize {
    /// Grey levels scaled to [0, 1], as PyTorch's VAE example and chapter 5 train.
    #[default]
    None,
    /// Ink where the grey level is above 1/2, the same bits at every pass.
    Static,
    /// Ink with probability equal to the grey level, drawn afresh at every use.
    Dynamic,
}

impl fmt::Display for Binarize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        support::choice::write_name(self, f)
    }
}

impl FromStr for Binarize {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        support::choice::parse("binarization", s)
    }
}

/// The seed of the one draw that binarizes the test set under `dynamic`: fixed, not the run's
/// seed, so that every model is scored on the same binary test images.
pub const TEST_SEED: u64 = 2015;

// ANCHOR: prepare
/// Binarizes the data set's bytes in place as `binarize` says (0 or 255 per pixel): under
/// `static`, both splits by thresholding; under `dynamic`, the test split once, drawn from a
/// generator seeded with [`TEST_SEED`], while the training split keeps its grey levels for
/// [`draw`] to binarize at every use.
pub fn prepare(data: &mut DataSet, binarize: Binarize) {
    let threshold = |p: &mut u8| *p = if *p > 127 { 255 } else { 0 };
    match binarize {
        Binarize::None => {}
        Binarize::Static => {
            data.train.images.map_inplace(threshold);
            data.test.images.map_inplace(threshold);
        }
        Binarize::Dynamic => {
            let mut rng = seeds::stream(TEST_SEED, 0, 0, *b"binarize");
            draw_bytes(&mut data.test.images, &mut rng);
        }
    }
}

/// Replaces each byte `b` of `images` by 255 (ink) with probability `b / 255`, else by 0: one
/// draw of the dynamic binarization, made once.
pub fn draw_bytes(images: &mut ArrayRef2<u8>, rng: &mut impl Rng) {
    images.map_inplace(|p| {
        // A byte b is ink with probability b / 255: compare with a uniform draw.
        let ink = rng.random::<f32>() < f32::from(*p) / 255.0;
        *p = if ink { 255 } else { 0 };
    });
}

/// Replaces each pixel `p` in [0, 1] of `x` by 1 with probability `p`, else 0.
pub fn draw(x: &mut ArrayRef2<f32>, rng: &mut impl Rng) {
    x.map_inplace(|p| *p = if rng.random::<f32>() < *p { 1.0 } else { 0.0 });
}
// ANCHOR_END: prepare

/// `objective` trained on dynamically binarized images: at every step the batch's pixels are
/// drawn first, from the step's generator, then `objective` prepares the batch its own way
/// (the IWAE bound's `k` copies of each image, which so share their pixels).
pub struct DynamicallyBinarized {
    pub objective: Box<dyn Objective>,
}

impl Objective for DynamicallyBinarized {
    fn rows_per_image(&self) -> usize {
        self.objective.rows_per_image()
    }

    fn prepare(&self, batch: &mut Array2<f32>, n: usize, noise: &mut StdRng) -> usize {
        draw(&mut rows_mut(batch, n), noise);
        self.objective.prepare(batch, n, noise)
    }

    fn backward(
        &self,
        vae: &Vae<f32>,
        x: &InkedBatch,
        ws: &mut Workspace<f32>,
        beta: f32,
        grad: &mut Vae<f32>,
    ) -> Loss<f32> {
        self.objective.backward(vae, x, ws, beta, grad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn names_round_trip_and_unknown_ones_are_refused() {
        for b in [Binarize::None, Binarize::Static, Binarize::Dynamic] {
            assert_eq!(b.to_string().parse::<Binarize>(), Ok(b));
        }
        assert!("otsu".parse::<Binarize>().unwrap_err().contains("otsu"));
        assert_eq!(Binarize::default(), Binarize::None);
    }

    #[test]
    fn draws_are_ink_with_the_grey_level_as_probability() {
        let mut x = Array2::from_elem((100, 1000), 0.3f32);
        x.row_mut(0).fill(0.0);
        x.row_mut(1).fill(1.0);
        draw(&mut x, &mut StdRng::seed_from_u64(1));
        assert!(x.iter().all(|&p| p == 0.0 || p == 1.0));
        assert_eq!(x.row(0).sum(), 0.0);
        assert_eq!(x.row(1).sum(), 1000.0);
        // 98,000 draws of probability 0.3: the fraction is 0.3 within a few 1.5e-3.
        let rest = x.slice(ndarray::s![2.., ..]).mean().unwrap();
        assert!((rest - 0.3).abs() < 0.006, "{rest}");
        // Seeded: the same generator draws the same bits, another seed others.
        let mut a = Array2::from_elem((4, 50), 0.5f32);
        let mut b = a.clone();
        let mut c = a.clone();
        draw(&mut a, &mut StdRng::seed_from_u64(7));
        draw(&mut b, &mut StdRng::seed_from_u64(7));
        draw(&mut c, &mut StdRng::seed_from_u64(8));
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
