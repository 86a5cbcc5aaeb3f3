//! A stack of hidden layers, each a dense layer followed by the same nonlinearity: the body
//! of the encoder and of the decoder. Chapter 4's networks have one; chapter 7's, two.

use ndarray::{Array2, ArrayRef2, ArrayView2};
use rand_distr::{Distribution, StandardNormal};

use crate::activation::Activation;
use crate::dense::Dense;
use crate::input::Input;
use crate::scalar::Real;
pub use crate::workspace::{rows, rows_mut};

/// The `(inputs, outputs)` of each of `depth` hidden layers fed `input` numbers:
/// `input -> hidden`, then `hidden -> hidden`.
pub fn widths(input: usize, hidden: usize, depth: usize) -> impl Iterator<Item = (usize, usize)> {
    assert!(depth >= 1, "a network needs at least one hidden layer");
    (0..depth).map(move |l| (if l == 0 { input } else { hidden }, hidden))
}

// ANCHOR: forward
/// Runs `x` through the layers, writing each one's output `act(input W + b)` into the first
/// rows of its buffer in `h`; returns the last one.
pub fn forward<'h, F: Real>(
    layers: &[Dense<F>],
    activation: Activation,
    x: &(impl Input<F> + ?Sized),
    h: &'h mut [Array2<F>],
) -> ArrayView2<'h, F>
where
    StandardNormal: Distribution<F>,
{
    assert_eq!(layers.len(), h.len(), "one buffer per hidden layer");
    let n = x.values().nrows();
    for (l, layer) in layers.iter().enumerate() {
        let (below, above) = h.split_at_mut(l);
        let out = &mut rows_mut(&mut above[0], n);
        match below.last() {
            None => x.first_layer(layer, out),
            Some(input) => layer.forward(&rows(input, n), out),
        }
        activation.apply(out);
    }
    rows(&h[h.len() - 1], n)
}
// ANCHOR_END: forward

// ANCHOR: backward
/// The backward pass through the layers after [`forward`] on the same `x`. On entry the first
/// rows of the last buffer of `dh` hold dL/dh for the last layer's output; walking down, each
/// layer turns its dL/dh into dL/d(input W + b), writes its gradient into `grads`, and passes
/// dL/d(input) to the layer below, or into `dx` for the first layer when asked.
pub fn backward<F: Real>(
    layers: &[Dense<F>],
    activation: Activation,
    x: &(impl Input<F> + ?Sized),
    h: &[Array2<F>],
    dh: &mut [Array2<F>],
    grads: &mut [Dense<F>],
    dx: Option<&mut ArrayRef2<F>>,
) where
    StandardNormal: Distribution<F>,
{
    let n = x.values().nrows();
    let mut dx = dx;
    for l in (0..layers.len()).rev() {
        let (below, above) = dh.split_at_mut(l);
        let d_out = &mut rows_mut(&mut above[0], n);
        activation.backward(&rows(&h[l], n), d_out);
        if l == 0 {
            match dx.as_deref_mut() {
                // The first layer of an encoder needs no gradient for the data, and its input
                // may skip zero pixels (chapter 5's batch).
                None => x.first_layer_gradient(&layers[0], d_out, &mut grads[0]),
                Some(dx) => layers[0].backward(&x.values(), d_out, &mut grads[0], Some(dx)),
            }
        } else {
            let d_in = &mut rows_mut(&mut below[l - 1], n);
            layers[l].backward(&rows(&h[l - 1], n), d_out, &mut grads[l], Some(d_in));
        }
    }
}
// ANCHOR_END: backward

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_feed_each_layer_the_previous_one() {
        assert_eq!(
            widths(784, 200, 2).collect::<Vec<_>>(),
            [(784, 200), (200, 200)]
        );
        assert_eq!(widths(20, 400, 1).collect::<Vec<_>>(), [(20, 400)]);
    }
}
