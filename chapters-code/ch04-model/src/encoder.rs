//! The encoder, `q(z | x)`: hidden layers (one ReLU layer in chapter 4's network), then two
//! heads that give the mean `mu` and the log-variance `logvar` of a diagonal Gaussian over the
//! latent code.

use ndarray::{Array2, ArrayRef2, linalg::general_mat_mul};
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

use crate::activation::Activation;
use crate::dense::{Dense, Init};
use crate::input::Input;
use crate::scalar::Real;
use crate::shape::VaeShape;
use crate::stack;
use crate::workspace::{rows, rows_mut};

/// `x -> h = act(x W1 + b1) (-> more hidden layers) -> (mu = h Wmu + bmu, logvar = h Wlv + blv)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Encoder<F> {
    /// The hidden layers, first to last: `input -> hidden`, then `hidden -> hidden`.
    pub hidden: Vec<Dense<F>>,
    pub mu: Dense<F>,
    pub logvar: Dense<F>,
    pub activation: Activation,
}

impl<F: Real> Encoder<F>
where
    StandardNormal: Distribution<F>,
{
    pub fn new(shape: VaeShape, rng: &mut impl Rng) -> Self {
        Encoder::with_init(shape, Init::FanIn, rng)
    }

    /// Layers drawn the way `init` says, in a fixed order: hidden layers, mu head, logvar head.
    pub fn with_init(shape: VaeShape, init: Init, rng: &mut impl Rng) -> Self {
        let hidden = stack::widths(shape.input, shape.hidden, shape.depth)
            .map(|(i, o)| Dense::with_init(i, o, init, rng))
            .collect();
        Encoder {
            hidden,
            mu: Dense::with_init(shape.hidden, shape.latent, init, rng),
            logvar: Dense::with_init(shape.hidden, shape.latent, init, rng),
            activation: shape.activation,
        }
    }

    pub fn zeros(shape: VaeShape) -> Self {
        Encoder {
            hidden: stack::widths(shape.input, shape.hidden, shape.depth)
                .map(|(i, o)| Dense::zeros(i, o))
                .collect(),
            mu: Dense::zeros(shape.hidden, shape.latent),
            logvar: Dense::zeros(shape.hidden, shape.latent),
            activation: shape.activation,
        }
    }

    /// The dense layers, in a fixed order: the hidden layers, then the mu and logvar heads.
    pub fn layers(&self) -> impl Iterator<Item = &Dense<F>> {
        self.hidden.iter().chain([&self.mu, &self.logvar])
    }

    pub fn layers_mut(&mut self) -> impl Iterator<Item = &mut Dense<F>> {
        self.hidden
            .iter_mut()
            .chain([&mut self.mu, &mut self.logvar])
    }

    // ANCHOR: forward
    /// Writes the hidden layers into the first rows of the buffers `h` (one per hidden layer),
    /// then `mu` and `logvar`, for the batch `x` (a matrix, or any [`Input`]: chapter 5's
    /// skips its zero pixels).
    pub fn forward(
        &self,
        x: &(impl Input<F> + ?Sized),
        h: &mut [Array2<F>],
        mu: &mut ArrayRef2<F>,
        logvar: &mut ArrayRef2<F>,
    ) {
        let last = &stack::forward(&self.hidden, self.activation, x, h);
        self.mu.forward(last, mu);
        self.logvar.forward(last, logvar);
    }
    // ANCHOR_END: forward

    // ANCHOR: backward
    /// From dL/dmu and dL/dlogvar, the gradients of all the layers, into `grad`. `h` holds the
    /// forward pass's hidden layers; `dh` is scratch space of the same shapes. Both heads read
    /// the last hidden layer, so its gradient is the sum of what flows back through each.
    #[allow(clippy::too_many_arguments)]
    pub fn backward(
        &self,
        x: &(impl Input<F> + ?Sized),
        h: &[Array2<F>],
        dmu: &ArrayRef2<F>,
        dlogvar: &ArrayRef2<F>,
        dh: &mut [Array2<F>],
        grad: &mut Encoder<F>,
    ) {
        let n = x.values().nrows();
        let top = h.len() - 1;
        let last = &rows(&h[top], n);
        let d_last = &mut rows_mut(&mut dh[top], n);
        self.mu.backward(last, dmu, &mut grad.mu, Some(d_last));
        self.logvar.backward(last, dlogvar, &mut grad.logvar, None);
        general_mat_mul(F::one(), dlogvar, &self.logvar.weight.t(), F::one(), d_last);
        stack::backward(
            &self.hidden,
            self.activation,
            x,
            h,
            dh,
            &mut grad.hidden,
            None,
        );
    }
    // ANCHOR_END: backward
}
