//! Finding the four IDX files in a folder: the plain layout, or torchvision's `MNIST/raw/`
//! (`FashionMNIST/raw/` for Fashion-MNIST).

use std::path::{Path, PathBuf};

use crate::{DataError, Dataset};

/// The paths of the four files of one data set, raw or gzipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataFiles {
    /// The folder the four files were found in.
    pub dir: PathBuf,
    pub train_images: PathBuf,
    pub train_labels: PathBuf,
    pub test_images: PathBuf,
    pub test_labels: PathBuf,
}

/// Looks for the four standard files of `dataset`, each raw or `.gz`, in `dir` and then in
/// the sub-folder torchvision uses for that data set. All four must be in the same folder.
pub fn find_files(dir: &Path, dataset: Dataset) -> Result<DataFiles, DataError> {
    if !dir.is_dir() {
        return Err(DataError::NoSuchFolder { path: dir.into() });
    }
    let candidates = [dir.to_path_buf(), dir.join(dataset.torchvision_folder())];
    let mut first_missing = None;
    for candidate in &candidates {
        let found: Vec<Option<PathBuf>> = dataset
            .files()
            .iter()
            .map(|f| find_one(candidate, f.name))
            .collect();
        if let [Some(a), Some(b), Some(c), Some(d)] = &found[..] {
            return Ok(DataFiles {
                dir: candidate.clone(),
                train_images: a.clone(),
                train_labels: b.clone(),
                test_images: c.clone(),
                test_labels: d.clone(),
            });
        }
        // Report the gap in the first folder that holds anything at all: that is where the
        // user most likely put the files.
        if first_missing.is_none() && found.iter().any(Option::is_some) {
            first_missing = found.iter().position(Option::is_none);
        }
    }
    Err(DataError::Missing {
        file: dataset.files()[first_missing.unwrap_or(0)].name,
        searched: candidates.to_vec(),
        partial: first_missing.is_some(),
    })
}

fn find_one(dir: &Path, name: &str) -> Option<PathBuf> {
    [dir.join(name), dir.join(format!("{name}.gz"))]
        .into_iter()
        .find(|p| p.is_file())
}
