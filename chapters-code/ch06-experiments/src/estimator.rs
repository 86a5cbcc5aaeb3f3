//! The importance-sampled estimate of `log p(x)` (Burda et al.'s bound): average the weights
//! `p(x | z_k) p(z_k) / q(z_k | x)` of `K` draws from the encoder, then take the logarithm.
//! Everything stays in logarithms, because a single weight of an MNIST digit is about e^-100.

use ch01_generative_models::log_space::log_sum_exp;

// ANCHOR: log_mean_exp
/// `log((1/K) Σ_k exp(a_k))` for the `K` values `a_k`, without leaving log space: the sum is
/// rescaled by its largest term, so values like -10,000 neither underflow nor lose digits.
pub fn log_mean_exp(values: &[f64]) -> f64 {
    log_sum_exp(values) - (values.len() as f64).ln()
}
// ANCHOR_END: log_mean_exp

// ANCHOR: log_weight
/// `log p(z) - log q(z | x)` at `z = mu + sigma * eps`, for the standard normal prior and a
/// diagonal Gaussian `q` with log-variances `logvar`. Per coordinate,
/// `log q = -(log 2π + logvar + eps²) / 2` and `log p(z) = -(log 2π + z²) / 2`: the `log 2π`
/// terms cancel. Adding `log p(x | z)` gives the draw's log importance weight.
pub fn log_prior_minus_log_q<F: Copy + Into<f64>>(z: &[F], eps: &[F], logvar: &[F]) -> f64 {
    assert!(z.len() == eps.len() && z.len() == logvar.len());
    z.iter()
        .zip(eps)
        .zip(logvar)
        .map(|((&z, &e), &lv)| {
            let (z, e, lv): (f64, f64, f64) = (z.into(), e.into(), lv.into());
            0.5 * (e * e + lv - z * z)
        })
        .sum()
}
// ANCHOR_END: log_weight

// ANCHOR: nested
/// The estimates `log (1/K) Σ_{k<=K} w_k` for each `K` in `ks`, all from the first `K` of the
/// same draws: one set of `max(ks)` draws serves every row of the table. With `K = 1` this is
/// the single-draw ELBO, `log p(x | z_1) + log p(z_1) - log q(z_1 | x)`.
pub fn nested_estimates(log_weights: &[f64], ks: &[usize]) -> Vec<f64> {
    ks.iter()
        .map(|&k| {
            assert!(
                (1..=log_weights.len()).contains(&k),
                "K = {k} needs 1 to {} draws",
                log_weights.len()
            );
            log_mean_exp(&log_weights[..k])
        })
        .collect()
}
// ANCHOR_END: nested

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_mean_exp_survives_values_that_underflow() {
        // exp(-10,000) is 0.0 in f64: the naive formula gives -inf.
        let values = [-10_000.0, -10_001.0, -10_002.0];
        let naive = (values.iter().map(|v: &f64| v.exp()).sum::<f64>() / 3.0).ln();
        assert_eq!(naive, f64::NEG_INFINITY);
        let exact = -10_000.0 + ((1.0 + (-1.0f64).exp() + (-2.0f64).exp()) / 3.0).ln();
        assert!((log_mean_exp(&values) - exact).abs() < 1e-9);
        // And values that would overflow.
        assert!((log_mean_exp(&[1e4, 1e4]) - 1e4).abs() < 1e-9);
        // Equal values average to themselves.
        assert!((log_mean_exp(&[-123.25; 5000]) + 123.25).abs() < 1e-9);
    }

    #[test]
    fn the_weight_is_zero_when_q_is_the_prior() {
        // q = N(0, I): z = eps and logvar = 0, so p(z) / q(z | x) = 1.
        let eps = [0.3f32, -1.2, 2.0];
        assert_eq!(log_prior_minus_log_q(&eps, &eps, &[0.0; 3]), 0.0);
        // One coordinate with mu = 1, sigma = e^0.5: direct densities.
        let (mu, lv, e) = (1.0f64, 1.0f64, 0.4f64);
        let z = mu + (0.5 * lv).exp() * e;
        let log_n = |x: f64, m: f64, v: f64| {
            -0.5 * ((2.0 * std::f64::consts::PI * v).ln() + (x - m).powi(2) / v)
        };
        let direct = log_n(z, 0.0, 1.0) - log_n(z, mu, lv.exp());
        assert!((log_prior_minus_log_q(&[z], &[e], &[lv]) - direct).abs() < 1e-12);
    }

    #[test]
    fn nested_estimates_use_the_first_k_draws() {
        let w = [-3.0, -1.0, -2.0, -5.0];
        let est = nested_estimates(&w, &[1, 2, 4]);
        assert_eq!(est[0], -3.0);
        assert!((est[1] - log_mean_exp(&[-3.0, -1.0])).abs() < 1e-15);
        assert!((est[2] - log_mean_exp(&w)).abs() < 1e-15);
    }
}
