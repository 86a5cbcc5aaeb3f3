//! Every test image's own numbers, saved beside the evaluation: its importance-sampled
//! `log p(x)` and its ELBO. Two models scored on the same images are then compared image by
//! image, and the error of that paired difference leaves out how much the digits differ.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, ensure};
use ch06_experiments::likelihood::ImageResult;
use serde::Deserialize;
use support::atomic::write_atomic;
use support::summary::Summary;
use support::table;

/// The file written beside evaluation.csv.
pub const PER_IMAGE: &str = "per_image.csv";
/// Its columns: the test image's index, then its two numbers in nats.
pub const HEADER: &str = "image,log_px,elbo";

/// One test image's scores.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct ImageScore {
    pub image: usize,
    pub log_px: f64,
    pub elbo: f64,
}

/// The scores at the draws' column `column` of chapter 6's per-image results, in image order.
pub fn scores(results: &[ImageResult], column: usize) -> Vec<ImageScore> {
    results
        .iter()
        .enumerate()
        .map(|(image, r)| ImageScore {
            image,
            log_px: r.estimates[column],
            elbo: r.elbo,
        })
        .collect()
}

/// Writes the scores to `path`, whole or not at all. Four decimals: the rounding moves a
/// mean over the images by less than 5e-5 nats.
pub fn save(scores: &[ImageScore], path: &Path) -> Result<()> {
    let mut text = format!("{HEADER}\n");
    for s in scores {
        writeln!(text, "{},{:.4},{:.4}", s.image, s.log_px, s.elbo)
            .expect("writing to a String cannot fail");
    }
    write_atomic(path, text.as_bytes()).with_context(|| format!("cannot write {}", path.display()))
}

/// Reads a per_image.csv back; the images must be 0, 1, 2, ... in order.
pub fn load(path: &Path) -> Result<Vec<ImageScore>> {
    let scores: Vec<ImageScore> = table::read(path, HEADER)?;
    if let Some((i, s)) = scores.iter().enumerate().find(|(i, s)| s.image != *i) {
        anyhow::bail!(
            "{}: row {} is image {}, not image {i}: the rows must be the test images in order",
            path.display(),
            i + 1,
            s.image
        );
    }
    Ok(scores)
}

// ANCHOR: paired
/// `second - first`, image by image, summarised: the mean difference and its paired standard
/// error, which measures only how the difference varies from digit to digit.
pub fn paired(
    first: &[ImageScore],
    second: &[ImageScore],
    value: fn(&ImageScore) -> f64,
) -> Result<Summary> {
    ensure!(
        first.len() == second.len(),
        "the two models were scored on {} and {} images: a paired difference needs the same images",
        first.len(),
        second.len()
    );
    let differences: Vec<f64> = first
        .iter()
        .zip(second)
        .map(|(a, b)| value(b) - value(a))
        .collect();
    Ok(Summary::of(&differences))
}
// ANCHOR_END: paired

#[cfg(test)]
mod tests {
    use super::*;

    fn score(image: usize, log_px: f64, elbo: f64) -> ImageScore {
        ImageScore {
            image,
            log_px,
            elbo,
        }
    }

    #[test]
    fn saved_scores_read_back_as_written() {
        let scores = vec![score(0, -86.25, -90.5), score(1, -101.0625, -104.125)];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(PER_IMAGE);
        save(&scores, &path).unwrap();
        assert_eq!(load(&path).unwrap(), scores);
    }

    #[test]
    fn rows_out_of_order_are_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(PER_IMAGE);
        std::fs::write(&path, format!("{HEADER}\n0,-1,-2\n2,-1,-2\n")).unwrap();
        let err = load(&path).unwrap_err().to_string();
        assert!(
            err.contains("per_image.csv") && err.contains("row 2 is image 2"),
            "{err}"
        );
    }

    #[test]
    fn the_paired_error_leaves_out_the_spread_between_digits() {
        // Digits far apart, the second model better by 1 to 3 nats on each.
        let first = [
            score(0, -60.0, 0.0),
            score(1, -100.0, 0.0),
            score(2, -140.0, 0.0),
        ];
        let second = [
            score(0, -59.0, 0.0),
            score(1, -98.0, 0.0),
            score(2, -137.0, 0.0),
        ];
        let d = paired(&first, &second, |s| s.log_px).unwrap();
        assert_eq!(d.mean, 2.0);
        // sd of (1, 2, 3) is 1, over sqrt(3): far below either model's own error (about 23).
        assert!((d.standard_error - 1.0 / 3f64.sqrt()).abs() < 1e-12);
        let err = paired(&first, &second[..2], |s| s.log_px).unwrap_err();
        assert!(err.to_string().contains("same images"), "{err}");
    }
}
