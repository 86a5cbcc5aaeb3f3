//! Expectations over one standard normal draw, computed by numerical integration rather than
//! sampling: the exact means and variances that the Monte Carlo tables are checked against.

/// The integration range `[-L, L]`: the normal density is below 1e-55 beyond 16, far below
/// what any integrand used here can make up for.
const HALF_WIDTH: f64 = 16.0;
/// Grid points. The trapezoidal rule converges faster than any power of the spacing for
/// smooth integrands that vanish at both ends, so a spacing of 0.01 is accurate to ~1e-12.
const POINTS: usize = 3201;

/// `E[g(eps)]` for `eps ~ N(0, 1)`, by the trapezoidal rule on `[-16, 16]`.
pub fn normal_expectation(g: impl Fn(f64) -> f64) -> f64 {
    let h = 2.0 * HALF_WIDTH / (POINTS - 1) as f64;
    let norm = 1.0 / (2.0 * std::f64::consts::PI).sqrt();
    let sum: f64 = (0..POINTS)
        .map(|i| {
            let e = -HALF_WIDTH + i as f64 * h;
            // The end points carry weight 1/2, but the density there is ~1e-56 anyway.
            let w = if i == 0 || i == POINTS - 1 { 0.5 } else { 1.0 };
            w * g(e) * (-0.5 * e * e).exp()
        })
        .sum();
    sum * h * norm
}

/// The exact mean and variance of `g(eps)`, `eps ~ N(0, 1)`.
pub fn mean_and_variance(g: impl Fn(f64) -> f64) -> (f64, f64) {
    let mean = normal_expectation(&g);
    let variance = normal_expectation(|e| (g(e) - mean).powi(2));
    (mean, variance)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_moments() {
        assert!((normal_expectation(|_| 1.0) - 1.0).abs() < 1e-13);
        assert!(normal_expectation(|e| e).abs() < 1e-13);
        assert!((normal_expectation(|e| e * e) - 1.0).abs() < 1e-12);
        assert!((normal_expectation(|e| e.powi(4)) - 3.0).abs() < 1e-12);
        assert!((normal_expectation(|e| e.powi(6)) - 15.0).abs() < 1e-11);
        // E[e^(2 eps)] = e^2.
        assert!((normal_expectation(|e| (2.0 * e).exp()) - 2.0f64.exp()).abs() < 1e-11);
    }

    #[test]
    fn variance_of_a_linear_function() {
        let (m, v) = mean_and_variance(|e| 3.0 + 2.0 * e);
        assert!((m - 3.0).abs() < 1e-12 && (v - 4.0).abs() < 1e-12);
    }
}
