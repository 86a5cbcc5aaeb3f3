//! The whole command: the quadrant benchmark for each seed and number of given quadrants, then
//! the label-conditioned VAE; tables and pictures written into `--out`.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use ndarray::{Array2, s};
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};

use mnist::{DataOptions, DataSet, Dataset};
use support::atomic::write_atomic;

use crate::benchmark::{self, Scores, Settings, Task, completions, score, train_both};
use crate::cvae::CvaeShape;
use crate::exercises;
use crate::figures::{save_grid, shown_given, stack_rows};
use crate::labelled::{CLASSES, LabelledVae};
use crate::options::Options;
use crate::quadrants::{Given, PIXELS, given_pixels};
use crate::report::{self, Row};
use crate::train::{Epoch, Schedule, train};

/// Test digits in the completion figures, and CVAE completions of each.
pub const FIGURE_DIGITS: usize = 8;
pub const FIGURE_SAMPLES: usize = 5;

/// Hidden width of the label-conditioned VAE (chapter 4's 400).
pub const LABELLED_HIDDEN: usize = 400;

/// The label-conditioned VAE's random streams for `seed`, by purpose (1 its initial weights,
/// 2 an epoch's batches and noise, 3 the figure's codes) and index.
fn labelled_stream(seed: u64) -> impl Fn(u64, usize) -> StdRng {
    move |purpose, index| support::seeds::stream(seed, purpose, index as u64, *b"ch09labl")
}

/// The label-conditioned VAE of the first seed, trained with the options' epochs and width.
pub fn train_labelled(options: &Options, data: &DataSet) -> (LabelledVae<f32>, Vec<Epoch>) {
    let stream = labelled_stream(options.seeds[0]);
    let mut vae = LabelledVae::<f32>::new(
        PIXELS,
        LABELLED_HIDDEN,
        options.labelled_latent,
        &mut stream(1, 0),
    );
    let mut grad = vae.zeros_like();
    let mut ws = vae.workspace(options.batch_size);
    let epochs = train(
        &mut vae,
        &mut grad,
        &data.train,
        schedule(options, options.labelled_epochs),
        |e| stream(2, e),
        |m, images, labels, rng, g| {
            f64::from(m.loss_and_gradient(&images, labels, rng, &mut ws, g))
        },
        |e, epoch| {
            eprintln!(
                "labelled VAE epoch {} loss {:.2} ({:.1} s)",
                e + 1,
                epoch.loss,
                epoch.seconds
            )
        },
    );
    (vae, epochs)
}

pub fn run(options: &Options) -> Result<()> {
    options.validate()?;
    let start = Instant::now();
    let data = load_data(options)?;
    std::fs::create_dir_all(&options.out)
        .with_context(|| format!("cannot create {}", options.out.display()))?;
    if let Some(name) = &options.exercise {
        return exercise(options, &data, name);
    }
    if !options.k_curve.is_empty() {
        return k_curves(options, &data);
    }
    let rows = quadrants(options, &data)?;
    println!("{}", report::markdown(&rows));
    if options.labelled_epochs > 0 {
        labelled(options, &data)?;
    }
    let summary = format!(
        "command: {}\nseconds: {:.0}\n",
        support::command::command_line(),
        start.elapsed().as_secs_f64()
    );
    write(&options.out.join("run.txt"), &summary)?;
    println!(
        "{:.0} s in all; tables and pictures in {}",
        start.elapsed().as_secs_f64(),
        options.out.display()
    );
    Ok(())
}

/// MNIST, with the first --limit training images only when the options say so.
pub fn load_data(options: &Options) -> Result<DataSet> {
    let mut data = mnist::load(&DataOptions {
        dataset: Dataset::Mnist,
        data_dir: options.data_dir.clone(),
    })?;
    if let Some(n) = options.limit {
        data.train = data.train.first(n);
    }
    Ok(data)
}

fn write(path: &Path, text: &str) -> Result<()> {
    write_atomic(path, text.as_bytes()).with_context(|| format!("cannot write {}", path.display()))
}

/// Every seed and number of given quadrants: train, score, draw; `quadrants.csv` rewritten
/// after each, so an interrupted run keeps what it finished.
fn quadrants(options: &Options, data: &DataSet) -> Result<Vec<Row>> {
    let mut all = Vec::new();
    for &seed in &options.seeds {
        for &q in &options.given {
            let given = Given::new(q).expect("validated");
            let task = Task::quadrants(given);
            let (trained, settings, train_seconds) = train_task(options, data, &task, seed);
            let scores = score(&trained, &data.test, options.test_images, &settings);
            let rows = scored_rows(options, data, seed, q, &scores, train_seconds);
            for r in &rows {
                eprintln!(
                    "seed {seed}, {q} given: {} {:.2} ± {:.2}",
                    r.quantity, r.mean, r.standard_error
                );
            }
            all.extend(rows);
            write(&options.out.join("quadrants.csv"), &report::to_csv(&all))?;
            if seed == options.seeds[0] {
                completion_figure(options, data, &trained, &settings)?;
            }
        }
    }
    Ok(all)
}

/// The rows of `quadrants.csv` for one trained task (`given` quadrants; 0 for a task that is
/// not a quadrant task): the three numbers and the paired difference.
fn scored_rows(
    options: &Options,
    data: &DataSet,
    seed: u64,
    given: usize,
    scores: &Scores,
    train_seconds: f64,
) -> Vec<Row> {
    let common = Row {
        seed,
        given,
        quantity: String::new(),
        mean: 0.0,
        standard_error: 0.0,
        images: 0,
        k: options.k,
        baseline_epochs: options.baseline_epochs,
        cvae_epochs: options.cvae_epochs,
        train_images: data.train.len(),
        train_seconds,
    };
    report::rows(
        &common,
        &scores.baseline,
        &scores.cvae_elbo,
        &scores.cvae_importance,
    )
}

/// Trains the baseline and the CVAE for `task` with the options' settings and `seed`;
/// returns them with the settings and the seconds of training.
pub fn train_task(
    options: &Options,
    data: &DataSet,
    task: &Task,
    seed: u64,
) -> (crate::benchmark::Trained, Settings, f64) {
    let settings = Settings {
        shape: CvaeShape {
            pixels: PIXELS,
            inputs: task.inputs(),
            hidden: options.hidden,
            latent: options.latent,
            depth: 2,
        },
        baseline: schedule(options, options.baseline_epochs),
        cvae: schedule(options, options.cvae_epochs),
        k: options.k,
        seed,
    };
    let started = Instant::now();
    let name = &task.name;
    let trained = train_both(&data.train, task, &settings, |net, e, epoch| {
        eprintln!(
            "seed {seed}, task {name}: {net} epoch {} loss {:.2} ({:.1} s)",
            e + 1,
            epoch.loss,
            epoch.seconds
        );
    });
    (trained, settings, started.elapsed().as_secs_f64())
}

/// An exercise's task: trained, scored and drawn like the benchmark's, its numbers printed
/// and written to `exercise-TASK.csv` (the columns of `quadrants.csv`).
fn exercise(options: &Options, data: &DataSet, name: &str) -> Result<()> {
    let (task, given) = match name {
        "middle-column" => (exercises::middle_column(options.column_width), 0),
        _ => {
            let q = options.given[0];
            let quadrants = Task::quadrants(Given::new(q).expect("validated"));
            (exercises::with_labels(quadrants), q)
        }
    };
    let seed = options.seeds[0];
    let (trained, settings, seconds) = train_task(options, data, &task, seed);
    let scores = score(&trained, &data.test, options.test_images, &settings);
    let rows = scored_rows(options, data, seed, given, &scores, seconds);
    for r in &rows {
        println!(
            "task {}: {} {:.2} ± {:.2} nats ({} test digits, k = {})",
            task.name, r.quantity, r.mean, r.standard_error, r.images, r.k
        );
    }
    println!("{seconds:.0} s of training");
    let path = options.out.join(format!("exercise-{}.csv", task.name));
    write(&path, &report::to_csv(&rows))?;
    completion_figure(options, data, &trained, &settings)
}

/// The first seed's models for every --given, trained and scored as the benchmark does
/// (`quadrants.csv`: the same numbers as that seed's rows of a benchmark run with the same
/// options), then each one's K-curve (`k-curve.csv`).
fn k_curves(options: &Options, data: &DataSet) -> Result<()> {
    let seed = options.seeds[0];
    let (mut scored, mut curve) = (Vec::new(), Vec::new());
    for &q in &options.given {
        let task = Task::quadrants(Given::new(q).expect("validated"));
        let (trained, settings, seconds) = train_task(options, data, &task, seed);
        let scores = score(&trained, &data.test, options.test_images, &settings);
        scored.extend(scored_rows(options, data, seed, q, &scores, seconds));
        let values = benchmark::k_curves(
            &trained,
            &data.test,
            options.k_curve_images,
            &options.k_curve,
            &settings,
        );
        let rows = report::k_curve_rows(seed, q, &options.k_curve, &values);
        for r in &rows {
            println!(
                "{q} given, k = {}: {:.2} ± {:.2} nats, {:+.2} ± {:.2} from the largest k",
                r.k, r.mean, r.standard_error, r.minus_largest, r.minus_largest_standard_error
            );
        }
        curve.extend(rows);
        write(&options.out.join("quadrants.csv"), &report::to_csv(&scored))?;
        write(
            &options.out.join("k-curve.csv"),
            &report::k_curve_csv(&curve),
        )?;
    }
    Ok(())
}

fn schedule(options: &Options, epochs: usize) -> Schedule {
    Schedule {
        epochs,
        batch_size: options.batch_size,
        lr: options.lr,
    }
}

// ANCHOR: completion_figure
/// `completions-N.png`: for the first test digits, rows of the given pixels, the truth, the
/// baseline's completion and the CVAE's completions, one column per digit.
fn completion_figure(
    options: &Options,
    data: &DataSet,
    trained: &crate::benchmark::Trained,
    settings: &Settings,
) -> Result<()> {
    let truth = mnist::unit_pixels(data.test.images.slice(s![..FIGURE_DIGITS, ..]));
    let given = shown_given(&given_pixels(&truth, &trained.task.mask).view());
    let labels = &data.test.labels[..FIGURE_DIGITS];
    let (baseline, drawn) = completions(trained, &truth.view(), labels, FIGURE_SAMPLES, settings);
    let mut rows = vec![given.view(), truth.view(), baseline.view()];
    rows.extend(drawn.iter().map(|d| d.view()));
    let path = options
        .out
        .join(format!("completions-{}.png", trained.task.name));
    save_grid(stack_rows(&rows).view(), FIGURE_DIGITS, &path)
}
// ANCHOR_END: completion_figure

/// The label-conditioned VAE: trained, then drawn in `digits-on-demand.png` (one row per
/// digit, one column per shared code) and `style-walk.png` (the code's first coordinate
/// walked from -2 to 2, the others 0); its epochs in `labelled.csv`.
fn labelled(options: &Options, data: &DataSet) -> Result<()> {
    let (vae, epochs) = train_labelled(options, data);
    let stream = labelled_stream(options.seeds[0]);
    let mut csv = String::from("epoch,train_loss,seconds\n");
    for (e, epoch) in epochs.iter().enumerate() {
        csv.push_str(&format!(
            "{},{:.4},{:.2}\n",
            e + 1,
            epoch.loss,
            epoch.seconds
        ));
    }
    write(&options.out.join("labelled.csv"), &csv)?;
    let latent = options.labelled_latent;
    // ANCHOR: on_demand
    let columns = 8;
    let mut rng: StdRng = stream(3, 0);
    let shared =
        Array2::<f32>::from_shape_simple_fn((columns, latent), || StandardNormal.sample(&mut rng));
    let mut z = Array2::zeros((CLASSES * columns, latent));
    let mut labels = Vec::new();
    for digit in 0..CLASSES {
        z.slice_mut(s![digit * columns..(digit + 1) * columns, ..])
            .assign(&shared);
        labels.extend(std::iter::repeat_n(digit as u8, columns));
    }
    let on_demand = vae.generate(&z, &labels);
    // ANCHOR_END: on_demand
    save_grid(
        on_demand.view(),
        columns,
        &options.out.join("digits-on-demand.png"),
    )?;
    let steps = 9;
    let mut walk = Array2::zeros((CLASSES * steps, latent));
    for digit in 0..CLASSES {
        for j in 0..steps {
            walk[[digit * steps + j, 0]] = -2.0 + 4.0 * j as f32 / (steps - 1) as f32;
        }
    }
    let labels: Vec<u8> = (0..CLASSES * steps).map(|i| (i / steps) as u8).collect();
    save_grid(
        vae.generate(&walk, &labels).view(),
        steps,
        &options.out.join("style-walk.png"),
    )?;
    Ok(())
}
