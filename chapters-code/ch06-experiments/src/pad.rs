//! What the explorer's drawing pad hands the encoder, and how well the 20-d model recognises
//! it: the drawing normalised as MNIST's digits were (or as drawn), and the label of the
//! nearest test digit's code. The page (explorer.js) does the same; the browser test holds
//! the two to the same answers.

use ch04_model::vae::Vae;
use mnist::normalise::{SIDE, like_mnist};
use mnist::{Split, unit_pixel};
use ndarray::{Array2, ArrayView2, s};
use serde::{Deserialize, Serialize};

use crate::altered::Alteration;
use crate::posterior::encode;

/// The first test digit measured: the ones before it make the scatter, the references.
pub const MEASURED_FROM: usize = crate::explorer::SCATTER_IMAGES;
/// How many test digits are measured in each way of drawing them both here and on the page
/// (the browser test places each of them); the export measures all the held-out test digits
/// too, in Rust only.
pub const MEASURED_IMAGES: usize = 500;

/// The 28 x 28 bytes the encoder sees for a pad holding `image`: MNIST's normalisation of it,
/// or the pad as it is.
pub fn seen(image: &[u8], normalise: bool) -> Vec<u8> {
    if !normalise {
        return image.to_vec();
    }
    let ink: Vec<f64> = image.iter().map(|&b| f64::from(b) / 255.0).collect();
    like_mnist(&ink).unwrap_or_else(|| vec![0; SIDE * SIDE])
}

/// The label of the code in `codes` (one per row) nearest to `z`, in squared Euclidean
/// distance summed in f64 in the order of the coordinates, as the page sums it; the first
/// one on a tie.
pub fn nearest_label(codes: ArrayView2<f32>, labels: &[u8], z: &[f32]) -> u8 {
    let mut best = (f64::INFINITY, 0);
    for (code, &label) in codes.outer_iter().zip(labels) {
        let d: f64 = code
            .iter()
            .zip(z)
            .map(|(&c, &v)| (f64::from(c) - f64::from(v)).powi(2))
            .sum();
        if d < best.0 {
            best = (d, label);
        }
    }
    best.1
}

/// One line of `normalisation.csv`: of `digits` test digits drawn in the way `alteration`,
/// `right` have a nearest code with their own label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recognised {
    pub alteration: String,
    pub normalised: bool,
    pub digits: usize,
    pub right: usize,
}

/// The header of `normalisation.csv`.
pub const HEADER: &str = "alteration,normalised,digits,right";

/// For each way of drawing and with and without normalisation: how many of the `count` test
/// digits from `MEASURED_FROM` (or as many as there are) the 20-d model `vae` recognises by
/// the nearest of `codes` (the codes of the first test digits, labelled `labels`).
pub fn recognised(
    vae: &Vae<f32>,
    codes: ArrayView2<f32>,
    labels: &[u8],
    test: &Split,
    count: usize,
) -> Vec<Recognised> {
    let from = MEASURED_FROM.min(test.len());
    let end = from.saturating_add(count).min(test.len());
    let images = test.images.slice(s![from..end, ..]);
    let truth = &test.labels[from..end];
    let mut rows = Vec::new();
    for alteration in Alteration::ALL {
        for normalise in [false, true] {
            let mut seen_images = Array2::<u8>::zeros(images.dim());
            for (image, mut out) in images.outer_iter().zip(seen_images.outer_iter_mut()) {
                let drawn = alteration.apply(image.as_slice().expect("rows of a standard array"));
                out.assign(&ndarray::ArrayView1::from(&seen(&drawn, normalise)));
            }
            let mu = encode(vae, seen_images.view()).mu;
            let right = mu
                .outer_iter()
                .zip(truth)
                .filter(|(z, t)| {
                    nearest_label(codes, labels, z.as_slice().expect("standard rows")) == **t
                })
                .count();
            rows.push(Recognised {
                alteration: alteration.to_string(),
                normalised: normalise,
                digits: truth.len(),
                right,
            });
        }
    }
    rows
}

/// Bytes on the model's pixel scale, as the page turns them into numbers.
pub fn pixels(image: &[u8]) -> Vec<f32> {
    image.iter().map(|&b| unit_pixel(b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_code_decides_and_the_first_wins_a_tie() {
        let codes = ndarray::arr2(&[[0.0f32, 0.0], [1.0, 1.0], [1.0, 1.0], [-2.0, 0.5]]);
        let labels = [3, 7, 1, 9];
        assert_eq!(nearest_label(codes.view(), &labels, &[0.9, 1.2]), 7);
        assert_eq!(nearest_label(codes.view(), &labels, &[0.1, -0.1]), 3);
        assert_eq!(nearest_label(codes.view(), &labels, &[-5.0, 0.0]), 9);
    }

    #[test]
    fn the_pad_as_drawn_is_passed_on_and_a_blank_pad_stays_blank() {
        let mut image = vec![0u8; SIDE * SIDE];
        assert_eq!(seen(&image, true), image);
        image[3] = 200;
        assert_eq!(seen(&image, false), image);
        assert_ne!(seen(&image, true), image);
    }
}
