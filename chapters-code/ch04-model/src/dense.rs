//! A dense (fully connected) layer, `y = x W + b`, on a whole mini-batch at once: `x` has one
//! row per example, so the forward pass is a single matrix product.

use ndarray::{Array1, Array2, ArrayRef1, ArrayRef2, Zip, linalg::general_mat_mul};
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

use crate::scalar::Real;

/// Weights of shape `(inputs, outputs)` and one bias per output.
#[derive(Debug, Clone, PartialEq)]
pub struct Dense<F> {
    pub weight: Array2<F>,
    pub bias: Array1<F>,
}

impl<F: Real> Dense<F>
where
    StandardNormal: Distribution<F>,
{
    // ANCHOR: init
    /// Weights and biases drawn uniformly from `[-1/sqrt(inputs), 1/sqrt(inputs)]` (PyTorch's
    /// default for `nn.Linear`): different for each unit, so units do not stay copies of each
    /// other, and scaled by the fan-in, so a layer's outputs start with about the spread of
    /// its inputs whatever its width.
    pub fn new(inputs: usize, outputs: usize, rng: &mut impl Rng) -> Self {
        let bound = 1.0 / (inputs as f64).sqrt();
        let mut draw = || F::of(rng.random_range(-bound..bound));
        let weight = Array2::from_shape_simple_fn((inputs, outputs), &mut draw);
        let bias = Array1::from_shape_simple_fn(outputs, &mut draw);
        Dense { weight, bias }
    }
    // ANCHOR_END: init

    /// A layer of zeros: the shape of this layer's gradient.
    pub fn zeros(inputs: usize, outputs: usize) -> Self {
        Dense {
            weight: Array2::zeros((inputs, outputs)),
            bias: Array1::zeros(outputs),
        }
    }

    pub fn inputs(&self) -> usize {
        self.weight.nrows()
    }

    pub fn outputs(&self) -> usize {
        self.weight.ncols()
    }

    // ANCHOR: forward
    /// Writes `x W + b` into `y`: `x` is `(batch, inputs)`, `y` is `(batch, outputs)`.
    pub fn forward(&self, x: &ArrayRef2<F>, y: &mut ArrayRef2<F>) {
        general_mat_mul(F::one(), x, &self.weight, F::zero(), y);
        *y += &*self.bias;
    }
    // ANCHOR_END: forward

    // ANCHOR: backward
    /// Given `dy` = dL/dy for a batch, writes dL/dW = x^T dy and dL/db = the column sums of
    /// `dy` into `grad`, and, when asked, dL/dx = dy W^T into `dx`. The first layer of a
    /// network skips `dx`: nothing upstream needs the gradient of the data.
    pub fn backward(
        &self,
        x: &ArrayRef2<F>,
        dy: &ArrayRef2<F>,
        grad: &mut Dense<F>,
        dx: Option<&mut ArrayRef2<F>>,
    ) {
        general_mat_mul(F::one(), &x.t(), dy, F::zero(), &mut grad.weight);
        column_sums(dy, &mut grad.bias);
        if let Some(dx) = dx {
            general_mat_mul(F::one(), dy, &self.weight.t(), F::zero(), dx);
        }
    }
    // ANCHOR_END: backward
}

/// Sums the rows of `m` into `out`, row by row, so nothing is allocated.
pub fn column_sums<F: Real>(m: &ArrayRef2<F>, out: &mut ArrayRef1<F>) {
    out.fill(F::zero());
    for row in m.rows() {
        Zip::from(&mut *out).and(&row).for_each(|o, &v| *o += v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn forward_is_x_w_plus_b() {
        let layer = Dense {
            weight: array![[1.0, 2.0, 0.0], [0.0, 1.0, -1.0]],
            bias: array![0.5, 0.0, 1.0],
        };
        let x = array![[1.0, 1.0], [2.0, -1.0]];
        let mut y = Array2::zeros((2, 3));
        layer.forward(&x, &mut y);
        assert_eq!(y, array![[1.5, 3.0, 0.0], [2.5, 3.0, 2.0]]);
    }

    #[test]
    fn init_is_within_the_fan_in_bound_and_seeded() {
        let a = Dense::<f32>::new(100, 30, &mut StdRng::seed_from_u64(3));
        let b = Dense::<f32>::new(100, 30, &mut StdRng::seed_from_u64(3));
        assert_eq!(a, b);
        assert!(a.weight.iter().chain(&a.bias).all(|w| w.abs() <= 0.1));
        // Not all the same: the units start different.
        assert!(a.weight.std(0.0) > 0.05);
    }

    #[test]
    fn backward_shapes_and_bias_gradient() {
        let layer = Dense::<f64>::new(2, 3, &mut StdRng::seed_from_u64(0));
        let x = array![[1.0, 2.0], [3.0, 4.0]];
        let dy = array![[1.0, 0.0, 2.0], [1.0, 1.0, -1.0]];
        let mut grad = Dense::zeros(2, 3);
        let mut dx = Array2::zeros((2, 2));
        layer.backward(&x, &dy, &mut grad, Some(&mut dx));
        assert_eq!(grad.bias, array![2.0, 1.0, 1.0]);
        assert_eq!(grad.weight, x.t().dot(&dy));
        assert_eq!(dx, dy.dot(&layer.weight.t()));
    }
}
