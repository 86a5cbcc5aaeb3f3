//! The whole study: the beta sweep with chapter 7's decoder, then the autoregressive decoder on
//! the plain ELBO and with each remedy; every model trained, scored, drawn, and written to
//! `results.csv` as soon as it is done.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use anyhow::{Context, Result};
use ch05_training::grid::save_png;
use ch06_experiments::beta::side_by_side;
use ch07_likelihood::active::TRAIN_DRAW_PURPOSE;
use ch07_likelihood::binarize::{self, Binarize, TEST_SEED};
use ch07_likelihood::model::{SHAPE, new_vae};
use ch07_likelihood::progress::{log_run, machine, now_utc};
use image::GrayImage;
use mnist::{DataOptions, DataSet, Dataset};
use ndarray::s;

use crate::autoregressive::Autoregressive;
use crate::evaluate::{Scores, score};
use crate::figure;
use crate::model::Model;
use crate::options::{Options, Part};
use crate::paired::{self, AR_ELBO};
use crate::rate::Recipe;
use crate::results::{self, Row};
use crate::samples;
use crate::train::{PassRecord, Plan, train};
use crate::units::{self, UNITS, Units};

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
/// the autoregressive decoder on the plain ELBO, with KL warm-up, with free bits, with beta
/// below 1, and with a beta so high that its code collapses by force (`--part forced` trains
/// only that one).
pub fn models(options: &Options) -> Vec<ModelSpec> {
    let mut specs = Vec::new();
    if matches!(options.part, Part::All | Part::Sweep) {
        for &b in &options.betas {
            specs.push(ModelSpec {
                name: format!("beta {b}"),
                autoregressive: false,
                recipe: Recipe::Beta(b),
            });
        }
    }
    if matches!(options.part, Part::All | Part::Collapse) {
        for (name, recipe) in [
            (AR_ELBO.to_string(), Recipe::Beta(1.0)),
            (
                format!("AR warm-up {}", options.warm_up),
                Recipe::WarmUp {
                    passes: options.warm_up,
                },
            ),
            (
                format!("AR free bits {}", options.free_bits),
                Recipe::FreeBits {
                    lambda: options.free_bits,
                },
            ),
            (
                format!("AR beta {}", options.low_beta),
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
    if matches!(options.part, Part::All | Part::Collapse | Part::Forced) {
        specs.push(forced(options));
    }
    if options.part == Part::Revive {
        specs.extend(revive(options));
    }
    specs
}
// ANCHOR_END: models

/// Chapter 7's decoder with the remedies, to see whether they keep its units in use and at
/// what price in log p(x) (`--part revive`; its ELBO is the sweep's `beta 1`).
fn revive(options: &Options) -> Vec<ModelSpec> {
    vec![
        ModelSpec {
            name: format!("warm-up {}", options.warm_up),
            autoregressive: false,
            recipe: Recipe::WarmUp {
                passes: options.warm_up,
            },
        },
        ModelSpec {
            name: format!("free bits {}", options.free_bits),
            autoregressive: false,
            recipe: Recipe::FreeBits {
                lambda: options.free_bits,
            },
        },
    ]
}

/// The autoregressive decoder with its code priced out of use: a KL weight so high that the
/// encoder's best answer is the prior, and the model is, in effect, the masked layer alone. Its
/// log p(x) is what the plain ELBO would have had by collapsing.
fn forced(options: &Options) -> ModelSpec {
    ModelSpec {
        name: format!("AR beta {} (collapse forced)", options.high_beta),
        autoregressive: true,
        recipe: Recipe::Beta(options.high_beta),
    }
}

// ANCHOR: load
/// MNIST binarised once and for all by drawing each pixel as ink with probability equal to its
/// grey level, the kind of fixed binary data set Larochelle & Murray (2011) scored their fully
/// visible models on: the test images as chapter 7 draws them, the training images from
/// chapter 7's stream for one such draw; then cut to `--limit` training images.
pub fn load(options: &Options) -> Result<DataSet> {
    let mut data = mnist::load(&DataOptions {
        dataset: Dataset::Mnist,
        data_dir: options.data_dir.clone(),
    })?;
    binarize::prepare(&mut data, Binarize::Dynamic);
    let mut rng = support::seeds::stream(TEST_SEED, TRAIN_DRAW_PURPOSE, 0, *b"binarize");
    binarize::draw_bytes(&mut data.train.images, &mut rng);
    if options.limit > 0 {
        data.train = data.train.first(options.limit);
    }
    Ok(data)
}
// ANCHOR_END: load

/// Runs the study as `options` say, printing the table at the end.
pub fn run(options: &Options) -> Result<()> {
    options.check()?;
    let options = &options.effective();
    let out = options
        .out
        .clone()
        .unwrap_or_else(|| support::paths::default_out("ch08-collapse"));
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    if let Some(dir) = &options.curves {
        return curves(options, dir);
    }
    if !options.paired.is_empty() {
        let (differences, _) = paired::compare(&options.paired, &out)?;
        println!("{}", paired::markdown(&differences));
        println!(
            "\nPaired standard errors over the test images; {} and {} written to {}.",
            paired::PAIRED,
            paired::ACTIVE,
            out.display()
        );
        return Ok(());
    }
    if !options.plot.is_empty() {
        let mut rows = Vec::new();
        for path in &options.plot {
            rows.extend(results::load(path)?);
        }
        return figure::plane(&rows, &out.join(PLANE));
    }
    let data = load(options)?;
    let start = Instant::now();
    log_run(
        &out,
        &format!(
            "{} started: `{}` on {}, {} at a time, one thread each",
            now_utc(),
            support::command::command_line(),
            machine(),
            if options.threads == 1 {
                "one model".to_string()
            } else {
                format!("{} models", options.threads)
            }
        ),
    )?;
    let specs = models(options);
    // Each model trains on one thread; `--threads` of them at once, in the order of `specs`.
    // A model's numbers do not depend on which thread trained it or when.
    let mut done: Vec<Option<(Row, GrayImage)>> = vec![None; specs.len()];
    let mut all_units: Vec<Option<Units>> = vec![None; specs.len()];
    let (next, data) = (AtomicUsize::new(0), &data);
    std::thread::scope(|scope| -> Result<()> {
        let (sender, finished) = mpsc::channel();
        for _ in 0..options.threads.min(specs.len()) {
            let (sender, next, specs) = (sender.clone(), &next, &specs);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(spec) = specs.get(i) else { break };
                    let outcome = one_model(spec, options, data);
                    let failed = outcome.is_err();
                    if sender.send((i, outcome)).is_err() || failed {
                        break;
                    }
                }
            });
        }
        drop(sender);
        for (i, outcome) in finished {
            let spec = &specs[i];
            let (row, scores, picture, records) = match outcome {
                Ok(outcome) => outcome,
                Err(e) => {
                    // No thread takes another model; the ones under way finish first.
                    next.store(specs.len(), Ordering::Relaxed);
                    return Err(e);
                }
            };
            ch07_likelihood::per_image::save(
                &scores.per_image,
                &out.join(per_image_file(&spec.name)),
            )?;
            all_units[i] = Some(Units {
                run: spec.name.clone(),
                variances: scores.unit_variances,
            });
            let units: Vec<Units> = all_units.iter().flatten().cloned().collect();
            units::save(&units, &out.join(UNITS))?;
            save_progress(
                &records,
                &out.join(format!("progress-{}.csv", slug(&spec.name))),
            )?;
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
            done[i] = Some((row, picture));
            let rows: Vec<Row> = done.iter().flatten().map(|(r, _)| r.clone()).collect();
            results::save(&rows, &out.join(RESULTS))?;
        }
        Ok(())
    })?;
    let (mut rows, mut sweep_pictures, mut collapse_pictures) =
        (Vec::new(), Vec::new(), Vec::new());
    for (spec, outcome) in specs.iter().zip(done) {
        let (row, picture) = outcome.expect("every model reported");
        rows.push(row);
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
        "MNIST binarised once (stochastically), {} passes over {} training images; log p(x), R and D on {} \
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
fn one_model(
    spec: &ModelSpec,
    options: &Options,
    data: &DataSet,
) -> Result<(Row, Scores, GrayImage, Vec<PassRecord>)> {
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
    let picture = samples::row(&model, SAMPLES, options.seed);
    Ok((row, scores, picture, records))
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

/// The file holding each test image's scores of the model named `name`.
pub fn per_image_file(name: &str) -> String {
    format!("per_image-{}.csv", slug(name))
}

/// A model's name as a file name: `AR free bits 0.25` becomes `ar-free-bits-0-25`.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

pub const CURVES: &str = "rate_by_pass.png";

/// Reads the progress file of each autoregressive model of `options` from `dir`, and draws
/// their rates by pass.
fn curves(options: &Options, dir: &Path) -> Result<()> {
    let mut all = Vec::new();
    let collapse = Options {
        part: Part::Collapse,
        ..options.clone()
    };
    for spec in models(&collapse) {
        let path = dir.join(format!("progress-{}.csv", slug(&spec.name)));
        let rows: Vec<figure::PassRow> = support::table::read(&path, PROGRESS_HEADER)?;
        all.push((spec.name, rows));
    }
    figure::rate_curves(&all, &dir.join(CURVES))
}

pub const PROGRESS_HEADER: &str = "pass,distortion,rate,seconds";

/// Each pass's training averages (nats per image, over the pass's batches as they were
/// trained), written atomically.
fn save_progress(records: &[PassRecord], path: &Path) -> Result<()> {
    let mut text = format!("{PROGRESS_HEADER}\n");
    for r in records {
        text.push_str(&format!(
            "{},{:.4},{:.4},{:.2}\n",
            r.pass, r.distortion, r.rate, r.seconds
        ));
    }
    support::atomic::write_atomic(path, text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}
