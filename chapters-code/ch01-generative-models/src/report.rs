//! The tables the binary prints, one function per numbered part, each returning its text so
//! that it can be tested.

use std::fmt::Write;

use crate::naive_mc::{self, ErrorColumn};
use crate::two_models::{ODD_POINT, TwoModels};

/// Part 1: what each model fitted, and what only the generative one can do.
pub fn two_models(run: &TwoModels) -> String {
    let mut text = String::new();
    let (w, b) = (&run.logistic.weights, run.logistic.bias);
    let _ = writeln!(text, "1. One data set, two models");
    let _ = writeln!(
        text,
        "  {} training points per class, {} test points per class",
        run.train.len() / 2,
        run.test.len() / 2
    );
    let sign = if b < 0.0 { '-' } else { '+' };
    let _ = writeln!(
        text,
        "  logistic regression  p(y=1|x) = sigmoid({:.2} x1 + {:.2} x2 {sign} {:.2}), fitted in {} gradient steps",
        w[0],
        w[1],
        b.abs(),
        run.logistic_steps
    );
    for (c, g) in run.gaussians.classes.iter().enumerate() {
        let (m, s) = (g.mean(), g.cov());
        let _ = writeln!(
            text,
            "  Gaussian of class {c}  p(y={c}) = {:.2}, mean ({:.2}, {:.2}), covariance [[{:.2}, {:.2}], [{:.2}, {:.2}]]",
            run.gaussians.priors[c],
            m[0],
            m[1],
            s[[0, 0]],
            s[[0, 1]],
            s[[1, 0]],
            s[[1, 1]]
        );
    }
    let _ = writeln!(
        text,
        "  test accuracy: logistic regression {:.1}%, Gaussians by Bayes' rule {:.1}%",
        100.0 * run.logistic_accuracy(),
        100.0 * run.generative_accuracy()
    );
    let _ = writeln!(
        text,
        "  mean log p(x) of the test points under the Gaussians: {:.2}",
        run.mean_test_log_density()
    );
    let (p1, log_px) = run.judge_odd_point();
    let _ = writeln!(
        text,
        "  at the odd point x = ({}, {}): logistic regression says p(y=1|x) = {:.11}; the Gaussians say log p(x) = {:.1}",
        ODD_POINT[0], ODD_POINT[1], p1, log_px
    );
    let _ = writeln!(
        text,
        "  {} new points sampled from the Gaussians ({} of class 1)",
        run.sampled.len(),
        run.sampled.y.iter().filter(|&&c| c == 1).count()
    );
    text
}

/// Part 2: the naive estimate's relative error against the number of prior draws, by data
/// dimension, measured and predicted.
pub fn error_table(columns: &[ErrorColumn], repeats: usize) -> String {
    let mut text = String::new();
    let _ = writeln!(text);
    let _ = writeln!(
        text,
        "2. Naive Monte Carlo: p(x) ~ (1/N) sum_n p(x|z_n), z_n ~ N(0, I), latent k = {}, noise s = {}",
        naive_mc::TABLE_LATENT_DIM,
        naive_mc::NOISE_STD
    );
    let _ = writeln!(
        text,
        "  relative error |p_hat/p - 1|, root mean square over {repeats} runs (theory in brackets)"
    );
    let _ = write!(text, "  {:>9}", "N");
    for c in columns {
        let _ = write!(text, "  {:>22}", format!("D = {}", c.data_dim));
    }
    let _ = writeln!(text);
    for (i, row) in columns[0].rows.iter().enumerate() {
        let _ = write!(text, "  {:>9}", row.samples);
        for c in columns {
            let r = &c.rows[i];
            let cell = format!(
                "{} ({})",
                percent(r.rms_relative_error),
                percent(r.predicted_relative_error)
            );
            let _ = write!(text, "  {cell:>22}");
        }
        let _ = writeln!(text);
    }
    let first = &columns[0].rows[0];
    let _ = write!(text, "  median p_hat/p at N = {}:", first.samples);
    for c in columns {
        let _ = write!(
            text,
            "  {:>12}",
            format!("10^{:.1}", c.rows[0].median_log10_ratio)
        );
    }
    let _ = writeln!(text);
    text
}

/// `0.0123` as `1.23%`, with three significant digits.
fn percent(fraction: f64) -> String {
    let p = 100.0 * fraction;
    if p >= 1000.0 {
        format!("{p:.0}%")
    } else if p >= 10.0 {
        format!("{p:.1}%")
    } else {
        format!("{p:.2}%")
    }
}

/// Part 3: the prior draws the naive estimate needs for a 10% relative error, by data and
/// latent dimension, for data points drawn with `seed`.
pub fn cost_table(seed: u64) -> String {
    let mut text = String::new();
    let _ = writeln!(text);
    let _ = writeln!(
        text,
        "3. Prior draws needed for a 10% relative error (log10, exact, mean over {} data points)",
        naive_mc::COST_POINTS
    );
    let _ = write!(text, "  {:>6}", "D");
    for k in naive_mc::COST_LATENT_DIMS {
        let _ = write!(text, "  {:>8}", format!("k = {k}"));
    }
    let _ = writeln!(text);
    let tables = naive_mc::COST_LATENT_DIMS
        .iter()
        .map(|&k| {
            naive_mc::cost_by_dimension(
                k,
                &naive_mc::COST_DATA_DIMS,
                naive_mc::NOISE_STD,
                naive_mc::COST_POINTS,
                seed,
            )
        })
        .collect::<Vec<_>>();
    for (i, &d) in naive_mc::COST_DATA_DIMS.iter().enumerate() {
        let _ = write!(text, "  {d:>6}");
        for table in &tables {
            let _ = write!(text, "  {:>8.1}", table[i].log10_samples_for_10_percent);
        }
        let _ = writeln!(text);
    }
    text
}

/// The end of part 3: one naive estimate with `draws` draws for a model the size of chapter 5's.
pub fn image_sized_run(draws: usize, seed: u64) -> String {
    let mut text = String::new();
    let (k, d) = (naive_mc::IMAGE_LATENT_DIM, naive_mc::IMAGE_DATA_DIM);
    let column = naive_mc::error_table(k, &[d], naive_mc::NOISE_STD, &[draws], 1, seed);
    let row = &column[0].rows[0];
    let _ = writeln!(
        text,
        "  one run at D = {d}, k = {k} with {draws} draws: p_hat / p = 10^{:.0}",
        row.median_log10_ratio
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_keeps_three_significant_digits() {
        assert_eq!(percent(0.0123), "1.23%");
        assert_eq!(percent(0.351), "35.1%");
        assert_eq!(percent(12.5), "1250%");
    }

    #[test]
    fn the_two_models_report_has_one_line_per_class() {
        let run = TwoModels::run(20, 10, 1).unwrap();
        let text = two_models(&run);
        assert!(text.starts_with("1. One data set, two models\n"), "{text}");
        assert!(text.contains("  20 training points per class"), "{text}");
        assert_eq!(text.matches("  Gaussian of class ").count(), 2, "{text}");
        assert!(
            text.contains("  10 new points sampled from the Gaussians ("),
            "{text}"
        );
    }
}
