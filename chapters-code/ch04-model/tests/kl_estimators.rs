//! The exercise on the KL term by Monte Carlo: its gradient is right on average, and it makes
//! the encoder's gradient noisier; the page quotes how much.

use ch04_model::exercises::{KlTerm, encoder_gradient_spread, single_draw_kl_backward};
use ch04_model::shape::VaeShape;
use ch04_model::vae::Vae;
use ndarray::Array2;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn binary_images(n: usize, d: usize, rng: &mut StdRng) -> Array2<f64> {
    Array2::from_shape_simple_fn((n, d), || f64::from(rng.random_bool(0.5) as u8))
}

/// The single-draw estimate, `1/2 sum(z² - eps² - l)` with `z = mu + e^(l/2) eps`.
fn single_draw_kl(mu: &Array2<f64>, logvar: &Array2<f64>, eps: &Array2<f64>) -> f64 {
    let mut sum = 0.0;
    for ((&m, &l), &e) in mu.iter().zip(logvar).zip(eps) {
        let z = m + (0.5 * l).exp() * e;
        sum += 0.5 * (z * z - e * e - l);
    }
    sum
}

#[test]
fn the_single_draw_gradient_matches_central_differences() {
    let mut rng = StdRng::seed_from_u64(3);
    let mut normal = || rng.random_range(-1.5f64..1.5);
    let mu = Array2::from_shape_simple_fn((4, 3), &mut normal);
    let logvar = Array2::from_shape_simple_fn((4, 3), &mut normal);
    let eps = Array2::from_shape_simple_fn((4, 3), &mut normal);
    let z = &mu + &(logvar.mapv(|l| (0.5 * l).exp()) * &eps);
    let (mut d_mu, mut d_logvar) = (Array2::<f64>::zeros((4, 3)), Array2::<f64>::zeros((4, 3)));
    single_draw_kl_backward(&z, &eps, &logvar, 1.0, &mut d_mu, &mut d_logvar);
    let h = 1e-6;
    for i in 0..4 {
        for j in 0..3 {
            let nudge = |a: &Array2<f64>, by: f64| {
                let mut a = a.clone();
                a[[i, j]] += by;
                a
            };
            let dm = (single_draw_kl(&nudge(&mu, h), &logvar, &eps)
                - single_draw_kl(&nudge(&mu, -h), &logvar, &eps))
                / (2.0 * h);
            let dl = (single_draw_kl(&mu, &nudge(&logvar, h), &eps)
                - single_draw_kl(&mu, &nudge(&logvar, -h), &eps))
                / (2.0 * h);
            assert!((dm - d_mu[[i, j]]).abs() < 1e-7, "{dm} vs {}", d_mu[[i, j]]);
            assert!(
                (dl - d_logvar[[i, j]]).abs() < 1e-7,
                "{dl} vs {}",
                d_logvar[[i, j]]
            );
        }
    }
}

#[test]
fn on_average_both_kl_terms_give_the_same_gradient() {
    let shape = VaeShape::one_hidden_relu(12, 8, 3);
    let mut rng = StdRng::seed_from_u64(5);
    let vae: Vae<f64> = Vae::new(shape, &mut rng);
    let x = binary_images(5, 12, &mut rng);
    let draws = 20_000;
    // The same noise for both, so that the reconstruction's share is identical draw by draw.
    let closed = encoder_gradient_spread(
        &vae,
        &x,
        KlTerm::ClosedForm,
        draws,
        &mut StdRng::seed_from_u64(8),
    );
    let single = encoder_gradient_spread(
        &vae,
        &x,
        KlTerm::SingleDraw,
        draws,
        &mut StdRng::seed_from_u64(8),
    );
    // Each mean is within a few standard errors of the other.
    let standard_error = (single.total_variance / single.mean.len() as f64 / draws as f64).sqrt();
    for (a, b) in closed.mean.iter().zip(&single.mean) {
        assert!((a - b).abs() < 6.0 * standard_error, "{a} vs {b}");
    }
    assert!(single.total_variance > closed.total_variance);
}

/// The figure the chapter's exercise quotes: the default network at its initial weights, a
/// batch of 32 random binary images, 200 draws of the noise each way.
#[test]
fn the_single_draw_kl_multiplies_the_encoders_gradient_variance() {
    let mut rng = StdRng::seed_from_u64(1);
    let vae: Vae<f64> = Vae::new(VaeShape::MNIST, &mut rng);
    let x = binary_images(32, 784, &mut rng);
    let spread = |kl| encoder_gradient_spread(&vae, &x, kl, 200, &mut StdRng::seed_from_u64(2));
    let (closed, single) = (spread(KlTerm::ClosedForm), spread(KlTerm::SingleDraw));
    let ratio = single.total_variance / closed.total_variance;
    println!(
        "total variance of the encoder's gradient: {:.4e} closed form, {:.4e} single draw, ratio {ratio:.2}",
        closed.total_variance, single.total_variance
    );
    assert!(ratio > 1.0);
    let page = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../book/ch04-model.md"),
    )
    .unwrap();
    let quoted = format!("{ratio:.1} times");
    assert!(page.contains(&quoted), "the page should say {quoted:?}");
}
