//! The solutions of the chapter's exercises that are code.

// ANCHOR: cyclical
/// Cyclical annealing (Fu et al., 2019): the KL weight after `progress` passes, when each
/// cycle of `period` passes raises beta linearly from 0 to 1 over its first `ramp` fraction
/// and holds it at 1 for the rest. Every cycle gives the encoder a new spell of cheap
/// information, after the decoder has learnt to use the code it was given in the last one.
pub fn cyclical_beta(progress: f64, period: f64, ramp: f64) -> f64 {
    assert!(
        period > 0.0 && ramp > 0.0 && ramp <= 1.0,
        "a cycle needs a period and a ramp"
    );
    let within = (progress / period).fract();
    (within / ramp).min(1.0)
}
// ANCHOR_END: cyclical

// ANCHOR: committed
/// The delta-VAE's floor on the rate (Razavi et al., 2019), in its simplest form: when every
/// posterior variance is fixed at `variance` (not learnt), no code, however uninformative,
/// has `KL(N(mu, variance) || N(0, 1))` below `(variance - 1 - ln variance) / 2` per unit,
/// reached at `mu = 0`. Over `units` units, the model is committed to at least this rate.
pub fn committed_rate(variance: f64, units: usize) -> f64 {
    assert!(variance > 0.0, "a variance is positive");
    units as f64 * 0.5 * (variance - 1.0 - variance.ln())
}
// ANCHOR_END: committed

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rate::RateTerm;
    use ndarray::Array2;

    #[test]
    fn cycles_restart_at_zero_and_hold_at_one() {
        assert_eq!(cyclical_beta(0.0, 10.0, 0.5), 0.0);
        assert_eq!(cyclical_beta(2.5, 10.0, 0.5), 0.5);
        assert_eq!(cyclical_beta(7.0, 10.0, 0.5), 1.0);
        assert_eq!(cyclical_beta(10.0, 10.0, 0.5), 0.0);
        assert_eq!(cyclical_beta(12.5, 10.0, 0.5), 0.5);
    }

    #[test]
    fn the_committed_rate_is_the_kl_of_a_code_at_the_prior_mean() {
        // The closed-form KL of N(0, 0.5) in each of 50 units.
        let mu = Array2::<f64>::zeros((1, 50));
        let logvar = Array2::from_elem((1, 50), 0.5f64.ln());
        let kl = RateTerm::Beta(1.0).value(&mu, &logvar);
        assert!((committed_rate(0.5, 50) - kl).abs() < 1e-12);
        // Only the prior's own variance commits to nothing.
        assert_eq!(committed_rate(1.0, 50), 0.0);
    }
}
