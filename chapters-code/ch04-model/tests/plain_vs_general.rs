//! The page's plain VAE (`plain.rs`) against the general one (`vae.rs`) that chapters 5 to 9
//! train: the same weights and noise give the same forward pass and gradient, bit for bit,
//! in f32 and f64. The loss differs only in rounding: the general one takes one logarithm
//! per 32 pixels, the plain one one per pixel.

use ch03_reparameterization::reparam::draw_standard_normal;
use ch04_model::plain::PlainVae;
use ch04_model::scalar::Real;
use ch04_model::shape::VaeShape;
use ch04_model::vae::{Latent, Vae};
use ch04_model::workspace::{Workspace, rows};
use ndarray::Array2;
use rand::distr::{Distribution, StandardUniform};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;

fn compare<F: Real>(shape: VaeShape, batch: usize, beta: f64, seed: u64)
where
    StandardNormal: Distribution<F>,
    StandardUniform: Distribution<F>,
{
    let mut rng = StdRng::seed_from_u64(seed);
    let vae = Vae::<F>::new(shape, &mut rng);
    let plain = PlainVae::try_from(&vae).expect("chapter 4's shape");
    // Grey levels with exact zeros, as MNIST has, so the ReLU masks and zero pixels both occur.
    let x = Array2::from_shape_fn((batch, shape.input), |_| {
        let v: F = rng.random();
        if v < F::of(0.5) { F::zero() } else { v }
    });
    let mut eps = Array2::zeros((batch, shape.latent));
    draw_standard_normal(&mut StdRng::seed_from_u64(seed + 1), &mut eps);

    let mut ws = Workspace::new(shape, batch);
    vae.forward(
        &x,
        Latent::Sample(&mut StdRng::seed_from_u64(seed + 1)),
        &mut ws,
    );
    let fwd = plain.forward(&x, eps);
    for (name, general, mine) in [
        ("eps", &ws.eps, &fwd.eps),
        ("mu", &ws.mu, &fwd.mu),
        ("l", &ws.logvar, &fwd.l),
        ("z", &ws.z, &fwd.z),
        ("o", &ws.logits, &fwd.o),
        ("h", &ws.h_enc[0], &fwd.h),
        ("g", &ws.h_dec[0], &fwd.g),
    ] {
        assert_eq!(rows(general, batch), mine, "{name} differs");
    }

    let beta = F::of(beta);
    let mut grad = Vae::zeros(shape);
    vae.backward(&x, &mut ws, beta, &mut grad, false);
    let d = plain.backward(&x, &fwd, beta);
    let names = vae.tensor_names();
    for ((name, general), mine) in names.iter().zip(grad.parameters()).zip(d.parameters()) {
        assert_eq!(general, mine, "the gradient of {name} differs");
    }

    // Training asks for the loss with the gradient: that path computes sigmoid(o) for o < 0
    // as e * (1 / (1 + e)) rather than e / (1 + e), so the gradients agree to rounding only.
    let mut with_loss = Vae::zeros(shape);
    vae.backward(&x, &mut ws, beta, &mut with_loss, true);
    for ((name, general), mine) in names.iter().zip(with_loss.parameters()).zip(d.parameters()) {
        for (&a, &b) in general.iter().zip(mine) {
            let scale = F::one() + a.abs().max(b.abs());
            assert!(
                (a - b).abs() <= F::of(1e-5) * scale,
                "{name}: {a:?} against {b:?}"
            );
        }
    }

    let general = vae.loss(&x, &mut ws);
    let (total, reconstruction, kl) = plain.loss(&x, &fwd, beta);
    assert_eq!(general.kl, kl);
    let close = |a: F, b: F| (a - b).abs() <= F::of(1e-5) * b.abs();
    assert!(close(general.reconstruction, reconstruction));
    assert_eq!(total, reconstruction + beta * kl);
}

#[test]
fn the_plain_vae_is_the_general_one_bit_for_bit() {
    for (seed, beta) in [(1, 1.0), (2, 0.5), (3, 0.0)] {
        compare::<f64>(VaeShape::one_hidden_relu(30, 12, 4), 9, beta, seed);
        compare::<f32>(VaeShape::one_hidden_relu(784, 40, 5), 17, beta, seed);
    }
}

#[test]
fn a_deeper_or_tanh_network_is_refused_with_its_shape() {
    let mut shape = VaeShape::one_hidden_relu(10, 8, 2);
    shape.depth = 2;
    let vae = Vae::<f64>::new(shape, &mut StdRng::seed_from_u64(0));
    let err = PlainVae::try_from(&vae).unwrap_err();
    assert!(err.contains("2 Relu"), "{err}");
}
