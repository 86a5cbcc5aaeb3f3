//! What the encoder reads: a batch of inputs, one example per row. Chapter 4 reads a plain
//! matrix; chapter 5 passes a batch that also knows where its zero pixels are, so that the
//! first layer's two products with the data can skip them and compute the same numbers.

use ndarray::{ArrayBase, ArrayRef2, ArrayView2, Data, Ix2};
use rand_distr::{Distribution, StandardNormal};

use crate::dense::Dense;
use crate::scalar::Real;

// ANCHOR: input
/// A batch of inputs, one example per row, and the first layer's products with it.
pub trait Input<F: Real>
where
    StandardNormal: Distribution<F>,
{
    /// The inputs as a matrix: what the loss compares the reconstruction with.
    fn values(&self) -> ArrayView2<'_, F>;

    /// Writes `x W + b` into `y` for the first layer.
    fn first_layer(&self, layer: &Dense<F>, y: &mut ArrayRef2<F>) {
        layer.forward(&self.values(), y);
    }

    /// Writes that layer's gradient (`x^T dy` and the column sums of `dy`) into `grad`; the
    /// first layer needs no gradient with respect to the data.
    fn first_layer_gradient(&self, layer: &Dense<F>, dy: &ArrayRef2<F>, grad: &mut Dense<F>) {
        layer.backward(&self.values(), dy, grad, None);
    }
}
// ANCHOR_END: input

impl<F: Real> Input<F> for ArrayRef2<F>
where
    StandardNormal: Distribution<F>,
{
    fn values(&self) -> ArrayView2<'_, F> {
        self.view()
    }
}

impl<F: Real, S: Data<Elem = F>> Input<F> for ArrayBase<S, Ix2>
where
    StandardNormal: Distribution<F>,
{
    fn values(&self) -> ArrayView2<'_, F> {
        self.view()
    }
}
