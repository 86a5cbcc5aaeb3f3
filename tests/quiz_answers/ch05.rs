//! Chapter 5's quiz.

use ch04_model::bernoulli::bce_with_logit;
use ch04_model::shape::VaeShape;
use ch05_training::batches::shuffled_order;
use ch05_training::seeds::{self, Purpose};

use crate::assert_number;

const QUIZ: &str = "ch05-training";

#[test]
fn batches_of_256_make_235_steps() {
    let order = shuffled_order(60_000, &mut seeds::rng(1, Purpose::Train, 1));
    let steps = order.chunks(256).count();
    assert_number(QUIZ, "ch05-steps-batch-256", steps as f64);
}

#[test]
fn a_grey_pixel_of_0_3_costs_at_least_0_61_nats() {
    // The loss is smallest where the decoder's probability equals the grey level.
    let x = 0.3f64;
    let best = bce_with_logit((x / (1.0 - x)).ln(), x);
    let nearby = [0.29f64, 0.31].map(|p| bce_with_logit((p / (1.0 - p)).ln(), x));
    assert!(nearby.iter().all(|&l| l > best));
    assert_number(QUIZ, "ch05-grey-pixel-floor", best);
}

#[test]
fn a_two_dimensional_models_checkpoint_holds_7_574_256_bytes_of_numbers() {
    // The parameters, Adam's m and Adam's v, each an f32 (chapter 5's exercise 3 checks the
    // layout on a real checkpoint).
    let shape = VaeShape {
        latent: 2,
        ..VaeShape::MNIST
    };
    let bytes = 3 * shape.parameter_count() * std::mem::size_of::<f32>();
    assert_number(QUIZ, "ch05-checkpoint-latent-2", bytes as f64);
}
