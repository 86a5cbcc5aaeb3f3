//! The training loop's state and its two jobs: one epoch of Adam steps over shuffled
//! mini-batches, and the negative ELBO on a held-out set.

use std::path::Path;

use anyhow::{Result, bail, ensure};
use ch04_model::shape::VaeShape;
use ch04_model::vae::{Latent, Loss, Vae};
use ch04_model::workspace::{Workspace, rows, rows_mut};
use ndarray::{Array2, ArrayView2};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::adam::Adam;
use crate::batches::{gather, shuffled_order};
use crate::checkpoint::{Checkpoint, CheckpointSettings};
use crate::ink::{FirstLayer, InkedBatch};
use crate::seeds::{self, Purpose};

// ANCHOR: objective
/// What a training step minimises, summed over a shard's images, with its gradient: chapter
/// 4's negative ELBO ([`Elbo`]) unless a later chapter plugs in another bound. Before the
/// forward pass, [`Objective::prepare`] may change the batch: draw its pixels, repeat its
/// images (chapter 7 does both).
pub trait Objective: Send + Sync {
    /// The most rows [`Objective::prepare`] makes of one image: what a shard's buffers hold.
    fn rows_per_image(&self) -> usize {
        1
    }

    /// Turns the `n` images in the first rows of `batch` (pixels in [0, 1]) into the rows the
    /// forward pass sees, and returns how many there are (at most `n` times
    /// [`Objective::rows_per_image`]). Any draws come from `noise`, the step's generator,
    /// which then draws the forward pass's noise. By default the `n` images as they are.
    fn prepare(&self, batch: &mut Array2<f32>, n: usize, noise: &mut StdRng) -> usize {
        let _ = (batch, noise);
        n
    }

    /// After [`Vae::forward`] on the batch `x` (as [`Objective::prepare`] made it), writes the
    /// gradient of the summed loss into `grad` and returns the loss.
    fn backward(
        &self,
        vae: &Vae<f32>,
        x: &InkedBatch,
        ws: &mut Workspace<f32>,
        beta: f32,
        grad: &mut Vae<f32>,
    ) -> Loss<f32>;
}

/// The negative ELBO, `reconstruction + beta * KL`: chapter 4's loss and backward pass.
#[derive(Debug, Clone, Copy, Default)]
pub struct Elbo;

impl Objective for Elbo {
    fn backward(
        &self,
        vae: &Vae<f32>,
        x: &InkedBatch,
        ws: &mut Workspace<f32>,
        beta: f32,
        grad: &mut Vae<f32>,
    ) -> Loss<f32> {
        vae.backward(x, ws, beta, grad, true)
            .expect("the loss was asked for")
    }
}
// ANCHOR_END: objective

/// Everything that persists from step to step: the model, Adam's state, and the buffers a
/// step reuses, allocated once. A batch is cut into one *shard* per thread; each shard has
/// its own activations and gradient, so the threads share nothing but the read-only model.
pub struct Trainer {
    pub vae: Vae<f32>,
    pub adam: Adam,
    /// The weight of the KL term: 1 for the ELBO, other values for a beta-VAE.
    pub beta: f32,
    pub batch_size: usize,
    objective: Box<dyn Objective>,
    /// The first layer's products (sparse or dense: the same bits, not the same speed).
    first_layer: FirstLayer,
    shards: Vec<Shard>,
}

/// One thread's part of a batch: its images, activations and gradient.
struct Shard {
    /// The images as the model sees them (as the objective prepared them, in training).
    batch: Array2<f32>,
    /// The same rows with where their ink is, which the first layer reads (see [`InkedBatch`]).
    inked: InkedBatch,
    ws: Workspace<f32>,
    grad: Vae<f32>,
}

impl Shard {
    /// Copies the images at `part` into this shard's batch, lets `objective` prepare them (in
    /// training; an evaluation passes `None` and sees the images as they are), and runs the
    /// forward pass with noise from a generator seeded by `noise_seed`, the one `prepare`
    /// draws from first; returns the number of rows of the batch.
    fn forward(
        &mut self,
        vae: &Vae<f32>,
        images: ArrayView2<u8>,
        part: &[usize],
        noise_seed: u64,
        objective: Option<&dyn Objective>,
    ) -> usize {
        let n = part.len();
        gather(images, part, rows_mut(&mut self.batch, n));
        let mut noise = StdRng::seed_from_u64(noise_seed);
        let n = objective.map_or(n, |o| o.prepare(&mut self.batch, n, &mut noise));
        self.inked.index(rows(&self.batch, n));
        vae.forward(&self.inked, Latent::Sample(&mut noise), &mut self.ws);
        n
    }

    fn new(shape: VaeShape, capacity: usize, first_layer: FirstLayer) -> Self {
        Shard {
            batch: Array2::zeros((capacity, shape.input)),
            inked: InkedBatch::with_first_layer(capacity, shape.input, first_layer),
            ws: Workspace::new(shape, capacity),
            grad: Vae::zeros(shape),
        }
    }
}

/// What a training step reports to whoever watches (the progress bar).
#[derive(Debug, Clone, Copy)]
pub struct Step {
    pub epoch: usize,
    /// 1-based step within the epoch, and the epoch's number of steps.
    pub step: usize,
    pub steps: usize,
    /// The step's negative ELBO, nats per image.
    pub loss: f64,
}

/// Runs `work` on each shard with its part of `indices`, on one thread per shard (the first
/// on the calling thread). Parts differ in size by at most one image.
fn on_shards<R: Send>(
    shards: &mut [Shard],
    indices: &[usize],
    work: impl Fn(usize, &mut Shard, &[usize]) -> R + Sync,
) -> Vec<R> {
    let per = indices.len().div_ceil(shards.len()).max(1);
    let mut parts = shards.iter_mut().zip(indices.chunks(per)).enumerate();
    let Some((_, (first, first_part))) = parts.next() else {
        return Vec::new();
    };
    let work = &work;
    std::thread::scope(|scope| {
        let others: Vec<_> = parts
            .map(|(k, (shard, part))| scope.spawn(move || work(k, shard, part)))
            .collect();
        let mut results = vec![work(0, first, first_part)];
        results.extend(
            others
                .into_iter()
                .map(|h| h.join().expect("a shard panicked")),
        );
        results
    })
}

impl Trainer {
    /// A fresh model, initialised from the run's seed, computing on every core.
    pub fn new(shape: VaeShape, batch_size: usize, lr: f32, seed: u64) -> Self {
        Trainer::with_vae(
            Vae::new(shape, &mut seeds::rng(seed, Purpose::Init, 0)),
            batch_size,
            lr,
        )
    }

    /// A trainer for a model initialised by the caller, computing on every core.
    pub fn with_vae(vae: Vae<f32>, batch_size: usize, lr: f32) -> Self {
        let sizes: Vec<usize> = vae.parameters().iter().map(|p| p.len()).collect();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mut trainer = Trainer {
            adam: Adam::new(&sizes, lr),
            beta: 1.0,
            batch_size,
            objective: Box::new(Elbo),
            first_layer: FirstLayer::default(),
            shards: Vec::new(),
            vae,
        };
        trainer.set_threads(threads);
        trainer
    }

    /// Computes on `threads` threads (at least 1, at most one per image of a batch). The
    /// numbers depend on it: each shard's gradient is summed in a fixed order, so a run is
    /// reproducible bit for bit with the same `threads`.
    pub fn set_threads(&mut self, threads: usize) {
        let threads = threads.clamp(1, self.batch_size);
        let capacity = self.batch_size.div_ceil(threads) * self.objective.rows_per_image();
        let shape = self.shape();
        let first_layer = self.first_layer;
        self.shards = (0..threads)
            .map(|_| Shard::new(shape, capacity, first_layer))
            .collect();
    }

    /// Computes the first layer's products as `first_layer` says (the benchmark times both).
    pub fn set_first_layer(&mut self, first_layer: FirstLayer) {
        self.first_layer = first_layer;
        self.set_threads(self.shards.len());
    }

    pub fn first_layer(&self) -> FirstLayer {
        self.first_layer
    }

    /// Trains with `objective` from now on (chapter 4's negative ELBO until then).
    pub fn set_objective(&mut self, objective: Box<dyn Objective>) {
        self.objective = objective;
        self.set_threads(self.threads());
    }

    pub fn threads(&self) -> usize {
        self.shards.len()
    }

    pub fn shape(&self) -> VaeShape {
        self.vae.shape()
    }

    // ANCHOR: epoch
    /// One pass over `images` (one per row, u8 pixels) in a shuffled order: per mini-batch,
    /// forward, backward, one Adam step. Returns the mean negative ELBO of the batches as
    /// they were trained. A NaN or infinite loss stops the epoch before it reaches the weights.
    pub fn train_epoch(
        &mut self,
        images: ArrayView2<u8>,
        epoch: usize,
        seed: u64,
        mut on_step: impl FnMut(Step),
    ) -> Result<f64> {
        let mut rng = seeds::rng(seed, Purpose::Train, epoch);
        let order = shuffled_order(images.nrows(), &mut rng);
        let steps = order.len().div_ceil(self.batch_size);
        let mut total = 0.0;
        for (i, indices) in order.chunks(self.batch_size).enumerate() {
            // Each shard draws its noise from its own generator, seeded from the epoch's.
            let noise_seeds: Vec<u64> = self.shards.iter().map(|_| rng.random()).collect();
            let (vae, beta, objective) = (&self.vae, self.beta, &*self.objective);
            let losses = on_shards(&mut self.shards, indices, |k, shard, part| {
                shard.forward(vae, images, part, noise_seeds[k], Some(objective));
                objective.backward(vae, &shard.inked, &mut shard.ws, beta, &mut shard.grad)
            });
            let (reconstruction, kl) = losses.iter().fold((0.0, 0.0), |(r, k), l| {
                (r + f64::from(l.reconstruction), k + f64::from(l.kl))
            });
            let per_image = (reconstruction + f64::from(self.beta) * kl) / indices.len() as f64;
            if !per_image.is_finite() {
                bail!(
                    "epoch {epoch}, step {}: the loss is {per_image} (reconstruction \
                     {reconstruction}, KL {kl}); the weights have diverged at learning rate {}",
                    i + 1,
                    self.adam.lr
                );
            }
            let used = &self.shards[..losses.len()];
            let grads: Vec<Vec<&[f32]>> = used.iter().map(|s| s.grad.parameters()).collect();
            self.adam
                .step_summed(&mut self.vae.parameters_mut(), &grads, used.len());
            total += per_image * indices.len() as f64;
            on_step(Step {
                epoch,
                step: i + 1,
                steps,
                loss: per_image,
            });
        }
        Ok(total / images.nrows() as f64)
    }
    // ANCHOR_END: epoch

    // ANCHOR: evaluate
    /// The negative ELBO of `images` and its two terms, summed in f64 over mini-batches, with
    /// one sampled `z` per image as in training (the estimate PyTorch's example reports).
    pub fn evaluate(&mut self, images: ArrayView2<u8>, seed: u64, epoch: usize) -> Loss<f64> {
        let mut rng = seeds::rng(seed, Purpose::Test, epoch);
        let mut sum = Loss {
            reconstruction: 0.0,
            kl: 0.0,
            count: 0,
        };
        let all: Vec<usize> = (0..images.nrows()).collect();
        for indices in all.chunks(self.batch_size) {
            let noise_seeds: Vec<u64> = self.shards.iter().map(|_| rng.random()).collect();
            let vae = &self.vae;
            let losses = on_shards(&mut self.shards, indices, |k, shard, part| {
                shard.forward(vae, images, part, noise_seeds[k], None);
                vae.loss(&shard.inked, &mut shard.ws)
            });
            for loss in losses {
                sum.reconstruction += f64::from(loss.reconstruction);
                sum.kl += f64::from(loss.kl);
                sum.count += loss.count;
            }
        }
        sum
    }
    // ANCHOR_END: evaluate

    /// The model and Adam's state, for a checkpoint after `epoch` epochs.
    pub fn checkpoint<S: CheckpointSettings>(&self, epoch: usize, settings: S) -> Checkpoint<S> {
        Checkpoint {
            epoch,
            adam_t: self.adam.t,
            settings,
            tensors: self.vae.parameters().iter().map(|p| p.to_vec()).collect(),
            adam_m: self.adam.m.clone(),
            adam_v: self.adam.v.clone(),
        }
    }

    /// A trainer holding a saved model, with the sizes, batch size, learning rate and KL
    /// weight of the checkpoint's settings: how later chapters load a trained VAE.
    pub fn from_checkpoint(path: &Path) -> Result<(Trainer, Checkpoint)> {
        let checkpoint: Checkpoint = Checkpoint::load(path)?;
        let s = &checkpoint.settings;
        // Before a model of the header's shape is allocated: the tensors the file holds must
        // fill it, or a header not describing them could ask for more memory than there is.
        let saved: usize = checkpoint.tensors.iter().map(Vec::len).sum();
        ensure!(
            checked_parameter_count(s.shape) == Some(saved),
            "{}: its settings describe a {}-{}-{} VAE, but it holds {saved} parameters",
            path.display(),
            s.shape.input,
            s.shape.hidden,
            s.shape.latent
        );
        let mut trainer = Trainer::new(s.shape, s.batch_size, s.lr, s.seed);
        trainer.beta = s.beta;
        trainer.restore(&checkpoint, path)?;
        Ok((trainer, checkpoint))
    }

    /// Loads a checkpoint's parameters and Adam's state; its tensor sizes must fit this model.
    pub fn restore<S: CheckpointSettings>(
        &mut self,
        checkpoint: &Checkpoint<S>,
        path: &Path,
    ) -> Result<()> {
        let expected: Vec<usize> = self.vae.parameters().iter().map(|p| p.len()).collect();
        for tensors in [&checkpoint.tensors, &checkpoint.adam_m, &checkpoint.adam_v] {
            let sizes: Vec<usize> = tensors.iter().map(Vec::len).collect();
            ensure!(
                sizes == expected,
                "{}: its tensors have sizes {sizes:?}, this model needs {expected:?}",
                path.display()
            );
        }
        for (p, saved) in self
            .vae
            .parameters_mut()
            .into_iter()
            .zip(&checkpoint.tensors)
        {
            p.copy_from_slice(saved);
        }
        self.adam.m.clone_from(&checkpoint.adam_m);
        self.adam.v.clone_from(&checkpoint.adam_v);
        self.adam.t = checkpoint.adam_t;
        Ok(())
    }
}

/// [`VaeShape::parameter_count`], or `None` where the sizes a header declares overflow it.
fn checked_parameter_count(shape: VaeShape) -> Option<usize> {
    let dense = |i: usize, o: usize| i.checked_mul(o)?.checked_add(o);
    let deeper = (shape.depth.checked_sub(1)?).checked_mul(dense(shape.hidden, shape.hidden)?)?;
    [
        dense(shape.input, shape.hidden)?,
        deeper,
        dense(shape.hidden, shape.latent)?,
        dense(shape.hidden, shape.latent)?,
        dense(shape.latent, shape.hidden)?,
        deeper,
        dense(shape.hidden, shape.input)?,
    ]
    .into_iter()
    .try_fold(0usize, usize::checked_add)
}
