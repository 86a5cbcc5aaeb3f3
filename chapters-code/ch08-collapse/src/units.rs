//! Each model's latent units, kept whole: the variance over the images of every unit's
//! posterior mean. Burda et al.'s count of active units is how many exceed 0.01; with the
//! variances saved, the count at any other threshold is a reading of the file, not a new run.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, ensure};
use ch06_experiments::active::count_above;
use ndarray::Array1;
use serde::Deserialize;
use support::atomic::write_atomic;

/// The file written beside results.csv, and its columns.
pub const UNITS: &str = "unit_variances.csv";
pub const HEADER: &str = "run,unit,variance";

/// One model's unit variances, named as in results.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct Units {
    pub run: String,
    pub variances: Array1<f32>,
}

impl Units {
    /// The active units at each of `thresholds`.
    pub fn counts(&self, thresholds: &[f32]) -> Vec<usize> {
        thresholds
            .iter()
            .map(|&t| count_above(self.variances.view(), t))
            .collect()
    }
}

/// Writes every model's variances to `path`, whole or not at all; `{:e}` keeps every digit
/// of an `f32`, so a count read back from the file is the count of the run.
pub fn save(all: &[Units], path: &Path) -> Result<()> {
    let mut text = format!("{HEADER}\n");
    for u in all {
        for (unit, v) in u.variances.iter().enumerate() {
            writeln!(text, "{},{unit},{v:e}", u.run).expect("writing to a String cannot fail");
        }
    }
    write_atomic(path, text.as_bytes()).with_context(|| format!("cannot write {}", path.display()))
}

#[derive(Deserialize)]
struct Line {
    run: String,
    unit: usize,
    variance: f32,
}

/// Reads back a file [`save`] wrote: each model's units 0, 1, 2, ... in order.
pub fn load(path: &Path) -> Result<Vec<Units>> {
    let lines: Vec<Line> = support::table::read(path, HEADER)?;
    let mut all: Vec<(String, Vec<f32>)> = Vec::new();
    for (i, l) in lines.into_iter().enumerate() {
        if all.last().is_none_or(|(run, _)| *run != l.run) {
            all.push((l.run.clone(), Vec::new()));
        }
        let (run, variances) = all.last_mut().expect("pushed above");
        ensure!(
            l.unit == variances.len(),
            "{}: line {} is unit {} of {run:?}, not unit {}: each model's units must be listed \
             0, 1, 2, ... in order",
            path.display(),
            i + 2,
            l.unit,
            variances.len()
        );
        variances.push(l.variance);
    }
    Ok(all
        .into_iter()
        .map(|(run, v)| Units {
            run,
            variances: Array1::from(v),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(run: &str, v: &[f32]) -> Units {
        Units {
            run: run.to_string(),
            variances: Array1::from(v.to_vec()),
        }
    }

    #[test]
    fn variances_read_back_exactly() {
        let all = vec![
            units("AR ELBO", &[1.0 / 81.0, 1e-7, 2.5]),
            units("beta 1", &[0.3, 0.01]),
        ];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(UNITS);
        save(&all, &path).unwrap();
        assert_eq!(load(&path).unwrap(), all);
    }

    #[test]
    fn counts_follow_the_threshold() {
        let u = units("m", &[0.5, 0.05, 0.005, 0.0005]);
        assert_eq!(u.counts(&[1e-4, 1e-3, 1e-2, 1e-1]), vec![4, 3, 2, 1]);
    }

    #[test]
    fn a_unit_out_of_order_is_refused_by_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(UNITS);
        std::fs::write(&path, format!("{HEADER}\nm,0,1e-2\nm,2,1e-3\n")).unwrap();
        let e = load(&path).unwrap_err().to_string();
        assert!(e.contains("line 3 is unit 2") && e.contains(UNITS), "{e}");
    }
}
