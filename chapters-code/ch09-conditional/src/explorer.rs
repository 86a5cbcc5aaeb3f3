//! `--export-explorer`: the chapter's models in the book's explorer. The label-conditioned
//! VAE's decoder (digits on demand, its 2-d style plane) and, for the task with the left half
//! given, the baseline and the CVAE's prior and generation networks (completions of the
//! drawing's covered right half), rounded to 8 bits a weight as chapter 6's explorer data is,
//! written into `book/media/explorer/` as `conditional.js` and `conditional-manifest.json`,
//! with `conditional-vectors.json`: what chapter 4's layers compute from the rounded weights,
//! which the browser test compares with the page.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Result, ensure};
use ch04_model::bernoulli::probabilities;
use ch04_model::dense::Dense;
use ch06_experiments::bundle::{Builder, CONDITIONAL_GLOBAL, ModelInfo, script_for, write_files};
use ch06_experiments::quantize::{self, add_rounded, largest_change};
use mnist::{Split, unit_pixels};
use ndarray::{Array2, ArrayView2, s};
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

use crate::baseline::Baseline;
use crate::benchmark::{Task, Trained, baseline_guess, cvae_inputs};
use crate::cvae::Cvae;
use crate::labelled::LabelledVae;
use crate::options::Options;
use crate::quadrants::{Given, filled_in};
use crate::run::{load_data, train_labelled, train_task};

/// The command the files name, with the epochs of the page's committed run.
pub const COMMAND: &str = "cargo run -p ch09-conditional -- --export-explorer \
                           --baseline-epochs 10 --cvae-epochs 20 --labelled-epochs 10";

/// The task of the explorer's completions: the left half given, the right half covered.
pub const GIVEN: usize = 2;
/// Completions the page draws at a time.
pub const COMPLETIONS: usize = 6;
/// Test images whose completions (with fixed draws) are test vectors.
pub const VECTOR_DIGITS: [usize; 2] = [0, 3];
/// Points of the style plane decoded as test vectors, each for the labels of `STYLE_LABELS`.
pub const STYLE_POINTS: [[f32; 2]; 3] = [[0.0, 0.0], [-1.5, 1.0], [2.25, -2.5]];
pub const STYLE_LABELS: [u8; 2] = [2, 7];

/// The labelled decoder's points and pixel probabilities.
#[derive(Debug, Serialize, Deserialize)]
pub struct Styled {
    pub z: Vec<f32>,
    pub label: u8,
    pub probabilities: Vec<f32>,
}

/// A test digit put on the pad, the draws `eps` (one row per completion), and what the
/// rounded networks make of its left half: the baseline's completion and the CVAE's, each
/// with the given pixels pasted back.
#[derive(Debug, Serialize, Deserialize)]
pub struct Completed {
    pub test_image: usize,
    pub image: Vec<u8>,
    pub eps: Vec<Vec<f32>>,
    pub baseline: Vec<f32>,
    pub completions: Vec<Vec<f32>>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Vectors {
    pub generated_by: String,
    pub weights_sha256: String,
    pub given: usize,
    pub styled: Vec<Styled>,
    pub completed: Vec<Completed>,
}

/// Trains the first seed's label-conditioned VAE and the left-half task's networks with the
/// options' epochs, as the benchmark does, and exports them into `dir`.
pub fn run(options: &Options, dir: &Path) -> Result<Vec<PathBuf>> {
    options.validate()?;
    ensure!(
        options.labelled_latent == 2,
        "the explorer's style plane needs --labelled-latent 2, not {}",
        options.labelled_latent
    );
    let data = load_data(options)?;
    let seed = options.seeds[0];
    let (labelled, _) = train_labelled(options, &data);
    let task = Task::quadrants(Given::new(GIVEN).expect("2 quadrants"));
    let (trained, _, _) = train_task(options, &data, &task, seed);
    let sources = [
        format!(
            "chapter 9's label-conditioned VAE: seed {seed}, {} epochs",
            options.labelled_epochs
        ),
        format!(
            "chapter 9's baseline and CVAE for the left half given: seed {seed}, {} and {} epochs",
            options.baseline_epochs, options.cvae_epochs
        ),
    ];
    export(&labelled, &trained, &data.test, &sources, seed, dir)
}

/// Adds each named layer, rounded, to the bundle, and rounds it in place.
fn add_all(bundle: &mut Builder, layers: Vec<(String, &mut Dense<f32>)>) {
    for (name, layer) in layers {
        add_rounded(bundle, &name, layer);
    }
}

/// `prefix.hidden.K` for each hidden layer, then the named last layers.
fn named<'a>(
    prefix: &str,
    hidden: &'a mut [Dense<f32>],
    last: Vec<(&str, &'a mut Dense<f32>)>,
) -> Vec<(String, &'a mut Dense<f32>)> {
    let mut out: Vec<(String, &'a mut Dense<f32>)> = hidden
        .iter_mut()
        .enumerate()
        .map(|(k, l)| (format!("{prefix}.hidden.{k}"), l))
        .collect();
    out.extend(last.into_iter().map(|(n, l)| (format!("{prefix}.{n}"), l)));
    out
}

// ANCHOR: complete
/// The baseline's completion of each image's hidden pixels (`mask` 1) and the CVAE's, one per
/// row of `eps`: `z = mu_p + sigma_p * eps` from the prior network, the given pixels pasted
/// back over each.
pub fn complete(
    baseline: &Baseline<f32>,
    cvae: &Cvae<f32>,
    image: ArrayView2<f32>,
    mask: &[f32],
    eps: ArrayView2<f32>,
) -> (Array2<f32>, Array2<f32>) {
    let n = eps.nrows();
    let images = image
        .broadcast((n, image.ncols()))
        .expect("one image")
        .to_owned();
    let mut ws = baseline.workspace(n);
    let (x, prior_input) = cvae_inputs(baseline, &images.view(), mask, &mut ws);
    let guess = baseline_guess(baseline, &x.view(), &mut ws);
    let mut cws = cvae.workspace(n);
    cvae.prior(&prior_input, &mut cws);
    cws.eps.slice_mut(s![..n, ..]).assign(&eps);
    ch03_reparameterization::reparam::reparameterize(
        &cws.mu_p.slice(s![..n, ..]),
        &cws.logvar_p.slice(s![..n, ..]),
        &cws.eps.slice(s![..n, ..]),
        &mut cws.z.slice_mut(s![..n, ..]),
    );
    cvae.generate(n, &mut cws);
    let mut probs = Array2::zeros((n, mask.len()));
    probabilities(&cws.logits.slice(s![..n, ..]), &mut probs);
    let paste = |p: &Array2<f32>| filled_in(&x, &p.view(), mask);
    (paste(&guess).slice(s![..1, ..]).to_owned(), paste(&probs))
}
// ANCHOR_END: complete

/// Writes `conditional.js`, `conditional-manifest.json` and `conditional-vectors.json` into
/// `dir`; `sources` says where each model came from.
pub fn export(
    labelled: &LabelledVae<f32>,
    trained: &Trained,
    test: &Split,
    sources: &[String; 2],
    seed: u64,
    dir: &Path,
) -> Result<Vec<PathBuf>> {
    let (_, hidden, latent) = labelled.sizes();
    ensure!(latent == 2, "the style plane needs a 2-d code");
    let mut bundle = Builder::default();
    let mut rounded_labelled = labelled.clone();
    let d = &mut rounded_labelled.decoder;
    add_all(
        &mut bundle,
        named(
            "labelled.decoder",
            &mut d.hidden,
            vec![("output", &mut d.output)],
        ),
    );
    let (mut baseline, mut cvae) = (trained.baseline.clone(), trained.cvae.clone());
    let b = &mut baseline.net;
    add_all(
        &mut bundle,
        named(
            "cvae.baseline",
            &mut b.hidden,
            vec![("output", &mut b.output)],
        ),
    );
    let p = &mut cvae.prior;
    add_all(
        &mut bundle,
        named(
            "cvae.prior",
            &mut p.hidden,
            vec![("mu", &mut p.mu), ("logvar", &mut p.logvar)],
        ),
    );
    let g = &mut cvae.generation;
    add_all(
        &mut bundle,
        named(
            "cvae.generation",
            &mut g.hidden,
            vec![("output", &mut g.output)],
        ),
    );

    // Which pixels the page covers and completes: 1 for those to predict, as the task scores.
    let mask = &trained.task.mask[..];
    bundle.add("cvae.scored", &[mask.len()], mask.iter().map(|&m| m as u8));

    let mut rounding = 0.0f32;
    let mut styled = Vec::new();
    for label in STYLE_LABELS {
        let z = Array2::from_shape_fn((STYLE_POINTS.len(), 2), |(i, j)| STYLE_POINTS[i][j]);
        let labels = vec![label; z.nrows()];
        let (p, full) = (
            rounded_labelled.generate(&z, &labels),
            labelled.generate(&z, &labels),
        );
        rounding = rounding.max(largest_change(&p, &full));
        for (z, p) in z.outer_iter().zip(p.outer_iter()) {
            styled.push(Styled {
                z: z.to_vec(),
                label,
                probabilities: p.to_vec(),
            });
        }
    }
    let shape = trained.cvae.shape();
    let mut rng = support::seeds::stream(seed, 1, 0, *b"ch09expl");
    let mut completed = Vec::new();
    for &k in &VECTOR_DIGITS {
        ensure!(k < test.len(), "the test set has no image {k}");
        let image = unit_pixels(test.images.slice(s![k..=k, ..]));
        let eps = Array2::<f32>::from_shape_simple_fn((COMPLETIONS, shape.latent), || {
            StandardNormal.sample(&mut rng)
        });
        let (guess, drawn) = complete(&baseline, &cvae, image.view(), mask, eps.view());
        let (guess_full, drawn_full) = complete(
            &trained.baseline,
            &trained.cvae,
            image.view(),
            mask,
            eps.view(),
        );
        rounding = rounding
            .max(largest_change(&guess, &guess_full))
            .max(largest_change(&drawn, &drawn_full));
        completed.push(Completed {
            test_image: k,
            image: test.images.row(k).to_vec(),
            eps: eps.outer_iter().map(|r| r.to_vec()).collect(),
            baseline: guess.row(0).to_vec(),
            completions: drawn.outer_iter().map(|r| r.to_vec()).collect(),
        });
    }

    let mut models = BTreeMap::new();
    models.insert(
        "labelled".to_string(),
        ModelInfo {
            input: labelled.sizes().0,
            hidden,
            latent,
            source: sources[0].clone(),
        },
    );
    models.insert(
        "cvae".to_string(),
        ModelInfo {
            input: shape.pixels,
            hidden: shape.hidden,
            latent: shape.latent,
            source: sources[1].clone(),
        },
    );
    let (manifest, bytes) = bundle.finish(COMMAND, quantize::DESCRIPTION, rounding, models);
    let vectors = Vectors {
        generated_by: COMMAND.into(),
        weights_sha256: manifest.sha256.clone(),
        given: GIVEN,
        styled,
        completed,
    };
    write_files(
        dir,
        vec![
            (
                "conditional.js",
                script_for(CONDITIONAL_GLOBAL, &manifest, &bytes)?,
            ),
            (
                "conditional-manifest.json",
                serde_json::to_string_pretty(&manifest)? + "\n",
            ),
            (
                "conditional-vectors.json",
                serde_json::to_string(&vectors)? + "\n",
            ),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use crate::cvae::CvaeShape;

    #[test]
    fn a_completion_keeps_the_given_half_and_follows_its_draws() {
        let mut rng = StdRng::seed_from_u64(5);
        let shape = CvaeShape {
            pixels: 784,
            inputs: 784,
            hidden: 8,
            latent: 3,
            depth: 2,
        };
        let baseline = Baseline::new(784, 8, 2, &mut rng);
        let cvae = Cvae::new(shape, &mut rng);
        let mask = Given::new(GIVEN).unwrap().scored_mask::<f32>();
        let image = Array2::from_shape_fn((1, 784), |(_, i)| (i % 7) as f32 / 7.0);
        let eps = Array2::from_shape_fn((3, 3), |(i, j)| (i as f32 - 1.0) * (j as f32 + 0.5));
        let (guess, drawn) = complete(&baseline, &cvae, image.view(), &mask, eps.view());
        assert_eq!((guess.dim(), drawn.dim()), ((1, 784), (3, 784)));
        for (i, &m) in mask.iter().enumerate() {
            if m == 0.0 {
                assert_eq!(guess[[0, i]], image[[0, i]]);
                assert!(drawn.column(i).iter().all(|&p| p == image[[0, i]]));
            }
        }
        // Different draws, different completions; the same draw, the same completion.
        assert_ne!(drawn.row(0), drawn.row(2));
        let (_, again) = complete(
            &baseline,
            &cvae,
            image.view(),
            &mask,
            eps.slice(s![2.., ..]),
        );
        assert_eq!(again.row(0), drawn.row(2));
    }
}
