//! The decoder's likelihood: each pixel `x` in [0, 1] scored by a Bernoulli whose probability
//! is `sigmoid(l)` for a logit `l`. The reconstruction loss is the binary cross-entropy
//!
//! ```text
//! bce(l, x) = -[x ln sigmoid(l) + (1 - x) ln(1 - sigmoid(l))] = softplus(l) - x l
//! ```
//!
//! computed from the logit, never from the probability, so it stays finite for any logit.

use ndarray::{ArrayRef1, ArrayRef2, Axis, Zip};

use crate::scalar::Real;

// ANCHOR: stable
/// `softplus(o) - x o` for the logit `o`, written as `max(o, 0) - x o + ln(1 + exp(-|o|))`: the
/// exponent is never positive, so nothing overflows, and `ln_1p` keeps precision when
/// `exp(-|o|)` is tiny.
pub fn bce_with_logit<F: Real>(logit: F, x: F) -> F {
    logit.max(F::zero()) - x * logit + (-logit.abs()).exp().ln_1p()
}

/// `1 / (1 + exp(-o))` from the same never-positive exponent.
pub fn sigmoid<F: Real>(logit: F) -> F {
    let e = (-logit.abs()).exp();
    if logit >= F::zero() {
        F::one() / (F::one() + e)
    } else {
        e / (F::one() + e)
    }
}
// ANCHOR_END: stable

/// The textbook formula, for comparison: it takes ln(0) once sigmoid(l) rounds to 0 or 1.
pub fn bce_naive<F: Real>(logit: F, x: F) -> F {
    let p = F::one() / (F::one() + (-logit).exp());
    -(x * p.ln() + (F::one() - x) * (F::one() - p).ln())
}

// ANCHOR: grad
/// The gradient of the summed cross-entropy with respect to the logits, `sigmoid(l) - x`,
/// written into `dlogits`; when `want_loss` is set, also returns the summed cross-entropy,
/// computed in the same pass.
pub fn bce_grad<F: Real>(
    logits: &ArrayRef2<F>,
    x: &ArrayRef2<F>,
    dlogits: &mut ArrayRef2<F>,
    want_loss: bool,
) -> Option<F> {
    if want_loss {
        // ln(1 + e) = -ln(r), with r = 1 / (1 + e) the larger of sigmoid(l) and its
        // complement. A logarithm per pixel would cost more than the rest of the pass, so the
        // r's are multiplied in groups of 32 and each group's product takes one logarithm:
        // each r is in [1/2, 1], so a product stays above 2^-32, far from underflow. Summing
        // by groups also keeps f32's rounding errors from piling up over 100,000 pixels.
        const GROUP: usize = 32;
        let mut total = F::zero();
        let (mut group, mut product, mut count) = (F::zero(), F::one(), 0);
        Zip::from(dlogits).and(logits).and(x).for_each(|d, &l, &x| {
            let e = (-l.abs()).exp();
            let r = F::one() / (F::one() + e);
            *d = if l >= F::zero() { r } else { e * r } - x;
            group += l.max(F::zero()) - x * l;
            product *= r;
            count += 1;
            if count == GROUP {
                total += group - product.ln();
                (group, product, count) = (F::zero(), F::one(), 0);
            }
        });
        total += group - product.ln();
        Some(total)
    } else {
        Zip::from(dlogits)
            .and(logits)
            .and(x)
            .for_each(|d, &l, &x| *d = sigmoid(l) - x);
        None
    }
}
// ANCHOR_END: grad

/// The cross-entropy of each row (each image), summed over its pixels, written into `out`.
pub fn bce_rows<F: Real>(logits: &ArrayRef2<F>, x: &ArrayRef2<F>, out: &mut ArrayRef1<F>) {
    assert_eq!(
        logits.shape(),
        x.shape(),
        "bce_rows: logits and x differ in shape"
    );
    Zip::from(out)
        .and(logits.axis_iter(Axis(0)))
        .and(x.axis_iter(Axis(0)))
        .for_each(|o, l, x| {
            *o = Zip::from(&l)
                .and(&x)
                .fold(F::zero(), |acc, &l, &x| acc + bce_with_logit(l, x));
        });
}

/// Writes `sigmoid(logits)` into `probs`: the decoder's mean image.
pub fn probabilities<F: Real>(logits: &ArrayRef2<F>, probs: &mut ArrayRef2<F>) {
    Zip::from(probs)
        .and(logits)
        .for_each(|p, &l| *p = sigmoid(l));
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array1, Array2, array};

    #[test]
    fn stable_matches_naive_where_the_naive_is_finite() {
        for &l in &[-10.0f64, -5.0, -0.3, 0.0, 0.7, 4.0, 10.0] {
            for &x in &[0.0, 0.2, 0.5, 1.0] {
                let (stable, naive) = (bce_with_logit(l, x), bce_naive(l, x));
                assert!(naive.is_finite());
                assert!(
                    (stable - naive).abs() <= 1e-9 * (1.0 + naive.abs()),
                    "l={l} x={x}: {stable} vs {naive}"
                );
            }
        }
    }

    #[test]
    fn naive_loses_precision_before_it_overflows() {
        // At l = 30, 1 - sigmoid(l) is 1e-13 computed as a difference of numbers near 1:
        // the naive loss is finite but wrong in the third decimal; the stable one is exact.
        let exact = 30.0 + (-30.0f64).exp().ln_1p();
        assert!((bce_with_logit(30.0, 0.0) - exact).abs() < 1e-12);
        assert!((bce_naive(30.0, 0.0) - exact).abs() > 1e-4);
    }

    #[test]
    fn stable_stays_finite_for_huge_logits() {
        for &l in &[-1000.0f32, 1000.0] {
            assert!(!bce_naive(l, 0.5).is_finite());
            for &x in &[0.0f32, 0.5, 1.0] {
                let v = bce_with_logit(l, x);
                assert!(v.is_finite() && v >= 0.0, "l={l} x={x}: {v}");
            }
            // A confident, right answer costs nothing; a confident wrong one costs |l|.
            let right = if l > 0.0 { 1.0 } else { 0.0 };
            assert_eq!(bce_with_logit(l, right), 0.0);
            assert_eq!(bce_with_logit(l, 1.0 - right), 1000.0);
            assert!(sigmoid(l).is_finite());
        }
    }

    #[test]
    fn gradient_is_sigmoid_minus_x_with_or_without_the_loss() {
        let logits = array![[-2.0f64, 0.0, 3.0], [1000.0, -1000.0, 0.5]];
        let x = array![[0.0, 1.0, 0.5], [1.0, 1.0, 0.25]];
        let (mut d1, mut d2) = (Array2::zeros((2, 3)), Array2::zeros((2, 3)));
        let loss = bce_grad(&logits, &x, &mut d1, true).unwrap();
        assert_eq!(bce_grad(&logits, &x, &mut d2, false), None);
        assert_eq!(d1, d2);
        assert!((d1[[0, 0]] - 1.0 / (1.0 + 2.0f64.exp())).abs() < 1e-15);
        assert_eq!(d1[[1, 1]], -1.0);
        let mut rows = Array1::zeros(2);
        bce_rows(&logits, &x, &mut rows);
        assert!((rows.sum() - loss).abs() < 1e-9);
        assert!((rows[1] - (1000.0 + bce_with_logit(0.5, 0.25))).abs() < 1e-9);
    }
}
