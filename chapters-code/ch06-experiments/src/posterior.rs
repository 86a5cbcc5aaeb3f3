//! The two directions through a trained VAE that every experiment needs: images to the
//! encoder's `q(z | x)` (means and log-variances), and latent points to the decoder's images.

use ch04_model::vae::Vae;
use ch04_model::workspace::Workspace;
use mnist::unit_pixels;
use ndarray::{Array2, ArrayView2, Axis, s};

/// Rows of the workspace the encoder and decoder work through at a time.
const CHUNK: usize = 500;

/// `q(z | x) = N(mu, diag(exp(logvar)))` for each image, one row per image.
#[derive(Debug, Clone)]
pub struct Posterior {
    pub mu: Array2<f32>,
    pub logvar: Array2<f32>,
}

/// Passes `images` (one per row, bytes) through the encoder.
pub fn encode(vae: &Vae<f32>, images: ArrayView2<u8>) -> Posterior {
    let shape = vae.shape();
    let mut ws = Workspace::new(shape, CHUNK);
    let mut mu = Array2::zeros((images.nrows(), shape.latent));
    let mut logvar = Array2::zeros((images.nrows(), shape.latent));
    for (i, chunk) in images.axis_chunks_iter(Axis(0), CHUNK).enumerate() {
        let n = chunk.nrows();
        let x = unit_pixels(chunk);
        let rows = s![i * CHUNK..i * CHUNK + n, ..];
        vae.encode(
            &x,
            &mut ws,
            &mut mu.slice_mut(rows),
            &mut logvar.slice_mut(rows),
        );
    }
    Posterior { mu, logvar }
}

/// The decoder's mean image (pixel probabilities) for each latent point, one row per point.
pub fn decode(vae: &Vae<f32>, z: ArrayView2<f32>) -> Array2<f32> {
    let shape = vae.shape();
    let mut ws = Workspace::new(shape, CHUNK);
    let mut out = Array2::zeros((z.nrows(), shape.input));
    for (z, mut out) in z
        .axis_chunks_iter(Axis(0), CHUNK)
        .zip(out.axis_chunks_iter_mut(Axis(0), CHUNK))
    {
        vae.decode(&z, &mut ws, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ch04_model::shape::VaeShape;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn chunks_agree_with_one_pass() {
        let shape = VaeShape::one_hidden_relu(6, 5, 2);
        let vae = Vae::<f32>::new(shape, &mut StdRng::seed_from_u64(0));
        let images = Array2::from_shape_fn((1203, 6), |(i, j)| ((i * 7 + j * 31) % 256) as u8);
        let q = encode(&vae, images.view());
        assert_eq!(q.mu.dim(), (1203, 2));
        // The last image, encoded alone, gives the same numbers as in the big batch.
        let alone = encode(&vae, images.slice(s![1202.., ..]));
        assert_eq!(alone.mu.row(0), q.mu.row(1202));
        assert_eq!(alone.logvar.row(0), q.logvar.row(1202));
        let probs = decode(&vae, q.mu.view());
        assert_eq!(probs.dim(), (1203, 6));
        assert!(probs.iter().all(|p| (0.0..=1.0).contains(p)));
    }
}
