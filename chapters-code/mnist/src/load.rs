//! Where to look for the data set asked for, fetching MNIST on first use, and reading it.

use std::path::PathBuf;

use crate::{DataError, DataSet, Dataset, Split, fetch_mnist, find_files};

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

/// Finds (fetching MNIST into the cache on first use) and reads both splits.
pub fn load(options: &DataOptions) -> Result<DataSet, DataError> {
    let files = match options.explicit_dir() {
        Some(dir) => find_files(&dir, options.dataset)?,
        None => {
            let dir = options.dataset.default_dir();
            match find_files(&dir, options.dataset) {
                Ok(files) => files,
                Err(DataError::Missing { .. } | DataError::NoSuchFolder { .. }) => {
                    match options.dataset {
                        Dataset::Mnist => fetch_mnist(&dir)?,
                        Dataset::FashionMnist => {
                            return Err(DataError::Fetch(format!(
                                "Fashion-MNIST is not in {}: install it with `apt-get install \
                                 dataset-fashion-mnist`, or pass --data-dir (or set \
                                 {}) to a folder holding its four IDX files",
                                dir.display(),
                                options.dataset.env_var()
                            )));
                        }
                    }
                }
                Err(e) => return Err(e),
            }
        }
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
