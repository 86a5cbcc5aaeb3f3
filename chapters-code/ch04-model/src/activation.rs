//! ReLU, `max(0, a)`, applied in place, and its backward pass, which only needs the layer's
//! output: the gradient passes where the output is positive and stops where it is zero.

use ndarray::{ArrayRef2, Zip};

use crate::scalar::Real;

// ANCHOR: relu
/// Replaces every negative entry of `a` by zero.
pub fn relu<F: Real>(a: &mut ArrayRef2<F>) {
    a.map_inplace(|v| *v = v.max(F::zero()));
}

/// Masks the gradient `dh` (dL/dh for h = relu(a)) in place into dL/da: zero wherever `h` is 0.
pub fn relu_backward<F: Real>(h: &ArrayRef2<F>, dh: &mut ArrayRef2<F>) {
    // A select rather than a branch: the compiler turns it into vector instructions.
    Zip::from(dh)
        .and(h)
        .for_each(|d, &h| *d = if h > F::zero() { *d } else { F::zero() });
}
// ANCHOR_END: relu

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn relu_and_its_mask() {
        let mut a = array![[-1.0, 0.0, 2.0]];
        relu(&mut a);
        assert_eq!(a, array![[0.0, 0.0, 2.0]]);
        let mut d = array![[5.0, 5.0, 5.0]];
        relu_backward(&a, &mut d);
        assert_eq!(d, array![[0.0, 0.0, 5.0]]);
    }
}
