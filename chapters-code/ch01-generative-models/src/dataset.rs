//! The chapter's toy data: points in the plane, each with a class label.

use ndarray::{Array1, Array2, ArrayView1, array};
use rand::Rng;

use crate::gaussian::Gaussian;

/// Points (the rows of `x`) with a class label each (`y`, numbered from 0).
#[derive(Debug, Clone, PartialEq)]
pub struct Labelled {
    /// One point per row.
    pub x: Array2<f64>,
    /// The class of each row of `x`.
    pub y: Vec<usize>,
}

impl Labelled {
    /// The number of points.
    pub fn len(&self) -> usize {
        self.y.len()
    }

    /// True when there are no points.
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }

    /// The number of classes: one more than the largest label (0 when empty).
    pub fn classes(&self) -> usize {
        self.y.iter().max().map_or(0, |m| m + 1)
    }

    /// The points of class `c`, one per row.
    pub fn of_class(&self, c: usize) -> Array2<f64> {
        let rows: Vec<usize> = (0..self.len()).filter(|&i| self.y[i] == c).collect();
        self.x.select(ndarray::Axis(0), &rows)
    }

    /// The points of class `c` as `(x, y)` pairs, ready to plot (2-D data only).
    pub fn pairs_of_class(&self, c: usize) -> Vec<(f64, f64)> {
        self.of_class(c)
            .rows()
            .into_iter()
            .map(|r| (r[0], r[1]))
            .collect()
    }

    /// The fraction of points whose label `predict` gets right.
    pub fn accuracy(&self, predict: impl Fn(ArrayView1<f64>) -> usize) -> f64 {
        let right = (0..self.len())
            .filter(|&i| predict(self.x.row(i)) == self.y[i])
            .count();
        right as f64 / self.len().max(1) as f64
    }
}

/// The two classes the toy data are drawn from: overlapping Gaussian clouds with different
/// shapes, so no straight line separates them perfectly.
pub fn true_classes() -> [Gaussian; 2] {
    [
        Gaussian::new(array![-1.0, -0.5], array![[1.0, 0.5], [0.5, 0.8]]),
        Gaussian::new(array![1.2, 0.9], array![[0.5, -0.25], [-0.25, 1.0]]),
    ]
}

/// `per_class` points from each of the [`true_classes`], class 0 first.
pub fn two_clouds<R: Rng + ?Sized>(per_class: usize, rng: &mut R) -> Labelled {
    let classes = true_classes();
    let mut x = Array2::<f64>::zeros((2 * per_class, 2));
    let mut y = Vec::with_capacity(2 * per_class);
    for (c, gaussian) in classes.iter().enumerate() {
        for i in 0..per_class {
            let p: Array1<f64> = gaussian.sample(rng);
            x.row_mut(c * per_class + i).assign(&p);
            y.push(c);
        }
    }
    Labelled { x, y }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn two_clouds_has_the_requested_size_and_labels() {
        let data = two_clouds(5, &mut StdRng::seed_from_u64(1));
        assert_eq!(data.len(), 10);
        assert_eq!(data.classes(), 2);
        assert_eq!(data.of_class(0).nrows(), 5);
        assert_eq!(data.pairs_of_class(1).len(), 5);
        assert_eq!(data.accuracy(|_| 0), 0.5);
    }
}
