//! The hand-written backward pass against central finite differences, for every parameter
//! of a small VAE, in f64: chapter 4's network (one hidden ReLU layer on each side) and deeper
//! ones with tanh or ReLU (chapter 7's kind).

use ch04_model::activation::Activation;
use ch04_model::dense::Init;
use ch04_model::shape::VaeShape;
use ch04_model::vae::{Latent, Vae};
use ch04_model::workspace::Workspace;
use ndarray::Array2;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const SHAPE: VaeShape = VaeShape::one_hidden_relu(7, 6, 3);
const NOISE_SEED: u64 = 99;

/// The summed loss `reconstruction + beta * KL` for fixed noise: reseeding draws the same eps.
fn loss(vae: &Vae<f64>, x: &Array2<f64>, beta: f64, ws: &mut Workspace<f64>) -> f64 {
    vae.forward(
        x,
        Latent::Sample(&mut StdRng::seed_from_u64(NOISE_SEED)),
        ws,
    );
    let l = vae.loss(x, ws);
    l.reconstruction + beta * l.kl
}

fn check(beta: f64, seed: u64) {
    check_shape(SHAPE, Init::FanIn, beta, seed);
}

fn check_shape(shape: VaeShape, init: Init, beta: f64, seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let vae = Vae::<f64>::with_init(shape, init, &mut rng);
    let x = Array2::from_shape_simple_fn((5, shape.input), || rng.random::<f64>());
    let mut ws = Workspace::new(shape, 5);
    let mut grad = Vae::zeros(shape);
    vae.forward(
        &x,
        Latent::Sample(&mut StdRng::seed_from_u64(NOISE_SEED)),
        &mut ws,
    );
    let reported = vae.backward(&x, &mut ws, beta, &mut grad, true).unwrap();
    assert!(
        (reported.reconstruction + beta * reported.kl - loss(&vae, &x, beta, &mut ws)).abs()
            < 1e-12
    );

    // h = 1e-5: the central difference's error is O(h^2) ~ 1e-10 on derivatives of O(1), far
    // above f64 rounding (~1e-16 / h ~ 1e-11); a ReLU kink within h of a unit is improbable.
    let h = 1e-5;
    let analytic: Vec<Vec<f64>> = grad.parameters().iter().map(|p| p.to_vec()).collect();
    let mut probe = vae.clone();
    for (t, tensor) in analytic.iter().enumerate() {
        for (i, &g) in tensor.iter().enumerate() {
            let original = probe.parameters_mut()[t][i];
            probe.parameters_mut()[t][i] = original + h;
            let up = loss(&probe, &x, beta, &mut ws);
            probe.parameters_mut()[t][i] = original - h;
            let down = loss(&probe, &x, beta, &mut ws);
            probe.parameters_mut()[t][i] = original;
            let numeric = (up - down) / (2.0 * h);
            assert!(
                (numeric - g).abs() <= 1e-7 * (1.0 + g.abs()),
                "tensor {t} entry {i}: backward {g}, finite difference {numeric}"
            );
        }
    }
}

#[test]
fn every_parameter_gradient_matches_finite_differences() {
    for seed in 0..3 {
        check(1.0, seed);
    }
}

#[test]
fn the_kl_weight_enters_the_gradient() {
    check(0.25, 7);
    check(4.0, 8);
}

#[test]
fn deeper_tanh_networks_match_finite_differences() {
    // Chapter 7's kind of network: two (and three) hidden tanh layers a side, Glorot weights.
    for (depth, seed) in [(2, 21), (3, 22)] {
        let shape = VaeShape {
            depth,
            activation: Activation::Tanh,
            ..SHAPE
        };
        check_shape(shape, Init::Glorot, 1.0, seed);
    }
}

#[test]
fn a_deeper_relu_network_matches_finite_differences() {
    let shape = VaeShape { depth: 2, ..SHAPE };
    check_shape(shape, Init::FanIn, 1.0, 23);
}
