//! Training a [`Model`] on one [`Recipe`]: chapter 5's batches and Adam, on one thread, the
//! rate term set by the recipe at each step (warm-up changes it step by step).

use std::time::Instant;

use anyhow::{Result, bail};
use ch04_model::vae::Latent;
use ch04_model::workspace::{Workspace, rows, rows_mut};
use ch05_training::adam::Adam;
use ch05_training::batches::{gather, shuffled_order};
use ch05_training::seeds::{self, Purpose};
use ndarray::{Array2, ArrayView2};
use rand::Rng;
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::model::Model;
use crate::rate::Recipe;

/// How long and on what a model is trained.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plan {
    pub recipe: Recipe,
    pub passes: usize,
    pub batch_size: usize,
    pub lr: f32,
    pub seed: u64,
}

/// One pass's training averages, nats per image.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PassRecord {
    pub pass: usize,
    pub distortion: f64,
    pub rate: f64,
    pub seconds: f64,
}

// ANCHOR: train
/// Trains `model` on `images` (bytes, one per row) as `plan` says; returns each pass's
/// averages. A NaN or infinite loss stops the run before it reaches the weights.
pub fn train(
    model: &mut Model<f32>,
    images: ArrayView2<u8>,
    plan: &Plan,
) -> Result<Vec<PassRecord>> {
    let sizes: Vec<usize> = model.parameters().iter().map(|p| p.len()).collect();
    let mut adam = Adam::new(&sizes, plan.lr);
    let (b, shape) = (plan.batch_size, model.shape());
    let mut batch = Array2::zeros((b, shape.input));
    let mut ws = Workspace::new(shape, b);
    let mut grad = model.zeros_like();
    let steps = images.nrows().div_ceil(b);
    let mut records = Vec::with_capacity(plan.passes);
    for pass in 1..=plan.passes {
        let start = Instant::now();
        let mut rng = seeds::rng(plan.seed, Purpose::Train, pass);
        let order = shuffled_order(images.nrows(), &mut rng);
        let (mut distortion, mut rate) = (0.0, 0.0);
        for (step, indices) in order.chunks(b).enumerate() {
            let n = indices.len();
            gather(images, indices, rows_mut(&mut batch, n));
            let x = rows(&batch, n);
            let mut noise = StdRng::seed_from_u64(rng.random());
            model.forward(&x, Latent::Sample(&mut noise), &mut ws);
            let progress = (pass - 1) as f64 + step as f64 / steps as f64;
            let loss = model.backward(&x, &mut ws, plan.recipe.rate_term(progress), &mut grad);
            if !loss.objective().is_finite() {
                bail!(
                    "{}: pass {pass}, step {}: the loss is {}; the weights have diverged \
                     (try a lower --lr than {})",
                    plan.recipe,
                    step + 1,
                    loss.objective(),
                    plan.lr
                );
            }
            adam.step(&mut model.parameters_mut(), &grad.parameters());
            distortion += f64::from(loss.distortion);
            rate += f64::from(loss.rate);
        }
        let count = images.nrows() as f64;
        records.push(PassRecord {
            pass,
            distortion: distortion / count,
            rate: rate / count,
            seconds: start.elapsed().as_secs_f64(),
        });
    }
    Ok(records)
}
// ANCHOR_END: train
