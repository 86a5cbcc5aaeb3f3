//! `cargo bench -p ch05-training`: the speed and memory of training on real MNIST, printed as
//! figures (not asserted: timings vary by machine and by run).
//!
//! Trains two epochs of the default model (784-400-20-400-784, batch 128) on the 60,000
//! training images and evaluates the test set, then prints images per second, seconds per
//! epoch, the GFLOP/s of the matrix products and the peak resident memory.

use std::time::Instant;

use anyhow::Result;
use ch04_model::shape::VaeShape;
use ch05_training::data::{self, DataOptions, Dataset};
use ch05_training::trainer::Trainer;

const EPOCHS: usize = 2;
const BATCH: usize = 128;

fn main() -> Result<()> {
    let set = data::load(&DataOptions {
        dataset: Dataset::Mnist,
        data_dir: std::env::var_os("MNIST_DIR").map(Into::into),
    })?;
    let shape = VaeShape::MNIST;
    let mut trainer = Trainer::new(shape, BATCH, 1e-3, 1);
    let images = set.train.images.view();
    let n = images.nrows();
    let steps = n.div_ceil(BATCH);
    let flops = shape.step_flops(BATCH) * (n as f64 / BATCH as f64);
    println!(
        "training {EPOCHS} epochs of {n} images, batch {BATCH}, {steps} steps per epoch, \
         {:.2e} flop of matrix products per epoch",
        flops
    );
    println!("epoch  seconds  images/s  GFLOP/s  train loss  test loss  eval seconds");
    for epoch in 1..=EPOCHS {
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
    match peak_memory_kib() {
        Some(kib) => println!("peak resident memory: {:.0} MiB", kib as f64 / 1024.0),
        None => println!("peak resident memory: unknown (no /proc/self/status)"),
    }
    Ok(())
}

/// The process's high-water mark of resident memory, from Linux's /proc.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
