//! The results tables: printed as Markdown and written as CSV files, which the chapter's
//! numbers are read from.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};
use support::atomic::write_atomic;

use support::summary::Summary;

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

/// Reads back what [`save`] wrote, naming the file and line of anything else.
pub fn load(path: &Path) -> Result<Vec<Row>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut lines = text.lines();
    if lines.next() != Some(HEADER) {
        bail!(
            "{}: the first line is not the header `{HEADER}`",
            path.display()
        );
    }
    lines
        .enumerate()
        .map(|(i, line)| {
            let bad = || {
                format!(
                    "{}: line {} is not a results row: {line:?}",
                    path.display(),
                    i + 2
                )
            };
            let f: Vec<&str> = line.split(',').collect();
            if f.len() != 12 {
                bail!(bad());
            }
            let num = |k: usize| f[k].parse::<f64>().with_context(bad);
            let int = |k: usize| f[k].parse::<usize>().with_context(bad);
            let summary = |mean: f64, standard_error: f64, count: usize| Summary {
                mean,
                standard_error,
                count,
            };
            let images = int(11)?;
            Ok(Row {
                model: f[0].to_string(),
                train_k: int(1)?,
                passes: int(2)?,
                seconds: num(3)?,
                evaluation: Evaluation {
                    log_px: summary(num(4)?, num(5)?, images),
                    elbo: summary(num(6)?, num(7)?, images),
                    active_units: int(8)?,
                    latent: int(9)?,
                    k: int(10)?,
                    images,
                },
            })
        })
        .collect()
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

/// Reads one numeric column of a results CSV by its header name, one value per row.
pub fn column(path: &Path, name: &str) -> Result<Vec<f64>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or("").split(',').collect();
    let Some(i) = header.iter().position(|h| *h == name) else {
        bail!("{}: no column {name:?} in its header", path.display());
    };
    lines
        .enumerate()
        .map(|(n, line)| {
            let field = line.split(',').nth(i).unwrap_or("");
            field.parse::<f64>().with_context(|| {
                format!(
                    "{}: line {}: {name} is {field:?}, not a number",
                    path.display(),
                    n + 2
                )
            })
        })
        .collect()
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
        assert_eq!(column(&path, "elbo").unwrap(), [-105.5]);
        assert!(
            column(&path, "nats")
                .unwrap_err()
                .to_string()
                .contains("nats")
        );
        assert!(
            markdown(&rows)
                .contains("| vae-k1 | 13 | -101.25 ± 0.75 | -105.50 ± 0.81 | 4.25 | 17 of 50 |")
        );
    }
}
