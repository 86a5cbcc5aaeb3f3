//! The whole VAE: encoder, reparameterized sample, decoder, the loss (the negative ELBO), and
//! the backward pass that gives the gradient of every parameter. Later chapters' losses share
//! that pass: each brings its own gradient at the logits and its own terms at the latent code
//! ([`LatentTerms`]).

use ch02_elbo::kl::{kl_standard_normal, kl_standard_normal_backward};
use ch03_reparameterization::reparam::{
    draw_standard_normal, reparameterize, reparameterize_backward,
};
use ndarray::{ArrayRef2, ArrayView2};
use rand::{Rng, RngCore};
use rand_distr::{Distribution, StandardNormal};

use crate::bernoulli::{bce_grad, probabilities};
use crate::decoder::Decoder;
use crate::dense::{Dense, Init};
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
        Vae::with_init(shape, Init::FanIn, rng)
    }

    /// A VAE whose layers are drawn the way `init` says, encoder first.
    pub fn with_init(shape: VaeShape, init: Init, rng: &mut impl Rng) -> Self {
        Vae {
            encoder: Encoder::with_init(shape, init, rng),
            decoder: Decoder::with_init(shape, init, rng),
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
            input: self.encoder.hidden[0].inputs(),
            hidden: self.encoder.mu.inputs(),
            latent: self.encoder.mu.outputs(),
            depth: self.encoder.hidden.len(),
            activation: self.encoder.activation,
        }
    }

    /// The dense layers, in a fixed order: the encoder's hidden layers, its mu and logvar
    /// heads, the decoder's hidden layers, its output layer (five in chapter 4's network).
    pub fn layers(&self) -> Vec<&Dense<F>> {
        self.encoder.layers().chain(self.decoder.layers()).collect()
    }

    pub fn layers_mut(&mut self) -> Vec<&mut Dense<F>> {
        let (e, d) = (&mut self.encoder, &mut self.decoder);
        e.layers_mut().chain(d.layers_mut()).collect()
    }

    /// The name of each tensor of [`Vae::parameters`], in its order, such as
    /// `encoder.hidden.weight` or `decoder.output.bias`; with several hidden layers, they are
    /// numbered from 0: `encoder.hidden.1.weight`.
    pub fn tensor_names(&self) -> Vec<String> {
        let hidden = |net: &str, depth: usize| -> Vec<String> {
            match depth {
                1 => vec![format!("{net}.hidden")],
                _ => (0..depth).map(|l| format!("{net}.hidden.{l}")).collect(),
            }
        };
        let layer_names = hidden("encoder", self.encoder.hidden.len())
            .into_iter()
            .chain(["encoder.mu".to_string(), "encoder.logvar".to_string()])
            .chain(hidden("decoder", self.decoder.hidden.len()))
            .chain(["decoder.output".to_string()]);
        layer_names
            .flat_map(|l| [format!("{l}.weight"), format!("{l}.bias")])
            .collect()
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
        self.encoder.forward(x, &mut ws.h_enc, mu, logvar);
        let eps = &mut rows_mut(&mut ws.eps, n);
        match latent {
            Latent::Sample(rng) => draw_standard_normal(rng, eps),
            Latent::Mean => eps.fill(F::zero()),
        }
        let z = &mut rows_mut(&mut ws.z, n);
        reparameterize(mu, logvar, eps, z);
        self.decoder
            .forward(z, &mut ws.h_dec, &mut rows_mut(&mut ws.logits, n));
    }
    // ANCHOR_END: forward

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
        self.encoder.forward(x, &mut ws.h_enc, mu, logvar);
    }

    /// Decodes the latent codes `z` (one per row) into pixel probabilities `probs`, using the
    /// workspace's decoder buffers.
    pub fn decode(&self, z: &ArrayRef2<F>, ws: &mut Workspace<F>, probs: &mut ArrayRef2<F>) {
        let n = z.nrows();
        let logits = &mut rows_mut(&mut ws.logits, n);
        self.decoder.forward(z, &mut ws.h_dec, logits);
        probabilities(logits, probs);
    }
}

// ANCHOR: backward
impl<F: Real> Vae<F>
where
    StandardNormal: Distribution<F>,
{
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
        // Step 1, the pixels' cross-entropy at the logits; the rest is shared.
        let d_logits = &mut rows_mut(&mut ws.d_logits, n);
        let reconstruction = bce_grad(&rows(&ws.logits, n), &x.values(), d_logits, want_loss);
        self.backward_from_logits(x, ws, &ClosedFormKl { beta }, grad);
        reconstruction.map(|reconstruction| Loss {
            reconstruction,
            kl: kl_standard_normal(&rows(&ws.mu, n), &rows(&ws.logvar, n)),
            count: n,
        })
    }

    /// Steps 2 to 5 of the backward pass, from dL/dlogits, which the caller has written into
    /// the workspace's `d_logits`: every loss of the book that differs from the negative ELBO
    /// only at the logits and at the latent code shares them, and brings its latent code's
    /// terms as `terms` (the closed-form KL, for the ELBO).
    pub fn backward_from_logits(
        &self,
        x: &(impl Input<F> + ?Sized),
        ws: &mut Workspace<F>,
        terms: &impl LatentTerms<F>,
        grad: &mut Vae<F>,
    ) {
        let n = x.values().nrows();
        self.backward_to_posterior(n, ws, terms, &mut grad.decoder);
        let Workspace {
            h_enc,
            d_mu,
            d_logvar,
            d_h_enc,
            ..
        } = ws;
        let (d_mu, d_logvar) = (&rows(d_mu, n), &rows(d_logvar, n));
        self.encoder
            .backward(x, h_enc, d_mu, d_logvar, d_h_enc, &mut grad.encoder);
    }

    /// Steps 2 to 4 for the first `n` rows: the decoder's gradient into `grad`, then dL/dmu
    /// and dL/dlogvar into the workspace's `d_mu` and `d_logvar`, where the encoder's backward
    /// pass reads them (chapter 7's per-image Gaussians, which have no encoder, stop here).
    pub fn backward_to_posterior(
        &self,
        n: usize,
        ws: &mut Workspace<F>,
        terms: &impl LatentTerms<F>,
        grad: &mut Decoder<F>,
    ) {
        let Workspace {
            mu,
            logvar,
            eps,
            z,
            h_dec,
            d_logits,
            d_h_dec,
            d_z,
            d_mu,
            d_logvar,
            ..
        } = ws;
        let draw = Draw {
            mu: rows(mu, n),
            logvar: rows(logvar, n),
            eps: rows(eps, n),
            z: rows(z, n),
        };
        let d_z = &mut rows_mut(d_z, n);
        self.decoder
            .backward(&draw.z, h_dec, &rows(d_logits, n), d_h_dec, d_z, grad);
        terms.at_z(&draw, d_z);
        let (d_mu, d_logvar) = (&mut rows_mut(d_mu, n), &mut rows_mut(d_logvar, n));
        d_mu.fill(F::zero());
        d_logvar.fill(F::zero());
        reparameterize_backward(d_z, &draw.logvar, &draw.eps, d_mu, d_logvar);
        terms.at_posterior(&draw, d_mu, d_logvar);
    }
}

/// The latent rows of a forward pass, as the backward pass hands them to [`LatentTerms`]:
/// the encoder's `mu` and `logvar`, the noise `eps`, and the code `z = mu + sigma * eps`.
pub struct Draw<'a, F> {
    pub mu: ArrayView2<'a, F>,
    pub logvar: ArrayView2<'a, F>,
    pub eps: ArrayView2<'a, F>,
    pub z: ArrayView2<'a, F>,
}

/// What a loss adds to the backward pass where its terms reach the latent code directly, not
/// through the decoder: the ELBO's KL, a rate penalty, the IWAE bound's prior and posterior.
pub trait LatentTerms<F> {
    /// Adds the loss's own gradient in `z` to `d_z`, which holds the decoder's, before both
    /// flow back through the sample. The ELBO has none: its KL does not read `z`.
    fn at_z(&self, _draw: &Draw<'_, F>, _d_z: &mut ArrayRef2<F>) {}

    /// Adds the loss's own gradients in `mu` and `logvar` to `d_mu` and `d_logvar`, which hold
    /// what came back through the sample.
    fn at_posterior(
        &self,
        draw: &Draw<'_, F>,
        d_mu: &mut ArrayRef2<F>,
        d_logvar: &mut ArrayRef2<F>,
    );
}

/// The negative ELBO's KL term in closed form (chapter 2), weighted by `beta`.
pub struct ClosedFormKl<F> {
    pub beta: F,
}

impl<F: Real> LatentTerms<F> for ClosedFormKl<F> {
    fn at_posterior(
        &self,
        draw: &Draw<'_, F>,
        d_mu: &mut ArrayRef2<F>,
        d_logvar: &mut ArrayRef2<F>,
    ) {
        kl_standard_normal_backward(&draw.mu, &draw.logvar, self.beta, d_mu, d_logvar);
    }
}

/// No term of its own at the latent code: the reconstruction's gradient alone.
impl<F> LatentTerms<F> for () {
    fn at_posterior(&self, _: &Draw<'_, F>, _: &mut ArrayRef2<F>, _: &mut ArrayRef2<F>) {}
}
// ANCHOR_END: backward
