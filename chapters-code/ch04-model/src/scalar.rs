//! The number type the network is generic over: `f32` to train fast, `f64` to check
//! gradients against finite differences without rounding noise drowning the comparison.

use std::fmt::Debug;

use ndarray::{LinalgScalar, ScalarOperand};
use num_traits::{Float, NumAssignOps};

/// A float the network can compute with: `f32` or `f64`.
pub trait Real:
    Float + NumAssignOps + LinalgScalar + ScalarOperand + Debug + Default + Send + Sync + 'static
{
    /// Converts an `f64` constant (exact for `f64`, rounded to nearest for `f32`).
    fn of(x: f64) -> Self {
        Self::from(x).expect("every f64 converts to a float")
    }
}

impl Real for f32 {}
impl Real for f64 {}
