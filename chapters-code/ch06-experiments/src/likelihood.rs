//! `log p(x)` of test digits under a trained VAE, by importance sampling with the encoder as
//! the proposal, for growing numbers of draws `K`; and the ELBO it is compared with.

use ch02_elbo::kl::kl_standard_normal;
use ch04_model::bernoulli::bce_with_logit;
use ch04_model::vae::Vae;
use mnist::unit_pixels;
use ndarray::{Array2, ArrayView1, ArrayView2, Axis, s};
use rand_distr::{Distribution, StandardNormal};
use support::summary::Summary;

use crate::estimator::{log_prior_minus_log_q, nested_estimates};
use crate::posterior::encode;
use crate::seeds::{self, Purpose};

/// The numbers of draws in the table; `K = 5000` is Burda et al.'s evaluation setting.
pub const KS: [usize; 5] = [1, 10, 100, 1000, 5000];

/// Draws decoded in one matrix product.
const CHUNK: usize = 500;

/// The two parts of each draw's log weight, kept apart because the ELBO needs the first alone.
#[derive(Debug, Clone, Default)]
pub struct Draws {
    /// `log p(x | z_k)`: minus the cross-entropy of the image under the decoded pixel means.
    pub log_likelihood: Vec<f64>,
    /// `log p(z_k) - log q(z_k | x)`.
    pub log_prior_minus_q: Vec<f64>,
}

impl Draws {
    /// `log w_k = log p(x | z_k) + log p(z_k) - log q(z_k | x)`.
    pub fn log_weights(&self) -> Vec<f64> {
        self.log_likelihood
            .iter()
            .zip(&self.log_prior_minus_q)
            .map(|(a, b)| a + b)
            .collect()
    }
}

// ANCHOR: draws
/// Scores the draws `z_k = mu + exp(logvar / 2) * eps_k` (one `eps_k` per row of `eps`) for the
/// image `x` (pixels in [0, 1]): each `z_k` goes through the decoder, and the image's
/// cross-entropy under the decoded pixel probabilities is `-log p(x | z_k)`.
pub fn score_draws(
    vae: &Vae<f32>,
    x: ArrayView1<f32>,
    mu: ArrayView1<f32>,
    logvar: ArrayView1<f32>,
    eps: ArrayView2<f32>,
) -> Draws {
    let shape = vae.shape();
    let sigma = logvar.mapv(|lv| (0.5 * lv).exp());
    let rows = eps.nrows().min(CHUNK);
    let mut h: Vec<Array2<f32>> = (0..shape.depth)
        .map(|_| Array2::zeros((rows, shape.hidden)))
        .collect();
    let mut logits = Array2::zeros((rows, shape.input));
    let mut draws = Draws::default();
    for eps in eps.axis_chunks_iter(Axis(0), CHUNK) {
        let n = eps.nrows();
        let z = &eps * &sigma + mu;
        let logits = &mut logits.slice_mut(s![..n, ..]);
        vae.decoder.forward(&z, &mut h, logits);
        draws
            .log_likelihood
            .extend(log_likelihood_rows(logits.view(), x));
        for (z, e) in z.rows().into_iter().zip(eps.rows()) {
            let (z, e, lv) = (z.to_vec(), e.to_vec(), logvar.to_vec());
            draws
                .log_prior_minus_q
                .push(log_prior_minus_log_q(&z, &e, &lv));
        }
    }
    draws
}
// ANCHOR_END: draws

/// `-Σ_pixels bce(logit, x)` for each row of `logits`, summed in f64, on two threads when the
/// machine has them: the logarithms cost about as much as the decoder's matrix product.
fn log_likelihood_rows(logits: ArrayView2<f32>, x: ArrayView1<f32>) -> Vec<f64> {
    let row = |l: ArrayView1<f32>| -> f64 {
        -l.iter()
            .zip(&x)
            .map(|(&l, &x)| f64::from(bce_with_logit(l, x)))
            .sum::<f64>()
    };
    let n = logits.nrows();
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get().min(4));
    if threads < 2 || n < 64 {
        return logits.rows().into_iter().map(row).collect();
    }
    let per = n.div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = logits
            .axis_chunks_iter(Axis(0), per)
            .map(|part| scope.spawn(move || part.rows().into_iter().map(row).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a scoring thread panicked"))
            .collect()
    })
}

/// `KL(q(z | x) || N(0, I))` in closed form (chapter 2), for one image's `q`, in f64.
pub fn kl_to_prior(mu: ArrayView1<f32>, logvar: ArrayView1<f32>) -> f64 {
    kl_standard_normal(&mu.mapv(f64::from), &logvar.mapv(f64::from))
}

/// One image's results: the estimate for each `K`, and its ELBO.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageResult {
    pub estimates: Vec<f64>,
    /// `E_q[log p(x | z)] - KL(q || p)`, the expectation averaged over all `max(ks)` draws
    /// and the KL in closed form: the ELBO with its Monte Carlo noise nearly averaged away.
    pub elbo: f64,
}

// ANCHOR: image
/// Draws `max(ks)` codes from the encoder's `q(z | x)` for one image and returns the nested
/// estimates of `log p(x)` and the image's ELBO.
pub fn image(
    vae: &Vae<f32>,
    x: ArrayView1<f32>,
    mu: ArrayView1<f32>,
    logvar: ArrayView1<f32>,
    ks: &[usize],
    rng: &mut impl rand::Rng,
) -> ImageResult {
    let k_max = ks.iter().copied().max().expect("at least one K");
    let eps = Array2::from_shape_simple_fn((k_max, mu.len()), || StandardNormal.sample(rng));
    let draws = score_draws(vae, x, mu, logvar, eps.view());
    let expected_log_likelihood = draws.log_likelihood.iter().sum::<f64>() / k_max as f64;
    ImageResult {
        estimates: nested_estimates(&draws.log_weights(), ks),
        elbo: expected_log_likelihood - kl_to_prior(mu, logvar),
    }
}
// ANCHOR_END: image

/// The table: for each `K`, the mean estimate over the images and how far it sits above the
/// ELBO (the mean of the per-image differences, whose standard error is far smaller than that
/// of the estimates themselves, because the same images enter both).
#[derive(Debug, Clone)]
pub struct LikelihoodTable {
    pub ks: Vec<usize>,
    pub estimates: Vec<Summary>,
    pub above_elbo: Vec<Summary>,
    pub elbo: Summary,
    pub images: usize,
}

/// Runs [`image`] on every row of `images` (bytes), each image with its own random stream.
pub fn per_image(
    vae: &Vae<f32>,
    images: ArrayView2<u8>,
    ks: &[usize],
    seed: u64,
) -> Vec<ImageResult> {
    let q = encode(vae, images);
    let x = unit_pixels(images);
    (0..images.nrows())
        .map(|i| {
            let mut rng = seeds::rng(seed, Purpose::Importance, i as u64);
            image(vae, x.row(i), q.mu.row(i), q.logvar.row(i), ks, &mut rng)
        })
        .collect()
}

/// [`per_image`]'s results summarised over the images.
pub fn table(vae: &Vae<f32>, images: ArrayView2<u8>, ks: &[usize], seed: u64) -> LikelihoodTable {
    let results = per_image(vae, images, ks, seed);
    let column = |f: &dyn Fn(&ImageResult) -> f64| -> Summary {
        Summary::of(&results.iter().map(f).collect::<Vec<_>>())
    };
    LikelihoodTable {
        ks: ks.to_vec(),
        estimates: (0..ks.len()).map(|j| column(&|r| r.estimates[j])).collect(),
        above_elbo: (0..ks.len())
            .map(|j| column(&|r| r.estimates[j] - r.elbo))
            .collect(),
        elbo: column(&|r| r.elbo),
        images: images.nrows(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ch04_model::shape::VaeShape;
    use ch04_model::vae::Latent;
    use ch04_model::workspace::Workspace;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn small_vae() -> Vae<f32> {
        let shape = VaeShape::one_hidden_relu(12, 8, 3);
        Vae::new(shape, &mut StdRng::seed_from_u64(5))
    }

    #[test]
    fn k_equal_1_is_the_elbo_of_the_same_draw() {
        // Chapter 4's forward pass draws eps and scores the reconstruction of that draw; the
        // K = 1 weight must be that same -reconstruction plus log p(z) - log q(z | x).
        let vae = small_vae();
        let x = Array2::from_shape_fn((1, 12), |(_, j)| j as f32 / 11.0);
        let mut ws = Workspace::new(vae.shape(), 1);
        vae.forward(&x, Latent::Sample(&mut StdRng::seed_from_u64(9)), &mut ws);
        let loss = vae.loss(&x, &mut ws);
        let eps = ws.eps.slice(s![..1, ..]);
        let draws = score_draws(&vae, x.row(0), ws.mu.row(0), ws.logvar.row(0), eps);
        assert!(
            (draws.log_likelihood[0] + f64::from(loss.reconstruction)).abs() < 1e-4,
            "{} vs {}",
            draws.log_likelihood[0],
            loss.reconstruction
        );
        let (z, e, lv) = (
            ws.z.row(0).to_vec(),
            eps.row(0).to_vec(),
            ws.logvar.row(0).to_vec(),
        );
        let weight = nested_estimates(&draws.log_weights(), &[1])[0];
        let elbo_of_draw = -f64::from(loss.reconstruction) + log_prior_minus_log_q(&z, &e, &lv);
        assert!((weight - elbo_of_draw).abs() < 1e-4);
        // Averaged over draws, log p(z) - log q(z | x) is minus the closed-form KL.
        let mut rng = StdRng::seed_from_u64(1);
        let eps = Array2::from_shape_simple_fn((20_000, 3), || StandardNormal.sample(&mut rng));
        let many = score_draws(&vae, x.row(0), ws.mu.row(0), ws.logvar.row(0), eps.view());
        let mean = Summary::of(&many.log_prior_minus_q);
        let kl = kl_to_prior(ws.mu.row(0), ws.logvar.row(0));
        assert!(
            (mean.mean + kl).abs() < 4.0 * mean.standard_error + 1e-9,
            "{} vs {}",
            mean.mean,
            -kl
        );
        assert!((f64::from(loss.kl) - kl).abs() < 1e-5);
    }

    #[test]
    fn estimates_rise_with_k_and_the_elbo_sits_below() {
        let vae = small_vae();
        let images = Array2::from_shape_fn((6, 12), |(i, j)| ((i * 40 + j * 17) % 256) as u8);
        let t = table(&vae, images.view(), &[1, 10, 100], 3);
        assert_eq!(t.images, 6);
        let means: Vec<f64> = t.estimates.iter().map(|s| s.mean).collect();
        assert!(means[0] < means[1] && means[1] < means[2], "{means:?}");
        // The ELBO is below the K-sample bounds for K > 1 (K = 1 is the ELBO, give or take noise).
        assert!(t.above_elbo[2].mean > 0.0 && t.above_elbo[1].mean > 0.0);
        // Reproducible from the seed.
        let again = table(&vae, images.view(), &[1, 10, 100], 3);
        assert_eq!(again.estimates, t.estimates);
        let other = table(&vae, images.view(), &[1, 10, 100], 4);
        assert_ne!(other.estimates, t.estimates);
    }
}
