//! A mean over images with its standard error, the way every table of this chapter reports
//! a number: the error says how much the mean would move with other images.

/// A sample mean and its standard error, `sd / sqrt(n)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub mean: f64,
    pub standard_error: f64,
    pub count: usize,
}

impl Summary {
    /// The mean of `values` and its standard error (0 for fewer than two values).
    pub fn of(values: &[f64]) -> Summary {
        let n = values.len();
        let mean = values.iter().sum::<f64>() / n.max(1) as f64;
        let standard_error = if n < 2 {
            0.0
        } else {
            let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
            (var / n as f64).sqrt()
        };
        Summary {
            mean,
            standard_error,
            count: n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_and_standard_error() {
        let s = Summary::of(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(s.mean, 2.5);
        // sample sd = sqrt(5/3); se = sd / 2
        assert!((s.standard_error - (5.0f64 / 3.0).sqrt() / 2.0).abs() < 1e-12);
        assert_eq!(Summary::of(&[7.0]).standard_error, 0.0);
    }
}
