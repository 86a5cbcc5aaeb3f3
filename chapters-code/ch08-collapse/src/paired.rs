//! The runs of the study read together: every model against its seed's plain-ELBO model of
//! the same decoder, image by image (the paired error leaves out how much the digits differ,
//! which the two models share), and every model's active units at several thresholds.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail, ensure};
use ch07_likelihood::active::THRESHOLDS;
use ch07_likelihood::per_image::{self, ImageScore};
use serde::{Deserialize, Serialize};

use crate::results::{self, Row};
use crate::run::{RESULTS, per_image_file};
use crate::units::{self, UNITS, Units};

/// The files written into `--out`, and their columns.
pub const PAIRED: &str = "paired.csv";
pub const PAIRED_HEADER: &str = "seed,model,reference,images,log_px_difference,log_px_paired_se,\
elbo_difference,elbo_paired_se";
pub const ACTIVE: &str = "active_thresholds.csv";
pub const ACTIVE_HEADER: &str = "seed,model,threshold,active,latent";

/// The model each other model is compared with: the plain ELBO on the same decoder.
pub const AR_ELBO: &str = "AR ELBO";
pub const PLAIN_ELBO: &str = "beta 1";

/// One trained model, as its run folder holds it.
struct Model {
    dir: PathBuf,
    row: Row,
    images: Vec<ImageScore>,
    units: Units,
}

/// The reference of the model in `row`.
pub fn reference(row: &Row) -> &'static str {
    if row.decoder == "autoregressive" {
        AR_ELBO
    } else {
        PLAIN_ELBO
    }
}

/// One line of paired.csv: `model - reference`, nats per image, with the paired standard
/// errors over the test images.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    pub seed: u64,
    pub model: String,
    pub reference: String,
    pub images: usize,
    pub log_px_difference: f64,
    pub log_px_paired_se: f64,
    pub elbo_difference: f64,
    pub elbo_paired_se: f64,
}

/// One line of active_thresholds.csv.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActiveAt {
    pub seed: u64,
    pub model: String,
    pub threshold: f32,
    pub active: usize,
    pub latent: usize,
}

fn read_run(dir: &Path) -> Result<Vec<Model>> {
    let rows = results::load(&dir.join(RESULTS))?;
    let units = units::load(&dir.join(UNITS))?;
    let mut models = Vec::new();
    for row in rows {
        let Some(u) = units.iter().find(|u| u.run == row.run) else {
            bail!(
                "{}: no unit variances for {:?}, which {} lists",
                dir.join(UNITS).display(),
                row.run,
                RESULTS
            );
        };
        let images = per_image::load(&dir.join(per_image_file(&row.run)))?;
        ensure!(
            images.len() == row.test_images,
            "{}: {} images, where {} says {:?} was scored on {}",
            dir.join(per_image_file(&row.run)).display(),
            images.len(),
            RESULTS,
            row.run,
            row.test_images
        );
        models.push(Model {
            dir: dir.to_path_buf(),
            units: u.clone(),
            row,
            images,
        });
    }
    Ok(models)
}

// ANCHOR: compare
/// Reads the runs in `dirs` and writes paired.csv and active_thresholds.csv into `out`.
pub fn compare(dirs: &[PathBuf], out: &Path) -> Result<(Vec<Difference>, Vec<ActiveAt>)> {
    let mut models: Vec<Model> = Vec::new();
    for dir in dirs {
        for m in read_run(dir)? {
            if let Some(twin) = models
                .iter()
                .find(|o| o.row.seed == m.row.seed && o.row.run == m.row.run)
            {
                bail!(
                    "{:?} of seed {} is in both {} and {}: give each model once",
                    m.row.run,
                    m.row.seed,
                    twin.dir.display(),
                    m.dir.display()
                );
            }
            models.push(m);
        }
    }
    models.sort_by_key(|m| m.row.seed);
    let mut differences = Vec::new();
    for m in &models {
        let name = reference(&m.row);
        if m.row.run == name {
            continue;
        }
        let Some(r) = models
            .iter()
            .find(|r| r.row.seed == m.row.seed && r.row.run == name)
        else {
            bail!(
                "{}: {:?} of seed {} has no {name:?} of the same seed to be compared with among \
                 the runs given",
                m.dir.display(),
                m.row.run,
                m.row.seed
            );
        };
        let (a, b) = (&r.row, &m.row);
        ensure!(
            (a.passes, a.train_images, a.test_images, a.k)
                == (b.passes, b.train_images, b.test_images, b.k),
            "{:?} ({}) and {:?} ({}) were trained or scored differently (passes, training \
             images, test images, k): a paired difference needs one protocol",
            a.run,
            r.dir.display(),
            b.run,
            m.dir.display()
        );
        let log_px = per_image::paired(&r.images, &m.images, |s| s.log_px)?;
        let elbo = per_image::paired(&r.images, &m.images, |s| s.elbo)?;
        differences.push(Difference {
            seed: b.seed,
            model: b.run.clone(),
            reference: a.run.clone(),
            images: m.images.len(),
            log_px_difference: log_px.mean,
            log_px_paired_se: log_px.standard_error,
            elbo_difference: elbo.mean,
            elbo_paired_se: elbo.standard_error,
        });
    }
    let active: Vec<ActiveAt> = models
        .iter()
        .flat_map(|m| {
            THRESHOLDS
                .iter()
                .zip(m.units.counts(&THRESHOLDS))
                .map(|(&threshold, active)| ActiveAt {
                    seed: m.row.seed,
                    model: m.row.run.clone(),
                    threshold,
                    active,
                    latent: m.row.latent,
                })
        })
        .collect();
    save(&differences, &active, out)?;
    Ok((differences, active))
}
// ANCHOR_END: compare

fn save(differences: &[Difference], active: &[ActiveAt], out: &Path) -> Result<()> {
    support::table::write(&out.join(PAIRED), PAIRED_HEADER, differences)?;
    support::table::write(&out.join(ACTIVE), ACTIVE_HEADER, active)?;
    Ok(())
}

/// Reads back the two files [`compare`] wrote into `dir`.
pub fn load(dir: &Path) -> Result<(Vec<Difference>, Vec<ActiveAt>)> {
    Ok((
        support::table::read(&dir.join(PAIRED), PAIRED_HEADER)?,
        support::table::read(&dir.join(ACTIVE), ACTIVE_HEADER)?,
    ))
}

/// The table the binary prints: each difference with its paired error.
pub fn markdown(differences: &[Difference]) -> String {
    let mut out = String::from("| seed | model − reference | log p(x) | ELBO |\n|---|---|---|---|");
    for d in differences {
        write!(
            out,
            "\n| {} | {} − {} | {:+.2} ± {:.2} | {:+.2} ± {:.2} |",
            d.seed,
            d.model,
            d.reference,
            d.log_px_difference,
            d.log_px_paired_se,
            d.elbo_difference,
            d.elbo_paired_se
        )
        .expect("writing to a String cannot fail");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array1;

    fn row(run: &str, decoder: &str, seed: u64) -> Row {
        Row {
            run: run.to_string(),
            decoder: decoder.to_string(),
            recipe: "beta".to_string(),
            beta: 1.0,
            seed,
            passes: 2,
            train_images: 10,
            test_images: 3,
            k: 5,
            rate: 1.0,
            rate_se: 0.1,
            distortion: 2.0,
            distortion_se: 0.1,
            elbo: -3.0,
            elbo_se: 0.1,
            log_px: -2.5,
            log_px_se: 0.1,
            mutual_information: 0.5,
            marginal_kl: 0.5,
            mi_images: 3,
            active_units: 1,
            latent: 2,
            train_seconds: 1.0,
        }
    }

    /// A run folder with `models` (name, decoder, each image's log p(x), unit variances); the
    /// ELBO is log p(x) - 1 on every image.
    fn run_dir(
        root: &Path,
        name: &str,
        seed: u64,
        models: &[(&str, &str, [f64; 3], [f32; 2])],
    ) -> PathBuf {
        let dir = root.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        let rows: Vec<Row> = models.iter().map(|m| row(m.0, m.1, seed)).collect();
        results::save(&rows, &dir.join(RESULTS)).unwrap();
        let all: Vec<Units> = models
            .iter()
            .map(|m| Units {
                run: m.0.to_string(),
                variances: Array1::from(m.3.to_vec()),
            })
            .collect();
        units::save(&all, &dir.join(UNITS)).unwrap();
        for m in models {
            let scores: Vec<ImageScore> =
                m.2.iter()
                    .enumerate()
                    .map(|(image, &log_px)| ImageScore {
                        image,
                        log_px,
                        elbo: log_px - 1.0,
                    })
                    .collect();
            per_image::save(&scores, &dir.join(per_image_file(m.0))).unwrap();
        }
        dir
    }

    #[test]
    fn each_model_is_compared_with_its_seeds_elbo_model_image_by_image() {
        let root = tempfile::tempdir().unwrap();
        let a = run_dir(
            root.path(),
            "a",
            1,
            &[
                (
                    AR_ELBO,
                    "autoregressive",
                    [-10.0, -20.0, -30.0],
                    [0.5, 0.001],
                ),
                (
                    "AR free bits 0.25",
                    "autoregressive",
                    [-11.0, -22.0, -30.0],
                    [0.5, 0.02],
                ),
            ],
        );
        let b = run_dir(
            root.path(),
            "b",
            1,
            &[
                (PLAIN_ELBO, "plain", [-12.0, -21.0, -33.0], [0.2, 0.0]),
                ("warm-up 10", "plain", [-12.0, -22.0, -32.0], [0.2, 0.2]),
            ],
        );
        let (d, active) = compare(&[a, b], root.path()).unwrap();
        assert_eq!(d.len(), 2);
        // Differences -1, -2, 0: mean -1, standard deviation 1, paired SE 1/sqrt(3).
        assert_eq!(
            (d[0].model.as_str(), d[0].reference.as_str()),
            ("AR free bits 0.25", AR_ELBO)
        );
        assert!((d[0].log_px_difference + 1.0).abs() < 1e-12);
        assert!((d[0].log_px_paired_se - 1.0 / 3f64.sqrt()).abs() < 1e-12);
        assert!((d[0].elbo_difference - d[0].log_px_difference).abs() < 1e-12);
        // Differences 0, -1, +1: mean 0, the same spread.
        assert_eq!(d[1].reference, PLAIN_ELBO);
        assert!(d[1].log_px_difference.abs() < 1e-12);
        let at = |model: &str, t: f32| {
            active
                .iter()
                .find(|a| a.model == model && a.threshold == t)
                .unwrap()
                .active
        };
        assert_eq!((at(AR_ELBO, 1e-4), at(AR_ELBO, 1e-2)), (2, 1));
        assert_eq!(
            (at("AR free bits 0.25", 1e-2), at("AR free bits 0.25", 1e-1)),
            (2, 1)
        );
        assert_eq!(load(root.path()).unwrap(), (d, active));
    }

    #[test]
    fn a_model_without_its_reference_is_refused_by_name() {
        let root = tempfile::tempdir().unwrap();
        let a = run_dir(
            root.path(),
            "revive",
            2,
            &[("warm-up 10", "plain", [-1.0, -2.0, -3.0], [0.5, 0.5])],
        );
        let e = compare(&[a], root.path()).unwrap_err().to_string();
        assert!(
            e.contains("\"warm-up 10\" of seed 2 has no \"beta 1\""),
            "{e}"
        );
    }

    #[test]
    fn a_model_given_twice_is_refused() {
        let root = tempfile::tempdir().unwrap();
        let models = [(AR_ELBO, "autoregressive", [-1.0, -2.0, -3.0], [0.5, 0.5])];
        let a = run_dir(root.path(), "a", 1, &models);
        let b = run_dir(root.path(), "b", 1, &models);
        let e = compare(&[a, b], root.path()).unwrap_err().to_string();
        assert!(e.contains("is in both"), "{e}");
    }
}
