//! Burda et al.'s VAE with one stochastic layer: encoder 784-200-200 (tanh) to the mean and
//! log-variance of a 50-dimensional code, decoder 50-200-200 (tanh) to 784 Bernoulli logits;
//! Glorot-uniform weights, and the decoder's output bias started at the logit of each pixel's
//! mean over the training set.

use ch04_model::activation::Activation;
use ch04_model::dense::Init;
use ch04_model::shape::VaeShape;
use ch04_model::vae::Vae;
use ch05_training::seeds::{self, Purpose};
use ndarray::{Array1, ArrayView2, Axis};

// ANCHOR: shape
/// The paper's network: two hidden tanh layers of 200 units on each side, a 50-d latent code.
pub const SHAPE: VaeShape = VaeShape {
    input: 784,
    hidden: 200,
    latent: 50,
    depth: 2,
    activation: Activation::Tanh,
};
// ANCHOR_END: shape

/// How far from 0 and 1 a pixel's mean is clipped before its logit is taken.
pub const CLIP: f64 = 0.001;

// ANCHOR: init
/// A fresh model of `shape`, Glorot-initialised from the run's seed, whose decoder says at the
/// start, for every pixel, the probability of ink that pixel has over the training images
/// `train` (bytes; clipped to [0.001, 0.999] so the logit stays finite): the decoder starts
/// from the data's mean image instead of spending its first steps learning it.
pub fn new_vae(shape: VaeShape, seed: u64, train: ArrayView2<u8>) -> Vae<f32> {
    let mut vae = Vae::with_init(shape, Init::Glorot, &mut seeds::rng(seed, Purpose::Init, 0));
    vae.decoder.output.bias = mean_pixel_logits(train);
    vae
}

/// `logit(clip(mean))` of each pixel (column) of `images`, grey levels read as probabilities.
pub fn mean_pixel_logits(images: ArrayView2<u8>) -> Array1<f32> {
    let count = images.nrows().max(1) as f64;
    images
        .fold_axis(Axis(0), 0u64, |&sum, &p| sum + u64::from(p))
        .mapv(|sum| {
            let p = (sum as f64 / 255.0 / count).clamp(CLIP, 1.0 - CLIP);
            (p / (1.0 - p)).ln() as f32
        })
}
// ANCHOR_END: init

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn the_paper_network_has_425_284_parameters() {
        assert_eq!(SHAPE.parameter_count(), 425_284);
    }

    #[test]
    fn the_output_bias_is_the_clipped_logit_of_each_pixel_mean() {
        // Pixel 0 never ink, pixel 1 always, pixel 2 half the time, pixel 3 grey 51/255 = 0.2.
        let images = array![[0u8, 255, 255, 51], [0, 255, 0, 51]];
        let b = mean_pixel_logits(images.view());
        let logit = |p: f64| (p / (1.0 - p)).ln() as f32;
        assert_eq!(b[0], logit(0.001));
        assert_eq!(b[1], logit(0.999));
        assert_eq!(b[2], 0.0);
        assert!((b[3] - logit(0.2)).abs() < 1e-6);
    }

    #[test]
    fn a_new_model_is_seeded_and_glorot_initialised() {
        let images = array![[0u8; 784], [200u8; 784]];
        let a = new_vae(SHAPE, 3, images.view());
        let b = new_vae(SHAPE, 3, images.view());
        assert_eq!(a, b);
        assert_ne!(a, new_vae(SHAPE, 4, images.view()));
        assert_eq!(a.shape(), SHAPE);
        let bound = (6.0f32 / (784.0 + 200.0)).sqrt();
        assert!(a.encoder.hidden[0].weight.iter().all(|w| w.abs() <= bound));
        assert!(a.encoder.hidden[0].bias.iter().all(|&b| b == 0.0));
        assert!(a.decoder.output.bias.iter().all(|&b| b != 0.0));
    }
}
