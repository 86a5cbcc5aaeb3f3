//! The deterministic baseline: a network from the given pixels straight to one probability per
//! pixel, trained on the cross-entropy of the pixels to predict. Chapter 4's decoder is that
//! kind of network (hidden layers, then one logit per pixel), fed the masked image instead of
//! a code. Asked for the most likely completion under a loss that scores each pixel on its
//! own, it learns each pixel's mean over the digits that share the given quadrants: where
//! those digits disagree, a blur.

use ndarray::{Array2, ArrayRef2, ArrayView2};
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

use ch04_model::activation::Activation;
use ch04_model::decoder::Decoder;
use ch04_model::dense::Dense;
use ch04_model::scalar::Real;
use ch04_model::shape::VaeShape;
use ch04_model::stack;
use ch04_model::workspace::{rows, rows_mut};

use crate::masked::masked_bce_grad;
use crate::parameters::{flat, flat_mut};

/// `pixels -> hidden (x depth, ReLU) -> pixels` logits.
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline<F> {
    pub net: Decoder<F>,
}

/// The activations of a batch, and scratch for the backward pass.
#[derive(Debug, Clone)]
pub struct BaselineWorkspace<F> {
    pub h: Vec<Array2<F>>,
    pub logits: Array2<F>,
    pub d_logits: Array2<F>,
    pub d_h: Vec<Array2<F>>,
}

/// The shape of the baseline: chapter 4's decoder whose "code" is the masked image.
pub fn shape(pixels: usize, hidden: usize, depth: usize) -> VaeShape {
    VaeShape {
        input: pixels,
        hidden,
        latent: pixels,
        depth,
        activation: Activation::Relu,
    }
}

impl<F: Real> Baseline<F>
where
    StandardNormal: Distribution<F>,
{
    pub fn new(pixels: usize, hidden: usize, depth: usize, rng: &mut impl Rng) -> Self {
        Baseline {
            net: Decoder::new(shape(pixels, hidden, depth), rng),
        }
    }

    pub fn zeros_like(&self) -> Self {
        Baseline {
            net: Decoder::zeros(self.shape()),
        }
    }

    pub fn shape(&self) -> VaeShape {
        shape(
            self.net.output.outputs(),
            self.net.output.inputs(),
            self.net.hidden.len(),
        )
    }

    pub fn workspace(&self, capacity: usize) -> BaselineWorkspace<F> {
        let s = self.shape();
        let m = |c| Array2::zeros((capacity, c));
        BaselineWorkspace {
            h: (0..s.depth).map(|_| m(s.hidden)).collect(),
            logits: m(s.input),
            d_logits: m(s.input),
            d_h: (0..s.depth).map(|_| m(s.hidden)).collect(),
        }
    }

    fn layers(&self) -> Vec<&Dense<F>> {
        self.net.layers().collect()
    }

    fn layers_mut(&mut self) -> Vec<&mut Dense<F>> {
        self.net.layers_mut().collect()
    }

    /// Weight then bias of each layer, as flat slices: what Adam walks over.
    pub fn parameters(&self) -> Vec<&[F]> {
        flat(self.layers())
    }

    pub fn parameters_mut(&mut self) -> Vec<&mut [F]> {
        flat_mut(self.layers_mut())
    }

    /// The logits for the batch `x` (given pixels, -1 elsewhere), in the workspace.
    pub fn forward<'w>(
        &self,
        x: &ArrayRef2<F>,
        ws: &'w mut BaselineWorkspace<F>,
    ) -> ArrayView2<'w, F> {
        let n = x.nrows();
        self.net
            .forward(x, &mut ws.h, &mut rows_mut(&mut ws.logits, n));
        rows(&ws.logits, n)
    }

    // ANCHOR: backward
    /// The summed cross-entropy of the scored pixels of `y` (mask 1) for the batch `x`, and
    /// its gradient in every weight, written into `grad`.
    pub fn loss_and_gradient(
        &self,
        x: &ArrayRef2<F>,
        y: &ArrayRef2<F>,
        mask: &[F],
        ws: &mut BaselineWorkspace<F>,
        grad: &mut Baseline<F>,
    ) -> F {
        let n = x.nrows();
        self.forward(x, ws);
        let d_logits = &mut rows_mut(&mut ws.d_logits, n);
        let loss = masked_bce_grad(&rows(&ws.logits, n), y, mask, d_logits);
        let top = ws.h.len() - 1;
        let d_last = &mut rows_mut(&mut ws.d_h[top], n);
        let net = &self.net;
        net.output.backward(
            &rows(&ws.h[top], n),
            d_logits,
            &mut grad.net.output,
            Some(d_last),
        );
        // Nothing upstream of the data needs its gradient: no `dx`.
        stack::backward(
            &net.hidden,
            net.activation,
            x,
            &ws.h,
            &mut ws.d_h,
            &mut grad.net.hidden,
            None,
        );
        loss
    }
    // ANCHOR_END: backward
}
