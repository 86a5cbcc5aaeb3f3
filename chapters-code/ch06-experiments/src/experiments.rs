//! The whole chapter as one call: get the models, make every figure and table, write them
//! into the output folder. The binary is a thin command line around [`run`].

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail, ensure};
use ch05_training::animation::gif_bytes;
use ch05_training::grid::save_png;
use ch05_training::trainer::Trainer;
use mnist::{DataOptions, DataSet, Dataset};
use ndarray::s;
use support::atomic::write_atomic;

use crate::beta::{self, BETAS, BetaRow};
use crate::interpolate::{self, GIF_STEPS, MidpointNorms, PAIRS, STEPS};
use crate::likelihood::{self, LikelihoodTable};
use crate::manifold::{self, SIDE};
use crate::models::{self, Common, Spec};
use crate::posterior::encode;
use crate::report::{self, ModelRow};
use crate::scatter;
use crate::timings::{TIMINGS, Timings};

/// The files written into the output folder.
pub const MANIFOLD: &str = "manifold.png";
pub const SCATTER: &str = "latent-scatter.png";
pub const INTERPOLATION_PNG: &str = "interpolation.png";
pub const INTERPOLATION_GIF: &str = "interpolation.gif";
pub const BETA_SAMPLES: &str = "beta-samples.png";
pub const RESULTS: &str = "results.txt";

/// The training threads of the book's run. The numbers of chapter 5's training depend on how
/// each batch is split between threads, so the binary pins their number rather than taking
/// every core: the figures and tables come out the same on any machine.
pub const THREADS: usize = 2;

/// Everything a run can be asked to do differently.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where the figures and `results.txt` go.
    pub out: PathBuf,
    /// Where the training runs write chapter 5's own outputs, if anywhere.
    pub runs: Option<PathBuf>,
    pub seed: u64,
    pub data_dir: Option<PathBuf>,
    /// A 20-d model trained by chapter 5; `None` trains one here.
    pub checkpoint: Option<PathBuf>,
    /// Epochs of the models trained here for the manifold, scatter, interpolation and log p(x).
    pub epochs: usize,
    /// Epochs of each model of the beta comparison.
    pub beta_epochs: usize,
    /// Latent dimension of the main model when it is trained here.
    pub latent: usize,
    pub hidden: usize,
    /// Train and test on the first N images only.
    pub limit: Option<usize>,
    /// Threads of every training run (chapter 5's `--threads`).
    pub threads: usize,
    /// Test images whose log p(x) is estimated.
    pub likelihood_images: usize,
    /// The numbers of importance samples.
    pub ks: Vec<usize>,
}

/// What a run found, for printing and for tests.
pub struct Results {
    pub likelihood: LikelihoodTable,
    pub beta: Vec<BetaRow>,
    pub midpoints: Vec<MidpointNorms>,
    pub latent: usize,
    pub files: Vec<PathBuf>,
    pub text: String,
}

impl Settings {
    pub fn validate(&self) -> Result<()> {
        for (name, value) in [
            ("--epochs", self.epochs),
            ("--beta-epochs", self.beta_epochs),
            ("--threads", self.threads),
        ] {
            ensure!(value > 0, "{name} must be at least 1");
        }
        // A mean over images needs two of them for its standard error.
        ensure!(
            self.likelihood_images >= 2,
            "--likelihood-images must be at least 2"
        );
        ensure!(self.limit != Some(0), "--limit must be at least 1");
        ensure!(
            !self.ks.is_empty() && self.ks.iter().all(|&k| k > 0),
            "every K must be at least 1"
        );
        if let Some(path) = self.checkpoint.as_ref().filter(|p| !p.is_file()) {
            bail!(
                "--checkpoint {}: no such file (chapter 5 writes checkpoint.bin into its --out folder)",
                path.display()
            );
        }
        Ok(())
    }

    /// What every training run of this run shares.
    pub fn common(&self) -> Common {
        Common {
            runs: self.runs.clone(),
            seed: self.seed,
            hidden: self.hidden,
            threads: self.threads,
        }
    }
}

/// The model with a 2-d latent space, behind the manifold, the scatter and the explorer.
pub fn two_d_spec(epochs: usize) -> Spec<'static> {
    Spec {
        name: "latent-2",
        latent: 2,
        beta: 1.0,
        epochs,
    }
}

/// Runs every experiment of the chapter and writes its files into `settings.out`.
pub fn run(settings: &Settings) -> Result<Results> {
    settings.validate()?;
    std::fs::create_dir_all(&settings.out)
        .with_context(|| format!("cannot create the output folder {}", settings.out.display()))?;
    let data = mnist::load(&DataOptions {
        dataset: Dataset::Mnist,
        data_dir: settings.data_dir.clone(),
    })?
    .limited(settings.limit);
    let (test, side) = (&data.test, data.test.rows);
    let common = settings.common();
    let mut files = Vec::new();
    let mut text = String::new();
    let timer = Instant::now();
    let mut training = Training::default();

    // The 2-D model: the manifold and the scatter.
    println!(
        "\n== the 2-D latent space: training a model with latent dimension 2 for {} epochs",
        settings.epochs
    );
    let mut two_d = training.time(settings.epochs, || {
        models::train(&common, &data, two_d_spec(settings.epochs))
    })?;
    let path = settings.out.join(MANIFOLD);
    save_png(&manifold::picture(&two_d.vae, SIDE, side, side)?, &path)?;
    files.push(path);
    let means = encode(&two_d.vae, test.images.view()).mu;
    let path = settings.out.join(SCATTER);
    scatter::chart(means.view(), &test.labels, &data.dataset.class_names()).save_png(&path)?;
    files.push(path);

    // The main model: interpolations and log p(x).
    let main_epochs = if settings.checkpoint.is_some() {
        0
    } else {
        settings.epochs
    };
    let mut main = training.time(main_epochs, || main_model(settings, &common, &data))?;
    // The test loss as chapter 5's loop reports it after the last epoch (the same noise).
    let models = [
        ModelRow {
            name: "the 2-D model (questions 1 and 2)",
            latent: 2,
            epochs: Some(settings.epochs),
            test_loss: two_d
                .evaluate(test.images.view(), settings.seed, settings.epochs)
                .per_image(),
        },
        ModelRow {
            name: "the main model (questions 3 and 4)",
            latent: main.shape().latent,
            epochs: settings.checkpoint.is_none().then_some(settings.epochs),
            test_loss: main
                .evaluate(test.images.view(), settings.seed, main_epochs)
                .per_image(),
        },
    ];
    let table = report::models(&models);
    println!("{table}");
    text.push_str(&format!(
        "The models (test loss, nats per image)\n\n{table}\n"
    ));
    ensure!(
        main.shape().input == side * side,
        "the checkpoint's model reads {} pixels, MNIST has {}",
        main.shape().input,
        side * side
    );
    let latent = main.shape().latent;
    println!("\n== interpolations between test digits, in the {latent}-d latent space");
    let pairs = interpolate::pick_pairs(&test.labels, &PAIRS)?;
    let ends = interpolate::ends(&main.vae, test.images.view(), &pairs);
    let path = settings.out.join(INTERPOLATION_PNG);
    save_png(&interpolate::strip(&main.vae, &ends, STEPS, side, 2), &path)?;
    files.push(path);
    let frames = interpolate::frames(&main.vae, &ends, GIF_STEPS, side, 3);
    let path = settings.out.join(INTERPOLATION_GIF);
    write_atomic(&path, &gif_bytes(&frames, 12, 12)?)
        .with_context(|| format!("cannot write {}", path.display()))?;
    files.push(path);
    let midpoints = interpolate::midpoint_norms(&ends);
    let table = report::midpoints(&PAIRS, &midpoints, latent);
    println!("{table}");
    text.push_str(&format!("Interpolation: lengths of the codes\n\n{table}\n"));

    let n = settings.likelihood_images.min(test.len());
    println!(
        "== log p(x) by importance sampling, K = {:?}, on the first {n} test images",
        settings.ks
    );
    let start = Instant::now();
    let images = test.images.slice(s![..n, ..]);
    let likelihood = likelihood::table(&main.vae, images, &settings.ks, settings.seed);
    let table = report::likelihood(&likelihood);
    let sampling = start.elapsed().as_secs_f64();
    println!("{table}({sampling:.1} s)\n");
    text.push_str(&format!(
        "Importance-sampled log p(x) of the {latent}-d model\n\n{table}\n"
    ));

    // The beta comparison.
    println!(
        "== beta: training with beta = {BETAS:?}, {} epochs each",
        settings.beta_epochs
    );
    let z = beta::prior_draws(settings.seed, settings.latent);
    let mut rows = Vec::new();
    let mut grids = Vec::new();
    for b in BETAS {
        let name = format!("beta-{b}");
        let spec = Spec {
            name: &name,
            latent: settings.latent,
            beta: b,
            epochs: settings.beta_epochs,
        };
        let mut trainer =
            training.time(settings.beta_epochs, || models::train(&common, &data, spec))?;
        rows.push(beta::row(&mut trainer, test.images.view(), settings.seed));
        grids.push(beta::samples(&trainer, z.view(), side));
    }
    let path = settings.out.join(BETA_SAMPLES);
    save_png(&beta::labelled_side_by_side(&grids, 16)?, &path)?;
    files.push(path);
    let table = report::beta(&rows);
    println!("{table}");
    text.push_str(&format!(
        "beta (test set, nats per image, {} epochs each)\n\n{table}\n",
        settings.beta_epochs
    ));

    let path = settings.out.join(RESULTS);
    write_atomic(&path, text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    files.push(path);
    let total = timer.elapsed().as_secs_f64();
    let path = settings.out.join(TIMINGS);
    Timings {
        total_seconds: total,
        training_seconds: training.seconds,
        training_epochs: training.epochs,
        sampling_seconds: sampling,
        likelihood_images: n,
    }
    .save(&path)?;
    files.push(path);
    println!(
        "experiments done in {total:.0} s; wrote into {}:",
        settings.out.display()
    );
    for f in &files {
        println!("  {}", file_name(f));
    }
    Ok(Results {
        likelihood,
        beta: rows,
        midpoints,
        latent,
        files,
        text,
    })
}

/// The model of chapter 5: loaded from `--checkpoint`, or trained here when none is given.
pub fn main_model(settings: &Settings, common: &Common, data: &DataSet) -> Result<Trainer> {
    match &settings.checkpoint {
        Some(path) => {
            println!("\n== the main model");
            models::load(path)
        }
        None => {
            println!(
                "\n== no --checkpoint given: training the {}-d model here with chapter 5's run, {} epochs",
                settings.latent, settings.epochs
            );
            models::train(
                common,
                data,
                Spec {
                    name: "latent-main",
                    latent: settings.latent,
                    beta: 1.0,
                    epochs: settings.epochs,
                },
            )
        }
    }
}

/// The training runs' wall-clock seconds and epochs, added up as they happen.
#[derive(Default)]
struct Training {
    seconds: f64,
    epochs: usize,
}

impl Training {
    fn time<T>(&mut self, epochs: usize, train: impl FnOnce() -> Result<T>) -> Result<T> {
        let start = Instant::now();
        let trained = train()?;
        self.seconds += start.elapsed().as_secs_f64();
        self.epochs += epochs;
        Ok(trained)
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
