//! A mean with its standard error: how every table of the book reports a random quantity.
//! The error, `sd / sqrt(n)`, is the typical distance from the mean to the truth.

// ANCHOR: summary
/// The mean of `count` independent draws and its standard error, `sd / sqrt(count)`, with the
/// sample standard deviation `sd` (divisor `count - 1`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub mean: f64,
    pub standard_error: f64,
    pub count: usize,
}

impl Summary {
    /// The summary of `values`, computed in two passes (mean, then squared deviations).
    ///
    /// # Panics
    /// With fewer than 2 values: one draw says nothing about its spread.
    pub fn of(values: &[f64]) -> Summary {
        let n = values.len();
        assert!(n >= 2, "a standard error needs at least 2 draws, not {n}");
        let mean = values.iter().sum::<f64>() / n as f64;
        let var = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1) as f64;
        Summary {
            mean,
            standard_error: (var / n as f64).sqrt(),
            count: n,
        }
    }

    /// How many standard errors the mean is from `truth`; NaN if the error is zero.
    pub fn z_score(&self, truth: f64) -> f64 {
        (self.mean - truth) / self.standard_error
    }
}
// ANCHOR_END: summary

/// Count, mean and sum of squared deviations of a stream of numbers, updated one number at a
/// time (Welford's update, which stays accurate when the mean is large next to the spread).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Moments {
    count: u64,
    mean: f64,
    sum_sq_dev: f64,
}

impl Moments {
    /// No numbers yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The moments of `values`.
    pub fn of(values: impl IntoIterator<Item = f64>) -> Self {
        let mut m = Self::new();
        values.into_iter().for_each(|v| m.push(v));
        m
    }

    /// Adds one number.
    pub fn push(&mut self, value: f64) {
        self.count += 1;
        let delta = value - self.mean;
        self.mean += delta / self.count as f64;
        self.sum_sq_dev += delta * (value - self.mean);
    }

    /// How many numbers were pushed.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Their mean (0 if none).
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// Their sample variance, with the `n - 1` divisor (0 for fewer than two numbers).
    pub fn variance(&self) -> f64 {
        if self.count < 2 {
            0.0
        } else {
            self.sum_sq_dev / (self.count - 1) as f64
        }
    }

    /// The standard error of the mean: `sqrt(variance / n)` (infinite with no numbers).
    pub fn standard_error(&self) -> f64 {
        if self.count == 0 {
            f64::INFINITY
        } else {
            (self.variance() / self.count as f64).sqrt()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_and_standard_error_two_ways() {
        let values = [1.0, 2.0, 3.0, 4.0];
        let s = Summary::of(&values);
        assert_eq!((s.mean, s.count), (2.5, 4));
        // sample sd = sqrt(5/3); se = sd / 2
        assert!((s.standard_error - (5.0f64 / 3.0).sqrt() / 2.0).abs() < 1e-15);
        assert!((s.z_score(2.0) - 0.5 / s.standard_error).abs() < 1e-15);
        let m = Moments::of(values);
        assert_eq!(m.count(), 4);
        assert!((m.mean() - 2.5).abs() < 1e-15);
        assert!((m.variance() - 5.0 / 3.0).abs() < 1e-15);
        assert!((m.standard_error() - s.standard_error).abs() < 1e-15);
    }

    #[test]
    fn a_large_offset_does_not_spoil_the_running_variance() {
        let m = Moments::of([1e9 + 1.0, 1e9 + 2.0, 1e9 + 3.0]);
        assert!((m.variance() - 1.0).abs() < 1e-6);
    }

    #[test]
    #[should_panic(expected = "at least 2 draws")]
    fn one_value_has_no_standard_error() {
        Summary::of(&[7.0]);
    }
}
