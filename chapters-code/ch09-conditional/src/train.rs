//! One training loop for the chapter's three networks: a fresh order of the training images
//! every epoch (chapter 5's), mini-batches gathered with pixels in [0, 1], each batch's summed
//! loss differentiated by the network's own backward pass, and chapter 5's Adam.

use std::time::Instant;

use ndarray::{Array2, ArrayView2, s};
use rand::rngs::StdRng;

use ch05_training::adam::Adam;
use ch05_training::batches::{gather, shuffled_order};
use mnist::Split;

use crate::baseline::Baseline;
use crate::cvae::Cvae;
use crate::labelled::LabelledVae;

/// What Adam needs of a network: its parameters as flat slices, and a gradient's.
pub trait Trainable {
    fn parameters(&self) -> Vec<&[f32]>;
    fn parameters_mut(&mut self) -> Vec<&mut [f32]>;
}

macro_rules! trainable {
    ($($t:ident),*) => {$(
        impl Trainable for $t<f32> {
            fn parameters(&self) -> Vec<&[f32]> {
                $t::parameters(self)
            }
            fn parameters_mut(&mut self) -> Vec<&mut [f32]> {
                $t::parameters_mut(self)
            }
        }
    )*};
}
trainable!(Baseline, Cvae, LabelledVae);

/// How long and how fast to train.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Schedule {
    pub epochs: usize,
    pub batch_size: usize,
    pub lr: f32,
}

/// What one epoch did: its mean training loss per image and its wall time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Epoch {
    pub loss: f64,
    pub seconds: f64,
}

// ANCHOR: train
/// Trains `model` on `data` for the schedule's epochs. `step` fills `grad` with the gradient
/// of a batch's summed loss (images in [0, 1], their labels, the epoch's generator) and
/// returns that loss; `rng(epoch)` gives each epoch its own stream for the order and noise.
pub fn train<M: Trainable>(
    model: &mut M,
    grad: &mut M,
    data: &Split,
    schedule: Schedule,
    mut rng: impl FnMut(usize) -> StdRng,
    mut step: impl FnMut(&M, ArrayView2<f32>, &[u8], &mut StdRng, &mut M) -> f64,
    mut report: impl FnMut(usize, Epoch),
) -> Vec<Epoch> {
    let sizes: Vec<usize> = model.parameters().iter().map(|p| p.len()).collect();
    let mut adam = Adam::new(&sizes, schedule.lr);
    let mut batch = Array2::<f32>::zeros((schedule.batch_size, data.images.ncols()));
    let mut epochs = Vec::new();
    for epoch in 0..schedule.epochs {
        let start = Instant::now();
        let mut rng = rng(epoch);
        let order = shuffled_order(data.len(), &mut rng);
        let mut total = 0.0;
        for indices in order.chunks(schedule.batch_size) {
            let n = indices.len();
            gather(data.images.view(), indices, batch.slice_mut(s![..n, ..]));
            let labels: Vec<u8> = indices.iter().map(|&i| data.labels[i]).collect();
            total += step(model, batch.slice(s![..n, ..]), &labels, &mut rng, grad);
            adam.step(&mut model.parameters_mut(), &grad.parameters());
        }
        let done = Epoch {
            loss: total / data.len() as f64,
            seconds: start.elapsed().as_secs_f64(),
        };
        report(epoch, done);
        epochs.push(done);
    }
    epochs
}
// ANCHOR_END: train
