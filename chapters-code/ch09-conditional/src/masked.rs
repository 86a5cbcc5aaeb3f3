//! Chapter 4's Bernoulli cross-entropy restricted to the pixels a model is asked to predict:
//! a mask of 1s (scored) and 0s (given, so not scored) multiplies each pixel's term and its
//! gradient.

use ndarray::{ArrayRef1, ArrayRef2, Axis, Zip};

use ch04_model::bernoulli::{bce_with_logit, sigmoid};
use ch04_model::scalar::Real;

// ANCHOR: masked
/// Writes `mask * (sigmoid(l) - y)` into `dlogits` and returns `sum mask * bce(l, y)`, the
/// batch's `-log p(y | ...)` over the scored pixels.
pub fn masked_bce_grad<F: Real>(
    logits: &ArrayRef2<F>,
    y: &ArrayRef2<F>,
    mask: &[F],
    dlogits: &mut ArrayRef2<F>,
) -> F {
    let mut total = F::zero();
    for ((mut d, l), y) in dlogits
        .rows_mut()
        .into_iter()
        .zip(logits.rows())
        .zip(y.rows())
    {
        Zip::from(&mut d)
            .and(&l)
            .and(&y)
            .and(mask)
            .for_each(|d, &l, &y, &m| {
                *d = m * (sigmoid(l) - y);
                total += m * bce_with_logit(l, y);
            });
    }
    total
}
// ANCHOR_END: masked

/// Each row's `sum mask * bce(l, y)`, into `out`.
pub fn masked_bce_rows<F: Real>(
    logits: &ArrayRef2<F>,
    y: &ArrayRef2<F>,
    mask: &[F],
    out: &mut ArrayRef1<F>,
) {
    Zip::from(out)
        .and(logits.axis_iter(Axis(0)))
        .and(y.axis_iter(Axis(0)))
        .for_each(|o, l, y| {
            let mut sum = F::zero();
            Zip::from(&l)
                .and(&y)
                .and(mask)
                .for_each(|&l, &y, &m| sum += m * bce_with_logit(l, y));
            *o = sum;
        });
}
