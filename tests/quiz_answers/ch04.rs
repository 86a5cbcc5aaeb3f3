//! Chapter 4's quiz.

use ch04_model::shape::VaeShape;
use ch04_model::vae::{Latent, Vae};
use ch04_model::workspace::Workspace;
use ndarray::Array2;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::{accepted, assert_number};

const QUIZ: &str = "ch04-model";

#[test]
fn a_256_10_vae_has_410_404_parameters() {
    let shape = VaeShape {
        hidden: 256,
        latent: 10,
        ..VaeShape::MNIST
    };
    let vae = Vae::<f32>::new(shape, &mut StdRng::seed_from_u64(1));
    let held: usize = vae.parameters().iter().map(|p| p.len()).sum();
    assert_eq!(held, shape.parameter_count());
    assert_number(QUIZ, "ch04-parameters-256-10", held as f64);
}

#[test]
fn the_decoders_hidden_gradient_of_a_batch_of_64_is_64_by_400() {
    let shape = VaeShape::MNIST;
    let mut rng = StdRng::seed_from_u64(2);
    let vae = Vae::<f32>::new(shape, &mut rng);
    let x = Array2::from_shape_fn((64, shape.input), |_| f32::from(rng.random::<bool>()));
    let mut ws = Workspace::new(shape, 64);
    vae.forward(&x, Latent::Sample(&mut rng), &mut ws);
    let mut grad = Vae::zeros(shape);
    vae.backward(&x, &mut ws, 1.0, &mut grad, false);
    let (rows, cols) = ws.d_h_dec[0].dim();
    // Every accepted spelling names these two numbers, in this order, and nothing else.
    for text in accepted(QUIZ, "ch04-shape-d-h-dec") {
        let numbers: Vec<usize> = text
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap())
            .collect();
        assert_eq!(numbers, [rows, cols], "the quiz accepts {text:?}");
    }
}
