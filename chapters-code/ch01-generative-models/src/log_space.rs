//! Arithmetic on logarithms. Densities in many dimensions underflow `f64` (a density of
//! 10^-400 is 0.0), so sums of densities are taken on their logarithms.

/// `log(Σ exp(a_i))`, computed without overflow or underflow; `-inf` for an empty slice.
pub fn log_sum_exp(values: &[f64]) -> f64 {
    let mut acc = LogSumExp::new();
    values.iter().for_each(|&v| acc.add(v));
    acc.value()
}

/// A running `log(Σ exp(a_i))` over values that arrive one at a time.
///
/// It keeps the largest value seen, `m`, and `Σ exp(a_i - m)`, which stays between 1 and the
/// count: no term can overflow, and the largest never underflows.
#[derive(Debug, Clone, Copy)]
pub struct LogSumExp {
    max: f64,
    scaled_sum: f64,
}

impl LogSumExp {
    /// The empty sum, whose logarithm is `-inf`.
    pub fn new() -> Self {
        Self {
            max: f64::NEG_INFINITY,
            scaled_sum: 0.0,
        }
    }

    /// Adds `exp(a)` to the sum.
    pub fn add(&mut self, a: f64) {
        if a == f64::NEG_INFINITY {
            // exp(-inf) = 0 adds nothing (and -inf - -inf would be NaN).
            return;
        }
        if a == f64::INFINITY || self.max == f64::INFINITY {
            self.max = f64::INFINITY;
            self.scaled_sum = 1.0;
        } else if a <= self.max {
            self.scaled_sum += (a - self.max).exp();
        } else {
            // A new maximum (or NaN, which then stays in the sum): rescale to it.
            self.scaled_sum = self.scaled_sum * (self.max - a).exp() + 1.0;
            self.max = a;
        }
    }

    /// The logarithm of the sum so far.
    pub fn value(&self) -> f64 {
        self.max + self.scaled_sum.ln()
    }
}

impl Default for LogSumExp {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_the_direct_sum_where_that_is_safe() {
        let a = [-1.0, 0.5, 2.0, -3.0];
        let direct: f64 = a.iter().map(|v: &f64| v.exp()).sum::<f64>().ln();
        assert!((log_sum_exp(&a) - direct).abs() < 1e-14);
    }

    #[test]
    fn survives_values_whose_exponentials_underflow_or_overflow() {
        // exp(-1000) is 0.0 in f64, but log(2 exp(-1000)) = -1000 + ln 2.
        assert!((log_sum_exp(&[-1000.0, -1000.0]) - (-1000.0 + 2f64.ln())).abs() < 1e-12);
        assert!((log_sum_exp(&[1000.0, 1000.0]) - (1000.0 + 2f64.ln())).abs() < 1e-12);
        assert_eq!(log_sum_exp(&[]), f64::NEG_INFINITY);
        assert_eq!(log_sum_exp(&[f64::NEG_INFINITY, 0.0]), 0.0);
        assert_eq!(log_sum_exp(&[1.0, f64::INFINITY]), f64::INFINITY);
        assert!(log_sum_exp(&[1.0, f64::NAN, 2.0]).is_nan());
    }
}
