//! The whole VAE: encoder, reparameterized sample, decoder, the loss (the negative ELBO), and
//! the backward pass that gives the gradient of every parameter.

use ch02_elbo::kl::{kl_standard_normal, kl_standard_normal_backward};
use ch03_reparameterization::reparam::{
    draw_standard_normal, reparameterize, reparameterize_backward,
};
use ndarray::ArrayRef2;
use rand::{Rng, RngCore};
use rand_distr::{Distribution, StandardNormal};

use crate::bernoulli::{bce_grad, probabilities};
use crate::decoder::Decoder;
use crate::dense::Dense;
use crate::encoder::Encoder;
use crate::input::Input;
use crate::scalar::Real;
use crate::shape::VaeShape;
use crate::workspace::{Workspace, rows, rows_mut};

/// The parameters of a VAE. A `Vae` of zeros ([`Vae::zeros`]) has exactly the shape of the
/// gradient, and serves as the gradient's buffer.
#[derive(Debug, Clone, PartialEq)]
pub struct Vae<F> {
    pub encoder: Encoder<F>,
    pub decoder: Decoder<F>,
}

/// How the forward pass picks `z`: a random draw `mu + sigma * eps` (training, and the
/// reported ELBO), or the mean `mu` itself (eps = 0: the VAE acts as a plain autoencoder).
pub enum Latent<'r> {
    Sample(&'r mut dyn RngCore),
    Mean,
}

/// The two terms of the negative ELBO, each summed over a batch of `count` images.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Loss<F> {
    /// Cross-entropy of the pixels under the decoder: `-log p(x | z)` for binary images.
    pub reconstruction: F,
    /// `KL(q(z | x) || p(z))`.
    pub kl: F,
    pub count: usize,
}

impl<F: Real> Loss<F> {
    /// The negative ELBO summed over the batch.
    pub fn total(&self) -> F {
        self.reconstruction + self.kl
    }

    /// The negative ELBO in nats per image, the number the book reports.
    pub fn per_image(&self) -> F {
        self.total() / F::of(self.count as f64)
    }
}

impl<F: Real> Vae<F>
where
    StandardNormal: Distribution<F>,
{
    /// A VAE with freshly initialised weights (see [`Dense::new`]), drawn from `rng`.
    pub fn new(shape: VaeShape, rng: &mut impl Rng) -> Self {
        Vae {
            encoder: Encoder::new(shape, rng),
            decoder: Decoder::new(shape, rng),
        }
    }

    /// All zeros: the buffer for a gradient.
    pub fn zeros(shape: VaeShape) -> Self {
        Vae {
            encoder: Encoder::zeros(shape),
            decoder: Decoder::zeros(shape),
        }
    }

    pub fn shape(&self) -> VaeShape {
        VaeShape {
            input: self.encoder.hidden.inputs(),
            hidden: self.encoder.hidden.outputs(),
            latent: self.encoder.mu.outputs(),
        }
    }

    /// The five dense layers, in a fixed order (encoder, then decoder).
    pub fn layers(&self) -> [&Dense<F>; 5] {
        let (e, d) = (&self.encoder, &self.decoder);
        [&e.hidden, &e.mu, &e.logvar, &d.hidden, &d.output]
    }

    pub fn layers_mut(&mut self) -> [&mut Dense<F>; 5] {
        let (e, d) = (&mut self.encoder, &mut self.decoder);
        [
            &mut e.hidden,
            &mut e.mu,
            &mut e.logvar,
            &mut d.hidden,
            &mut d.output,
        ]
    }

    /// Every parameter tensor as a flat slice, weight then bias for each layer of
    /// [`Vae::layers`]: what an optimiser walks over.
    pub fn parameters(&self) -> Vec<&[F]> {
        self.layers()
            .into_iter()
            .flat_map(|l| [l.weight.as_slice(), l.bias.as_slice()])
            .map(|s| s.expect("parameters are stored contiguously"))
            .collect()
    }

    pub fn parameters_mut(&mut self) -> Vec<&mut [F]> {
        self.layers_mut()
            .into_iter()
            .flat_map(|l| [l.weight.as_slice_mut(), l.bias.as_slice_mut()])
            .map(|s| s.expect("parameters are stored contiguously"))
            .collect()
    }

    // ANCHOR: forward
    /// The forward pass for the batch `x` (one image per row, pixels in [0, 1]): fills the
    /// workspace with `h_enc`, `mu`, `logvar`, `eps`, `z`, `h_dec` and the pixel logits.
    pub fn forward(&self, x: &(impl Input<F> + ?Sized), latent: Latent<'_>, ws: &mut Workspace<F>) {
        let n = x.values().nrows();
        assert!(n <= ws.capacity(), "batch of {n} exceeds the workspace");
        let (mu, logvar) = (
            &mut rows_mut(&mut ws.mu, n),
            &mut rows_mut(&mut ws.logvar, n),
        );
        self.encoder
            .forward(x, &mut rows_mut(&mut ws.h_enc, n), mu, logvar);
        let eps = &mut rows_mut(&mut ws.eps, n);
        match latent {
            Latent::Sample(rng) => draw_standard_normal(rng, eps),
            Latent::Mean => eps.fill(F::zero()),
        }
        let z = &mut rows_mut(&mut ws.z, n);
        reparameterize(mu, logvar, eps, z);
        self.decoder.forward(
            z,
            &mut rows_mut(&mut ws.h_dec, n),
            &mut rows_mut(&mut ws.logits, n),
        );
    }
    // ANCHOR_END: forward

    // ANCHOR: backward
    /// The backward pass after [`Vae::forward`] on the same `x`: writes into `grad` the
    /// gradient of the batch's summed loss `reconstruction + beta * KL` with respect to every
    /// parameter. With `want_loss`, also returns the loss (an extra logarithm per pixel).
    pub fn backward(
        &self,
        x: &(impl Input<F> + ?Sized),
        ws: &mut Workspace<F>,
        beta: F,
        grad: &mut Vae<F>,
        want_loss: bool,
    ) -> Option<Loss<F>> {
        let n = x.values().nrows();
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
        } = ws;
        let (mu, logvar) = (&rows(mu, n), &rows(logvar, n));
        let d_logits = &mut rows_mut(d_logits, n);
        let reconstruction = bce_grad(&rows(logits, n), &x.values(), d_logits, want_loss);
        let d_z = &mut rows_mut(d_z, n);
        self.decoder.backward(
            &rows(z, n),
            &rows(h_dec, n),
            d_logits,
            &mut rows_mut(d_h_dec, n),
            d_z,
            &mut grad.decoder,
        );
        let (d_mu, d_logvar) = (&mut rows_mut(d_mu, n), &mut rows_mut(d_logvar, n));
        d_mu.fill(F::zero());
        d_logvar.fill(F::zero());
        reparameterize_backward(d_z, logvar, &rows(eps, n), d_mu, d_logvar);
        kl_standard_normal_backward(mu, logvar, beta, d_mu, d_logvar);
        self.encoder.backward(
            x,
            &rows(h_enc, n),
            d_mu,
            d_logvar,
            &mut rows_mut(d_h_enc, n),
            &mut grad.encoder,
        );
        reconstruction.map(|reconstruction| Loss {
            reconstruction,
            kl: kl_standard_normal(mu, logvar),
            count: n,
        })
    }
    // ANCHOR_END: backward

    /// The loss of the batch after [`Vae::forward`], without gradients (for evaluation).
    /// Uses `d_logits` as scratch.
    pub fn loss(&self, x: &(impl Input<F> + ?Sized), ws: &mut Workspace<F>) -> Loss<F> {
        let x = x.values();
        let n = x.nrows();
        let reconstruction = bce_grad(
            &rows(&ws.logits, n),
            &x,
            &mut rows_mut(&mut ws.d_logits, n),
            true,
        )
        .expect("asked for the loss");
        Loss {
            reconstruction,
            kl: kl_standard_normal(&rows(&ws.mu, n), &rows(&ws.logvar, n)),
            count: n,
        }
    }

    /// Encodes the batch `x` (one image per row, pixels in [0, 1]) into the parameters of
    /// `q(z | x)`: its means `mu` and log-variances `logvar`, using the workspace's encoder
    /// buffers.
    pub fn encode(
        &self,
        x: &ArrayRef2<F>,
        ws: &mut Workspace<F>,
        mu: &mut ArrayRef2<F>,
        logvar: &mut ArrayRef2<F>,
    ) {
        let n = x.nrows();
        assert!(n <= ws.capacity(), "batch of {n} exceeds the workspace");
        self.encoder
            .forward(x, &mut rows_mut(&mut ws.h_enc, n), mu, logvar);
    }

    /// Decodes the latent codes `z` (one per row) into pixel probabilities `probs`, using the
    /// workspace's decoder buffers.
    pub fn decode(&self, z: &ArrayRef2<F>, ws: &mut Workspace<F>, probs: &mut ArrayRef2<F>) {
        let n = z.nrows();
        let logits = &mut rows_mut(&mut ws.logits, n);
        self.decoder
            .forward(z, &mut rows_mut(&mut ws.h_dec, n), logits);
        probabilities(logits, probs);
    }
}
