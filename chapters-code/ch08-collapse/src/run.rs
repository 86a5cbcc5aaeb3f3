//! The whole study: the beta sweep with chapter 7's decoder, then the autoregressive decoder on
//! the plain ELBO and with each remedy; every model trained, scored, drawn, and written to
//! `results.csv` as soon as it is done.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use ch05_training::grid::save_png;
use ch06_experiments::beta::side_by_side;
use ch07_likelihood::binarize::{self, Binarize};
use ch07_likelihood::model::{SHAPE, new_vae};
use ch07_likelihood::progress::{log_run, machine, now_utc};
use image::GrayImage;
use mnist::{DataOptions, DataSet, Dataset};
use ndarray::s;

use crate::autoregressive::Autoregressive;
use crate::evaluate::score;
use crate::figure;
use crate::model::Model;
use crate::options::{Options, Part};
use crate::rate::Recipe;
use crate::results::{self, Row};
use crate::samples;
use crate::train::{Plan, train};

pub const RESULTS: &str = "results.csv";
pub const PLANE: &str = "rate_distortion.png";
pub const SAMPLES_SWEEP: &str = "samples_sweep.png";
pub const SAMPLES_COLLAPSE: &str = "samples_collapse.png";

/// Samples drawn per model.
const SAMPLES: usize = 6;

/// One model of the study: its name, its decoder, its recipe.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSpec {
    pub name: String,
    pub autoregressive: bool,
    pub recipe: Recipe,
}

// ANCHOR: models
/// The models `options` asks for: one per beta of the sweep, with chapter 7's decoder; then
/// the autoregressive decoder on the plain ELBO, with KL warm-up, with free bits, and with
/// beta below 1.
pub fn models(options: &Options) -> Vec<ModelSpec> {
    let mut specs = Vec::new();
    if options.part != Part::Collapse {
        for &b in &options.betas {
            specs.push(ModelSpec {
                name: format!("beta {b}"),
                autoregressive: false,
                recipe: Recipe::Beta(b),
            });
        }
    }
    if options.part != Part::Sweep {
        for (name, recipe) in [
            ("AR, ELBO".to_string(), Recipe::Beta(1.0)),
            (
                format!("AR, warm-up {}", options.warm_up),
                Recipe::WarmUp {
                    passes: options.warm_up,
                },
            ),
            (
                format!("AR, free bits {}", options.free_bits),
                Recipe::FreeBits {
                    lambda: options.free_bits,
                },
            ),
            (
                format!("AR, beta {}", options.low_beta),
                Recipe::Beta(options.low_beta),
            ),
        ] {
            specs.push(ModelSpec {
                name,
                autoregressive: true,
                recipe,
            });
        }
    }
    specs
}
// ANCHOR_END: models

/// MNIST, binarised statically (a pixel is ink when its grey level is above 1/2), cut to the
/// options' numbers of images.
fn load(options: &Options) -> Result<DataSet> {
    let mut data = mnist::load(&DataOptions {
        dataset: Dataset::Mnist,
        data_dir: options.data_dir.clone(),
    })?;
    if options.limit > 0 {
        data.train = data.train.first(options.limit);
    }
    binarize::prepare(&mut data, Binarize::Static);
    Ok(data)
}

fn command_line() -> String {
    let mut args = std::env::args();
    let program = args.next().map_or_else(String::new, |p| {
        Path::new(&p)
            .file_name()
            .map_or(p.clone(), |n| n.to_string_lossy().into_owned())
    });
    std::iter::once(program)
        .chain(args)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs the study as `options` say, printing the table at the end.
pub fn run(options: &Options) -> Result<()> {
    options.check()?;
    let options = &options.effective();
    let out = options
        .out
        .clone()
        .unwrap_or_else(|| support::paths::default_out("ch08-collapse"));
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    let data = load(options)?;
    let start = Instant::now();
    log_run(
        &out,
        &format!(
            "{} started: `{}` on {}, 1 thread",
            now_utc(),
            command_line(),
            machine()
        ),
    )?;
    let (mut rows, mut sweep_pictures, mut collapse_pictures) =
        (Vec::new(), Vec::new(), Vec::new());
    for spec in models(options) {
        let (row, picture) = one_model(&spec, options, &data)?;
        println!(
            "{}: R {:.2}, D {:.2}, log p(x) {:.2}, I {:.2}, active {} ({:.1} s training)",
            row.run,
            row.rate,
            row.distortion,
            row.log_px,
            row.mutual_information,
            row.active_units,
            row.train_seconds
        );
        rows.push(row);
        results::save(&rows, &out.join(RESULTS))?;
        let caption = (picture, spec.name.clone());
        if spec.autoregressive {
            collapse_pictures.push(caption);
        } else {
            sweep_pictures.push(caption);
        }
    }
    figure::plane(&rows, &out.join(PLANE))?;
    for (pictures, name) in [
        (sweep_pictures, SAMPLES_SWEEP),
        (collapse_pictures, SAMPLES_COLLAPSE),
    ] {
        if !pictures.is_empty() {
            save_png(&captioned(&pictures)?, &out.join(name))?;
        }
    }
    let minutes = start.elapsed().as_secs_f64() / 60.0;
    log_run(
        &out,
        &format!("{} finished after {minutes:.1} minutes", now_utc()),
    )?;
    println!("\n{}\n", results::markdown(&rows));
    println!(
        "Binarised MNIST (static), {} passes over {} training images; log p(x), R and D on {} \
         test images (k = {}), I(x; z) and active units on {}; seed {}; {minutes:.1} minutes. \
         Written to {}.",
        options.passes,
        data.train.len(),
        rows.first().map_or(0, |r| r.test_images),
        options.k,
        rows.first().map_or(0, |r| r.mi_images),
        options.seed,
        out.display()
    );
    Ok(())
}

// ANCHOR: one_model
/// Trains, scores and draws the model of `spec`.
fn one_model(spec: &ModelSpec, options: &Options, data: &DataSet) -> Result<(Row, GrayImage)> {
    let vae = new_vae(SHAPE, options.seed, data.train.images.view());
    let autoregressive = spec
        .autoregressive
        .then(|| Autoregressive::zeros(SHAPE.input));
    let mut model = Model {
        vae,
        autoregressive,
    };
    let plan = Plan {
        recipe: spec.recipe,
        passes: options.passes,
        batch_size: options.batch_size,
        lr: options.lr,
        seed: options.seed,
    };
    let records = train(&mut model, data.train.images.view(), &plan)?;
    let seconds = records.iter().map(|r| r.seconds).sum();
    let all = data.test.images.view();
    let n = if options.test_images == 0 {
        all.nrows()
    } else {
        options.test_images.min(all.nrows())
    };
    let wide = if options.mi_images == 0 {
        all.nrows()
    } else {
        options.mi_images.min(all.nrows())
    };
    let (test, wide) = (all.slice(s![..n, ..]), all.slice(s![..wide, ..]));
    let scores = score(&model, test, wide, options.k, options.seed);
    let row = Row::new(
        &spec.name,
        spec.autoregressive,
        &plan,
        data.train.len(),
        test.nrows(),
        &scores,
        seconds,
    );
    Ok((row, samples::row(&model, SAMPLES, options.seed)))
}
// ANCHOR_END: one_model

/// Pictures side by side, each under its caption.
fn captioned(pictures: &[(GrayImage, String)]) -> Result<GrayImage> {
    let gap = 12;
    let images: Vec<GrayImage> = pictures.iter().map(|(p, _)| p.clone()).collect();
    let joined = side_by_side(&images, gap);
    let mut x = 0;
    let mut captions = Vec::new();
    for (p, name) in pictures {
        captions.push((x + p.width() / 2, name.clone()));
        x += p.width() + gap;
    }
    Ok(support::plot::with_captions(&joined, 24, &captions)?)
}
