//! Annealed importance sampling (Neal, 2001) for a decoder-based model, as Wu, Burda,
//! Salakhutdinov & Grosse (2017) use it: chains start at the prior `p(z)` and walk, by
//! Hamiltonian Monte Carlo, through the distributions `p_t(z) ∝ p(z) p(x | z)^beta_t` to the
//! posterior at `beta = 1`, collecting a log weight on the way whose exponential is an unbiased
//! estimate of `p(x)`. Run backwards from an exact posterior draw, which data simulated from the
//! model provides, the same walk estimates `1 / p(x)` without bias: the two bracket `log p(x)`
//! (bidirectional Monte Carlo, Grosse, Ghahramani & Adams, 2015).

use ch04_model::bernoulli::{bce_grad, bce_with_logit, sigmoid};
use ch04_model::decoder::Decoder;
use ch04_model::shape::VaeShape;
use ndarray::{Array2, ArrayView2, Zip};
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

/// How the chains anneal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AisSettings {
    /// Intermediate distributions between prior and posterior (`T`).
    pub steps: usize,
    /// Independent chains per image; the estimate averages their weights.
    pub chains: usize,
    /// Leapfrog steps of each Hamiltonian Monte Carlo move.
    pub leapfrog: usize,
    /// The leapfrog step size each chain starts with; each chain then tunes its own.
    pub step_size: f32,
}

impl Default for AisSettings {
    fn default() -> Self {
        AisSettings {
            steps: 2000,
            chains: 8,
            leapfrog: 5,
            step_size: 0.05,
        }
    }
}

/// The acceptance rate the step sizes are tuned towards (Wu et al.'s 0.65).
const TARGET_ACCEPTANCE: f64 = 0.65;
/// How fast a chain's log step size moves: up by `RATE * (1 - target)` after an accepted
/// move, down by `RATE * target` after a rejected one, so it settles where the rates balance.
const RATE: f64 = 0.05;

// ANCHOR: schedule
/// `beta_0 = 0 < beta_1 < ... < beta_T = 1`, spaced by a sigmoid (Grosse et al., 2015): dense
/// at both ends, where the distributions change fastest.
pub fn schedule(steps: usize) -> Vec<f64> {
    assert!(steps >= 1, "AIS needs at least one step");
    let sigma = |s: f64| 1.0 / (1.0 + (-s).exp());
    let scaled = |t: usize| sigma(-4.0 + 8.0 * t as f64 / steps as f64);
    let (first, last) = (scaled(0), scaled(steps));
    (0..=steps)
        .map(|t| (scaled(t) - first) / (last - first))
        .collect()
}
// ANCHOR_END: schedule

/// `log p(x | z)` of each row of `z` under the decoder, and its gradient in `z`, for a batch
/// whose row `r` belongs to image `images.row(r / chains)`. The gradient is chapter 4's
/// backward pass started from `dL/dlogits = x - sigmoid(logits)`, the cross-entropy's, negated.
pub struct Likelihood<'a> {
    decoder: &'a Decoder<f32>,
    x: Array2<f32>,
    h: Vec<Array2<f32>>,
    dh: Vec<Array2<f32>>,
    logits: Array2<f32>,
    dlogits: Array2<f32>,
    unused: Decoder<f32>,
}

impl<'a> Likelihood<'a> {
    /// `images` holds pixels in {0, 1}, one image per row; every image gets `chains` rows.
    pub fn new(decoder: &'a Decoder<f32>, images: ArrayView2<f32>, chains: usize) -> Self {
        let rows = images.nrows() * chains;
        let x = Array2::from_shape_fn((rows, images.ncols()), |(r, j)| images[[r / chains, j]]);
        let (width, latent) = (decoder.output.inputs(), decoder.hidden[0].inputs());
        let h: Vec<Array2<f32>> = decoder
            .hidden
            .iter()
            .map(|_| Array2::zeros((rows, width)))
            .collect();
        let shape = VaeShape {
            input: images.ncols(),
            hidden: width,
            latent,
            depth: decoder.hidden.len(),
            activation: decoder.activation,
        };
        Likelihood {
            decoder,
            dh: h.clone(),
            h,
            logits: Array2::zeros(x.raw_dim()),
            dlogits: Array2::zeros(x.raw_dim()),
            unused: Decoder::zeros(shape),
            x,
        }
    }

    /// `log p(x | z)` of each row, summed over the pixels in f64.
    pub fn value(&mut self, z: &Array2<f32>) -> Vec<f64> {
        self.decoder.forward(z, &mut self.h, &mut self.logits);
        self.last_value()
    }

    /// The gradient of each row's `log p(x | z)` in `z`, into `grad`.
    pub fn grad(&mut self, z: &Array2<f32>, grad: &mut Array2<f32>) {
        self.decoder.forward(z, &mut self.h, &mut self.logits);
        bce_grad(&self.logits, &self.x, &mut self.dlogits, false);
        self.dlogits.mapv_inplace(|d| -d);
        self.decoder.backward(
            z,
            &self.h,
            &self.dlogits,
            &mut self.dh,
            grad,
            &mut self.unused,
        );
    }

    /// `log p(x | z)` at the `z` of the last call to [`Likelihood::value`] or
    /// [`Likelihood::grad`]: a leapfrog step needs the gradient at every position but the
    /// value, whose logarithms cost as much, only at the last.
    fn last_value(&self) -> Vec<f64> {
        self.logits
            .rows()
            .into_iter()
            .zip(self.x.rows())
            .map(|(l, x)| {
                -l.iter()
                    .zip(x)
                    .map(|(&l, &x)| f64::from(bce_with_logit(l, x)))
                    .sum::<f64>()
            })
            .collect()
    }
}

/// What one annealing run returns, one entry per chain (row).
#[derive(Debug, Clone, PartialEq)]
pub struct Annealed {
    /// `sum_t (beta_t - beta_{t-1}) log p(x | z_{t-1})`, each chain's log weight.
    pub log_weights: Vec<f64>,
    /// Where each chain ended.
    pub z: Array2<f32>,
    /// The share of Hamiltonian moves accepted, over all chains and steps.
    pub acceptance: f64,
}

// ANCHOR: anneal
/// Walks the chains `z` (one per row) through the distributions
/// `p_t(z) ∝ N(z; 0, I) p(x | z)^beta_t` for `beta_t` in `betas`, in the order given: from
/// prior draws with `betas` rising, the log weights estimate `log p(x)`; from exact posterior
/// draws with `betas` falling, they estimate `-log p(x)`. Each step first adds
/// `(beta_t - beta_{t-1}) log p(x | z)` to the weight, then moves `z` by one Hamiltonian Monte
/// Carlo step that leaves `p_t` unchanged.
pub fn anneal(
    likelihood: &mut Likelihood,
    mut z: Array2<f32>,
    betas: &[f64],
    settings: &AisSettings,
    rng: &mut impl Rng,
) -> Annealed {
    let (rows, latent) = z.dim();
    let mut log_weights = vec![0.0; rows];
    let mut step_size = vec![settings.step_size; rows];
    let (mut grad, mut momentum) = (Array2::zeros((rows, latent)), Array2::zeros((rows, latent)));
    likelihood.grad(&z, &mut grad);
    let mut log_lik = likelihood.last_value();
    let (mut accepted, mut moves) = (0usize, 0usize);
    for pair in betas.windows(2) {
        let (previous, beta) = (pair[0], pair[1]);
        for (w, l) in log_weights.iter_mut().zip(&log_lik) {
            *w += (beta - previous) * l;
        }
        momentum.mapv_inplace(|_| StandardNormal.sample(rng));
        let energy = |z: &Array2<f32>, p: &Array2<f32>, log_lik: &[f64]| -> Vec<f64> {
            (0..rows)
                .map(|r| {
                    let half_square = |m: &Array2<f32>| {
                        0.5 * m.row(r).iter().map(|&v| f64::from(v * v)).sum::<f64>()
                    };
                    half_square(z) - beta * log_lik[r] + half_square(p)
                })
                .collect()
        };
        let before = energy(&z, &momentum, &log_lik);
        let (z_start, lik_start, grad_start) = (z.clone(), log_lik.clone(), grad.clone());
        let p = &mut momentum;
        // Leapfrog on U(z) = |z|^2 / 2 - beta log p(x | z): half a kick, then drifts and kicks.
        let kick = |p: &mut Array2<f32>, z: &Array2<f32>, g: &Array2<f32>, scale: f32| {
            for (r, mut p) in p.rows_mut().into_iter().enumerate() {
                let e = scale * step_size[r];
                Zip::from(&mut p)
                    .and(z.row(r))
                    .and(g.row(r))
                    .for_each(|p, &z, &g| *p -= e * (z - beta as f32 * g));
            }
        };
        kick(p, &z, &grad, 0.5);
        for l in 0..settings.leapfrog {
            for (r, mut z) in z.rows_mut().into_iter().enumerate() {
                z.scaled_add(step_size[r], &p.row(r));
            }
            likelihood.grad(&z, &mut grad);
            kick(
                p,
                &z,
                &grad,
                if l + 1 == settings.leapfrog { 0.5 } else { 1.0 },
            );
        }
        log_lik = likelihood.last_value();
        let after = energy(&z, p, &log_lik);
        for r in 0..rows {
            let accept = (rng.random::<f64>()).ln() < before[r] - after[r];
            moves += 1;
            if accept {
                accepted += 1;
                step_size[r] *= (RATE * (1.0 - TARGET_ACCEPTANCE)).exp() as f32;
            } else {
                z.row_mut(r).assign(&z_start.row(r));
                grad.row_mut(r).assign(&grad_start.row(r));
                log_lik[r] = lik_start[r];
                step_size[r] *= (-RATE * TARGET_ACCEPTANCE).exp() as f32;
            }
        }
    }
    Annealed {
        log_weights,
        z,
        acceptance: accepted as f64 / moves.max(1) as f64,
    }
}
// ANCHOR_END: anneal

/// Forward AIS for each row of `images` (pixels in {0, 1}): `settings.chains` chains per image
/// from prior draws; returns each image's estimate of `log p(x)`, the log of the mean weight,
/// and the acceptance rate.
pub fn log_px(
    decoder: &Decoder<f32>,
    images: ArrayView2<f32>,
    settings: &AisSettings,
    rng: &mut impl Rng,
) -> (Vec<f64>, f64) {
    let latent = decoder.hidden[0].inputs();
    let z = Array2::from_shape_simple_fn((images.nrows() * settings.chains, latent), || {
        StandardNormal.sample(rng)
    });
    let mut likelihood = Likelihood::new(decoder, images, settings.chains);
    let run = anneal(&mut likelihood, z, &schedule(settings.steps), settings, rng);
    (per_image(&run.log_weights, settings.chains), run.acceptance)
}

/// Reverse AIS for images simulated from the model: each image's chains start at the code that
/// made it, an exact draw from its posterior, and anneal back to the prior; returns each
/// image's stochastic upper bound on `log p(x)`, minus the log of the mean reverse weight.
pub fn log_px_upper(
    decoder: &Decoder<f32>,
    images: ArrayView2<f32>,
    codes: ArrayView2<f32>,
    settings: &AisSettings,
    rng: &mut impl Rng,
) -> (Vec<f64>, f64) {
    let c = settings.chains;
    let z = Array2::from_shape_fn((codes.nrows() * c, codes.ncols()), |(r, j)| {
        codes[[r / c, j]]
    });
    let mut likelihood = Likelihood::new(decoder, images, c);
    let mut betas = schedule(settings.steps);
    betas.reverse();
    let run = anneal(&mut likelihood, z, &betas, settings, rng);
    let upper = per_image(&run.log_weights, c)
        .into_iter()
        .map(|w| -w)
        .collect();
    (upper, run.acceptance)
}

/// The log of the mean weight of each image's `chains` consecutive rows.
fn per_image(log_weights: &[f64], chains: usize) -> Vec<f64> {
    log_weights
        .chunks(chains)
        .map(ch06_experiments::estimator::log_mean_exp)
        .collect()
}

/// Data the model itself makes: codes `z ~ N(0, I)`, and images whose pixels are drawn from the
/// decoder's Bernoulli probabilities. Returns (codes, images with pixels in {0, 1}).
pub fn simulate(
    decoder: &Decoder<f32>,
    n: usize,
    rng: &mut impl Rng,
) -> (Array2<f32>, Array2<f32>) {
    let latent = decoder.hidden[0].inputs();
    let z = Array2::from_shape_simple_fn((n, latent), || StandardNormal.sample(rng));
    let mut h: Vec<Array2<f32>> = decoder
        .hidden
        .iter()
        .map(|_| Array2::zeros((n, decoder.output.inputs())))
        .collect();
    let mut logits = Array2::zeros((n, decoder.output.outputs()));
    decoder.forward(&z, &mut h, &mut logits);
    let x = logits.mapv(|l| f32::from(rng.random::<f32>() < sigmoid(l)));
    (z, x)
}
