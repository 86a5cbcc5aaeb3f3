//! The sizes that define a VAE: the width of its data, of its hidden layers, of its latent
//! code; and how many hidden layers each network has, with which nonlinearity.

use crate::activation::Activation;

/// `input -> hidden (x depth) -> latent` in the encoder, `latent -> hidden (x depth) -> input`
/// in the decoder. Chapter 4's network has one hidden ReLU layer on each side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VaeShape {
    pub input: usize,
    pub hidden: usize,
    pub latent: usize,
    /// Hidden layers in the encoder, and again in the decoder, all `hidden` wide.
    pub depth: usize,
    pub activation: Activation,
}

impl VaeShape {
    /// The network of PyTorch's VAE example, 784-400-20-400-784 (Kingma & Welling's MNIST
    /// experiments used 500 hidden units, and latent sizes from 2 to 200).
    pub const MNIST: VaeShape = VaeShape::one_hidden_relu(784, 400, 20);

    /// Chapter 4's kind of network: one hidden ReLU layer on each side.
    pub const fn one_hidden_relu(input: usize, hidden: usize, latent: usize) -> VaeShape {
        VaeShape {
            input,
            hidden,
            latent,
            depth: 1,
            activation: Activation::Relu,
        }
    }

    // ANCHOR: count
    /// Number of learned numbers: weights and biases of the dense layers.
    pub fn parameter_count(&self) -> usize {
        let dense = |i: usize, o: usize| i * o + o;
        let deeper = (self.depth - 1) * dense(self.hidden, self.hidden);
        dense(self.input, self.hidden)
            + deeper
            + 2 * dense(self.hidden, self.latent)
            + dense(self.latent, self.hidden)
            + deeper
            + dense(self.hidden, self.input)
    }

    /// Floating-point operations of one training step on `batch` examples, counting the
    /// matrix products only (2 per multiply-add): three products per dense layer (forward,
    /// weight gradient, input gradient) except the first layer's input gradient.
    pub fn step_flops(&self, batch: usize) -> f64 {
        let product = |i: usize, o: usize| 2.0 * (batch * i * o) as f64;
        let (d, h, l) = (self.input, self.hidden, self.latent);
        let deeper = 2.0 * (self.depth - 1) as f64 * product(h, h);
        2.0 * product(d, h) + 3.0 * (2.0 * product(h, l) + product(l, h) + product(h, d) + deeper)
    }
    // ANCHOR_END: count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mnist_network_has_652_824_parameters() {
        assert_eq!(VaeShape::MNIST.parameter_count(), 652_824);
    }

    #[test]
    fn an_epoch_is_about_2e11_flops() {
        // 60,000 images: about 2.0e11 flops, which at 100 GFLOP/s is 2 s an epoch.
        let epoch = VaeShape::MNIST.step_flops(1) * 60_000.0;
        assert!((1.9e11..2.1e11).contains(&epoch), "{epoch:e}");
    }

    #[test]
    fn a_second_hidden_layer_adds_two_square_layers() {
        let deep = VaeShape {
            depth: 2,
            ..VaeShape::one_hidden_relu(784, 200, 50)
        };
        let shallow = VaeShape::one_hidden_relu(784, 200, 50);
        assert_eq!(
            deep.parameter_count() - shallow.parameter_count(),
            2 * (200 * 200 + 200)
        );
        assert_eq!(deep.parameter_count(), 425_284);
    }
}
