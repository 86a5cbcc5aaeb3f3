//! The latent coordinates of the 2-D manifold: quantiles of the standard normal, so that the
//! grid's points are evenly spaced in probability under the prior rather than in distance.

use statrs::distribution::{ContinuousCDF, Normal};

/// The grid covers the central 90% of the prior along each axis: the tails beyond hold few
/// training codes, so the decoder has little to say there.
pub const LOWEST: f64 = 0.05;
pub const HIGHEST: f64 = 0.95;

// ANCHOR: quantiles
/// `n` evenly spaced probabilities from `LOWEST` to `HIGHEST`, each mapped through the inverse
/// CDF of the standard normal: the coordinates of the grid along one latent axis.
pub fn normal_quantiles(n: usize) -> Vec<f64> {
    let normal = Normal::standard();
    (0..n)
        .map(|i| {
            let p = if n == 1 {
                0.5
            } else {
                LOWEST + (HIGHEST - LOWEST) * i as f64 / (n - 1) as f64
            };
            normal.inverse_cdf(p)
        })
        .collect()
}
// ANCHOR_END: quantiles

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_spans_plus_minus_1_645_symmetrically() {
        let q = normal_quantiles(20);
        assert_eq!(q.len(), 20);
        assert!((q[0] + 1.644_853_6).abs() < 1e-6, "{}", q[0]);
        assert!((q[19] - 1.644_853_6).abs() < 1e-6, "{}", q[19]);
        for i in 0..20 {
            assert!((q[i] + q[19 - i]).abs() < 1e-9);
        }
        assert!(q.windows(2).all(|w| w[0] < w[1]));
        // Evenly spaced in probability, so the steps widen towards the tails.
        assert!(q[1] - q[0] > 2.0 * (q[10] - q[9]));
        assert_eq!(normal_quantiles(1), vec![0.0]);
    }
}
