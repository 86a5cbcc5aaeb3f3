//! Chapter 7's VAE, with or without the autoregressive connections of [`Autoregressive`]:
//! the forward pass, and the backward pass of the distortion plus any [`RateTerm`].

use ch02_elbo::kl::kl_standard_normal;
use ch04_model::bernoulli::bce_grad;
use ch04_model::scalar::Real;
use ch04_model::shape::VaeShape;
use ch04_model::vae::{Latent, Vae};
use ch04_model::workspace::{Workspace, rows, rows_mut};
use ndarray::ArrayRef2;
use rand_distr::{Distribution, StandardNormal};

use crate::autoregressive::Autoregressive;
use crate::rate::RateTerm;

/// A VAE whose decoder may also see the image's earlier pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Model<F> {
    pub vae: Vae<F>,
    pub autoregressive: Option<Autoregressive<F>>,
}

/// A batch's distortion `Σ -log p(x | z)`, rate `Σ KL(q(z | x) || p(z))` and the penalty the
/// objective charged for the rate, each summed over its `count` images.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepLoss<F> {
    pub distortion: F,
    pub rate: F,
    pub penalty: F,
    pub count: usize,
}

impl<F: Real> StepLoss<F> {
    /// What the step minimised: distortion plus the rate's penalty.
    pub fn objective(&self) -> F {
        self.distortion + self.penalty
    }
}

impl<F: Real> Model<F>
where
    StandardNormal: Distribution<F>,
{
    /// Zeros shaped like `self`: the gradient's buffer.
    pub fn zeros_like(&self) -> Self {
        let shape = self.vae.shape();
        Model {
            vae: Vae::zeros(shape),
            autoregressive: self
                .autoregressive
                .as_ref()
                .map(|a| Autoregressive::zeros(a.pixels())),
        }
    }

    pub fn shape(&self) -> VaeShape {
        self.vae.shape()
    }

    /// Every parameter tensor as a flat slice: the VAE's, then the masked weights.
    pub fn parameters(&self) -> Vec<&[F]> {
        let mut p = self.vae.parameters();
        if let Some(a) = &self.autoregressive {
            p.push(a.weight.as_slice().expect("contiguous"));
        }
        p
    }

    pub fn parameters_mut(&mut self) -> Vec<&mut [F]> {
        let mut p = self.vae.parameters_mut();
        if let Some(a) = &mut self.autoregressive {
            p.push(a.weight.as_slice_mut().expect("contiguous"));
        }
        p
    }

    // ANCHOR: forward
    /// Chapter 4's forward pass, then the earlier pixels' votes added to the logits.
    pub fn forward(&self, x: &ArrayRef2<F>, latent: Latent<'_>, ws: &mut Workspace<F>) {
        self.vae.forward(x, latent, ws);
        if let Some(a) = &self.autoregressive {
            a.forward(x, &mut rows_mut(&mut ws.logits, x.nrows()));
        }
    }
    // ANCHOR_END: forward

    // ANCHOR: backward
    /// After [`Model::forward`] on `x`: the gradient of `distortion + rate.value` into `grad`,
    /// and the batch's terms. Chapter 4's backward pass with two changes: the masked layer's
    /// gradient, from the same dL/dlogits as the decoder's; and the KL's gradient replaced by
    /// that of `rate`.
    pub fn backward(
        &self,
        x: &ArrayRef2<F>,
        ws: &mut Workspace<F>,
        rate: RateTerm,
        grad: &mut Model<F>,
    ) -> StepLoss<F> {
        let n = x.nrows();
        let d_logits = &mut rows_mut(&mut ws.d_logits, n);
        let distortion = bce_grad(&rows(&ws.logits, n), x, d_logits, true).expect("asked for");
        if let (Some(a), Some(g)) = (&self.autoregressive, &mut grad.autoregressive) {
            a.backward(x, d_logits, g);
        }
        self.vae.backward_from_logits(x, ws, &rate, &mut grad.vae);
        let (mu, logvar) = (&rows(&ws.mu, n), &rows(&ws.logvar, n));
        StepLoss {
            distortion,
            rate: kl_standard_normal(mu, logvar),
            penalty: rate.value(mu, logvar),
            count: n,
        }
    }
    // ANCHOR_END: backward
}
