//! The little linear algebra a Gaussian needs: the Cholesky factor of a covariance matrix,
//! triangular solves with it, and its log-determinant.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2};

/// The lower-triangular `L` with `L Lᵀ = a`, or `None` if `a` is not positive definite (a
/// pivot is zero, negative or NaN), as the covariance of points on one line is not.
///
/// Only the lower triangle of `a` is read.
///
/// # Panics
/// If `a` is not square.
pub fn cholesky(a: ArrayView2<f64>) -> Option<Array2<f64>> {
    let n = a.nrows();
    assert_eq!(
        a.ncols(),
        n,
        "cholesky needs a square matrix, not {n}x{}",
        a.ncols()
    );
    // Row-major storage: entry (i, k) at i * n + k, so the dot products below run over
    // contiguous slices.
    let mut l = vec![0.0; n * n];
    for j in 0..n {
        let row_j = &l[j * n..j * n + j];
        let pivot = a[[j, j]] - row_j.iter().map(|v| v * v).sum::<f64>();
        // Written so that a NaN pivot is refused too.
        if pivot.is_nan() || pivot <= 0.0 {
            return None;
        }
        let d = pivot.sqrt();
        l[j * n + j] = d;
        for i in j + 1..n {
            let (above, below) = l.split_at_mut(i * n);
            let row_j = &above[j * n..j * n + j];
            let dot: f64 = below[..j].iter().zip(row_j).map(|(x, y)| x * y).sum();
            below[j] = (a[[i, j]] - dot) / d;
        }
    }
    Some(Array2::from_shape_vec((n, n), l).expect("n * n entries"))
}

/// Solves `L y = b` for a lower-triangular `L` by forward substitution.
pub fn solve_lower(l: ArrayView2<f64>, b: ArrayView1<f64>) -> Array1<f64> {
    let n = b.len();
    let mut y = Array1::<f64>::zeros(n);
    for i in 0..n {
        let s = b[i] - (0..i).map(|k| l[[i, k]] * y[k]).sum::<f64>();
        y[i] = s / l[[i, i]];
    }
    y
}

/// The inverse of `L Lᵀ` from its Cholesky factor `L`: `(L Lᵀ)⁻¹ = L⁻ᵀ L⁻¹`.
pub fn inverse_from_cholesky(l: ArrayView2<f64>) -> Array2<f64> {
    let n = l.nrows();
    let mut l_inv = Array2::<f64>::zeros((n, n));
    for i in 0..n {
        let mut e = Array1::<f64>::zeros(n);
        e[i] = 1.0;
        l_inv.column_mut(i).assign(&solve_lower(l, e.view()));
    }
    l_inv.t().dot(&l_inv)
}

/// `log det(L Lᵀ)` from the Cholesky factor `L`: twice the sum of the logs of its diagonal.
pub fn log_det_from_cholesky(l: ArrayView2<f64>) -> f64 {
    2.0 * l.diag().iter().map(|d| d.ln()).sum::<f64>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn cholesky_rebuilds_the_matrix() {
        let a = array![[4.0, 2.0, 0.4], [2.0, 5.0, 1.0], [0.4, 1.0, 3.0]];
        let l = cholesky(a.view()).unwrap();
        let back = l.dot(&l.t());
        for (x, y) in back.iter().zip(a.iter()) {
            assert!((x - y).abs() < 1e-12, "{back} != {a}");
        }
        // det = 4*(15-1) - 2*(6-0.4) + 0.4*(2-2) = 44.8
        assert!((log_det_from_cholesky(l.view()) - 44.8f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn the_inverse_times_the_matrix_is_the_identity() {
        let a = array![[4.0, 2.0, 0.4], [2.0, 5.0, 1.0], [0.4, 1.0, 3.0]];
        let inv = inverse_from_cholesky(cholesky(a.view()).unwrap().view());
        let eye = inv.dot(&a);
        for ((i, j), v) in eye.indexed_iter() {
            let expected = if i == j { 1.0 } else { 0.0 };
            assert!((v - expected).abs() < 1e-12, "{eye}");
        }
    }

    #[test]
    fn forward_substitution_solves() {
        let l = array![[2.0, 0.0], [1.0, 3.0]];
        let y = solve_lower(l.view(), array![4.0, 11.0].view());
        assert_eq!(y, array![2.0, 3.0]);
    }

    #[test]
    fn an_indefinite_matrix_has_no_factor() {
        assert_eq!(cholesky(array![[1.0, 2.0], [2.0, 1.0]].view()), None);
        assert_eq!(cholesky(array![[f64::NAN]].view()), None);
    }

    #[test]
    #[should_panic(expected = "cholesky needs a square matrix, not 2x3")]
    fn a_non_square_matrix_is_a_bug() {
        let _ = cholesky(Array2::<f64>::zeros((2, 3)).view());
    }
}
