//! What the page says about the starting weights: how their variance compares with Glorot's
//! and He's for each layer of the default network, and how much the mean square shrinks
//! through a dense layer and a ReLU.

use ch04_model::dense::Dense;
use ndarray::Array2;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The variance of a weight drawn uniformly from `[-1/sqrt(n), 1/sqrt(n)]`.
fn ours(n: f64) -> f64 {
    1.0 / (3.0 * n)
}
fn glorot(n: f64, m: f64) -> f64 {
    2.0 / (n + m)
}
fn he(n: f64) -> f64 {
    2.0 / n
}

#[test]
fn ours_against_glorot_and_he_layer_by_layer() {
    // (fan-in, fan-out) of the encoder's hidden layer, a head, the decoder's two layers.
    let layers = [(784.0, 400.0), (400.0, 20.0), (20.0, 400.0), (400.0, 784.0)];
    for (n, m) in layers {
        assert!((he(n) / ours(n) - 6.0).abs() < 1e-12);
        let smaller_than_glorot = ours(n) < glorot(n, m);
        // Only the decoder's first layer, 20 inputs and 400 outputs, starts wider.
        assert_eq!(smaller_than_glorot, n != 20.0, "n = {n}, m = {m}");
    }
    assert_eq!(ours(784.0), 1.0 / 2352.0);
    assert_eq!(glorot(784.0, 400.0), 2.0 / 1184.0);
    assert_eq!(ours(20.0), 1.0 / 60.0);
    assert_eq!(glorot(20.0, 400.0), 2.0 / 420.0);
}

fn mean_square(a: &Array2<f64>) -> f64 {
    a.iter().map(|v| v * v).sum::<f64>() / a.len() as f64
}

/// A dense layer with the crate's initialisation followed by a ReLU.
fn layer_then_relu(x: &Array2<f64>, outputs: usize, rng: &mut StdRng) -> Array2<f64> {
    let layer: Dense<f64> = Dense::new(x.ncols(), outputs, rng);
    let mut y = Array2::zeros((x.nrows(), outputs));
    layer.forward(x, &mut y);
    y.mapv_inplace(|v| v.max(0.0));
    y
}

#[test]
fn each_layer_and_relu_divide_the_mean_square_by_about_six() {
    let mut rng = StdRng::seed_from_u64(12);
    // Random binary pixels: mean square 1/2.
    let x = Array2::from_shape_simple_fn((512, 784), || f64::from(rng.random_bool(0.5) as u8));
    let h = layer_then_relu(&x, 400, &mut rng);
    let g = layer_then_relu(&h, 400, &mut rng);
    for (before, after) in [(&x, &h), (&h, &g)] {
        let ratio = mean_square(before) / mean_square(after);
        assert!((5.0..7.0).contains(&ratio), "ratio {ratio}");
    }
    // The standard deviation before the ReLU: sqrt(1/6 + 1/(3 * 784)), the page's 0.41.
    assert_eq!(format!("{:.2}", (1.0 / 6.0 + ours(784.0)).sqrt()), "0.41");
    assert_eq!(format!("{:.1}", 6f64.sqrt()), "2.4");
}
