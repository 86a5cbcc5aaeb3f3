//! The conditional VAE of Sohn, Lee & Yan (2015) for the quadrant task: a recognition network
//! `q(z | x, y)` reads the whole digit, a prior network `p(z | x)` reads the given pixels with
//! the baseline's guess filling the rest, and a generation network `p(y | z)` draws the pixels
//! from the code (as in Pyro's tutorial, it sees `x` only through `z`). All three are chapter 4's
//! encoder and decoder, built at other widths. The loss of an example is the negative
//! conditional ELBO: the cross-entropy of the scored pixels plus `KL(q(z | x, y) || p(z | x))`.

use ndarray::{Array2, ArrayRef2};
use rand::{Rng, RngCore};
use rand_distr::{Distribution, StandardNormal};

use ch03_reparameterization::reparam::{
    draw_standard_normal, reparameterize, reparameterize_backward,
};
use ch04_model::activation::Activation;
use ch04_model::decoder::Decoder;
use ch04_model::dense::Dense;
use ch04_model::encoder::Encoder;
use ch04_model::scalar::Real;
use ch04_model::shape::VaeShape;
use ch04_model::workspace::{rows, rows_mut};

use crate::gaussians::{KlGradient, kl_gaussians, kl_gaussians_backward};
use crate::masked::masked_bce_grad;
use crate::parameters::{flat, flat_mut};

/// The widths of the three networks: `inputs -> hidden (x depth) -> latent` for recognition
/// and prior, `latent -> hidden (x depth) -> pixels` for generation. The encoders read
/// `inputs` numbers: the pixels, and whatever else a condition concatenates to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CvaeShape {
    pub pixels: usize,
    pub inputs: usize,
    pub hidden: usize,
    pub latent: usize,
    pub depth: usize,
}

impl CvaeShape {
    /// Pyro's tutorial: 500-500 ReLU layers and a 200-d code.
    pub const PYRO: CvaeShape = CvaeShape {
        pixels: 784,
        inputs: 784,
        hidden: 500,
        latent: 200,
        depth: 2,
    };

    /// Chapter 4's shape of the two encoders.
    pub fn encoder_shape(self) -> VaeShape {
        VaeShape {
            input: self.inputs,
            ..self.decoder_shape()
        }
    }

    /// Chapter 4's shape of the generation network.
    pub fn decoder_shape(self) -> VaeShape {
        VaeShape {
            input: self.pixels,
            hidden: self.hidden,
            latent: self.latent,
            depth: self.depth,
            activation: Activation::Relu,
        }
    }
}

/// The three networks.
#[derive(Debug, Clone, PartialEq)]
pub struct Cvae<F> {
    pub recognition: Encoder<F>,
    pub prior: Encoder<F>,
    pub generation: Decoder<F>,
}

/// What a batch's forward pass keeps, and scratch for its backward pass: `_q` for the
/// recognition network, `_p` for the prior, `d_` for a gradient.
#[derive(Debug, Clone)]
pub struct CvaeWorkspace<F> {
    pub h_q: Vec<Array2<F>>,
    pub mu_q: Array2<F>,
    pub logvar_q: Array2<F>,
    pub h_p: Vec<Array2<F>>,
    pub mu_p: Array2<F>,
    pub logvar_p: Array2<F>,
    pub eps: Array2<F>,
    pub z: Array2<F>,
    pub h_gen: Vec<Array2<F>>,
    pub logits: Array2<F>,
    pub d_logits: Array2<F>,
    pub d_h_gen: Vec<Array2<F>>,
    pub d_z: Array2<F>,
    pub d_mu_q: Array2<F>,
    pub d_logvar_q: Array2<F>,
    pub d_mu_p: Array2<F>,
    pub d_logvar_p: Array2<F>,
    pub d_h_q: Vec<Array2<F>>,
    pub d_h_p: Vec<Array2<F>>,
}

/// The two terms of a batch's loss, summed over its examples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CvaeLoss<F> {
    /// Cross-entropy of the scored pixels: `-log p(y | z)` summed.
    pub reconstruction: F,
    /// `KL(q(z | x, y) || p(z | x))` summed.
    pub kl: F,
}

impl<F: Real> CvaeLoss<F> {
    pub fn total(&self) -> F {
        self.reconstruction + self.kl
    }
}

/// One batch: the whole digits `full` (the target `y` on the scored pixels), what the
/// recognition network reads (`x` and `y`: the whole digits, with any other condition
/// concatenated), what the prior network reads (`x` alone), and the mask of the scored pixels.
#[derive(Debug, Clone, Copy)]
pub struct Batch<'a, F> {
    pub full: &'a ArrayRef2<F>,
    pub recognition_input: &'a ArrayRef2<F>,
    pub prior_input: &'a ArrayRef2<F>,
    pub mask: &'a [F],
}

impl<F: Real> Cvae<F>
where
    StandardNormal: Distribution<F>,
{
    /// Fresh weights, drawn recognition, prior, generation in that order.
    pub fn new(shape: CvaeShape, rng: &mut impl Rng) -> Self {
        let (e, d) = (shape.encoder_shape(), shape.decoder_shape());
        Cvae {
            recognition: Encoder::new(e, rng),
            prior: Encoder::new(e, rng),
            generation: Decoder::new(d, rng),
        }
    }

    pub fn zeros(shape: CvaeShape) -> Self {
        let (e, d) = (shape.encoder_shape(), shape.decoder_shape());
        Cvae {
            recognition: Encoder::zeros(e),
            prior: Encoder::zeros(e),
            generation: Decoder::zeros(d),
        }
    }

    pub fn shape(&self) -> CvaeShape {
        CvaeShape {
            pixels: self.generation.output.outputs(),
            inputs: self.recognition.hidden[0].inputs(),
            hidden: self.generation.output.inputs(),
            latent: self.recognition.mu.outputs(),
            depth: self.generation.hidden.len(),
        }
    }

    pub fn workspace(&self, capacity: usize) -> CvaeWorkspace<F> {
        let s = self.shape();
        let m = |c| Array2::zeros((capacity, c));
        let layers = || (0..s.depth).map(|_| m(s.hidden)).collect::<Vec<_>>();
        let (d, l) = (s.pixels, s.latent);
        CvaeWorkspace {
            h_q: layers(),
            mu_q: m(l),
            logvar_q: m(l),
            h_p: layers(),
            mu_p: m(l),
            logvar_p: m(l),
            eps: m(l),
            z: m(l),
            h_gen: layers(),
            logits: m(d),
            d_logits: m(d),
            d_h_gen: layers(),
            d_z: m(l),
            d_mu_q: m(l),
            d_logvar_q: m(l),
            d_mu_p: m(l),
            d_logvar_p: m(l),
            d_h_q: layers(),
            d_h_p: layers(),
        }
    }

    fn layers(&self) -> Vec<&Dense<F>> {
        let (q, p, g) = (&self.recognition, &self.prior, &self.generation);
        q.layers().chain(p.layers()).chain(g.layers()).collect()
    }

    fn layers_mut(&mut self) -> Vec<&mut Dense<F>> {
        let (q, p, g) = (&mut self.recognition, &mut self.prior, &mut self.generation);
        q.layers_mut()
            .chain(p.layers_mut())
            .chain(g.layers_mut())
            .collect()
    }

    /// Weight then bias of each layer: recognition, prior, generation.
    pub fn parameters(&self) -> Vec<&[F]> {
        flat(self.layers())
    }

    pub fn parameters_mut(&mut self) -> Vec<&mut [F]> {
        flat_mut(self.layers_mut())
    }

    /// The prior network's `mu_p` and `logvar_p` for the batch `prior_input`, in the workspace.
    pub fn prior(&self, prior_input: &ArrayRef2<F>, ws: &mut CvaeWorkspace<F>) {
        let n = prior_input.nrows();
        self.prior.forward(
            prior_input,
            &mut ws.h_p,
            &mut rows_mut(&mut ws.mu_p, n),
            &mut rows_mut(&mut ws.logvar_p, n),
        );
    }

    /// The recognition network's `mu_q` and `logvar_q` for its input, in the workspace.
    pub fn recognise(&self, input: &ArrayRef2<F>, ws: &mut CvaeWorkspace<F>) {
        let n = input.nrows();
        self.recognition.forward(
            input,
            &mut ws.h_q,
            &mut rows_mut(&mut ws.mu_q, n),
            &mut rows_mut(&mut ws.logvar_q, n),
        );
    }

    /// The generation network's logits for the first `n` codes of `ws.z`.
    pub fn generate(&self, n: usize, ws: &mut CvaeWorkspace<F>) {
        self.generation.forward(
            &rows(&ws.z, n),
            &mut ws.h_gen,
            &mut rows_mut(&mut ws.logits, n),
        );
    }

    // ANCHOR: forward
    /// The training forward pass: `q(z | x, y)` and `p(z | x)`, a draw
    /// `z = mu_q + sigma_q * eps` with `eps` from `rng`, and the logits of `p(y | z)`.
    pub fn forward(&self, batch: Batch<'_, F>, rng: &mut dyn RngCore, ws: &mut CvaeWorkspace<F>) {
        let n = batch.full.nrows();
        self.recognise(batch.recognition_input, ws);
        self.prior(batch.prior_input, ws);
        let eps = &mut rows_mut(&mut ws.eps, n);
        draw_standard_normal(rng, eps);
        reparameterize(
            &rows(&ws.mu_q, n),
            &rows(&ws.logvar_q, n),
            eps,
            &mut rows_mut(&mut ws.z, n),
        );
        self.generate(n, ws);
    }
    // ANCHOR_END: forward

    // ANCHOR: backward
    /// After [`Cvae::forward`] on the same batch: the loss, and its gradient in every weight
    /// of the three networks, written into `grad`. The reconstruction's gradient reaches the
    /// recognition network through `z`; the KL's reaches both encoders directly.
    pub fn backward(
        &self,
        batch: Batch<'_, F>,
        ws: &mut CvaeWorkspace<F>,
        grad: &mut Cvae<F>,
    ) -> CvaeLoss<F> {
        let n = batch.full.nrows();
        let w = ws;
        let d_logits = &mut rows_mut(&mut w.d_logits, n);
        let reconstruction = masked_bce_grad(&rows(&w.logits, n), batch.full, batch.mask, d_logits);
        let d_z = &mut rows_mut(&mut w.d_z, n);
        self.generation.backward(
            &rows(&w.z, n),
            &w.h_gen,
            d_logits,
            &mut w.d_h_gen,
            d_z,
            &mut grad.generation,
        );
        let (mu_q, logvar_q) = (&rows(&w.mu_q, n), &rows(&w.logvar_q, n));
        let (mu_p, logvar_p) = (&rows(&w.mu_p, n), &rows(&w.logvar_p, n));
        let (d_mu_q, d_logvar_q) = (
            &mut rows_mut(&mut w.d_mu_q, n),
            &mut rows_mut(&mut w.d_logvar_q, n),
        );
        let (d_mu_p, d_logvar_p) = (
            &mut rows_mut(&mut w.d_mu_p, n),
            &mut rows_mut(&mut w.d_logvar_p, n),
        );
        for d in [
            &mut *d_mu_q,
            &mut *d_logvar_q,
            &mut *d_mu_p,
            &mut *d_logvar_p,
        ] {
            d.fill(F::zero());
        }
        reparameterize_backward(d_z, logvar_q, &rows(&w.eps, n), d_mu_q, d_logvar_q);
        let kl = kl_gaussians(mu_q, logvar_q, mu_p, logvar_p);
        kl_gaussians_backward(
            mu_q,
            logvar_q,
            mu_p,
            logvar_p,
            F::one(),
            KlGradient {
                mu_q: d_mu_q,
                logvar_q: d_logvar_q,
                mu_p: d_mu_p,
                logvar_p: d_logvar_p,
            },
        );
        self.recognition.backward(
            batch.recognition_input,
            &w.h_q,
            d_mu_q,
            d_logvar_q,
            &mut w.d_h_q,
            &mut grad.recognition,
        );
        self.prior.backward(
            batch.prior_input,
            &w.h_p,
            d_mu_p,
            d_logvar_p,
            &mut w.d_h_p,
            &mut grad.prior,
        );
        CvaeLoss { reconstruction, kl }
    }
    // ANCHOR_END: backward

    /// The loss of the batch after [`Cvae::forward`], without gradients (`d_logits` as scratch).
    pub fn loss(&self, batch: Batch<'_, F>, ws: &mut CvaeWorkspace<F>) -> CvaeLoss<F> {
        let n = batch.full.nrows();
        let reconstruction = masked_bce_grad(
            &rows(&ws.logits, n),
            batch.full,
            batch.mask,
            &mut rows_mut(&mut ws.d_logits, n),
        );
        let kl = kl_gaussians(
            &rows(&ws.mu_q, n),
            &rows(&ws.logvar_q, n),
            &rows(&ws.mu_p, n),
            &rows(&ws.logvar_p, n),
        );
        CvaeLoss { reconstruction, kl }
    }
}
