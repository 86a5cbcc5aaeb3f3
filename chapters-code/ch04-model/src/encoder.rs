//! The encoder, `q(z | x)`: one hidden ReLU layer, then two heads that give the mean `mu` and
//! the log-variance `logvar` of a diagonal Gaussian over the latent code.

use ndarray::{ArrayRef2, linalg::general_mat_mul};
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

use crate::activation::{relu, relu_backward};
use crate::dense::Dense;
use crate::input::Input;
use crate::scalar::Real;
use crate::shape::VaeShape;

/// `x -> h = relu(x W1 + b1) -> (mu = h Wmu + bmu, logvar = h Wlv + blv)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Encoder<F> {
    pub hidden: Dense<F>,
    pub mu: Dense<F>,
    pub logvar: Dense<F>,
}

impl<F: Real> Encoder<F>
where
    StandardNormal: Distribution<F>,
{
    pub fn new(shape: VaeShape, rng: &mut impl Rng) -> Self {
        Encoder {
            hidden: Dense::new(shape.input, shape.hidden, rng),
            mu: Dense::new(shape.hidden, shape.latent, rng),
            logvar: Dense::new(shape.hidden, shape.latent, rng),
        }
    }

    pub fn zeros(shape: VaeShape) -> Self {
        Encoder {
            hidden: Dense::zeros(shape.input, shape.hidden),
            mu: Dense::zeros(shape.hidden, shape.latent),
            logvar: Dense::zeros(shape.hidden, shape.latent),
        }
    }

    // ANCHOR: forward
    /// Writes the hidden layer `h`, then `mu` and `logvar`, for the batch `x` (a matrix, or
    /// any [`Input`]: chapter 5's skips its zero pixels).
    pub fn forward(
        &self,
        x: &(impl Input<F> + ?Sized),
        h: &mut ArrayRef2<F>,
        mu: &mut ArrayRef2<F>,
        logvar: &mut ArrayRef2<F>,
    ) {
        x.first_layer(&self.hidden, h);
        relu(h);
        self.mu.forward(h, mu);
        self.logvar.forward(h, logvar);
    }
    // ANCHOR_END: forward

    // ANCHOR: backward
    /// From dL/dmu and dL/dlogvar, the gradients of all three layers, into `grad`. `h` is the
    /// forward pass's hidden layer; `dh` is scratch space of the same shape. Both heads read
    /// `h`, so its gradient is the sum of what flows back through each. On return, `dh` holds
    /// the gradient with respect to the hidden layer's input `x W1 + b1` (before the ReLU).
    #[allow(clippy::too_many_arguments)]
    pub fn backward(
        &self,
        x: &(impl Input<F> + ?Sized),
        h: &ArrayRef2<F>,
        dmu: &ArrayRef2<F>,
        dlogvar: &ArrayRef2<F>,
        dh: &mut ArrayRef2<F>,
        grad: &mut Encoder<F>,
    ) {
        self.mu.backward(h, dmu, &mut grad.mu, Some(dh));
        self.logvar.backward(h, dlogvar, &mut grad.logvar, None);
        general_mat_mul(F::one(), dlogvar, &self.logvar.weight.t(), F::one(), dh);
        relu_backward(h, dh);
        x.first_layer_gradient(&self.hidden, dh, &mut grad.hidden);
    }
    // ANCHOR_END: backward
}
