//! Chapter 4's VAE as the page writes it: one hidden layer on each side, ReLU, and every
//! matrix named after its symbol (`x`, `h`, `mu`, `l`, `eps`, `z`, `g`, `o`; a gradient is the
//! same name after `d_`). The general network of [`crate::vae`] (any depth, preallocated
//! buffers, a first layer that can skip zero pixels) computes the same numbers;
//! `tests/plain_vs_general.rs` checks it.

use ch02_elbo::kl::kl_standard_normal;
use ndarray::{Array1, Array2, ArrayRef2, Axis, Zip};
use rand_distr::{Distribution, StandardNormal};

use crate::bernoulli::{bce_with_logit, sigmoid};
use crate::scalar::Real;
use crate::vae::Vae;

/// The weights: `x -> h` ($W_1$, $b_1$), the two heads `h -> mu` and `h -> l`, then
/// `z -> g` ($W_3$, $b_3$) and `g -> o` ($W_4$, $b_4$). A `PlainVae` also holds a gradient.
#[derive(Debug, Clone, PartialEq)]
pub struct PlainVae<F> {
    pub w1: Array2<F>,
    pub b1: Array1<F>,
    pub w_mu: Array2<F>,
    pub b_mu: Array1<F>,
    pub w_l: Array2<F>,
    pub b_l: Array1<F>,
    pub w3: Array2<F>,
    pub b3: Array1<F>,
    pub w4: Array2<F>,
    pub b4: Array1<F>,
}

// ANCHOR: forward_struct
/// What the forward pass computes for a batch (one image per row), kept for the backward pass.
#[derive(Debug, Clone)]
pub struct Forward<F> {
    pub h: Array2<F>,
    pub mu: Array2<F>,
    pub l: Array2<F>,
    pub eps: Array2<F>,
    pub z: Array2<F>,
    pub g: Array2<F>,
    pub o: Array2<F>,
}
// ANCHOR_END: forward_struct

// ANCHOR: relu
/// `relu(a)`, entry by entry.
fn relu<F: Real>(a: Array2<F>) -> Array2<F> {
    a.mapv_into(|v| v.max(F::zero()))
}

/// The gradient through `h = relu(a)`: `d_h` where `h > 0`, else 0.
fn relu_backward<F: Real>(h: &ArrayRef2<F>, d_h: Array2<F>) -> Array2<F> {
    let mut d_a = d_h;
    Zip::from(&mut d_a)
        .and(h)
        .for_each(|d, &h| *d = if h > F::zero() { *d } else { F::zero() });
    d_a
}
// ANCHOR_END: relu

impl<F: Real> PlainVae<F> {
    // ANCHOR: forward
    /// The forward pass for the images `x` with the noise `eps` (one row each).
    pub fn forward(&self, x: &Array2<F>, eps: Array2<F>) -> Forward<F> {
        // ANCHOR: encoder
        let h = relu(x.dot(&self.w1) + &self.b1);
        let mu = h.dot(&self.w_mu) + &self.b_mu;
        let l = h.dot(&self.w_l) + &self.b_l;
        // ANCHOR_END: encoder
        // ANCHOR: sample
        let half = F::of(0.5);
        let sigma = l.mapv(|l| (half * l).exp());
        let z = &mu + &(sigma * &eps);
        // ANCHOR_END: sample
        // ANCHOR: decoder
        let g = relu(z.dot(&self.w3) + &self.b3);
        // ANCHOR: dense_forward
        let o = g.dot(&self.w4) + &self.b4;
        // ANCHOR_END: dense_forward
        // ANCHOR_END: decoder
        Forward {
            h,
            mu,
            l,
            eps,
            z,
            g,
            o,
        }
    }
    // ANCHOR_END: forward

    // ANCHOR: loss
    /// The batch's loss `sum bce(o, x) + beta KL`, and its two terms: the cross-entropies
    /// `softplus(o) - x o` and chapter 2's KL, each summed over the batch.
    pub fn loss(&self, x: &Array2<F>, fwd: &Forward<F>, beta: F) -> (F, F, F) {
        // ndarray's sum keeps several partial sums: f32's rounding errors pile up less over a
        // batch's 100,000 pixels than in one running total.
        let reconstruction = Zip::from(&fwd.o)
            .and(x)
            .map_collect(|&o, &x| bce_with_logit(o, x))
            .sum();
        let kl = kl_standard_normal(&fwd.mu, &fwd.l);
        (reconstruction + beta * kl, reconstruction, kl)
    }
    // ANCHOR_END: loss

    // ANCHOR: backward
    /// The gradient of the loss with respect to every weight, in the order of the page's five
    /// steps: the logits, the decoder, the sample, the KL, the encoder.
    pub fn backward(&self, x: &Array2<F>, fwd: &Forward<F>, beta: F) -> PlainVae<F> {
        let half = F::of(0.5);
        // ANCHOR: d_o
        // 1. The logits: d_o = sigmoid(o) - x.
        let mut d_o = fwd.o.mapv(sigmoid);
        d_o -= x;
        // ANCHOR_END: d_o
        // ANCHOR: decoder_backward
        // 2. The decoder: o = g W4 + b4, then g = relu(a3) with a3 = z W3 + b3.
        // ANCHOR: dense_backward
        let d_w4 = fwd.g.t().dot(&d_o);
        let d_b4 = d_o.sum_axis(Axis(0));
        let d_g = d_o.dot(&self.w4.t());
        // ANCHOR_END: dense_backward
        let d_a3 = relu_backward(&fwd.g, d_g);
        let d_w3 = fwd.z.t().dot(&d_a3);
        let d_b3 = d_a3.sum_axis(Axis(0));
        let d_z = d_a3.dot(&self.w3.t());
        // ANCHOR_END: decoder_backward
        // ANCHOR: sample_backward
        // 3. Through the sample z = mu + sigma eps, with eps held fixed.
        let sigma = fwd.l.mapv(|l| (half * l).exp());
        let mut d_mu = d_z.clone();
        let mut d_l = &d_z * &fwd.eps * &sigma * half;
        // ANCHOR_END: sample_backward
        // ANCHOR: kl_backward
        // 4. The KL adds beta times its own gradient.
        Zip::from(&mut d_mu)
            .and(&mut d_l)
            .and(&fwd.mu)
            .and(&fwd.l)
            .for_each(|d_mu, d_l, &mu, &l| {
                *d_mu += beta * mu;
                *d_l += beta * half * (l.exp() - F::one());
            });
        // ANCHOR_END: kl_backward
        // ANCHOR: encoder_backward
        // 5. The encoder: both heads read h, so h's gradient is the sum of theirs.
        let d_w_mu = fwd.h.t().dot(&d_mu);
        let d_b_mu = d_mu.sum_axis(Axis(0));
        let d_w_l = fwd.h.t().dot(&d_l);
        let d_b_l = d_l.sum_axis(Axis(0));
        let d_h = d_mu.dot(&self.w_mu.t()) + d_l.dot(&self.w_l.t());
        let d_a1 = relu_backward(&fwd.h, d_h);
        let d_w1 = x.t().dot(&d_a1);
        let d_b1 = d_a1.sum_axis(Axis(0));
        // ANCHOR_END: encoder_backward
        PlainVae {
            w1: d_w1,
            b1: d_b1,
            w_mu: d_w_mu,
            b_mu: d_b_mu,
            w_l: d_w_l,
            b_l: d_b_l,
            w3: d_w3,
            b3: d_b3,
            w4: d_w4,
            b4: d_b4,
        }
    }
    // ANCHOR_END: backward

    /// The number of latent coordinates, k.
    pub fn latent(&self) -> usize {
        self.b_mu.len()
    }

    /// Every tensor as a flat slice, weight then bias, layer by layer in the order of
    /// [`Vae::parameters`]: what Adam walks over.
    pub fn parameters(&self) -> Vec<&[F]> {
        [
            (&self.w1, &self.b1),
            (&self.w_mu, &self.b_mu),
            (&self.w_l, &self.b_l),
            (&self.w3, &self.b3),
            (&self.w4, &self.b4),
        ]
        .into_iter()
        .flat_map(|(w, b)| [w.as_slice(), b.as_slice()])
        .map(|s| s.expect("parameters are stored contiguously"))
        .collect()
    }

    pub fn parameters_mut(&mut self) -> Vec<&mut [F]> {
        [
            (&mut self.w1, &mut self.b1),
            (&mut self.w_mu, &mut self.b_mu),
            (&mut self.w_l, &mut self.b_l),
            (&mut self.w3, &mut self.b3),
            (&mut self.w4, &mut self.b4),
        ]
        .into_iter()
        .flat_map(|(w, b)| [w.as_slice_mut(), b.as_slice_mut()])
        .map(|s| s.expect("parameters are stored contiguously"))
        .collect()
    }
}

/// The general network's weights under the page's names. Only chapter 4's shape has them: one
/// hidden layer on each side, with ReLU.
impl<F: Real> TryFrom<&Vae<F>> for PlainVae<F>
where
    StandardNormal: Distribution<F>,
{
    type Error = String;

    fn try_from(vae: &Vae<F>) -> Result<Self, String> {
        let (e, d) = (&vae.encoder, &vae.decoder);
        let shape = vae.shape();
        if shape.depth != 1 || shape.activation != crate::activation::Activation::Relu {
            return Err(format!(
                "the plain VAE has one ReLU hidden layer a side, this one has {} {:?}",
                shape.depth, shape.activation
            ));
        }
        Ok(PlainVae {
            w1: e.hidden[0].weight.clone(),
            b1: e.hidden[0].bias.clone(),
            w_mu: e.mu.weight.clone(),
            b_mu: e.mu.bias.clone(),
            w_l: e.logvar.weight.clone(),
            b_l: e.logvar.bias.clone(),
            w3: d.hidden[0].weight.clone(),
            b3: d.hidden[0].bias.clone(),
            w4: d.output.weight.clone(),
            b4: d.output.bias.clone(),
        })
    }
}
