//! The hand-written backward pass against central finite differences, in `f64`: nudge one
//! parameter up and down by `h`, recompute the loss, and compare the slope with the gradient
//! the backward pass gave for that parameter.

use ndarray::{Array2, ArrayRef2};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::scalar::Real;
use crate::shape::VaeShape;
use crate::vae::{Latent, Vae};
use crate::workspace::Workspace;

/// The step of the central differences. Their truncation error is about `h^2 / 6` times the
/// loss's third derivative, ~1e-11 here; the rounding error is about the loss's rounding
/// error (~1e-16 times its size) divided by `h`, ~1e-11 for a loss of order 1 and ~1e-8 for
/// the full network's loss of order 1e3. `h = 1e-5` balances the two for losses of order 1.
pub const STEP: f64 = 1e-5;

// ANCHOR: relative_error
/// How far a backward-pass derivative `analytic` is from its finite-difference estimate
/// `numeric`, relative to the larger of the two: `|a - n| / max(|a|, |n|)`, and 0 when both
/// are exactly 0 (a weight that no example in the batch reaches, or a dead ReLU unit).
pub fn relative_error(analytic: f64, numeric: f64) -> f64 {
    let scale = analytic.abs().max(numeric.abs());
    if scale == 0.0 {
        0.0
    } else {
        (analytic - numeric).abs() / scale
    }
}

/// The central difference `(f(t + h) - f(t - h)) / (2h)`, whose error shrinks like `h^2`
/// (the one-sided `(f(t + h) - f(t)) / h` only like `h`).
pub fn central_difference(mut f: impl FnMut(f64) -> f64, t: f64, h: f64) -> f64 {
    (f(t + h) - f(t - h)) / (2.0 * h)
}
// ANCHOR_END: relative_error

/// The summed loss `reconstruction + beta * KL` of `vae` on the batch `x`, with the noise
/// `eps` drawn from a fresh generator seeded with `noise_seed`: every call draws the same
/// `eps`, so the loss is a deterministic function of the parameters.
pub fn loss_with_fixed_noise(
    vae: &Vae<f64>,
    x: &ArrayRef2<f64>,
    beta: f64,
    noise_seed: u64,
    ws: &mut Workspace<f64>,
) -> f64 {
    vae.forward(
        x,
        Latent::Sample(&mut StdRng::seed_from_u64(noise_seed)),
        ws,
    );
    let loss = vae.loss(x, ws);
    loss.reconstruction + beta * loss.kl
}

/// The backward pass's gradient of [`loss_with_fixed_noise`], one `Vec` per tensor of
/// [`Vae::parameters`].
pub fn analytic_gradient(
    vae: &Vae<f64>,
    x: &ArrayRef2<f64>,
    beta: f64,
    noise_seed: u64,
    ws: &mut Workspace<f64>,
) -> Vec<Vec<f64>> {
    let mut grad = Vae::zeros(vae.shape());
    vae.forward(
        x,
        Latent::Sample(&mut StdRng::seed_from_u64(noise_seed)),
        ws,
    );
    vae.backward(x, ws, beta, &mut grad, false);
    grad.parameters().iter().map(|p| p.to_vec()).collect()
}

/// What the check found in one parameter tensor.
#[derive(Debug, Clone, PartialEq)]
pub struct TensorCheck {
    pub name: String,
    /// Entries in the tensor.
    pub len: usize,
    /// Entries compared with finite differences.
    pub checked: usize,
    /// The largest [`relative_error`] among them.
    pub max_relative_error: f64,
    /// The largest `|analytic - numeric|` among them.
    pub max_abs_error: f64,
}

// ANCHOR: check
/// Compares `analytic` (one `Vec` per tensor, as from [`analytic_gradient`]) with central
/// differences of [`loss_with_fixed_noise`], tensor by tensor: every entry when `sample` is
/// `None`, else `sample` entries per tensor picked at random from `rng`.
pub fn check_gradient(
    vae: &Vae<f64>,
    x: &ArrayRef2<f64>,
    beta: f64,
    noise_seed: u64,
    analytic: &[Vec<f64>],
    sample: Option<(usize, &mut StdRng)>,
) -> Vec<TensorCheck> {
    let mut ws = Workspace::new(vae.shape(), x.nrows());
    let mut probe = vae.clone();
    let (per_tensor, mut rng) = match sample {
        Some((k, rng)) => (Some(k), Some(rng)),
        None => (None, None),
    };
    let names = vae.tensor_names();
    let mut report = Vec::new();
    for (t, tensor) in analytic.iter().enumerate() {
        let entries: Vec<usize> = match (per_tensor, rng.as_deref_mut()) {
            (Some(k), Some(rng)) => (0..k).map(|_| rng.random_range(0..tensor.len())).collect(),
            _ => (0..tensor.len()).collect(),
        };
        let mut check = TensorCheck {
            name: names[t].clone(),
            len: tensor.len(),
            checked: entries.len(),
            max_relative_error: 0.0,
            max_abs_error: 0.0,
        };
        for i in entries {
            let original = probe.parameters()[t][i];
            let numeric = central_difference(
                |value| {
                    probe.parameters_mut()[t][i] = value;
                    loss_with_fixed_noise(&probe, x, beta, noise_seed, &mut ws)
                },
                original,
                STEP,
            );
            probe.parameters_mut()[t][i] = original;
            let g = tensor[i];
            check.max_relative_error = check.max_relative_error.max(relative_error(g, numeric));
            check.max_abs_error = check.max_abs_error.max((g - numeric).abs());
        }
        report.push(check);
    }
    report
}
// ANCHOR_END: check

/// A batch of `n` random binary images of `pixels` pixels, each pixel 1 with probability 1/2.
pub fn random_binary_images<F: Real>(n: usize, pixels: usize, rng: &mut impl Rng) -> Array2<F> {
    Array2::from_shape_simple_fn((n, pixels), || {
        if rng.random::<bool>() {
            F::one()
        } else {
            F::zero()
        }
    })
}

/// The small network whose every gradient entry the binary checks.
pub const SMALL_SHAPE: VaeShape = VaeShape::one_hidden_relu(12, 8, 3);

/// The batch of the check on [`SMALL_SHAPE`].
pub const SMALL_BATCH: usize = 5;

/// The batch of the sampled check on the full-size network.
pub const FULL_BATCH: usize = 4;

/// Checks a freshly initialised f64 network of the given shape on `n` random binary images,
/// every entry (`sample` `None`) or `sample` random entries per tensor, all drawn from `seed`.
pub fn check_new_network(
    shape: VaeShape,
    n: usize,
    sample: Option<usize>,
    seed: u64,
) -> Vec<TensorCheck> {
    let mut rng = StdRng::seed_from_u64(seed);
    let vae = Vae::<f64>::new(shape, &mut rng);
    let x = random_binary_images::<f64>(n, shape.input, &mut rng);
    let noise_seed = seed.wrapping_add(1);
    let mut ws = Workspace::new(shape, n);
    let analytic = analytic_gradient(&vae, &x, 1.0, noise_seed, &mut ws);
    let mut pick = StdRng::seed_from_u64(seed.wrapping_add(2));
    let sample = sample.map(|k| (k, &mut pick));
    check_gradient(&vae, &x, 1.0, noise_seed, &analytic, sample)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape::VaeShape;

    const SHAPE: VaeShape = VaeShape::one_hidden_relu(6, 5, 2);

    fn setup() -> (Vae<f64>, Array2<f64>, Vec<Vec<f64>>) {
        let mut rng = StdRng::seed_from_u64(4);
        let vae = Vae::new(SHAPE, &mut rng);
        let x = random_binary_images(3, SHAPE.input, &mut rng);
        let mut ws = Workspace::new(SHAPE, 3);
        let analytic = analytic_gradient(&vae, &x, 1.0, 5, &mut ws);
        (vae, x, analytic)
    }

    #[test]
    fn relative_error_is_symmetric_and_zero_for_two_zeros() {
        assert_eq!(relative_error(0.0, 0.0), 0.0);
        assert_eq!(relative_error(1.0, 0.0), 1.0);
        assert_eq!(relative_error(2.0, 1.0), relative_error(1.0, 2.0));
        assert!((relative_error(1.0, 1.0 + 1e-9) - 1e-9).abs() < 1e-15);
    }

    #[test]
    fn central_difference_is_exact_for_a_quadratic() {
        let d = central_difference(|t| 3.0 * t * t - t, 2.0, 0.5);
        assert!((d - 11.0).abs() < 1e-12);
    }

    #[test]
    fn a_correct_gradient_passes_every_entry() {
        let (vae, x, analytic) = setup();
        let report = check_gradient(&vae, &x, 1.0, 5, &analytic, None);
        assert_eq!(report.len(), 10);
        for c in &report {
            assert_eq!(c.checked, c.len);
            assert!(c.max_relative_error < 1e-6, "{c:?}");
        }
    }

    #[test]
    fn a_wrong_gradient_is_caught() {
        // The check must be able to fail: spoil one entry by 1% and it shows up.
        let (vae, x, mut analytic) = setup();
        analytic[8][3] *= 1.01;
        let report = check_gradient(&vae, &x, 1.0, 5, &analytic, None);
        assert!(report[8].max_relative_error > 5e-3, "{:?}", report[8]);
        assert!(report[7].max_relative_error < 1e-6);
        // A gradient for a different beta is also wrong.
        let mut ws = Workspace::new(SHAPE, 3);
        let other = analytic_gradient(&vae, &x, 0.5, 5, &mut ws);
        let report = check_gradient(&vae, &x, 1.0, 5, &other, None);
        assert!(report.iter().any(|c| c.max_relative_error > 1e-3));
    }

    #[test]
    fn sampling_checks_the_requested_number_of_entries() {
        let (vae, x, analytic) = setup();
        let mut rng = StdRng::seed_from_u64(0);
        let report = check_gradient(&vae, &x, 1.0, 5, &analytic, Some((4, &mut rng)));
        assert!(report.iter().all(|c| c.checked == 4));
    }
}
