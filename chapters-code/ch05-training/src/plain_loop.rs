//! The training loop as the page writes it, on chapter 4's plain VAE: an epoch of Adam steps
//! over shuffled mini-batches, and the negative ELBO of held-out images. The binary runs the
//! same loop through [`crate::trainer::Trainer`], which cuts each batch into one shard per
//! thread, skips the zero pixels and reuses its buffers (the appendix "Making it fast");
//! `tests/plain_loop.rs` checks that the two agree.

use anyhow::{Result, ensure};
use ch03_reparameterization::reparam::draw_standard_normal;
use ch04_model::plain::PlainVae;
use ch04_model::vae::Loss;
use ndarray::{Array2, ArrayView2};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::adam::Adam;
use crate::batches::{gather, shuffled_order};
use crate::seeds::{self, Purpose};

// ANCHOR: train
/// The images at `indices`, one per row, pixels in [0, 1].
fn batch(images: ArrayView2<u8>, indices: &[usize]) -> Array2<f32> {
    let mut x = Array2::zeros((indices.len(), images.ncols()));
    gather(images, indices, x.view_mut());
    x
}

/// A fresh `eps`, one row of `latent` standard normal numbers per image, from a generator
/// seeded by `rng` (the trainer gives each shard such a generator).
fn noise(rng: &mut StdRng, images: usize, latent: usize) -> Array2<f32> {
    let mut eps = Array2::zeros((images, latent));
    draw_standard_normal(&mut StdRng::seed_from_u64(rng.random()), &mut eps);
    eps
}

/// One pass over `images` in a fresh random order: per mini-batch, draw the noise, run the
/// forward pass, the loss and the backward pass, and take one Adam step. Returns the mean loss
/// per image (nats). A loss that is not finite stops the epoch before it reaches the weights.
pub fn train_epoch(
    vae: &mut PlainVae<f32>,
    adam: &mut Adam,
    images: ArrayView2<u8>,
    batch_size: usize,
    seed: u64,
    epoch: usize,
) -> Result<f64> {
    let mut rng = seeds::rng(seed, Purpose::Train, epoch);
    let order = shuffled_order(images.nrows(), &mut rng);
    let mut total = 0.0;
    for (step, indices) in order.chunks(batch_size).enumerate() {
        let x = batch(images, indices);
        let eps = noise(&mut rng, indices.len(), vae.latent());
        let fwd = vae.forward(&x, eps);
        let (loss, _, _) = vae.loss(&x, &fwd, 1.0);
        ensure!(
            loss.is_finite(),
            "epoch {epoch}, step {}: the loss is {loss}; the weights have diverged",
            step + 1
        );
        let grad = vae.backward(&x, &fwd, 1.0);
        adam.step(&mut vae.parameters_mut(), &grad.parameters());
        total += f64::from(loss);
    }
    Ok(total / images.nrows() as f64)
}
// ANCHOR_END: train

// ANCHOR: evaluate
/// The negative ELBO of `images` and its two terms, each summed in f64 over mini-batches,
/// with one sampled `z` per image, as in training.
pub fn evaluate(
    vae: &PlainVae<f32>,
    images: ArrayView2<u8>,
    batch_size: usize,
    seed: u64,
    epoch: usize,
) -> Loss<f64> {
    let mut rng = seeds::rng(seed, Purpose::Test, epoch);
    let mut sum = Loss {
        reconstruction: 0.0,
        kl: 0.0,
        count: 0,
    };
    let all: Vec<usize> = (0..images.nrows()).collect();
    for indices in all.chunks(batch_size) {
        let x = batch(images, indices);
        let eps = noise(&mut rng, indices.len(), vae.latent());
        let (_, reconstruction, kl) = vae.loss(&x, &vae.forward(&x, eps), 1.0);
        sum.reconstruction += f64::from(reconstruction);
        sum.kl += f64::from(kl);
        sum.count += indices.len();
    }
    sum
}
// ANCHOR_END: evaluate
