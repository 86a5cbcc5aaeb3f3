//! The training loop's state and its two jobs: one epoch of Adam steps over shuffled
//! mini-batches, and the negative ELBO on a held-out set.

use std::path::Path;

use anyhow::{Context, Result, bail, ensure};
use ch04_model::shape::VaeShape;
use ch04_model::vae::{Latent, Loss, Vae};
use ch04_model::workspace::{Workspace, rows_mut};
use ndarray::{Array2, ArrayView2};

use crate::adam::Adam;
use crate::batches::{gather, shuffled_order};
use crate::checkpoint::Checkpoint;
use crate::seeds::{self, Purpose};

/// Everything that persists from step to step: the model, Adam's state, and the buffers a
/// step reuses (the gradient, the activations, the batch), allocated once.
pub struct Trainer {
    pub vae: Vae<f32>,
    pub adam: Adam,
    /// The weight of the KL term: 1 for the ELBO, other values for a beta-VAE.
    pub beta: f32,
    pub batch_size: usize,
    grad: Vae<f32>,
    ws: Workspace<f32>,
    batch: Array2<f32>,
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

impl Trainer {
    /// A fresh model, initialised from the run's seed.
    pub fn new(shape: VaeShape, batch_size: usize, lr: f32, seed: u64) -> Self {
        let vae = Vae::new(shape, &mut seeds::rng(seed, Purpose::Init, 0));
        let sizes: Vec<usize> = vae.parameters().iter().map(|p| p.len()).collect();
        Trainer {
            adam: Adam::new(&sizes, lr),
            beta: 1.0,
            batch_size,
            grad: Vae::zeros(shape),
            ws: Workspace::new(shape, batch_size),
            batch: Array2::zeros((batch_size, shape.input)),
            vae,
        }
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
            let x = &mut rows_mut(&mut self.batch, indices.len());
            gather(images, indices, x.view_mut());
            self.vae.forward(x, Latent::Sample(&mut rng), &mut self.ws);
            let loss = self
                .vae
                .backward(x, &mut self.ws, self.beta, &mut self.grad, true)
                .expect("the loss was asked for");
            let per_image =
                f64::from(loss.reconstruction + self.beta * loss.kl) / indices.len() as f64;
            if !per_image.is_finite() {
                bail!(
                    "epoch {epoch}, step {}: the loss is {per_image} (reconstruction {}, KL {}); \
                     the weights have diverged, most likely because the learning rate (--lr {}) \
                     is too high for these data",
                    i + 1,
                    loss.reconstruction,
                    loss.kl,
                    self.adam.lr
                );
            }
            self.adam
                .step(&mut self.vae.parameters_mut(), &self.grad.parameters());
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
            let x = &mut rows_mut(&mut self.batch, indices.len());
            gather(images, indices, x.view_mut());
            self.vae.forward(x, Latent::Sample(&mut rng), &mut self.ws);
            let loss = self.vae.loss(x, &mut self.ws);
            sum.reconstruction += f64::from(loss.reconstruction);
            sum.kl += f64::from(loss.kl);
            sum.count += loss.count;
        }
        sum
    }
    // ANCHOR_END: evaluate

    /// Decodes latent points into pixel probabilities, one image per row.
    pub fn decode(&mut self, z: ArrayView2<f32>) -> Array2<f32> {
        let mut out = Array2::zeros((z.nrows(), self.shape().input));
        for (z, mut out) in z
            .axis_chunks_iter(ndarray::Axis(0), self.batch_size)
            .zip(out.axis_chunks_iter_mut(ndarray::Axis(0), self.batch_size))
        {
            self.vae.decode(&z, &mut self.ws, &mut out);
        }
        out
    }

    /// The images passed through the encoder's mean and the decoder: reconstructions.
    pub fn reconstruct(&mut self, images: ArrayView2<u8>) -> Array2<f32> {
        let mut out = Array2::zeros((images.nrows(), self.shape().input));
        let all: Vec<usize> = (0..images.nrows()).collect();
        for (indices, mut out) in all
            .chunks(self.batch_size)
            .zip(out.axis_chunks_iter_mut(ndarray::Axis(0), self.batch_size))
        {
            let x = &mut rows_mut(&mut self.batch, indices.len());
            gather(images, indices, x.view_mut());
            self.vae.forward(x, Latent::Mean, &mut self.ws);
            let z = self.ws.z.slice(ndarray::s![..indices.len(), ..]).to_owned();
            self.vae.decode(&z, &mut self.ws, &mut out);
        }
        out
    }

    /// The model and Adam's state, for a checkpoint after `epoch` epochs.
    pub fn checkpoint(&self, epoch: usize, settings: Vec<(String, String)>) -> Checkpoint {
        Checkpoint {
            epoch,
            adam_t: self.adam.t,
            settings,
            tensors: self.vae.parameters().iter().map(|p| p.to_vec()).collect(),
            adam_m: self.adam.m.clone(),
            adam_v: self.adam.v.clone(),
        }
    }

    /// A trainer holding a saved model, its sizes, batch size, learning rate and KL weight
    /// read from the checkpoint's settings: how later chapters load a trained VAE.
    pub fn from_checkpoint(path: &Path) -> Result<(Trainer, Checkpoint)> {
        let checkpoint = Checkpoint::load(path)?;
        let setting = |key: &str| -> Result<&str> {
            checkpoint
                .settings
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
                .with_context(|| format!("{}: has no {key} setting", path.display()))
        };
        let number = |key: &str| -> Result<usize> {
            setting(key)?
                .parse()
                .with_context(|| format!("{}: bad {key} setting", path.display()))
        };
        let shape = VaeShape {
            input: number("input")?,
            hidden: number("hidden")?,
            latent: number("latent")?,
        };
        let lr = setting("lr")?
            .parse()
            .with_context(|| format!("{}: bad lr setting", path.display()))?;
        let mut trainer = Trainer::new(shape, number("batch_size")?, lr, 0);
        trainer.beta = setting("beta")?
            .parse()
            .with_context(|| format!("{}: bad beta setting", path.display()))?;
        trainer.restore(&checkpoint, path)?;
        Ok((trainer, checkpoint))
    }

    /// Loads a checkpoint's parameters and Adam's state; its tensor sizes must fit this model.
    pub fn restore(&mut self, checkpoint: &Checkpoint, path: &Path) -> Result<()> {
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
