//! The nonlinearities between dense layers, applied in place, and their backward passes, which
//! only need each layer's output: ReLU, `max(0, a)`, lets the gradient pass where its output is
//! positive; tanh scales it by `1 - h^2`.

use std::fmt;
use std::str::FromStr;

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

// ANCHOR: tanh
/// Replaces every entry of `a` by its hyperbolic tangent.
pub fn tanh<F: Real>(a: &mut ArrayRef2<F>) {
    a.map_inplace(|v| *v = v.tanh());
}

/// Turns `dh` (dL/dh for h = tanh(a)) into dL/da in place: tanh'(a) = 1 - tanh(a)^2 = 1 - h^2,
/// so, as for the ReLU, the layer's output is all the backward pass needs.
pub fn tanh_backward<F: Real>(h: &ArrayRef2<F>, dh: &mut ArrayRef2<F>) {
    Zip::from(dh)
        .and(h)
        .for_each(|d, &h| *d *= F::one() - h * h);
}
// ANCHOR_END: tanh

/// Which nonlinearity a network's hidden layers use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Activation {
    /// Chapter 4's choice, as in PyTorch's VAE example.
    #[default]
    Relu,
    /// The choice of Burda et al.'s networks (chapter 7).
    Tanh,
}

impl Activation {
    /// Applies the nonlinearity to every entry of `a`, in place.
    pub fn apply<F: Real>(self, a: &mut ArrayRef2<F>) {
        match self {
            Activation::Relu => relu(a),
            Activation::Tanh => tanh(a),
        }
    }

    /// Turns dL/dh into dL/da in place, for `h` the output [`Activation::apply`] wrote.
    pub fn backward<F: Real>(self, h: &ArrayRef2<F>, dh: &mut ArrayRef2<F>) {
        match self {
            Activation::Relu => relu_backward(h, dh),
            Activation::Tanh => tanh_backward(h, dh),
        }
    }
}

impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        support::choice::write_name(self, f)
    }
}

impl FromStr for Activation {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        support::choice::parse("activation", s)
    }
}

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

    #[test]
    fn tanh_and_its_slope_from_the_output() {
        let mut a = array![[-1.0f64, 0.0, 2.0]];
        Activation::Tanh.apply(&mut a);
        assert_eq!(a, array![[(-1.0f64).tanh(), 0.0, 2.0f64.tanh()]]);
        let mut d = array![[2.0, 2.0, 2.0]];
        Activation::Tanh.backward(&a, &mut d);
        // d tanh(a) / da = 1 / cosh(a)^2.
        for (got, a) in d.iter().zip([-1.0f64, 0.0, 2.0]) {
            assert!((got - 2.0 / a.cosh().powi(2)).abs() < 1e-15, "{got}");
        }
    }

    #[test]
    fn names_round_trip_and_unknown_ones_are_refused() {
        for a in [Activation::Relu, Activation::Tanh] {
            assert_eq!(a.to_string().parse::<Activation>(), Ok(a));
        }
        assert!(
            "sigmoid"
                .parse::<Activation>()
                .unwrap_err()
                .contains("sigmoid")
        );
    }
}
