//! The importance-weighted bound of Burda et al. as a training objective: for each image, `k`
//! codes `z_s = mu + sigma * eps_s` from the encoder, their log weights
//! `log w_s = log p(x | z_s) + log p(z_s) - log q(z_s | x)`, and the bound
//! `L_k = log (1/k) sum_s w_s`. Its gradient is `sum_s w~_s grad log w_s`, with the normalized
//! weights `w~_s = w_s / sum_t w_t`: each draw's own gradient, weighted by how well it explains
//! the image.

use ch03_reparameterization::reparam::reparameterize_backward;
use ch04_model::bernoulli::{bce_grad, bce_rows};
use ch04_model::input::Input;
use ch04_model::scalar::Real;
use ch04_model::vae::{Loss, Vae};
use ch04_model::workspace::{Workspace, rows, rows_mut};
use ch05_training::ink::InkedBatch;
use ch05_training::trainer::Objective;
use ch06_experiments::estimator::{log_mean_exp, log_prior_minus_log_q};
use ndarray::{Array1, Array2, ArrayRef2, Axis, Zip};
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};

/// The IWAE bound with `k` samples per image; `k = 1` is the ELBO with its KL term sampled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Iwae {
    pub k: usize,
}

/// What [`log_weights`] leaves for the backward pass: each row's log weight, in f64.
fn row_log_weights<F>(x: &ArrayRef2<F>, ws: &Workspace<F>) -> Vec<f64>
where
    F: Real + Into<f64>,
{
    let rows_count = x.nrows();
    let mut bce = Array1::zeros(rows_count);
    bce_rows(&rows(&ws.logits, rows_count), x, &mut bce);
    let (z, eps, lv) = (
        rows(&ws.z, rows_count),
        rows(&ws.eps, rows_count),
        rows(&ws.logvar, rows_count),
    );
    (0..rows_count)
        .map(|r| {
            let row = |m: &ndarray::ArrayView2<F>| m.row(r).to_vec();
            -bce[r].into() + log_prior_minus_log_q(&row(&z), &row(&eps), &row(&lv))
        })
        .collect()
}

// ANCHOR: bound
/// After [`Vae::forward`] on `x`, each image repeated `k` times in a row: the bound
/// `log (1/k) sum_s w_s` of each image and the normalized weights `w~` of every row.
pub fn bound_and_weights<F>(x: &ArrayRef2<F>, ws: &Workspace<F>, k: usize) -> (Vec<f64>, Vec<f64>)
where
    F: Real + Into<f64>,
{
    assert!(
        k >= 1 && x.nrows().is_multiple_of(k),
        "{} rows are not images times k = {k}",
        x.nrows()
    );
    let log_w = row_log_weights(x, ws);
    let mut bounds = Vec::with_capacity(x.nrows() / k);
    let mut weights = Vec::with_capacity(x.nrows());
    for image in log_w.chunks(k) {
        let bound = log_mean_exp(image);
        bounds.push(bound);
        // w~_s = w_s / sum_t w_t = exp(log w_s - log sum_t w_t), and log sum = bound + log k.
        let log_sum = bound + (k as f64).ln();
        weights.extend(image.iter().map(|lw| (lw - log_sum).exp()));
    }
    (bounds, weights)
}
// ANCHOR_END: bound

// ANCHOR: backward
/// After [`Vae::forward`] on `x` (each image repeated `k` times in a row), writes into `grad`
/// the gradient of minus the summed bound, `-sum_images L_k`, and returns that sum.
///
/// Row `s` of an image enters with its normalized weight `w~_s`: its reconstruction gradient
/// `sigmoid(logits) - x` is scaled by `w~_s`; so is the gradient of
/// `-(log p(z) - log q(z | x)) = sum_j (z_j^2 - eps_j^2 - logvar_j) / 2`, which is `z` for `z`
/// (then through the reparameterization to `mu` and `logvar`) and `-1/2` for `logvar` directly.
pub fn backward<F>(
    vae: &Vae<F>,
    x: &ArrayRef2<F>,
    ws: &mut Workspace<F>,
    k: usize,
    grad: &mut Vae<F>,
) -> f64
where
    F: Real + Into<f64>,
    StandardNormal: Distribution<F>,
{
    let n = x.nrows();
    let (bounds, weights) = bound_and_weights(x, ws, k);
    let Workspace {
        h_enc,
        mu: _,
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
    let (logvar, eps, z) = (&rows(logvar, n), &rows(eps, n), &rows(z, n));
    let d_logits = &mut rows_mut(d_logits, n);
    bce_grad(&rows(logits, n), x, d_logits, false);
    let scale = |m: &mut ndarray::ArrayViewMut2<F>| {
        for (mut row, &w) in m.axis_iter_mut(Axis(0)).zip(&weights) {
            row *= F::of(w);
        }
    };
    scale(d_logits);
    let d_z = &mut rows_mut(d_z, n);
    vae.decoder
        .backward(z, h_dec, d_logits, d_h_dec, d_z, &mut grad.decoder);
    // The prior-over-posterior term's gradient reaches z directly: w~ * z.
    for ((mut d, z), &w) in d_z.axis_iter_mut(Axis(0)).zip(z.rows()).zip(&weights) {
        Zip::from(&mut d)
            .and(&z)
            .for_each(|d, &z| *d += F::of(w) * z);
    }
    let (d_mu, d_logvar) = (&mut rows_mut(d_mu, n), &mut rows_mut(d_logvar, n));
    d_mu.fill(F::zero());
    d_logvar.fill(F::zero());
    reparameterize_backward(d_z, logvar, eps, d_mu, d_logvar);
    // ... and logvar directly, through -log q(z | x): -w~ / 2 for each coordinate.
    for (mut d, &w) in d_logvar.axis_iter_mut(Axis(0)).zip(&weights) {
        d -= F::of(0.5 * w);
    }
    vae.encoder
        .backward(x, h_enc, d_mu, d_logvar, d_h_enc, &mut grad.encoder);
    -bounds.iter().sum::<f64>()
}
// ANCHOR_END: backward

// ANCHOR: prepare
impl Objective for Iwae {
    fn rows_per_image(&self) -> usize {
        self.k
    }

    /// Each image `k` times in a row, so that each copy gets its own noise in the forward pass.
    fn prepare(&self, batch: &mut Array2<f32>, n: usize, _noise: &mut StdRng) -> usize {
        let k = self.k;
        // Image r goes to rows r*k.. of the batch; from the last image down, so no row is
        // overwritten before it is copied.
        for r in (0..n).rev().filter(|_| k > 1) {
            let row = batch.row(r).to_owned();
            for c in 0..k {
                batch.row_mut(r * k + c).assign(&row);
            }
        }
        n * k
    }

    /// The IWAE bound does not split into a reconstruction and a KL term: the whole of minus
    /// the bound is reported as `reconstruction`, and `kl` is 0.
    fn backward(
        &self,
        vae: &Vae<f32>,
        x: &InkedBatch,
        ws: &mut Workspace<f32>,
        _beta: f32,
        grad: &mut Vae<f32>,
    ) -> Loss<f32> {
        let x = &x.values();
        let total = backward(vae, x, ws, self.k, grad);
        Loss {
            reconstruction: total as f32,
            kl: 0.0,
            count: x.nrows() / self.k,
        }
    }
}
// ANCHOR_END: prepare
