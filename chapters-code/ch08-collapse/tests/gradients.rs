//! The hand-written backward pass of the autoregressive VAE, under every rate term, against
//! central finite differences in f64: every parameter of every tensor, on a tiny network.

use ch04_model::activation::Activation;
use ch04_model::gradcheck::{STEP, central_difference, random_binary_images, relative_error};
use ch04_model::shape::VaeShape;
use ch04_model::vae::{Latent, Vae};
use ch04_model::workspace::Workspace;
use ch08_collapse::autoregressive::{Autoregressive, allowed, apply_mask};
use ch08_collapse::model::Model;
use ch08_collapse::rate::{RateTerm, unit_kl};
use ndarray::{Array2, Axis};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const SHAPE: VaeShape = VaeShape {
    input: 7,
    hidden: 5,
    latent: 3,
    depth: 2,
    activation: Activation::Tanh,
};

fn model(seed: u64) -> Model<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    let vae = Vae::new(SHAPE, &mut rng);
    let mut a = Autoregressive::zeros(SHAPE.input);
    a.weight = Array2::from_shape_simple_fn((7, 7), || rng.random_range(-1.0..1.0));
    apply_mask(&mut a.weight);
    Model {
        vae,
        autoregressive: Some(a),
    }
}

/// The objective with the noise drawn afresh from the same seed: a function of the weights.
fn objective(m: &Model<f64>, x: &Array2<f64>, rate: RateTerm, ws: &mut Workspace<f64>) -> f64 {
    m.forward(x, Latent::Sample(&mut StdRng::seed_from_u64(99)), ws);
    let mut grad = m.zeros_like();
    m.backward(x, ws, rate, &mut grad).objective()
}

fn check(rate: RateTerm, x: &Array2<f64>) {
    let m = model(3);
    let mut ws = Workspace::new(SHAPE, x.nrows());
    m.forward(x, Latent::Sample(&mut StdRng::seed_from_u64(99)), &mut ws);
    let mut grad = m.zeros_like();
    m.backward(x, &mut ws, rate, &mut grad);
    let analytic: Vec<Vec<f64>> = grad.parameters().iter().map(|p| p.to_vec()).collect();
    let mut worst: f64 = 0.0;
    for (t, tensor) in analytic.iter().enumerate() {
        for (i, &a) in tensor.iter().enumerate() {
            // The masked-out weights are not parameters: the forward pass would read them,
            // but they are zero from the start and their gradient is zero (checked below).
            let last = t == analytic.len() - 1;
            if last && !allowed(i / SHAPE.input, i % SHAPE.input) {
                continue;
            }
            let numeric = central_difference(
                |v| {
                    let mut nudged = m.clone();
                    nudged.parameters_mut()[t][i] = v;
                    objective(&nudged, x, rate, &mut ws)
                },
                m.parameters()[t][i],
                STEP,
            );
            // Entries no example reaches are 0 on both sides.
            if a.abs() < 1e-9 && numeric.abs() < 1e-7 {
                continue;
            }
            worst = worst.max(relative_error(a, numeric));
        }
    }
    assert!(worst < 1e-5, "{rate:?}: worst relative error {worst:e}");
    // The masked-out weights get exactly zero gradient: Adam never moves them.
    let g = &grad.autoregressive.as_ref().unwrap().weight;
    for ((j, d), &v) in g.indexed_iter() {
        if !allowed(j, d) {
            assert_eq!(v, 0.0);
        }
    }
}

#[test]
fn the_elbo_and_a_beta_vae_with_the_autoregressive_decoder() {
    let x = random_binary_images::<f64>(4, SHAPE.input, &mut StdRng::seed_from_u64(1));
    check(RateTerm::Beta(1.0), &x);
    check(RateTerm::Beta(0.3), &x);
}

#[test]
fn free_bits_with_one_unit_charged_and_the_others_free() {
    let x = random_binary_images::<f64>(4, SHAPE.input, &mut StdRng::seed_from_u64(1));
    // lambda between the units' batch-mean KLs, away from each (the penalty's kink).
    let m = model(3);
    let mut ws = Workspace::new(SHAPE, 4);
    m.forward(&x, Latent::Sample(&mut StdRng::seed_from_u64(99)), &mut ws);
    let mut means: Vec<f64> = unit_kl(&ws.mu, &ws.logvar)
        .mean_axis(Axis(0))
        .unwrap()
        .to_vec();
    means.sort_by(f64::total_cmp);
    let lambda = (means[1] + means[2]) / 2.0;
    assert!(means[2] - means[1] > 1e-2, "{means:?}");
    check(RateTerm::FreeBits(lambda), &x);
    // Above every unit's KL: the penalty is flat, only the distortion's gradient remains.
    check(RateTerm::FreeBits(means[2] + 1.0), &x);
}
