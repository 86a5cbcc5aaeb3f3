//! Where the encoder puts the test digits: the posterior means of the 2-D model, one dot per
//! image, coloured by its label (which the model never saw).

use ndarray::ArrayView2;
use support::plot::{Chart, LegendPosition, Marker, PALETTE, PointGroup, Rgb, Series};

use crate::quantiles::{HIGHEST, LOWEST, normal_quantiles};

/// The chart's size in pixels.
pub const WIDTH: u32 = 700;
pub const HEIGHT: u32 = 600;

/// One colour per digit, chosen so that the classes whose clouds touch differ most: 0 and 5
/// and 6, 1 and 4 and 6, 4 and 8 and 9. The chart library's palette in label order would give
/// 0 and 5 two blues, and 1, 4 and 6 three oranges.
pub const DIGIT_COLORS: [Rgb; 10] = [
    Rgb(0, 114, 178),   // 0 blue
    Rgb(213, 94, 0),    // 1 vermillion
    Rgb(120, 94, 60),   // 2 brown
    Rgb(86, 180, 233),  // 3 sky blue
    Rgb(0, 0, 0),       // 4 black
    Rgb(150, 20, 60),   // 5 crimson
    Rgb(204, 121, 167), // 6 reddish purple
    Rgb(0, 158, 115),   // 7 bluish green
    Rgb(150, 150, 150), // 8 grey
    Rgb(230, 159, 0),   // 9 orange
];

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
    let label = format!("map {:.0}-{:.0}%", 100.0 * LOWEST, 100.0 * HIGHEST);
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
                .color(DIGIT_COLORS[digit])
                .marker(Marker::Dot, 1),
        );
    }
    chart
}
// ANCHOR_END: chart

/// The data's extent with a small margin, widened on the right just enough for the legend,
/// in the upper right corner, to cover no point. `None` when there are no finite points.
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
        (x0 - 0.03 * wx, x1 + 0.22 * wx),
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

    #[test]
    fn neighbouring_classes_get_colours_far_apart() {
        let distance = |a: usize, b: usize| {
            let (p, q) = (DIGIT_COLORS[a], DIGIT_COLORS[b]);
            let d = |x: u8, y: u8| (f64::from(x) - f64::from(y)).powi(2);
            (d(p.0, q.0) + d(p.1, q.1) + d(p.2, q.2)).sqrt()
        };
        // Clouds that touch in the book's scatter plot.
        for (a, b) in [
            (0, 5),
            (0, 6),
            (5, 6),
            (1, 4),
            (1, 6),
            (4, 6),
            (4, 9),
            (4, 8),
            (8, 9),
        ] {
            assert!(
                distance(a, b) > 100.0,
                "digits {a} and {b}: {}",
                distance(a, b)
            );
        }
    }

    #[test]
    fn the_axes_end_close_to_the_data() {
        let means = array![[-2.0f32, -1.0], [2.0, 3.0]];
        let ((x0, x1), (y0, y1)) = ranges(means.view()).unwrap();
        // Room for the legend on the right, a little margin elsewhere.
        assert!(x0 > -2.2 && x1 < 2.0 + 0.25 * 4.0, "{x0} {x1}");
        assert!(y0 > -1.2 && y1 < 3.2, "{y0} {y1}");
    }
}
