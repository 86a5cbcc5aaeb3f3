//! The inference gap, `log p(x) - ELBO(q_phi(z | x))`, split in two (Cremer, Li & Duvenaud,
//! 2018): the *approximation gap* `log p(x) - ELBO(q*)`, where `q*` is the best diagonal
//! Gaussian for that one image, found by optimising its mean and log-variance directly; and the
//! *amortization gap* `ELBO(q*) - ELBO(q_phi)`, what it costs that one encoder serves every
//! image. Where the importance-sampled `log p(x)` falls short, annealed importance sampling
//! ([`crate::ais`]) on the same images gives the split a second estimate.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use support::atomic::write_atomic;

use crate::ais::{self, AisSettings};
use ch02_elbo::kl::kl_standard_normal_backward;
use ch03_reparameterization::reparam::{draw_standard_normal, reparameterize};
use ch04_model::bernoulli::bce_grad;
use ch04_model::decoder::Decoder;
use ch04_model::vae::Vae;
use ch04_model::workspace::Workspace;
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
    /// Annealed importance sampling on the same images as a second estimate of `log p(x)`.
    pub ais: Option<AisSettings>,
}

impl Default for GapSettings {
    fn default() -> Self {
        GapSettings {
            steps: 500,
            samples: 10,
            lr: 5e-3,
            k: 5000,
            seed: 1,
            ais: Some(AisSettings::default()),
        }
    }
}

/// Each image's numbers, nats (a row of gaps_per_image.csv, whose `image` column is its index).
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize)]
pub struct ImageGaps {
    /// The larger of the two importance-sampled estimates, with `q_phi` and with `q*` as proposal.
    pub log_px: f64,
    pub elbo_encoder: f64,
    pub elbo_optimal: f64,
    /// Forward AIS's estimate, when it was run.
    pub log_px_ais: Option<f64>,
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
    /// The same gaps with AIS's `log p(x)`, when it was run.
    pub ais: Option<AisGaps>,
    pub settings: GapSettings,
}

/// The gaps that rest on `log p(x)`, with AIS's estimate in place of importance sampling's.
#[derive(Debug, Clone, PartialEq)]
pub struct AisGaps {
    pub log_px: Summary,
    pub inference: Summary,
    pub approximation: Summary,
    /// `log p(x)` by AIS minus by importance sampling, image by image: how much the
    /// importance-sampled split understates the two gaps.
    pub above_importance: Summary,
    /// AIS's acceptance rate over every chain and step.
    pub acceptance: f64,
}

/// Every image's numbers, beside gaps.csv: for paired comparisons of two runs on the same images.
pub const GAPS_PER_IMAGE: &str = "gaps_per_image.csv";
pub const GAPS_PER_IMAGE_HEADER: &str = "image,log_px,elbo_encoder,elbo_optimal,log_px_ais";

/// Writes each image's numbers to `path` (AIS's empty where it did not run), whole or not at all.
pub fn save_per_image(per_image: &[ImageGaps], path: &Path) -> Result<()> {
    let mut text = format!("{GAPS_PER_IMAGE_HEADER}\n");
    for (i, g) in per_image.iter().enumerate() {
        let ais = g.log_px_ais.map(|v| format!("{v:.4}")).unwrap_or_default();
        writeln!(
            text,
            "{i},{:.4},{:.4},{:.4},{ais}",
            g.log_px, g.elbo_encoder, g.elbo_optimal
        )
        .expect("writing to a String cannot fail");
    }
    write_atomic(path, text.as_bytes()).with_context(|| format!("cannot write {}", path.display()))
}

/// Reads a gaps_per_image.csv back.
pub fn load_per_image(path: &Path) -> Result<Vec<ImageGaps>> {
    Ok(support::table::read(path, GAPS_PER_IMAGE_HEADER)?)
}

/// Purposes of this chapter's random streams.
const OPTIMISE: u64 = 1;
const SCORE_ENCODER: u64 = 2;
const SCORE_OPTIMAL: u64 = 3;
const ANNEAL: u64 = 4;
const TAG: [u8; 8] = *b"ch07gaps";

// ANCHOR: optimise
/// Starting from the encoder's answer, maximises each image's ELBO over its own mean and
/// log-variance with Adam: all images at once, since they do not interact. Each step draws
/// `samples` codes per image, `z = mu + exp(logvar / 2) * eps`, and takes the gradient of the
/// averaged reconstruction term through the decoder (chapter 4) and the reparameterization
/// (chapter 3), plus the closed-form KL's (chapter 2): the decoder is `vae`'s, whose encoder
/// gave the starting point. Returns the optimised means and log-variances.
pub fn optimise(
    vae: &Vae<f32>,
    x: ArrayView2<f32>,
    mu: Array2<f32>,
    logvar: Array2<f32>,
    settings: &GapSettings,
) -> (Array2<f32>, Array2<f32>) {
    let (n, latent, s) = (x.nrows(), mu.ncols(), settings.samples);
    let rows = n * s;
    // Row r of `out` is row r / s of `m`: each image's draws in a row.
    let repeat = |m: ArrayView2<f32>, out: &mut Array2<f32>| {
        for (r, mut row) in out.rows_mut().into_iter().enumerate() {
            row.assign(&m.row(r / s));
        }
    };
    let mut x_rep = Array2::zeros((rows, x.ncols()));
    repeat(x, &mut x_rep);
    let (mut mu, mut logvar) = (mu, logvar);
    let mut ws = Workspace::new(vae.shape(), rows);
    // The decoder stays fixed: its gradient is computed on the way and dropped.
    let mut unused = Decoder::zeros(vae.shape());
    let mut adam = Adam::new(&[n * latent, n * latent], settings.lr);
    let mut rng = stream(settings.seed, OPTIMISE, 0, TAG);
    for _ in 0..settings.steps {
        repeat(mu.view(), &mut ws.mu);
        repeat(logvar.view(), &mut ws.logvar);
        draw_standard_normal(&mut rng, &mut ws.eps);
        reparameterize(&ws.mu, &ws.logvar, &ws.eps, &mut ws.z);
        vae.decoder.forward(&ws.z, &mut ws.h_dec, &mut ws.logits);
        bce_grad(&ws.logits, &x_rep, &mut ws.d_logits, false);
        ws.d_logits /= s as f32;
        // Chapter 4's backward pass, stopped at each draw's mean and log-variance: there is
        // no encoder, and the KL is each image's, added once its draws are summed.
        vae.backward_to_posterior(rows, &mut ws, &(), &mut unused);
        let sum_draws = |d: &Array2<f32>| -> Array2<f32> {
            d.to_shape((n, s, latent))
                .expect("rows are images times draws")
                .sum_axis(Axis(1))
        };
        let (mut d_mu, mut d_logvar) = (sum_draws(&ws.d_mu), sum_draws(&ws.d_logvar));
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

// ANCHOR: measure
/// The gaps of `vae` on `images` (bytes, one binary image per row).
pub fn measure(
    vae: &Vae<f32>,
    images: ArrayView2<u8>,
    settings: &GapSettings,
) -> (Gaps, Vec<ImageGaps>) {
    let q = encode(vae, images);
    let x = unit_pixels(images);
    let (mu, logvar) = optimise(vae, x.view(), q.mu.clone(), q.logvar.clone(), settings);
    // All images' chains anneal together, as one batch.
    let annealed = settings.ais.map(|ais| {
        let mut rng = stream(settings.seed, ANNEAL, 0, TAG);
        ais::log_px(&vae.decoder, x.view(), &ais, &mut rng)
    });
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
                log_px_ais: annealed.as_ref().map(|(log_px, _)| log_px[i]),
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
        ais: annealed.map(|(log_px, acceptance)| AisGaps {
            log_px: Summary::of(&log_px),
            inference: summary(&|g| g.log_px_ais.expect("AIS ran") - g.elbo_encoder),
            approximation: summary(&|g| g.log_px_ais.expect("AIS ran") - g.elbo_optimal),
            above_importance: summary(&|g| g.log_px_ais.expect("AIS ran") - g.log_px),
            acceptance,
        }),
        settings: *settings,
    };
    (gaps, per_image)
}
// ANCHOR_END: measure
