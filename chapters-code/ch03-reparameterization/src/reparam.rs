//! Reparameterized sampling for a whole batch, forward and backward: what a VAE's encoder
//! output goes through on its way to the decoder.
//!
//! The encoder gives, for each of `batch` data points, the mean `mu` and the log-variance
//! `logvar = log sigma^2` of a diagonal Gaussian over `latent` dimensions: two matrices of
//! shape `(batch, latent)`. [`sample_latent`] draws `eps ~ N(0, I)` and computes
//!
//! ```text
//! z = mu + exp(logvar / 2) * eps      (element by element)
//! ```
//!
//! and [`reparameterize_backward`] turns the gradient `dL/dz` of a loss into gradients for
//! `mu` and `logvar`, with `eps` held fixed:
//!
//! ```text
//! dL/dmu     += dL/dz
//! dL/dlogvar += dL/dz * eps * exp(logvar / 2) / 2
//! ```
//!
//! Every function writes into buffers the caller owns, so a training loop allocates them
//! once. They take `&ArrayRef` arguments: pass `&array` for an owned `Array2`, or
//! `&mut array.slice_mut(s![..n, ..])` to use the first `n` rows of a larger buffer (for the
//! last, smaller batch of an epoch). Any float type works; `f32` for training, `f64` for
//! gradient checks.
//!
//! ```
//! use ch03_reparameterization::reparam::{reparameterize_backward, sample_latent};
//! use ndarray::{Array2, array};
//! use rand::SeedableRng;
//! use rand::rngs::StdRng;
//!
//! let mu = array![[0.0f32, 1.0], [2.0, 3.0]];
//! let logvar = array![[0.0f32, -2.0], [0.5, 0.0]];
//! let (mut eps, mut z) = (Array2::zeros((2, 2)), Array2::zeros((2, 2)));
//! let mut rng = StdRng::seed_from_u64(1);
//! sample_latent(&mut rng, &mu, &logvar, &mut eps, &mut z);
//!
//! // Backward for the loss L = sum of z: dL/dz is all ones.
//! let dz = Array2::ones((2, 2));
//! let (mut dmu, mut dlogvar) = (Array2::zeros((2, 2)), Array2::zeros((2, 2)));
//! reparameterize_backward(&dz, &logvar, &eps, &mut dmu, &mut dlogvar);
//! assert_eq!(dmu, dz);
//! ```
//!
//! # Panics
//!
//! Each function panics if its arrays do not all have the same shape: that is a bug in the
//! caller, not bad input.

use ndarray::{ArrayRef, Dimension, Zip};
use num_traits::Float;
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

fn check_shapes<F, D: Dimension>(what: &str, arrays: &[(&str, &ArrayRef<F, D>)]) {
    let (first_name, first) = arrays[0];
    for &(name, array) in &arrays[1..] {
        assert_eq!(
            first.shape(),
            array.shape(),
            "{what}: `{first_name}` and `{name}` must have the same shape"
        );
    }
}

/// Fills `eps` with independent standard normal draws from `rng`.
pub fn draw_standard_normal<F, D, R>(rng: &mut R, eps: &mut ArrayRef<F, D>)
where
    D: Dimension,
    R: Rng + ?Sized,
    StandardNormal: Distribution<F>,
{
    eps.map_inplace(|e| *e = StandardNormal.sample(rng));
}

// ANCHOR: forward
/// Writes `z = mu + exp(logvar / 2) * eps` into `z`, element by element. The noise `eps` is
/// given, so the result is a deterministic, differentiable function of `mu` and `logvar`.
pub fn reparameterize<F: Float, D: Dimension>(
    mu: &ArrayRef<F, D>,
    logvar: &ArrayRef<F, D>,
    eps: &ArrayRef<F, D>,
    z: &mut ArrayRef<F, D>,
) {
    check_shapes(
        "reparameterize",
        &[("mu", mu), ("logvar", logvar), ("eps", eps), ("z", z)],
    );
    let half = F::from(0.5).expect("0.5 is a float");
    Zip::from(z)
        .and(mu)
        .and(logvar)
        .and(eps)
        .for_each(|z, &m, &lv, &e| *z = m + (half * lv).exp() * e);
}
// ANCHOR_END: forward

/// Draws `eps ~ N(0, I)` into `eps`, then writes `z = mu + exp(logvar / 2) * eps` into `z`.
/// Keep `eps`: [`reparameterize_backward`] needs it.
pub fn sample_latent<F, D, R>(
    rng: &mut R,
    mu: &ArrayRef<F, D>,
    logvar: &ArrayRef<F, D>,
    eps: &mut ArrayRef<F, D>,
    z: &mut ArrayRef<F, D>,
) where
    F: Float,
    D: Dimension,
    R: Rng + ?Sized,
    StandardNormal: Distribution<F>,
{
    draw_standard_normal(rng, eps);
    reparameterize(mu, logvar, eps, z);
}

// ANCHOR: backward
/// The backward pass of [`reparameterize`]: given `dz` = dL/dz, *adds* dL/dmu = dL/dz to
/// `dmu` and dL/dlogvar = dL/dz * eps * exp(logvar / 2) / 2 to `dlogvar`, with the same
/// `eps` as the forward pass. Adding rather than overwriting lets other terms of the loss
/// (a VAE's KL term) contribute to the same gradients.
pub fn reparameterize_backward<F: Float, D: Dimension>(
    dz: &ArrayRef<F, D>,
    logvar: &ArrayRef<F, D>,
    eps: &ArrayRef<F, D>,
    dmu: &mut ArrayRef<F, D>,
    dlogvar: &mut ArrayRef<F, D>,
) {
    check_shapes(
        "reparameterize_backward",
        &[
            ("dz", dz),
            ("logvar", logvar),
            ("eps", eps),
            ("dmu", dmu),
            ("dlogvar", dlogvar),
        ],
    );
    let half = F::from(0.5).expect("0.5 is a float");
    Zip::from(dmu)
        .and(dlogvar)
        .and(dz)
        .and(logvar)
        .and(eps)
        .for_each(|dm, dlv, &g, &lv, &e| {
            // z = mu + sigma * eps with sigma = exp(logvar / 2), so dz/dlogvar = eps * sigma / 2.
            let sigma = (half * lv).exp();
            *dm = *dm + g;
            *dlv = *dlv + g * e * sigma * half;
        });
}
// ANCHOR_END: backward

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array2, array, s};
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn forward_is_the_formula() {
        let mu = array![[0.0, 1.0], [-2.0, 3.0]];
        let logvar = array![[0.0, 2.0f64.ln()], [-1.0, 4.0]];
        let eps = array![[1.0, -1.0], [0.5, 2.0]];
        let mut z = Array2::zeros((2, 2));
        reparameterize(&mu, &logvar, &eps, &mut z);
        let expected = array![
            [1.0, 1.0 - 2.0f64.sqrt()],
            [-2.0 + 0.5 * (-0.5f64).exp(), 3.0 + 2.0 * 2.0f64.exp()]
        ];
        for (a, b) in z.iter().zip(&expected) {
            assert!((a - b).abs() < 1e-12, "{a} vs {b}");
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_draws() {
        let mu = Array2::<f32>::zeros((3, 4));
        let logvar = Array2::<f32>::zeros((3, 4));
        let draw = |seed| {
            let (mut eps, mut z) = (Array2::zeros((3, 4)), Array2::zeros((3, 4)));
            sample_latent(
                &mut StdRng::seed_from_u64(seed),
                &mu,
                &logvar,
                &mut eps,
                &mut z,
            );
            z
        };
        assert_eq!(draw(7), draw(7));
        assert_ne!(draw(7), draw(8));
    }

    #[test]
    fn works_on_the_first_rows_of_a_larger_buffer() {
        let mu = array![[1.0f32, 2.0]];
        let logvar = array![[0.0f32, 0.0]];
        let mut eps = Array2::from_elem((3, 2), 9.0f32);
        let mut z = Array2::from_elem((3, 2), 9.0f32);
        sample_latent(
            &mut StdRng::seed_from_u64(0),
            &mu,
            &logvar,
            &mut eps.slice_mut(s![..1, ..]),
            &mut z.slice_mut(s![..1, ..]),
        );
        assert_eq!(z[[0, 0]], 1.0 + eps[[0, 0]]);
        // The rows past the batch are left alone.
        assert!(z.slice(s![1.., ..]).iter().all(|&v| v == 9.0));
    }

    #[test]
    #[should_panic(expected = "`mu` and `eps` must have the same shape")]
    fn mismatched_shapes_panic_with_a_clear_message() {
        let mu = Array2::<f64>::zeros((2, 3));
        let eps = Array2::<f64>::zeros((3, 2));
        let mut z = Array2::<f64>::zeros((2, 3));
        reparameterize(&mu, &mu, &eps, &mut z);
    }

    #[test]
    fn backward_accumulates() {
        let logvar = array![[0.0f64, 2.0]];
        let eps = array![[1.5, -1.0]];
        let dz = array![[2.0, 3.0]];
        let mut dmu = array![[10.0, 10.0]];
        let mut dlogvar = array![[10.0, 10.0]];
        reparameterize_backward(&dz, &logvar, &eps, &mut dmu, &mut dlogvar);
        assert_eq!(dmu, array![[12.0, 13.0]]);
        // 2 * 1.5 * 1 / 2 = 1.5, and 3 * (-1) * e / 2.
        assert!((dlogvar[[0, 0]] - 11.5).abs() < 1e-12);
        assert!((dlogvar[[0, 1]] - (10.0 - 1.5 * 1.0f64.exp())).abs() < 1e-12);
    }
}
