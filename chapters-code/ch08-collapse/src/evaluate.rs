//! Scoring a trained [`Model`] on test images: its rate and distortion, the ELBO they add up
//! to, the importance-sampled `log p(x)` (chapter 6's estimator, with the masked layer's votes
//! added to every draw's logits), the split of the rate into information and marginal KL, and
//! the active units.

use crate::seeds::{self, Purpose};
use ch04_model::bernoulli::bce_rows;
use ch06_experiments::active::{ACTIVE_VARIANCE, count_above, unit_variances};
use ch06_experiments::estimator::{log_mean_exp, log_prior_minus_log_q};
use ch06_experiments::posterior::encode;
use ch07_likelihood::per_image::ImageScore;
use mnist::unit_pixels;
use ndarray::{Array1, Array2, ArrayView2, s};
use rand_distr::{Distribution, StandardNormal};
use support::summary::Summary;

use crate::model::Model;
use crate::mutual_info::{self, RateSplit, closed_form_rates};

/// Everything measured of one model; nats per image, means over the images with their
/// standard errors.
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    /// `R = KL(q(z | x) || p(z))`, closed form.
    pub rate: Summary,
    /// `D = -E_q log p(x | z)`, averaged over the `k` draws.
    pub distortion: Summary,
    /// `-(R + D)`, image by image.
    pub elbo: Summary,
    /// `log (1/k) Σ w_k`: a lower bound on `log p(x)` in expectation.
    pub log_px: Summary,
    pub split: RateSplit,
    pub active_units: usize,
    pub latent: usize,
    pub k: usize,
    /// Each test image's `log p(x)` and ELBO, for differences between models taken image by
    /// image.
    pub per_image: Vec<ImageScore>,
    /// Each latent unit's variance, over the `wide` images, of its posterior mean: the active
    /// units at any threshold.
    pub unit_variances: Array1<f32>,
}

// ANCHOR: score
/// Scores `model` on `images` (bytes 0 or 255) with `k` importance samples per image; splits
/// the rate and counts the active units on `wide` (more images: the estimate of `I(x; z)`
/// cannot exceed the logarithm of their number).
pub fn score(
    model: &Model<f32>,
    images: ArrayView2<u8>,
    wide: ArrayView2<u8>,
    k: usize,
    seed: u64,
) -> Scores {
    let vae = &model.vae;
    let shape = vae.shape();
    let q = encode(vae, images);
    let x = unit_pixels(images);
    // The masked layer's votes depend on the image alone: once per image, not per draw.
    let mut votes = Array2::zeros(x.dim());
    if let Some(a) = &model.autoregressive {
        a.forward(&x, &mut votes);
    }
    let mut h: Vec<Array2<f32>> = (0..shape.depth)
        .map(|_| Array2::zeros((k, shape.hidden)))
        .collect();
    let mut logits = Array2::zeros((k, shape.input));
    let mut bce = Array1::zeros(k);
    let kl = closed_form_rates(q.mu.view(), q.logvar.view());
    let (mut distortion, mut log_px) = (Vec::new(), Vec::new());
    for i in 0..images.nrows() {
        let mut rng = seeds::rng(seed, Purpose::Importance, i as u64);
        let eps =
            Array2::from_shape_simple_fn((k, shape.latent), || StandardNormal.sample(&mut rng));
        let sigma = q.logvar.row(i).mapv(|lv| (0.5 * lv).exp());
        let z = &eps * &sigma + q.mu.row(i);
        vae.decoder.forward(&z, &mut h, &mut logits);
        logits += &votes.row(i);
        let xi = x.slice(s![i..i + 1, ..]);
        let xs = xi.broadcast((k, shape.input)).expect("one image, k rows");
        bce_rows(&logits, &xs, &mut bce);
        let lv = q.logvar.row(i).to_vec();
        let log_w: Vec<f64> = (0..k)
            .map(|r| {
                -f64::from(bce[r])
                    + log_prior_minus_log_q(&z.row(r).to_vec(), &eps.row(r).to_vec(), &lv)
            })
            .collect();
        distortion.push(bce.iter().map(|&b| f64::from(b)).sum::<f64>() / k as f64);
        log_px.push(log_mean_exp(&log_w));
    }
    let elbo: Vec<f64> = distortion.iter().zip(&kl).map(|(d, r)| -(d + r)).collect();
    let mut rng = seeds::rng(seed, Purpose::Information, 0);
    let qw = encode(vae, wide);
    let variances = unit_variances(qw.mu.view());
    let per_image = (0..images.nrows())
        .map(|i| ImageScore {
            image: i,
            log_px: log_px[i],
            elbo: elbo[i],
        })
        .collect();
    Scores {
        rate: Summary::of(kl.as_slice().expect("contiguous")),
        distortion: Summary::of(&distortion),
        elbo: Summary::of(&elbo),
        log_px: Summary::of(&log_px),
        split: mutual_info::split(qw.mu.view(), qw.logvar.view(), 1, &mut rng),
        active_units: count_above(variances.view(), ACTIVE_VARIANCE),
        latent: shape.latent,
        k,
        per_image,
        unit_variances: variances,
    }
}
// ANCHOR_END: score
