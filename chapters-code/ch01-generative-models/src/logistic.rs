//! The discriminative model: logistic regression, `p(y = 1 | x) = sigmoid(wᵀx + b)`.

use ndarray::{Array1, ArrayView1};

use crate::dataset::Labelled;

/// `p(y = 1 | x) = sigmoid(wᵀx + b)`, with `sigmoid(t) = 1 / (1 + e^(-t))`.
#[derive(Debug, Clone, PartialEq)]
pub struct LogisticRegression {
    /// The weights `w`, one per coordinate of `x`.
    pub weights: Array1<f64>,
    /// The bias `b`.
    pub bias: f64,
}

/// The logistic sigmoid `sigmoid(t) = 1 / (1 + e^(-t))`.
pub fn sigmoid(t: f64) -> f64 {
    if t >= 0.0 {
        1.0 / (1.0 + (-t).exp())
    } else {
        // Same value, written so that e^(-t) cannot overflow for very negative t.
        let e = t.exp();
        e / (1.0 + e)
    }
}

/// `log(1 + e^t)`, without overflow.
fn softplus(t: f64) -> f64 {
    t.max(0.0) + (-t.abs()).exp().ln_1p()
}

impl LogisticRegression {
    /// `p(y = 1 | x)`.
    pub fn prob_class1(&self, x: ArrayView1<f64>) -> f64 {
        sigmoid(self.weights.dot(&x) + self.bias)
    }

    /// The more probable class, 0 or 1.
    pub fn predict(&self, x: ArrayView1<f64>) -> usize {
        usize::from(self.weights.dot(&x) + self.bias > 0.0)
    }

    /// The mean over the data of `-log p(y | x)` (the cross-entropy, in nats).
    pub fn mean_log_loss(&self, data: &Labelled) -> f64 {
        let total: f64 = (0..data.len())
            .map(|i| {
                let t = self.weights.dot(&data.x.row(i)) + self.bias;
                // -log sigmoid(t) = softplus(-t) and -log(1 - sigmoid(t)) = softplus(t).
                if data.y[i] == 1 {
                    softplus(-t)
                } else {
                    softplus(t)
                }
            })
            .sum();
        total / data.len() as f64
    }

    // ANCHOR: gradient
    /// The gradient of [`Self::mean_log_loss`] with respect to `(w, b)`:
    /// the mean of `(sigmoid(wᵀx + b) - y) x` and of `sigmoid(wᵀx + b) - y`.
    pub fn gradient(&self, data: &Labelled) -> (Array1<f64>, f64) {
        let mut grad_w = Array1::<f64>::zeros(self.weights.len());
        let mut grad_b = 0.0;
        for (x, &y) in data.x.rows().into_iter().zip(&data.y) {
            let error = self.prob_class1(x) - y as f64;
            grad_w.scaled_add(error, &x);
            grad_b += error;
        }
        let n = data.len() as f64;
        (grad_w / n, grad_b / n)
    }
    // ANCHOR_END: gradient

    /// Fits `(w, b)` by gradient descent on the mean log loss from `w = 0, b = 0`, for at most
    /// `max_steps` steps of size `learning_rate`, stopping early once the gradient's norm is
    /// below `1e-9`. Returns the model and the number of steps taken.
    ///
    /// # Panics
    /// If `data` is empty or has a label other than 0 and 1, if `learning_rate` is not
    /// positive or `max_steps` is 0.
    pub fn fit(data: &Labelled, learning_rate: f64, max_steps: usize) -> (Self, usize) {
        assert!(!data.is_empty(), "no points to fit");
        if let Some(&bad) = data.y.iter().find(|&&y| y > 1) {
            panic!("logistic regression needs labels 0 and 1 only, found {bad}");
        }
        assert!(
            learning_rate > 0.0 && max_steps > 0,
            "the learning rate must be positive and the step count at least 1, not {learning_rate} and {max_steps}"
        );
        let mut model = Self {
            weights: Array1::zeros(data.x.ncols()),
            bias: 0.0,
        };
        for step in 1..=max_steps {
            let (gw, gb) = model.gradient(data);
            if (gw.dot(&gw) + gb * gb).sqrt() < 1e-9 {
                return (model, step - 1);
            }
            model.weights.scaled_add(-learning_rate, &gw);
            model.bias -= learning_rate * gb;
        }
        (model, max_steps)
    }

    /// The two ends of the decision boundary `wᵀx + b = 0` of a 2-D model, within the box
    /// `[x0, x1] x [y0, y1]`; `None` if the line misses the box.
    pub fn boundary(&self, (x0, x1): (f64, f64), (y0, y1): (f64, f64)) -> Option<[(f64, f64); 2]> {
        assert_eq!(
            self.weights.len(),
            2,
            "the boundary is drawn for 2-D models only"
        );
        let (a, c, b) = (self.weights[0], self.weights[1], self.bias);
        // Where a x + c y + b = 0 crosses each side of the box.
        let mut hits = Vec::new();
        if c != 0.0 {
            for x in [x0, x1] {
                let y = -(a * x + b) / c;
                if (y0..=y1).contains(&y) {
                    hits.push((x, y));
                }
            }
        }
        if a != 0.0 {
            for y in [y0, y1] {
                let x = -(c * y + b) / a;
                if (x0..=x1).contains(&x) {
                    hits.push((x, y));
                }
            }
        }
        hits.dedup();
        (hits.len() >= 2).then(|| [hits[0], hits[1]])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn line_data() -> Labelled {
        // Overlapping labels on a line, so the best fit is finite.
        Labelled {
            x: array![[-2.0], [-1.0], [0.0], [0.5], [1.0], [2.0]],
            y: vec![0, 0, 1, 0, 1, 1],
        }
    }

    #[test]
    fn sigmoid_is_stable_and_symmetric() {
        assert_eq!(sigmoid(0.0), 0.5);
        assert!((sigmoid(3.0) + sigmoid(-3.0) - 1.0).abs() < 1e-15);
        assert_eq!(sigmoid(-1000.0), 0.0);
        assert_eq!(sigmoid(1000.0), 1.0);
    }

    #[test]
    fn the_gradient_matches_finite_differences() {
        let data = line_data();
        let m = LogisticRegression {
            weights: array![0.7],
            bias: -0.2,
        };
        let (gw, gb) = m.gradient(&data);
        let h = 1e-6;
        let shifted = |dw: f64, db: f64| {
            LogisticRegression {
                weights: array![0.7 + dw],
                bias: -0.2 + db,
            }
            .mean_log_loss(&data)
        };
        let fd_w = (shifted(h, 0.0) - shifted(-h, 0.0)) / (2.0 * h);
        let fd_b = (shifted(0.0, h) - shifted(0.0, -h)) / (2.0 * h);
        assert!((gw[0] - fd_w).abs() < 1e-8, "{} vs {fd_w}", gw[0]);
        assert!((gb - fd_b).abs() < 1e-8, "{gb} vs {fd_b}");
    }

    #[test]
    fn fitting_reaches_a_stationary_point_that_beats_the_start() {
        let data = line_data();
        let (m, steps) = LogisticRegression::fit(&data, 1.0, 100_000);
        assert!(steps < 100_000, "did not converge");
        let (gw, gb) = m.gradient(&data);
        assert!(gw[0].abs() < 1e-9 && gb.abs() < 1e-9);
        assert!(m.mean_log_loss(&data) < 2f64.ln() - 0.1);
        assert!(m.weights[0] > 0.0);
    }

    #[test]
    #[should_panic(expected = "logistic regression needs labels 0 and 1 only, found 2")]
    fn a_third_label_is_a_bug() {
        let mut three = line_data();
        three.y[0] = 2;
        let _ = LogisticRegression::fit(&three, 1.0, 10);
    }

    #[test]
    #[should_panic(expected = "the learning rate must be positive")]
    fn a_zero_learning_rate_is_a_bug() {
        let _ = LogisticRegression::fit(&line_data(), 0.0, 10);
    }

    #[test]
    fn the_boundary_crosses_the_box_where_the_score_is_zero() {
        let m = LogisticRegression {
            weights: array![1.0, 1.0],
            bias: 0.0,
        };
        let [p, q] = m.boundary((-1.0, 1.0), (-1.0, 1.0)).unwrap();
        assert!((p.0 + p.1).abs() < 1e-12 && (q.0 + q.1).abs() < 1e-12);
        assert!(m.boundary((2.0, 3.0), (2.0, 3.0)).is_none());
    }
}
