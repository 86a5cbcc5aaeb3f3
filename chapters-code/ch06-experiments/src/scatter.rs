//! Where the encoder puts the test digits: the posterior means of the 2-D model, one dot per
//! image, coloured by its label (which the model never saw).

use ndarray::ArrayView2;
use support::plot::{Chart, LegendPosition, Marker, PALETTE, PointGroup, Series};

use crate::quantiles::{HIGHEST, LOWEST, normal_quantiles};

/// The chart's size in pixels.
pub const WIDTH: u32 = 640;
pub const HEIGHT: u32 = 600;

// ANCHOR: chart
/// A scatter plot of the rows of `means` (2 columns), one colour and legend entry per label,
/// with the square the manifold picture covers drawn dashed.
pub fn chart(means: ArrayView2<f32>, labels: &[u8], names: &[&str; 10]) -> Chart {
    assert_eq!(means.ncols(), 2, "the scatter needs a 2-D latent space");
    assert_eq!(means.nrows(), labels.len());
    let mut chart = Chart::new(
        "Test digits in latent space: posterior means by label",
        "z\u{2081}",
        "z\u{2082}",
    )
    .size(WIDTH, HEIGHT)
    .legend(LegendPosition::UpperRight);
    if let Some((x, y)) = ranges(means) {
        chart = chart.ranges(x, y);
    }
    let q = normal_quantiles(2);
    let (lo, hi) = (q[0], q[1]);
    let square = vec![(lo, lo), (hi, lo), (hi, hi), (lo, hi), (lo, lo)];
    let label = format!("manifold ({:.0}-{:.0}%)", 100.0 * LOWEST, 100.0 * HIGHEST);
    chart = chart.with_line(Series::new(label, square).color(PALETTE[7]).stroke(1, true));
    for (digit, name) in names.iter().enumerate() {
        let points = means
            .rows()
            .into_iter()
            .zip(labels)
            .filter(|(_, l)| usize::from(**l) == digit)
            .map(|(m, _)| (f64::from(m[0]), f64::from(m[1])))
            .collect();
        chart = chart.with_points(
            PointGroup::new(*name, points)
                .color(PALETTE[digit])
                .marker(Marker::Dot, 1),
        );
    }
    chart
}
// ANCHOR_END: chart

/// The data's extent with a small margin, widened on the right so that the legend, in the
/// upper right corner, covers no point. `None` when there are no finite points.
fn ranges(means: ArrayView2<f32>) -> Option<((f64, f64), (f64, f64))> {
    let extent = |col: usize| {
        means
            .column(col)
            .iter()
            .map(|&v| f64::from(v))
            .filter(|v| v.is_finite())
            .fold(None, |acc: Option<(f64, f64)>, v| {
                Some(acc.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))))
            })
    };
    let ((x0, x1), (y0, y1)) = (extent(0)?, extent(1)?);
    let (wx, wy) = ((x1 - x0).max(1.0), (y1 - y0).max(1.0));
    Some((
        (x0 - 0.03 * wx, x1 + 0.4 * wx),
        (y0 - 0.03 * wy, y1 + 0.03 * wy),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn one_group_per_label_and_the_dashed_square() {
        let means = array![[0.0f32, 0.0], [1.0, -1.0], [2.0, 2.0]];
        let names = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
        let c = chart(means.view(), &[3, 3, 9], &names);
        assert_eq!(c.groups.len(), 10);
        assert_eq!(c.groups[3].points.len(), 2);
        assert_eq!(c.groups[9].points, vec![(2.0, 2.0)]);
        assert_eq!(c.lines.len(), 1);
        assert!((c.lines[0].points[0].0 + 1.644_853_6).abs() < 1e-6);
    }
}
