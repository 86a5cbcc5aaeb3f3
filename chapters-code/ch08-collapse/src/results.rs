//! The results file: one row per trained model, written whole or not at all, read back for
//! the figure and by the tests that check the page's numbers.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;
use support::atomic::write_atomic;

use crate::evaluate::Scores;
use crate::train::Plan;

pub const HEADER: &str = "run,decoder,recipe,beta,seed,passes,train_images,test_images,k,\
rate,rate_se,distortion,distortion_se,elbo,elbo_se,log_px,log_px_se,mutual_information,\
marginal_kl,mi_images,active_units,latent,train_seconds";

/// One model's row; nats per image, `_se` the standard error over the test images.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Row {
    pub run: String,
    /// `plain` (chapter 7's decoder) or `autoregressive`.
    pub decoder: String,
    pub recipe: String,
    /// The KL weight the recipe ends with.
    pub beta: f64,
    pub seed: u64,
    pub passes: usize,
    pub train_images: usize,
    pub test_images: usize,
    pub k: usize,
    pub rate: f64,
    pub rate_se: f64,
    pub distortion: f64,
    pub distortion_se: f64,
    pub elbo: f64,
    pub elbo_se: f64,
    pub log_px: f64,
    pub log_px_se: f64,
    pub mutual_information: f64,
    pub marginal_kl: f64,
    pub mi_images: usize,
    pub active_units: usize,
    pub latent: usize,
    pub train_seconds: f64,
}

impl Row {
    /// The row of a model trained as `plan` says on `train_images` images and `scores`.
    pub fn new(
        run: &str,
        autoregressive: bool,
        plan: &Plan,
        train_images: usize,
        test_images: usize,
        scores: &Scores,
        train_seconds: f64,
    ) -> Row {
        Row {
            run: run.to_string(),
            decoder: if autoregressive {
                "autoregressive"
            } else {
                "plain"
            }
            .to_string(),
            recipe: plan.recipe.to_string(),
            beta: plan.recipe.final_beta(),
            seed: plan.seed,
            passes: plan.passes,
            train_images,
            test_images,
            k: scores.k,
            rate: scores.rate.mean,
            rate_se: scores.rate.standard_error,
            distortion: scores.distortion.mean,
            distortion_se: scores.distortion.standard_error,
            elbo: scores.elbo.mean,
            elbo_se: scores.elbo.standard_error,
            log_px: scores.log_px.mean,
            log_px_se: scores.log_px.standard_error,
            mutual_information: scores.split.mutual_information,
            marginal_kl: scores.split.marginal_kl,
            mi_images: scores.split.images,
            active_units: scores.active_units,
            latent: scores.latent,
            train_seconds,
        }
    }

    fn csv(&self) -> String {
        format!(
            "{},{},{},{},{},{},{},{},{},{:.4},{:.4},{:.4},{:.4},{:.4},{:.4},{:.4},{:.4},{:.4},{:.4},{},{},{},{:.1}",
            self.run,
            self.decoder,
            self.recipe,
            self.beta,
            self.seed,
            self.passes,
            self.train_images,
            self.test_images,
            self.k,
            self.rate,
            self.rate_se,
            self.distortion,
            self.distortion_se,
            self.elbo,
            self.elbo_se,
            self.log_px,
            self.log_px_se,
            self.mutual_information,
            self.marginal_kl,
            self.mi_images,
            self.active_units,
            self.latent,
            self.train_seconds
        )
    }
}

/// Writes `rows` to `path` atomically.
pub fn save(rows: &[Row], path: &Path) -> Result<()> {
    let mut text = format!("{HEADER}\n");
    for r in rows {
        // The fields are written unquoted: a name with a comma would shift every column.
        anyhow::ensure!(
            !r.run.contains([',', '"', '\n']),
            "{}: the model name {:?} holds a comma, quote or line break",
            path.display(),
            r.run
        );
        writeln!(text, "{}", r.csv()).expect("writing to a String cannot fail");
    }
    write_atomic(path, text.as_bytes()).with_context(|| format!("cannot write {}", path.display()))
}

/// Reads back a file [`save`] wrote.
pub fn load(path: &Path) -> Result<Vec<Row>> {
    Ok(support::table::read(path, HEADER)?)
}

/// The table the binary prints, one line per model.
pub fn markdown(rows: &[Row]) -> String {
    let mut out = String::from(
        "| model | R | D | ELBO | log p(x) | I(x; z) | KL(q(z) ‖ p(z)) | active |\n\
         |---|---|---|---|---|---|---|---|",
    );
    for r in rows {
        write!(
            out,
            "\n| {} | {:.2} | {:.2} | {:.2} ± {:.2} | {:.2} ± {:.2} | {:.2} | {:.2} | {} of {} |",
            r.run,
            r.rate,
            r.distortion,
            r.elbo,
            r.elbo_se,
            r.log_px,
            r.log_px_se,
            r.mutual_information,
            r.marginal_kl,
            r.active_units,
            r.latent
        )
        .expect("writing to a String cannot fail");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_round_trips() {
        let row = Row {
            run: "beta-0.5".into(),
            decoder: "plain".into(),
            recipe: "beta-0.5".into(),
            beta: 0.5,
            seed: 1,
            passes: 3,
            train_images: 100,
            test_images: 50,
            k: 10,
            rate: 20.5,
            rate_se: 0.25,
            distortion: 80.0,
            distortion_se: 1.5,
            elbo: -100.5,
            elbo_se: 1.5,
            log_px: -98.25,
            log_px_se: 1.5,
            mutual_information: 3.5,
            marginal_kl: 17.0,
            mi_images: 50,
            active_units: 7,
            latent: 50,
            train_seconds: 12.5,
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.csv");
        save(std::slice::from_ref(&row), &path).unwrap();
        assert_eq!(load(&path).unwrap(), vec![row]);
        let broken = dir.path().join("broken.csv");
        std::fs::write(&broken, "run,decoder\nx,y\n").unwrap();
        let err = load(&broken).unwrap_err().to_string();
        assert!(err.contains("broken.csv"), "{err}");
        let comma = Row {
            run: "AR, ELBO".into(),
            ..load(&path).unwrap()[0].clone()
        };
        let err = save(&[comma], &path).unwrap_err().to_string();
        assert!(err.contains("AR, ELBO"), "{err}");
    }
}
