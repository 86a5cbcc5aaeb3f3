//! Full runs of one recipe that differ only in their seed, side by side: each run's test
//! log p(x) and ELBO with its test-set standard error, each later run's difference from the
//! first image by image with its paired standard error, and the mean over the seeds with their
//! spread. Three errors that measure three different things, each row naming its own.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, ensure};
use serde::Deserialize;
use support::atomic::write_atomic;
use support::plot::{Chart, LegendPosition, Marker, PALETTE, PointGroup, Series};
use support::summary::Summary;
use support::table;

use crate::evaluate;
use crate::kcurve::{self, Point};
use crate::model::SHAPE;
use crate::per_image::{self, ImageScore};
use crate::report::{self, Row};
use crate::run::{EVALUATION, KCURVE};
use crate::train::RunSpec;

/// The files `--compare` writes into `--out`.
pub const SEEDS: &str = "seeds.csv";
pub const SEEDS_CHART: &str = "seeds_kcurve.png";
/// Burda et al.'s test log p(x) for this VAE trained on the ELBO (one run, K = 5,000).
pub const PAPER_LOG_PX: f64 = -86.76;
const PAPER_K: usize = 5000;
/// Its columns: what is measured, over which runs, the value, its error and what that error
/// measures, and the number of test images behind it.
pub const HEADER: &str = "quantity,runs,value,error,error_is,images";

/// What a row's error measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorIs {
    /// One model's spread over the test digits, over the square root of their number.
    TestSetSe,
    /// The spread of the image-by-image difference of two models, over the same root.
    PairedSe,
    /// The sample standard deviation of the runs' values (divisor runs - 1).
    SdOverSeeds,
}

impl ErrorIs {
    fn name(self) -> &'static str {
        match self {
            ErrorIs::TestSetSe => "test_set_se",
            ErrorIs::PairedSe => "paired_se",
            ErrorIs::SdOverSeeds => "sd_over_seeds",
        }
    }
}

/// One line of seeds.csv.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Line {
    /// `log_px` or `elbo`.
    pub quantity: String,
    /// `seed 2`, `seed 2 - seed 1` or `mean of 2 seeds`.
    pub runs: String,
    pub value: f64,
    pub error: f64,
    pub error_is: ErrorIs,
    pub images: usize,
}

/// A finished full run, read from its folder.
#[derive(Debug, Clone)]
pub struct Run {
    pub spec: RunSpec,
    pub evaluation: Row,
    pub scores: Vec<ImageScore>,
    /// The K-curve of the evaluation's draws (kcurve.csv).
    pub curve: Vec<Point>,
}

/// Reads the run in `dir`: its checkpoint's settings, evaluation.csv and per_image.csv, which
/// must agree with each other.
pub fn load_run(dir: &Path) -> Result<Run> {
    let (_, checkpoint) = evaluate::load(&dir.join("checkpoint.bin"), SHAPE)?;
    let rows = report::load(&dir.join(EVALUATION))?;
    let [evaluation] = <[Row; 1]>::try_from(rows).map_err(|rows| {
        anyhow::anyhow!(
            "{}: one evaluation expected, found {}",
            dir.join(EVALUATION).display(),
            rows.len()
        )
    })?;
    let path = dir.join(per_image::PER_IMAGE);
    let scores = per_image::load(&path)?;
    let e = &evaluation.evaluation;
    ensure!(
        scores.len() == e.images && scores.len() >= 2,
        "{}: {} images, but {} scored {}",
        path.display(),
        scores.len(),
        EVALUATION,
        e.images
    );
    let mean = Summary::of(&scores.iter().map(|s| s.log_px).collect::<Vec<_>>()).mean;
    ensure!(
        (mean - e.log_px.mean).abs() < 1e-3,
        "{}: its mean log p(x) {mean:.4} is not evaluation.csv's {:.4}: the files are not of one \
         evaluation",
        path.display(),
        e.log_px.mean
    );
    ensure!(
        checkpoint.epoch == evaluation.passes,
        "{}: the checkpoint is of pass {}, evaluation.csv of pass {}",
        dir.display(),
        checkpoint.epoch,
        evaluation.passes
    );
    let curve = kcurve::load(&dir.join(KCURVE))?;
    ensure!(
        curve
            .last()
            .is_some_and(|p| p.k == e.k && (p.value.mean - e.log_px.mean).abs() < 1e-3),
        "{}: its last point is not evaluation.csv's K = {} estimate",
        dir.join(KCURVE).display(),
        e.k
    );
    Ok(Run {
        spec: checkpoint.settings,
        evaluation,
        scores,
        curve,
    })
}

/// Which of an image's two scores a row is about.
type Score = fn(&ImageScore) -> f64;

// ANCHOR: compare
/// The rows of seeds.csv for runs of one recipe scored on the same test images.
pub fn compare(runs: &[Run]) -> Result<Vec<Line>> {
    ensure!(
        runs.len() >= 2,
        "a comparison of seeds needs at least two runs"
    );
    let first = &runs[0];
    for r in &runs[1..] {
        let same_recipe = RunSpec {
            seed: first.spec.seed,
            ..r.spec
        } == first.spec;
        ensure!(
            same_recipe,
            "the runs differ in more than their seed: {:?} and {:?}",
            first.spec,
            r.spec
        );
        let (a, b) = (&first.evaluation.evaluation, &r.evaluation.evaluation);
        ensure!(
            (a.k, a.images) == (b.k, b.images),
            "the runs were scored differently: k = {} on {} images and k = {} on {}",
            a.k,
            a.images,
            b.k,
            b.images
        );
    }
    let mut lines = Vec::new();
    let quantities: [(&str, Score); 2] = [("log_px", |s| s.log_px), ("elbo", |s| s.elbo)];
    for (quantity, value) in quantities {
        let line = |runs: String, s: Summary, error_is| Line {
            quantity: quantity.to_string(),
            runs,
            value: s.mean,
            error: s.standard_error,
            error_is,
            images: s.count,
        };
        let mut means = Vec::new();
        for r in runs {
            let s = Summary::of(&r.scores.iter().map(value).collect::<Vec<_>>());
            means.push(s.mean);
            lines.push(line(format!("seed {}", r.spec.seed), s, ErrorIs::TestSetSe));
        }
        for r in &runs[1..] {
            let d = per_image::paired(&first.scores, &r.scores, value)?;
            let name = format!("seed {} - seed {}", r.spec.seed, first.spec.seed);
            lines.push(line(name, d, ErrorIs::PairedSe));
        }
        // Summary's error is sd / sqrt(n); the spread over seeds is the sd itself.
        let over = Summary::of(&means);
        lines.push(Line {
            error: over.standard_error * (runs.len() as f64).sqrt(),
            images: first.scores.len(),
            ..line(
                format!("mean of {} seeds", runs.len()),
                over,
                ErrorIs::SdOverSeeds,
            )
        });
    }
    Ok(lines)
}
// ANCHOR_END: compare

/// Writes the lines to `path`, whole or not at all.
pub fn save(lines: &[Line], path: &Path) -> Result<()> {
    let mut text = format!("{HEADER}\n");
    for l in lines {
        writeln!(
            text,
            "{},{},{:.4},{:.4},{},{}",
            l.quantity,
            l.runs,
            l.value,
            l.error,
            l.error_is.name(),
            l.images
        )
        .expect("writing to a String cannot fail");
    }
    write_atomic(path, text.as_bytes()).with_context(|| format!("cannot write {}", path.display()))
}

/// Reads a seeds.csv back.
pub fn load(path: &Path) -> Result<Vec<Line>> {
    Ok(table::read(path, HEADER)?)
}

/// The lines as a Markdown table, as the binary prints them.
pub fn markdown(lines: &[Line]) -> String {
    let mut text =
        String::from("| quantity | runs | nats | ± | the ± is |\n|---|---|---:|---:|---|\n");
    for l in lines {
        writeln!(
            text,
            "| {} | {} | {:.2} | {:.2} | {} |",
            l.quantity,
            l.runs,
            l.value,
            l.error,
            l.error_is.name()
        )
        .expect("writing to a String cannot fail");
    }
    text
}

/// Each run's K-curve on the whole test set, with bars of two test-set standard errors (set a
/// little apart, run by run, so that each shows), beside the paper's one number at K = 5,000.
pub fn chart(runs: &[Run]) -> Chart {
    let mut chart = Chart::new(
        "Test log p(x) by importance sampling, as K grows",
        "log10 K (importance samples per digit)",
        "estimated log p(x), nats",
    )
    .size(720, 480)
    .legend(LegendPosition::LowerRight);
    let x = |k: usize| (k as f64).log10();
    for (i, run) in runs.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        let shift = 0.03 * (i as f64 - (runs.len() as f64 - 1.0) / 2.0);
        let points: Vec<(f64, f64)> = run
            .curve
            .iter()
            .map(|p| (x(p.k) + shift, p.value.mean))
            .collect();
        chart = chart
            .with_line(Series::new(format!("seed {}", run.spec.seed), points.clone()).color(color))
            .with_points(
                PointGroup::new(String::new(), points)
                    .color(color)
                    .marker(Marker::Dot, 3),
            );
        let bars: Vec<(f64, f64, f64)> = run
            .curve
            .iter()
            .map(|p| (x(p.k) + shift, p.value.mean, 2.0 * p.value.standard_error))
            .collect();
        chart = chart.with_error_bars(&bars, color);
    }
    chart.with_points(
        PointGroup::new(
            "Burda et al., one run, K = 5,000 (no error given)",
            vec![(x(PAPER_K), PAPER_LOG_PX)],
        )
        .color(PALETTE[7])
        .marker(Marker::Cross, 6),
    )
}

/// Writes [`chart`] to `path`, whole or not at all.
pub fn save_chart(runs: &[Run], path: &Path) -> Result<()> {
    chart(runs)
        .save_png(path)
        .with_context(|| format!("cannot draw {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binarize::Binarize;
    use crate::evaluate::Evaluation;
    use crate::schedule::Schedule;

    fn run(seed: u64, log_px: &[f64]) -> Run {
        let scores: Vec<ImageScore> = log_px
            .iter()
            .enumerate()
            .map(|(image, &l)| ImageScore {
                image,
                log_px: l,
                elbo: l - 4.0,
            })
            .collect();
        let summary = Summary::of(log_px);
        Run {
            spec: RunSpec {
                shape: SHAPE,
                schedule: Schedule::Full,
                k: 1,
                batch_size: 20,
                seed,
                binarize: Binarize::Dynamic,
                limit: None,
                threads: 1,
            },
            evaluation: Row {
                model: "vae-k1".into(),
                train_k: 1,
                passes: 3280,
                seconds: 1.0,
                evaluation: Evaluation {
                    log_px: summary,
                    elbo: summary,
                    active_units: 20,
                    latent: 50,
                    k: 5000,
                    images: log_px.len(),
                },
            },
            curve: vec![Point {
                series: "vae-k1".into(),
                k: 5000,
                value: summary,
            }],
            scores,
        }
    }

    #[test]
    fn each_row_carries_the_error_of_what_it_compares() {
        let a = run(1, &[-60.0, -100.0, -140.0]);
        let b = run(2, &[-59.0, -98.0, -137.0]);
        let lines = compare(&[a, b]).unwrap();
        let find = |q: &str, r: &str| lines.iter().find(|l| l.quantity == q && l.runs == r);
        let one = find("log_px", "seed 1").unwrap();
        assert_eq!((one.value, one.error_is), (-100.0, ErrorIs::TestSetSe));
        assert!((one.error - 40.0 / 3f64.sqrt()).abs() < 1e-9);
        let d = find("log_px", "seed 2 - seed 1").unwrap();
        assert_eq!((d.value, d.error_is), (2.0, ErrorIs::PairedSe));
        assert!((d.error - 1.0 / 3f64.sqrt()).abs() < 1e-12);
        let m = find("log_px", "mean of 2 seeds").unwrap();
        assert_eq!((m.value, m.error_is), (-99.0, ErrorIs::SdOverSeeds));
        // Two values 2 apart: sd = 2 / sqrt(2).
        assert!((m.error - 2f64.sqrt()).abs() < 1e-12);
        assert!(find("elbo", "seed 2 - seed 1").is_some());
        assert_eq!(lines.len(), 8);

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SEEDS);
        save(&lines, &path).unwrap();
        let back = load(&path).unwrap();
        assert_eq!(back.len(), lines.len());
        assert_eq!((back[4].runs.as_str(), back[4].value), ("seed 1", -104.0));
    }

    #[test]
    fn runs_of_different_recipes_or_evaluations_are_refused() {
        let a = run(1, &[-60.0, -100.0]);
        let mut b = run(2, &[-59.0, -98.0]);
        b.spec.batch_size = 100;
        let err = compare(&[a.clone(), b]).unwrap_err().to_string();
        assert!(err.contains("more than their seed"), "{err}");
        let mut c = run(2, &[-59.0, -98.0]);
        c.evaluation.evaluation.k = 1000;
        let err = compare(&[a.clone(), c]).unwrap_err().to_string();
        assert!(err.contains("scored differently"), "{err}");
        let err = compare(&[a]).unwrap_err().to_string();
        assert!(err.contains("at least two"), "{err}");
    }
}
