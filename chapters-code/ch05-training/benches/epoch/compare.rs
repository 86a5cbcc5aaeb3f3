//! `--compare`: chapter 5 and the PyTorch reference, back to back in one run on one machine.

use std::fmt::Write as _;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use ch04_model::activation::Activation;
use ch04_model::shape::VaeShape;
use ch04_model::vae::{Loss, Vae};
use ch04_model::workspace::{Workspace, rows_mut};
use ch05_training::ink::InkedBatch;
use ch05_training::trainer::{Elbo, Objective, Trainer};
use mnist::DataSet;
use ndarray::Array2;
use rand::Rng;
use rand::rngs::StdRng;
use support::atomic::write_atomic;

use crate::torch::{self, Runner, Setting, TorchRun};
use crate::{Options, machine};

/// The hidden widths and batch sizes of the scaling table.
const HIDDEN: [usize; 3] = [400, 800, 1600];
const BATCHES: [usize; 3] = [32, 128, 512];

/// A network and how its training pixels are fed, the same in both implementations.
#[derive(Debug, Clone, Copy)]
pub struct Net {
    pub shape: VaeShape,
    /// Chapter 7's dynamic binarization: every training image drawn afresh into binary pixels.
    pub dynamic: bool,
}

impl Net {
    /// Chapter 5's network with hidden width `hidden`, on grey pixels.
    fn chapter_5(hidden: usize) -> Net {
        Net {
            shape: VaeShape {
                hidden,
                ..VaeShape::MNIST
            },
            dynamic: false,
        }
    }
}

/// Chapter 7's network and training (its `model::SHAPE`, which this crate cannot import:
/// chapter 7 builds on chapter 5): Burda et al.'s 784-200-200-50 with tanh, dynamically
/// binarized pixels, at their batch of 20.
const CHAPTER_7: Net = Net {
    shape: VaeShape {
        input: 784,
        hidden: 200,
        latent: 50,
        depth: 2,
        activation: Activation::Tanh,
    },
    dynamic: true,
};
const CHAPTER_7_BATCH: usize = 20;

/// Chapter 7's training objective for its VAE, which this crate cannot import either: chapter
/// 4's negative ELBO on pixels drawn as ink with probability equal to their grey level, afresh
/// at every step (the same draws as chapter 7's, from the step's generator).
struct DynamicElbo;

impl Objective for DynamicElbo {
    fn prepare(&self, batch: &mut Array2<f32>, n: usize, noise: &mut StdRng) -> usize {
        rows_mut(batch, n).map_inplace(|p| *p = if noise.random::<f32>() < *p { 1.0 } else { 0.0 });
        n
    }

    fn backward(
        &self,
        vae: &Vae<f32>,
        x: &InkedBatch,
        ws: &mut Workspace<f32>,
        beta: f32,
        grad: &mut Vae<f32>,
    ) -> Loss<f32> {
        Elbo.backward(vae, x, ws, beta, grad)
    }
}

/// Seconds per pass over the whole training set of one setting, in both (PyTorch's when
/// it is there): each the median of a fresh model's first few passes, with their range.
struct Timed {
    rust: Spread,
    torch: Option<Spread>,
}

/// The median of some timings, and their smallest and largest.
#[derive(Debug, Clone, Copy)]
struct Spread {
    median: f64,
    low: f64,
    high: f64,
}

impl Spread {
    fn of(seconds: &[f64], scale: f64) -> Spread {
        Spread {
            median: median(seconds) * scale,
            low: min(seconds) * scale,
            high: max(seconds) * scale,
        }
    }
}

/// Chapter 5's figures for one setting.
struct RustRun {
    seconds: Vec<f64>,
    test_loss: Option<f64>,
}

/// One row of the scaling table.
struct Row {
    hidden: usize,
    batch: usize,
    time: Timed,
}

pub fn run(options: &Options, set: &DataSet) -> Result<()> {
    let threads = options.threads.unwrap_or(2);
    let epochs = options.epochs.unwrap_or(10);
    let torch_version = torch::available(&options.python);
    if let (Some(path), Err(why)) = (&options.results, &torch_version) {
        bail!(
            "--results {}: a comparison needs PyTorch: {why}",
            path.display()
        );
    }
    let env: &[(&str, &str)] = if options.omp_passive {
        &[("OMP_WAIT_POLICY", "PASSIVE")]
    } else {
        &[]
    };
    let runner = Runner {
        python: &options.python,
        data_dir: &set.files.dir,
        env,
    };
    let torch_env = env
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ");
    let load_before = machine::load_average();
    let started = now();
    let cpu = machine::cpu_model();
    let rustc = machine::rustc_version();
    println!(
        "machine: {cpu}, {} logical cores, {}; {rustc}",
        machine::cores(),
        machine::vector_instructions()
    );
    match &torch_version {
        Ok(v) => println!(
            "PyTorch {v} ({torch_env}{}{} {})",
            if torch_env.is_empty() { "" } else { " " },
            options.python,
            torch::SCRIPT
        ),
        Err(why) => println!("PyTorch: not compared: {why}"),
    }
    println!(
        "\n== the default model 784-400-20-400-784, batch 128, {threads} threads each, \
         {epochs} epochs (seconds of training per epoch of {} images)",
        set.train.images.nrows()
    );
    let rust = rust_run(set, Net::chapter_5(400), 128, threads, epochs, None, true)?;
    let rust_peak = machine::peak_memory_kib().map(|k| k as f64 / 1024.0);
    let reference = match torch_version {
        Ok(_) => Some(torch::run(
            &runner,
            &Setting {
                net: Net::chapter_5(400),
                batch: 128,
                epochs,
                threads,
                limit: None,
                test: true,
            },
        )?),
        Err(_) => None,
    };
    print_epochs(&rust, reference.as_ref());
    let rust_median = median(&rust.seconds);
    let torch_median = reference.as_ref().map(|t| median(&t.seconds));
    println!(
        "median seconds per epoch: Rust {rust_median:.2} (range {:.2}-{:.2})",
        min(&rust.seconds),
        max(&rust.seconds)
    );
    if let (Some(t), Some(tm)) = (&reference, torch_median) {
        println!(
            "                          PyTorch {tm:.2} (range {:.2}-{:.2}), {} threads",
            min(&t.seconds),
            max(&t.seconds),
            t.threads
        );
        println!("ratio Rust / PyTorch: {:.2}", rust_median / tm);
    }
    println!(
        "test loss after {epochs} epochs: Rust {}, PyTorch {}",
        show(rust.test_loss),
        show(reference.as_ref().and_then(|t| t.test_loss))
    );
    println!(
        "peak resident memory: Rust {} MiB, PyTorch {} MiB",
        show0(rust_peak),
        show0(reference.as_ref().and_then(|t| t.peak_mib))
    );

    let mut rows = Vec::new();
    let all = set.train.images.nrows();
    let timed = options.scaling_images.clamp(1, all);
    let limit = (timed < all).then_some(timed);
    let per_epoch = all as f64 / timed as f64;
    // One pass on a shared machine moves by tens of percent: the median of a few is steadier.
    let passes = options.scaling_passes as usize;
    let one_pass = |net: Net, batch: usize| -> Result<Timed> {
        let rust = rust_run(set, net, batch, threads, passes, limit, false)?;
        let torch = match &reference {
            Some(_) => Some(torch::run(
                &runner,
                &Setting {
                    net,
                    batch,
                    epochs: passes,
                    threads,
                    limit,
                    test: false,
                },
            )?),
            None => None,
        };
        Ok(Timed {
            rust: Spread::of(&rust.seconds, per_epoch),
            torch: torch.map(|t| Spread::of(&t.seconds, per_epoch)),
        })
    };
    if !options.no_scaling {
        println!(
            "\n== how the cost grows: seconds per epoch of {all} images (timed on {timed}, {}, \
             no test evaluation)",
            timing(passes)
        );
        println!("hidden  batch  Rust s  PyTorch s  ratio");
        let settings = HIDDEN
            .iter()
            .flat_map(|&h| BATCHES.iter().map(move |&b| (h, b)));
        for (hidden, batch) in settings {
            let row = Row {
                hidden,
                batch,
                time: one_pass(Net::chapter_5(hidden), batch)?,
            };
            println!(
                "{hidden:>6}  {batch:>5}  {:>6.2}  {:>9}  {:>5}",
                row.time.rust.median,
                show(row.time.torch.map(|t| t.median)),
                row.time.torch.map_or("-".into(), |t| format!(
                    "{:.2}",
                    row.time.rust.median / t.median
                ))
            );
            rows.push(row);
        }
    }

    println!(
        "\n== chapter 7's network 784-200-200-50 (tanh), batch {CHAPTER_7_BATCH}, dynamically \
         binarized pixels: seconds per pass over {all} images (timed on {timed}, {})",
        timing(passes)
    );
    let chapter_7 = one_pass(CHAPTER_7, CHAPTER_7_BATCH)?;
    println!(
        "Rust {:.2} s ({:.3} passes per second), PyTorch {} s ({} passes per second), ratio {}",
        chapter_7.rust.median,
        1.0 / chapter_7.rust.median,
        show(chapter_7.torch.map(|t| t.median)),
        chapter_7
            .torch
            .map_or("-".into(), |t| format!("{:.3}", 1.0 / t.median)),
        chapter_7.torch.map_or("-".into(), |t| format!(
            "{:.2}",
            chapter_7.rust.median / t.median
        ))
    );

    let load = [load_before, machine::load_average()];
    println!(
        "\nload average (1 minute) before and after: {} and {}",
        show(load[0]),
        show(load[1])
    );
    if let (Some(path), Some(reference)) = (&options.results, &reference) {
        let text = results_toml(
            &Measured {
                load,
                torch_env: &torch_env,
                scaling_images: timed,
                scaling_passes: passes,
                when: [started, now()],
                cpu: &cpu,
                rustc: &rustc,
                threads,
                epochs,
                rust: &rust,
                rust_peak,
                reference,
            },
            &rows,
            &chapter_7,
        );
        write_atomic(path, text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        println!("\nwrote {}", path.display());
    }
    Ok(())
}

/// Trains `epochs` epochs of a fresh model and times each; with `test`, evaluates after each.
fn rust_run(
    set: &DataSet,
    net: Net,
    batch: usize,
    threads: usize,
    epochs: usize,
    limit: Option<usize>,
    test: bool,
) -> Result<RustRun> {
    let all = set.train.images.view();
    let images = all.slice(ndarray::s![..limit.unwrap_or(all.nrows()), ..]);
    let mut trainer = Trainer::new(net.shape, batch, 1e-3, 1);
    trainer.set_threads(threads);
    if net.dynamic {
        trainer.set_objective(Box::new(DynamicElbo));
    }
    let mut seconds = Vec::new();
    let mut test_loss = None;
    for epoch in 1..=epochs {
        let start = Instant::now();
        trainer.train_epoch(images, epoch, 1, |_| {})?;
        seconds.push(start.elapsed().as_secs_f64());
        if test {
            test_loss = Some(
                trainer
                    .evaluate(set.test.images.view(), 1, epoch)
                    .per_image(),
            );
        }
    }
    Ok(RustRun { seconds, test_loss })
}

/// How a setting is timed, for the printed headings.
fn timing(passes: usize) -> String {
    match passes {
        1 => "one pass of a fresh model".into(),
        n => format!("the median of a fresh model's first {n} passes"),
    }
}

fn print_epochs(rust: &RustRun, torch: Option<&TorchRun>) {
    println!("epoch  Rust s  PyTorch s");
    for (i, r) in rust.seconds.iter().enumerate() {
        let t = torch.and_then(|t| t.seconds.get(i).copied());
        println!("{:>5}  {r:>6.2}  {:>9}", i + 1, show(t));
    }
}

/// Everything the main comparison measured, for the results file.
struct Measured<'a> {
    load: [Option<f64>; 2],
    torch_env: &'a str,
    scaling_images: usize,
    scaling_passes: usize,
    /// When the run started and ended (UTC).
    when: [String; 2],
    cpu: &'a str,
    rustc: &'a str,
    threads: usize,
    epochs: usize,
    rust: &'a RustRun,
    rust_peak: Option<f64>,
    reference: &'a TorchRun,
}

/// The results file: plain TOML, numbers rounded as the book quotes them.
fn results_toml(m: &Measured, rows: &[Row], chapter_7: &Timed) -> String {
    let (rust, torch) = (median(&m.rust.seconds), median(&m.reference.seconds));
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Written by `cargo bench -p ch05-training -- --compare --results <this file>`: chapter 5's\n\
         # training and the PyTorch reference script (reference/vae_torch.py), back to back in one\n\
         # run. Seconds are seconds of training per epoch of 60,000 images (the test evaluation is\n\
         # not timed): for the default model the median over the epochs; in the scaling table and\n\
         # for chapter 7 the median over a fresh model's first `scaling_passes` passes over the first\n\
         # `scaling_images` images, times 60,000 / scaling_images (`_range`: the fastest and the\n\
         # slowest pass, scaled alike).\n\
         # started, finished: UTC. load_average: the machine's one-minute load average before\n\
         # and after the run."
    );
    let _ = writeln!(s, "started = {:?}", m.when[0]);
    let _ = writeln!(s, "finished = {:?}", m.when[1]);
    let _ = writeln!(s, "machine = {:?}", m.cpu);
    let _ = writeln!(s, "cores = {}", machine::cores());
    let _ = writeln!(
        s,
        "vector_instructions = {:?}",
        machine::vector_instructions()
    );
    let _ = writeln!(s, "rustc = {:?}", m.rustc);
    let _ = writeln!(s, "torch = {:?}", m.reference.version);
    let _ = writeln!(s, "torch_threads = {}", m.reference.threads);
    let _ = writeln!(s, "torch_env = {:?}", m.torch_env);
    let _ = writeln!(s, "rust_threads = {}", m.threads);
    let _ = writeln!(s, "epochs = {}", m.epochs);
    if let [Some(before), Some(after)] = m.load {
        let _ = writeln!(s, "load_average = [{before:.2}, {after:.2}]");
    }
    let _ = writeln!(s, "rust_seconds = {rust:.2}");
    let _ = writeln!(s, "torch_seconds = {torch:.2}");
    let _ = writeln!(s, "ratio = {:.2}", rust / torch);
    let _ = writeln!(
        s,
        "rust_seconds_range = [{:.2}, {:.2}]",
        min(&m.rust.seconds),
        max(&m.rust.seconds)
    );
    let _ = writeln!(
        s,
        "torch_seconds_range = [{:.2}, {:.2}]",
        min(&m.reference.seconds),
        max(&m.reference.seconds)
    );
    if let Some(l) = m.rust.test_loss {
        let _ = writeln!(s, "rust_test_loss = {l:.2}");
    }
    if let Some(l) = m.reference.test_loss {
        let _ = writeln!(s, "torch_test_loss = {l:.2}");
    }
    if let Some(mib) = m.rust_peak {
        let _ = writeln!(s, "rust_peak_mib = {mib:.0}");
    }
    if let Some(mib) = m.reference.peak_mib {
        let _ = writeln!(s, "torch_peak_mib = {mib:.0}");
    }
    if !rows.is_empty() {
        let _ = writeln!(s, "scaling_images = {}", m.scaling_images);
    }
    let _ = writeln!(s, "scaling_passes = {}", m.scaling_passes);
    let _ = writeln!(s, "\n[chapter_7]");
    let _ = writeln!(s, "network = \"784-200-200-50 tanh\"");
    let _ = writeln!(s, "batch = {CHAPTER_7_BATCH}");
    let _ = writeln!(s, "binarize = \"dynamic\"");
    write_timed(&mut s, chapter_7);
    let _ = writeln!(
        s,
        "rust_passes_per_second = {:.3}",
        1.0 / chapter_7.rust.median
    );
    if let Some(t) = chapter_7.torch {
        let _ = writeln!(s, "torch_passes_per_second = {:.3}", 1.0 / t.median);
    }
    for row in rows {
        let _ = writeln!(s, "\n[[scaling]]");
        let _ = writeln!(s, "hidden = {}", row.hidden);
        let _ = writeln!(s, "batch = {}", row.batch);
        write_timed(&mut s, &row.time);
    }
    s
}

/// A setting's medians, ranges and ratio, as TOML keys.
fn write_timed(s: &mut String, time: &Timed) {
    let mut spread = |name: &str, t: Spread| {
        let _ = writeln!(s, "{name}_seconds = {:.2}", t.median);
        let _ = writeln!(s, "{name}_seconds_range = [{:.2}, {:.2}]", t.low, t.high);
    };
    spread("rust", time.rust);
    if let Some(t) = time.torch {
        spread("torch", t);
        let _ = writeln!(s, "ratio = {:.2}", time.rust.median / t.median);
    }
}

/// The time now, UTC, to the second (RFC 3339).
fn now() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

fn median(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn min(xs: &[f64]) -> f64 {
    xs.iter().copied().fold(f64::INFINITY, f64::min)
}

fn max(xs: &[f64]) -> f64 {
    xs.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}

fn show(x: Option<f64>) -> String {
    x.map_or("-".into(), |x| format!("{x:.2}"))
}

fn show0(x: Option<f64>) -> String {
    x.map_or("-".into(), |x| format!("{x:.0}"))
}
