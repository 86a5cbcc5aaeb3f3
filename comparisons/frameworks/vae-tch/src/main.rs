//! Chapter 5's VAE in tch-rs 0.26 (libtorch 2.13 from the installed PyTorch), as tch's own
//! `examples/vae` writes it: `nn::linear` layers under a `VarStore`, batches from tch's
//! `Iter2` shuffled each epoch, `nn::Adam` and `backward_step`. One change: the loss is
//! computed from the logits (`binary_cross_entropy_with_logits`), as PyTorch's reference
//! script and chapter 5 do, where the example applies a sigmoid first.
//!
//! Defaults, as libtorch has them: intra-op threads = the number of physical cores (OpenMP),
//! which `--threads` changes through `tch::set_num_threads`; OpenMP's threads spin while they
//! wait unless `OMP_WAIT_POLICY=PASSIVE`. `nn::linear` draws weights Kaiming-uniform with
//! ReLU's gain (bound sqrt(6/fan_in), not PyTorch's 1/sqrt(fan_in)) and biases as PyTorch does;
//! `--torch-init` draws the weights as PyTorch does, to show what the default changes.
//! `nn::Adam::default()` has PyTorch's betas and epsilon.

use std::time::Instant;

use anyhow::Result;
use clap::Parser;
use common::{Mnist, Options, Report};
use tch::data::Iter2;
use tch::nn::{self, Module, OptimizerConfig};
use tch::{Device, Kind, Reduction, Tensor};

struct Vae {
    fc1: nn::Linear,
    mu: nn::Linear,
    logvar: nn::Linear,
    fc3: nn::Linear,
    fc4: nn::Linear,
}

/// Command line: the shared options, and the choice of initialisation.
#[derive(Debug, Parser)]
struct Args {
    #[command(flatten)]
    common: Options,

    /// Weights uniform in +-1/sqrt(fan_in), as PyTorch's nn.Linear, not tch's Kaiming uniform.
    #[arg(long)]
    torch_init: bool,
}

impl Vae {
    fn new(vs: &nn::Path, pixels: i64, torch_init: bool) -> Self {
        let linear = |name: &str, i: i64, o: i64| {
            let mut config = nn::LinearConfig::default();
            if torch_init {
                let bound = 1.0 / (i as f64).sqrt();
                config.ws_init = nn::Init::Uniform {
                    lo: -bound,
                    up: bound,
                };
            }
            nn::linear(vs / name, i, o, config)
        };
        Vae {
            fc1: linear("fc1", pixels, 400),
            mu: linear("mu", 400, 20),
            logvar: linear("logvar", 400, 20),
            fc3: linear("fc3", 20, 400),
            fc4: linear("fc4", 400, pixels),
        }
    }

    /// The decoder's logits, and the encoder's mean and log-variance.
    fn forward(&self, xs: &Tensor) -> (Tensor, Tensor, Tensor) {
        let h = xs.apply(&self.fc1).relu();
        let (mu, logvar) = (self.mu.forward(&h), self.logvar.forward(&h));
        let z = &mu + (&logvar * 0.5).exp() * mu.randn_like();
        (z.apply(&self.fc3).relu().apply(&self.fc4), mu, logvar)
    }
}

/// The negative ELBO summed over the batch: Bernoulli cross-entropy from the logits plus the
/// closed-form KL.
fn loss(logits: &Tensor, x: &Tensor, mu: &Tensor, logvar: &Tensor) -> Tensor {
    let bce = logits.binary_cross_entropy_with_logits::<Tensor>(x, None, None, Reduction::Sum);
    let kld = -0.5 * (1i64 + logvar - mu.pow_tensor_scalar(2) - logvar.exp()).sum(Kind::Float);
    bce + kld
}

fn main() -> Result<()> {
    let args = Args::parse();
    let options = args.common;
    options.validate()?;
    if let Some(threads) = options.threads {
        tch::set_num_threads(threads as i32);
    }
    tch::manual_seed(options.seed as i64);
    let data: Mnist = common::load(&options)?;
    let pixels = data.pixels as i64;
    let train = Tensor::from_slice(&data.train).view([-1, pixels]);
    let test = Tensor::from_slice(&data.test).view([-1, pixels]);
    let threads = tch::get_num_threads() as usize;
    let name = if args.torch_init {
        "tch-rs (libtorch, CPU, PyTorch's init)"
    } else {
        "tch-rs (libtorch, CPU)"
    };
    let mut report = Report::new(name, threads, &options, &data);

    let vs = nn::VarStore::new(Device::Cpu);
    let vae = Vae::new(&vs.root(), pixels, args.torch_init);
    let mut opt = nn::Adam::default().build(&vs, 1e-3)?;
    let batch = options.batch_size as i64;
    for _ in 0..options.epochs {
        let start = Instant::now();
        let mut train_sum = 0.0;
        // Iter2 wants labels; the images stand in for them and are not used.
        for (x, _) in Iter2::new(&train, &train, batch)
            .shuffle()
            .return_smaller_last_batch()
        {
            let (logits, mu, logvar) = vae.forward(&x);
            let loss = loss(&logits, &x, &mu, &logvar);
            opt.backward_step(&loss);
            train_sum += f64::try_from(&loss)?;
        }
        let elapsed = start.elapsed();
        let test_sum = tch::no_grad(|| -> Result<f64> {
            let mut sum = 0.0;
            for x in test.split(batch, 0) {
                let (logits, mu, logvar) = vae.forward(&x);
                sum += f64::try_from(&loss(&logits, &x, &mu, &logvar))?;
            }
            Ok(sum)
        })?;
        report.epoch(elapsed, train_sum, test_sum, data.test_len());
    }
    report.finish(&options)
}
