//! Every intermediate matrix of a forward and backward pass, allocated once for the largest
//! batch and reused at every step. A smaller batch (the last one of an epoch) uses the first
//! rows of each buffer.

use ndarray::{Array2, ArrayView2, ArrayViewMut2, s};

use crate::scalar::Real;
use crate::shape::VaeShape;

/// The activations the backward pass needs, and scratch space for the gradients flowing
/// back. Names follow the page: `h_enc` holds the encoder's hidden layers (one buffer per
/// layer), `d_...` a gradient.
#[derive(Debug, Clone)]
pub struct Workspace<F> {
    pub h_enc: Vec<Array2<F>>,
    pub mu: Array2<F>,
    pub logvar: Array2<F>,
    pub eps: Array2<F>,
    pub z: Array2<F>,
    pub h_dec: Vec<Array2<F>>,
    pub logits: Array2<F>,
    pub d_logits: Array2<F>,
    pub d_h_dec: Vec<Array2<F>>,
    pub d_z: Array2<F>,
    pub d_mu: Array2<F>,
    pub d_logvar: Array2<F>,
    pub d_h_enc: Vec<Array2<F>>,
}

impl<F: Real> Workspace<F> {
    /// Buffers for batches of up to `capacity` examples of a network of the given shape.
    pub fn new(shape: VaeShape, capacity: usize) -> Self {
        let m = |cols| Array2::zeros((capacity, cols));
        let layers = || {
            (0..shape.depth)
                .map(|_| m(shape.hidden))
                .collect::<Vec<_>>()
        };
        let (d, l) = (shape.input, shape.latent);
        Workspace {
            h_enc: layers(),
            mu: m(l),
            logvar: m(l),
            eps: m(l),
            z: m(l),
            h_dec: layers(),
            logits: m(d),
            d_logits: m(d),
            d_h_dec: layers(),
            d_z: m(l),
            d_mu: m(l),
            d_logvar: m(l),
            d_h_enc: layers(),
        }
    }

    /// The largest batch the buffers hold.
    pub fn capacity(&self) -> usize {
        self.mu.nrows()
    }

    /// How many numbers the buffers hold in all. The destructuring names every field, so a
    /// new buffer cannot be left out of the count.
    pub fn numbers(&self) -> usize {
        let Workspace {
            h_enc,
            mu,
            logvar,
            eps,
            z,
            h_dec,
            logits,
            d_logits,
            d_h_dec,
            d_z,
            d_mu,
            d_logvar,
            d_h_enc,
        } = self;
        let layers = [h_enc, h_dec, d_h_dec, d_h_enc];
        let single = [mu, logvar, eps, z, logits, d_logits, d_z, d_mu, d_logvar];
        layers
            .iter()
            .flat_map(|l| l.iter())
            .chain(single)
            .map(|a| a.len())
            .sum()
    }
}

// ANCHOR: rows
/// The first `n` rows of a buffer.
pub fn rows<F>(buffer: &Array2<F>, n: usize) -> ArrayView2<'_, F> {
    buffer.slice(s![..n, ..])
}

/// The first `n` rows of a buffer, writable.
pub fn rows_mut<F>(buffer: &mut Array2<F>, n: usize) -> ArrayViewMut2<'_, F> {
    buffer.slice_mut(s![..n, ..])
}
// ANCHOR_END: rows
