//! The importance-weighted bound of Burda et al. as a training objective: for each image, `k`
//! codes `z_s = mu + sigma * eps_s` from the encoder, their log weights
//! `log w_s = log p(x | z_s) + log p(z_s) - log q(z_s | x)`, and the bound
//! `L_k = log (1/k) sum_s w_s`. Its gradient is `sum_s w~_s grad log w_s`, with the normalized
//! weights `w~_s = w_s / sum_t w_t`: each draw's own gradient, weighted by how well it explains
//! the image.

use ch04_model::bernoulli::{bce_grad, bce_rows};
use ch04_model::input::Input;
use ch04_model::scalar::Real;
use ch04_model::vae::{Draw, LatentTerms, Loss, Vae};
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
/// The rest is chapter 4's backward pass.
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
    let d_logits = &mut rows_mut(&mut ws.d_logits, n);
    bce_grad(&rows(&ws.logits, n), x, d_logits, false);
    for (mut row, &w) in d_logits.axis_iter_mut(Axis(0)).zip(&weights) {
        row *= F::of(w);
    }
    vae.backward_from_logits(x, ws, &PriorOverPosterior(&weights), grad);
    -bounds.iter().sum::<f64>()
}

/// The bound's `log p(z) - log q(z | x)` term, each row's gradient scaled by its normalized
/// weight.
struct PriorOverPosterior<'w>(&'w [f64]);

impl<F: Real> LatentTerms<F> for PriorOverPosterior<'_> {
    /// It reaches z directly: w~ * z.
    fn at_z(&self, q: &Draw<'_, F>, d_z: &mut ArrayRef2<F>) {
        for ((mut d, z), &w) in d_z.axis_iter_mut(Axis(0)).zip(q.z.rows()).zip(self.0) {
            Zip::from(&mut d)
                .and(&z)
                .for_each(|d, &z| *d += F::of(w) * z);
        }
    }

    /// ... and logvar directly, through -log q(z | x): -w~ / 2 for each coordinate.
    fn at_posterior(&self, _: &Draw<'_, F>, _: &mut ArrayRef2<F>, d_logvar: &mut ArrayRef2<F>) {
        for (mut d, &w) in d_logvar.axis_iter_mut(Axis(0)).zip(self.0) {
            d -= F::of(0.5 * w);
        }
    }
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
