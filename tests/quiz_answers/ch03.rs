//! Chapter 3's quiz.

use ch03_reparameterization::dimension::{DIM_Q, exact_variances};

use crate::assert_number;

#[test]
fn at_k_50_the_score_function_variance_is_2678() {
    let v = exact_variances(50, DIM_Q);
    assert_number(
        "ch03-reparameterization",
        "ch03-score-variance-k50",
        v.score,
    );
    // The explanation of the baseline question quotes these two.
    assert!((v.score_baseline - 78.0).abs() < 1e-9, "{v:?}");
    assert!((v.pathwise - 1.0).abs() < 1e-12, "{v:?}");
}
