//! Chapter 1's quiz.

use ch01_generative_models::dataset::Labelled;
use ch01_generative_models::generative::ClassConditionalGaussians;
use ch01_generative_models::naive_mc::log10_samples_needed;
use ndarray::Array2;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::assert_number;

const QUIZ: &str = "ch01-generative-models";

#[test]
fn three_classes_in_the_plane_take_17_numbers() {
    // Fit the model to three classes of random points and count what it learned, as the
    // chapter's own test does for two.
    let mut rng = StdRng::seed_from_u64(3);
    let y: Vec<usize> = (0..90).map(|i| i % 3).collect();
    let x = Array2::from_shape_fn((90, 2), |_| rng.random::<f64>());
    let fitted = ClassConditionalGaussians::fit(&Labelled { x, y }).unwrap();
    let count = fitted.priors.len() - 1
        + fitted
            .classes
            .iter()
            .map(|c| c.mean().len() + (c.cov().len() + c.dim()) / 2)
            .sum::<usize>();
    assert_number(QUIZ, "ch01-parameters-three-classes", count as f64);
}

#[test]
fn a_relative_variance_of_24_needs_9600_draws_for_5_percent() {
    // The crate takes log(1 + rho), the log of the second moment ratio.
    let draws = 10f64.powf(log10_samples_needed(25f64.ln(), 0.05));
    assert_number(QUIZ, "ch01-draws-needed", draws);
}
