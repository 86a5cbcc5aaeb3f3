//! Chapter 5's VAE in candle 0.11, on the CPU, as candle's own examples write a model: a
//! `VarMap` and a `VarBuilder` creating `candle_nn::linear` layers, the images kept as one
//! tensor with each shuffled batch gathered by `index_select`, and `backward_step` of the
//! optimizer.
//!
//! Defaults, as candle has them: matrix products by the `gemm` crate on rayon, one thread per
//! core unless `RAYON_NUM_THREADS` says otherwise (which `--threads` sets); elementwise
//! operations on one thread. `candle_nn::linear` initialises weights Kaiming-normal and biases
//! uniform in +-1/sqrt(fan_in) (PyTorch: both uniform). candle has AdamW only; with weight
//! decay 0 it is Adam with PyTorch's betas and epsilon (its defaults, but weight decay 0.01).
//! The CPU generator cannot be seeded (`Device::set_seed` refuses), so each run differs.
//! `--torch-init` initialises weights as PyTorch does instead, to show what the default costs.

use std::time::Instant;

use anyhow::Result;
use candle_core::{DType, Device, Tensor};
use candle_nn::Init;
use candle_nn::{AdamW, Linear, Module, Optimizer, ParamsAdamW, VarBuilder, VarMap};
use clap::Parser;
use common::{Mnist, Options, Report};
use rand::seq::SliceRandom;

struct Vae {
    fc1: Linear,
    mu: Linear,
    logvar: Linear,
    fc3: Linear,
    fc4: Linear,
}

/// Command line: the shared options, and the choice of initialisation.
#[derive(Debug, Parser)]
struct Args {
    #[command(flatten)]
    common: Options,

    /// Weights uniform in +-1/sqrt(fan_in), as PyTorch's nn.Linear, not candle's Kaiming normal.
    #[arg(long)]
    torch_init: bool,
}

/// A `candle_nn::linear` whose weights are drawn as PyTorch draws them.
fn torch_linear(in_dim: usize, out_dim: usize, vb: VarBuilder) -> candle_core::Result<Linear> {
    let bound = 1.0 / (in_dim as f64).sqrt();
    let init = Init::Uniform {
        lo: -bound,
        up: bound,
    };
    let ws = vb.get_with_hints((out_dim, in_dim), "weight", init)?;
    let bs = vb.get_with_hints(out_dim, "bias", init)?;
    Ok(Linear::new(ws, Some(bs)))
}

impl Vae {
    fn new(pixels: usize, vb: VarBuilder, torch_init: bool) -> candle_core::Result<Self> {
        let linear = if torch_init {
            torch_linear
        } else {
            candle_nn::linear
        };
        Ok(Vae {
            fc1: linear(pixels, 400, vb.pp("fc1"))?,
            mu: linear(400, 20, vb.pp("mu"))?,
            logvar: linear(400, 20, vb.pp("logvar"))?,
            fc3: linear(20, 400, vb.pp("fc3"))?,
            fc4: linear(400, pixels, vb.pp("fc4"))?,
        })
    }

    /// The decoder's logits, and the encoder's mean and log-variance.
    fn forward(&self, x: &Tensor) -> candle_core::Result<(Tensor, Tensor, Tensor)> {
        let h = self.fc1.forward(x)?.relu()?;
        let (mu, logvar) = (self.mu.forward(&h)?, self.logvar.forward(&h)?);
        let z = (&mu + (&logvar * 0.5)?.exp()? * mu.randn_like(0.0, 1.0)?)?;
        let logits = self.fc4.forward(&self.fc3.forward(&z)?.relu()?)?;
        Ok((logits, mu, logvar))
    }
}

/// The negative ELBO summed over the batch: Bernoulli cross-entropy from the logits, in the
/// stable form max(l, 0) - l x + log(1 + exp(-|l|)), plus the closed-form KL.
fn loss(logits: &Tensor, x: &Tensor, mu: &Tensor, logvar: &Tensor) -> candle_core::Result<Tensor> {
    let softplus = (logits.abs()?.neg()?.exp()? + 1.0)?.log()?;
    let recon = ((logits.relu()? - (logits * x)?)? + softplus)?.sum_all()?;
    let kl = ((logvar + 1.0)? - mu.sqr()? - logvar.exp()?)?.sum_all()?;
    recon - (kl * 0.5)?
}

fn main() -> Result<()> {
    let args = Args::parse();
    let options = args.common;
    options.validate()?;
    if let Some(threads) = options.threads {
        // SAFETY: no other thread runs yet; candle reads this at every matrix product.
        unsafe { std::env::set_var("RAYON_NUM_THREADS", threads.to_string()) };
    }
    let data: Mnist = common::load(&options)?;
    let device = Device::Cpu;
    let train = Tensor::from_slice(&data.train, (data.train_len(), data.pixels), &device)?;
    let test = Tensor::from_slice(&data.test, (data.test_len(), data.pixels), &device)?;
    let threads = candle_core::utils::get_num_threads();
    let name = if args.torch_init {
        "candle (CPU, PyTorch's init)"
    } else {
        "candle (CPU)"
    };
    let mut report = Report::new(name, threads, &options, &data);

    let varmap = VarMap::new();
    let vae = Vae::new(
        data.pixels,
        VarBuilder::from_varmap(&varmap, DType::F32, &device),
        args.torch_init,
    )?;
    let params = ParamsAdamW {
        lr: 1e-3,
        weight_decay: 0.0,
        ..Default::default()
    };
    let mut opt = AdamW::new(varmap.all_vars(), params)?;
    let mut order: Vec<u32> = (0..data.train_len() as u32).collect();
    for _ in 0..options.epochs {
        let start = Instant::now();
        order.shuffle(&mut rand::rng());
        let mut train_sum = 0.0;
        for indices in order.chunks(options.batch_size) {
            let indices = Tensor::from_slice(indices, indices.len(), &device)?;
            let x = train.index_select(&indices, 0)?;
            let (logits, mu, logvar) = vae.forward(&x)?;
            let loss = loss(&logits, &x, &mu, &logvar)?;
            opt.backward_step(&loss)?;
            train_sum += f64::from(loss.to_scalar::<f32>()?);
        }
        let elapsed = start.elapsed();
        let mut test_sum = 0.0;
        for first in (0..data.test_len()).step_by(options.batch_size) {
            let x = test.narrow(0, first, options.batch_size.min(data.test_len() - first))?;
            let (logits, mu, logvar) = vae.forward(&x)?;
            test_sum += f64::from(loss(&logits, &x, &mu, &logvar)?.to_scalar::<f32>()?);
        }
        report.epoch(elapsed, train_sum, test_sum, data.test_len());
    }
    report.finish(&options)
}
