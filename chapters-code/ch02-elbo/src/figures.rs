//! The chapter's pictures, as [`Chart`]s ready to save.

use support::plot::{Chart, LegendPosition, Marker, PALETTE, PointGroup, Series};

use crate::bound::{PathPoint, Scored};
use crate::modes::{ModesReport, TwoModes};

/// The ELBO and its two terms as `q` moves from the prior (`t = 0`) to the posterior
/// (`t = 1`), under the flat line of `log p(x)`.
pub fn path_chart(path: &[PathPoint], log_px: f64) -> Chart {
    let line = |f: &dyn Fn(&PathPoint) -> f64| path.iter().map(|p| (p.t, f(p))).collect();
    let ends = vec![(0.0, log_px), (1.0, log_px)];
    Chart::new(
        "ELBO as q moves from the prior to the posterior",
        "t  (0: q is the prior, 1: q is the posterior)",
        "nats",
    )
    .size(560, 400)
    .legend(LegendPosition::LowerRight)
    .with_line(
        Series::new("log p(x), exact", ends)
            .color(PALETTE[7])
            .stroke(2, true),
    )
    .with_line(Series::new("ELBO", line(&|p| p.scored.terms.elbo())).color(PALETTE[0]))
    .with_line(
        Series::new("E_q[log p(x|z)]", line(&|p| p.scored.terms.reconstruction))
            .color(PALETTE[2])
            .stroke(1, false),
    )
    .with_line(
        Series::new("-KL(q || p(z))", line(&|p| -p.scored.terms.kl))
            .color(PALETTE[1])
            .stroke(1, false),
    )
}

/// Each random `q`'s gap `log p(x) - ELBO(q)` against `KL(q || p(z|x))`, both on log10
/// scales: every point on the diagonal.
pub fn gap_chart(scored: &[Scored], log_px: f64) -> Chart {
    let points: Vec<(f64, f64)> = scored
        .iter()
        .map(|s| (s.kl_to_posterior.log10(), (log_px - s.terms.elbo()).log10()))
        .collect();
    let (lo, hi) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &(x, y)| {
            (lo.min(x).min(y), hi.max(x).max(y))
        });
    Chart::new(
        "The gap is the KL to the posterior",
        "log\u{2081}\u{2080} KL(q || p(z|x))",
        "log\u{2081}\u{2080} (log p(x) - ELBO)",
    )
    .size(460, 420)
    .legend(LegendPosition::UpperLeft)
    .with_line(
        Series::new("gap = KL", vec![(lo, lo), (hi, hi)])
            .color(PALETTE[7])
            .stroke(1, true),
    )
    .with_points(
        PointGroup::new("random q", points)
            .color(PALETTE[0])
            .marker(Marker::Ring, 3),
    )
}

/// The two-mode target's density and the two Gaussians fitted to it, one per direction of
/// the KL divergence, on `[-6, 6]`.
pub fn modes_chart(target: &TwoModes, report: &ModesReport) -> Chart {
    let xs: Vec<f64> = (0..=600)
        .map(|i| -6.0 + 12.0 * f64::from(i) / 600.0)
        .collect();
    let curve = |log_density: &dyn Fn(f64) -> f64| -> Vec<(f64, f64)> {
        xs.iter().map(|&x| (x, log_density(x).exp())).collect()
    };
    let fit = |f: crate::modes::Fit| move |x: f64| f.log_density(x);
    Chart::new("One Gaussian fitted to two modes", "z", "density")
        .size(560, 380)
        .legend(LegendPosition::UpperLeft)
        .ranges((-6.0, 6.0), (0.0, 0.9))
        .with_line(
            Series::new("target p", curve(&|x| target.log_density(x)))
                .color(PALETTE[7])
                .stroke(2, false),
        )
        .with_line(
            Series::new(
                "q minimising KL(p || q): covers",
                curve(&fit(report.covering)),
            )
            .color(PALETTE[0])
            .stroke(2, false),
        )
        .with_line(
            Series::new(
                "q minimising KL(q || p): seeks",
                curve(&fit(report.seeking)),
            )
            .color(PALETTE[1])
            .stroke(2, true),
        )
}
