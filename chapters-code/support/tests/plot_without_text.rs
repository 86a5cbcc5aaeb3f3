//! A chart without text must not need a font. This test runs in its own process, where no font
//! is ever registered: had the chart tried to draw any text, plotters would have failed.

use support::plot::{Chart, LegendPosition, PointGroup, Series};

#[test]
fn a_chart_without_text_renders_without_any_font() {
    let mut chart = Chart::new("title", "x", "y")
        .size(200, 150)
        .legend(LegendPosition::LowerLeft)
        .with_points(PointGroup::new("points", vec![(0.0, 1.0), (2.0, 3.0)]))
        .with_line(Series::new("line", vec![(0.0, 0.0), (2.0, 3.0)]));
    chart.draw_text = false;
    let image = chart.render().expect("renders with no font registered");
    assert_eq!(image.dimensions(), (200, 150));
}
