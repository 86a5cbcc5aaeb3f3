//! Test digits above their reconstructions: what the model keeps of an image when it passes
//! through the latent code.

use image::GrayImage;
use ndarray::{ArrayView2, Axis, concatenate, s};

use crate::grid;
use crate::trainer::Trainer;

/// How many test digits the picture shows.
pub const COUNT: usize = 8;

/// The first `COUNT` images of `images` on the top row, their reconstructions (decoded from
/// the encoder's mean, so the picture does not depend on a draw) below.
pub fn picture(
    trainer: &mut Trainer,
    images: ArrayView2<u8>,
    rows: usize,
    cols: usize,
) -> GrayImage {
    let first = images.slice(s![..COUNT.min(images.nrows()), ..]);
    let originals = first.mapv(|p| f32::from(p) / 255.0);
    let rebuilt = trainer.reconstruct(first);
    let both = concatenate(Axis(0), &[originals.view(), rebuilt.view()])
        .expect("originals and reconstructions have the same width");
    grid::tile(both.view(), rows, cols, first.nrows(), 2)
}
