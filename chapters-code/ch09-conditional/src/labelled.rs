//! Digits on demand: a VAE conditioned on the digit's label. The label, one-hot, is
//! concatenated to the encoder's input (`q(z | x, c)`) and to the decoder's (`p(x | z, c)`);
//! the prior stays `N(0, I)`, so the code has no reason to spend nats on what the label
//! already says, and keeps the rest: the style (slant, width, stroke). Chapter 4's encoder and
//! decoder take the wider inputs as they are.

use ndarray::{Array2, ArrayRef2, ArrayView2, s};
use rand::{Rng, RngCore};
use rand_distr::{Distribution, StandardNormal};

use ch02_elbo::kl::{kl_standard_normal, kl_standard_normal_backward};
use ch03_reparameterization::reparam::{
    draw_standard_normal, reparameterize, reparameterize_backward,
};
use ch04_model::activation::Activation;
use ch04_model::bernoulli::{bce_grad, probabilities};
use ch04_model::decoder::Decoder;
use ch04_model::dense::Dense;
use ch04_model::encoder::Encoder;
use ch04_model::scalar::Real;
use ch04_model::shape::VaeShape;
use ch04_model::workspace::rows_mut;

use crate::parameters::{flat, flat_mut};

/// Digits 0 to 9.
pub const CLASSES: usize = 10;

// ANCHOR: concat
/// `[a, one_hot(label)]`, one row per example: how a condition enters a dense layer.
pub fn with_labels<F: Real>(a: &ArrayRef2<F>, labels: &[u8]) -> Array2<F> {
    assert_eq!(a.nrows(), labels.len(), "one label per row");
    let mut out = Array2::zeros((a.nrows(), a.ncols() + CLASSES));
    out.slice_mut(s![.., ..a.ncols()]).assign(a);
    for (i, &c) in labels.iter().enumerate() {
        out[[i, a.ncols() + usize::from(c)]] = F::one();
    }
    out
}
// ANCHOR_END: concat

/// `pixels + 10 -> hidden -> (mu, logvar)` and `latent + 10 -> hidden -> pixels`.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledVae<F> {
    pub encoder: Encoder<F>,
    pub decoder: Decoder<F>,
}

/// The pieces a batch's backward pass needs.
#[derive(Debug, Clone)]
pub struct LabelledWorkspace<F> {
    pub h_enc: Vec<Array2<F>>,
    pub mu: Array2<F>,
    pub logvar: Array2<F>,
    pub eps: Array2<F>,
    pub h_dec: Vec<Array2<F>>,
    pub logits: Array2<F>,
    pub d_logits: Array2<F>,
    pub d_h_dec: Vec<Array2<F>>,
    pub d_h_enc: Vec<Array2<F>>,
}

impl<F: Real> LabelledVae<F>
where
    StandardNormal: Distribution<F>,
{
    pub fn new(pixels: usize, hidden: usize, latent: usize, rng: &mut impl Rng) -> Self {
        let (enc, dec) = shapes(pixels, hidden, latent);
        LabelledVae {
            encoder: Encoder::new(enc, rng),
            decoder: Decoder::new(dec, rng),
        }
    }

    pub fn zeros_like(&self) -> Self {
        let (pixels, hidden, latent) = self.sizes();
        let (enc, dec) = shapes(pixels, hidden, latent);
        LabelledVae {
            encoder: Encoder::zeros(enc),
            decoder: Decoder::zeros(dec),
        }
    }

    /// `(pixels, hidden, latent)`.
    pub fn sizes(&self) -> (usize, usize, usize) {
        (
            self.decoder.output.outputs(),
            self.decoder.output.inputs(),
            self.encoder.mu.outputs(),
        )
    }

    pub fn workspace(&self, capacity: usize) -> LabelledWorkspace<F> {
        let (d, h, l) = self.sizes();
        let m = |c| Array2::zeros((capacity, c));
        LabelledWorkspace {
            h_enc: vec![m(h)],
            mu: m(l),
            logvar: m(l),
            eps: m(l),
            h_dec: vec![m(h)],
            logits: m(d),
            d_logits: m(d),
            d_h_dec: vec![m(h)],
            d_h_enc: vec![m(h)],
        }
    }

    /// Chapter 4's order: the encoder's layers, then the decoder's.
    fn layers(&self) -> Vec<&Dense<F>> {
        self.encoder.layers().chain(self.decoder.layers()).collect()
    }

    fn layers_mut(&mut self) -> Vec<&mut Dense<F>> {
        let (e, d) = (&mut self.encoder, &mut self.decoder);
        e.layers_mut().chain(d.layers_mut()).collect()
    }

    pub fn parameters(&self) -> Vec<&[F]> {
        flat(self.layers())
    }

    pub fn parameters_mut(&mut self) -> Vec<&mut [F]> {
        flat_mut(self.layers_mut())
    }

    // ANCHOR: loss
    /// The negative ELBO of the batch `x` with its `labels`, summed, and its gradient in every
    /// weight, written into `grad`; `z` is drawn with noise from `rng`.
    pub fn loss_and_gradient(
        &self,
        x: &ArrayRef2<F>,
        labels: &[u8],
        rng: &mut dyn RngCore,
        ws: &mut LabelledWorkspace<F>,
        grad: &mut LabelledVae<F>,
    ) -> F {
        let n = x.nrows();
        let input = with_labels(x, labels);
        let (mu, logvar) = (
            &mut rows_mut(&mut ws.mu, n),
            &mut rows_mut(&mut ws.logvar, n),
        );
        self.encoder.forward(&input, &mut ws.h_enc, mu, logvar);
        let eps = &mut rows_mut(&mut ws.eps, n);
        draw_standard_normal(rng, eps);
        let mut z = Array2::zeros(mu.raw_dim());
        reparameterize(mu, logvar, eps, &mut z);
        let code = with_labels(&z, labels);
        let logits = &mut rows_mut(&mut ws.logits, n);
        self.decoder.forward(&code, &mut ws.h_dec, logits);
        let d_logits = &mut rows_mut(&mut ws.d_logits, n);
        let reconstruction = bce_grad(logits, x, d_logits, true).expect("asked for the loss");
        // Chapter 4's backward pass written out, not `Vae::backward_from_logits`: its workspace
        // has z as the decoder's whole input. The decoder's input gradient covers the label's
        // columns too; only z's go on.
        let mut d_code = Array2::zeros(code.raw_dim());
        self.decoder.backward(
            &code,
            &ws.h_dec,
            d_logits,
            &mut ws.d_h_dec,
            &mut d_code,
            &mut grad.decoder,
        );
        let latent = z.ncols();
        let d_z = d_code.slice(s![.., ..latent]);
        let mut d_mu = Array2::zeros(z.raw_dim());
        let mut d_logvar = Array2::zeros(z.raw_dim());
        reparameterize_backward(&d_z, logvar, eps, &mut d_mu, &mut d_logvar);
        kl_standard_normal_backward(mu, logvar, F::one(), &mut d_mu, &mut d_logvar);
        let kl = kl_standard_normal(mu, logvar);
        self.encoder.backward(
            &input,
            &ws.h_enc,
            &d_mu,
            &d_logvar,
            &mut ws.d_h_enc,
            &mut grad.encoder,
        );
        reconstruction + kl
    }
    // ANCHOR_END: loss

    // ANCHOR: generate
    /// The decoder's mean image (pixel probabilities) for each code `z` with its label.
    pub fn generate(&self, z: &ArrayRef2<F>, labels: &[u8]) -> Array2<F> {
        let (pixels, hidden, _) = self.sizes();
        let code = with_labels(z, labels);
        let n = z.nrows();
        let mut h = vec![Array2::zeros((n, hidden))];
        let mut logits = Array2::zeros((n, pixels));
        self.decoder.forward(&code, &mut h, &mut logits);
        let mut probs = Array2::zeros((n, pixels));
        probabilities(&logits, &mut probs);
        probs
    }
    // ANCHOR_END: generate

    /// The means of `q(z | x, c)` for a batch, the code the encoder gives each digit.
    pub fn encode_mean(&self, x: &ArrayView2<F>, labels: &[u8]) -> Array2<F> {
        let (_, hidden, latent) = self.sizes();
        let n = x.nrows();
        let input = with_labels(x, labels);
        let mut h = vec![Array2::zeros((n, hidden))];
        let (mut mu, mut logvar) = (Array2::zeros((n, latent)), Array2::zeros((n, latent)));
        self.encoder.forward(&input, &mut h, &mut mu, &mut logvar);
        mu
    }
}

/// The encoder's and the decoder's shapes: one hidden ReLU layer each, as in chapter 4.
fn shapes(pixels: usize, hidden: usize, latent: usize) -> (VaeShape, VaeShape) {
    let enc = VaeShape {
        input: pixels + CLASSES,
        hidden,
        latent,
        depth: 1,
        activation: Activation::Relu,
    };
    // The decoder's "latent" width is what it reads: the code and the label.
    let dec = VaeShape {
        input: pixels,
        latent: latent + CLASSES,
        ..enc
    };
    (enc, dec)
}
