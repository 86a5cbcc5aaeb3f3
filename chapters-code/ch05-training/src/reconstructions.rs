//! Test digits above their reconstructions: what the model keeps of an image when it passes
//! through the latent code.

use ch04_model::vae::Vae;
use ch04_model::workspace::Workspace;
use image::GrayImage;
use ndarray::{Array2, ArrayView2, Axis, concatenate, s};

use crate::grid;
use mnist::unit_pixels;

/// How many test digits the picture shows.
pub const COUNT: usize = 8;

/// The first `COUNT` images of `images` on the top row, their reconstructions (decoded from
/// the encoder's mean, so the picture does not depend on a draw) below.
pub fn picture(vae: &Vae<f32>, images: ArrayView2<u8>, rows: usize, cols: usize) -> GrayImage {
    let first = images.slice(s![..COUNT.min(images.nrows()), ..]);
    let n = first.nrows();
    let originals = unit_pixels(first);
    let shape = vae.shape();
    let mut ws = Workspace::new(shape, n);
    let (mut mu, mut logvar) = (
        Array2::zeros((n, shape.latent)),
        Array2::zeros((n, shape.latent)),
    );
    vae.encode(&originals, &mut ws, &mut mu, &mut logvar);
    let mut rebuilt = Array2::zeros((n, shape.input));
    vae.decode(&mu, &mut ws, &mut rebuilt);
    let both = concatenate(Axis(0), &[originals.view(), rebuilt.view()])
        .expect("originals and reconstructions have the same width");
    grid::tile(both.view(), rows, cols, first.nrows(), 2)
}
