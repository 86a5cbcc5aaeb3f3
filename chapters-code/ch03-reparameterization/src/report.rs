//! The tables the binary prints, one function per numbered part, each returning its text so
//! that it can be tested.

use std::fmt::Write;

use support::summary::Moments;

use crate::comparison::{self, Estimates, Row};
use crate::dimension::{self, DimRow};
use crate::training::{self, Method, TrainingRow};

fn mean_pm(s: &Estimates) -> String {
    format!("{:.3} ± {:.3}", s.mean, s.standard_error)
}

/// Part 1: both estimators against the exact gradients, with their variances.
pub fn comparison(rows: &[Row], samples: usize) -> String {
    let mut text = String::new();
    let q = comparison::TABLE_Q;
    let _ = writeln!(
        text,
        "1. Gradient of E[f(z)], z ~ N({}, {}^2): mean of {samples} one-sample estimates ± standard error",
        q.mu, q.sigma
    );
    let _ = writeln!(
        text,
        "   and the variance of one estimate (exact value in brackets)"
    );
    let _ = writeln!(
        text,
        "  {:<8} {:<10} {:>8}  {:>17}  {:>17}  {:>17}  {:>19}  {:>6}",
        "f",
        "gradient",
        "exact",
        "pathwise",
        "score function",
        "var pathwise",
        "var score function",
        "ratio"
    );
    for r in rows {
        let _ = writeln!(
            text,
            "  {:<8} {:<10} {:>8.3}  {:>17}  {:>17}  {:>17}  {:>19}  {:>6.2}",
            r.function.name(),
            r.parameter.name(),
            r.exact,
            mean_pm(&r.pathwise),
            mean_pm(&r.score),
            variance_cell(&r.pathwise),
            variance_cell(&r.score),
            r.variance_ratio()
        );
    }
    text
}

fn variance_cell(s: &Estimates) -> String {
    format!("{} ({})", short(s.variance), short(s.exact_variance))
}

/// Four significant digits, without an exponent for the magnitudes in these tables.
fn short(v: f64) -> String {
    let digits = if v.abs() >= 1000.0 {
        0
    } else {
        (3 - v.abs().log10().floor() as i32).clamp(0, 6) as usize
    };
    format!("{v:.digits$}")
}

/// Part 2: the estimators' variances as the dimension of `z` grows.
pub fn dimension(rows: &[DimRow], samples: usize) -> String {
    let mut text = String::new();
    let q = dimension::DIM_Q;
    let _ = writeln!(text);
    let _ = writeln!(
        text,
        "2. d/dmu_1 of E[(z_1^2 + ... + z_k^2) / 2], every z_i ~ N({}, {}^2): exact value {}, {samples} one-sample estimates per row",
        q.mu, q.sigma, q.mu
    );
    let _ = writeln!(
        text,
        "   mean ± standard error, then the variance of one estimate (exact value in brackets)"
    );
    let _ = writeln!(
        text,
        "  {:>5}  {:>15}  {:>17}  {:>17}  {:>13}  {:>19}  {:>17}",
        "k",
        "pathwise",
        "score function",
        "score + baseline",
        "var pathwise",
        "var score function",
        "var score + base."
    );
    let pm = |m: &Moments| format!("{:.3} ± {:.3}", m.mean(), m.standard_error());
    let var = |m: &Moments, exact: f64| format!("{} ({})", short(m.variance()), short(exact));
    for r in rows {
        let v = &r.exact_variances;
        let _ = writeln!(
            text,
            "  {:>5}  {:>15}  {:>17}  {:>17}  {:>13}  {:>19}  {:>17}",
            r.dim,
            pm(&r.pathwise),
            pm(&r.score),
            pm(&r.score_baseline),
            var(&r.pathwise, v.pathwise),
            var(&r.score, v.score),
            var(&r.score_baseline, v.score_baseline)
        );
    }
    text
}

/// Part 3: the median final KL of the training runs, by estimator and step size.
pub fn training(rows: &[TrainingRow], steps: usize, runs: usize) -> String {
    let mut text = String::new();
    let (p, s) = (training::TARGET, training::START);
    let _ = writeln!(text);
    let _ = writeln!(
        text,
        "3. Fitting q to p = N({}, {}^2) from q = N({}, {}^2): {steps} steps of gradient ascent, one sample per step",
        p.mu, p.sigma, s.mu, s.sigma
    );
    let _ = writeln!(
        text,
        "   median final KL(q || p) over {runs} runs [runs that diverged]"
    );
    let _ = write!(text, "  {:>9}", "step size");
    for m in Method::ALL {
        let _ = write!(text, "  {:>22}", m.name());
    }
    let _ = writeln!(text);
    for chunk in rows.chunks(Method::ALL.len()) {
        let _ = write!(text, "  {:>9}", chunk[0].step_size);
        for r in chunk {
            let kl = r.median_kl();
            let kl = if kl.is_finite() {
                format!("{kl:.4}")
            } else {
                "diverged".into()
            };
            let _ = write!(
                text,
                "  {:>22}",
                format!("{kl} [{}/{}]", r.diverged(), runs)
            );
        }
        let _ = writeln!(text);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn short_keeps_four_significant_digits() {
        assert_eq!(short(42.0), "42.00");
        assert_eq!(short(0.5), "0.5000");
        assert_eq!(short(2500.4), "2500");
    }

    #[test]
    fn the_comparison_table_has_a_row_per_function_and_parameter() {
        let rows = comparison::table(10, &mut StdRng::seed_from_u64(1)).unwrap();
        let text = comparison(&rows, 10);
        assert_eq!(text.lines().count(), 3 + rows.len(), "{text}");
        assert!(text.starts_with("1. Gradient of E[f(z)]"), "{text}");
        assert!(text.contains("mean of 10 one-sample estimates"), "{text}");
    }
}
