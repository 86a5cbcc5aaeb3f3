//! The inference gap, `log p(x) - ELBO(q_phi(z | x))`, split in two (Cremer, Li & Duvenaud,
//! 2018): the *approximation gap* `log p(x) - ELBO(q*)`, where `q*` is the best diagonal
//! Gaussian for that one image, found by optimising its mean and log-variance directly; and the
//! *amortization gap* `ELBO(q*) - ELBO(q_phi)`, what it costs that one encoder serves every
//! image.

use ch02_elbo::kl::kl_standard_normal_backward;
use ch03_reparameterization::reparam::{
    draw_standard_normal, reparameterize, reparameterize_backward,
};
use ch04_model::bernoulli::bce_grad;
use ch04_model::decoder::Decoder;
use ch04_model::vae::Vae;
use ch05_training::adam::Adam;
use ch06_experiments::likelihood;
use ch06_experiments::posterior::encode;
use mnist::unit_pixels;
use ndarray::{Array2, ArrayView2, Axis};
use support::seeds::stream;
use support::summary::Summary;

/// How each image's own Gaussian is optimised and scored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GapSettings {
    /// Adam steps on each image's mean and log-variance.
    pub steps: usize,
    /// Draws of `z` per step, averaged in the ELBO's gradient.
    pub samples: usize,
    pub lr: f32,
    /// Importance samples for `log p(x)`, and draws for each ELBO.
    pub k: usize,
    pub seed: u64,
}

impl Default for GapSettings {
    fn default() -> Self {
        GapSettings {
            steps: 500,
            samples: 10,
            lr: 5e-3,
            k: 5000,
            seed: 1,
        }
    }
}

/// Each image's numbers, nats.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImageGaps {
    /// The larger of the two importance-sampled estimates, with `q_phi` and with `q*` as proposal.
    pub log_px: f64,
    pub elbo_encoder: f64,
    pub elbo_optimal: f64,
}

/// The gaps over the images, each a mean with its standard error.
#[derive(Debug, Clone, PartialEq)]
pub struct Gaps {
    pub log_px: Summary,
    pub elbo_encoder: Summary,
    pub elbo_optimal: Summary,
    /// `log p(x) - ELBO(q_phi)`.
    pub inference: Summary,
    /// `log p(x) - ELBO(q*)`.
    pub approximation: Summary,
    /// `ELBO(q*) - ELBO(q_phi)`.
    pub amortization: Summary,
    pub settings: GapSettings,
}

/// Purposes of this chapter's random streams.
const OPTIMISE: u64 = 1;
const SCORE_ENCODER: u64 = 2;
const SCORE_OPTIMAL: u64 = 3;
const TAG: [u8; 8] = *b"ch07gaps";

// ANCHOR: optimise
/// Starting from the encoder's answer, maximises each image's ELBO over its own mean and
/// log-variance with Adam: all images at once, since they do not interact. Each step draws
/// `samples` codes per image, `z = mu + exp(logvar / 2) * eps`, and takes the gradient of the
/// averaged reconstruction term through the decoder (chapter 4) and the reparameterization
/// (chapter 3), plus the closed-form KL's (chapter 2). Returns the optimised means and
/// log-variances.
pub fn optimise(
    decoder: &Decoder<f32>,
    x: ArrayView2<f32>,
    mu: Array2<f32>,
    logvar: Array2<f32>,
    settings: &GapSettings,
) -> (Array2<f32>, Array2<f32>) {
    let (n, latent, s) = (x.nrows(), mu.ncols(), settings.samples);
    let rows = n * s;
    let repeat = |m: ArrayView2<f32>| -> Array2<f32> {
        Array2::from_shape_fn((rows, m.ncols()), |(r, j)| m[[r / s, j]])
    };
    let x_rep = repeat(x);
    let (mut mu, mut logvar) = (mu, logvar);
    let width = decoder.output.inputs();
    let mut h: Vec<Array2<f32>> = decoder
        .hidden
        .iter()
        .map(|_| Array2::zeros((rows, width)))
        .collect();
    let mut dh = h.clone();
    let (mut eps, mut z, mut d_z) = (
        Array2::zeros((rows, latent)),
        Array2::zeros((rows, latent)),
        Array2::zeros((rows, latent)),
    );
    let mut logits = Array2::zeros(x_rep.raw_dim());
    let mut d_logits = Array2::zeros(x_rep.raw_dim());
    let mut unused = Decoder::zeros(decoder_shape(decoder, latent));
    let mut adam = Adam::new(&[n * latent, n * latent], settings.lr);
    let mut rng = stream(settings.seed, OPTIMISE, 0, TAG);
    for _ in 0..settings.steps {
        let (mu_rep, lv_rep) = (repeat(mu.view()), repeat(logvar.view()));
        draw_standard_normal(&mut rng, &mut eps);
        reparameterize(&mu_rep, &lv_rep, &eps, &mut z);
        decoder.forward(&z, &mut h, &mut logits);
        bce_grad(&logits, &x_rep, &mut d_logits, false);
        d_logits /= s as f32;
        decoder.backward(&z, &h, &d_logits, &mut dh, &mut d_z, &mut unused);
        let (mut dm_rep, mut dlv_rep) = (Array2::zeros(z.raw_dim()), Array2::zeros(z.raw_dim()));
        reparameterize_backward(&d_z, &lv_rep, &eps, &mut dm_rep, &mut dlv_rep);
        let sum_draws = |d: &Array2<f32>| -> Array2<f32> {
            d.to_shape((n, s, latent))
                .expect("rows are images times draws")
                .sum_axis(Axis(1))
        };
        let (mut d_mu, mut d_logvar) = (sum_draws(&dm_rep), sum_draws(&dlv_rep));
        kl_standard_normal_backward(&mu, &logvar, 1.0, &mut d_mu, &mut d_logvar);
        adam.step(
            &mut [
                mu.as_slice_mut().expect("contiguous"),
                logvar.as_slice_mut().expect("contiguous"),
            ],
            &[
                d_mu.as_slice().expect("contiguous"),
                d_logvar.as_slice().expect("contiguous"),
            ],
        );
    }
    (mu, logvar)
}
// ANCHOR_END: optimise

fn decoder_shape(decoder: &Decoder<f32>, latent: usize) -> ch04_model::shape::VaeShape {
    ch04_model::shape::VaeShape {
        input: decoder.output.outputs(),
        hidden: decoder.output.inputs(),
        latent,
        depth: decoder.hidden.len(),
        activation: decoder.activation,
    }
}

// ANCHOR: measure
/// The gaps of `vae` on `images` (bytes, one binary image per row).
pub fn measure(
    vae: &Vae<f32>,
    images: ArrayView2<u8>,
    settings: &GapSettings,
) -> (Gaps, Vec<ImageGaps>) {
    let q = encode(vae, images);
    let x = unit_pixels(images);
    let (mu, logvar) = optimise(
        &vae.decoder,
        x.view(),
        q.mu.clone(),
        q.logvar.clone(),
        settings,
    );
    let per_image: Vec<ImageGaps> = (0..images.nrows())
        .map(|i| {
            let ks = [settings.k];
            let mut rng = stream(settings.seed, SCORE_ENCODER, i as u64, TAG);
            let encoder =
                likelihood::image(vae, x.row(i), q.mu.row(i), q.logvar.row(i), &ks, &mut rng);
            let mut rng = stream(settings.seed, SCORE_OPTIMAL, i as u64, TAG);
            let optimal = likelihood::image(vae, x.row(i), mu.row(i), logvar.row(i), &ks, &mut rng);
            ImageGaps {
                log_px: encoder.estimates[0].max(optimal.estimates[0]),
                elbo_encoder: encoder.elbo,
                elbo_optimal: optimal.elbo,
            }
        })
        .collect();
    let summary =
        |f: &dyn Fn(&ImageGaps) -> f64| Summary::of(&per_image.iter().map(f).collect::<Vec<_>>());
    let gaps = Gaps {
        log_px: summary(&|g| g.log_px),
        elbo_encoder: summary(&|g| g.elbo_encoder),
        elbo_optimal: summary(&|g| g.elbo_optimal),
        inference: summary(&|g| g.log_px - g.elbo_encoder),
        approximation: summary(&|g| g.log_px - g.elbo_optimal),
        amortization: summary(&|g| g.elbo_optimal - g.elbo_encoder),
        settings: *settings,
    };
    (gaps, per_image)
}
// ANCHOR_END: measure
