//! The two ends of the VAE's loss, each on its own. The KL term's gradient, as the VAE's
//! backward pass adds it, is exactly the closed form `beta * mu` and
//! `beta * (exp(logvar) - 1) / 2`. And with the noise switched off (`Latent::Mean`) and no
//! KL (`beta = 0`), the VAE is a plain autoencoder: the log-variance head gets no gradient
//! at all, and gradient descent on the reconstruction alone learns to reproduce the data.

use ch04_model::shape::VaeShape;
use ch04_model::vae::{Latent, Loss, Vae};
use ch04_model::workspace::Workspace;
use ndarray::{Array1, Array2, Zip};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const SHAPE: VaeShape = VaeShape::one_hidden_relu(7, 6, 3);

/// The backward pass with the KL weight `beta`, on fixed noise: returns the gradients that
/// reached `mu` and `logvar`, and the loss.
fn head_gradients(
    vae: &Vae<f64>,
    x: &Array2<f64>,
    beta: f64,
    ws: &mut Workspace<f64>,
) -> (Array2<f64>, Array2<f64>, Loss<f64>) {
    vae.forward(x, Latent::Sample(&mut StdRng::seed_from_u64(3)), ws);
    let mut grad = Vae::zeros(vae.shape());
    let loss = vae.backward(x, ws, beta, &mut grad, true).unwrap();
    (ws.d_mu.clone(), ws.d_logvar.clone(), loss)
}

#[test]
fn the_kl_gradient_is_its_closed_form_as_the_vae_uses_it() {
    let mut rng = StdRng::seed_from_u64(21);
    let mut vae = Vae::<f64>::new(SHAPE, &mut rng);
    vae.encoder.logvar.bias = Array1::from(vec![1.2, -0.7, -2.0]);
    vae.encoder.mu.bias = Array1::from(vec![0.5, -1.0, 0.0]);
    let x = Array2::from_shape_simple_fn((4, SHAPE.input), || rng.random::<f64>());
    let mut ws = Workspace::new(SHAPE, 4);

    // The KL enters linearly with weight beta, so the difference between two backward passes
    // is the KL's own gradient, which must be beta * mu and beta * (exp(logvar) - 1) / 2.
    let (dmu0, dlv0, loss0) = head_gradients(&vae, &x, 0.0, &mut ws);
    let beta = 2.5;
    let (dmu1, dlv1, loss1) = head_gradients(&vae, &x, beta, &mut ws);
    let (mu, logvar) = (&ws.mu, &ws.logvar);
    Zip::from(&dmu1)
        .and(&dmu0)
        .and(mu)
        .for_each(|&a, &b, &m| assert!((a - b - beta * m).abs() < 1e-12));
    Zip::from(&dlv1)
        .and(&dlv0)
        .and(logvar)
        .for_each(|&a, &b, &lv| assert!((a - b - beta * (lv.exp() - 1.0) / 2.0).abs() < 1e-12));

    // The reported KL is 1/2 sum (mu^2 + exp(logvar) - 1 - logvar), whatever beta.
    let closed_form: f64 = Zip::from(mu).and(logvar).fold(0.0, |acc, &m, &lv| {
        acc + 0.5 * (m * m + lv.exp() - 1.0 - lv)
    });
    assert!((loss0.kl - closed_form).abs() < 1e-12);
    assert_eq!(loss0, loss1);

    // And the closed form is the derivative of the KL: central differences on each mu, logvar.
    let kl = |mu: &Array2<f64>, lv: &Array2<f64>| ch02_elbo::kl::kl_standard_normal(mu, lv);
    let h = 1e-6;
    for idx in ndarray::indices(mu.dim()) {
        let (mut up, mut down) = (mu.clone(), mu.clone());
        up[idx] += h;
        down[idx] -= h;
        let numeric = (kl(&up, logvar) - kl(&down, logvar)) / (2.0 * h);
        assert!((numeric - mu[idx]).abs() < 1e-8, "dKL/dmu{idx:?}");
        let (mut up, mut down) = (logvar.clone(), logvar.clone());
        up[idx] += h;
        down[idx] -= h;
        let numeric = (kl(mu, &up) - kl(mu, &down)) / (2.0 * h);
        let closed = (logvar[idx].exp() - 1.0) / 2.0;
        assert!((numeric - closed).abs() < 1e-8, "dKL/dlogvar{idx:?}");
    }
}

/// A tiny fixed data set: 8 binary images of 16 pixels, two strokes each.
fn tiny_data() -> Array2<f64> {
    Array2::from_shape_fn((8, 16), |(i, j)| {
        let (row, col) = (j / 4, j % 4);
        // Image i lights row i % 4 and column i / 2, so the images share pixels.
        f64::from(u8::from(row == i % 4 || col == i / 2))
    })
}

#[test]
fn with_the_mean_as_z_the_reconstruction_ignores_logvar() {
    let shape = VaeShape::one_hidden_relu(16, 12, 3);
    let mut rng = StdRng::seed_from_u64(22);
    let vae = Vae::<f64>::new(shape, &mut rng);
    let x = tiny_data();
    let mut ws = Workspace::new(shape, x.nrows());
    vae.forward(&x, Latent::Mean, &mut ws);
    // eps = 0, so z = mu + sigma * 0 is mu exactly.
    assert_eq!(ws.z, ws.mu);
    let mut grad = Vae::zeros(shape);
    let loss = vae.backward(&x, &mut ws, 0.0, &mut grad, true).unwrap();
    // dlogvar = dz * eps * sigma / 2 = 0, and beta = 0 removes the KL's part: exactly zero.
    assert!(ws.d_logvar.iter().all(|&g| g == 0.0));
    assert!(grad.encoder.logvar.weight.iter().all(|&g| g == 0.0));
    assert!(grad.encoder.logvar.bias.iter().all(|&g| g == 0.0));
    // The other heads do learn.
    assert!(grad.encoder.mu.weight.iter().any(|&g| g != 0.0));

    // Changing the log-variance head changes nothing the reconstruction sees.
    let mut other = vae.clone();
    other.encoder.logvar.bias.fill(3.0);
    other.forward(&x, Latent::Mean, &mut ws);
    assert_eq!(other.loss(&x, &mut ws).reconstruction, loss.reconstruction);
}

#[test]
fn a_plain_autoencoder_learns_a_tiny_data_set() {
    let shape = VaeShape::one_hidden_relu(16, 12, 3);
    let mut rng = StdRng::seed_from_u64(23);
    let mut vae = Vae::<f64>::new(shape, &mut rng);
    let x = tiny_data();
    let n = x.nrows();
    let mut ws = Workspace::new(shape, n);
    let mut grad = Vae::zeros(shape);
    let logvar_head = vae.encoder.logvar.clone();

    let step = |vae: &mut Vae<f64>, ws: &mut Workspace<f64>, grad: &mut Vae<f64>| {
        vae.forward(&x, Latent::Mean, ws);
        let loss = vae.backward(&x, ws, 0.0, grad, true).unwrap();
        // Plain gradient descent on the mean loss per image.
        let lr = 0.1 / n as f64;
        for (p, g) in vae.parameters_mut().into_iter().zip(grad.parameters()) {
            for (p, g) in p.iter_mut().zip(g) {
                *p -= lr * g;
            }
        }
        loss.reconstruction / n as f64
    };
    let first = step(&mut vae, &mut ws, &mut grad);
    let mut last = first;
    for _ in 0..400 {
        last = step(&mut vae, &mut ws, &mut grad);
    }
    println!("reconstruction, nats per image: {first:.3} at the start, {last:.3} after 400 steps");
    // At the start every pixel is nearly a coin flip: about 16 ln 2 = 11.1 nats per image.
    assert!((first - 16.0 * 2f64.ln()).abs() < 2.0, "first {first}");
    // A few hundred steps reproduce the images almost exactly: less than a tenth of that.
    assert!(last < 0.1 * first, "from {first} to {last}");
    // The chapter quotes the two numbers.
    let page = support::book::flat(&support::book::read("ch04-model.md").unwrap());
    let quoted = format!("from {first:.2} nats per image down to {last:.3}");
    assert!(page.contains(&quoted), "chapter 4 should say {quoted:?}");
    // The log-variance head never moved: nothing in this loss depends on it.
    assert_eq!(vae.encoder.logvar, logvar_head);
}
