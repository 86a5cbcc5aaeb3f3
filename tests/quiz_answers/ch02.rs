//! Chapter 2's quiz.

use ch02_elbo::kl::kl_standard_normal;
use ndarray::array;

use crate::assert_number;

#[test]
fn the_closed_form_kl_of_the_quiz_encoder() {
    let mu = array![1.0, 0.0];
    let logvar = array![1f64.ln(), 4f64.ln()];
    assert_number(
        "ch02-elbo",
        "ch02-kl-closed-form",
        kl_standard_normal(&mu, &logvar),
    );
}
