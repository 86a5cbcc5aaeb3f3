//! Annealed importance sampling on a model small enough to integrate exactly: a decoder from a
//! 2-d code to 6 binary pixels, whose `log p(x)` a fine grid over the code plane gives to many
//! decimals. Forward AIS must land at or below it, reverse AIS from the codes that made the
//! images at or above it, and the bracket must close as the number of steps grows.

use ch04_model::activation::Activation;
use ch04_model::decoder::Decoder;
use ch04_model::shape::VaeShape;
use ch06_experiments::estimator::log_mean_exp;
use ch07_likelihood::ais::{self, AisSettings, Likelihood};
use ndarray::{Array2, ArrayView1, ArrayView2};
use rand::SeedableRng;
use rand::rngs::StdRng;

const SHAPE: VaeShape = VaeShape {
    input: 6,
    hidden: 8,
    latent: 2,
    depth: 1,
    activation: Activation::Tanh,
};

/// Weights drawn, then scaled up so that each pixel depends sharply on the code and the
/// posterior is far from the prior (else any estimator would look exact).
fn decoder() -> Decoder<f32> {
    let mut d = Decoder::new(SHAPE, &mut StdRng::seed_from_u64(7));
    d.hidden[0].weight *= 3.0;
    d.output.weight *= 4.0;
    d
}

/// `log p(x) = log ∫ N(z; 0, I) p(x | z) dz` by the midpoint rule on a 400 x 400 grid over
/// [-8, 8]^2, summed in f64.
fn exact(decoder: &Decoder<f32>, images: ArrayView2<f32>) -> Vec<f64> {
    let (n, lo, hi) = (400, -8.0f64, 8.0f64);
    let h = (hi - lo) / n as f64;
    let at = |i: usize| (lo + (i as f64 + 0.5) * h) as f32;
    let z = Array2::from_shape_fn(
        (n * n, 2),
        |(r, j)| if j == 0 { at(r / n) } else { at(r % n) },
    );
    let log_prior: Vec<f64> = z
        .rows()
        .into_iter()
        .map(|z| {
            let sq: f64 = z.iter().map(|&v| f64::from(v) * f64::from(v)).sum();
            -0.5 * sq - (2.0 * std::f64::consts::PI).ln() + 2.0 * h.ln()
        })
        .collect();
    images
        .rows()
        .into_iter()
        .map(|x| {
            let one = x.to_shape((1, SHAPE.input)).unwrap();
            let mut likelihood = Likelihood::new(decoder, one.view(), n * n);
            let terms: Vec<f64> = likelihood
                .value(&z)
                .iter()
                .zip(&log_prior)
                .map(|(l, p)| l + p)
                .collect();
            log_mean_exp(&terms) + ((n * n) as f64).ln()
        })
        .collect()
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

fn settings(steps: usize) -> AisSettings {
    AisSettings {
        steps,
        chains: 8,
        leapfrog: 5,
        step_size: 0.1,
    }
}

#[test]
fn the_schedule_rises_from_zero_to_one() {
    let betas = ais::schedule(100);
    assert_eq!(betas.len(), 101);
    assert_eq!((betas[0], betas[100]), (0.0, 1.0));
    assert!(betas.windows(2).all(|w| w[0] < w[1]));
    // Denser near the ends than in the middle.
    assert!(betas[1] - betas[0] < betas[51] - betas[50]);
}

#[test]
fn the_gradient_in_z_matches_finite_differences() {
    let decoder = decoder();
    let mut rng = StdRng::seed_from_u64(3);
    let (z, x) = ais::simulate(&decoder, 5, &mut rng);
    let mut likelihood = Likelihood::new(&decoder, x.view(), 1);
    let mut grad = Array2::zeros(z.raw_dim());
    likelihood.grad(&z, &mut grad);
    let h = 1e-2f32;
    for r in 0..5 {
        for j in 0..2 {
            let mut moved = z.clone();
            moved[[r, j]] += h;
            let up = likelihood.value(&moved)[r];
            moved[[r, j]] -= 2.0 * h;
            let down = likelihood.value(&moved)[r];
            let numeric = (up - down) / (2.0 * f64::from(h));
            let analytic = f64::from(grad[[r, j]]);
            assert!(
                (numeric - analytic).abs() <= 2e-3 * (1.0 + analytic.abs()),
                "row {r}, unit {j}: finite differences {numeric}, backward {analytic}"
            );
        }
    }
}

#[test]
fn forward_and_reverse_ais_bracket_the_exact_log_likelihood() {
    let decoder = decoder();
    let mut rng = StdRng::seed_from_u64(11);
    let (codes, x) = ais::simulate(&decoder, 40, &mut rng);
    let truth = exact(&decoder, x.view());
    let bracket = |steps: usize, rng: &mut StdRng| {
        let (lower, forward_acceptance) = ais::log_px(&decoder, x.view(), &settings(steps), rng);
        let (upper, _) = ais::log_px_upper(&decoder, x.view(), codes.view(), &settings(steps), rng);
        // The step sizes have time to settle near their target only on a long schedule.
        assert!(
            steps < 100 || (0.5..0.8).contains(&forward_acceptance),
            "{steps} steps: acceptance {forward_acceptance}"
        );
        eprintln!("{steps} steps: [{:.4}, {:.4}]", mean(&lower), mean(&upper));
        (mean(&lower), mean(&upper))
    };
    let exact = mean(&truth);
    eprintln!("exact: {exact:.4}");
    let (lower, upper) = bracket(300, &mut rng);
    // The page: "with 300 steps both land within 0.02 nats of it, one on each side".
    assert!(
        lower <= exact && exact <= upper && exact - lower < 0.02 && upper - exact < 0.02,
        "300 steps: {lower:.4} <= {exact:.4} <= {upper:.4} fails"
    );
    assert!(
        upper - lower < 0.05,
        "300 steps: the bracket [{lower:.4}, {upper:.4}] is still wide"
    );
    let (lower_short, upper_short) = bracket(3, &mut rng);
    assert!(
        upper_short - lower_short > 4.0 * (upper - lower).max(0.005),
        "3 steps: bracket [{lower_short:.4}, {upper_short:.4}] not wider than with 300"
    );
    assert!(lower_short < exact - 0.02 && upper_short > exact + 0.02);
}

#[test]
fn simulated_images_are_drawn_from_the_decoders_probabilities() {
    // With every logit pushed to +-20 the draws are the signs, so the images are known.
    let mut decoder = decoder();
    decoder.output.weight.fill(0.0);
    decoder.output.bias = ndarray::arr1(&[20.0, -20.0, 20.0, -20.0, 20.0, -20.0]);
    let (codes, x) = ais::simulate(&decoder, 3, &mut StdRng::seed_from_u64(1));
    assert_eq!(codes.dim(), (3, 2));
    for row in x.rows() {
        assert_eq!(row, ArrayView1::from(&[1.0, 0.0, 1.0, 0.0, 1.0, 0.0]));
    }
}
