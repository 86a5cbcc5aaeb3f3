//! The GIF's frames: the decoder's images for the same latent points after every epoch, so
//! what changes from frame to frame is the model, not the draw.

use ch04_model::vae::Vae;
use ch04_model::workspace::Workspace;
use image::GrayImage;
use ndarray::Array2;
use rand_distr::{Distribution, StandardNormal};

use crate::grid;
use crate::seeds::{self, Purpose};

/// 8 x 8 digits per frame, as in PyTorch's example.
pub const GRID: usize = 8;

// ANCHOR: samples
/// `count` latent points drawn once from the prior N(0, I), from the run's seed.
pub fn fixed_latents(seed: u64, count: usize, latent: usize) -> Array2<f32> {
    let mut rng = seeds::rng(seed, Purpose::Samples, 0);
    Array2::from_shape_simple_fn((count, latent), || StandardNormal.sample(&mut rng))
}

/// The decoded images of `z` (pixel probabilities), tiled on a grid `GRID` wide.
pub fn frame(vae: &Vae<f32>, z: &Array2<f32>, rows: usize, cols: usize) -> GrayImage {
    let mut ws = Workspace::new(vae.shape(), z.nrows());
    let mut images = Array2::zeros((z.nrows(), vae.shape().input));
    vae.decode(z, &mut ws, &mut images);
    grid::tile(images.view(), rows, cols, GRID, 2)
}
// ANCHOR_END: samples
