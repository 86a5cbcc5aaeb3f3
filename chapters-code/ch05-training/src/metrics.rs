//! metrics.csv: one row per epoch, losses in nats per image (the negative ELBO and its two
//! terms), rewritten whole after every epoch so it is never half-written.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};
use support::atomic::write_atomic;

pub const HEADER: &str = "epoch,train_loss,test_loss,test_recon,test_kl,seconds";

/// The figures of one epoch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EpochMetrics {
    pub epoch: usize,
    /// Mean negative ELBO over the epoch's training batches, as they were trained.
    pub train_loss: f64,
    /// Negative ELBO on the test set after the epoch: `test_recon + test_kl`.
    pub test_loss: f64,
    pub test_recon: f64,
    pub test_kl: f64,
    /// Wall-clock seconds of the epoch's training steps.
    pub seconds: f64,
}

/// The CSV text of all rows, header first.
pub fn to_csv(rows: &[EpochMetrics]) -> String {
    let mut text = format!("{HEADER}\n");
    for r in rows {
        writeln!(
            text,
            "{},{:.4},{:.4},{:.4},{:.4},{:.3}",
            r.epoch, r.train_loss, r.test_loss, r.test_recon, r.test_kl, r.seconds
        )
        .unwrap();
    }
    text
}

/// Parses what [`to_csv`] wrote (to continue a resumed run's table).
pub fn parse_csv(text: &str, path: &Path) -> Result<Vec<EpochMetrics>> {
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
            let fields: Vec<&str> = line.split(',').collect();
            let bad = || {
                format!(
                    "{}: line {} is not a metrics row: {line:?}",
                    path.display(),
                    i + 2
                )
            };
            if fields.len() != 6 {
                bail!(bad());
            }
            let f = |k: usize| fields[k].parse::<f64>().with_context(bad);
            Ok(EpochMetrics {
                epoch: fields[0].parse().with_context(bad)?,
                train_loss: f(1)?,
                test_loss: f(2)?,
                test_recon: f(3)?,
                test_kl: f(4)?,
                seconds: f(5)?,
            })
        })
        .collect()
}

/// Writes metrics.csv atomically.
pub fn save(rows: &[EpochMetrics], path: &Path) -> Result<()> {
    write_atomic(path, to_csv(rows).as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_csv() {
        let rows = vec![
            EpochMetrics {
                epoch: 1,
                train_loss: 164.25,
                test_loss: 127.5,
                test_recon: 102.25,
                test_kl: 25.25,
                seconds: 1.5,
            },
            EpochMetrics {
                epoch: 2,
                train_loss: 121.0,
                test_loss: 115.75,
                test_recon: 90.5,
                test_kl: 25.25,
                seconds: 1.25,
            },
        ];
        let text = to_csv(&rows);
        assert!(text.starts_with("epoch,train_loss,test_loss,test_recon,test_kl,seconds\n1,"));
        assert_eq!(parse_csv(&text, Path::new("m.csv")).unwrap(), rows);
    }

    #[test]
    fn a_damaged_file_is_named_in_the_error() {
        let err = parse_csv("epoch,loss\n", Path::new("m.csv"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("m.csv") && err.contains("header"), "{err}");
        let text = format!("{HEADER}\n1,2,3\n");
        let err = parse_csv(&text, Path::new("m.csv"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2"), "{err}");
    }
}
