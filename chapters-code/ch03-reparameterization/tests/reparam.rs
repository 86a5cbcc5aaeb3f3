//! The batched reparameterization that chapter 4 uses: its backward pass against finite
//! differences (with the noise held fixed), its agreement with the one-dimensional pathwise
//! estimator, and the distribution of the samples it draws.

use ch03_reparameterization::estimators::{Gaussian, ScalarFunction, pathwise};
use ch03_reparameterization::reparam::{reparameterize, reparameterize_backward, sample_latent};
use ch03_reparameterization::test_functions::TestFunction;
use ndarray::{Array2, Zip};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;

/// A loss with a different, nonlinear dependence on every element:
/// L(z) = sum_ij w_ij sin(z_ij) + z_ij^2 / 2.
fn loss(z: &Array2<f64>, w: &Array2<f64>) -> f64 {
    Zip::from(z)
        .and(w)
        .fold(0.0, |acc, &z, &w| acc + w * z.sin() + z * z / 2.0)
}

fn loss_grad(z: &Array2<f64>, w: &Array2<f64>) -> Array2<f64> {
    Zip::from(z).and(w).map_collect(|&z, &w| w * z.cos() + z)
}

fn random(shape: (usize, usize), scale: f64, rng: &mut StdRng) -> Array2<f64> {
    Array2::from_shape_fn(shape, |_| scale * rng.sample::<f64, _>(StandardNormal))
}

#[test]
fn backward_matches_finite_differences_with_eps_fixed() {
    let shape = (4, 3);
    let mut rng = StdRng::seed_from_u64(11);
    let mu = random(shape, 1.0, &mut rng);
    let logvar = random(shape, 0.7, &mut rng);
    let w = random(shape, 1.0, &mut rng);
    let mut eps = Array2::zeros(shape);
    let mut z = Array2::zeros(shape);
    sample_latent(&mut rng, &mu, &logvar, &mut eps, &mut z);

    let mut dmu = Array2::zeros(shape);
    let mut dlogvar = Array2::zeros(shape);
    reparameterize_backward(&loss_grad(&z, &w), &logvar, &eps, &mut dmu, &mut dlogvar);

    // The loss as a function of (mu, logvar) with the same eps.
    let at = |mu: &Array2<f64>, logvar: &Array2<f64>| {
        let mut z = Array2::zeros(shape);
        reparameterize(mu, logvar, &eps, &mut z);
        loss(&z, &w)
    };
    let h = 1e-6;
    for i in 0..shape.0 {
        for j in 0..shape.1 {
            let nudge = |a: &Array2<f64>, d: f64| {
                let mut b = a.clone();
                b[[i, j]] += d;
                b
            };
            let num_mu = (at(&nudge(&mu, h), &logvar) - at(&nudge(&mu, -h), &logvar)) / (2.0 * h);
            let num_lv = (at(&mu, &nudge(&logvar, h)) - at(&mu, &nudge(&logvar, -h))) / (2.0 * h);
            // Central differences in f64 with h = 1e-6 are good to about 1e-9 here.
            assert!((num_mu - dmu[[i, j]]).abs() < 1e-7, "mu[{i},{j}]");
            assert!((num_lv - dlogvar[[i, j]]).abs() < 1e-7, "logvar[{i},{j}]");
        }
    }
}

#[test]
fn backward_is_the_pathwise_estimator() {
    // For L = sum of f(z_ij), backward gives, element by element, the pathwise estimate of
    // chapter 3 for mu, and half of it for logvar = 2 log sigma.
    let f = TestFunction::Exp;
    let mu = Array2::from_shape_vec((1, 3), vec![0.3, -1.0, 2.0]).unwrap();
    let logvar = Array2::from_shape_vec((1, 3), vec![0.0, -1.5, 0.8]).unwrap();
    let eps = Array2::from_shape_vec((1, 3), vec![1.1, -0.4, 0.05]).unwrap();
    let mut z = Array2::zeros((1, 3));
    reparameterize(&mu, &logvar, &eps, &mut z);
    let dz = z.mapv(|z| f.derivative(z));
    let (mut dmu, mut dlogvar) = (Array2::zeros((1, 3)), Array2::zeros((1, 3)));
    reparameterize_backward(&dz, &logvar, &eps, &mut dmu, &mut dlogvar);
    for j in 0..3 {
        let q = Gaussian::new(mu[[0, j]], (logvar[[0, j]] / 2.0).exp());
        let g = pathwise(&f, q, eps[[0, j]]);
        assert!((g.mu - dmu[[0, j]]).abs() < 1e-12);
        assert!((g.log_sigma / 2.0 - dlogvar[[0, j]]).abs() < 1e-12);
    }
}

#[test]
fn samples_have_the_requested_mean_and_variance_in_f32() {
    // 20,000 rows, each column its own Gaussian. The standard error of a column mean is
    // sigma / sqrt(n); that of a variance is about sigma^2 sqrt(2 / n) for a normal.
    let n = 20_000;
    let mus = [0.0f32, 2.5, -1.0];
    let logvars = [0.0f32, -3.0, 1.2];
    let mu = Array2::from_shape_fn((n, 3), |(_, j)| mus[j]);
    let logvar = Array2::from_shape_fn((n, 3), |(_, j)| logvars[j]);
    let (mut eps, mut z) = (Array2::zeros((n, 3)), Array2::zeros((n, 3)));
    sample_latent(
        &mut StdRng::seed_from_u64(5),
        &mu,
        &logvar,
        &mut eps,
        &mut z,
    );
    for j in 0..3 {
        let col = z.column(j).mapv(f64::from);
        let mean = col.mean().unwrap();
        let var = col.var(1.0);
        let (m, v) = (f64::from(mus[j]), f64::from(logvars[j]).exp());
        let (se_mean, se_var) = ((v / n as f64).sqrt(), v * (2.0 / n as f64).sqrt());
        assert!((mean - m).abs() < 5.0 * se_mean, "column {j}: mean {mean}");
        assert!((var - v).abs() < 5.0 * se_var, "column {j}: variance {var}");
    }
}
