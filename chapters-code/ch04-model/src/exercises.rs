//! The chapter's last exercise: the KL term estimated from the same draw of `z` as the
//! reconstruction (Kingma & Welling's estimator A) instead of in closed form, and what that
//! does to the variance of the encoder's gradient.

use ch02_elbo::kl::{kl_standard_normal, kl_standard_normal_backward};
use ndarray::{ArrayRef2, Zip};
use rand::RngCore;
use rand_distr::{Distribution, StandardNormal};

use crate::bernoulli::bce_grad;
use crate::scalar::Real;
use crate::vae::{ClosedFormKl, Draw, Latent, LatentTerms, Loss, Vae};
use crate::workspace::{Workspace, rows, rows_mut};

/// How the loss's KL term is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KlTerm {
    /// `1/2 sum(mu² + e^l - 1 - l)`, chapter 2's closed form (estimator B).
    ClosedForm,
    /// `log q(z | x) - log p(z) = 1/2 sum(z² - eps² - l)` at the training draw (estimator A).
    SingleDraw,
}

// ANCHOR: single_draw
/// Adds `beta` times the gradient of the single-draw KL estimate `1/2 sum(z² - eps² - l)` to
/// `d_mu` and `d_logvar`, with `eps` held fixed and `z = mu + e^(l/2) eps`: `z` for `mu`, and
/// `(z sigma eps - 1) / 2` for `l`. Their expectations over `eps` are the closed form's `mu`
/// and `(e^l - 1) / 2`.
pub fn single_draw_kl_backward<F: Real>(
    z: &ArrayRef2<F>,
    eps: &ArrayRef2<F>,
    logvar: &ArrayRef2<F>,
    beta: F,
    d_mu: &mut ArrayRef2<F>,
    d_logvar: &mut ArrayRef2<F>,
) {
    let half = F::of(0.5);
    Zip::from(d_mu).and(z).for_each(|d, &z| *d += beta * z);
    Zip::from(d_logvar)
        .and(z)
        .and(eps)
        .and(logvar)
        .for_each(|d, &z, &e, &l| {
            let sigma = (half * l).exp();
            *d += beta * half * (z * sigma * e - F::one());
        });
}
// ANCHOR_END: single_draw

/// The KL term as [`KlTerm`] says, weighted by `beta`: what the exercise changes in chapter 4's
/// backward pass.
struct WeightedKl<F> {
    kl: KlTerm,
    beta: F,
}

impl<F: Real> LatentTerms<F> for WeightedKl<F> {
    fn at_posterior(&self, q: &Draw<'_, F>, d_mu: &mut ArrayRef2<F>, d_logvar: &mut ArrayRef2<F>) {
        let (beta, logvar) = (self.beta, &q.logvar);
        match self.kl {
            KlTerm::ClosedForm => kl_standard_normal_backward(&q.mu, logvar, beta, d_mu, d_logvar),
            KlTerm::SingleDraw => {
                single_draw_kl_backward(&q.z, &q.eps, logvar, beta, d_mu, d_logvar)
            }
        }
    }
}

/// The gradient of the batch's loss, `reconstruction + beta * KL` with the KL as `kl` says,
/// after [`Vae::forward`] on the same `x`: chapter 4's backward pass with the chosen KL's
/// share at the latent code.
pub fn backward_with<F: Real>(
    vae: &Vae<F>,
    x: &ArrayRef2<F>,
    ws: &mut Workspace<F>,
    kl: KlTerm,
    beta: F,
    grad: &mut Vae<F>,
) where
    StandardNormal: Distribution<F>,
{
    let n = x.nrows();
    bce_grad(
        &rows(&ws.logits, n),
        x,
        &mut rows_mut(&mut ws.d_logits, n),
        false,
    );
    vae.backward_from_logits(x, ws, &WeightedKl { kl, beta }, grad);
}

/// The mean and the spread of the encoder's gradient over `draws` draws of the noise.
#[derive(Debug, Clone, PartialEq)]
pub struct GradientSpread {
    /// The average gradient of each encoder parameter, in the order of `Vae::parameters`.
    pub mean: Vec<f64>,
    /// The sum over the encoder's parameters of each one's variance across the draws.
    pub total_variance: f64,
}

// ANCHOR: spread
/// Computes the encoder's gradient on the batch `x` once per draw of the noise, with the KL
/// as `kl` says, and returns its mean and its total variance (Welford's running formulas).
pub fn encoder_gradient_spread<F: Real>(
    vae: &Vae<F>,
    x: &ArrayRef2<F>,
    kl: KlTerm,
    draws: usize,
    rng: &mut dyn RngCore,
) -> GradientSpread
where
    StandardNormal: Distribution<F>,
{
    assert!(draws >= 2, "a variance needs two draws");
    let mut ws = Workspace::new(vae.shape(), x.nrows());
    let mut grad = Vae::zeros(vae.shape());
    let mut mean: Vec<f64> = Vec::new();
    let mut squares: Vec<f64> = Vec::new();
    for draw in 0..draws {
        vae.forward(x, Latent::Sample(&mut *rng), &mut ws);
        backward_with(vae, x, &mut ws, kl, F::one(), &mut grad);
        // The encoder's six tensors come first in `parameters`.
        let values = grad.parameters()[..6]
            .iter()
            .flat_map(|t| t.iter())
            .map(|v| v.to_f64().expect("a float"))
            .collect::<Vec<_>>();
        if draw == 0 {
            mean = vec![0.0; values.len()];
            squares = vec![0.0; values.len()];
        }
        let k = (draw + 1) as f64;
        for ((m, s), v) in mean.iter_mut().zip(&mut squares).zip(values) {
            let delta = v - *m;
            *m += delta / k;
            *s += delta * (v - *m);
        }
    }
    let total_variance = squares.iter().sum::<f64>() / (draws - 1) as f64;
    GradientSpread {
        mean,
        total_variance,
    }
}
// ANCHOR_END: spread

// ANCHOR: gaussian
/// A Gaussian decoder with a learned variance: pixel `d` is `N(o_d, e^s)`, with the logit
/// `o_d` now the mean and one log-variance `s` shared by every pixel and image. Writes the
/// gradient of the batch's summed `-log p(x | z)`, `(o - x) e^(-s)`, into `d_logits`, and
/// returns that sum and its derivative in `s`, `1/2 sum(1 - (x - o)² e^(-s))`.
pub fn gaussian_nll_grad<F: Real>(
    logits: &ArrayRef2<F>,
    x: &ArrayRef2<F>,
    log_var: F,
    d_logits: &mut ArrayRef2<F>,
) -> (F, F) {
    let half = F::of(0.5);
    let (precision, log_2pi) = ((-log_var).exp(), F::of((2.0 * std::f64::consts::PI).ln()));
    let (mut loss, mut d_log_var) = (F::zero(), F::zero());
    Zip::from(d_logits)
        .and(logits)
        .and(x)
        .for_each(|d, &o, &x| {
            let r = o - x;
            *d = r * precision;
            loss += half * (r * r * precision + log_var + log_2pi);
            d_log_var += half * (F::one() - r * r * precision);
        });
    (loss, d_log_var)
}

/// The `s` that minimises the Gaussian loss for fixed means: the log of the mean squared
/// residual, where the derivative above vanishes.
pub fn best_log_variance<F: Real>(logits: &ArrayRef2<F>, x: &ArrayRef2<F>) -> F {
    let mut sum = F::zero();
    Zip::from(logits)
        .and(x)
        .for_each(|&o, &x| sum += (o - x) * (o - x));
    (sum / F::of(logits.len() as f64)).ln()
}
// ANCHOR_END: gaussian

/// The backward pass of [`Vae::backward`] with the Gaussian decoder in place of the Bernoulli
/// one: fills `grad` and returns the batch's summed loss (`-log p(x | z)` and the KL, the
/// latter weighted by `beta` in the gradient) and the loss's derivative in `log_var`.
pub fn backward_gaussian<F: Real>(
    vae: &Vae<F>,
    x: &ArrayRef2<F>,
    ws: &mut Workspace<F>,
    log_var: F,
    beta: F,
    grad: &mut Vae<F>,
) -> (Loss<F>, F)
where
    StandardNormal: Distribution<F>,
{
    let n = x.nrows();
    let d_logits = &mut rows_mut(&mut ws.d_logits, n);
    let (reconstruction, d_log_var) = gaussian_nll_grad(&rows(&ws.logits, n), x, log_var, d_logits);
    vae.backward_from_logits(x, ws, &ClosedFormKl { beta }, grad);
    let loss = Loss {
        reconstruction,
        kl: kl_standard_normal(&rows(&ws.mu, n), &rows(&ws.logvar, n)),
        count: n,
    };
    (loss, d_log_var)
}
