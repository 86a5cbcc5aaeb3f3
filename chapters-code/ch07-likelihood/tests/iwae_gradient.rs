//! The IWAE bound's hand-written gradient against central finite differences, in f64, on a
//! small network of the paper's kind (two hidden tanh layers a side, Glorot weights); and its
//! k = 1 case against chapter 4's ELBO path.

use ch04_model::activation::Activation;
use ch04_model::dense::Init;
use ch04_model::gradcheck::{central_difference, relative_error};
use ch04_model::shape::VaeShape;
use ch04_model::vae::{Latent, Vae};
use ch04_model::workspace::Workspace;
use ch06_experiments::estimator::log_prior_minus_log_q;
use ch07_likelihood::iwae::{backward, bound_and_weights};
use ndarray::Array2;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const SHAPE: VaeShape = VaeShape {
    input: 7,
    hidden: 5,
    latent: 3,
    depth: 2,
    activation: Activation::Tanh,
};
const IMAGES: usize = 3;
const NOISE_SEED: u64 = 41;

/// `n` binary images, each repeated `k` times in a row, as the trainer feeds the bound.
fn repeated_images(k: usize, rng: &mut StdRng) -> Array2<f64> {
    let images = Array2::from_shape_simple_fn((IMAGES, SHAPE.input), || {
        if rng.random::<bool>() { 1.0 } else { 0.0 }
    });
    Array2::from_shape_fn((IMAGES * k, SHAPE.input), |(r, j)| images[[r / k, j]])
}

/// Minus the summed bound, for noise drawn afresh from the same seed: a function of the
/// parameters alone.
fn negative_bound(vae: &Vae<f64>, x: &Array2<f64>, k: usize) -> f64 {
    let mut ws = Workspace::new(SHAPE, x.nrows());
    vae.forward(
        x,
        Latent::Sample(&mut StdRng::seed_from_u64(NOISE_SEED)),
        &mut ws,
    );
    -bound_and_weights(x, &ws, k).0.iter().sum::<f64>()
}

fn check(k: usize, seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut vae = Vae::<f64>::with_init(SHAPE, Init::Glorot, &mut rng);
    // Nonzero biases everywhere, so no gradient is trivially zero.
    for p in vae.parameters_mut() {
        for v in p.iter_mut().filter(|v| **v == 0.0) {
            *v = rng.random_range(-0.5..0.5);
        }
    }
    let x = repeated_images(k, &mut rng);
    let mut ws = Workspace::new(SHAPE, x.nrows());
    let mut grad = Vae::zeros(SHAPE);
    vae.forward(
        &x,
        Latent::Sample(&mut StdRng::seed_from_u64(NOISE_SEED)),
        &mut ws,
    );
    let total = backward(&vae, &x, &mut ws, k, &mut grad);
    assert!((total - negative_bound(&vae, &x, k)).abs() < 1e-12);

    let names = vae.tensor_names();
    let analytic: Vec<Vec<f64>> = grad.parameters().iter().map(|p| p.to_vec()).collect();
    let mut probe = vae.clone();
    for (t, tensor) in analytic.iter().enumerate() {
        for (i, &g) in tensor.iter().enumerate() {
            let original = probe.parameters()[t][i];
            let numeric = central_difference(
                |v| {
                    probe.parameters_mut()[t][i] = v;
                    negative_bound(&probe, &x, k)
                },
                original,
                1e-5,
            );
            probe.parameters_mut()[t][i] = original;
            assert!(
                relative_error(g, numeric) < 1e-6 || (g - numeric).abs() < 1e-9,
                "k = {k}, {} entry {i}: backward {g}, finite difference {numeric}",
                names[t]
            );
        }
    }
}

#[test]
fn every_parameter_gradient_of_the_bound_matches_finite_differences() {
    for (k, seed) in [(1, 1), (2, 2), (5, 3)] {
        check(k, seed);
    }
}

#[test]
fn the_normalized_weights_of_each_image_sum_to_one() {
    let mut rng = StdRng::seed_from_u64(4);
    let vae = Vae::<f64>::with_init(SHAPE, Init::Glorot, &mut rng);
    let k = 4;
    let x = repeated_images(k, &mut rng);
    let mut ws = Workspace::new(SHAPE, x.nrows());
    vae.forward(&x, Latent::Sample(&mut rng), &mut ws);
    let (bounds, weights) = bound_and_weights(&x, &ws, k);
    assert_eq!((bounds.len(), weights.len()), (IMAGES, IMAGES * k));
    for image in weights.chunks(k) {
        assert!((image.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(image.iter().all(|&w| w > 0.0));
    }
}

#[test]
fn with_one_sample_the_bound_is_the_elbo_of_that_draw() {
    // k = 1: one weight, exactly 1, and the bound is chapter 4's single-draw ELBO with its KL
    // term sampled: -reconstruction + log p(z) - log q(z | x). The decoder's gradient, which
    // does not see how the KL is computed, is chapter 4's bit for bit.
    let mut rng = StdRng::seed_from_u64(5);
    let vae = Vae::<f64>::with_init(SHAPE, Init::Glorot, &mut rng);
    let x = repeated_images(1, &mut rng);
    let mut ws = Workspace::new(SHAPE, IMAGES);
    vae.forward(
        &x,
        Latent::Sample(&mut StdRng::seed_from_u64(NOISE_SEED)),
        &mut ws,
    );
    let (bounds, weights) = bound_and_weights(&x, &ws, 1);
    assert!(weights.iter().all(|&w| w == 1.0));
    let mut iwae_grad = Vae::zeros(SHAPE);
    backward(&vae, &x, &mut ws, 1, &mut iwae_grad);

    let mut elbo_ws = Workspace::new(SHAPE, IMAGES);
    vae.forward(
        &x,
        Latent::Sample(&mut StdRng::seed_from_u64(NOISE_SEED)),
        &mut elbo_ws,
    );
    let loss = vae.loss(&x, &mut elbo_ws);
    let sampled_kl: f64 = (0..IMAGES)
        .map(|r| {
            let row = |m: &Array2<f64>| m.row(r).to_vec();
            -log_prior_minus_log_q(&row(&elbo_ws.z), &row(&elbo_ws.eps), &row(&elbo_ws.logvar))
        })
        .sum();
    let elbo_of_draws = -loss.reconstruction - sampled_kl;
    assert!((bounds.iter().sum::<f64>() - elbo_of_draws).abs() < 1e-10);

    let mut elbo_grad = Vae::zeros(SHAPE);
    vae.backward(&x, &mut elbo_ws, 1.0, &mut elbo_grad, false);
    assert_eq!(iwae_grad.decoder, elbo_grad.decoder);
    // The encoder's differ by the sampled KL's gradient against the closed form's.
    assert_ne!(iwae_grad.encoder, elbo_grad.encoder);
}
