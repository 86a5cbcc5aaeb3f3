//! The KL weight beta: the same model trained with `reconstruction + beta * KL` for a few
//! values of beta, compared on the test set and by samples from the same prior draws.

use ch05_training::grid::tile;
use ch05_training::trainer::Trainer;
use image::{GrayImage, Luma};
use ndarray::{Array2, ArrayView2};
use rand_distr::{Distribution, StandardNormal};

use crate::active::active_units;
use crate::posterior::{decode, encode};
use crate::seeds::{self, Purpose};

/// The weights compared: half the ELBO's, the ELBO's, and four times (Higgins et al.'s setting).
pub const BETAS: [f32; 3] = [0.5, 1.0, 4.0];

/// Samples per grid side.
pub const GRID: usize = 6;

/// One row of the table, all on the test set, nats per image.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BetaRow {
    pub beta: f32,
    pub reconstruction: f64,
    pub kl: f64,
    /// Latent units whose posterior mean varies by more than
    /// [`ACTIVE_VARIANCE`](crate::active::ACTIVE_VARIANCE).
    pub active: usize,
    pub latent: usize,
}

impl BetaRow {
    /// The negative ELBO, whatever beta the model was trained with.
    pub fn negative_elbo(&self) -> f64 {
        self.reconstruction + self.kl
    }
}

/// Scores a trained model on `test` (bytes, one image per row).
pub fn row(trainer: &mut Trainer, test: ArrayView2<u8>, seed: u64) -> BetaRow {
    let loss = trainer.evaluate(test, seed, 0);
    let count = loss.count as f64;
    let means = encode(&trainer.vae, test).mu;
    BetaRow {
        beta: trainer.beta,
        reconstruction: loss.reconstruction / count,
        kl: loss.kl / count,
        active: active_units(means.view()),
        latent: trainer.shape().latent,
    }
}

/// The same `GRID * GRID` prior draws for every model, so the grids differ only by the model.
pub fn prior_draws(seed: u64, latent: usize) -> Array2<f32> {
    let mut rng = seeds::rng(seed, Purpose::BetaSamples, latent as u64);
    Array2::from_shape_simple_fn((GRID * GRID, latent), || StandardNormal.sample(&mut rng))
}

/// The decoded draws, tiled `GRID` wide, each pixel drawn 2 x 2.
pub fn samples(trainer: &Trainer, z: ArrayView2<f32>, side: usize) -> GrayImage {
    tile(decode(&trainer.vae, z).view(), side, side, GRID, 2)
}

/// Pictures of one height placed left to right, `gap` white pixels apart.
pub fn side_by_side(pictures: &[GrayImage], gap: u32) -> GrayImage {
    let height = pictures.iter().map(|p| p.height()).max().unwrap_or(0);
    let width = pictures.iter().map(|p| p.width()).sum::<u32>()
        + gap * (pictures.len() as u32).saturating_sub(1);
    let mut out = GrayImage::from_pixel(width, height, Luma([255]));
    let mut x = 0;
    for p in pictures {
        image::imageops::replace(&mut out, p, i64::from(x), 0);
        x += p.width() + gap;
    }
    out
}

/// The pictures of [`BETAS`] side by side, each under a caption naming its beta.
pub fn labelled_side_by_side(pictures: &[GrayImage], gap: u32) -> anyhow::Result<GrayImage> {
    let joined = side_by_side(pictures, gap);
    let mut x = 0;
    let mut captions = Vec::new();
    for (p, b) in pictures.iter().zip(BETAS) {
        captions.push((x + p.width() / 2, format!("\u{3b2} = {b}")));
        x += p.width() + gap;
    }
    Ok(support::plot::with_captions(&joined, 36, &captions)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_panel_is_captioned_inside_the_picture() {
        let panels = vec![GrayImage::from_pixel(60, 40, Luma([0])); 3];
        let out = labelled_side_by_side(&panels, 8).unwrap();
        assert_eq!(out.dimensions(), (3 * 60 + 2 * 8, 40 + 36));
        if support::plot::font_available() {
            // Ink in the caption strip above each panel, none between them.
            for i in 0..3u32 {
                let x0 = i * 68;
                let ink = (x0..x0 + 60)
                    .flat_map(|x| (0..36).map(move |y| (x, y)))
                    .filter(|&(x, y)| out.get_pixel(x, y).0[0] < 128)
                    .count();
                assert!(ink > 10, "no caption over panel {i}");
            }
        }
        // The panels themselves are untouched below the strip.
        assert_eq!(out.get_pixel(30, 36 + 20).0[0], 0);
    }

    #[test]
    fn pictures_are_laid_side_by_side() {
        let a = GrayImage::from_pixel(3, 2, Luma([0]));
        let b = GrayImage::from_pixel(4, 2, Luma([9]));
        let out = side_by_side(&[a, b], 5);
        assert_eq!(out.dimensions(), (12, 2));
        assert_eq!(out.get_pixel(2, 1).0, [0]);
        assert_eq!(out.get_pixel(5, 0).0, [255]);
        assert_eq!(out.get_pixel(8, 1).0, [9]);
    }

    #[test]
    fn every_model_sees_the_same_draws() {
        assert_eq!(prior_draws(1, 20), prior_draws(1, 20));
        assert_eq!(prior_draws(1, 20).dim(), (36, 20));
        assert_ne!(prior_draws(1, 20), prior_draws(2, 20));
    }
}
