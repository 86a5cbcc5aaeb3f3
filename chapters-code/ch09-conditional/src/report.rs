//! The results tables: written as CSV files, which the page's numbers are read from, and
//! printed as Markdown beside Pyro's reproduction of Sohn et al.'s table.

use std::fmt::Write as _;

use serde::Deserialize;
use support::summary::{Moments, Summary};

/// Pyro's CVAE tutorial, nats, 1 / 2 / 3 quadrants given: the deterministic baseline.
pub const PYRO_BASELINE: [f64; 3] = [100.4, 61.9, 25.4];
/// The same, for the CVAE (a 10-sample negative conditional ELBO).
pub const PYRO_CVAE: [f64; 3] = [71.8, 51.0, 24.2];

pub const HEADER: &str = "seed,given,quantity,mean,standard_error,images,k,baseline_epochs,cvae_epochs,train_images,train_seconds";

/// One line of `quadrants.csv`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Row {
    pub seed: u64,
    pub given: usize,
    /// `baseline`, `cvae_elbo`, `cvae_importance` or `baseline_minus_cvae` (paired).
    pub quantity: String,
    pub mean: f64,
    /// Over test digits (for the difference: of the per-digit differences).
    pub standard_error: f64,
    pub images: usize,
    pub k: usize,
    pub baseline_epochs: usize,
    pub cvae_epochs: usize,
    pub train_images: usize,
    /// Both networks' training, in seconds.
    pub train_seconds: f64,
}

/// The rows a scored run contributes: the three numbers and the paired difference.
pub fn rows(
    common: &Row,
    baseline: &[f64],
    cvae_elbo: &[f64],
    cvae_importance: &[f64],
) -> Vec<Row> {
    let difference: Vec<f64> = baseline
        .iter()
        .zip(cvae_importance)
        .map(|(b, c)| b - c)
        .collect();
    [
        ("baseline", baseline),
        ("cvae_elbo", cvae_elbo),
        ("cvae_importance", cvae_importance),
        ("baseline_minus_cvae", &difference[..]),
    ]
    .into_iter()
    .map(|(quantity, values)| {
        let s = Summary::of(values);
        Row {
            quantity: quantity.to_string(),
            mean: s.mean,
            standard_error: s.standard_error,
            images: values.len(),
            ..common.clone()
        }
    })
    .collect()
}

pub fn to_csv(rows: &[Row]) -> String {
    let mut text = format!("{HEADER}\n");
    for r in rows {
        writeln!(
            text,
            "{},{},{},{:.4},{:.4},{},{},{},{},{},{:.1}",
            r.seed,
            r.given,
            r.quantity,
            r.mean,
            r.standard_error,
            r.images,
            r.k,
            r.baseline_epochs,
            r.cvae_epochs,
            r.train_images,
            r.train_seconds
        )
        .expect("writing to a String cannot fail");
    }
    text
}

pub const K_CURVE_HEADER: &str =
    "seed,given,k,mean,standard_error,images,minus_largest,minus_largest_standard_error";

/// One line of `k-curve.csv`: the CVAE's importance-sampled `-log p(y | x)` with `k` draws
/// per test digit, and its paired difference from the estimate with the most draws.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct KCurveRow {
    pub seed: u64,
    pub given: usize,
    pub k: usize,
    pub mean: f64,
    /// Over the test digits.
    pub standard_error: f64,
    pub images: usize,
    /// This estimate minus the one with the most draws, digit by digit, averaged: how far
    /// above it `k` draws sit.
    pub minus_largest: f64,
    /// Of those per-digit differences.
    pub minus_largest_standard_error: f64,
}

/// The rows of one model's K-curve: `curves[i]` holds each digit's estimate with `ks[i]`
/// draws.
pub fn k_curve_rows(seed: u64, given: usize, ks: &[usize], curves: &[Vec<f64>]) -> Vec<KCurveRow> {
    let most = ks
        .iter()
        .enumerate()
        .max_by_key(|(_, k)| **k)
        .map_or(0, |(i, _)| i);
    ks.iter()
        .zip(curves)
        .map(|(&k, values)| {
            let s = Summary::of(values);
            let minus: Vec<f64> = values
                .iter()
                .zip(&curves[most])
                .map(|(a, b)| a - b)
                .collect();
            let d = Summary::of(&minus);
            KCurveRow {
                seed,
                given,
                k,
                mean: s.mean,
                standard_error: s.standard_error,
                images: values.len(),
                minus_largest: d.mean,
                minus_largest_standard_error: d.standard_error,
            }
        })
        .collect()
}

pub fn k_curve_csv(rows: &[KCurveRow]) -> String {
    let mut text = format!("{K_CURVE_HEADER}\n");
    for r in rows {
        writeln!(
            text,
            "{},{},{},{:.4},{:.4},{},{:.4},{:.4}",
            r.seed,
            r.given,
            r.k,
            r.mean,
            r.standard_error,
            r.images,
            r.minus_largest,
            r.minus_largest_standard_error
        )
        .expect("writing to a String cannot fail");
    }
    text
}

/// The row of `quantity` for `given` quadrants and `seed`, if there is one.
pub fn find<'a>(rows: &'a [Row], seed: u64, given: usize, quantity: &str) -> Option<&'a Row> {
    rows.iter()
        .find(|r| r.seed == seed && r.given == given && r.quantity == quantity)
}

/// One estimate over the seeds of a run: its mean over them, the standard deviation of the
/// seeds' values (the spread a new seed would show), and the smallest and largest of the
/// seeds' standard errors over the test digits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OverSeeds {
    pub mean: f64,
    pub sd: f64,
    pub seeds: usize,
    pub standard_error_range: [f64; 2],
}

/// `quantity` with `given` quadrants over every seed in `rows` (None if no seed has it).
pub fn over_seeds(rows: &[Row], given: usize, quantity: &str) -> Option<OverSeeds> {
    let found: Vec<&Row> = rows
        .iter()
        .filter(|r| r.given == given && r.quantity == quantity)
        .collect();
    if found.is_empty() {
        return None;
    }
    let moments = Moments::of(found.iter().map(|r| r.mean));
    let errors = found.iter().map(|r| r.standard_error);
    Some(OverSeeds {
        mean: moments.mean(),
        sd: moments.variance().sqrt(),
        seeds: found.len(),
        standard_error_range: [
            errors.clone().fold(f64::INFINITY, f64::min),
            errors.fold(f64::NEG_INFINITY, f64::max),
        ],
    })
}

/// The estimates' names, in the order of the tables.
const QUANTITIES: [(&str, &str); 4] = [
    ("baseline", "baseline"),
    ("cvae_elbo", "CVAE, negative ELBO"),
    ("cvae_importance", "CVAE, importance sampled"),
    ("baseline_minus_cvae", "baseline - CVAE (paired)"),
];

/// The Markdown table: one row per estimate and seed, the anchor rows below; with more than
/// one seed, then each estimate's mean over the seeds and their standard deviation.
pub fn markdown(rows: &[Row]) -> String {
    let mut seeds: Vec<u64> = rows.iter().map(|r| r.seed).collect();
    seeds.dedup();
    let cell = |seed, given, q: &str| {
        find(rows, seed, given, q).map_or("".to_string(), |r| {
            format!("{:.1} ± {:.1}", r.mean, r.standard_error)
        })
    };
    let mut text = String::from(
        "| nats, -log p(y given x) | 1 quadrant | 2 quadrants | 3 quadrants |\n|---|---|---|---|\n",
    );
    for &seed in &seeds {
        for (q, name) in QUANTITIES {
            writeln!(
                text,
                "| {name} (seed {seed}) | {} | {} | {} |",
                cell(seed, 1, q),
                cell(seed, 2, q),
                cell(seed, 3, q)
            )
            .expect("writing to a String cannot fail");
        }
    }
    if seeds.len() > 1 {
        for (q, name) in QUANTITIES {
            let cell = |given| {
                over_seeds(rows, given, q).map_or(String::new(), |o| {
                    format!("{:.2} (sd {:.2} over {} seeds)", o.mean, o.sd, o.seeds)
                })
            };
            writeln!(
                text,
                "| {name}, mean over seeds | {} | {} | {} |",
                cell(1),
                cell(2),
                cell(3)
            )
            .expect("writing to a String cannot fail");
        }
    }
    for (name, v) in [("Pyro: baseline", PYRO_BASELINE), ("Pyro: CVAE", PYRO_CVAE)] {
        writeln!(text, "| {name} | {} | {} | {} |", v[0], v[1], v[2])
            .expect("writing to a String cannot fail");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(seed: u64, given: usize, mean: f64, standard_error: f64) -> Row {
        Row {
            seed,
            given,
            quantity: "cvae_elbo".into(),
            mean,
            standard_error,
            images: 10,
            k: 5,
            baseline_epochs: 1,
            cvae_epochs: 1,
            train_images: 100,
            train_seconds: 1.0,
        }
    }

    #[test]
    fn over_seeds_gives_the_mean_the_spread_and_the_errors_range() {
        let rows = [
            row(1, 1, 1.0, 0.1),
            row(2, 1, 2.0, 0.3),
            row(3, 1, 3.0, 0.2),
            row(1, 2, 9.0, 0.5),
        ];
        let o = over_seeds(&rows, 1, "cvae_elbo").unwrap();
        assert_eq!((o.mean, o.sd, o.seeds), (2.0, 1.0, 3));
        assert_eq!(o.standard_error_range, [0.1, 0.3]);
        assert_eq!(over_seeds(&rows, 2, "cvae_elbo").unwrap().sd, 0.0);
        assert!(over_seeds(&rows, 3, "cvae_elbo").is_none());
        assert!(markdown(&rows).contains("| CVAE, negative ELBO, mean over seeds | 2.00 (sd 1.00 over 3 seeds) | 9.00 (sd 0.00 over 1 seeds) |  |"));
    }
}
