//! How far below `log p(x)` the importance-sampled estimate sits. On test digits: the estimate
//! for growing `K` (the K-curve, nested draws from one pass), beside annealed importance
//! sampling, a better lower estimate, each as a difference from AIS per image with its paired
//! standard error. On digits simulated from the model, where the code that made each image is an
//! exact posterior draw: reverse AIS too, an upper estimate, so the truth is bracketed.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use ch04_model::vae::Vae;
use ch06_experiments::likelihood;
use ch06_experiments::posterior::encode;
use mnist::unit_pixels;
use ndarray::{Array2, ArrayView2};
use serde::Deserialize;
use support::atomic::write_atomic;
use support::plot::{Chart, LegendPosition, Marker, PALETTE, PointGroup, Series};
use support::seeds::stream;
use support::summary::Summary;
use support::table;

use crate::ais::{self, AisSettings};

/// The numbers of importance samples of the K-curve.
pub const KS: [usize; 8] = [1, 5, 10, 50, 100, 500, 1000, 5000];

/// What `--bias` measures, and on how many images.
#[derive(Debug, Clone, PartialEq)]
pub struct BiasSettings {
    pub images: usize,
    pub ks: Vec<usize>,
    /// The AIS runs' step counts; the last is the reference the others are compared with.
    pub steps: Vec<usize>,
    pub ais: AisSettings,
    pub seed: u64,
}

/// One row of the table: an estimator on one kind of data, averaged over the images.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// "test" (the first test digits) or "simulated" (drawn from the model).
    pub data: String,
    /// "is" (importance sampling, the encoder as proposal), "ais", or "ais-reverse".
    pub estimator: String,
    /// K for importance sampling, the number of annealing steps for AIS.
    pub budget: usize,
    /// The estimate, its mean over the images and the standard error of that mean.
    pub estimate: Summary,
    /// The estimate minus forward AIS with the most steps, image by image: the mean difference
    /// and its paired standard error.
    pub minus_ais: Summary,
    /// The share of Hamiltonian moves accepted (AIS rows only).
    pub acceptance: Option<f64>,
}

/// Purposes of the random streams.
const TEST: u64 = 1;
const SIMULATE: u64 = 2;
const IMPORTANCE: u64 = 3;
const TAG: [u8; 8] = *b"ch07bias";

// ANCHOR: measure
/// The table for `vae` on the first `settings.images` of `test` (bytes, binary).
pub fn measure(vae: &Vae<f32>, test: ArrayView2<u8>, settings: &BiasSettings) -> Vec<Row> {
    let test = test.slice(ndarray::s![..settings.images.min(test.nrows()), ..]);
    let mut rows = table(vae, "test", test, None, settings, TEST);
    let mut rng = stream(settings.seed, SIMULATE, 0, TAG);
    let (codes, simulated) = ais::simulate(&vae.decoder, settings.images, &mut rng);
    let bytes = as_bytes(&simulated);
    rows.extend(table(
        vae,
        "simulated",
        bytes.view(),
        Some(codes.view()),
        settings,
        SIMULATE,
    ));
    rows
}
// ANCHOR_END: measure

/// The rows for one set of images: the K-curve, forward AIS at each step count and, when the
/// codes that made the images are known, reverse AIS.
fn table(
    vae: &Vae<f32>,
    data: &'static str,
    images: ArrayView2<u8>,
    codes: Option<ArrayView2<f32>>,
    settings: &BiasSettings,
    purpose: u64,
) -> Vec<Row> {
    let x = unit_pixels(images);
    let mut runs: Vec<(&'static str, usize, Vec<f64>, Option<f64>)> = Vec::new();
    for &steps in &settings.steps {
        let ais = AisSettings {
            steps,
            ..settings.ais
        };
        let mut rng = stream(settings.seed, purpose, 10 + steps as u64, TAG);
        let (lower, acceptance) = ais::log_px(&vae.decoder, x.view(), &ais, &mut rng);
        runs.push(("ais", steps, lower, Some(acceptance)));
        if let Some(codes) = codes {
            let (upper, acceptance) =
                ais::log_px_upper(&vae.decoder, x.view(), codes, &ais, &mut rng);
            runs.push(("ais-reverse", steps, upper, Some(acceptance)));
        }
    }
    let reference = runs
        .iter()
        .rfind(|r| r.0 == "ais")
        .map(|r| r.2.clone())
        .expect("at least one AIS run");
    let q = encode(vae, images);
    let per_image: Vec<Vec<f64>> = (0..images.nrows())
        .map(|i| {
            let mut rng = stream(settings.seed, IMPORTANCE + purpose * 100, i as u64, TAG);
            likelihood::image(
                vae,
                x.row(i),
                q.mu.row(i),
                q.logvar.row(i),
                &settings.ks,
                &mut rng,
            )
            .estimates
        })
        .collect();
    let mut rows: Vec<Row> = settings
        .ks
        .iter()
        .enumerate()
        .map(|(j, &k)| {
            let estimates: Vec<f64> = per_image.iter().map(|e| e[j]).collect();
            row(data, "is", k, &estimates, &reference, None)
        })
        .collect();
    for (estimator, budget, estimates, acceptance) in &runs {
        rows.push(row(
            data,
            estimator,
            *budget,
            estimates,
            &reference,
            *acceptance,
        ));
    }
    rows
}

fn row(
    data: &'static str,
    estimator: &'static str,
    budget: usize,
    estimates: &[f64],
    reference: &[f64],
    acceptance: Option<f64>,
) -> Row {
    let differences: Vec<f64> = estimates
        .iter()
        .zip(reference)
        .map(|(e, r)| e - r)
        .collect();
    Row {
        data: data.to_string(),
        estimator: estimator.to_string(),
        budget,
        estimate: Summary::of(estimates),
        minus_ais: Summary::of(&differences),
        acceptance,
    }
}

/// The columns of bias.csv.
pub const HEADER: &str =
    "data,estimator,budget,mean,standard_error,minus_ais,minus_ais_se,images,acceptance";

/// Writes the rows to `path`, whole or not at all.
pub fn save(rows: &[Row], path: &Path) -> Result<()> {
    let mut text = format!("{HEADER}\n");
    for r in rows {
        writeln!(
            text,
            "{},{},{},{:.4},{:.4},{:.4},{:.4},{},{}",
            r.data,
            r.estimator,
            r.budget,
            r.estimate.mean,
            r.estimate.standard_error,
            r.minus_ais.mean,
            r.minus_ais.standard_error,
            r.estimate.count,
            r.acceptance.map_or(String::new(), |a| format!("{a:.3}"))
        )
        .expect("writing to a String cannot fail");
    }
    write_atomic(path, text.as_bytes()).with_context(|| format!("cannot write {}", path.display()))
}

/// A line of bias.csv.
#[derive(Deserialize)]
struct Record {
    data: String,
    estimator: String,
    budget: usize,
    mean: f64,
    standard_error: f64,
    minus_ais: f64,
    minus_ais_se: f64,
    images: usize,
    acceptance: Option<f64>,
}

/// Reads a bias.csv back.
pub fn load(path: &Path) -> Result<Vec<Row>> {
    let records: Vec<Record> = table::read(path, HEADER)?;
    Ok(records
        .into_iter()
        .map(|r| Row {
            data: r.data,
            estimator: r.estimator,
            budget: r.budget,
            estimate: Summary {
                mean: r.mean,
                standard_error: r.standard_error,
                count: r.images,
            },
            minus_ais: Summary {
                mean: r.minus_ais,
                standard_error: r.minus_ais_se,
                count: r.images,
            },
            acceptance: r.acceptance,
        })
        .collect())
}

/// The rows as a Markdown table, as the binary prints them.
pub fn markdown(rows: &[Row]) -> String {
    let mut text = String::from(
        "| data | estimator | K or steps | log p(x) ± SE over images | minus AIS ± paired SE |\n\
         |---|---|---:|---:|---:|\n",
    );
    for r in rows {
        writeln!(
            text,
            "| {} | {} | {} | {:.2} ± {:.2} | {:+.3} ± {:.3} |",
            r.data,
            r.estimator,
            r.budget,
            r.estimate.mean,
            r.estimate.standard_error,
            r.minus_ais.mean,
            r.minus_ais.standard_error
        )
        .expect("writing to a String cannot fail");
    }
    text
}

// ANCHOR: chart
/// The K-curves as a picture: each data set's importance-sampled estimate minus forward AIS
/// with the most steps, digit by digit and averaged, against log10 K, with error bars of two
/// paired standard errors; AIS at 0, and reverse AIS, where measured, above it.
pub fn chart(rows: &[Row]) -> Chart {
    let reference = rows
        .iter()
        .filter(|r| r.estimator == "ais")
        .map(|r| r.budget)
        .max()
        .unwrap_or(0);
    let ks: Vec<f64> = rows
        .iter()
        .filter(|r| r.estimator == "is")
        .map(|r| (r.budget as f64).log10())
        .collect();
    let (left, right) = (
        ks.iter().copied().fold(f64::INFINITY, f64::min),
        ks.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    );
    let mut chart = Chart::new(
        "How far below forward AIS the importance-sampled estimate sits",
        "log10 K (importance samples per digit)",
        format!("estimate minus AIS ({reference} steps), nats"),
    )
    .size(720, 480)
    .legend(LegendPosition::LowerRight);
    for (i, data) in ["test", "simulated"].into_iter().enumerate() {
        let curve: Vec<&Row> = rows
            .iter()
            .filter(|r| r.data == data && r.estimator == "is")
            .collect();
        let points: Vec<(f64, f64)> = curve
            .iter()
            .map(|r| ((r.budget as f64).log10(), r.minus_ais.mean))
            .collect();
        chart = chart.with_line(
            Series::new(
                format!("importance sampling, {data} digits"),
                points.clone(),
            )
            .color(PALETTE[i]),
        );
        chart = chart.with_points(
            PointGroup::new(String::new(), points)
                .color(PALETTE[i])
                .marker(Marker::Dot, 3),
        );
        let bars: Vec<(f64, f64, f64)> = curve
            .iter()
            .map(|r| {
                (
                    (r.budget as f64).log10(),
                    r.minus_ais.mean,
                    2.0 * r.minus_ais.standard_error,
                )
            })
            .collect();
        chart = chart.with_error_bars(&bars, PALETTE[i]);
        if let Some(upper) = rows
            .iter()
            .find(|r| r.data == data && r.estimator == "ais-reverse" && r.budget == reference)
        {
            chart = chart.with_line(
                Series::new(
                    format!("reverse AIS, {data} digits (an upper estimate)"),
                    vec![(left, upper.minus_ais.mean), (right, upper.minus_ais.mean)],
                )
                .color(PALETTE[i])
                .stroke(1, true),
            );
        }
    }
    chart.with_line(
        Series::new(
            format!("forward AIS, {reference} steps (a lower estimate)"),
            vec![(left, 0.0), (right, 0.0)],
        )
        .color(PALETTE[7])
        .stroke(1, true),
    )
}
// ANCHOR_END: chart

/// Writes [`chart`] to `path`, whole or not at all.
pub fn save_chart(rows: &[Row], path: &Path) -> Result<()> {
    chart(rows)
        .save_png(path)
        .with_context(|| format!("cannot draw {}", path.display()))
}

/// Simulated pixels, in {0, 1}, as the bytes the rest of the chapter reads.
fn as_bytes(x: &Array2<f32>) -> Array2<u8> {
    x.mapv(|p| if p > 0.5 { 255 } else { 0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_table_reads_back_as_written() {
        let rows = vec![
            row(
                "test",
                "is",
                5000,
                &[-80.0, -81.0, -79.5],
                &[-80.5, -81.0, -79.0],
                None,
            ),
            Row {
                acceptance: Some(0.651),
                ..row(
                    "simulated",
                    "ais",
                    200,
                    &[-90.0, -91.0, -92.0],
                    &[-90.0, -91.0, -92.0],
                    None,
                )
            },
        ];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bias.csv");
        save(&rows, &path).unwrap();
        let back = load(&path).unwrap();
        assert_eq!(markdown(&back), markdown(&rows));
        assert_eq!(back[1].acceptance, Some(0.651));
        assert_eq!(back[0].acceptance, None);
    }
}
