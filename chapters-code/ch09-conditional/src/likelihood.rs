//! The CVAE's `-log p(y | x)` by importance sampling, with the recognition network as the
//! proposal: `p(y | x) = E_{z ~ q(z | x, y)} [ p(y | z) p(z | x) / q(z | x, y) ]`, estimated
//! from `k` draws per example and averaged in log space (chapter 6's estimator with the
//! conditional prior in place of `N(0, I)`). By Jensen's inequality the log of the average is
//! biased low in expectation, so `-log p(y | x)` is biased high: an upper estimate that falls
//! as `k` grows. The same draws give the negative conditional ELBO, the mean of `-log w`.

use ndarray::{Array1, Array2, ArrayRef2, Axis, s};
use rand::RngCore;
use rand_distr::{Distribution, StandardNormal};

use ch03_reparameterization::reparam::{draw_standard_normal, reparameterize};
use ch04_model::scalar::Real;
use ch04_model::workspace::{rows, rows_mut};

use crate::cvae::{Batch, Cvae, CvaeWorkspace};
use crate::gaussians::log_density_rows;
use crate::masked::masked_bce_rows;

/// Two estimates for each example of a batch, in nats.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimates {
    /// `-log (1/k sum_i w_i)`: the importance-sampled negative conditional log-likelihood.
    pub importance: Vec<f64>,
    /// `-(1/k) sum_i log w_i`: the negative conditional ELBO, averaged over the same draws.
    pub elbo: Vec<f64>,
}

// ANCHOR: log_mean_exp
/// `log((1/k) sum_i exp(a_i))`, computed around the largest `a_i` so nothing overflows.
pub fn log_mean_exp(a: &[f64]) -> f64 {
    let max = a.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let sum: f64 = a.iter().map(|&v| (v - max).exp()).sum();
    max + (sum / a.len() as f64).ln()
}
// ANCHOR_END: log_mean_exp

// ANCHOR: estimate
/// Both estimates for every example of `batch`, from `k` draws each taken from `rng`.
pub fn estimate<F: Real>(
    cvae: &Cvae<F>,
    batch: Batch<'_, F>,
    k: usize,
    rng: &mut dyn RngCore,
    ws: &mut CvaeWorkspace<F>,
) -> Estimates
where
    StandardNormal: Distribution<F>,
{
    let log_w = log_weights(cvae, batch, k, rng, ws);
    let importance = log_w
        .axis_iter(Axis(0))
        .map(|row| -log_mean_exp(row.as_slice().expect("rows are contiguous")))
        .collect();
    let elbo = log_w
        .axis_iter(Axis(0))
        .map(|row| -row.mean().expect("k >= 1"))
        .collect();
    Estimates { importance, elbo }
}
// ANCHOR_END: estimate

/// `log w = log p(y | z) + log p(z | x) - log q(z | x, y)` of `k` draws `z ~ q(z | x, y)` for
/// every example of `batch`: one row per example, one column per draw, in the order drawn.
pub fn log_weights<F: Real>(
    cvae: &Cvae<F>,
    batch: Batch<'_, F>,
    k: usize,
    rng: &mut dyn RngCore,
    ws: &mut CvaeWorkspace<F>,
) -> Array2<f64>
where
    StandardNormal: Distribution<F>,
{
    let n = batch.full.nrows();
    cvae.recognise(batch.recognition_input, ws);
    cvae.prior(batch.prior_input, ws);
    let mut log_w = Array2::<f64>::zeros((n, k));
    let (mut bce, mut log_p, mut log_q) = (Array1::zeros(n), Array1::zeros(n), Array1::zeros(n));
    for i in 0..k {
        draw_standard_normal(rng, &mut rows_mut(&mut ws.eps, n));
        reparameterize(
            &rows(&ws.mu_q, n),
            &rows(&ws.logvar_q, n),
            &rows(&ws.eps, n),
            &mut rows_mut(&mut ws.z, n),
        );
        cvae.generate(n, ws);
        let z = &rows(&ws.z, n);
        masked_bce_rows(&rows(&ws.logits, n), batch.full, batch.mask, &mut bce);
        log_density_rows(z, &rows(&ws.mu_p, n), &rows(&ws.logvar_p, n), &mut log_p);
        log_density_rows(z, &rows(&ws.mu_q, n), &rows(&ws.logvar_q, n), &mut log_q);
        let column = (&log_p - &bce - &log_q).mapv(|v: F| v.to_f64().unwrap_or(f64::NAN));
        log_w.slice_mut(s![.., i]).assign(&column);
    }
    log_w
}

/// The K-curve of each example: `-log (1/K sum_{i <= K} w_i)` over the first `K` of its draws,
/// for every `K` of `ks` (each at most the draws there are). Nested: a larger `K` adds draws
/// to a smaller one's, so the curve's steps are not blurred by fresh noise.
pub fn k_curve(log_w: &Array2<f64>, ks: &[usize]) -> Vec<Vec<f64>> {
    ks.iter()
        .map(|&k| {
            log_w
                .axis_iter(Axis(0))
                .map(|row| -log_mean_exp(&row.as_slice().expect("rows are contiguous")[..k]))
                .collect()
        })
        .collect()
}

/// The baseline's `-log p(y | x)` of each example: the cross-entropy of its scored pixels
/// under the probabilities it predicts (no sampling, so no estimate: the exact value).
pub fn baseline_rows<F: Real>(logits: &ArrayRef2<F>, y: &ArrayRef2<F>, mask: &[F]) -> Vec<f64> {
    let mut out = Array1::zeros(y.nrows());
    masked_bce_rows(logits, y, mask, &mut out);
    out.iter().map(|v| v.to_f64().unwrap_or(f64::NAN)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_k_curve_takes_the_first_k_draws() {
        let log_w = ndarray::array![[0.0, 2f64.ln(), 3f64.ln()], [1.0, 1.0, 1.0]];
        let curve = k_curve(&log_w, &[1, 2, 3]);
        let expect = [[0.0, -1.0], [-(1.5f64.ln()), -1.0], [-(2f64.ln()), -1.0]];
        for (row, want) in curve.iter().zip(expect) {
            for (got, want) in row.iter().zip(want) {
                assert!((got - want).abs() < 1e-12, "{curve:?}");
            }
        }
    }

    #[test]
    fn log_mean_exp_survives_large_exponents() {
        assert!((log_mean_exp(&[0.0, 0.0]) - 0.0).abs() < 1e-15);
        let v = log_mean_exp(&[-1000.0, -1000.0 + 2f64.ln()]);
        assert!((v - (-1000.0 + 1.5f64.ln())).abs() < 1e-12, "{v}");
    }
}
