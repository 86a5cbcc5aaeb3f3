//! progress.csv: one row per pass of a training run (its stage, learning rate, training bound,
//! seconds and the UTC time it ended; the test ELBO at the end of each stage), rewritten
//! whole after every pass; and runs.txt, one line per start or resume of the run: when, from
//! which pass, with what command, on what machine. Together they say which stages ran, when,
//! and where.

use std::fmt::Write as _;
use std::path::Path;
use std::time::SystemTime;

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use support::atomic::write_atomic;
use support::table;

pub const PROGRESS: &str = "progress.csv";
pub const RUNS: &str = "runs.txt";
pub const HEADER: &str = "pass,stage,lr,train_bound,seconds,finished_utc,test_elbo";

/// The figures of one pass (its fields are the header's columns, read back by name).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Pass {
    pub pass: usize,
    pub stage: usize,
    pub lr: f32,
    /// The mean training bound of the pass's batches, nats per image, as they were trained.
    pub train_bound: f64,
    pub seconds: f64,
    /// When the pass ended, RFC 3339 in UTC.
    pub finished_utc: String,
    /// The test set's ELBO, nats per image, at the end of a stage (one sampled z per image).
    pub test_elbo: Option<f64>,
}

/// The current time as `2026-11-29T19:40:00Z`.
pub fn now_utc() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

pub fn to_csv(rows: &[Pass]) -> String {
    let mut text = format!("{HEADER}\n");
    for r in rows {
        let elbo = r.test_elbo.map_or(String::new(), |e| format!("{e:.4}"));
        writeln!(
            text,
            "{},{},{:e},{:.4},{:.3},{},{elbo}",
            r.pass, r.stage, r.lr, r.train_bound, r.seconds, r.finished_utc
        )
        .expect("writing to a String cannot fail");
    }
    text
}

/// Parses what [`to_csv`] wrote, naming the file and line of anything else.
pub fn parse_csv(text: &str, path: &Path) -> Result<Vec<Pass>> {
    Ok(table::parse(text, path, HEADER)?)
}

/// Reads a progress.csv file, naming the file and line of anything wrong.
pub fn load(path: &Path) -> Result<Vec<Pass>> {
    Ok(table::read(path, HEADER)?)
}

pub fn save(rows: &[Pass], path: &Path) -> Result<()> {
    write_atomic(path, to_csv(rows).as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// The rows of passes 1 to `passes` from the progress file of a run being resumed (a run
/// stopped between two checkpoints has written rows past the checkpoint: they are dropped).
pub fn earlier(path: &Path, passes: usize) -> Result<Vec<Pass>> {
    let mut rows = load(path)?;
    rows.retain(|r| r.pass <= passes);
    if rows.len() != passes || rows.iter().enumerate().any(|(i, r)| r.pass != i + 1) {
        bail!(
            "{}: does not hold one row for each of passes 1 to {passes}",
            path.display()
        );
    }
    Ok(rows)
}

/// What a finished stage of a run did, from its rows of progress.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct StageSummary {
    pub stage: usize,
    pub passes: usize,
    pub lr: f32,
    pub last_pass: usize,
    pub test_elbo: f64,
    pub finished_utc: String,
    /// Mean wall-clock seconds of the stage's passes.
    pub seconds_per_pass: f64,
}

/// The stages whose last pass is in `rows` (a stage ends with the row holding a test ELBO).
pub fn finished_stages(rows: &[Pass]) -> Vec<StageSummary> {
    let mut out = Vec::new();
    let mut first = 0;
    for (i, row) in rows.iter().enumerate() {
        if let Some(test_elbo) = row.test_elbo {
            let stage = &rows[first..=i];
            out.push(StageSummary {
                stage: row.stage,
                passes: stage.len(),
                lr: row.lr,
                last_pass: row.pass,
                test_elbo,
                finished_utc: row.finished_utc.clone(),
                seconds_per_pass: stage.iter().map(|r| r.seconds).sum::<f64>() / stage.len() as f64,
            });
            first = i + 1;
        }
    }
    out
}

/// The finished stages as a Markdown table, one row per stage.
pub fn stages_markdown(stages: &[StageSummary]) -> String {
    let mut s = String::from(
        "| stage | passes | learning rate | last pass | test ELBO, nats | ended (UTC) | seconds per pass |\n\
         |---|---|---|---|---|---|---|\n",
    );
    for st in stages {
        writeln!(
            s,
            "| {} | {} | {:.3e} | {} | {:.2} | {} | {:.1} |",
            st.stage,
            st.passes,
            st.lr,
            st.last_pass,
            st.test_elbo,
            st.finished_utc,
            st.seconds_per_pass
        )
        .expect("writing to a String cannot fail");
    }
    s
}

/// The processor's model name from /proc/cpuinfo, and the number of cores this process may use.
pub fn machine() -> String {
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown processor".to_string());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    format!("{model}, {cores} cores")
}

/// Appends a line to runs.txt (rewriting it whole, atomically).
pub fn log_run(out: &Path, line: &str) -> Result<()> {
    let path = out.join(RUNS);
    let mut text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    text.push_str(line);
    text.push('\n');
    write_atomic(&path, text.as_bytes()).with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(pass: usize, elbo: Option<f64>) -> Pass {
        Pass {
            pass,
            stage: 1,
            lr: 7.196857e-4,
            train_bound: 101.25,
            seconds: 3.5,
            finished_utc: "2026-11-29T19:40:00Z".into(),
            test_elbo: elbo,
        }
    }

    #[test]
    fn round_trips_and_drops_rows_past_the_checkpoint() {
        let rows = vec![row(1, Some(120.5)), row(2, None), row(3, None)];
        let text = to_csv(&rows);
        assert_eq!(parse_csv(&text, Path::new("p.csv")).unwrap(), rows);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(PROGRESS);
        save(&rows, &path).unwrap();
        assert_eq!(earlier(&path, 2).unwrap(), rows[..2]);
        let err = earlier(&path, 4).unwrap_err().to_string();
        assert!(err.contains("passes 1 to 4"), "{err}");
        let err = parse_csv("pass,loss\n", Path::new("p.csv"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("p.csv") && err.contains("header"), "{err}");
        let mut text = to_csv(&rows);
        text.push_str("4,1,7.196857e-4,101.25,3.5,2026-11-29T19:40:00Z\n");
        let err = parse_csv(&text, Path::new("p.csv"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("p.csv: line 5 has 6 fields"), "{err}");
        let text = to_csv(&rows).replacen("7.196857e-4", "fast", 1);
        let err = parse_csv(&text, Path::new("p.csv"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("p.csv: line 2: lr is \"fast\""), "{err}");
        let text = to_csv(&rows).replace(",120.5000\n", ",n/a\n");
        let err = parse_csv(&text, Path::new("p.csv"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("p.csv: line 2: test_elbo is \"n/a\""), "{err}");
    }

    /// The book's progress files, the full run's and the quick run's two, read and written
    /// again, are the same files to the byte (the running full run is resumed with this code).
    #[test]
    fn the_books_progress_files_read_back_and_write_the_same_bytes() {
        for (run, passes) in [
            ("full", None),
            ("quick/vae-k1", Some(13)),
            ("quick/iwae-k5", Some(13)),
        ] {
            let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../book/media/ch07-likelihood")
                .join(run)
                .join(PROGRESS);
            let text = std::fs::read_to_string(&path).unwrap();
            let rows = parse_csv(&text, &path).unwrap();
            if let Some(passes) = passes {
                assert_eq!(rows.len(), passes, "{run}");
            }
            assert!(
                rows.iter().enumerate().all(|(i, r)| r.pass == i + 1),
                "{run}"
            );
            assert!(rows.iter().any(|r| r.test_elbo.is_none()), "{run}");
            assert_eq!(to_csv(&rows), text, "{run}");
        }
    }

    #[test]
    fn stages_end_at_the_rows_with_a_test_elbo() {
        let mut rows = vec![
            row(1, Some(120.5)),
            row(2, None),
            row(3, None),
            row(4, Some(110.0)),
            row(5, None),
        ];
        rows[0].stage = 0;
        rows[0].seconds = 2.0;
        let stages = finished_stages(&rows);
        assert_eq!(stages.len(), 2, "the unfinished stage is left out");
        assert_eq!(
            (stages[0].stage, stages[0].passes, stages[0].last_pass),
            (0, 1, 1)
        );
        assert_eq!(
            (stages[1].stage, stages[1].passes, stages[1].last_pass),
            (1, 3, 4)
        );
        assert_eq!(stages[0].seconds_per_pass, 2.0);
        assert_eq!(stages[1].seconds_per_pass, 3.5);
        let table = stages_markdown(&stages);
        assert!(
            table.contains("| 1 | 3 | 7.197e-4 | 4 | 110.00 | 2026-11-29T19:40:00Z | 3.5 |"),
            "{table}"
        );
    }

    #[test]
    fn the_time_is_utc_to_the_second() {
        let t = now_utc();
        assert_eq!(t.len(), 20, "{t}");
        assert!(t.ends_with('Z'));
    }

    #[test]
    fn runs_are_appended() {
        let dir = tempfile::tempdir().unwrap();
        log_run(dir.path(), "first").unwrap();
        log_run(dir.path(), "second").unwrap();
        let text = std::fs::read_to_string(dir.path().join(RUNS)).unwrap();
        assert_eq!(text, "first\nsecond\n");
        assert!(machine().contains("cores"));
    }
}
