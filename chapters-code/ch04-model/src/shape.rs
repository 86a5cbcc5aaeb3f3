//! The sizes that define a VAE: the width of its data, of its hidden layers, of its latent code.

/// `input -> hidden -> latent` in the encoder, `latent -> hidden -> input` in the decoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VaeShape {
    pub input: usize,
    pub hidden: usize,
    pub latent: usize,
}

impl VaeShape {
    /// The network of PyTorch's VAE example, 784-400-20-400-784 (Kingma & Welling's MNIST
    /// experiments used 500 hidden units, and latent sizes from 2 to 200).
    pub const MNIST: VaeShape = VaeShape {
        input: 784,
        hidden: 400,
        latent: 20,
    };

    // ANCHOR: count
    /// Number of learned numbers: weights and biases of the five dense layers.
    pub fn parameter_count(&self) -> usize {
        let dense = |i: usize, o: usize| i * o + o;
        dense(self.input, self.hidden)
            + 2 * dense(self.hidden, self.latent)
            + dense(self.latent, self.hidden)
            + dense(self.hidden, self.input)
    }

    /// Floating-point operations of one training step on `batch` examples, counting the
    /// matrix products only (2 per multiply-add): three products per dense layer (forward,
    /// weight gradient, input gradient) except the first layer's input gradient.
    pub fn step_flops(&self, batch: usize) -> f64 {
        let product = |i: usize, o: usize| 2.0 * (batch * i * o) as f64;
        let (d, h, l) = (self.input, self.hidden, self.latent);
        2.0 * product(d, h) + 3.0 * (2.0 * product(h, l) + product(l, h) + product(h, d))
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
}
