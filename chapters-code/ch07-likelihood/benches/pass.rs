//! `cargo bench -p ch07-likelihood`: the speed of training the paper's VAE at batch 20 on real,
//! dynamically binarized MNIST, printed as figures (not asserted: timings vary by machine and
//! by what else it runs). For 1 and 2 threads and for the ELBO and the IWAE bound with k = 5,
//! it times one pass over the 60,000 training images (3,000 steps, as in the schedule: a few
//! hundred steps on a subset were not representative) and prints steps per second, seconds per
//! pass and hours for the 3,280 passes of the paper's schedule, and the CPU seconds the process
//! used (wall time alone overstates the cost when other programs share the cores).

use std::time::Instant;

use anyhow::Result;
use ch07_likelihood::binarize::{self, Binarize};
use ch07_likelihood::model::SHAPE;
use ch07_likelihood::progress::machine;
use ch07_likelihood::schedule::Schedule;
use ch07_likelihood::train::{self, RunSpec};
use mnist::{DataOptions, Dataset};

const BATCH: usize = 20;

fn main() -> Result<()> {
    let mut set = mnist::load(&DataOptions {
        dataset: Dataset::Mnist,
        data_dir: std::env::var_os("MNIST_DIR").map(Into::into),
    })?;
    binarize::prepare(&mut set, Binarize::Dynamic);
    let steps = set.train.len().div_ceil(BATCH);
    println!(
        "{}; one pass of {steps} steps of batch {BATCH} per measurement",
        machine()
    );
    println!("threads  k  steps/s  s/pass  hours/3280 passes  CPU s/step");
    for (threads, k) in [(1, 1), (2, 1), (2, 5)] {
        let spec = RunSpec {
            shape: SHAPE,
            schedule: Schedule::Full,
            k,
            batch_size: BATCH,
            seed: 1,
            binarize: Binarize::Dynamic,
            limit: None,
            threads,
        };
        let mut trainer = train::trainer(&spec, &set);
        let (start, cpu) = (Instant::now(), cpu_seconds());
        trainer.train_epoch(set.train.images.view(), 1, 1, |_| {})?;
        let seconds = start.elapsed().as_secs_f64();
        let cpu = cpu_seconds().zip(cpu).map(|(b, a)| b - a);
        let per_step = seconds / steps as f64;
        println!(
            "{threads:>7}  {k}  {:>7.0}  {:>6.1}  {:>17.1}  {}",
            1.0 / per_step,
            seconds,
            seconds * 3280.0 / 3600.0,
            cpu.map_or("unknown".into(), |c| format!("{:.4}", c / steps as f64))
        );
    }
    Ok(())
}

/// User plus system CPU seconds of this process so far, from Linux's /proc.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}
