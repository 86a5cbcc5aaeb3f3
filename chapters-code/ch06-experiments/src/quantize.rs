//! Eight bits per weight, for the book's in-browser explorer: each column of a dense layer's
//! weights (one output unit) is stored as integers from -127 to 127 times one f32 scale,
//! the column's largest magnitude over 127. Biases stay f32. A quarter of the size of f32.

use ch04_model::dense::Dense;
use ndarray::{Array1, Array2, Axis};

/// How a manifest describes the rounding.
pub const DESCRIPTION: &str = "each weight is q * scale: q an 8-bit integer (i8), one f32 scale \
                               per output unit (its column's largest magnitude / 127); biases \
                               and everything else as stored";

/// The largest difference between two arrays of outputs (pixel probabilities) of a model
/// with rounded and with full weights: what the rounding costs.
pub fn largest_change(a: &ndarray::Array2<f32>, b: &ndarray::Array2<f32>) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

/// Adds `layer`, rounded, to an explorer bundle as `name.weight` (the integers),
/// `name.weight_scale` and `name.bias`, and replaces it by the rounded layer the page will
/// compute with.
pub fn add_rounded(bundle: &mut crate::bundle::Builder, name: &str, layer: &mut Dense<f32>) {
    let q = quantize(layer);
    let (inputs, outputs) = q.q.dim();
    bundle.add(
        &format!("{name}.weight"),
        &[inputs, outputs],
        q.q.iter().copied(),
    );
    bundle.add(
        &format!("{name}.weight_scale"),
        &[outputs],
        q.scale.iter().copied(),
    );
    bundle.add(&format!("{name}.bias"), &[outputs], q.bias.iter().copied());
    *layer = dequantize(&q);
}

/// A dense layer's weights as `q[i][j] * scale[j]`, and its bias unchanged.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantized {
    /// `(inputs, outputs)`, row-major like the layer's weight.
    pub q: Array2<i8>,
    pub scale: Array1<f32>,
    pub bias: Array1<f32>,
}

// ANCHOR: quantize
/// Rounds each weight to the nearest multiple of its column's scale.
pub fn quantize(layer: &Dense<f32>) -> Quantized {
    let scale = layer.weight.map_axis(Axis(0), |column| {
        column.iter().fold(0.0f32, |m, w| m.max(w.abs())) / 127.0
    });
    let mut q = Array2::zeros(layer.weight.raw_dim());
    for ((i, j), w) in layer.weight.indexed_iter() {
        q[(i, j)] = if scale[j] > 0.0 {
            (w / scale[j]).round().clamp(-127.0, 127.0) as i8
        } else {
            0
        };
    }
    Quantized {
        q,
        scale,
        bias: layer.bias.clone(),
    }
}

/// The layer the stored numbers stand for: `q * scale` in f32, exact, since an integer of
/// 8 bits times an f32 fits f32's 24-bit significand. The browser computes the same products.
pub fn dequantize(stored: &Quantized) -> Dense<f32> {
    let mut weight = stored.q.mapv(f32::from);
    for mut row in weight.rows_mut() {
        row *= &stored.scale;
    }
    Dense {
        weight,
        bias: stored.bias.clone(),
    }
}
// ANCHOR_END: quantize

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn each_weight_moves_at_most_half_its_columns_step() {
        let layer = Dense {
            weight: array![[0.5f32, -0.011, 0.0], [-1.27, 0.003, 0.0], [0.1, 0.02, 0.0]],
            bias: array![0.25f32, -3.0, 1.0],
        };
        let stored = quantize(&layer);
        assert!((stored.scale[0] - 0.01).abs() < 1e-9);
        assert!((stored.scale[1] - 0.02 / 127.0).abs() < 1e-12);
        assert_eq!(stored.scale[2], 0.0);
        assert_eq!(stored.q.column(0), array![50, -127, 10]);
        assert_eq!(stored.q.column(1), array![-70, 19, 127]);
        let back = dequantize(&stored);
        assert_eq!(back.bias, layer.bias);
        for ((i, j), w) in layer.weight.indexed_iter() {
            assert!((back.weight[(i, j)] - w).abs() <= stored.scale[j] / 2.0 + 1e-9);
        }
        // An all-zero column stays zero rather than dividing by a zero scale.
        assert!(back.weight.column(2).iter().all(|&w| w == 0.0));
    }
}
