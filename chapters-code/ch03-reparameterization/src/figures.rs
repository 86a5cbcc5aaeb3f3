//! The chapter's two pictures, drawn with chapter 1's [`plot`](support::plot)
//! module.

use rand::Rng;
use rand_distr::StandardNormal;
use support::plot::{Chart, LegendPosition, PALETTE, PointGroup, Series};

use crate::comparison::TABLE_Q;
use crate::dimension::{self, DimRow};
use crate::error::{Error, at_least};
use crate::estimators::{Estimator, Gaussian};
use crate::histogram::Histogram;
use crate::test_functions::TestFunction;

/// The histograms' range and bins: wide enough for all but the score function's long tail.
const HISTOGRAM_RANGE: (f64, f64) = (-8.0, 16.0);
const HISTOGRAM_BINS: usize = 96;

/// Histograms of the two estimators' single-sample estimates of d/dmu E[z^2] at `z ~ N(1, 1)`,
/// from `samples` draws, with the exact value 2 marked. Returns the chart and, per
/// estimator (pathwise, score function), the fraction of estimates outside the drawn range.
pub fn estimator_histograms(
    samples: usize,
    rng: &mut impl Rng,
) -> Result<(Chart, [f64; 2]), Error> {
    at_least("the number of samples", samples, 1)?;
    let (f, q) = (TestFunction::Square, TABLE_Q);
    let (lo, hi) = HISTOGRAM_RANGE;
    let mut hists = [
        Histogram::new(lo, hi, HISTOGRAM_BINS)?,
        Histogram::new(lo, hi, HISTOGRAM_BINS)?,
    ];
    for _ in 0..samples {
        let eps: f64 = rng.sample(StandardNormal);
        hists[0].push(Estimator::Pathwise.estimate(&f, q, eps).mu);
        hists[1].push(Estimator::SCORE_FUNCTION.estimate(&f, q, eps).mu);
    }
    let top = hists
        .iter()
        .flat_map(|h| h.density_outline())
        .map(|p| p.1)
        .fold(0.0, f64::max);
    let exact = f.exact_gradient(q).mu;
    let chart = Chart::new(
        "One-sample estimates of d/dmu E[z^2], z ~ N(1, 1)",
        "estimate",
        "density",
    )
    .ranges((lo, hi), (0.0, 1.1 * top))
    .with_line(Series::new("pathwise: 2z", hists[0].density_outline()).color(PALETTE[0]))
    .with_line(Series::new("score function: z^2 eps", hists[1].density_outline()).color(PALETTE[1]))
    .with_line(
        Series::new("exact gradient", vec![(exact, 0.0), (exact, 1.1 * top)])
            .color(PALETTE[7])
            .stroke(1, true),
    );
    Ok((
        chart,
        [hists[0].fraction_outside(), hists[1].fraction_outside()],
    ))
}

/// The variance of the `mu_1` estimates against the dimension, both on log scales: the exact
/// curves as lines, the simulated `rows` as markers.
pub fn variance_by_dimension(rows: &[DimRow], q: Gaussian) -> Chart {
    let max_dim = rows.iter().map(|r| r.dim).max().unwrap_or(1).max(10);
    // 20 points per factor of ten, rounded to whole dimensions.
    let steps = (20.0 * (max_dim as f64).log10()).ceil() as usize;
    let dims: Vec<usize> = (0..=steps)
        .map(|i| (10f64.powf(i as f64 / 20.0)).round() as usize)
        .map(|d| d.min(max_dim))
        .collect();
    let curve = |pick: fn(&dimension::Variances) -> f64| -> Vec<(f64, f64)> {
        dims.iter()
            .map(|&d| {
                let v = dimension::exact_variances(d, q);
                ((d as f64).log10(), pick(&v).log10())
            })
            .collect()
    };
    let markers = |pick: fn(&DimRow) -> f64| -> Vec<(f64, f64)> {
        rows.iter()
            .map(|r| ((r.dim as f64).log10(), pick(r).log10()))
            .collect()
    };
    Chart::new(
        "Variance of one estimate of d/dmu_1, f = |z|^2 / 2",
        "log10 of the latent dimension k",
        "log10 of the variance",
    )
    .legend(LegendPosition::UpperLeft)
    .with_line(Series::new("score function", curve(|v| v.score)).color(PALETTE[1]))
    .with_line(Series::new("score + baseline", curve(|v| v.score_baseline)).color(PALETTE[2]))
    .with_line(Series::new("pathwise", curve(|v| v.pathwise)).color(PALETTE[0]))
    .with_points(PointGroup::new("", markers(|r| r.score.variance())).color(PALETTE[1]))
    .with_points(PointGroup::new("", markers(|r| r.score_baseline.variance())).color(PALETTE[2]))
    .with_points(PointGroup::new("simulated", markers(|r| r.pathwise.variance())).color(PALETTE[0]))
}
