//! metrics.csv: one row per epoch, losses in nats per image (the negative ELBO and its two
//! terms), rewritten whole after every epoch so it is never half-written.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;
use support::atomic::write_atomic;
use support::table;

pub const HEADER: &str = "epoch,train_loss,test_loss,test_recon,test_kl,seconds";

/// The figures of one epoch (its fields are the header's columns, read back by name).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
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

/// Parses what [`to_csv`] wrote (to continue a resumed run's table), naming the file and
/// line of anything else.
pub fn parse_csv(text: &str, path: &Path) -> Result<Vec<EpochMetrics>> {
    Ok(table::parse(text, path, HEADER)?)
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
        assert!(err.contains("m.csv: line 2"), "{err}");
        let text = format!("{HEADER}\n1,2,3,4,5,6\n2,2,3,four,5,6\n");
        let err = parse_csv(&text, Path::new("m.csv"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("m.csv: line 3: test_recon is \"four\""),
            "{err}"
        );
    }

    /// The book's metrics.csv, read and written again, is the same file to the byte.
    #[test]
    fn the_books_metrics_read_back_and_write_the_same_bytes() {
        let path = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../book/media/ch05-training/metrics.csv"
        ));
        let text = std::fs::read_to_string(path).unwrap();
        let rows = parse_csv(&text, path).unwrap();
        assert_eq!(rows.len(), 20);
        assert_eq!(to_csv(&rows), text);
    }
}
