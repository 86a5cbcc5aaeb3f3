//! Every figure of the chapter, drawn from a small untrained model on made-up images (no data
//! needed, and fast): each file decodes, at the pixel size the page's layout assumes.

use std::path::Path;

use ch04_model::shape::VaeShape;
use ch04_model::vae::Vae;
use ch05_training::animation::gif_bytes;
use ch05_training::grid::save_png;
use ch05_training::trainer::Trainer;
use ch06_experiments::beta;
use ch06_experiments::interpolate::{self, GIF_STEPS, PAIRS, STEPS};
use ch06_experiments::manifold::{self, SIDE};
use ch06_experiments::scatter;
use ndarray::Array2;
use rand::SeedableRng;
use rand::rngs::StdRng;

const NAMES: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

fn vae(latent: usize) -> Vae<f32> {
    let shape = VaeShape::one_hidden_relu(784, 16, latent);
    Vae::new(shape, &mut StdRng::seed_from_u64(latent as u64))
}

/// 40 made-up 28 x 28 "digits" with labels 0-9 in turn.
fn images() -> (Array2<u8>, Vec<u8>) {
    let images = Array2::from_shape_fn((40, 784), |(i, j)| ((i * 13 + j * 7) % 256) as u8);
    let labels = (0..40).map(|i| (i % 10) as u8).collect();
    (images, labels)
}

fn png_size(path: &Path) -> (u32, u32) {
    let image = image::open(path).unwrap();
    (image.width(), image.height())
}

#[test]
fn the_manifold_is_20_digits_square() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("manifold.png");
    save_png(&manifold::picture(&vae(2), SIDE, 28, 28).unwrap(), &path).unwrap();
    assert_eq!(png_size(&path), (581, 581));
    // Only a 2-D latent space can be laid out flat.
    assert!(manifold::picture(&vae(3), SIDE, 28, 28).is_err());
}

#[test]
fn the_scatter_is_a_chart_of_640_by_600() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scatter.png");
    let (images, labels) = images();
    let means = ch06_experiments::posterior::encode(&vae(2), images.view()).mu;
    scatter::chart(means.view(), &labels, &NAMES)
        .save_png(&path)
        .unwrap();
    assert_eq!(png_size(&path), (scatter::WIDTH, scatter::HEIGHT));
}

#[test]
fn the_interpolation_strip_and_gif_have_one_cell_per_step() {
    let dir = tempfile::tempdir().unwrap();
    let (images, labels) = images();
    let model = vae(20);
    let pairs = interpolate::pick_pairs(&labels, &PAIRS).unwrap();
    let ends = interpolate::ends(&model, images.view(), &pairs);
    let path = dir.path().join("strip.png");
    save_png(&interpolate::strip(&model, &ends, STEPS, 28, 2), &path).unwrap();
    // 10 steps plus the two originals across, 4 pairs of 2 paths down, 57-pixel cells.
    assert_eq!(png_size(&path), (12 * 57 + 1, 8 * 57 + 1));

    let frames = interpolate::frames(&model, &ends, GIF_STEPS, 28, 3);
    let bytes = gif_bytes(&frames, 12, 12).unwrap();
    let mut decoder = gif::DecodeOptions::new()
        .read_info(bytes.as_slice())
        .unwrap();
    assert_eq!(
        (decoder.width(), decoder.height()),
        (4 * 85 + 1, 2 * 85 + 1)
    );
    let mut count = 0;
    while decoder.read_next_frame().unwrap().is_some() {
        count += 1;
    }
    assert_eq!(count, 2 * GIF_STEPS - 2);
}

#[test]
fn the_beta_grids_sit_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    let shape = VaeShape::one_hidden_relu(784, 16, 20);
    let z = beta::prior_draws(1, 20);
    let grids: Vec<_> = (0..3)
        .map(|seed| beta::samples(&Trainer::new(shape, 32, 1e-3, seed), z.view(), 28))
        .collect();
    let path = dir.path().join("beta.png");
    save_png(&beta::side_by_side(&grids, 16), &path).unwrap();
    assert_eq!(png_size(&path), (3 * 343 + 2 * 16, 343));
}
