//! The decoder, `p(x | z)`: hidden layers (one ReLU layer in chapter 4's network), then one
//! logit per pixel. A pixel's Bernoulli probability is the sigmoid of its logit (see
//! [`crate::bernoulli`]).

use ndarray::{Array2, ArrayRef2};
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

use crate::activation::Activation;
use crate::dense::{Dense, Init};
use crate::scalar::Real;
use crate::shape::VaeShape;
use crate::stack;
use crate::workspace::{rows, rows_mut};

/// `z -> h = act(z W3 + b3) (-> more hidden layers) -> logits = h W4 + b4`.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoder<F> {
    /// The hidden layers, first to last: `latent -> hidden`, then `hidden -> hidden`.
    pub hidden: Vec<Dense<F>>,
    pub output: Dense<F>,
    pub activation: Activation,
}

impl<F: Real> Decoder<F>
where
    StandardNormal: Distribution<F>,
{
    pub fn new(shape: VaeShape, rng: &mut impl Rng) -> Self {
        Decoder::with_init(shape, Init::FanIn, rng)
    }

    /// Layers drawn the way `init` says, in a fixed order: hidden layers, then the output.
    pub fn with_init(shape: VaeShape, init: Init, rng: &mut impl Rng) -> Self {
        let hidden = stack::widths(shape.latent, shape.hidden, shape.depth)
            .map(|(i, o)| Dense::with_init(i, o, init, rng))
            .collect();
        Decoder {
            hidden,
            output: Dense::with_init(shape.hidden, shape.input, init, rng),
            activation: shape.activation,
        }
    }

    pub fn zeros(shape: VaeShape) -> Self {
        Decoder {
            hidden: stack::widths(shape.latent, shape.hidden, shape.depth)
                .map(|(i, o)| Dense::zeros(i, o))
                .collect(),
            output: Dense::zeros(shape.hidden, shape.input),
            activation: shape.activation,
        }
    }

    /// The dense layers, in a fixed order: the hidden layers, then the output.
    pub fn layers(&self) -> impl Iterator<Item = &Dense<F>> {
        self.hidden.iter().chain([&self.output])
    }

    pub fn layers_mut(&mut self) -> impl Iterator<Item = &mut Dense<F>> {
        self.hidden.iter_mut().chain([&mut self.output])
    }

    // ANCHOR: forward
    /// Writes the hidden layers into the first rows of the buffers `h` (one per hidden layer)
    /// and the pixel logits for the latent codes `z`.
    pub fn forward(&self, z: &ArrayRef2<F>, h: &mut [Array2<F>], logits: &mut ArrayRef2<F>) {
        let last = &stack::forward(&self.hidden, self.activation, z, h);
        self.output.forward(last, logits);
    }
    // ANCHOR_END: forward

    // ANCHOR: backward
    /// From dL/dlogits, the gradients of all the layers into `grad` and dL/dz into `dz`; `dh`
    /// is scratch space shaped like `h`.
    #[allow(clippy::too_many_arguments)]
    pub fn backward(
        &self,
        z: &ArrayRef2<F>,
        h: &[Array2<F>],
        dlogits: &ArrayRef2<F>,
        dh: &mut [Array2<F>],
        dz: &mut ArrayRef2<F>,
        grad: &mut Decoder<F>,
    ) {
        let n = z.nrows();
        let top = h.len() - 1;
        let d_last = &mut rows_mut(&mut dh[top], n);
        self.output
            .backward(&rows(&h[top], n), dlogits, &mut grad.output, Some(d_last));
        stack::backward(
            &self.hidden,
            self.activation,
            z,
            h,
            dh,
            &mut grad.hidden,
            Some(dz),
        );
    }
    // ANCHOR_END: backward
}
