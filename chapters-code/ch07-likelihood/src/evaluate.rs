//! Scoring a trained model the way the paper does: `log p(x)` by importance sampling with the
//! encoder as proposal (chapter 6's estimator), with its standard error over the test images,
//! the ELBO beside it, and the number of active latent units.

use std::path::Path;

use anyhow::{Context, Result, ensure};
use ch04_model::shape::VaeShape;
use ch04_model::vae::Vae;
use ch05_training::checkpoint::Checkpoint;
use ch06_experiments::active::active_units;
use ch06_experiments::likelihood::ImageResult;
use ch06_experiments::posterior::encode;
use ndarray::ArrayView2;
use support::summary::Summary;

use crate::train::RunSpec;

/// What the evaluation of one model finds.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// The importance-sampled `log p(x)` with `k` draws: mean over the images, standard error.
    pub log_px: Summary,
    /// The ELBO, closed-form KL, reconstruction averaged over the same `k` draws.
    pub elbo: Summary,
    /// Latent dimensions whose posterior mean varies over the images by more than 0.01.
    pub active_units: usize,
    pub latent: usize,
    pub k: usize,
    pub images: usize,
}

impl Evaluation {
    /// The line the binary prints, the one the page quotes.
    pub fn line(&self) -> String {
        format!(
            "test log p(x): {:.2} ± {:.2} nats (k = {}, {} images)",
            self.log_px.mean, self.log_px.standard_error, self.k, self.images
        )
    }

    /// The second line the binary prints: the ELBO, its distance to log p(x), the active units.
    pub fn details_line(&self) -> String {
        format!(
            "test ELBO: {:.2} ± {:.2} nats; log p(x) - ELBO = {:.2} nats; active units: {} of {}",
            self.elbo.mean,
            self.elbo.standard_error,
            self.log_px.mean - self.elbo.mean,
            self.active_units,
            self.latent
        )
    }
}

// ANCHOR: evaluate
/// The evaluation at `k` draws of `vae` on `images` (bytes 0 or 255, one image per row), from
/// the per-image results of chapter 6's [`ch06_experiments::likelihood::per_image`] with the
/// draws `ks`, `k` among them: one pass of importance sampling, each image with its own random
/// stream, serves the score and the K-curve below `k`.
pub fn from_results(
    vae: &Vae<f32>,
    images: ArrayView2<u8>,
    results: &[ImageResult],
    ks: &[usize],
    k: usize,
) -> Evaluation {
    let column = ks.iter().position(|&j| j == k).expect("k is one of the ks");
    let estimates: Vec<f64> = results.iter().map(|r| r.estimates[column]).collect();
    let elbos: Vec<f64> = results.iter().map(|r| r.elbo).collect();
    Evaluation {
        log_px: Summary::of(&estimates),
        elbo: Summary::of(&elbos),
        active_units: active_units(encode(vae, images).mu.view()),
        latent: vae.shape().latent,
        k,
        images: images.nrows(),
    }
}
// ANCHOR_END: evaluate

/// The model of a checkpoint written by this chapter's training, refused by name when its
/// architecture is not `shape` (a checkpoint of chapter 5, say).
pub fn load(path: &Path, shape: VaeShape) -> Result<(Vae<f32>, Checkpoint<RunSpec>)> {
    let describe = || {
        format!(
            "{}: not a checkpoint of this chapter's {}-{}-{}-{}-{} {} VAE",
            path.display(),
            shape.input,
            shape.hidden,
            shape.latent,
            shape.hidden,
            shape.input,
            shape.activation
        )
    };
    let checkpoint: Checkpoint<RunSpec> = Checkpoint::load(path).with_context(describe)?;
    let saved = checkpoint.settings.shape;
    for (key, ours, theirs) in [
        ("input", shape.input, saved.input),
        ("hidden", shape.hidden, saved.hidden),
        ("latent", shape.latent, saved.latent),
        ("depth", shape.depth, saved.depth),
    ] {
        ensure!(
            ours == theirs,
            "{}: made with {key}={theirs}, this model has {key}={ours}",
            describe()
        );
    }
    ensure!(
        saved.activation == shape.activation,
        "{}: made with activation={}, this model has activation={}",
        describe(),
        saved.activation,
        shape.activation
    );
    let mut vae = Vae::zeros(shape);
    let sizes: Vec<usize> = checkpoint.tensors.iter().map(Vec::len).collect();
    let expected: Vec<usize> = vae.parameters().iter().map(|p| p.len()).collect();
    ensure!(
        sizes == expected,
        "{}: its tensors have sizes {sizes:?}, this model needs {expected:?}",
        path.display()
    );
    for (p, saved) in vae.parameters_mut().into_iter().zip(&checkpoint.tensors) {
        p.copy_from_slice(saved);
    }
    Ok((vae, checkpoint))
}
