//! The naive Monte Carlo estimate of the evidence: `p(x) ≈ (1/N) Σ p(x | z_n)` with every
//! `z_n` drawn from the prior. Unbiased, and hopeless once `x` pins `z` down to a region the
//! prior almost never visits.

use ndarray::{Array1, ArrayView1};
use rand::Rng;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::StandardNormal;

use crate::latent::LinearGaussian;
use crate::log_space::LogSumExp;

/// The noise `s` of every model in the chapter: each coordinate of `x` is signal of variance
/// about 1 plus noise of variance `s² = 0.25`.
pub const NOISE_STD: f64 = 0.5;

/// The `purpose` of the repeats' streams (the models themselves are drawn from
/// `StdRng::seed_from_u64(seed)`, seeded another way).
const REPEATS_PURPOSE: u64 = 1;

/// The largest number of prior draws in the error table.
pub const DEFAULT_MAX_DRAWS: usize = 1_000_000;

/// Runs of the estimator behind each entry of the error table.
pub const DEFAULT_REPEATS: usize = 20;

/// The latent dimension of the error table's models.
pub const TABLE_LATENT_DIM: usize = 2;

/// The data dimensions of the error table's columns.
pub const TABLE_DATA_DIMS: [usize; 3] = [1, 16, 784];

/// The latent dimensions of the cost table's columns.
pub const COST_LATENT_DIMS: [usize; 3] = [2, 5, 20];

/// The data dimensions of the cost table's rows; 784 is the number of pixels of an MNIST digit.
pub const COST_DATA_DIMS: [usize; 10] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 784];

/// Data points the cost table averages over.
pub const COST_POINTS: usize = 20;

/// The latent dimension of the chapter 5 VAE.
pub const IMAGE_LATENT_DIM: usize = 20;

/// The number of pixels of an MNIST digit.
pub const IMAGE_DATA_DIM: usize = 784;

// ANCHOR: naive_estimate
/// The naive estimates of `log p(x)` after the first `counts[i]` draws `z_n ~ N(0, I_k)`:
/// `log((1/N) Σ_n p(x | z_n))`, summed in log space (`p(x | z)` underflows in high dimension).
///
/// # Panics
/// If the counts are not at least 1 and increasing.
pub fn naive_log_evidence<R: Rng + ?Sized>(
    log_likelihood: impl Fn(ArrayView1<f64>) -> f64,
    latent_dim: usize,
    counts: &[usize],
    rng: &mut R,
) -> Vec<f64> {
    check_counts(counts);
    let mut z = Array1::<f64>::zeros(latent_dim);
    let mut sum = LogSumExp::new();
    let mut drawn = 0;
    let mut estimates = Vec::with_capacity(counts.len());
    for &n in counts {
        while drawn < n {
            z.iter_mut().for_each(|v| *v = rng.sample(StandardNormal));
            sum.add(log_likelihood(z.view()));
            drawn += 1;
        }
        estimates.push(sum.value() - (n as f64).ln());
    }
    estimates
}
// ANCHOR_END: naive_estimate

fn check_counts(counts: &[usize]) {
    assert!(
        positive_and_increasing(counts),
        "sample counts must be at least 1 and increasing, got {counts:?}"
    );
}

fn check_dims(dims: &[usize]) {
    assert!(
        positive_and_increasing(dims),
        "data dimensions must be at least 1 and increasing, got {dims:?}"
    );
}

fn positive_and_increasing(values: &[usize]) -> bool {
    !values.is_empty() && values[0] > 0 && values.windows(2).all(|w| w[0] < w[1])
}

/// How far the naive estimate is from the truth after `samples` draws, over many repeats.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorAtCount {
    /// N, the number of prior draws behind each estimate.
    pub samples: usize,
    /// Root mean square over the repeats of `p̂(x)/p(x) - 1`.
    pub rms_relative_error: f64,
    /// What theory says that should be: `sqrt(relative variance of one term / N)`.
    pub predicted_relative_error: f64,
    /// Mean over the repeats of `p̂(x)/p(x)`; about 1, since the estimator is unbiased.
    pub mean_ratio: f64,
    /// Median over the repeats of `log10(p̂(x)/p(x))`: the typical estimate's error in
    /// orders of magnitude.
    pub median_log10_ratio: f64,
}

/// Runs [`naive_log_evidence`] `repeats` times on `x` and compares each estimate with the
/// exact `log p(x)`, at every count in `counts`. Repeat `r` draws from its own stream of
/// `seed` ([`support::seeds::stream`]), so a row does not depend on how many repeats ran, and
/// no repeat of one seed replays a repeat of another.
///
/// # Panics
/// If the counts are not at least 1 and increasing, or `repeats` is 0.
pub fn relative_error_study(
    model: &LinearGaussian,
    x: ArrayView1<f64>,
    counts: &[usize],
    repeats: usize,
    seed: u64,
) -> Vec<ErrorAtCount> {
    check_counts(counts);
    assert!(repeats > 0, "at least one repeat is needed");
    let exact = model.marginal().log_density(x);
    let relative_variance = model.naive_variance().relative_variance(x);
    let likelihood = model.likelihood_of_z(x);
    // log(p̂/p) for each repeat (rows) and count (columns).
    let log_ratios: Vec<Vec<f64>> = (0..repeats)
        .map(|r| {
            let mut rng = support::seeds::stream(seed, REPEATS_PURPOSE, r as u64, *b"naive-mc");
            let estimates =
                naive_log_evidence(|z| likelihood.eval(z), model.latent_dim(), counts, &mut rng);
            estimates.into_iter().map(|e| e - exact).collect()
        })
        .collect();

    counts
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            let mut column: Vec<f64> = log_ratios.iter().map(|row| row[i]).collect();
            let ratios = column.iter().map(|l| l.exp());
            let mean_square = ratios.clone().map(|q| (q - 1.0) * (q - 1.0)).sum::<f64>();
            let mean_ratio = ratios.sum::<f64>() / repeats as f64;
            column.sort_by(f64::total_cmp);
            ErrorAtCount {
                samples: n,
                rms_relative_error: (mean_square / repeats as f64).sqrt(),
                predicted_relative_error: (relative_variance / n as f64).sqrt(),
                mean_ratio,
                median_log10_ratio: median(&column) / std::f64::consts::LN_10,
            }
        })
        .collect()
}

fn median(sorted: &[f64]) -> f64 {
    let m = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[m]
    } else {
        0.5 * (sorted[m - 1] + sorted[m])
    }
}

/// One column of the error table: a model and how the naive estimate fares on it.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorColumn {
    /// D, the dimension of `x`.
    pub data_dim: usize,
    /// k, the dimension of `z`.
    pub latent_dim: usize,
    /// The error at each sample count.
    pub rows: Vec<ErrorAtCount>,
}

/// [`relative_error_study`] on nested models of growing data dimension: one random model of
/// latent dimension `latent_dim` and noise `noise_std`, one data point `x` drawn from it, and
/// for each `D` in `data_dims` the model and point restricted to their first `D` coordinates.
///
/// # Panics
/// If the dimensions or the counts are not at least 1 and increasing, or `repeats` is 0.
pub fn error_table(
    latent_dim: usize,
    data_dims: &[usize],
    noise_std: f64,
    counts: &[usize],
    repeats: usize,
    seed: u64,
) -> Vec<ErrorColumn> {
    check_dims(data_dims);
    let mut rng = StdRng::seed_from_u64(seed);
    let largest = *data_dims.last().expect("checked non-empty");
    let full = LinearGaussian::random(latent_dim, largest, noise_std, &mut rng);
    let (_, x) = full.sample(&mut rng);
    data_dims
        .iter()
        .map(|&d| {
            let model = full.first_coordinates(d);
            let x = x.slice(ndarray::s![..d]);
            // The repeats have streams of their own, so each column is reproducible alone.
            let rows = relative_error_study(&model, x, counts, repeats, seed);
            ErrorColumn {
                data_dim: d,
                latent_dim,
                rows,
            }
        })
        .collect()
}

// ANCHOR: samples_needed
/// `log10` of the number of prior draws that bring the naive estimate's relative standard
/// error down to `relative_error`, from `log(E[p(x|z)²] / p(x)²)`: `N = (ratio - 1) / error²`.
pub fn log10_samples_needed(log_second_moment_ratio: f64, relative_error: f64) -> f64 {
    let l = log_second_moment_ratio;
    // ratio - 1 = exp(l) - 1; beyond l = 30 it is exp(l) to 13 digits, whose log10 is l/ln 10.
    let log10_variance = if l > 30.0 {
        l / std::f64::consts::LN_10
    } else {
        l.exp_m1().log10()
    };
    log10_variance - 2.0 * relative_error.log10()
}
// ANCHOR_END: samples_needed

/// How many prior draws the naive estimator needs as the data dimension grows.
#[derive(Debug, Clone, PartialEq)]
pub struct CostAtDimension {
    /// D, the dimension of `x`.
    pub data_dim: usize,
    /// log10 of the draws needed for a 10% relative error, averaged over the data points.
    pub log10_samples_for_10_percent: f64,
}

/// For each `D` in `data_dims`: a model with latent dimension `latent_dim` and noise `noise_std`
/// on `D` coordinates of `x`, and the draws the naive estimator needs for a 10% relative error,
/// averaged (in log10) over `points` data points drawn from the model.
///
/// The models are nested: each uses the first `D` rows of one `W` and the first `D` coordinates
/// of the same data points, so that a row differs from the previous one only by the extra
/// coordinates of `x` the latent variable must now explain.
///
/// # Panics
/// If the dimensions are not at least 1 and increasing, or `points` is 0.
pub fn cost_by_dimension(
    latent_dim: usize,
    data_dims: &[usize],
    noise_std: f64,
    points: usize,
    seed: u64,
) -> Vec<CostAtDimension> {
    check_dims(data_dims);
    assert!(points > 0, "at least one data point is needed");
    let mut rng = StdRng::seed_from_u64(seed);
    let largest = *data_dims.last().expect("checked non-empty");
    let full = LinearGaussian::random(latent_dim, largest, noise_std, &mut rng);
    let xs: Vec<Array1<f64>> = (0..points).map(|_| full.sample(&mut rng).1).collect();
    data_dims
        .iter()
        .map(|&d| {
            let variance = full.first_coordinates(d).naive_variance();
            let total: f64 = xs
                .iter()
                .map(|x| {
                    let ratio = variance.log_second_moment_ratio(x.slice(ndarray::s![..d]));
                    log10_samples_needed(ratio, 0.1)
                })
                .sum();
            CostAtDimension {
                data_dim: d,
                log10_samples_for_10_percent: total / points as f64,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_dimensions_must_be_positive_and_increasing() {
        assert!(positive_and_increasing(&[1, 10, 100]));
        for bad in [&[][..], &[0, 10], &[10, 10], &[100, 10]] {
            assert!(!positive_and_increasing(bad), "{bad:?}");
        }
    }

    #[test]
    #[should_panic(expected = "sample counts must be at least 1 and increasing, got [10, 10]")]
    fn repeated_counts_are_a_bug() {
        let _ = naive_log_evidence(|_| 0.0, 1, &[10, 10], &mut StdRng::seed_from_u64(0));
    }

    #[test]
    #[should_panic(expected = "data dimensions must be at least 1 and increasing, got [4, 2]")]
    fn decreasing_dimensions_are_a_bug() {
        let _ = cost_by_dimension(2, &[4, 2], 0.5, 3, 0);
    }

    #[test]
    #[should_panic(expected = "data dimensions must be at least 1 and increasing, got [0]")]
    fn a_zero_dimension_is_a_bug() {
        let _ = error_table(2, &[0], 0.5, &[10], 1, 0);
    }

    #[test]
    #[should_panic(expected = "at least one repeat is needed")]
    fn zero_repeats_are_a_bug() {
        let _ = error_table(2, &[3], 0.5, &[10], 0, 0);
    }

    #[test]
    fn a_constant_likelihood_is_estimated_exactly() {
        // If p(x|z) = c for every z, every estimate is exactly log c.
        let mut rng = StdRng::seed_from_u64(0);
        let est = naive_log_evidence(|_| -3.0, 2, &[1, 10, 1000], &mut rng);
        for e in est {
            assert!((e + 3.0).abs() < 1e-12);
        }
    }

    #[test]
    fn samples_needed_follows_the_variance_formula() {
        // ratio = 1 + 4: relative variance 4, so N = 4 / 0.1² = 400.
        assert!((log10_samples_needed(5f64.ln(), 0.1) - 400f64.log10()).abs() < 1e-12);
        // Far beyond f64's range the formula still gives a finite log10.
        assert!(
            (log10_samples_needed(2000.0, 0.1) - (2000.0 / std::f64::consts::LN_10 + 2.0)).abs()
                < 1e-9
        );
    }
}
