//! A network's dense layers seen as flat slices, weight then bias of each: the order Adam and
//! the finite-difference checks walk them in.

use ch04_model::dense::Dense;
use ch04_model::scalar::Real;

pub fn flat<F: Real>(layers: Vec<&Dense<F>>) -> Vec<&[F]> {
    layers
        .into_iter()
        .flat_map(|l| [l.weight.as_slice(), l.bias.as_slice()])
        .map(|s| s.expect("parameters are stored contiguously"))
        .collect()
}

pub fn flat_mut<F: Real>(layers: Vec<&mut Dense<F>>) -> Vec<&mut [F]> {
    layers
        .into_iter()
        .flat_map(|l| [l.weight.as_slice_mut(), l.bias.as_slice_mut()])
        .map(|s| s.expect("parameters are stored contiguously"))
        .collect()
}
