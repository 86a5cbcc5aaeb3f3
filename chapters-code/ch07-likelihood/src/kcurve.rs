//! The quick comparison's K-curves: each model's importance-sampled `log p(x)` on the same test
//! images for growing `K` (nested draws, one pass, the same draws as the evaluation), and the
//! difference between the two models at each `K`, image by image, with its paired standard error.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, ensure};
use ch06_experiments::likelihood::ImageResult;
use serde::Deserialize;
use support::atomic::write_atomic;
use support::plot::{Chart, LegendPosition, Marker, PALETTE, PointGroup, Series};
use support::summary::Summary;
use support::table;

/// The numbers of draws of the curve, up to the quick run's evaluation.
pub const KS: [usize; 7] = [1, 5, 10, 50, 100, 500, 1000];

/// The curve's draws below `k`, then `k` itself: one pass of importance sampling with `k`
/// draws gives the estimate at each of them.
pub fn ks_up_to(k: usize) -> Vec<usize> {
    KS.into_iter().filter(|&j| j < k).chain([k]).collect()
}

/// One model's curve from its per-image results with the draws `ks`.
pub fn curve(name: &str, results: &[ImageResult], ks: &[usize]) -> Vec<Point> {
    ks.iter()
        .enumerate()
        .map(|(j, &k)| Point {
            series: name.to_string(),
            k,
            value: Summary::of(&results.iter().map(|r| r.estimates[j]).collect::<Vec<_>>()),
        })
        .collect()
}

/// One point of a curve: a model's estimate at `k`, or, for the series `"B - A"`, the mean
/// per-image difference of two models with its paired standard error.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub series: String,
    pub k: usize,
    pub value: Summary,
}

// ANCHOR: measure
/// The curves of two models from their per-image results on the same images (chapter 6's
/// [`ch06_experiments::likelihood::per_image`] with the draws `ks`), then `second - first` at
/// each `K`, image by image.
pub fn measure(
    first: (&str, &[ImageResult]),
    second: (&str, &[ImageResult]),
    ks: &[usize],
) -> Vec<Point> {
    let column =
        |m: &[ImageResult], j: usize| -> Vec<f64> { m.iter().map(|r| r.estimates[j]).collect() };
    let mut points = curve(first.0, first.1, ks);
    points.extend(curve(second.0, second.1, ks));
    for (j, &k) in ks.iter().enumerate() {
        let differences: Vec<f64> = column(second.1, j)
            .iter()
            .zip(column(first.1, j))
            .map(|(b, a)| b - a)
            .collect();
        points.push(Point {
            series: format!("{} - {}", second.0, first.0),
            k,
            value: Summary::of(&differences),
        });
    }
    points
}
// ANCHOR_END: measure

/// The columns of quick_kcurve.csv.
pub const HEADER: &str = "series,k,mean,standard_error,images";

/// Writes the points to `path`, whole or not at all.
pub fn save(points: &[Point], path: &Path) -> Result<()> {
    let mut text = format!("{HEADER}\n");
    for p in points {
        ensure!(
            !p.series.contains(','),
            "a series name cannot hold a comma: {:?}",
            p.series
        );
        writeln!(
            text,
            "{},{},{:.4},{:.4},{}",
            p.series, p.k, p.value.mean, p.value.standard_error, p.value.count
        )
        .expect("writing to a String cannot fail");
    }
    write_atomic(path, text.as_bytes()).with_context(|| format!("cannot write {}", path.display()))
}

#[derive(Deserialize)]
struct Record {
    series: String,
    k: usize,
    mean: f64,
    standard_error: f64,
    images: usize,
}

/// Reads a quick_kcurve.csv back.
pub fn load(path: &Path) -> Result<Vec<Point>> {
    let records: Vec<Record> = table::read(path, HEADER)?;
    Ok(records
        .into_iter()
        .map(|r| Point {
            series: r.series,
            k: r.k,
            value: Summary {
                mean: r.mean,
                standard_error: r.standard_error,
                count: r.images,
            },
        })
        .collect())
}

/// The curves as a picture, against log10 K: each model's estimate on the left axis's scale is
/// far from the difference's, so the chart shows the difference of the last series, with bars
/// of two paired standard errors, and each model's rise above its own K = 1 estimate.
pub fn chart(points: &[Point]) -> Chart {
    let mut series: Vec<&str> = Vec::new();
    for p in points {
        if !series.contains(&p.series.as_str()) {
            series.push(&p.series);
        }
    }
    let mut chart = Chart::new(
        "The quick models' estimates as K grows",
        "log10 K (importance samples per digit)",
        "nats",
    )
    .size(720, 480)
    .legend(LegendPosition::UpperLeft);
    let x = |k: usize| (k as f64).log10();
    for (i, name) in series.iter().enumerate() {
        let curve: Vec<&Point> = points.iter().filter(|p| p.series == *name).collect();
        let difference = name.contains(" - ");
        let base = if difference { 0.0 } else { curve[0].value.mean };
        let label = if difference {
            format!("{name}, image by image (bars: two paired SEs)")
        } else {
            format!("{name}: estimate minus its K = 1 value")
        };
        let line: Vec<(f64, f64)> = curve
            .iter()
            .map(|p| (x(p.k), p.value.mean - base))
            .collect();
        chart = chart
            .with_line(Series::new(label, line.clone()).color(PALETTE[i]))
            .with_points(
                PointGroup::new(String::new(), line)
                    .color(PALETTE[i])
                    .marker(Marker::Dot, 3),
            );
        if difference {
            let bars: Vec<(f64, f64, f64)> = curve
                .iter()
                .map(|p| (x(p.k), p.value.mean, 2.0 * p.value.standard_error))
                .collect();
            chart = chart.with_error_bars(&bars, PALETTE[i]);
        }
    }
    chart
}

/// Writes [`chart`] to `path`, whole or not at all.
pub fn save_chart(points: &[Point], path: &Path) -> Result<()> {
    chart(points)
        .save_png(path)
        .with_context(|| format!("cannot draw {}", path.display()))
}

/// One row per `K`, one column per series, as the binary prints it.
pub fn markdown(points: &[Point]) -> String {
    let mut series: Vec<&str> = Vec::new();
    for p in points {
        if !series.contains(&p.series.as_str()) {
            series.push(&p.series);
        }
    }
    let mut ks: Vec<usize> = points.iter().map(|p| p.k).collect();
    ks.sort_unstable();
    ks.dedup();
    let mut text = format!("| K | {} |\n|---:|", series.join(" | "));
    text.push_str(&"---:|".repeat(series.len()));
    text.push('\n');
    for k in ks {
        write!(text, "| {k} |").expect("writing to a String cannot fail");
        for s in &series {
            match points.iter().find(|p| p.series == *s && p.k == k) {
                Some(p) => write!(
                    text,
                    " {:.2} ± {:.2} |",
                    p.value.mean, p.value.standard_error
                ),
                None => write!(text, " |"),
            }
            .expect("writing to a String cannot fail");
        }
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_curve_reads_back_as_written() {
        let point = |series: &str, k, mean| Point {
            series: series.to_string(),
            k,
            value: Summary {
                mean,
                standard_error: 0.5,
                count: 3,
            },
        };
        let points = vec![
            point("a", 1, -100.0),
            point("a", 10, -99.0),
            point("b - a", 1, 1.25),
        ];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.csv");
        save(&points, &path).unwrap();
        assert_eq!(load(&path).unwrap(), points);
        assert_eq!(
            markdown(&points),
            "| K | a | b - a |\n|---:|---:|---:|\n| 1 | -100.00 ± 0.50 | 1.25 ± 0.50 |\n\
             | 10 | -99.00 ± 0.50 | |\n"
        );
        let err = save(&[point("a,b", 1, 0.0)], &path).unwrap_err();
        assert!(err.to_string().contains("comma"), "{err}");
    }
}
