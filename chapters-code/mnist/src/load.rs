//! Where to look for the data set asked for, fetching MNIST on first use, and reading it.

use std::path::PathBuf;

use crate::{DataError, DataFiles, DataSet, Dataset, Split, fetch, find_files};

/// Where to look for the data, and what to do when it is not there.
#[derive(Debug, Clone, Default)]
pub struct DataOptions {
    pub dataset: Dataset,
    /// An explicit folder; `None` falls back to the data set's environment variable
    /// ([`Dataset::env_var`]), then to its default folder.
    pub data_dir: Option<PathBuf>,
}

impl DataOptions {
    /// The folder given on the command line or, failing that, in the data set's variable.
    fn explicit_dir(&self) -> Option<PathBuf> {
        self.data_dir.clone().or_else(|| {
            std::env::var_os(self.dataset.env_var())
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        })
    }
}

/// Finds (fetching into the workspace cache on first use) and reads both splits.
pub fn load(options: &DataOptions) -> Result<DataSet, DataError> {
    let files = match options.explicit_dir() {
        Some(dir) => find_files(&dir, options.dataset)?,
        None => find_or_fetch(options.dataset)?,
    };
    let train = Split::read(&files.train_images, &files.train_labels)?;
    match Dataset::recognise(&train.labels) {
        Some(found) if found != options.dataset => {
            return Err(DataError::WrongDataset {
                dir: files.dir,
                asked: options.dataset,
                found,
                env: options.dataset.env_var(),
            });
        }
        _ => {}
    }
    Ok(DataSet {
        dataset: options.dataset,
        train,
        test: Split::read(&files.test_images, &files.test_labels)?,
        files,
        limit: None,
    })
}

/// The data set's default folder, else its workspace cache, else a fetch into that cache. A
/// folder that holds some files but not all is an error, not a reason to fetch over it.
fn find_or_fetch(dataset: Dataset) -> Result<DataFiles, DataError> {
    let cache = dataset.cache_dir();
    for dir in [dataset.default_dir(), cache.clone()] {
        match find_files(&dir, dataset) {
            Ok(files) => return Ok(files),
            Err(DataError::NoSuchFolder { .. } | DataError::Missing { partial: false, .. }) => {}
            Err(e) => return Err(e),
        }
    }
    fetch(dataset, &cache)
}
