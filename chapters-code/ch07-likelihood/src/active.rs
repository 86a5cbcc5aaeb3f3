//! How far the count of active units rests on its two choices. Burda et al. call a latent unit
//! `u` active when `Cov_x(E_q(u|x)[u])`, the variance over the images of its posterior mean,
//! exceeds 0.01. Both the threshold and the images are choices: this module counts the units of
//! one model for several thresholds on several sets of images, and lists each unit's variance,
//! sorted, so a reader can see whether the active and the inactive units are far apart (then
//! the threshold hardly matters) or spread out (then the count describes the threshold too).

use std::fmt::Write as _;
use std::path::Path;

use crate::binarize::{self, Binarize, TEST_SEED};
use anyhow::{Context, Result};
use ch04_model::vae::Vae;
use ch06_experiments::active::{count_above, unit_variances};
use ch06_experiments::posterior::encode;
use mnist::DataSet;
use ndarray::{Array1, Array2, ArrayView2, s};
use serde::Deserialize;
use support::atomic::write_atomic;

/// The thresholds tried; 0.01 is Burda et al.'s.
pub const THRESHOLDS: [f32; 5] = [1e-4, 1e-3, 1e-2, 1e-1, 0.5];

/// The file names written into `--out`, and their columns.
pub const ACTIVE: &str = "active_units.csv";
pub const ACTIVE_HEADER: &str = "images,image_count,threshold,active,latent";
pub const VARIANCES: &str = "unit_variances.csv";
pub const VARIANCES_HEADER: &str = "images,image_count,rank,unit,variance";

/// The `purpose` of the stream that draws the training images once (the test set's one draw is
/// purpose 0 of the same seed, [`TEST_SEED`], so the two draws are independent).
pub const TRAIN_DRAW_PURPOSE: u64 = 1;

/// A set of images, named as in the files.
pub struct ImageSet {
    pub name: &'static str,
    pub images: Array2<u8>,
}

// ANCHOR: sets
/// The sets of images compared, from MNIST as read (grey bytes, nothing binarized yet):
/// - `test`: the 10,000 test images binarized as the evaluation binarizes them;
/// - `test-first-1000`: the first 1,000 of those (the quick run's evaluation);
/// - `train`: the 60,000 training images binarized as `binarize` says; under `dynamic` one
///   draw, from the stream of seed [`TEST_SEED`] and purpose [`TRAIN_DRAW_PURPOSE`] (the
///   trainer draws afresh at every pass; this is one such draw);
/// - `train-first-500`: the first 500 of those (Burda et al.'s code counts on 500 training
///   images);
/// - `train-grey`: the 60,000 training images' grey levels, which no binary model was trained on.
pub fn image_sets(raw: &DataSet, binarize: Binarize) -> Vec<ImageSet> {
    let mut data = raw.clone();
    binarize::prepare(&mut data, binarize);
    let test = data.test.images;
    let mut train = data.train.images;
    if binarize == Binarize::Dynamic {
        let mut rng = support::seeds::stream(TEST_SEED, TRAIN_DRAW_PURPOSE, 0, *b"binarize");
        binarize::draw_bytes(&mut train, &mut rng);
    }
    let first = |a: &Array2<u8>, n: usize| a.slice(s![..n.min(a.nrows()), ..]).to_owned();
    let (test_1000, train_500) = (first(&test, 1000), first(&train, 500));
    [
        ("test", test),
        ("test-first-1000", test_1000),
        ("train", train),
        ("train-first-500", train_500),
        ("train-grey", raw.train.images.clone()),
    ]
    .into_iter()
    .map(|(name, images)| ImageSet { name, images })
    .collect()
}
// ANCHOR_END: sets

/// The variances of one model's posterior means on one set of images.
pub struct Variances {
    pub name: String,
    pub images: usize,
    /// One per latent unit, in the unit's order.
    pub variances: Array1<f32>,
}

impl Variances {
    /// `(unit, variance)`, the largest variance first.
    pub fn sorted(&self) -> Vec<(usize, f32)> {
        let mut units: Vec<(usize, f32)> = self.variances.iter().copied().enumerate().collect();
        units.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        units
    }

    /// The sorted variances as the binary prints them, `unit:variance`, ten to a line.
    pub fn sorted_lines(&self) -> Vec<String> {
        self.sorted()
            .chunks(10)
            .map(|c| {
                c.iter()
                    .map(|(unit, var)| format!("{unit:>2}:{var:.2e}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    /// The active units at each of `thresholds`.
    pub fn counts(&self, thresholds: &[f32]) -> Vec<usize> {
        thresholds
            .iter()
            .map(|&t| count_above(self.variances.view(), t))
            .collect()
    }
}

// ANCHOR: measure
/// Each latent unit's variance, over `images`, of its posterior mean under `vae`.
pub fn measure(vae: &Vae<f32>, name: &'static str, images: ArrayView2<u8>) -> Variances {
    Variances {
        name: name.to_string(),
        images: images.nrows(),
        variances: unit_variances(encode(vae, images).mu.view()),
    }
}
// ANCHOR_END: measure

/// The table the binary prints: one row per set of images, one column per threshold.
pub fn markdown(all: &[Variances], thresholds: &[f32]) -> String {
    let mut out = String::from("| images | count |");
    for t in thresholds {
        write!(out, " > {t} |").expect("writing to a String cannot fail");
    }
    out.push_str("\n|---|---|");
    out.push_str(&"---|".repeat(thresholds.len()));
    for v in all {
        write!(out, "\n| {} | {} |", v.name, v.images).expect("writing to a String cannot fail");
        for c in v.counts(thresholds) {
            write!(out, " {c} |").expect("writing to a String cannot fail");
        }
    }
    out
}

/// One line of `unit_variances.csv`.
#[derive(Deserialize)]
struct VarianceRow {
    images: String,
    image_count: usize,
    unit: usize,
    variance: f32,
}

/// Reads back a `unit_variances.csv`: one [`Variances`] per set of images, in the file's order.
pub fn load(path: &Path) -> Result<Vec<Variances>> {
    let rows: Vec<VarianceRow> = support::table::read(path, VARIANCES_HEADER)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut all: Vec<Variances> = Vec::new();
    let mut units: Vec<Vec<(usize, f32)>> = Vec::new();
    for r in rows {
        if all.last().is_none_or(|v| v.name != r.images) {
            all.push(Variances {
                name: r.images,
                images: r.image_count,
                variances: Array1::zeros(0),
            });
            units.push(Vec::new());
        }
        units
            .last_mut()
            .expect("pushed above")
            .push((r.unit, r.variance));
    }
    for (v, units) in all.iter_mut().zip(units) {
        v.variances = Array1::zeros(units.len());
        for (unit, variance) in units {
            v.variances[unit] = variance;
        }
    }
    Ok(all)
}

/// Writes `active_units.csv` (the counts) and `unit_variances.csv` (every unit's variance,
/// sorted within each set) into `out`, each atomically.
pub fn save(all: &[Variances], thresholds: &[f32], out: &Path) -> Result<()> {
    let mut counts = format!("{ACTIVE_HEADER}\n");
    let mut variances = format!("{VARIANCES_HEADER}\n");
    for v in all {
        let latent = v.variances.len();
        for (t, c) in thresholds.iter().zip(v.counts(thresholds)) {
            writeln!(counts, "{},{},{t:e},{c},{latent}", v.name, v.images)
                .expect("writing to a String cannot fail");
        }
        for (rank, (unit, var)) in v.sorted().into_iter().enumerate() {
            writeln!(
                variances,
                "{},{},{},{unit},{var:e}",
                v.name,
                v.images,
                rank + 1
            )
            .expect("writing to a String cannot fail");
        }
    }
    for (name, text) in [(ACTIVE, counts), (VARIANCES, variances)] {
        let path = out.join(name);
        write_atomic(&path, text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn made_up() -> Variances {
        Variances {
            name: "made-up".to_string(),
            images: 4,
            variances: array![0.2f32, 0.00005, 0.02, 0.0005, 0.8],
        }
    }

    #[test]
    fn counts_fall_as_the_threshold_rises() {
        let v = made_up();
        assert_eq!(v.counts(&THRESHOLDS), vec![4, 3, 3, 2, 1]);
        // Strictly above: a unit exactly at the threshold is not active.
        assert_eq!(v.counts(&[0.2]), vec![1]);
    }

    #[test]
    fn units_are_listed_largest_variance_first() {
        let order: Vec<usize> = made_up().sorted().iter().map(|&(u, _)| u).collect();
        assert_eq!(order, vec![4, 0, 2, 3, 1]);
    }

    #[test]
    fn the_variances_are_of_the_posterior_means_over_the_images() {
        // A model whose encoder ignores the image has the same mean for every image: no unit
        // varies, none is active at any threshold.
        let vae = Vae::zeros(crate::model::SHAPE);
        let images = Array2::from_shape_fn((6, 784), |(i, j)| ((i * 37 + j) % 256) as u8);
        let v = measure(&vae, "zeros", images.view());
        assert_eq!(v.images, 6);
        assert!(v.variances.iter().all(|&x| x == 0.0));
        assert_eq!(v.counts(&THRESHOLDS), vec![0; 5]);
    }

    #[test]
    fn both_files_are_written_with_their_headers() {
        let dir = tempfile::tempdir().unwrap();
        save(&[made_up()], &THRESHOLDS, dir.path()).unwrap();
        let counts = std::fs::read_to_string(dir.path().join(ACTIVE)).unwrap();
        let lines: Vec<&str> = counts.lines().collect();
        assert_eq!(lines[0], ACTIVE_HEADER);
        assert_eq!(lines[3], "made-up,4,1e-2,3,5");
        let variances = std::fs::read_to_string(dir.path().join(VARIANCES)).unwrap();
        let lines: Vec<&str> = variances.lines().collect();
        assert_eq!(lines[0], VARIANCES_HEADER);
        assert_eq!(lines[1], "made-up,4,1,4,8e-1");
        assert_eq!(lines.len(), 6);
        // Read back, each unit in its place.
        let back = load(&dir.path().join(VARIANCES)).unwrap();
        assert_eq!(back.len(), 1);
        assert_eq!((back[0].name.as_str(), back[0].images), ("made-up", 4));
        assert_eq!(back[0].variances, made_up().variances);
        assert_eq!(back[0].sorted_lines(), made_up().sorted_lines());
    }
}
