//! The learned 2-D manifold (Kingma & Welling's Figure 4): a model with a two-dimensional
//! latent space, decoded at every point of a grid laid over its prior.

use anyhow::{Result, ensure};
use ch04_model::vae::Vae;
use ch05_training::grid::tile;
use image::GrayImage;
use ndarray::Array2;

use crate::posterior::decode;
use crate::quantiles::normal_quantiles;

/// Digits per side of the picture.
pub const SIDE: usize = 20;

// ANCHOR: grid
/// The `n * n` latent points of the picture, row by row from the top: column `c` has
/// `z_1 = q_c` and row `r` has `z_2 = q_{n-1-r}`, where `q` are [`normal_quantiles`], so up is
/// positive `z_2` as on a chart.
pub fn latent_grid(n: usize) -> Array2<f32> {
    let q = normal_quantiles(n);
    Array2::from_shape_fn((n * n, 2), |(i, axis)| {
        let (row, col) = (i / n, i % n);
        (if axis == 0 { q[col] } else { q[n - 1 - row] }) as f32
    })
}

/// The decoder's mean image at every grid point, tiled `n` wide, one pixel per pixel.
pub fn picture(vae: &Vae<f32>, n: usize, rows: usize, cols: usize) -> Result<GrayImage> {
    let latent = vae.shape().latent;
    ensure!(
        latent == 2,
        "the manifold needs a 2-D latent space, this model has {latent}"
    );
    let images = decode(vae, latent_grid(n).view());
    Ok(tile(images.view(), rows, cols, n, 1))
}
// ANCHOR_END: grid

/// The picture's width and height in pixels: `n` cells of `side + 1` pixels plus the last gutter.
pub fn picture_size(n: usize, side: usize) -> u32 {
    (n * (side + 1) + 1) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_runs_left_to_right_and_bottom_to_top() {
        let g = latent_grid(3);
        let q = normal_quantiles(3);
        let at = |r: usize, c: usize| (g[[3 * r + c, 0]], g[[3 * r + c, 1]]);
        assert_eq!(at(0, 0), (q[0] as f32, q[2] as f32)); // top left: z1 low, z2 high
        assert_eq!(at(2, 2), (q[2] as f32, q[0] as f32)); // bottom right
        let (x, y) = at(1, 1);
        assert!(x.abs() < 1e-6 && y.abs() < 1e-6);
    }

    #[test]
    fn a_20_by_20_grid_of_mnist_digits_is_581_pixels_square() {
        assert_eq!(picture_size(SIDE, 28), 581);
    }
}
