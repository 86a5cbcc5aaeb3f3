//! Running mean and variance of a stream of numbers (Welford's update, which stays accurate
//! when the mean is large next to the spread), and the standard error of the mean.

/// Count, mean and sum of squared deviations of the numbers pushed so far.
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

    /// The standard error of the mean: `sqrt(variance / n)`.
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
    fn small_example() {
        let m = Moments::of([1.0, 2.0, 3.0, 4.0]);
        assert_eq!(m.count(), 4);
        assert!((m.mean() - 2.5).abs() < 1e-15);
        assert!((m.variance() - 5.0 / 3.0).abs() < 1e-15);
        assert!((m.standard_error() - (5.0f64 / 12.0).sqrt()).abs() < 1e-15);
    }

    #[test]
    fn a_large_offset_does_not_spoil_the_variance() {
        let m = Moments::of([1e9 + 1.0, 1e9 + 2.0, 1e9 + 3.0]);
        assert!((m.variance() - 1.0).abs() < 1e-6);
    }
}
