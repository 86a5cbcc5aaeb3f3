//! Amortised inference on the test bench: one encoder `q(z | x) = N(A x + c, S)` for every
//! `x`, trained by gradient ascent on the average ELBO, against the best `q` found separately
//! for each point. On this model the posterior mean is linear in `x` and the posterior
//! covariance is the same for every `x`, so a linear encoder loses nothing.

use ch01_generative_models::gaussian::Gaussian;
use ch01_generative_models::latent::LinearGaussian;
use ndarray::{Array1, Array2, ArrayView1, Axis};

use crate::elbo::elbo;

/// Training points for the encoder.
pub const TRAIN_POINTS: usize = 500;
/// Held-out points the encoder is scored on.
pub const TEST_POINTS: usize = 500;
/// Gradient steps.
pub const DEFAULT_STEPS: usize = 4000;

/// What the encoder may output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Mean `A x + c`, any covariance `S = L Lᵀ`.
    Full,
    /// Mean `A x + c`, a diagonal covariance: what a VAE's encoder outputs.
    Diagonal,
    /// Mean `c` and covariance `S` whatever `x` is: an encoder that ignores its input.
    Constant,
}

impl Family {
    /// A short name for tables.
    pub fn name(self) -> &'static str {
        match self {
            Family::Full => "full covariance",
            Family::Diagonal => "diagonal covariance",
            Family::Constant => "ignores x",
        }
    }
}

/// A linear Gaussian encoder: `q(z | x) = N(A x + c, L Lᵀ)`, `L` lower triangular with
/// diagonal `exp(log_diag)`.
#[derive(Debug, Clone)]
pub struct Encoder {
    /// What the encoder may output.
    pub family: Family,
    /// `A` (k x D).
    pub a: Array2<f64>,
    /// `c` (k).
    pub c: Array1<f64>,
    /// The entries of `L` below its diagonal (the diagonal entries are unused).
    pub l_lower: Array2<f64>,
    /// The logs of `L`'s diagonal.
    pub log_diag: Array1<f64>,
}

impl Encoder {
    /// The encoder that outputs the prior `N(0, I)` for every `x`.
    pub fn new(family: Family, latent_dim: usize, data_dim: usize) -> Self {
        Self {
            family,
            a: Array2::zeros((latent_dim, data_dim)),
            c: Array1::zeros(latent_dim),
            l_lower: Array2::zeros((latent_dim, latent_dim)),
            log_diag: Array1::zeros(latent_dim),
        }
    }

    /// `L`, lower triangular.
    pub fn l(&self) -> Array2<f64> {
        let k = self.c.len();
        Array2::from_shape_fn((k, k), |(i, j)| match i.cmp(&j) {
            std::cmp::Ordering::Equal => self.log_diag[i].exp(),
            std::cmp::Ordering::Greater => self.l_lower[[i, j]],
            std::cmp::Ordering::Less => 0.0,
        })
    }

    /// `q(z | x)`.
    pub fn encode(&self, x: ArrayView1<f64>) -> Gaussian {
        let l = self.l();
        // L has a positive diagonal, so L Lᵀ is positive definite.
        Gaussian::new(self.a.dot(&x) + &self.c, l.dot(&l.t()))
    }
}

// ANCHOR: gradient
/// One step of gradient ascent on the average ELBO over the `n` rows `x_i` of `xs`, with step
/// `lr` for `A` and `c` and `lr_cov` for the Cholesky factor `L` of `S = L Lᵀ`.
///
/// For one point, with `m = A x + c` and the precision `P = I + WᵀW / s²` (the closed form of
/// `elbo::elbo`, expanded):
///
/// ```text
/// ELBO          = log p(x | z = m) - tr(P S)/2 + log det(S)/2 - mᵀm/2 + k/2
/// dELBO/dm      = Wᵀ(x - b - W m) / s² - m
/// d(mean)/dA    = (1/n) Σ_i (dELBO_i/dm_i) x_iᵀ        (row i of `grad_m` is dELBO_i/dm_i)
/// d(mean)/dc    = (1/n) Σ_i dELBO_i/dm_i
/// dELBO/dL      = -P L + diag(1/L_11, ..., 1/L_kk)     (the same for every point)
/// dELBO/dlog L_jj = L_jj (dELBO/dL)_jj = 1 - (P L)_jj L_jj
/// ```
///
/// restricted to the entries `L` may use in the encoder's family.
pub fn ascent_step(
    encoder: &mut Encoder,
    model: &LinearGaussian,
    b: ArrayView1<f64>,
    xs: &Array2<f64>,
    lr: f64,
    lr_cov: f64,
) {
    let (w, s2) = (model.w(), model.noise_std() * model.noise_std());
    let n = xs.nrows() as f64;
    // Row i of `means` is m_i = A x_i + c; row i of `grad_m` is dELBO_i/dm_i.
    let means = xs.dot(&encoder.a.t()) + &encoder.c;
    let residuals = xs - &b - &means.dot(&w.t());
    let grad_m = residuals.dot(w) / s2 - &means;
    if encoder.family != Family::Constant {
        encoder.a.scaled_add(lr / n, &grad_m.t().dot(xs));
    }
    encoder
        .c
        .scaled_add(lr, &grad_m.mean_axis(Axis(0)).expect("n > 0"));

    let k = encoder.c.len();
    let mut precision = w.t().dot(w) / s2;
    precision.diag_mut().iter_mut().for_each(|p| *p += 1.0);
    let l = encoder.l();
    let grad_l = -precision.dot(&l);
    for i in 0..k {
        // d/d(log L_ii) = L_ii * d/dL_ii, and d(log det S / 2)/dL_ii = 1 / L_ii.
        encoder.log_diag[i] += lr_cov * (grad_l[[i, i]] * l[[i, i]] + 1.0);
        if encoder.family != Family::Diagonal {
            for j in 0..i {
                encoder.l_lower[[i, j]] += lr_cov * grad_l[[i, j]];
            }
        }
    }
}
// ANCHOR_END: gradient

/// The average of `log p(x) - ELBO(q(z | x))` over the rows of `xs`: how much the encoder
/// loses against the exact evidence.
pub fn mean_gap(encoder: &Encoder, model: &LinearGaussian, xs: &Array2<f64>) -> f64 {
    let marginal = model.marginal();
    let total: f64 = xs
        .rows()
        .into_iter()
        .map(|x| marginal.log_density(x) - elbo(model, x, &encoder.encode(x)).elbo())
        .sum();
    total / xs.nrows() as f64
}

/// The average gap of the best `q` found for each point separately within `family`. For the
/// full family this is the posterior itself (gap 0). For the diagonal family the best `q` has
/// the posterior mean and variances `1 / P_jj`, a gap of `(sum_j log P_jj - log det P) / 2`
/// for every `x`. (The constant family has no per-point version.)
pub fn per_point_gap(family: Family, model: &LinearGaussian, xs: &Array2<f64>) -> f64 {
    let marginal = model.marginal();
    let total: f64 = xs
        .rows()
        .into_iter()
        .map(|x| {
            let posterior = model.posterior(x);
            let q = match family {
                Family::Full | Family::Constant => posterior,
                Family::Diagonal => {
                    let precision_diag = posterior_precision(model).diag().mapv(|p| 1.0 / p);
                    // Positive variances make a positive definite covariance.
                    Gaussian::new(
                        posterior.mean().to_owned(),
                        Array2::from_diag(&precision_diag),
                    )
                }
            };
            marginal.log_density(x) - elbo(model, x, &q).elbo()
        })
        .sum();
    total / xs.nrows() as f64
}

/// `P = I + WᵀW / s²`, the posterior precision, the same for every `x`.
pub fn posterior_precision(model: &LinearGaussian) -> Array2<f64> {
    let s2 = model.noise_std() * model.noise_std();
    let mut p = model.w().t().dot(model.w()) / s2;
    p.diag_mut().iter_mut().for_each(|v| *v += 1.0);
    p
}

/// `A* = P⁻¹ Wᵀ / s²`: the exact posterior mean is `A* (x - b)`.
pub fn exact_map(model: &LinearGaussian) -> Array2<f64> {
    let s2 = model.noise_std() * model.noise_std();
    let p = posterior_precision(model);
    let chol = ch01_generative_models::linalg::cholesky(p.view()).expect("P is positive definite");
    ch01_generative_models::linalg::inverse_from_cholesky(chol.view()).dot(&model.w().t()) / s2
}

/// One encoder family trained and scored.
#[derive(Debug, Clone)]
pub struct FamilyResult {
    /// The trained encoder.
    pub encoder: Encoder,
    /// Its average gap on the training points.
    pub train_gap: f64,
    /// Its average gap on the held-out points: the inference gap for new data.
    pub test_gap: f64,
    /// The per-point optimum's average gap on the held-out points (`None` for [`Family::Constant`]).
    pub per_point_test_gap: Option<f64>,
}

/// Trains an encoder of `family` for `steps` steps on `train` and scores it on `test`.
pub fn train_and_score(
    family: Family,
    model: &LinearGaussian,
    train: &Array2<f64>,
    test: &Array2<f64>,
    steps: usize,
) -> FamilyResult {
    let b = model.marginal().mean().to_owned(); // the mean of x is b
    let mut encoder = Encoder::new(family, model.latent_dim(), model.data_dim());
    let (lr, lr_cov) = step_sizes(model, train);
    for _ in 0..steps {
        ascent_step(&mut encoder, model, b.view(), train, lr, lr_cov);
    }
    FamilyResult {
        train_gap: mean_gap(&encoder, model, train),
        test_gap: mean_gap(&encoder, model, test),
        per_point_test_gap: (family != Family::Constant)
            .then(|| per_point_gap(family, model, test)),
        encoder,
    }
}

/// Safe step sizes: one over a bound on the curvature, so that no step overshoots. The
/// average ELBO is a concave quadratic in `(A, c)` whose curvature is at most
/// `tr(P) * (1 + mean |x|²)`; in `L`, the curvature is at most `tr(P)` from `S = I` inward.
pub fn step_sizes(model: &LinearGaussian, xs: &Array2<f64>) -> (f64, f64) {
    let trace_p = posterior_precision(model).diag().sum();
    let second_moment = 1.0 + xs.iter().map(|v| v * v).sum::<f64>() / xs.nrows() as f64;
    (1.0 / (trace_p * second_moment), 1.0 / trace_p)
}

/// `n` points drawn from the model, one per row.
pub fn draw_points<R: rand::Rng + ?Sized>(
    model: &LinearGaussian,
    n: usize,
    rng: &mut R,
) -> Array2<f64> {
    let mut xs = Array2::zeros((n, model.data_dim()));
    for mut row in xs.rows_mut() {
        row.assign(&model.sample(rng).1);
    }
    xs
}

/// The three families trained on [`TRAIN_POINTS`] fresh points from the model and scored on
/// [`TEST_POINTS`] others.
pub fn study<R: rand::Rng + ?Sized>(
    model: &LinearGaussian,
    steps: usize,
    rng: &mut R,
) -> Vec<FamilyResult> {
    let train = draw_points(model, TRAIN_POINTS, rng);
    let test = draw_points(model, TEST_POINTS, rng);
    [Family::Full, Family::Diagonal, Family::Constant]
        .into_iter()
        .map(|family| train_and_score(family, model, &train, &test, steps))
        .collect()
}
