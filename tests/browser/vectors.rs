//! The Rust side of the comparison: test-vectors.json, written with the weights by
//! `cargo run -p ch06-experiments -- --export-explorer` from chapter 4's encoder and decoder.

use std::path::Path;

use anyhow::{Context, Result, ensure};
use ch04_model::vae::Vae;
use ch06_experiments::bundle::{Bundle, read_script};
use ch06_experiments::explorer;
use ch06_experiments::true_posterior::{SETTINGS, TruePosterior};
use ndarray::Array1;
use serde::Deserialize;
use serde::de::DeserializeOwned;

#[derive(Debug, Deserialize)]
pub struct Vectors {
    pub weights_sha256: String,
    pub decode: Vec<Decoded>,
    pub encode: Vec<Encoded>,
}

/// The decoder's pixel probabilities at `z`; for the 20-d model, `z` is the posterior mean of
/// the explorer's test digit number `digit`.
#[derive(Debug, Deserialize)]
pub struct Decoded {
    pub model: String,
    pub z: Vec<f32>,
    pub digit: Option<usize>,
    pub probabilities: Vec<f32>,
}

/// The encoder's `mu` and `sigma` for the explorer's test digit number `digit` put on the
/// pad, and `seen`, the digit normalised as MNIST's were, which the encoder reads.
#[derive(Debug, Deserialize)]
pub struct Encoded {
    pub model: String,
    pub digit: usize,
    pub seen: Vec<u8>,
    pub mu: Vec<f32>,
    pub sigma: Vec<f32>,
}

/// Reads test vectors written with the weights in `script`, and checks they belong to them:
/// `script` must hold the SHA-256 the vectors name; `command` writes both again.
fn read_bound<T: DeserializeOwned>(
    vectors: &Path,
    script: &Path,
    sha256: impl Fn(&T) -> &str,
    command: &str,
) -> Result<T> {
    let text = std::fs::read_to_string(vectors)
        .with_context(|| format!("cannot read {}", vectors.display()))?;
    let v: T = serde_json::from_str(&text)
        .with_context(|| format!("{}: not the test vectors' format", vectors.display()))?;
    let weights = std::fs::read_to_string(script)
        .with_context(|| format!("cannot read {}", script.display()))?;
    ensure!(
        weights.contains(&format!("\"sha256\":\"{}\"", sha256(&v))),
        "{} belongs to weights with SHA-256 {}, which {} does not hold: regenerate both with \
         `{command}`",
        vectors.display(),
        sha256(&v),
        script.display()
    );
    Ok(v)
}

impl Vectors {
    /// Reads the vectors and checks they belong to the weights of `weights_js`.
    pub fn read(vectors: &Path, weights_js: &Path) -> Result<Vectors> {
        let v: Vectors = read_bound(
            vectors,
            weights_js,
            |v: &Vectors| &v.weights_sha256,
            "cargo run -p ch06-experiments -- --export-explorer",
        )?;
        ensure!(
            v.decode.iter().any(|d| d.model == "latent2")
                && v.decode
                    .iter()
                    .any(|d| d.model == "latent20" && d.digit.is_some())
                && v.encode.iter().any(|e| e.model == "latent2"),
            "{}: needs decodes of both models and an encode of the 2-d one",
            vectors.display()
        );
        Ok(v)
    }
}

/// Chapter 9's test vectors (conditional-vectors.json), written with conditional.js by
/// `cargo run -p ch09-conditional -- --export-explorer`.
pub use ch09_conditional::explorer::Vectors as ConditionalVectors;

/// Reads chapter 9's vectors and checks they belong to the weights of `script`.
pub fn read_conditional(vectors: &Path, script: &Path) -> Result<ConditionalVectors> {
    let v: ConditionalVectors = read_bound(
        vectors,
        script,
        |v: &ConditionalVectors| &v.weights_sha256,
        "cargo run -p ch09-conditional -- --export-explorer",
    )?;
    ensure!(
        !v.styled.is_empty() && !v.completed.is_empty(),
        "{}: needs decodes and completions",
        vectors.display()
    );
    Ok(v)
}

/// The largest difference, in grey levels of 255, between a canvas and probabilities.
pub fn grey_difference(canvas: &[u8], probabilities: &[f32]) -> f32 {
    assert_eq!(canvas.len(), probabilities.len(), "image sizes differ");
    canvas
        .iter()
        .zip(probabilities)
        .map(|(&g, &p)| (f32::from(g) - 255.0 * p).abs())
        .fold(0.0, f32::max)
}

/// The largest relative difference `|a - b| / |b|` over two vectors.
pub fn relative_difference(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len(), "vector sizes differ");
    a.iter()
        .zip(b)
        .map(|(&x, &y)| (x - y).abs() / y.abs().max(f32::MIN_POSITIVE))
        .fold(0.0, f32::max)
}

/// The model `name` of the bundle, with the rounded weights the page computes with.
pub fn model(bundle: &Bundle, name: &str) -> Result<Vae<f32>> {
    explorer::rounded_model(bundle, name)
}

/// chapter 6's `true_posterior` of the offered digit `digit`, put on the pad and normalised as
/// the page does, under the 2-d model of `weights_js`, on the plane `[-plane, plane]^2`: what
/// the page's grid must give.
pub fn true_posterior(weights_js: &Path, digit: usize, plane: f64) -> Result<TruePosterior> {
    let bundle = read_script(weights_js)?;
    let vae = model(&bundle, "latent2")?;
    let (images, shape) = bundle.tensor::<u8>("digits.image")?;
    ensure!(digit < shape[0], "no offered digit {digit}");
    let seen = ch06_experiments::pad::seen(&images[digit * shape[1]..(digit + 1) * shape[1]], true);
    let x = Array1::from(ch06_experiments::pad::pixels(&seen));
    Ok(ch06_experiments::true_posterior::true_posterior(
        &vae,
        x.view(),
        plane,
        &SETTINGS,
    ))
}
