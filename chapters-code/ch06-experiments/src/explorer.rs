//! `--export-explorer`: chapter 6's two models, rounded to 8 bits a weight ([`quantize`]),
//! with what the book's in-browser explorer shows besides them (the test digits' codes for
//! the scatter, a few test digits to start from), written into `book/media/explorer/` as
//! `weights.js` and `manifest.json` ([`bundle`]), and `test-vectors.json`: outputs of chapter
//! 4's encoder and decoder on the rounded weights, which the browser test (tests/browser/)
//! compares with what the page computes, and `normalisation.csv`: how often the 20-d model
//! recognises test digits drawn shifted, enlarged or thickened, with and without MNIST's
//! normalisation ([`pad`]).
//!
//! [`quantize`]: crate::quantize
//! [`bundle`]: crate::bundle
//! [`pad`]: crate::pad

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, ensure};
use ch04_model::shape::VaeShape;
use ch04_model::vae::Vae;
use mnist::{DataOptions, Dataset, Split};
use ndarray::{Array1, Array2, Axis, s};
use serde::Serialize;
use support::paths::workspace_root;

use crate::bundle::{Builder, Bundle, ModelInfo};
use crate::experiments::{self, Settings};
use crate::models;
use crate::pad;
use crate::posterior::{decode, encode};
use crate::quantize::{Quantized, add_rounded, dequantize, largest_change};

/// The command the files name, which writes them again.
pub const COMMAND: &str = "cargo run -p ch06-experiments -- --export-explorer";

/// Test digits whose codes make the plane's scatter.
pub const SCATTER_IMAGES: usize = 5000;

/// Test digits offered to start a drawing or a path from: the first ones of each label.
pub const DIGITS_PER_LABEL: usize = 2;

/// The 2-d decoder's test points, on the plane's grid of 1/20 (explorer.js): `z = k / 20`.
pub const PLANE_POINTS: [[i16; 2]; 3] = [[-20, 10], [7, -24], [30, 25]];

/// Labels of the offered digits whose 2-d posteriors, and whose decoded 20-d means, are
/// test vectors.
pub const ENCODE_LABELS: [u8; 2] = [3, 8];
pub const INTERPOLATION_LABELS: [u8; 2] = [2, 7];

/// The layers of a [`Vae`] in the order of [`Vae::layers`], as the files name them.
const LAYERS: [&str; 5] = [
    "encoder.hidden",
    "encoder.mu",
    "encoder.logvar",
    "decoder.hidden",
    "decoder.output",
];

/// The model `name` of a bundle as the page rebuilds it: the rounded weights, dequantized. The
/// tests check the page's numbers against what this model computes in Rust.
pub fn rounded_model(bundle: &Bundle, name: &str) -> Result<Vae<f32>> {
    let info = bundle
        .manifest
        .models
        .get(name)
        .with_context(|| format!("no model {name} in the bundle"))?;
    let mut vae = Vae::zeros(VaeShape::one_hidden_relu(
        info.input,
        info.hidden,
        info.latent,
    ));
    for (layer, dense) in LAYERS.iter().zip(vae.layers_mut()) {
        let prefix = format!("{name}.{layer}");
        let (q, shape) = bundle.tensor::<i8>(&format!("{prefix}.weight"))?;
        let (scale, _) = bundle.tensor::<f32>(&format!("{prefix}.weight_scale"))?;
        let (bias, _) = bundle.tensor::<f32>(&format!("{prefix}.bias"))?;
        ensure!(
            shape == [dense.inputs(), dense.outputs()],
            "{prefix} has shape {shape:?}"
        );
        *dense = dequantize(&Quantized {
            q: Array2::from_shape_vec((shape[0], shape[1]), q)?,
            scale: Array1::from(scale),
            bias: Array1::from(bias),
        });
    }
    Ok(vae)
}

/// The book's media folder for the explorer.
pub fn default_dir() -> PathBuf {
    workspace_root().join("book").join("media").join("explorer")
}

/// Trains (or loads) chapter 6's two models exactly as [`experiments::run`] does and exports
/// them into `dir`.
pub fn run(settings: &Settings, dir: &Path) -> Result<Vec<PathBuf>> {
    settings.validate()?;
    let data = mnist::load(&DataOptions {
        dataset: Dataset::Mnist,
        data_dir: settings.data_dir.clone(),
    })?
    .limited(settings.limit);
    let common = settings.common();
    println!("== the 2-d model ({} epochs)", settings.epochs);
    let two_d = models::train(&common, &data, experiments::two_d_spec(settings.epochs))?;
    let main = experiments::main_model(settings, &common, &data)?;
    let sources = [
        format!(
            "chapter 6's 2-d model: chapter 5's training, seed {}, {} epochs",
            settings.seed, settings.epochs
        ),
        match &settings.checkpoint {
            Some(path) => format!("the checkpoint {}", path.display()),
            None => format!(
                "chapter 6's main model: chapter 5's training, seed {}, {} epochs",
                settings.seed, settings.epochs
            ),
        },
    ];
    let files = export(&two_d.vae, &main.vae, &data.test, &sources, dir)?;
    Ok(files)
}

/// The test vectors: what chapter 4's code computes from the rounded weights.
#[derive(Debug, Serialize)]
pub struct Vectors {
    pub generated_by: String,
    pub weights_sha256: String,
    pub decode: Vec<Decoded>,
    pub encode: Vec<Encoded>,
}

#[derive(Debug, Serialize)]
pub struct Decoded {
    pub model: String,
    pub z: Vec<f32>,
    /// For the 20-d model: the offered digit whose posterior mean `z` is.
    pub digit: Option<usize>,
    pub probabilities: Vec<f32>,
}

#[derive(Debug, Serialize)]
pub struct Encoded {
    pub model: String,
    /// The offered digit (its place in `digits.image`), put on the drawing pad.
    pub digit: usize,
    /// What the encoder sees of it: the digit normalised as MNIST's were ([`pad::seen`]).
    pub seen: Vec<u8>,
    pub mu: Vec<f32>,
    pub sigma: Vec<f32>,
}

// ANCHOR: export
/// Writes `weights.js`, `manifest.json`, `test-vectors.json` and `normalisation.csv` into `dir`
/// from the 2-d model,
/// the main model and the test set; `sources` says where each model came from.
pub fn export(
    two_d: &Vae<f32>,
    main: &Vae<f32>,
    test: &Split,
    sources: &[String; 2],
    dir: &Path,
) -> Result<Vec<PathBuf>> {
    ensure!(two_d.shape().latent == 2, "the plane needs a 2-d model");
    let mut bundle = Builder::default();
    let mut models = BTreeMap::new();
    let mut rounded = Vec::new();
    for ((name, vae), source) in [("latent2", two_d), ("latent20", main)]
        .into_iter()
        .zip(sources)
    {
        let mut copy = vae.clone();
        for (layer, stored) in LAYERS.iter().zip(copy.layers_mut()) {
            add_rounded(&mut bundle, &format!("{name}.{layer}"), stored);
        }
        let shape = vae.shape();
        models.insert(
            name.to_string(),
            ModelInfo {
                input: shape.input,
                hidden: shape.hidden,
                latent: shape.latent,
                source: source.clone(),
            },
        );
        rounded.push(copy);
    }
    let (r2, r20) = (&rounded[0], &rounded[1]);

    // Where the rounded encoder puts the first test digits, for the plane's scatter.
    let n = SCATTER_IMAGES.min(test.len());
    let codes = encode(r2, test.images.slice(s![..n, ..])).mu;
    bundle.add("scatter.mu", &[n, 2], codes.iter().copied());
    bundle.add("scatter.label", &[n], test.labels[..n].iter().copied());
    // The same digits' codes in the 20-d model: the drawing pad names the nearest one's label.
    let codes20 = encode(r20, test.images.slice(s![..n, ..])).mu;
    bundle.add(
        "scatter.mu20",
        &[n, codes20.ncols()],
        codes20.iter().copied(),
    );

    let picked = offered_digits(&test.labels);
    let images = test.images.select(Axis(0), &picked);
    let labels: Vec<u8> = picked.iter().map(|&i| test.labels[i]).collect();
    bundle.add(
        "digits.image",
        &[picked.len(), images.ncols()],
        images.iter().copied(),
    );
    bundle.add("digits.label", &[picked.len()], labels.iter().copied());
    bundle.add(
        "digits.index",
        &[picked.len()],
        picked.iter().map(|&i| i as u32),
    );

    // The test vectors, and how far the rounding moves the decoded pixels at the same points.
    let mut decoded = Vec::new();
    let mut rounding = 0.0f32;
    let points = Array2::from_shape_fn((PLANE_POINTS.len(), 2), |(i, j)| {
        f32::from(PLANE_POINTS[i][j]) / 20.0
    });
    let (p, full) = (decode(r2, points.view()), decode(two_d, points.view()));
    rounding = rounding.max(largest_change(&p, &full));
    for (z, probs) in points.outer_iter().zip(p.outer_iter()) {
        decoded.push(Decoded {
            model: "latent2".into(),
            z: z.to_vec(),
            digit: None,
            probabilities: probs.to_vec(),
        });
    }
    for label in INTERPOLATION_LABELS {
        let k = first_with(&labels, label)?;
        let x = images.slice(s![k..=k, ..]);
        let (mu, mu_full) = (encode(r20, x).mu, encode(main, x).mu);
        let (p, full) = (decode(r20, mu.view()), decode(main, mu_full.view()));
        rounding = rounding.max(largest_change(&p, &full));
        decoded.push(Decoded {
            model: "latent20".into(),
            z: mu.row(0).to_vec(),
            digit: Some(k),
            probabilities: p.row(0).to_vec(),
        });
    }
    let mut encoded = Vec::new();
    for label in ENCODE_LABELS {
        let k = first_with(&labels, label)?;
        let seen = pad::seen(images.row(k).as_slice().context("a standard row")?, true);
        let x = Array2::from_shape_vec((1, seen.len()), seen.clone())?;
        for (name, vae) in [("latent2", r2), ("latent20", r20)] {
            let q = encode(vae, x.view());
            encoded.push(Encoded {
                model: name.into(),
                digit: k,
                seen: seen.clone(),
                mu: q.mu.row(0).to_vec(),
                sigma: q.logvar.row(0).iter().map(|v| (0.5 * v).exp()).collect(),
            });
        }
    }
    // The digits the browser test places, then every held-out test digit (Rust only).
    let mut recognised = Vec::new();
    for count in [pad::MEASURED_IMAGES, usize::MAX] {
        recognised.extend(pad::recognised(
            r20,
            codes20.view(),
            &test.labels[..n],
            test,
            count,
        ));
    }
    let mut table = csv::Writer::from_writer(Vec::new());
    for row in &recognised {
        table.serialize(row)?;
    }
    let table = String::from_utf8(table.into_inner()?)?;

    let (manifest, bytes) = bundle.finish(COMMAND, crate::quantize::DESCRIPTION, rounding, models);
    let vectors = Vectors {
        generated_by: COMMAND.into(),
        weights_sha256: manifest.sha256.clone(),
        decode: decoded,
        encode: encoded,
    };
    crate::bundle::write_files(
        dir,
        vec![
            ("weights.js", crate::bundle::script(&manifest, &bytes)?),
            (
                "manifest.json",
                serde_json::to_string_pretty(&manifest)? + "\n",
            ),
            ("test-vectors.json", serde_json::to_string(&vectors)? + "\n"),
            ("normalisation.csv", table),
        ],
    )
}
// ANCHOR_END: export

/// The first [`DIGITS_PER_LABEL`] test images of each label, by label.
fn offered_digits(labels: &[u8]) -> Vec<usize> {
    let mut picked = Vec::new();
    for label in 0..10u8 {
        picked.extend(
            labels
                .iter()
                .enumerate()
                .filter(|(_, l)| **l == label)
                .map(|(i, _)| i)
                .take(DIGITS_PER_LABEL),
        );
    }
    picked
}

fn first_with(labels: &[u8], label: u8) -> Result<usize> {
    labels
        .iter()
        .position(|&l| l == label)
        .with_context(|| format!("the test set has no digit labelled {label}"))
}
