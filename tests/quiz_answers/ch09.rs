//! Chapter 9's quiz.

use ch09_conditional::gaussians::kl_gaussians;
use ch09_conditional::quadrants::Given;
use ndarray::array;

use crate::assert_number;

#[test]
fn the_kl_between_two_gaussians_of_the_quiz() {
    let (mu_q, lv_q) = (array![[1.0f64]], array![[0.0f64]]);
    let (mu_p, lv_p) = (array![[0.0f64]], array![[4f64.ln()]]);
    assert_number(
        "ch09-conditional",
        "ch09-kl-gaussians",
        kl_gaussians(&mu_q, &lv_q, &mu_p, &lv_p),
    );
}

#[test]
fn the_pixels_scored_with_two_quadrants_given() {
    assert_number(
        "ch09-conditional",
        "ch09-scored-pixels",
        Given::new(2).unwrap().scored_pixels() as f64,
    );
}
