//! The chapter's last exercise: the KL term estimated from the same draw of `z` as the
//! reconstruction (Kingma & Welling's estimator A) instead of in closed form, and what that
//! does to the variance of the encoder's gradient.

use ch02_elbo::kl::kl_standard_normal_backward;
use ndarray::{ArrayRef2, Zip};
use rand::RngCore;
use rand_distr::{Distribution, StandardNormal};

use crate::scalar::Real;
use crate::vae::{Latent, Vae};
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

/// The gradient of the batch's loss, `reconstruction + beta * KL` with the KL as `kl` says,
/// after [`Vae::forward`] on the same `x`. The reconstruction's share comes from
/// [`Vae::backward`] with the KL switched off; the encoder's backward pass is then run again
/// with the chosen KL's share added.
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
    vae.backward(x, ws, F::zero(), grad, false);
    let Workspace {
        h_enc,
        mu,
        logvar,
        eps,
        z,
        d_mu,
        d_logvar,
        d_h_enc,
        ..
    } = ws;
    let (d_mu, d_logvar) = (&mut rows_mut(d_mu, n), &mut rows_mut(d_logvar, n));
    let logvar = &rows(logvar, n);
    match kl {
        KlTerm::ClosedForm => {
            kl_standard_normal_backward(&rows(mu, n), logvar, beta, d_mu, d_logvar)
        }
        KlTerm::SingleDraw => {
            single_draw_kl_backward(&rows(z, n), &rows(eps, n), logvar, beta, d_mu, d_logvar)
        }
    }
    vae.encoder.backward(
        x,
        &rows(h_enc, n),
        d_mu,
        d_logvar,
        &mut rows_mut(d_h_enc, n),
        &mut grad.encoder,
    );
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
