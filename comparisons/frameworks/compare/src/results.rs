//! The results file (TOML) and the summary printed at the end.

use std::fmt::Write as _;

use anyhow::Result;
use serde::Serialize;

use crate::machine::Machine;
use crate::runs::{Row, Setting, Which};

#[derive(Serialize)]
struct Document<'a> {
    command: &'a str,
    epochs: usize,
    threads: usize,
    data_dir: String,
    /// OMP_WAIT_POLICY as the children inherited it ("" when unset): it changes libtorch's
    /// speed on a busy machine.
    omp_wait_policy: String,
    machine: &'a Machine,
    run: Vec<RunRecord>,
}

#[derive(Serialize)]
struct RunRecord {
    name: String,
    version: String,
    threads: usize,
    seconds_median: f64,
    seconds_range: [f64; 2],
    test_loss_last: f64,
    peak_mib: f64,
    wall_seconds: f64,
    load_before: [f64; 3],
    load_after: [f64; 3],
    seconds: Vec<f64>,
    test_loss: Vec<f64>,
}

/// The median of `values` (the mean of the middle two for an even count).
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

fn round(x: f64, places: i32) -> f64 {
    let scale = 10f64.powi(places);
    (x * scale).round() / scale
}

fn record(row: &Row) -> RunRecord {
    let min = row.seconds.iter().copied().fold(f64::INFINITY, f64::min);
    let max = row
        .seconds
        .iter()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    RunRecord {
        name: row.which.to_string(),
        version: row.version.clone(),
        threads: row.threads,
        seconds_median: round(median(&row.seconds), 3),
        seconds_range: [round(min, 3), round(max, 3)],
        test_loss_last: round(*row.test_loss.last().unwrap_or(&f64::NAN), 2),
        peak_mib: round(row.peak_mib, 0),
        wall_seconds: round(row.wall_seconds, 1),
        load_before: row.load_before,
        load_after: row.load_after,
        seconds: row.seconds.iter().map(|&s| round(s, 3)).collect(),
        test_loss: row.test_loss.iter().map(|&l| round(l, 2)).collect(),
    }
}

pub fn to_toml(
    command: &str,
    setting: &Setting,
    machine: &Machine,
    rows: &[Row],
) -> Result<String> {
    let document = Document {
        command,
        epochs: setting.epochs,
        threads: setting.threads,
        data_dir: setting.data_dir.display().to_string(),
        omp_wait_policy: std::env::var("OMP_WAIT_POLICY").unwrap_or_default(),
        machine,
        run: rows.iter().map(record).collect(),
    };
    let mut text = String::from(
        "# Chapter 5's VAE five ways (candle and tch-rs also with PyTorch's initialisation), back to\n\
         # back on one machine, written by comparisons/frameworks' runner\n\
         # (`cargo run --release -p compare`). seconds: wall-clock seconds of each epoch's\n\
         # training steps (not the test pass); test_loss: negative ELBO per test image in nats after\n\
         # each epoch; peak_mib: the child process's peak resident memory (wait4's ru_maxrss);\n\
         # load_before/after: the 1-, 5- and 15-minute load averages around the run.\n",
    );
    text.push_str(&toml::to_string(&document)?);
    Ok(text)
}

/// One line per implementation: median seconds per epoch, range, last test loss and its
/// distance from PyTorch's (the honesty check: within 1 nat), peak memory.
pub fn summary(rows: &[Row]) -> String {
    let pytorch = rows
        .iter()
        .find(|r| r.which == Which::Pytorch)
        .map(|r| record(r).test_loss_last);
    let mut s = String::from(
        "implementation      s/epoch (median, range)   test loss   - PyTorch's   peak MiB\n",
    );
    for row in rows {
        let r = record(row);
        let versus = pytorch.map_or("-".to_string(), |p| format!("{:+.2}", r.test_loss_last - p));
        let range = format!("({:.2}-{:.2})", r.seconds_range[0], r.seconds_range[1]);
        let _ = writeln!(
            s,
            "{:<18} {:6.2} {:<19} {:10.2}   {:>11}   {:8.0}",
            r.name, r.seconds_median, range, r.test_loss_last, versus, r.peak_mib
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(median(&[]).is_nan());
    }
}
