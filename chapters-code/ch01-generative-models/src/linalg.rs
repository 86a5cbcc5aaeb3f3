//! The little linear algebra a Gaussian needs: the Cholesky factor of a covariance matrix,
//! triangular solves with it, and its log-determinant.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2};

/// Why a matrix has no Cholesky factor.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CholeskyError {
    /// The matrix is not square.
    #[error("a {rows}x{cols} matrix is not square")]
    NotSquare { rows: usize, cols: usize },
    /// A pivot was not positive: the matrix is not symmetric positive definite.
    #[error("the matrix is not positive definite (pivot {index} is {pivot})")]
    NotPositiveDefinite { index: usize, pivot: f64 },
}

/// The lower-triangular `L` with `L Lᵀ = a`, for a symmetric positive definite `a`.
///
/// Only the lower triangle of `a` is read.
pub fn cholesky(a: ArrayView2<f64>) -> Result<Array2<f64>, CholeskyError> {
    let n = a.nrows();
    if a.ncols() != n {
        return Err(CholeskyError::NotSquare {
            rows: n,
            cols: a.ncols(),
        });
    }
    // Row-major storage: entry (i, k) at i * n + k, so the dot products below run over
    // contiguous slices.
    let mut l = vec![0.0; n * n];
    for j in 0..n {
        let row_j = &l[j * n..j * n + j];
        let pivot = a[[j, j]] - row_j.iter().map(|v| v * v).sum::<f64>();
        // Written so that a NaN pivot is refused too.
        if pivot.is_nan() || pivot <= 0.0 {
            return Err(CholeskyError::NotPositiveDefinite { index: j, pivot });
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
    let l = Array2::from_shape_vec((n, n), l).expect("n * n entries");
    Ok(l)
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
    fn indefinite_and_non_square_matrices_are_refused() {
        let a = array![[1.0, 2.0], [2.0, 1.0]];
        assert!(matches!(
            cholesky(a.view()),
            Err(CholeskyError::NotPositiveDefinite { index: 1, .. })
        ));
        let b = Array2::<f64>::zeros((2, 3));
        assert!(matches!(
            cholesky(b.view()),
            Err(CholeskyError::NotSquare { .. })
        ));
    }
}
