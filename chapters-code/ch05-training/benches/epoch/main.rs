//! `cargo bench -p ch05-training`: the speed and memory of training on real MNIST, printed as
//! figures, not asserted: timings vary by machine and, on a shared machine, from run to run.
//!
//! Without options it trains two epochs of the default model (784-400-20-400-784, batch 128)
//! on the 60,000 training images and evaluates the test set, then prints images per second,
//! seconds per epoch, the GFLOP/s of the matrix products and the peak resident memory.
//! `--first-layer dense` times the first layer with the zero pixels multiplied too (the same
//! bits as the default, `sparse`), to see what skipping them gains on this processor.
//!
//! `cargo bench -p ch05-training -- --compare` runs chapter 5's training and the PyTorch
//! reference script (`reference/vae_torch.py`, which needs `pip install torch numpy`) back to
//! back on the same machine and the same files: seconds per epoch of each and their ratio,
//! the test losses, then seconds per epoch for hidden widths 400/800/1600 and batches
//! 32/128/512, and passes per second of chapter 7's network (784-200-200-50, tanh, batch 20,
//! dynamically binarized), each the median of `--scaling-passes` passes (3) of a fresh model. `--results FILE` writes the figures to a TOML file (the book's is
//! `book/media/ch05-training/speed.toml`).
//!
//! `cargo bench -p ch05-training -- --gemm` times the matrix products of one step on one
//! thread, in matrixmultiply and in PyTorch, beside a large square product (`gemm.rs`).

mod compare;
mod gemm;
mod machine;
mod torch;

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Result, bail};
use ch04_model::shape::VaeShape;
use ch05_training::ink::FirstLayer;
use ch05_training::trainer::Trainer;
use clap::Parser;
use mnist::{DataOptions, Dataset};

/// Figures of chapter 5's training speed, and a side-by-side comparison with PyTorch.
#[derive(Debug, Parser)]
struct Options {
    /// Time the matrix products of a training step, on one thread, in matrixmultiply and in
    /// PyTorch (`--results FILE` writes them as TOML).
    #[arg(long, conflicts_with = "compare")]
    gemm: bool,

    /// Run chapter 5 and the PyTorch reference back to back (and the scaling table).
    #[arg(long)]
    compare: bool,

    /// Epochs to time (default: 2, or 10 with --compare).
    #[arg(long)]
    epochs: Option<usize>,

    /// Threads for both implementations (default: every core, or 2 with --compare).
    #[arg(long)]
    threads: Option<usize>,

    /// With --compare, write every figure to this TOML file (a relative path is read from
    /// the workspace's root: `cargo bench` runs benchmarks in their crate's folder).
    #[arg(long)]
    results: Option<PathBuf>,

    /// With --compare, skip the table of hidden widths and batch sizes.
    #[arg(long)]
    no_scaling: bool,

    /// With --compare, time the table's settings on the first N training images only (the
    /// seconds are still per epoch of all of them: the time of N images times 60,000 / N).
    #[arg(long, default_value_t = 60_000)]
    scaling_images: usize,

    /// With --compare, time each of the table's settings (and chapter 7's) as the median of
    /// this many passes of a fresh model.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..))]
    scaling_passes: u64,

    /// Run PyTorch with OMP_WAIT_POLICY=PASSIVE: its threads sleep between operations instead
    /// of spinning, which it needs on a machine that other programs keep busy.
    #[arg(long)]
    omp_passive: bool,

    /// The Python interpreter that has torch and numpy.
    #[arg(long, default_value = "python3")]
    python: String,

    /// The first layer's products: `sparse` (the inked pixels only, the default) or `dense`.
    /// Not with --compare.
    #[arg(long, value_enum)]
    first_layer: Option<Path>,

    /// Passed by `cargo bench` to every benchmark; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

/// The command line's names for [`FirstLayer`].
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Path {
    Sparse,
    Dense,
}

fn main() -> Result<()> {
    let mut options = Options::parse();
    if let Some(path) = options.results.take() {
        let path = support::paths::workspace_root().join(path);
        // Checked now, not after minutes of measuring.
        match path.parent() {
            Some(folder) if folder.is_dir() => {}
            _ => bail!(
                "--results {}: no such folder to write it in",
                path.display()
            ),
        }
        options.results = Some(path);
    }
    if options.gemm {
        let torch = torch::available(&options.python);
        return gemm::run(&options.python, torch, options.results.as_deref());
    }
    let set = mnist::load(&DataOptions {
        dataset: Dataset::Mnist,
        data_dir: std::env::var_os("MNIST_DIR").map(Into::into),
    })?;
    if options.compare {
        if options.first_layer.is_some() {
            bail!("--first-layer times chapter 5 alone; leave it out of --compare");
        }
        return compare::run(&options, &set);
    }
    let epochs = options.epochs.unwrap_or(2);
    let batch = 128;
    let shape = VaeShape::MNIST;
    let mut trainer = Trainer::new(shape, batch, 1e-3, 1);
    if let Some(threads) = options.threads {
        trainer.set_threads(threads);
    }
    match options.first_layer {
        Some(Path::Sparse) => trainer.set_first_layer(FirstLayer::Sparse),
        Some(Path::Dense) => trainer.set_first_layer(FirstLayer::Dense),
        None => {}
    }
    let images = set.train.images.view();
    let n = images.nrows();
    let steps = n.div_ceil(batch);
    let flops = shape.step_flops(batch) * (n as f64 / batch as f64);
    println!(
        "training {epochs} epochs of {n} images, batch {batch}, {steps} steps per epoch, \
         {} threads, {:.2e} flop of dense matrix products per epoch, first layer {:?}",
        trainer.threads(),
        flops,
        trainer.first_layer()
    );
    println!("epoch  seconds  images/s  GFLOP/s  train loss  test loss  eval seconds");
    for epoch in 1..=epochs {
        let start = Instant::now();
        let train_loss = trainer.train_epoch(images, epoch, 1, |_| {})?;
        let seconds = start.elapsed().as_secs_f64();
        let start = Instant::now();
        let test = trainer.evaluate(set.test.images.view(), 1, epoch);
        let eval = start.elapsed().as_secs_f64();
        println!(
            "{epoch:>5}  {seconds:>7.3}  {:>8.0}  {:>7.1}  {train_loss:>10.2}  {:>9.2}  {eval:>12.3}",
            n as f64 / seconds,
            flops / seconds / 1e9,
            test.per_image(),
        );
    }
    println!("(GFLOP/s counts the dense products' operations, skipped zero pixels included)");
    match machine::peak_memory_kib() {
        Some(kib) => println!("peak resident memory: {:.0} MiB", kib as f64 / 1024.0),
        None => println!("peak resident memory: unknown (no /proc/self/status)"),
    }
    Ok(())
}
