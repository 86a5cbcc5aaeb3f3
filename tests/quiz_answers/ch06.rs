//! Chapter 6's quiz.

use ch06_experiments::interpolate::{lerp, norm};
use ndarray::Array1;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};

use crate::assert_number;

#[test]
fn the_straight_midpoint_of_two_50_dimensional_draws_is_about_5_long() {
    let mut rng = StdRng::seed_from_u64(6);
    let mut draw = || Array1::from_shape_fn(50, |_| StandardNormal.sample(&mut rng));
    let pairs = 2000;
    let mean = (0..pairs)
        .map(|_| {
            let (a, b): (Array1<f32>, Array1<f32>) = (draw(), draw());
            norm(lerp(a.view(), b.view(), 0.5).view())
        })
        .sum::<f64>()
        / pairs as f64;
    assert_number("ch06-experiments", "ch06-midpoint-length-k50", mean);
}
