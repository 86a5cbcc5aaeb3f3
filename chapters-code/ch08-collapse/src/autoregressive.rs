//! The decoder's second input: the image's earlier pixels. A masked dense layer adds to the
//! logit of pixel `d` a weighted sum of the pixels `1..d-1` before it (in reading order), the
//! fully visible sigmoid belief network of Frey (1998) as Larochelle & Murray (2011) train it.
//! Alone, it is a complete model of binary images; beside the code `z`, it lets the decoder
//! explain each pixel without asking the code.

use ndarray::{Array2, ArrayRef1, ArrayRef2, linalg::general_mat_mul};
use rand::Rng;

use ch04_model::scalar::Real;

/// The weights `W[j, d]` of pixel `j`'s vote for pixel `d`, of shape `(pixels, pixels)`; only
/// `j < d` is ever non-zero (the mask), so pixel `d` never sees itself or a later pixel.
#[derive(Debug, Clone, PartialEq)]
pub struct Autoregressive<F> {
    pub weight: Array2<F>,
}

// ANCHOR: mask
/// Whether pixel `j` may feed pixel `d`: strictly earlier in reading order.
pub fn allowed(j: usize, d: usize) -> bool {
    j < d
}
// ANCHOR_END: mask

impl<F: Real> Autoregressive<F> {
    /// All zeros: the layer adds nothing until trained (the decoder's output bias already
    /// holds each pixel's mean), and the shape of its gradient.
    pub fn zeros(pixels: usize) -> Self {
        Autoregressive {
            weight: Array2::zeros((pixels, pixels)),
        }
    }

    pub fn pixels(&self) -> usize {
        self.weight.nrows()
    }

    // ANCHOR: forward
    /// *Adds* `x (W ∘ M)` to `logits`: pixel `d`'s logit gains `Σ_{j<d} x_j W[j, d]`. The
    /// weights outside the mask are zero, so a plain matrix product applies the mask.
    pub fn forward(&self, x: &ArrayRef2<F>, logits: &mut ArrayRef2<F>) {
        general_mat_mul(F::one(), x, &self.weight, F::one(), logits);
    }
    // ANCHOR_END: forward

    // ANCHOR: backward
    /// Given `dlogits` = dL/dlogits, writes dL/dW = `x^T dlogits`, masked, into `grad`. The
    /// data `x` needs no gradient; the masked-out entries get exactly 0, so Adam never moves
    /// them off zero.
    pub fn backward(&self, x: &ArrayRef2<F>, dlogits: &ArrayRef2<F>, grad: &mut Autoregressive<F>) {
        general_mat_mul(F::one(), &x.t(), dlogits, F::zero(), &mut grad.weight);
        apply_mask(&mut grad.weight);
    }
    // ANCHOR_END: backward

    // ANCHOR: sample
    /// Draws an image pixel by pixel given the `z` part of the logits, `base` (one per pixel):
    /// pixel `d` is ink with probability `sigmoid(base_d + Σ_{j<d} x_j W[j, d])`, using the
    /// pixels already drawn. Writes those probabilities into `probs` (what a picture shows)
    /// and returns the drawn pixels.
    pub fn sample(
        &self,
        base: &ArrayRef1<F>,
        probs: &mut ArrayRef1<F>,
        rng: &mut impl Rng,
    ) -> Vec<F> {
        let n = self.pixels();
        let mut x = vec![F::zero(); n];
        for d in 0..n {
            let mut logit = base[d];
            for (j, &xj) in x.iter().enumerate().take(d) {
                if xj != F::zero() {
                    logit += self.weight[[j, d]];
                }
            }
            let p = F::one() / (F::one() + (-logit).exp());
            probs[d] = p;
            x[d] = if F::of(rng.random::<f64>()) < p {
                F::one()
            } else {
                F::zero()
            };
        }
        x
    }
    // ANCHOR_END: sample
}

/// Sets every entry of `w` outside the mask (`j >= d`) to zero.
pub fn apply_mask<F: Real>(w: &mut ArrayRef2<F>) {
    for ((j, d), v) in w.indexed_iter_mut() {
        if !allowed(j, d) {
            *v = F::zero();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn a_pixel_sees_only_earlier_pixels() {
        let mut layer = Autoregressive::<f64>::zeros(3);
        layer.weight = array![[9.0, 1.0, 2.0], [9.0, 9.0, 3.0], [9.0, 9.0, 9.0]];
        apply_mask(&mut layer.weight);
        assert_eq!(
            layer.weight,
            array![[0.0, 1.0, 2.0], [0.0, 0.0, 3.0], [0.0, 0.0, 0.0]]
        );
        let x = array![[1.0, 1.0, 1.0], [0.0, 1.0, 0.0]];
        let mut logits = array![[0.5, 0.5, 0.5], [0.0, 0.0, 0.0]];
        layer.forward(&x, &mut logits);
        // Pixel 0 sees nothing; pixel 1 sees pixel 0; pixel 2 sees pixels 0 and 1.
        assert_eq!(logits, array![[0.5, 1.5, 5.5], [0.0, 0.0, 3.0]]);
        let mut grad = Autoregressive::zeros(3);
        layer.backward(&x, &array![[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]], &mut grad);
        assert_eq!(
            grad.weight,
            array![[0.0, 1.0, 1.0], [0.0, 0.0, 2.0], [0.0, 0.0, 0.0]]
        );
    }

    #[test]
    fn sampling_uses_the_pixels_already_drawn() {
        // Pixel 1 copies pixel 0 almost surely (weight 40 against a bias of -20).
        let mut layer = Autoregressive::<f64>::zeros(2);
        layer.weight[[0, 1]] = 40.0;
        let mut probs = ndarray::Array1::zeros(2);
        let mut rng = StdRng::seed_from_u64(1);
        for _ in 0..20 {
            let x = layer.sample(&array![0.0, -20.0], &mut probs, &mut rng);
            assert_eq!(x[0], x[1]);
            assert_eq!(probs[0], 0.5);
        }
    }
}
