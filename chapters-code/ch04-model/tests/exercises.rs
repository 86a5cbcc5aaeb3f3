//! The numbers in the answers to the chapter's exercises.

use ch04_model::bernoulli::{bce_naive, bce_with_logit};
use ch04_model::shape::VaeShape;
use ch04_model::vae::{Latent, Vae};
use ch04_model::workspace::Workspace;
use ndarray::Array2;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

#[test]
fn exercise_1_parameter_counts() {
    assert_eq!(VaeShape::MNIST.parameter_count(), 652_824);
    let two_d = VaeShape {
        latent: 2,
        ..VaeShape::MNIST
    };
    assert_eq!(two_d.parameter_count(), 631_188);
    // The two 400 x 784 layers hold almost all of them.
    let big = 2 * 784 * 400;
    assert!(big as f64 / 652_824.0 > 0.96);
}

#[test]
fn exercise_2_zero_weights_only_train_the_output_bias() {
    let shape = VaeShape::one_hidden_relu(10, 6, 3);
    let vae = Vae::<f64>::zeros(shape);
    let mut rng = StdRng::seed_from_u64(31);
    let x = Array2::from_shape_simple_fn((4, shape.input), || rng.random::<f64>());
    let mut ws = Workspace::new(shape, 4);
    vae.forward(&x, Latent::Sample(&mut rng), &mut ws);
    let mut grad = Vae::zeros(shape);
    vae.backward(&x, &mut ws, 1.0, &mut grad, false);
    let tensors = grad.parameters();
    // Tensors 0..9 are every weight and bias but the last: all exactly zero.
    for t in &tensors[..9] {
        assert!(t.iter().all(|&g| g == 0.0));
    }
    // The decoder's output bias gets sigmoid(0) - x = 1/2 - x, summed over the batch.
    let expected = x.map(|&v| 0.5 - v).sum_axis(ndarray::Axis(0));
    for (g, e) in tensors[9].iter().zip(&expected) {
        assert!((g - e).abs() < 1e-12);
    }
}

#[test]
fn exercise_3_where_the_naive_cross_entropy_breaks() {
    // 1 + exp(-l) rounds to 1 once exp(-l) is below half the spacing of floats above 1:
    // 2^-24 in f32 (l > 24 ln 2 = 16.6), 2^-53 in f64 (l > 53 ln 2 = 36.7).
    assert!((24.0 * 2f64.ln() - 16.64).abs() < 0.01);
    assert!((53.0 * 2f64.ln() - 36.74).abs() < 0.01);
    assert!(bce_naive(16.0f32, 0.0).is_finite());
    assert_eq!(bce_naive(17.0f32, 0.0), f32::INFINITY);
    assert!(bce_naive(36.0f64, 0.0).is_finite());
    assert_eq!(bce_naive(37.5f64, 0.0), f64::INFINITY);
    // A dark pixel the model is sure of (x = 1) gives 0 * ln(0) = NaN instead of 0.
    assert!(bce_naive(17.0f32, 1.0).is_nan());
    // Even where it is finite it is off: at l = 16, by 0.1 nats in f32.
    assert!((bce_naive(16.0f32, 0.0) - bce_with_logit(16.0f32, 0.0)).abs() > 0.05);
    // The chapter's example: at o = 30, in f64, the naive form loses eleven digits.
    assert_eq!(format!("{:.5}", bce_naive(30.0f64, 0.0)), "30.00102");
    assert_eq!(
        format!("{:.13}", bce_with_logit(30.0f64, 0.0)),
        "30.0000000000001"
    );
    // The stable form gets both right: ln(1 + e^-17) = 4.1e-8 nats, and 17 nats.
    assert!((bce_with_logit(17.0f32, 1.0) - 4.14e-8).abs() < 1e-10);
    assert!((bce_with_logit(17.0f32, 0.0) - 17.0).abs() < 1e-6);
}

#[test]
fn exercise_4_skipping_the_first_input_gradient_saves_a_sixth() {
    let shape = VaeShape::MNIST;
    let per_example = shape.step_flops(1);
    let skipped = 2.0 * (shape.input * shape.hidden) as f64;
    let saving = skipped / (per_example + skipped);
    assert!((saving - 0.1605).abs() < 5e-4, "{saving}");
}
