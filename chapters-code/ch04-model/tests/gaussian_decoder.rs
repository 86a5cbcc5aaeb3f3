//! The exercise on a Gaussian decoder with a learned variance: its backward pass against
//! central differences, and the variance it learns.

use ch04_model::exercises::{backward_gaussian, best_log_variance, gaussian_nll_grad};
use ch04_model::shape::VaeShape;
use ch04_model::vae::{Latent, Vae};
use ch04_model::workspace::Workspace;
use ndarray::Array2;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const SHAPE: VaeShape = VaeShape::one_hidden_relu(10, 7, 3);
const BETA: f64 = 1.0;

/// The batch's loss, Gaussian reconstruction plus the KL, with the noise of `seed`.
fn loss(vae: &Vae<f64>, x: &Array2<f64>, log_var: f64, seed: u64) -> f64 {
    let mut ws = Workspace::new(SHAPE, x.nrows());
    vae.forward(x, Latent::Sample(&mut StdRng::seed_from_u64(seed)), &mut ws);
    let mut grad = Vae::zeros(SHAPE);
    let (l, _) = backward_gaussian(vae, x, &mut ws, log_var, BETA, &mut grad);
    l.reconstruction + BETA * l.kl
}

#[test]
fn the_gaussian_backward_pass_matches_central_differences() {
    let mut rng = StdRng::seed_from_u64(21);
    let vae: Vae<f64> = Vae::new(SHAPE, &mut rng);
    let x = Array2::from_shape_simple_fn((4, 10), || rng.random_range(0.0..1.0));
    let (log_var, seed, h) = (-1.3, 9, 1e-5);

    let mut ws = Workspace::new(SHAPE, 4);
    vae.forward(
        &x,
        Latent::Sample(&mut StdRng::seed_from_u64(seed)),
        &mut ws,
    );
    let mut grad = Vae::zeros(SHAPE);
    let (_, d_log_var) = backward_gaussian(&vae, &x, &mut ws, log_var, BETA, &mut grad);

    let numeric =
        (loss(&vae, &x, log_var + h, seed) - loss(&vae, &x, log_var - h, seed)) / (2.0 * h);
    assert!(
        (numeric - d_log_var).abs() < 1e-6 * (1.0 + d_log_var.abs()),
        "{numeric} vs {d_log_var}"
    );

    let analytic: Vec<Vec<f64>> = grad.parameters().iter().map(|t| t.to_vec()).collect();
    for (tensor, values) in analytic.iter().enumerate() {
        for (i, &a) in values.iter().enumerate() {
            let nudged = |by: f64| {
                let mut v = vae.clone();
                v.parameters_mut()[tensor][i] += by;
                loss(&v, &x, log_var, seed)
            };
            let n = (nudged(h) - nudged(-h)) / (2.0 * h);
            assert!(
                (a - n).abs() < 1e-6 * (1.0 + a.abs()),
                "tensor {tensor}, entry {i}: {a} vs {n}"
            );
        }
    }
}

#[test]
fn the_learned_variance_settles_at_the_mean_squared_residual() {
    let mut rng = StdRng::seed_from_u64(4);
    let means = Array2::from_shape_simple_fn((6, 10), || rng.random_range(0.0..1.0));
    let x = Array2::from_shape_simple_fn((6, 10), || rng.random_range(0.0..1.0));
    let best: f64 = best_log_variance(&means, &x);
    let mut d = Array2::zeros((6, 10));
    let slope = |s: f64, d: &mut Array2<f64>| gaussian_nll_grad(&means, &x, s, d).1;
    assert!(slope(best, &mut d).abs() < 1e-9);
    // Below it the loss falls as s rises, above it it rises: a minimum.
    assert!(slope(best - 0.5, &mut d) < 0.0 && slope(best + 0.5, &mut d) > 0.0);
    // Gradient descent on s alone finds it.
    let mut s = 0.0;
    for _ in 0..2000 {
        s -= 0.01 * slope(s, &mut d);
    }
    assert!((s - best).abs() < 1e-6, "{s} vs {best}");
}
