//! The results tables: printed as Markdown and written as CSV files, which the chapter's
//! numbers are read from.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;
use support::atomic::write_atomic;
use support::summary::Summary;
use support::table;

use crate::evaluate::Evaluation;

/// One trained model and what its evaluation found.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// `vae-k1` or `iwae-k5`.
    pub model: String,
    /// Samples per image in the training bound.
    pub train_k: usize,
    pub passes: usize,
    /// Seconds of training.
    pub seconds: f64,
    pub evaluation: Evaluation,
}

pub const HEADER: &str =
    "model,train_k,passes,train_seconds,log_px,log_px_se,elbo,elbo_se,active_units,latent,k,images";

pub fn to_csv(rows: &[Row]) -> String {
    let mut text = format!("{HEADER}\n");
    for r in rows {
        let e = &r.evaluation;
        writeln!(
            text,
            "{},{},{},{:.1},{:.4},{:.4},{:.4},{:.4},{},{},{},{}",
            r.model,
            r.train_k,
            r.passes,
            r.seconds,
            e.log_px.mean,
            e.log_px.standard_error,
            e.elbo.mean,
            e.elbo.standard_error,
            e.active_units,
            e.latent,
            e.k,
            e.images
        )
        .expect("writing to a String cannot fail");
    }
    text
}

/// One line of the CSV file, as [`to_csv`] writes it: the fields are the header's columns.
#[derive(Deserialize)]
struct Record {
    model: String,
    train_k: usize,
    passes: usize,
    train_seconds: f64,
    log_px: f64,
    log_px_se: f64,
    elbo: f64,
    elbo_se: f64,
    active_units: usize,
    latent: usize,
    k: usize,
    images: usize,
}

impl From<Record> for Row {
    fn from(r: Record) -> Row {
        let summary = |mean, standard_error| Summary {
            mean,
            standard_error,
            count: r.images,
        };
        Row {
            evaluation: Evaluation {
                log_px: summary(r.log_px, r.log_px_se),
                elbo: summary(r.elbo, r.elbo_se),
                active_units: r.active_units,
                latent: r.latent,
                k: r.k,
                images: r.images,
            },
            model: r.model,
            train_k: r.train_k,
            passes: r.passes,
            seconds: r.train_seconds,
        }
    }
}

/// Reads back what [`save`] wrote, naming the file and line of anything else.
pub fn load(path: &Path) -> Result<Vec<Row>> {
    let records: Vec<Record> = table::read(path, HEADER)?;
    Ok(records.into_iter().map(Row::from).collect())
}

pub fn save(rows: &[Row], path: &Path) -> Result<()> {
    write_atomic(path, to_csv(rows).as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// The table as Markdown, one row per model.
pub fn markdown(rows: &[Row]) -> String {
    let mut s = String::from(
        "| model | passes | test log p(x), nats | ELBO, nats | log p(x) - ELBO | active units |\n\
         |---|---|---|---|---|---|\n",
    );
    for r in rows {
        let e = &r.evaluation;
        writeln!(
            s,
            "| {} | {} | {:.2} ± {:.2} | {:.2} ± {:.2} | {:.2} | {} of {} |",
            r.model,
            r.passes,
            e.log_px.mean,
            e.log_px.standard_error,
            e.elbo.mean,
            e.elbo.standard_error,
            e.log_px.mean - e.elbo.mean,
            e.active_units,
            e.latent
        )
        .expect("writing to a String cannot fail");
    }
    if let Some(e) = rows.first().map(|r| &r.evaluation) {
        writeln!(
            s,
            "\nlog p(x) by importance sampling with k = {} on {} binarized test images; ± one standard error over the images.",
            e.k, e.images
        )
        .expect("writing to a String cannot fail");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_round_trip_through_csv() {
        let s = |mean, standard_error| Summary {
            mean,
            standard_error,
            count: 1000,
        };
        let rows = vec![Row {
            model: "vae-k1".into(),
            train_k: 1,
            passes: 13,
            seconds: 12.5,
            evaluation: Evaluation {
                log_px: s(-101.25, 0.75),
                elbo: s(-105.5, 0.8125),
                active_units: 17,
                latent: 50,
                k: 1000,
                images: 1000,
            },
        }];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.csv");
        save(&rows, &path).unwrap();
        assert_eq!(load(&path).unwrap(), rows);
        assert!(
            markdown(&rows)
                .contains("| vae-k1 | 13 | -101.25 ± 0.75 | -105.50 ± 0.81 | 4.25 | 17 of 50 |")
        );
    }

    #[test]
    fn a_damaged_results_file_is_named_in_the_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.csv");
        let row = "vae-k1,1,13,12.5,-101.2500,0.7500,-105.5000,0.8125,17,50,1000,1000";
        for (text, expected) in [
            (
                "model,k\n".to_string(),
                "r.csv: the first line is not the header",
            ),
            (
                format!("{HEADER}\n{row},1\n"),
                "r.csv: line 2 has 13 fields",
            ),
            (
                format!("{HEADER}\n{row}\n{}\n", row.replace(",17,", ",most,")),
                "r.csv: line 3: active_units is \"most\"",
            ),
            (
                format!("{HEADER}\n{}\n", row.replace("-105.5000", "")),
                "r.csv: line 2: elbo is \"\"",
            ),
        ] {
            std::fs::write(&path, &text).unwrap();
            let err = load(&path).unwrap_err().to_string();
            assert!(err.contains(expected), "{text:?}: {err}");
        }
        let err = load(&dir.path().join("none.csv")).unwrap_err().to_string();
        assert!(
            err.contains("cannot read") && err.contains("none.csv"),
            "{err}"
        );
    }

    /// The book's quick.csv, read and written again, is the same file to the byte.
    #[test]
    fn the_books_results_read_back_and_write_the_same_bytes() {
        let path = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../book/media/ch07-likelihood/quick/quick.csv"
        ));
        let rows = load(path).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(to_csv(&rows), std::fs::read_to_string(path).unwrap());
    }
}
