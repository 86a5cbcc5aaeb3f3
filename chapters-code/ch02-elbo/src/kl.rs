//! The KL divergence `KL(q || p)` of a diagonal Gaussian `q = N(mu, diag(exp(logvar)))` from
//! the standard normal prior `p = N(0, I)`, in closed form, with its gradient: the regulariser of a VAE's
//! loss.
//!
//! ```text
//! KL(q || p) = 1/2 * sum_j ( mu_j^2 + exp(logvar_j) - 1 - logvar_j )
//! dKL/dmu_j     = mu_j
//! dKL/dlogvar_j = (exp(logvar_j) - 1) / 2
//! ```
//!
//! A batch is a matrix of shape `(batch, latent)`, one row per data point. The functions take
//! `&ArrayRef` arguments, so `&array` and `&mut array.slice_mut(s![..n, ..])` both work, and
//! any float type: `f32` for training, `f64` for gradient checks.
//!
//! ```
//! use ch02_elbo::kl::{kl_standard_normal, kl_standard_normal_backward};
//! use ndarray::{Array2, array};
//!
//! let mu = array![[0.0f64, 1.0]];
//! let logvar = array![[0.0f64, 0.0]];
//! // Only the mean differs from the prior's: KL = 1/2 * 1^2.
//! assert_eq!(kl_standard_normal(&mu, &logvar), 0.5);
//!
//! let (mut dmu, mut dlogvar) = (Array2::zeros((1, 2)), Array2::zeros((1, 2)));
//! kl_standard_normal_backward(&mu, &logvar, 1.0, &mut dmu, &mut dlogvar);
//! assert_eq!(dmu, mu);
//! assert_eq!(dlogvar, array![[0.0, 0.0]]);
//! ```
//!
//! # Panics
//!
//! Each function panics if its arrays do not all have the same shape: that is a bug in the
//! caller, not bad input.

use ndarray::{ArrayRef, ArrayRef1, ArrayRef2, Axis, Dimension, Zip};
use num_traits::Float;

fn check_same_shape<F, D: Dimension>(what: &str, a: &ArrayRef<F, D>, b: &ArrayRef<F, D>) {
    assert_eq!(
        a.shape(),
        b.shape(),
        "{what}: `mu` and `logvar` must have the same shape"
    );
}

// ANCHOR: kl
/// The closed-form `KL(N(mu, diag(exp(logvar))) || N(0, I))`, summed over every element:
/// for a `(batch, latent)` matrix, the sum over the batch of each row's KL.
pub fn kl_standard_normal<F: Float, D: Dimension>(
    mu: &ArrayRef<F, D>,
    logvar: &ArrayRef<F, D>,
) -> F {
    check_same_shape("kl_standard_normal", mu, logvar);
    let half = F::from(0.5).expect("0.5 is a float");
    let mut sum = F::zero();
    Zip::from(mu).and(logvar).for_each(|&m, &lv| {
        sum = sum + (m * m + lv.exp() - F::one() - lv);
    });
    half * sum
}
// ANCHOR_END: kl

/// The KL of each row of a `(batch, latent)` pair of matrices, written into `out` (length
/// `batch`): one number per data point, as a report needs it.
pub fn kl_standard_normal_rows<F: Float>(
    mu: &ArrayRef2<F>,
    logvar: &ArrayRef2<F>,
    out: &mut ArrayRef1<F>,
) {
    check_same_shape("kl_standard_normal_rows", mu, logvar);
    assert_eq!(
        out.len(),
        mu.nrows(),
        "kl_standard_normal_rows: `out` needs one entry per row"
    );
    Zip::from(out)
        .and(mu.axis_iter(Axis(0)))
        .and(logvar.axis_iter(Axis(0)))
        .for_each(|o, m, lv| *o = kl_standard_normal(&m, &lv));
}

// ANCHOR: backward
/// The gradient of `scale * KL`: *adds* `scale * mu` to `dmu` and
/// `scale * (exp(logvar) - 1) / 2` to `dlogvar`. Adding lets the reconstruction term's
/// gradient, which reaches `mu` and `logvar` through the sampled `z`, share the buffers;
/// `scale` carries a loss weight (a mean over the batch, or beta).
pub fn kl_standard_normal_backward<F: Float, D: Dimension>(
    mu: &ArrayRef<F, D>,
    logvar: &ArrayRef<F, D>,
    scale: F,
    dmu: &mut ArrayRef<F, D>,
    dlogvar: &mut ArrayRef<F, D>,
) {
    check_same_shape("kl_standard_normal_backward", mu, logvar);
    check_same_shape("kl_standard_normal_backward", mu, dmu);
    check_same_shape("kl_standard_normal_backward", logvar, dlogvar);
    let half = F::from(0.5).expect("0.5 is a float");
    Zip::from(dmu)
        .and(dlogvar)
        .and(mu)
        .and(logvar)
        .for_each(|dm, dlv, &m, &lv| {
            *dm = *dm + scale * m;
            *dlv = *dlv + scale * half * (lv.exp() - F::one());
        });
}
// ANCHOR_END: backward

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array1, Array2, array};

    #[test]
    fn zero_when_q_is_the_prior() {
        let zeros = Array2::<f64>::zeros((3, 4));
        assert_eq!(kl_standard_normal(&zeros, &zeros), 0.0);
    }

    #[test]
    fn matches_the_one_dimensional_formula() {
        // KL(N(m, s^2) || N(0, 1)) = ln(1/s) + (s^2 + m^2) / 2 - 1/2.
        let (m, s) = (0.7f64, 1.9f64);
        let expected = (1.0 / s).ln() + (s * s + m * m) / 2.0 - 0.5;
        let kl = kl_standard_normal(&array![m], &array![(s * s).ln()]);
        assert!((kl - expected).abs() < 1e-14, "{kl} vs {expected}");
    }

    #[test]
    fn rows_sum_to_the_total() {
        let mu = array![[0.1f64, -0.3], [1.0, 2.0], [0.0, 0.5]];
        let logvar = array![[0.2f64, -1.0], [0.0, 0.3], [-2.0, 1.0]];
        let mut rows = Array1::zeros(3);
        kl_standard_normal_rows(&mu, &logvar, &mut rows);
        assert!((rows.sum() - kl_standard_normal(&mu, &logvar)).abs() < 1e-12);
        assert!(rows.iter().all(|&k| k > 0.0));
    }

    #[test]
    fn backward_matches_finite_differences() {
        let mu = array![[0.3f64, -1.2], [0.8, 0.05]];
        let logvar = array![[0.4f64, -0.7], [1.1, -2.0]];
        let scale = 0.25;
        let (mut dmu, mut dlogvar) = (Array2::zeros((2, 2)), Array2::zeros((2, 2)));
        kl_standard_normal_backward(&mu, &logvar, scale, &mut dmu, &mut dlogvar);
        let h = 1e-6;
        for idx in [[0, 0], [0, 1], [1, 0], [1, 1]] {
            let (mut up, mut down) = (mu.clone(), mu.clone());
            up[idx] += h;
            down[idx] -= h;
            let numeric = scale
                * (kl_standard_normal(&up, &logvar) - kl_standard_normal(&down, &logvar))
                / (2.0 * h);
            assert!((numeric - dmu[idx]).abs() < 1e-8, "dmu{idx:?}");
            let (mut up, mut down) = (logvar.clone(), logvar.clone());
            up[idx] += h;
            down[idx] -= h;
            let numeric =
                scale * (kl_standard_normal(&mu, &up) - kl_standard_normal(&mu, &down)) / (2.0 * h);
            assert!((numeric - dlogvar[idx]).abs() < 1e-8, "dlogvar{idx:?}");
        }
    }

    #[test]
    fn backward_accumulates() {
        let mu = array![[2.0f32]];
        let logvar = array![[0.0f32]];
        let (mut dmu, mut dlogvar) = (array![[1.0f32]], array![[1.0f32]]);
        kl_standard_normal_backward(&mu, &logvar, 1.0, &mut dmu, &mut dlogvar);
        assert_eq!((dmu[[0, 0]], dlogvar[[0, 0]]), (3.0, 1.0));
    }
}
