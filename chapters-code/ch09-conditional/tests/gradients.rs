//! Every hand-written gradient of the chapter against central finite differences, in f64: the
//! KL between two Gaussians (also checked against Monte Carlo), the baseline, the CVAE and the
//! label-conditioned VAE; and the importance-sampled estimate against its own bound.

use ch04_model::gradcheck::{STEP, central_difference, random_binary_images};
use ch09_conditional::baseline::Baseline;
use ch09_conditional::cvae::{Batch, Cvae, CvaeShape};
use ch09_conditional::gaussians::{
    KlGradient, kl_gaussians, kl_gaussians_backward, log_density_rows,
};
use ch09_conditional::labelled::{CLASSES, LabelledVae, with_labels};
use ch09_conditional::likelihood::estimate;
use ndarray::{Array1, Array2};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, StandardNormal};

/// `|a - n| / max(|a|, |n|, 1e-8)`: relative, except where both are next to zero.
fn error(analytic: f64, numeric: f64) -> f64 {
    (analytic - numeric).abs() / analytic.abs().max(numeric.abs()).max(1e-8)
}

/// The largest error over every parameter of `model`: each nudged up and down by `STEP`.
fn worst_error<M: Clone>(
    model: &M,
    analytic: &[Vec<f64>],
    params: impl Fn(&mut M) -> Vec<&mut [f64]>,
    loss: impl Fn(&M) -> f64,
) -> f64 {
    let mut probe = model.clone();
    let mut worst = 0.0f64;
    for (t, tensor) in analytic.iter().enumerate() {
        for (i, &g) in tensor.iter().enumerate() {
            let original = params(&mut probe)[t][i];
            let numeric = central_difference(
                |v| {
                    params(&mut probe)[t][i] = v;
                    loss(&probe)
                },
                original,
                STEP,
            );
            params(&mut probe)[t][i] = original;
            worst = worst.max(error(g, numeric));
        }
    }
    worst
}

fn normal_matrix(n: usize, m: usize, scale: f64, rng: &mut StdRng) -> Array2<f64> {
    Array2::from_shape_simple_fn((n, m), || {
        scale * <StandardNormal as Distribution<f64>>::sample(&StandardNormal, rng)
    })
}

// ANCHOR: kl_check
#[test]
fn the_gaussian_kl_gradient_matches_finite_differences() {
    let mut rng = StdRng::seed_from_u64(9);
    let args: Vec<Array2<f64>> = (0..4).map(|_| normal_matrix(3, 4, 0.8, &mut rng)).collect();
    let kl = |a: &[Array2<f64>]| kl_gaussians(&a[0], &a[1], &a[2], &a[3]);
    let mut grads: Vec<Array2<f64>> = (0..4).map(|_| Array2::zeros((3, 4))).collect();
    let [g0, g1, g2, g3] = &mut grads[..] else {
        unreachable!()
    };
    let scale = 1.7;
    kl_gaussians_backward(
        &args[0],
        &args[1],
        &args[2],
        &args[3],
        scale,
        KlGradient {
            mu_q: g0,
            logvar_q: g1,
            mu_p: g2,
            logvar_p: g3,
        },
    );
    let mut worst = 0.0f64;
    for a in 0..4 {
        for idx in 0..12 {
            let (r, c) = (idx / 4, idx % 4);
            let mut probe = args.clone();
            let numeric = central_difference(
                |v| {
                    probe[a][[r, c]] = v;
                    scale * kl(&probe)
                },
                args[a][[r, c]],
                STEP,
            );
            worst = worst.max(error(grads[a][[r, c]], numeric));
        }
    }
    assert!(worst < 1e-8, "worst relative error {worst:e}");
}
// ANCHOR_END: kl_check

// ANCHOR: kl_monte_carlo
#[test]
fn the_gaussian_kl_matches_monte_carlo() {
    // KL(q || p) = E_q[log q(z) - log p(z)]: draw z from q and average, for one pair of
    // 3-d Gaussians that differ in every mean and every variance.
    let mu_q: Array2<f64> = Array2::from_shape_vec((1, 3), vec![0.5, -1.0, 2.0]).unwrap();
    let lv_q: Array2<f64> = Array2::from_shape_vec((1, 3), vec![-0.5, 0.3, 0.0]).unwrap();
    let mu_p = Array2::from_shape_vec((1, 3), vec![0.0, 0.5, 1.0]).unwrap();
    let lv_p = Array2::from_shape_vec((1, 3), vec![0.4, -0.2, 1.0]).unwrap();
    let exact = kl_gaussians(&mu_q, &lv_q, &mu_p, &lv_p);
    let mut rng = StdRng::seed_from_u64(2);
    let draws = 200_000;
    let mut z = Array2::zeros((draws, 3));
    for mut row in z.rows_mut() {
        for j in 0..3 {
            let e: f64 = StandardNormal.sample(&mut rng);
            row[j] = mu_q[[0, j]] + (0.5 * lv_q[[0, j]]).exp() * e;
        }
    }
    let repeat = |a: &Array2<f64>| a.broadcast((draws, 3)).unwrap().to_owned();
    let (mut log_q, mut log_p) = (Array1::zeros(draws), Array1::zeros(draws));
    log_density_rows(&z, &repeat(&mu_q), &repeat(&lv_q), &mut log_q);
    log_density_rows(&z, &repeat(&mu_p), &repeat(&lv_p), &mut log_p);
    let diff: Vec<f64> = (&log_q - &log_p).to_vec();
    let s = support::summary::Summary::of(&diff);
    assert!(s.z_score(exact).abs() < 4.0, "{exact} vs {s:?}");
    assert!(s.standard_error < 0.01, "{s:?}");
}
// ANCHOR_END: kl_monte_carlo

/// A small batch: `n` random binary images of 6 pixels, the last 4 to predict.
fn tiny_batch(n: usize, rng: &mut StdRng) -> (Array2<f64>, Array2<f64>, Vec<f64>) {
    let full = random_binary_images::<f64>(n, 6, rng);
    let mask = vec![0.0, 0.0, 1.0, 1.0, 1.0, 1.0];
    let guess = Array2::from_shape_simple_fn((n, 6), || rng.random_range(0.0..1.0));
    let prior_input = ch09_conditional::quadrants::filled_in(
        &ch09_conditional::quadrants::given_pixels(&full, &mask),
        &guess.view(),
        &mask,
    );
    (full, prior_input, mask)
}

const TINY: CvaeShape = CvaeShape {
    pixels: 6,
    inputs: 6,
    hidden: 5,
    latent: 3,
    depth: 2,
};

// ANCHOR: cvae_check
#[test]
fn the_cvae_gradient_matches_finite_differences() {
    let mut rng = StdRng::seed_from_u64(5);
    let cvae = Cvae::<f64>::new(TINY, &mut rng);
    let (full, prior_input, mask) = tiny_batch(3, &mut rng);
    let batch = Batch {
        full: &full,
        recognition_input: &full,
        prior_input: &prior_input,
        mask: &mask,
    };
    let mut ws = cvae.workspace(3);
    let noise = 11;
    let loss = |m: &Cvae<f64>| {
        let mut ws = m.workspace(3);
        m.forward(batch, &mut StdRng::seed_from_u64(noise), &mut ws);
        m.loss(batch, &mut ws).total()
    };
    let mut grad = Cvae::zeros(TINY);
    cvae.forward(batch, &mut StdRng::seed_from_u64(noise), &mut ws);
    let total = cvae.backward(batch, &mut ws, &mut grad).total();
    assert!((total - loss(&cvae)).abs() < 1e-12);
    let analytic: Vec<Vec<f64>> = grad.parameters().iter().map(|p| p.to_vec()).collect();
    // Two encoders of 2 hidden layers and 2 heads, a decoder of 2 hidden layers and 1 output.
    assert_eq!(analytic.len(), 2 * (4 + 4 + 3));
    let worst = worst_error(&cvae, &analytic, |m| m.parameters_mut(), loss);
    assert!(worst < 1e-5, "worst relative error {worst:e}");
}
// ANCHOR_END: cvae_check

#[test]
fn the_cvae_gradient_with_the_label_concatenated_matches_finite_differences() {
    // The exercise's CVAE: both encoders read ten more numbers, the one-hot label.
    let shape = CvaeShape {
        inputs: 6 + CLASSES,
        ..TINY
    };
    let mut rng = StdRng::seed_from_u64(15);
    let cvae = Cvae::<f64>::new(shape, &mut rng);
    let (full, prior_input, mask) = tiny_batch(3, &mut rng);
    let labels = [7u8, 1, 7];
    let (recognition_input, prior_input) = (
        with_labels(&full, &labels),
        with_labels(&prior_input, &labels),
    );
    let batch = Batch {
        full: &full,
        recognition_input: &recognition_input,
        prior_input: &prior_input,
        mask: &mask,
    };
    let loss = |m: &Cvae<f64>| {
        let mut ws = m.workspace(3);
        m.forward(batch, &mut StdRng::seed_from_u64(2), &mut ws);
        m.loss(batch, &mut ws).total()
    };
    let mut grad = Cvae::zeros(shape);
    let mut ws = cvae.workspace(3);
    cvae.forward(batch, &mut StdRng::seed_from_u64(2), &mut ws);
    cvae.backward(batch, &mut ws, &mut grad);
    let analytic: Vec<Vec<f64>> = grad.parameters().iter().map(|p| p.to_vec()).collect();
    let worst = worst_error(&cvae, &analytic, |m| m.parameters_mut(), loss);
    assert!(worst < 1e-5, "worst relative error {worst:e}");
}

#[test]
fn the_baseline_gradient_matches_finite_differences() {
    let mut rng = StdRng::seed_from_u64(6);
    let net = Baseline::<f64>::new(6, 5, 2, &mut rng);
    let (full, _, mask) = tiny_batch(4, &mut rng);
    let x = ch09_conditional::quadrants::given_pixels(&full, &mask);
    let loss = |m: &Baseline<f64>| {
        let mut ws = m.workspace(4);
        let mut g = m.zeros_like();
        m.loss_and_gradient(&x, &full, &mask, &mut ws, &mut g)
    };
    let mut grad = net.zeros_like();
    let mut ws = net.workspace(4);
    net.loss_and_gradient(&x, &full, &mask, &mut ws, &mut grad);
    let analytic: Vec<Vec<f64>> = grad.parameters().iter().map(|p| p.to_vec()).collect();
    let worst = worst_error(&net, &analytic, |m| m.parameters_mut(), loss);
    assert!(worst < 1e-5, "worst relative error {worst:e}");
}

#[test]
fn the_labelled_vae_gradient_matches_finite_differences() {
    let mut rng = StdRng::seed_from_u64(7);
    let vae = LabelledVae::<f64>::new(6, 5, 2, &mut rng);
    let x = random_binary_images::<f64>(4, 6, &mut rng);
    let labels = [3u8, 0, 9, 3];
    let loss = |m: &LabelledVae<f64>| {
        let mut ws = m.workspace(4);
        let mut g = m.zeros_like();
        m.loss_and_gradient(&x, &labels, &mut StdRng::seed_from_u64(1), &mut ws, &mut g)
    };
    let mut grad = vae.zeros_like();
    let mut ws = vae.workspace(4);
    vae.loss_and_gradient(
        &x,
        &labels,
        &mut StdRng::seed_from_u64(1),
        &mut ws,
        &mut grad,
    );
    let analytic: Vec<Vec<f64>> = grad.parameters().iter().map(|p| p.to_vec()).collect();
    let worst = worst_error(&vae, &analytic, |m| m.parameters_mut(), loss);
    assert!(worst < 1e-5, "worst relative error {worst:e}");
}

#[test]
fn importance_sampling_sits_below_the_bound_and_falls_with_k() {
    let mut rng = StdRng::seed_from_u64(8);
    let cvae = Cvae::<f64>::new(TINY, &mut rng);
    let (full, prior_input, mask) = tiny_batch(5, &mut rng);
    let batch = Batch {
        full: &full,
        recognition_input: &full,
        prior_input: &prior_input,
        mask: &mask,
    };
    let mut ws = cvae.workspace(5);
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let one = estimate(&cvae, batch, 1, &mut StdRng::seed_from_u64(3), &mut ws);
    let many = estimate(&cvae, batch, 2000, &mut StdRng::seed_from_u64(3), &mut ws);
    for (is, elbo) in many.importance.iter().zip(&many.elbo) {
        assert!(is <= elbo);
    }
    // With k = 1 the two estimates are the same number.
    assert_eq!(one.importance, one.elbo);
    assert!(mean(&many.importance) < mean(&many.elbo));
}
