//! Counting numbers into equal-width bins, to draw the distribution of single-sample estimates.

use crate::error::{Error, at_least};

/// Counts of values in `bins` equal bins over `[lo, hi)`, plus how many fell outside.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    lo: f64,
    hi: f64,
    counts: Vec<u64>,
    outside: u64,
}

impl Histogram {
    /// An empty histogram of `bins` bins over `[lo, hi)`; `lo < hi`, both finite.
    pub fn new(lo: f64, hi: f64, bins: usize) -> Result<Self, Error> {
        at_least("the number of bins", bins, 1)?;
        assert!(
            lo.is_finite() && hi.is_finite() && lo < hi,
            "a histogram over [{lo}, {hi})"
        );
        Ok(Self {
            lo,
            hi,
            counts: vec![0; bins],
            outside: 0,
        })
    }

    /// Counts one value.
    pub fn push(&mut self, value: f64) {
        let width = (self.hi - self.lo) / self.counts.len() as f64;
        let bin = ((value - self.lo) / width).floor();
        if bin >= 0.0 && bin < self.counts.len() as f64 {
            self.counts[bin as usize] += 1;
        } else {
            self.outside += 1; // also NaN
        }
    }

    /// How many values were pushed, inside the range or not.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum::<u64>() + self.outside
    }

    /// The fraction of values that fell outside `[lo, hi)`.
    pub fn fraction_outside(&self) -> f64 {
        self.outside as f64 / self.total().max(1) as f64
    }

    /// The outline of the density histogram (each bar's height is its count divided by the
    /// total and by the bin width, so the bars' area is the fraction inside the range), as a
    /// polyline from `(lo, 0)` over every bar to `(hi, 0)`.
    pub fn density_outline(&self) -> Vec<(f64, f64)> {
        let width = (self.hi - self.lo) / self.counts.len() as f64;
        let scale = 1.0 / (self.total().max(1) as f64 * width);
        let mut points = vec![(self.lo, 0.0)];
        for (i, &c) in self.counts.iter().enumerate() {
            let (x0, x1) = (self.lo + i as f64 * width, self.lo + (i + 1) as f64 * width);
            let y = c as f64 * scale;
            points.push((x0, y));
            points.push((x1, y));
        }
        points.push((self.hi, 0.0));
        points
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_outline() {
        let mut h = Histogram::new(0.0, 2.0, 2).unwrap();
        for v in [0.1, 0.5, 1.5, 2.0, -1.0, f64::NAN] {
            h.push(v);
        }
        assert_eq!(h.total(), 6);
        assert!((h.fraction_outside() - 0.5).abs() < 1e-15);
        let outline = h.density_outline();
        assert_eq!(
            outline,
            vec![
                (0.0, 0.0),
                (0.0, 2.0 / 6.0),
                (1.0, 2.0 / 6.0),
                (1.0, 1.0 / 6.0),
                (2.0, 1.0 / 6.0),
                (2.0, 0.0)
            ]
        );
    }

    #[test]
    fn zero_bins_is_an_error() {
        assert!(Histogram::new(0.0, 1.0, 0).is_err());
    }
}
