//! The decoder, `p(x | z)`: one hidden ReLU layer, then one logit per pixel. A pixel's
//! Bernoulli probability is the sigmoid of its logit (see [`crate::bernoulli`]).

use ndarray::ArrayRef2;
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

use crate::activation::{relu, relu_backward};
use crate::dense::Dense;
use crate::scalar::Real;
use crate::shape::VaeShape;

/// `z -> h = relu(z W3 + b3) -> logits = h W4 + b4`.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoder<F> {
    pub hidden: Dense<F>,
    pub output: Dense<F>,
}

impl<F: Real> Decoder<F>
where
    StandardNormal: Distribution<F>,
{
    pub fn new(shape: VaeShape, rng: &mut impl Rng) -> Self {
        Decoder {
            hidden: Dense::new(shape.latent, shape.hidden, rng),
            output: Dense::new(shape.hidden, shape.input, rng),
        }
    }

    pub fn zeros(shape: VaeShape) -> Self {
        Decoder {
            hidden: Dense::zeros(shape.latent, shape.hidden),
            output: Dense::zeros(shape.hidden, shape.input),
        }
    }

    // ANCHOR: forward
    /// Writes the hidden layer `h` and the pixel logits for the latent codes `z`.
    pub fn forward(&self, z: &ArrayRef2<F>, h: &mut ArrayRef2<F>, logits: &mut ArrayRef2<F>) {
        self.hidden.forward(z, h);
        relu(h);
        self.output.forward(h, logits);
    }
    // ANCHOR_END: forward

    // ANCHOR: backward
    /// From dL/dlogits, the gradients of both layers into `grad` and dL/dz into `dz`; `dh` is
    /// scratch space shaped like `h`.
    #[allow(clippy::too_many_arguments)]
    pub fn backward(
        &self,
        z: &ArrayRef2<F>,
        h: &ArrayRef2<F>,
        dlogits: &ArrayRef2<F>,
        dh: &mut ArrayRef2<F>,
        dz: &mut ArrayRef2<F>,
        grad: &mut Decoder<F>,
    ) {
        self.output.backward(h, dlogits, &mut grad.output, Some(dh));
        relu_backward(h, dh);
        self.hidden.backward(z, dh, &mut grad.hidden, Some(dz));
    }
    // ANCHOR_END: backward
}
