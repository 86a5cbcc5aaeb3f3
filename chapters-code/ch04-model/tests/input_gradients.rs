//! The gradients that flow *between* layers, against central finite differences in f64: a
//! dense layer's dL/dx, the decoder's dL/dz, what reaches the encoder's heads (dL/dmu and
//! dL/dlogvar, through the reparameterized sample and the KL), and the encoder's hidden layer,
//! which both heads feed. `tests/gradient_check.rs` checks the parameters; a wrong input
//! gradient would show there too, but here it shows *where* it went wrong.
//!
//! Tolerance: every loss here is a sum of a few dozen terms of order 1. With h = 1e-5 the
//! central difference's truncation error is about h^2 / 6 times a third derivative of order
//! 1, ~1e-11, and its rounding error is about 1e-16 times the loss divided by h, ~1e-10. So
//! `|analytic - numeric| <= 1e-7 * (1 + |analytic|)` leaves a margin of 100 or more, while a
//! wrong formula (a missing term, a transposed product) misses by far more than 1e-7.

use ch02_elbo::kl::kl_standard_normal;
use ch03_reparameterization::reparam::reparameterize;
use ch04_model::activation::relu;
use ch04_model::bernoulli::{bce_grad, bce_rows};
use ch04_model::decoder::Decoder;
use ch04_model::dense::Dense;
use ch04_model::encoder::Encoder;
use ch04_model::shape::VaeShape;
use ch04_model::vae::{Latent, Vae};
use ch04_model::workspace::Workspace;
use ndarray::{Array1, Array2, s};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;

const H: f64 = 1e-5;
const SHAPE: VaeShape = VaeShape::one_hidden_relu(7, 6, 3);
const BATCH: usize = 5;

fn normal(rows: usize, cols: usize, rng: &mut StdRng) -> Array2<f64> {
    Array2::from_shape_simple_fn((rows, cols), || rng.sample(StandardNormal))
}

fn uniform(rows: usize, cols: usize, rng: &mut StdRng) -> Array2<f64> {
    Array2::from_shape_simple_fn((rows, cols), || rng.random::<f64>())
}

/// dL/da by central differences, one entry of `a` at a time.
fn numeric_gradient(a: &Array2<f64>, loss: impl Fn(&Array2<f64>) -> f64) -> Array2<f64> {
    let mut probe = a.clone();
    let mut out = Array2::zeros(a.raw_dim());
    for idx in ndarray::indices(a.dim()) {
        let original = probe[idx];
        probe[idx] = original + H;
        let up = loss(&probe);
        probe[idx] = original - H;
        let down = loss(&probe);
        probe[idx] = original;
        out[idx] = (up - down) / (2.0 * H);
    }
    out
}

fn assert_close(what: &str, analytic: &Array2<f64>, numeric: &Array2<f64>) {
    assert_eq!(analytic.dim(), numeric.dim(), "{what}: shapes differ");
    for ((idx, &a), &n) in analytic.indexed_iter().zip(numeric) {
        assert!(
            (a - n).abs() <= 1e-7 * (1.0 + a.abs()),
            "{what}{idx:?}: backward {a}, finite difference {n}"
        );
    }
}

/// The summed cross-entropy of the batch `x` under the pixel logits.
fn bce_sum(logits: &Array2<f64>, x: &Array2<f64>) -> f64 {
    let mut rows = Array1::zeros(x.nrows());
    bce_rows(logits, x, &mut rows);
    rows.sum()
}

#[test]
fn dense_layer_gradients_match_finite_differences() {
    let mut rng = StdRng::seed_from_u64(11);
    let layer = Dense::<f64>::new(4, 3, &mut rng);
    let x = normal(BATCH, 4, &mut rng);
    let g = normal(BATCH, 3, &mut rng);
    // A nonlinear loss of the output, so dL/dy depends on x: L = sum(y^2 / 2 + g * y).
    let loss_of_y = |y: &Array2<f64>| (y * y / 2.0 + &g * y).sum();
    let forward = |layer: &Dense<f64>, x: &Array2<f64>| {
        let mut y = Array2::zeros((x.nrows(), layer.outputs()));
        layer.forward(x, &mut y);
        y
    };
    let y = forward(&layer, &x);
    let dy = &y + &g;
    let mut grad = Dense::zeros(4, 3);
    let mut dx = Array2::zeros(x.raw_dim());
    layer.backward(&x, &dy, &mut grad, Some(&mut dx));

    assert_close(
        "dL/dx",
        &dx,
        &numeric_gradient(&x, |x| loss_of_y(&forward(&layer, x))),
    );
    let numeric_w = numeric_gradient(&layer.weight, |w| {
        let probe = Dense {
            weight: w.clone(),
            bias: layer.bias.clone(),
        };
        loss_of_y(&forward(&probe, &x))
    });
    assert_close("dL/dW", &grad.weight, &numeric_w);
    let bias = layer.bias.clone().insert_axis(ndarray::Axis(0));
    let numeric_b = numeric_gradient(&bias, |b| {
        let probe = Dense {
            weight: layer.weight.clone(),
            bias: b.row(0).to_owned(),
        };
        loss_of_y(&forward(&probe, &x))
    });
    assert_close(
        "dL/db",
        &grad.bias.clone().insert_axis(ndarray::Axis(0)),
        &numeric_b,
    );
}

#[test]
fn decoder_gradient_reaching_z_matches_finite_differences() {
    let mut rng = StdRng::seed_from_u64(12);
    let decoder = Decoder::<f64>::new(SHAPE, &mut rng);
    let z = normal(BATCH, SHAPE.latent, &mut rng);
    let x = uniform(BATCH, SHAPE.input, &mut rng);
    let logits_of = |z: &Array2<f64>| {
        let mut h = vec![Array2::zeros((BATCH, SHAPE.hidden))];
        let mut logits = Array2::zeros((BATCH, SHAPE.input));
        decoder.forward(z, &mut h, &mut logits);
        (h, logits)
    };
    let (h, logits) = logits_of(&z);
    let mut dlogits = Array2::zeros(logits.raw_dim());
    bce_grad(&logits, &x, &mut dlogits, false);
    let mut dh = vec![Array2::zeros(h[0].raw_dim())];
    let mut dz = Array2::zeros(z.raw_dim());
    let mut grad = Decoder::zeros(SHAPE);
    decoder.backward(&z, &h, &dlogits, &mut dh, &mut dz, &mut grad);

    let numeric = numeric_gradient(&z, |z| bce_sum(&logits_of(z).1, &x));
    assert_close("decoder dL/dz", &dz, &numeric);
}

/// A VAE after a forward and backward pass with sampled noise, and its batch.
fn vae_after_backward(seed: u64, beta: f64) -> (Vae<f64>, Array2<f64>, Workspace<f64>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut vae = Vae::<f64>::new(SHAPE, &mut rng);
    // Push the log-variances away from 0, where exp(logvar) - 1 would vanish.
    vae.encoder.logvar.bias = Array1::from(vec![0.8, -1.5, 0.3]);
    let x = uniform(BATCH, SHAPE.input, &mut rng);
    let mut ws = Workspace::new(SHAPE, BATCH);
    vae.forward(&x, Latent::Sample(&mut rng), &mut ws);
    let mut grad = Vae::zeros(SHAPE);
    vae.backward(&x, &mut ws, beta, &mut grad, false);
    (vae, x, ws)
}

#[test]
fn the_vae_gradient_reaching_z_matches_finite_differences() {
    let (vae, x, ws) = vae_after_backward(13, 1.0);
    // With eps fixed, the loss depends on z only through the decoder's reconstruction term.
    let numeric = numeric_gradient(&ws.z, |z| {
        let mut h = vec![Array2::zeros((BATCH, SHAPE.hidden))];
        let mut logits = Array2::zeros((BATCH, SHAPE.input));
        vae.decoder.forward(z, &mut h, &mut logits);
        bce_sum(&logits, &x)
    });
    assert_close("d_z", &ws.d_z, &numeric);
}

#[test]
fn gradients_reaching_mu_and_logvar_match_finite_differences() {
    for beta in [1.0, 0.3] {
        let (vae, x, ws) = vae_after_backward(14, beta);
        // The loss as a function of the encoder's two outputs, with the same eps:
        // z = mu + exp(logvar / 2) * eps, then the decoder, plus beta * KL(mu, logvar).
        let loss = |mu: &Array2<f64>, logvar: &Array2<f64>| {
            let mut z = Array2::zeros(mu.raw_dim());
            reparameterize(mu, logvar, &ws.eps, &mut z);
            let mut h = vec![Array2::zeros((BATCH, SHAPE.hidden))];
            let mut logits = Array2::zeros((BATCH, SHAPE.input));
            vae.decoder.forward(&z, &mut h, &mut logits);
            bce_sum(&logits, &x) + beta * kl_standard_normal(mu, logvar)
        };
        let numeric_mu = numeric_gradient(&ws.mu, |mu| loss(mu, &ws.logvar));
        assert_close("d_mu", &ws.d_mu, &numeric_mu);
        let numeric_lv = numeric_gradient(&ws.logvar, |lv| loss(&ws.mu, lv));
        assert_close("d_logvar", &ws.d_logvar, &numeric_lv);
    }
}

#[test]
fn the_encoder_hidden_layer_gets_the_sum_of_both_heads() {
    let mut rng = StdRng::seed_from_u64(15);
    let encoder = Encoder::<f64>::new(SHAPE, &mut rng);
    let x = uniform(BATCH, SHAPE.input, &mut rng);
    let (g_mu, g_lv) = (
        normal(BATCH, SHAPE.latent, &mut rng),
        normal(BATCH, SHAPE.latent, &mut rng),
    );
    // A loss of both heads: L = sum(mu^2 / 2 + g_mu * mu) + sum(exp(logvar) / 2 + g_lv * logvar).
    let heads_loss = |mu: &Array2<f64>, lv: &Array2<f64>| {
        (mu * mu / 2.0 + &g_mu * mu).sum() + (lv.exp() / 2.0 + &g_lv * lv).sum()
    };
    let mut h = vec![Array2::zeros((BATCH, SHAPE.hidden))];
    let mut mu = Array2::zeros((BATCH, SHAPE.latent));
    let mut lv = Array2::zeros((BATCH, SHAPE.latent));
    encoder.forward(&x, &mut h, &mut mu, &mut lv);
    let dmu = &mu + &g_mu;
    let dlv = lv.exp() / 2.0 + &g_lv;
    let mut dh = vec![Array2::zeros(h[0].raw_dim())];
    let mut grad = Encoder::zeros(SHAPE);
    encoder.backward(&x, &h, &dmu, &dlv, &mut dh, &mut grad);

    // On return `dh` holds dL/da for the hidden pre-activation a = x W1 + b1.
    let mut a = Array2::zeros((BATCH, SHAPE.hidden));
    encoder.hidden[0].forward(&x, &mut a);
    let numeric = numeric_gradient(&a, |a| {
        let mut h = a.clone();
        relu(&mut h);
        let (mut mu, mut lv) = (
            Array2::zeros((BATCH, SHAPE.latent)),
            Array2::zeros((BATCH, SHAPE.latent)),
        );
        encoder.mu.forward(&h, &mut mu);
        encoder.logvar.forward(&h, &mut lv);
        heads_loss(&mu, &lv)
    });
    assert_close("encoder dL/da", &dh[0], &numeric);

    // And the first layer's weights, which only get there through both heads.
    let numeric_w1 = numeric_gradient(&encoder.hidden[0].weight, |w| {
        let mut probe = encoder.clone();
        probe.hidden[0].weight.assign(w);
        let (mut h, mut mu, mut lv) = (
            vec![Array2::zeros((BATCH, SHAPE.hidden))],
            Array2::zeros((BATCH, SHAPE.latent)),
            Array2::zeros((BATCH, SHAPE.latent)),
        );
        probe.forward(&x, &mut h, &mut mu, &mut lv);
        heads_loss(&mu, &lv)
    });
    assert_close("encoder dL/dW1", &grad.hidden[0].weight, &numeric_w1);
}

#[test]
fn a_smaller_batch_uses_the_first_rows_of_the_workspace() {
    // The last batch of an epoch is smaller: the gradient of 3 images computed in a
    // workspace for 5 equals the one computed in a workspace for exactly 3.
    let mut rng = StdRng::seed_from_u64(16);
    let vae = Vae::<f64>::new(SHAPE, &mut rng);
    let x = uniform(BATCH, SHAPE.input, &mut rng);
    let x3 = x.slice(s![..3, ..]).to_owned();
    let gradient = |capacity: usize| {
        let mut ws = Workspace::new(SHAPE, capacity);
        // Fill the big workspace with the full batch first, so stale rows are present.
        if capacity > 3 {
            vae.forward(&x, Latent::Mean, &mut ws);
        }
        vae.forward(&x3, Latent::Sample(&mut StdRng::seed_from_u64(1)), &mut ws);
        let mut grad = Vae::zeros(SHAPE);
        let loss = vae.backward(&x3, &mut ws, 1.0, &mut grad, true).unwrap();
        (grad, loss)
    };
    assert_eq!(gradient(BATCH), gradient(3));
}
