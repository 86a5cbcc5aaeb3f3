//! Chapter 5's VAE in burn 0.22, as the Burn Book's custom training loop writes a model: a
//! `#[derive(Module)]` struct of `Linear` layers, a `Dataset` and a `Batcher` fed through
//! burn's `DataLoader` (shuffled each epoch), `loss.backward()`, `GradientsParams` and the
//! optimizer's `step`.
//!
//! Defaults, as burn has them: the NdArray backend (deprecated in 0.22 in favour of Flex, but
//! the pure-Rust CPU backend the comparison names) with burn's default features, so rayon and
//! matrixmultiply's threading are on: one worker per core unless `RAYON_NUM_THREADS` says
//! otherwise (which `--threads` sets). `LinearConfig` initialises as PyTorch's `nn.Linear`
//! does (Kaiming uniform, gain 1/sqrt(3)). Burn's `AdamConfig` defaults to epsilon 1e-5; it is
//! set to PyTorch's 1e-8 here, as chapter 5 specifies.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Result;
use burn::data::dataloader::batcher::Batcher;
use burn::data::dataloader::{DataLoader, DataLoaderBuilder};
use burn::data::dataset::InMemDataset;
use burn::nn::{Linear, LinearConfig};
use burn::optim::{AdamConfig, GradientsParams};
use burn::prelude::*;
use burn::tensor::Distribution;
use burn::tensor::activation::{log_sigmoid, relu};
use clap::Parser;
use common::{Mnist, Options, Report};

#[derive(Module, Debug)]
struct Vae {
    fc1: Linear,
    mu: Linear,
    logvar: Linear,
    fc3: Linear,
    fc4: Linear,
}

impl Vae {
    fn new(pixels: usize, device: &Device) -> Self {
        Vae {
            fc1: LinearConfig::new(pixels, 400).init(device),
            mu: LinearConfig::new(400, 20).init(device),
            logvar: LinearConfig::new(400, 20).init(device),
            fc3: LinearConfig::new(20, 400).init(device),
            fc4: LinearConfig::new(400, pixels).init(device),
        }
    }

    /// The decoder's logits, and the encoder's mean and log-variance.
    fn forward(&self, x: Tensor<2>) -> (Tensor<2>, Tensor<2>, Tensor<2>) {
        let h = relu(self.fc1.forward(x));
        let (mu, logvar) = (self.mu.forward(h.clone()), self.logvar.forward(h));
        let eps = Tensor::random(mu.shape(), Distribution::Normal(0.0, 1.0), &mu.device());
        let z = mu.clone() + (logvar.clone() * 0.5).exp() * eps;
        (self.fc4.forward(relu(self.fc3.forward(z))), mu, logvar)
    }
}

/// The negative ELBO summed over the batch: Bernoulli cross-entropy from the logits (stable
/// through log-sigmoid) plus the closed-form KL.
fn loss(logits: Tensor<2>, x: Tensor<2>, mu: Tensor<2>, logvar: Tensor<2>) -> Tensor<1> {
    let recon = -(x.clone() * log_sigmoid(logits.clone()) + (-x + 1.0) * log_sigmoid(-logits));
    let kl = (logvar.clone() + 1.0 - mu.powi_scalar(2) - logvar.exp()) * -0.5;
    recon.sum() + kl.sum()
}

#[derive(Clone)]
struct ImageBatcher;

impl Batcher<Vec<f32>, Tensor<2>> for ImageBatcher {
    fn batch(&self, items: Vec<Vec<f32>>, device: &Device) -> Tensor<2> {
        let rows = items
            .iter()
            .map(|x| Tensor::<1>::from_floats(x.as_slice(), device));
        Tensor::stack(rows.collect(), 0)
    }
}

/// The images as burn's in-memory `Dataset`, one item per image, batched by `ImageBatcher`.
fn loader(
    pixels: &[f32],
    size: usize,
    options: &Options,
    shuffle: bool,
    device: &Device,
) -> Arc<dyn DataLoader<Tensor<2>>> {
    let mut builder = DataLoaderBuilder::new(ImageBatcher).batch_size(options.batch_size);
    if shuffle {
        builder = builder.shuffle(options.seed);
    }
    let images = pixels.chunks(size).map(<[f32]>::to_vec).collect();
    builder
        .set_device(device.clone())
        .build(InMemDataset::new(images))
}

fn main() -> Result<()> {
    let options = Options::parse();
    options.validate()?;
    if let Some(threads) = options.threads {
        // SAFETY: no other thread runs yet; rayon reads this when its pool starts.
        unsafe { std::env::set_var("RAYON_NUM_THREADS", threads.to_string()) };
    }
    let data: Mnist = common::load(&options)?;
    // Deprecated in burn 0.22 for Flex; NdArray is the CPU backend this comparison names.
    #[allow(deprecated)]
    let device = Device::ndarray().autodiff();
    device.seed(options.seed);
    let threads = std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let mut report = Report::new("burn (NdArray, autodiff)", threads, &options, &data);
    let mut model = Vae::new(data.pixels, &device);
    let mut optim = AdamConfig::new().with_epsilon(1e-8).init();
    let train = loader(&data.train, data.pixels, &options, true, &device);
    let test = loader(
        &data.test,
        data.pixels,
        &options,
        false,
        &device.clone().without_autodiff(),
    );
    for _ in 0..options.epochs {
        let start = Instant::now();
        let mut train_sum = 0.0;
        for x in train.iter() {
            let x = x?;
            let (logits, mu, logvar) = model.forward(x.clone());
            let loss = loss(logits, x, mu, logvar);
            train_sum += f64::from(loss.clone().into_scalar::<f32>());
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            model = optim.step(1e-3, model, grads);
        }
        let elapsed = start.elapsed();
        let valid = model.valid();
        let mut test_sum = 0.0;
        for x in test.iter() {
            let x = x?;
            let (logits, mu, logvar) = valid.forward(x.clone());
            test_sum += f64::from(loss(logits, x, mu, logvar).into_scalar::<f32>());
        }
        report.epoch(elapsed, train_sum, test_sum, data.test_len());
    }
    report.finish(&options)
}
