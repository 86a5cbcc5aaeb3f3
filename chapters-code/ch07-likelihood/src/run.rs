//! The binary's seven jobs: the quick comparison (the default), the full run, the evaluation of
//! a saved model, its gaps, its active units, the bias of its importance-sampled log p(x), and
//! the comparison of full runs that differ in their seed. Each writes its results into `--out` as well as printing them.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use ch04_model::vae::Vae;
use ch06_experiments::likelihood;
use mnist::{DataOptions, DataSet, Dataset};
use ndarray::{ArrayView2, s};
use support::atomic::write_atomic;

use crate::active;
use crate::ais::AisSettings;
use crate::bias::{self, BiasSettings};
use crate::binarize;
use crate::evaluate::{self, Evaluation};
use crate::gaps::{self, GapSettings};
use crate::kcurve;
use crate::model::SHAPE;
use crate::options::Options;
use crate::per_image;
use crate::progress::{self, PROGRESS};
use crate::report::{self, Row};
use crate::schedule::Schedule;
use crate::seeds;
use crate::train::{self, RunSpec, Session};

/// The file names written into `--out`.
pub const QUICK: &str = "quick.csv";
pub const QUICK_KCURVE: &str = "quick_kcurve.csv";
pub const QUICK_KCURVE_CHART: &str = "quick_kcurve.png";
pub const EVALUATION: &str = "evaluation.csv";
/// The full model's K-curve, from the evaluation's draws.
pub const KCURVE: &str = "kcurve.csv";
pub const GAPS: &str = "gaps.csv";
pub const BIAS: &str = "bias.csv";
pub const BIAS_CHART: &str = "bias.png";
/// The columns of gaps.csv: one row per quantity, a mean with its standard error.
pub const GAPS_HEADER: &str = "quantity,mean,standard_error,images,passes,k";
/// The gaps again with AIS's log p(x), and how far above importance sampling's it lies.
pub const GAPS_AIS: &str = "gaps_ais.csv";
pub const GAPS_AIS_HEADER: &str =
    "quantity,mean,standard_error,images,passes,steps,chains,leapfrog,acceptance";

/// The quick run trains on this many training images unless --limit says otherwise.
pub const QUICK_TRAIN_IMAGES: usize = 10_000;
/// The quick run scores this many test images, with this many importance samples, unless told.
pub const QUICK_TEST_IMAGES: usize = 1000;
pub const QUICK_K: usize = 1000;
/// The paper's evaluation.
pub const PAPER_K: usize = 5000;

/// Runs the job `options` ask for.
pub fn run(options: &Options) -> Result<()> {
    options.validate()?;
    std::fs::create_dir_all(&options.out)
        .with_context(|| format!("--out {}: cannot create the folder", options.out.display()))?;
    let command = support::command::command_line();
    if let Some(path) = &options.evaluate {
        return evaluate_checkpoint(options, path);
    }
    if let Some(path) = &options.gaps {
        return gaps_of_checkpoint(options, path);
    }
    if let Some(path) = &options.active_units {
        return active_units_of_checkpoint(options, path);
    }
    if let Some(path) = &options.ais {
        return bias_of_checkpoint(options, path);
    }
    if !options.compare.is_empty() {
        return compare_seeds(options);
    }
    match options.schedule {
        Schedule::Quick => {
            let options = Options {
                limit: Some(options.limit.unwrap_or(QUICK_TRAIN_IMAGES)),
                ..options.clone()
            };
            quick(&options, &load(&options)?, &command)
        }
        Schedule::Full => full(options, &load(options)?, &command),
    }
}

/// MNIST, cut to --limit, binarized as --binarize says.
fn load(options: &Options) -> Result<DataSet> {
    let mut data = mnist::load(&DataOptions {
        dataset: Dataset::Mnist,
        data_dir: options.data_dir.clone(),
    })?;
    if let Some(n) = options.limit {
        data.train = data.train.first(n);
    }
    binarize::prepare(&mut data, options.binarize);
    Ok(data)
}

fn spec(options: &Options, schedule: Schedule, k: usize) -> RunSpec {
    RunSpec {
        shape: SHAPE,
        schedule,
        k,
        batch_size: options.batch_size,
        seed: options.seed,
        binarize: options.binarize,
        limit: options.limit,
        threads: options.threads,
    }
}

/// The first `n` test images (all of them when `n` is `None`).
fn test_images(data: &DataSet, n: Option<usize>) -> ndarray::ArrayView2<'_, u8> {
    let n = n.unwrap_or(data.test.len()).min(data.test.len());
    data.test.images.slice(s![..n, ..])
}

// ANCHOR: quick
/// The paper's comparison on the quick schedule: the same network trained on the ELBO
/// (k = 1) and on the IWAE bound with k = 5, from the same initial weights, evaluated alike.
fn quick(options: &Options, data: &DataSet, command: &str) -> Result<()> {
    let k_eval = options.k.unwrap_or(QUICK_K);
    let test = test_images(data, Some(options.test_images.unwrap_or(QUICK_TEST_IMAGES)));
    let ks = kcurve::ks_up_to(k_eval);
    let (mut rows, mut models) = (Vec::new(), Vec::new());
    for (model, k) in [("vae-k1", 1), ("iwae-k5", 5)] {
        let spec = spec(options, Schedule::Quick, k);
        println!(
            "training {model}: {} passes of the quick schedule on {} images, batch {}, k = {k}",
            Schedule::Quick.passes(),
            data.train.len(),
            spec.batch_size
        );
        let start = Instant::now();
        let out = options.out.join(model);
        std::fs::create_dir_all(&out)
            .with_context(|| format!("cannot create the folder {}", out.display()))?;
        let session = Session {
            resume: false,
            checkpoint_every: options.checkpoint_every,
            stop_after: None,
            command,
        };
        let (trainer, _) = train::train(&spec, data, &out, &session)?;
        let seconds = start.elapsed().as_secs_f64();
        // One pass of importance sampling serves the evaluation at k_eval and the K-curve below.
        let results = likelihood::per_image(&trainer.vae, test, &ks, options.seed);
        let evaluation = evaluate::from_results(&trainer.vae, test, &results, &ks, k_eval);
        println!("{model}: {}", evaluation.line());
        rows.push(Row {
            model: model.to_string(),
            train_k: k,
            passes: Schedule::Quick.passes(),
            seconds,
            evaluation,
        });
        models.push((model, results));
    }
    println!("\n{}", report::markdown(&rows));
    let path = options.out.join(QUICK);
    report::save(&rows, &path)?;
    println!("wrote {}", path.display());
    // The evaluation's draws averaged in nested groups: how each estimate grows with K, and the
    // difference of the two models at each K with its paired standard error.
    let (a, b) = (&models[0], &models[1]);
    let points = kcurve::measure((a.0, &a.1), (b.0, &b.1), &ks);
    println!("\n{}", kcurve::markdown(&points));
    let path = options.out.join(QUICK_KCURVE);
    kcurve::save(&points, &path)?;
    let picture = options.out.join(QUICK_KCURVE_CHART);
    kcurve::save_chart(&points, &picture)?;
    println!("wrote {} and {}", path.display(), picture.display());
    Ok(())
}
// ANCHOR_END: quick

/// The paper's schedule, 3,280 passes, then the paper's evaluation.
fn full(options: &Options, data: &DataSet, command: &str) -> Result<()> {
    let spec = spec(options, Schedule::Full, options.train_k);
    let session = Session {
        resume: options.resume,
        checkpoint_every: options.checkpoint_every,
        stop_after: options.stop_after,
        command,
    };
    let (trainer, passes) = train::train(&spec, data, &options.out, &session)?;
    if passes < Schedule::Full.passes() {
        println!(
            "stopped after pass {passes} of {}: continue with the same options and --resume",
            Schedule::Full.passes()
        );
        return Ok(());
    }
    let model = format!("{}-k{}", if spec.k == 1 { "vae" } else { "iwae" }, spec.k);
    let evaluation = score(
        &trainer.vae,
        test_images(data, options.test_images),
        options,
        &model,
    )?;
    // A resumed run's own clock saw only its last part: every pass's seconds are in progress.csv.
    let rows = progress::earlier(&options.out.join(PROGRESS), passes)?;
    let row = Row {
        model,
        train_k: spec.k,
        passes: Schedule::Full.passes(),
        seconds: rows.iter().map(|r| r.seconds).sum(),
        evaluation,
    };
    let path = options.out.join(EVALUATION);
    report::save(&[row], &path)?;
    println!("wrote {}", path.display());
    Ok(())
}

/// The paper's evaluation with `--k` draws (5,000 unless told), printed; the same draws give
/// the K-curve, saved with every image's own scores into `--out`.
fn score(
    vae: &Vae<f32>,
    images: ArrayView2<u8>,
    options: &Options,
    model: &str,
) -> Result<Evaluation> {
    let k = options.k.unwrap_or(PAPER_K);
    let ks = kcurve::ks_up_to(k);
    let results = likelihood::per_image(vae, images, &ks, options.seed);
    let evaluation = evaluate::from_results(vae, images, &results, &ks, k);
    println!("{}\n{}", evaluation.line(), evaluation.details_line());
    let curve = kcurve::curve(model, &results, &ks);
    println!("\n{}", kcurve::markdown(&curve));
    let (curve_path, scores_path) = (
        options.out.join(KCURVE),
        options.out.join(per_image::PER_IMAGE),
    );
    kcurve::save(&curve, &curve_path)?;
    // ks_up_to puts k last.
    per_image::save(&per_image::scores(&results, ks.len() - 1), &scores_path)?;
    println!(
        "wrote {} and {}",
        curve_path.display(),
        scores_path.display()
    );
    Ok(evaluation)
}

/// `--evaluate PATH`: the paper's evaluation of a saved model.
fn evaluate_checkpoint(options: &Options, path: &Path) -> Result<()> {
    let (vae, checkpoint) = evaluate::load(path, SHAPE)?;
    let data = load_test(options)?;
    let evaluation = score(
        &vae,
        test_images(&data, options.test_images),
        options,
        "model",
    )?;
    let row = Row {
        model: path.display().to_string().replace(',', "_"),
        train_k: checkpoint.settings.k,
        passes: checkpoint.epoch,
        seconds: 0.0,
        evaluation,
    };
    let out = options.out.join(EVALUATION);
    report::save(&[row], &out)?;
    println!("wrote {}", out.display());
    Ok(())
}

/// Only the test set matters to an evaluation, binarized the way the model was trained.
fn load_test(options: &Options) -> Result<DataSet> {
    let mut data = mnist::load(&DataOptions {
        dataset: Dataset::Mnist,
        data_dir: options.data_dir.clone(),
    })?;
    binarize::prepare(&mut data, options.binarize);
    Ok(data)
}

// ANCHOR: gaps
/// `--gaps PATH`: the inference gap of a saved model split into its two parts.
fn gaps_of_checkpoint(options: &Options, path: &Path) -> Result<()> {
    let (vae, checkpoint) = evaluate::load(path, SHAPE)?;
    let data = load_test(options)?;
    let images = test_images(&data, Some(options.gap_images));
    let settings = GapSettings {
        k: options.k.unwrap_or(PAPER_K),
        seed: options.seed,
        steps: options.gap_steps,
        ais: Some(AisSettings {
            steps: options.ais_steps,
            ..AisSettings::default()
        }),
        ..GapSettings::default()
    };
    println!(
        "optimising a Gaussian for each of {} test images ({} Adam steps of {} draws), then \
         scoring with k = {}",
        images.nrows(),
        settings.steps,
        settings.samples,
        settings.k
    );
    let (g, per_image) = gaps::measure(&vae, images, &settings);
    gaps::save_per_image(&per_image, &options.out.join(gaps::GAPS_PER_IMAGE))?;
    let mut text = format!("{GAPS_HEADER}\n");
    for (name, s) in [
        ("log_px", g.log_px),
        ("elbo_encoder", g.elbo_encoder),
        ("elbo_optimal", g.elbo_optimal),
        ("inference_gap", g.inference),
        ("approximation_gap", g.approximation),
        ("amortization_gap", g.amortization),
    ] {
        println!("{name:>18}: {:8.2} ± {:.2} nats", s.mean, s.standard_error);
        writeln!(
            text,
            "{name},{:.4},{:.4},{},{},{}",
            s.mean, s.standard_error, s.count, checkpoint.epoch, settings.k
        )
        .expect("writing to a String cannot fail");
    }
    let out = options.out.join(GAPS);
    write_atomic(&out, text.as_bytes())
        .with_context(|| format!("cannot write {}", out.display()))?;
    println!("wrote {}", out.display());
    if let (Some(a), Some(ais)) = (&g.ais, settings.ais) {
        let mut text = format!("{GAPS_AIS_HEADER}\n");
        println!(
            "with AIS ({} steps, {} chains, {} leapfrog steps; acceptance {:.3}):",
            ais.steps, ais.chains, ais.leapfrog, a.acceptance
        );
        for (name, s) in [
            ("log_px_ais", a.log_px),
            ("inference_gap", a.inference),
            ("approximation_gap", a.approximation),
            ("ais_minus_importance", a.above_importance),
        ] {
            println!("{name:>20}: {:8.2} ± {:.2} nats", s.mean, s.standard_error);
            writeln!(
                text,
                "{name},{:.4},{:.4},{},{},{},{},{},{:.3}",
                s.mean,
                s.standard_error,
                s.count,
                checkpoint.epoch,
                ais.steps,
                ais.chains,
                ais.leapfrog,
                a.acceptance
            )
            .expect("writing to a String cannot fail");
        }
        let out = options.out.join(GAPS_AIS);
        write_atomic(&out, text.as_bytes())
            .with_context(|| format!("cannot write {}", out.display()))?;
        println!("wrote {}", out.display());
    }
    Ok(())
}
// ANCHOR_END: gaps

// ANCHOR: active
/// `--active-units PATH`: the active units of a saved model at each of [`active::THRESHOLDS`]
/// on each of [`active::image_sets`], and every unit's variance, sorted.
fn active_units_of_checkpoint(options: &Options, path: &Path) -> Result<()> {
    let (vae, checkpoint) = evaluate::load(path, SHAPE)?;
    let raw = mnist::load(&DataOptions {
        dataset: Dataset::Mnist,
        data_dir: options.data_dir.clone(),
    })?;
    let all: Vec<_> = active::image_sets(&raw, options.binarize)
        .iter()
        .map(|set| active::measure(&vae, set.name, set.images.view()))
        .collect();
    println!(
        "active units of the model after pass {} (a unit is active when the variance of its \
         posterior mean over the images exceeds the threshold):\n",
        checkpoint.epoch
    );
    println!("{}\n", active::markdown(&all, &active::THRESHOLDS));
    for v in &all {
        println!("{}: unit:variance, largest first", v.name);
        for line in v.sorted_lines() {
            println!("  {line}");
        }
    }
    active::save(&all, &active::THRESHOLDS, &options.out)?;
    println!(
        "wrote {} and {}",
        options.out.join(active::ACTIVE).display(),
        options.out.join(active::VARIANCES).display()
    );
    Ok(())
}
// ANCHOR_END: active

// ANCHOR: bias
/// `--ais PATH`: the K-curve of the importance-sampled log p(x) beside annealed importance
/// sampling, on test digits and on digits simulated from the model.
fn bias_of_checkpoint(options: &Options, path: &Path) -> Result<()> {
    let (vae, checkpoint) = evaluate::load(path, SHAPE)?;
    let data = load_test(options)?;
    let steps = options.ais_steps;
    let settings = BiasSettings {
        images: options.ais_images,
        ks: bias::KS.to_vec(),
        steps: if steps >= 10 {
            vec![steps / 10, steps]
        } else {
            vec![steps]
        },
        ais: AisSettings::default(),
        seed: options.seed,
    };
    println!(
        "model after pass {}: importance sampling with K up to {} and AIS with {:?} steps \
         ({} chains, {} leapfrog steps each) on {} test and {} simulated images",
        checkpoint.epoch,
        bias::KS[bias::KS.len() - 1],
        settings.steps,
        settings.ais.chains,
        settings.ais.leapfrog,
        settings.images,
        settings.images
    );
    let start = Instant::now();
    let rows = bias::measure(&vae, data.test.images.view(), &settings);
    println!("\n{}", bias::markdown(&rows));
    println!("{:.0} seconds", start.elapsed().as_secs_f64());
    let out = options.out.join(BIAS);
    bias::save(&rows, &out)?;
    let picture = options.out.join(BIAS_CHART);
    bias::save_chart(&rows, &picture)?;
    println!("wrote {} and {}", out.display(), picture.display());
    Ok(())
}
// ANCHOR_END: bias

// ANCHOR: compare_seeds
/// `--compare RUN RUN...`: finished full runs of one recipe with different seeds, side by side.
fn compare_seeds(options: &Options) -> Result<()> {
    let runs = options
        .compare
        .iter()
        .map(|dir| seeds::load_run(dir))
        .collect::<Result<Vec<_>>>()?;
    let lines = seeds::compare(&runs)?;
    println!("{}", seeds::markdown(&lines));
    let out = options.out.join(seeds::SEEDS);
    seeds::save(&lines, &out)?;
    let picture = options.out.join(seeds::SEEDS_CHART);
    seeds::save_chart(&runs, &picture)?;
    println!("wrote {} and {}", out.display(), picture.display());
    Ok(())
}
// ANCHOR_END: compare_seeds
