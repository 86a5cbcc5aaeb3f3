//! Charts as PNG files, for every chapter: scatter plots of labelled groups
//! of points, and line charts of named series, on one pair of axes with a title, axis labels
//! and a legend.
//!
//! ```no_run
//! use support::plot::{Chart, Series};
//!
//! let loss = Series::new("test loss", vec![(1.0, 127.3), (2.0, 115.8), (3.0, 112.2)]);
//! Chart::new("Negative ELBO by epoch", "epoch", "nats per image")
//!     .with_line(loss)
//!     .save_png(std::path::Path::new("target/loss.png"))?;
//! # Ok::<(), support::plot::PlotError>(())
//! ```
//!
//! Drawing is done by `plotters` into an RGB buffer in memory, encoded by `image`, and written
//! atomically. Text needs a TrueType font, read once from the system (see [`font_path`]); on
//! a machine without one the charts are drawn without any text, and a warning says so.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use image::RgbImage;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use crate::atomic::write_atomic;

/// Why a chart could not be drawn or written.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// Width and height must be between 1 and 8192 pixels.
    #[error("a chart of {0}x{1} pixels: width and height must be between 1 and 8192")]
    BadSize(u32, u32),
    /// An explicit axis range must be finite and not empty.
    #[error("the {axis} range {lo}..{hi} is not a finite, non-empty interval")]
    BadRange { axis: char, lo: f64, hi: f64 },
    /// `plotters` failed to draw.
    #[error("cannot draw the chart: {0}")]
    Draw(String),
    /// The PNG could not be encoded.
    #[error("cannot encode the PNG: {0}")]
    Encode(#[from] image::ImageError),
    /// The file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// An 8-bit RGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

/// Ten colours that stay distinct for most colour-blind readers (Okabe and Ito's eight, then
/// two darker ones), for up to ten groups (the ten digits, for instance).
pub const PALETTE: [Rgb; 10] = [
    Rgb(0, 114, 178),   // blue
    Rgb(213, 94, 0),    // vermillion
    Rgb(0, 158, 115),   // bluish green
    Rgb(204, 121, 167), // reddish purple
    Rgb(230, 159, 0),   // orange
    Rgb(86, 180, 233),  // sky blue
    Rgb(240, 228, 66),  // yellow
    Rgb(0, 0, 0),       // black
    Rgb(120, 94, 60),   // brown
    Rgb(110, 110, 110), // grey
];

impl Rgb {
    fn plotters(self) -> RGBColor {
        RGBColor(self.0, self.1, self.2)
    }
}

/// How the points of a group are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// A filled disc.
    Dot,
    /// An open circle.
    Ring,
    /// A diagonal cross.
    Cross,
}

/// Points drawn alike, with one legend entry (none if `label` is empty).
#[derive(Debug, Clone, PartialEq)]
pub struct PointGroup {
    /// The legend text; empty for no entry.
    pub label: String,
    /// The points, as `(x, y)`. Points with a non-finite coordinate are skipped.
    pub points: Vec<(f64, f64)>,
    /// The colour; `None` takes the next [`PALETTE`] colour in the order groups were added.
    pub color: Option<Rgb>,
    /// The marker shape.
    pub marker: Marker,
    /// The marker's radius in pixels.
    pub size: u32,
}

impl PointGroup {
    /// Dots of radius 3 in the next palette colour.
    pub fn new(label: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Self {
            label: label.into(),
            points,
            color: None,
            marker: Marker::Dot,
            size: 3,
        }
    }

    /// The same group in `color`.
    pub fn color(mut self, color: Rgb) -> Self {
        self.color = Some(color);
        self
    }

    /// The same group drawn with `marker` of radius `size` pixels.
    pub fn marker(mut self, marker: Marker, size: u32) -> Self {
        self.marker = marker;
        self.size = size;
        self
    }
}

/// A polyline through `points` in the order given, with one legend entry (none if `label` is
/// empty).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The legend text; empty for no entry.
    pub label: String,
    /// The vertices, as `(x, y)`. Vertices with a non-finite coordinate are skipped.
    pub points: Vec<(f64, f64)>,
    /// The colour; `None` takes the next [`PALETTE`] colour in the order series were added.
    pub color: Option<Rgb>,
    /// The stroke width in pixels.
    pub width: u32,
    /// Drawn dashed rather than solid.
    pub dashed: bool,
}

impl Series {
    /// A solid line 2 pixels wide in the next palette colour.
    pub fn new(label: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Self {
            label: label.into(),
            points,
            color: None,
            width: 2,
            dashed: false,
        }
    }

    /// The same series in `color`.
    pub fn color(mut self, color: Rgb) -> Self {
        self.color = Some(color);
        self
    }

    /// The same series, `width` pixels wide and dashed or not.
    pub fn stroke(mut self, width: u32, dashed: bool) -> Self {
        self.width = width;
        self.dashed = dashed;
        self
    }
}

/// Where the legend goes inside the plotting area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegendPosition {
    /// Top left corner.
    UpperLeft,
    /// Top right corner.
    UpperRight,
    /// Bottom left corner.
    LowerLeft,
    /// Bottom right corner.
    LowerRight,
}

/// One chart: its text, size, axis ranges, and what is drawn on it. Lines are drawn first,
/// then points, each in the order added.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// The title above the chart.
    pub title: String,
    /// The label under the horizontal axis.
    pub x_label: String,
    /// The label beside the vertical axis.
    pub y_label: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The horizontal range; `None` fits all points and lines, with a 5% margin.
    pub x_range: Option<(f64, f64)>,
    /// The vertical range; `None` fits all points and lines, with a 5% margin.
    pub y_range: Option<(f64, f64)>,
    /// Where the legend goes.
    pub legend: LegendPosition,
    /// Whether to draw the title, tick labels, axis labels and legend. Even when true, they
    /// are left out (with a warning) if no font is found.
    pub draw_text: bool,
    /// The scatter groups.
    pub groups: Vec<PointGroup>,
    /// The line series.
    pub lines: Vec<Series>,
}

impl Chart {
    /// An empty chart of 480 x 360 pixels with the legend at the upper right.
    pub fn new(
        title: impl Into<String>,
        x_label: impl Into<String>,
        y_label: impl Into<String>,
    ) -> Self {
        Self {
            title: title.into(),
            x_label: x_label.into(),
            y_label: y_label.into(),
            width: 480,
            height: 360,
            x_range: None,
            y_range: None,
            legend: LegendPosition::UpperRight,
            draw_text: true,
            groups: Vec::new(),
            lines: Vec::new(),
        }
    }

    /// The same chart, `width` x `height` pixels.
    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.width = width;
        self.height = height;
        self
    }

    /// The same chart with fixed axis ranges.
    pub fn ranges(mut self, x: (f64, f64), y: (f64, f64)) -> Self {
        self.x_range = Some(x);
        self.y_range = Some(y);
        self
    }

    /// The same chart with its legend at `position`.
    pub fn legend(mut self, position: LegendPosition) -> Self {
        self.legend = position;
        self
    }

    /// The same chart with one more group of points.
    pub fn with_points(mut self, group: PointGroup) -> Self {
        self.groups.push(group);
        self
    }

    /// The same chart with one more line.
    pub fn with_line(mut self, series: Series) -> Self {
        self.lines.push(series);
        self
    }

    /// The same chart with an unlabelled vertical bar from `y - half` to `y + half` at each
    /// `(x, y, half)`: error bars.
    pub fn with_error_bars(mut self, bars: &[(f64, f64, f64)], color: Rgb) -> Self {
        for &(x, y, half) in bars {
            self.lines
                .push(Series::new(String::new(), vec![(x, y - half), (x, y + half)]).color(color));
        }
        self
    }

    /// Draws the chart into an RGB image of `width` x `height` pixels.
    pub fn render(&self) -> Result<RgbImage, PlotError> {
        let (w, h) = (self.width, self.height);
        if !(1..=8192).contains(&w) || !(1..=8192).contains(&h) {
            return Err(PlotError::BadSize(w, h));
        }
        let x_range = axis_range('x', self.x_range, self.all_points().map(|p| p.0))?;
        let y_range = axis_range('y', self.y_range, self.all_points().map(|p| p.1))?;
        // Only look for a font when text is wanted: a chart without text must not need one.
        let text = self.draw_text && font_available();
        let mut buffer = vec![255u8; w as usize * h as usize * 3];
        self.draw(&mut buffer, x_range, y_range, text)
            .map_err(PlotError::Draw)?;
        Ok(RgbImage::from_raw(w, h, buffer).expect("the buffer holds w * h RGB pixels"))
    }

    /// The chart as PNG bytes.
    pub fn png_bytes(&self) -> Result<Vec<u8>, PlotError> {
        let image = self.render()?;
        let mut bytes = Vec::new();
        let encoder = PngEncoder::new_with_quality(
            Cursor::new(&mut bytes),
            CompressionType::Best,
            FilterType::Adaptive,
        );
        image.write_with_encoder(encoder)?;
        Ok(bytes)
    }

    /// Writes the chart to `path` as a PNG, atomically.
    pub fn save_png(&self, path: &Path) -> Result<(), PlotError> {
        let bytes = self.png_bytes()?;
        write_atomic(path, &bytes).map_err(|source| PlotError::Write {
            path: path.to_path_buf(),
            source,
        })
    }

    fn all_points(&self) -> impl Iterator<Item = &(f64, f64)> + Clone {
        let groups = self.groups.iter().flat_map(|g| &g.points);
        groups.chain(self.lines.iter().flat_map(|s| &s.points))
    }

    fn draw(
        &self,
        buffer: &mut [u8],
        (x0, x1): (f64, f64),
        (y0, y1): (f64, f64),
        text: bool,
    ) -> Result<(), String> {
        let err = |e: &dyn std::fmt::Display| e.to_string();
        let root =
            BitMapBackend::with_buffer(buffer, (self.width, self.height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(&e))?;
        let mut builder = ChartBuilder::on(&root);
        builder.margin(12);
        if text {
            builder
                .caption(&self.title, (FONT_FAMILY, 18))
                .x_label_area_size(40)
                .y_label_area_size(56);
        }
        let mut chart = builder
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(|e| err(&e))?;

        let mut mesh = chart.configure_mesh();
        // Grid lines at the labelled ticks only: a denser grid adds noise and PNG bytes.
        mesh.max_light_lines(0)
            .bold_line_style(RGBColor(225, 225, 225));
        if text {
            mesh.x_desc(&self.x_label)
                .y_desc(&self.y_label)
                .x_label_formatter(&tick_label)
                .y_label_formatter(&tick_label)
                .label_style((FONT_FAMILY, 13))
                .axis_desc_style((FONT_FAMILY, 14));
        } else {
            mesh.x_labels(0).y_labels(0);
        }
        mesh.draw().map_err(|e| err(&e))?;

        let mut next_color = PALETTE.iter().cycle();
        for series in &self.lines {
            let color = series
                .color
                .unwrap_or(*next_color.next().expect("cycle"))
                .plotters();
            let style = color.stroke_width(series.width);
            let points: Vec<(f64, f64)> = finite(&series.points).collect();
            let anno = if series.dashed {
                chart.draw_series(DashedLineSeries::new(points, 6, 4, style))
            } else {
                chart.draw_series(LineSeries::new(points, style))
            }
            .map_err(|e| err(&e))?;
            if !series.label.is_empty() {
                // The legend's sample is dashed too when the line is.
                let dashed = series.dashed;
                anno.label(series.label.as_str()).legend(move |(x, y)| {
                    if dashed {
                        plotters::element::DashedPathElement::new(
                            vec![(x, y), (x + 18, y)],
                            5,
                            3,
                            style,
                        )
                        .into_dyn()
                    } else {
                        PathElement::new(vec![(x, y), (x + 18, y)], style).into_dyn()
                    }
                });
            }
        }

        let mut next_color = PALETTE.iter().cycle();
        for group in &self.groups {
            let color = group
                .color
                .unwrap_or(*next_color.next().expect("cycle"))
                .plotters();
            let size = group.size;
            let points = finite(&group.points);
            let anno = match group.marker {
                Marker::Dot => {
                    chart.draw_series(points.map(|p| Circle::new(p, size, color.filled())))
                }
                Marker::Ring => chart.draw_series(points.map(|p| Circle::new(p, size, color))),
                Marker::Cross => {
                    chart.draw_series(points.map(|p| Cross::new(p, size, color.stroke_width(2))))
                }
            }
            .map_err(|e| err(&e))?;
            if !group.label.is_empty() {
                let marker = group.marker;
                anno.label(group.label.as_str()).legend(move |(x, y)| {
                    let (at, r) = ((x + 9, y), size.max(3));
                    match marker {
                        Marker::Dot => Circle::new(at, r, color.filled()).into_dyn(),
                        Marker::Ring => Circle::new(at, r, color).into_dyn(),
                        Marker::Cross => Cross::new(at, r, color.stroke_width(2)).into_dyn(),
                    }
                });
            }
        }

        let labelled = self.groups.iter().any(|g| !g.label.is_empty())
            || self.lines.iter().any(|s| !s.label.is_empty());
        if text && labelled {
            chart
                .configure_series_labels()
                .position(self.legend.plotters())
                .label_font((FONT_FAMILY, 13))
                .background_style(WHITE.mix(0.85))
                .border_style(RGBColor(160, 160, 160))
                .draw()
                .map_err(|e| err(&e))?;
        }
        root.present().map_err(|e| err(&e))?;
        Ok(())
    }
}

/// Writes a scatter plot of `groups`, one legend entry per labelled group, to a PNG of
/// 480 x 360 pixels at `path`. For other sizes or ranges, build a [`Chart`].
pub fn scatter(
    path: &Path,
    title: &str,
    x_label: &str,
    y_label: &str,
    groups: Vec<PointGroup>,
) -> Result<(), PlotError> {
    let chart = Chart {
        groups,
        ..Chart::new(title, x_label, y_label)
    };
    chart.save_png(path)
}

/// Writes a line chart of `series`, one legend entry per labelled series, to a PNG of
/// 480 x 360 pixels at `path`. For other sizes or ranges, build a [`Chart`].
pub fn line_chart(
    path: &Path,
    title: &str,
    x_label: &str,
    y_label: &str,
    series: Vec<Series>,
) -> Result<(), PlotError> {
    let chart = Chart {
        lines: series,
        ..Chart::new(title, x_label, y_label)
    };
    chart.save_png(path)
}

impl LegendPosition {
    fn plotters(self) -> SeriesLabelPosition {
        match self {
            Self::UpperLeft => SeriesLabelPosition::UpperLeft,
            Self::UpperRight => SeriesLabelPosition::UpperRight,
            Self::LowerLeft => SeriesLabelPosition::LowerLeft,
            Self::LowerRight => SeriesLabelPosition::LowerRight,
        }
    }
}

/// A tick value as short as it can be: "2" rather than "2.0", "0.25" rather than "0.250".
fn tick_label(value: &f64) -> String {
    // Rounding to 6 decimals hides the binary noise of computed ticks (0.30000000000000004).
    let rounded = (value * 1e6).round() / 1e6;
    if rounded == 0.0 {
        "0".to_string() // never "-0"
    } else {
        format!("{rounded}")
    }
}

fn finite(points: &[(f64, f64)]) -> impl Iterator<Item = (f64, f64)> + '_ {
    points
        .iter()
        .copied()
        .filter(|(x, y)| x.is_finite() && y.is_finite())
}

/// The range to draw: the one asked for, or the data's extent plus 5% on each side.
fn axis_range<'a>(
    axis: char,
    fixed: Option<(f64, f64)>,
    values: impl Iterator<Item = f64> + Clone + 'a,
) -> Result<(f64, f64), PlotError> {
    if let Some((lo, hi)) = fixed {
        if !(lo.is_finite() && hi.is_finite() && lo < hi) {
            return Err(PlotError::BadRange { axis, lo, hi });
        }
        return Ok((lo, hi));
    }
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if lo > hi {
        return Ok((0.0, 1.0)); // nothing to draw
    }
    let pad = if hi > lo { 0.05 * (hi - lo) } else { 1.0 };
    Ok((lo - pad, hi + pad))
}

/// `image` with a white strip `strip` pixels tall added on top, holding each caption centred
/// at its horizontal position: labels inside the picture, for panels laid side by side. With
/// no font (see [`font_path`]) the strip stays blank.
pub fn with_captions(
    image: &image::GrayImage,
    strip: u32,
    captions: &[(u32, String)],
) -> Result<image::GrayImage, PlotError> {
    let (w, h) = (image.width(), image.height() + strip);
    let mut buffer = vec![255u8; w as usize * h as usize * 3];
    if font_available() {
        let root = BitMapBackend::with_buffer(&mut buffer, (w, h)).into_drawing_area();
        let size = (f64::from(strip) * 0.6).max(8.0);
        let style = TextStyle::from((FONT_FAMILY, size).into_font())
            .color(&BLACK)
            .pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Center,
                plotters::style::text_anchor::VPos::Center,
            ));
        for (x, caption) in captions {
            let at = (*x as i32, (strip / 2) as i32);
            root.draw(&Text::new(caption.as_str(), at, &style))
                .map_err(|e| PlotError::Draw(e.to_string()))?;
        }
        root.present().map_err(|e| PlotError::Draw(e.to_string()))?;
    }
    let mut out = image::DynamicImage::ImageRgb8(
        RgbImage::from_raw(w, h, buffer).expect("the buffer holds w * h RGB pixels"),
    )
    .to_luma8();
    image::imageops::replace(&mut out, image, 0, i64::from(strip));
    Ok(out)
}

/// The family name the font is registered under.
const FONT_FAMILY: &str = "sans-serif";

/// Where common systems keep a plain sans-serif TrueType font: Debian and Ubuntu
/// (fonts-dejavu-core), Fedora, Arch, openSUSE, macOS, Windows.
const FONT_CANDIDATES: [&str; 9] = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf",
    "/System/Library/Fonts/Supplemental/Arial.ttf",
    "/Library/Fonts/Arial.ttf",
    "C:\\Windows\\Fonts\\arial.ttf",
];

/// The font the charts' text is drawn with, loaded on first use: the file named by the
/// environment variable `PLOT_FONT` if set, else the first of a few well-known system paths
/// that holds a font `ab_glyph` can read. `None` (after one warning on stderr) if there is none.
pub fn font_path() -> Option<&'static Path> {
    static FONT: OnceLock<Option<PathBuf>> = OnceLock::new();
    FONT.get_or_init(|| {
        let from_env = std::env::var_os("PLOT_FONT").map(PathBuf::from);
        let candidates = from_env
            .into_iter()
            .chain(FONT_CANDIDATES.iter().map(PathBuf::from));
        for path in candidates {
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            // plotters keeps fonts for the whole run and wants &'static bytes: leak them, once.
            let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
            if register_font(FONT_FAMILY, FontStyle::Normal, bytes).is_ok() {
                return Some(path);
            }
        }
        eprintln!(
            "warning: no TrueType font found (set PLOT_FONT, or install fonts-dejavu-core); \
             charts are drawn without text"
        );
        None
    })
    .as_deref()
}

/// Whether charts can carry text: [`font_path`] found a font.
pub fn font_available() -> bool {
    font_path().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_chart() -> Chart {
        Chart::new("A test chart", "x", "y")
            .size(300, 200)
            .with_points(PointGroup::new(
                "dots",
                vec![(0.0, 0.0), (1.0, 2.0), (f64::NAN, 1.0)],
            ))
            .with_points(
                PointGroup::new("rings", vec![(0.5, 1.0)])
                    .color(PALETTE[3])
                    .marker(Marker::Ring, 4),
            )
            .with_line(Series::new("line", vec![(0.0, 0.0), (1.0, 1.0)]).stroke(1, true))
    }

    #[test]
    fn the_png_decodes_at_the_requested_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chart.png");
        sample_chart().save_png(&path).unwrap();
        let image = image::open(&path).unwrap().to_rgb8();
        assert_eq!(image.dimensions(), (300, 200));
        // Something besides the white background and grey grid was drawn.
        let coloured = image.pixels().filter(|p| {
            let [r, g, b] = p.0;
            r.max(g).max(b) - r.min(g).min(b) > 60
        });
        assert!(coloured.count() > 20);
    }

    #[test]
    fn the_shortcuts_write_pngs_too() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.png"), dir.path().join("b.png"));
        let group = PointGroup::new("g", vec![(0.0, 0.0), (1.0, 1.0)]);
        scatter(&a, "t", "x", "y", vec![group]).unwrap();
        let series = Series::new("s", vec![(0.0, 1.0), (1.0, 0.0)]);
        line_chart(&b, "t", "x", "y", vec![series]).unwrap();
        for path in [a, b] {
            let image = image::open(&path).unwrap();
            assert_eq!((image.width(), image.height()), (480, 360));
        }
    }

    #[test]
    fn text_is_drawn_when_a_font_is_found() {
        if !font_available() {
            eprintln!("no font on this machine: skipping the text check");
            return;
        }
        let with = sample_chart().render().unwrap();
        let mut plain = sample_chart();
        plain.draw_text = false;
        let without = plain.render().unwrap();
        let dark = |im: &RgbImage| im.pixels().filter(|p| p.0.iter().all(|&c| c < 90)).count();
        // Title, tick labels and legend add many dark pixels.
        assert!(
            dark(&with) > dark(&without) + 200,
            "{} vs {}",
            dark(&with),
            dark(&without)
        );
    }

    #[test]
    fn bad_sizes_and_ranges_are_errors() {
        assert!(matches!(
            sample_chart().size(0, 10).render(),
            Err(PlotError::BadSize(0, 10))
        ));
        assert!(matches!(
            sample_chart().ranges((1.0, 1.0), (0.0, 1.0)).render(),
            Err(PlotError::BadRange { axis: 'x', .. })
        ));
    }

    #[test]
    fn tick_labels_are_short() {
        assert_eq!(tick_label(&2.0), "2");
        assert_eq!(tick_label(&-0.0000001), "0");
        assert_eq!(tick_label(&(0.1 + 0.2)), "0.3");
        assert_eq!(tick_label(&-1.5), "-1.5");
    }

    #[test]
    fn ranges_fit_the_data_with_a_margin() {
        let values = [1.0, 3.0, f64::NAN];
        assert_eq!(
            axis_range('x', None, values.iter().copied()).unwrap(),
            (0.9, 3.1)
        );
        assert_eq!(
            axis_range('x', None, [2.0].into_iter()).unwrap(),
            (1.0, 3.0)
        );
        assert_eq!(
            axis_range('x', None, std::iter::empty()).unwrap(),
            (0.0, 1.0)
        );
    }
}
