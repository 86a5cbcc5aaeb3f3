//! How much of the rate is information about the image. Averaged over the data, the rate
//! splits in two (Hoffman & Johnson, 2016): `R = I(x; z) + KL(q(z) || p(z))`, where
//! `q(z) = (1/N) Σ_n q(z | x_n)` is the aggregate posterior over the `N` images. The mutual
//! information is estimated by drawing `z` from each `q(z | x_n)` and evaluating the mixture
//! `q(z)` exactly, over all `N` components: `I = E[log q(z | x) - log q(z)]`. With `x` uniform
//! over the `N` images, `I <= log N`: the estimate cannot exceed it, and neither can the truth
//! for that distribution.

use ndarray::{Array1, ArrayView2};
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

use ch06_experiments::estimator::log_mean_exp;

/// The split of the rate, nats per image.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateSplit {
    /// `E log q(z | x) - log p(z)` over the same draws: the rate by Monte Carlo.
    pub rate: f64,
    /// `I(x; z) = E[log q(z | x) - log q(z)]`.
    pub mutual_information: f64,
    /// `KL(q(z) || p(z)) = E[log q(z) - log p(z)]`.
    pub marginal_kl: f64,
    /// The images whose posteriors make up `q(z)`, and the draws from each.
    pub images: usize,
    pub draws: usize,
}

const LOG_2PI: f64 = 1.837_877_066_409_345_3;

/// One diagonal Gaussian, stored for fast density evaluations.
struct Component {
    mu: Vec<f64>,
    inv_var: Vec<f64>,
    /// `-(d log 2π + Σ logvar) / 2`.
    norm: f64,
}

impl Component {
    fn log_density(&self, z: &[f64]) -> f64 {
        let mut quad = 0.0;
        for ((&z, &m), &iv) in z.iter().zip(&self.mu).zip(&self.inv_var) {
            let d = z - m;
            quad += d * d * iv;
        }
        self.norm - 0.5 * quad
    }
}

// ANCHOR: split
/// Splits the rate of the posteriors `N(mu_n, diag(exp(logvar_n)))` (one row per image),
/// with `draws` codes from each.
pub fn split(
    mu: ArrayView2<f32>,
    logvar: ArrayView2<f32>,
    draws: usize,
    rng: &mut impl Rng,
) -> RateSplit {
    let (n, dim) = mu.dim();
    assert!(n >= 1 && draws >= 1, "need images and draws");
    let components: Vec<Component> = (0..n)
        .map(|i| {
            let lv: Vec<f64> = logvar.row(i).iter().map(|&v| f64::from(v)).collect();
            Component {
                mu: mu.row(i).iter().map(|&v| f64::from(v)).collect(),
                inv_var: lv.iter().map(|v| (-v).exp()).collect(),
                norm: -0.5 * (dim as f64 * LOG_2PI + lv.iter().sum::<f64>()),
            }
        })
        .collect();
    let (mut info, mut marginal, mut rate) = (0.0, 0.0, 0.0);
    let mut z = vec![0.0; dim];
    let mut mixture = vec![0.0; n];
    for own in &components {
        for _ in 0..draws {
            for ((z, &m), &iv) in z.iter_mut().zip(&own.mu).zip(&own.inv_var) {
                let e: f64 = StandardNormal.sample(rng);
                *z = m + e / iv.sqrt();
            }
            for (slot, c) in mixture.iter_mut().zip(&components) {
                *slot = c.log_density(&z);
            }
            let log_q_given_x = own.log_density(&z);
            let log_q = log_mean_exp(&mixture);
            let log_p = -0.5 * (dim as f64 * LOG_2PI + z.iter().map(|v| v * v).sum::<f64>());
            info += log_q_given_x - log_q;
            marginal += log_q - log_p;
            rate += log_q_given_x - log_p;
        }
    }
    let count = (n * draws) as f64;
    RateSplit {
        rate: rate / count,
        mutual_information: info / count,
        marginal_kl: marginal / count,
        images: n,
        draws,
    }
}
// ANCHOR_END: split

/// The closed-form rate of each posterior, `KL(q(z | x_n) || N(0, I))`, one per row.
pub fn closed_form_rates(mu: ArrayView2<f32>, logvar: ArrayView2<f32>) -> Array1<f64> {
    Array1::from_iter(
        mu.rows()
            .into_iter()
            .zip(logvar.rows())
            .map(|(m, lv)| ch06_experiments::likelihood::kl_to_prior(m, lv)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn an_encoder_that_ignores_the_image_carries_no_information() {
        // Every image has the same posterior: q(z) = q(z | x), so I = 0 exactly, and the rate
        // is all marginal KL.
        let mu = Array2::from_elem((50, 3), 0.7f32);
        let logvar = Array2::from_elem((50, 3), -1.0f32);
        let s = split(mu.view(), logvar.view(), 4, &mut StdRng::seed_from_u64(1));
        assert!(s.mutual_information.abs() < 1e-12, "{s:?}");
        let exact = closed_form_rates(mu.view(), logvar.view())[0];
        assert!((s.marginal_kl - exact).abs() < 0.2, "{s:?} {exact}");
    }

    #[test]
    fn a_linear_gaussian_encoder_has_the_known_information() {
        // x ~ N(0, 1) and q(z | x) = N(x, 1/4): z ~ N(0, 5/4) and I(x; z) = ln(1 + 4) / 2, the
        // capacity of a Gaussian channel; KL(N(0, 5/4) || N(0, 1)) = (1/4 - ln(5/4)) / 2.
        let mut rng = StdRng::seed_from_u64(7);
        let x: Vec<f32> = (0..2000).map(|_| StandardNormal.sample(&mut rng)).collect();
        let mu = Array2::from_shape_vec((2000, 1), x).unwrap();
        let logvar = Array2::from_elem((2000, 1), 0.25f32.ln());
        let s = split(mu.view(), logvar.view(), 2, &mut rng);
        let info = 5f64.ln() / 2.0;
        let marginal = (0.25 - 1.25f64.ln()) / 2.0;
        assert!((s.mutual_information - info).abs() < 0.03, "{s:?} {info}");
        assert!((s.marginal_kl - marginal).abs() < 0.03, "{s:?} {marginal}");
        // The two parts add up to the rate, draw by draw.
        assert!((s.rate - s.mutual_information - s.marginal_kl).abs() < 1e-9);
    }
}
