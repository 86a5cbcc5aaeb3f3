//! Pictures of what each model generates: codes drawn from the prior, decoded; under the
//! autoregressive decoder, pixel by pixel, each pixel drawn given the ones before it.

use ch04_model::bernoulli::probabilities;
use ch05_training::grid::tile;
use image::GrayImage;
use ndarray::Array2;
use rand_distr::{Distribution, StandardNormal};

use crate::model::Model;
use crate::seeds::{self, Purpose};

// ANCHOR: samples
/// `count` samples of `model` in a row, from prior draws that are the same for every model
/// of a run's `seed`. The pictures show each pixel's probability: the decoder's mean image,
/// or, under the autoregressive decoder, each pixel's probability given the pixels drawn
/// before it.
pub fn row(model: &Model<f32>, count: usize, seed: u64) -> GrayImage {
    let shape = model.shape();
    let mut rng = seeds::rng(seed, Purpose::Samples, 0);
    let z = Array2::from_shape_simple_fn((count, shape.latent), || StandardNormal.sample(&mut rng));
    let mut h: Vec<Array2<f32>> = (0..shape.depth)
        .map(|_| Array2::zeros((count, shape.hidden)))
        .collect();
    let mut logits = Array2::zeros((count, shape.input));
    model.vae.decoder.forward(&z, &mut h, &mut logits);
    let mut probs = Array2::zeros((count, shape.input));
    match &model.autoregressive {
        None => probabilities(&logits, &mut probs),
        Some(a) => {
            for (base, mut p) in logits.rows().into_iter().zip(probs.rows_mut()) {
                a.sample(&base, &mut p, &mut rng);
            }
        }
    }
    tile(probs.view(), 28, 28, count.div_ceil(2), 2)
}
// ANCHOR_END: samples
