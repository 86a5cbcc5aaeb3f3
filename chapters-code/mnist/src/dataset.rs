//! MNIST or Fashion-MNIST: where each lives, its classes, and how to tell them apart.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use crate::{FASHION_FILES, KnownFile, MNIST_FILES};

/// Which data set to load. Both share the IDX format and the file names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Dataset {
    #[default]
    Mnist,
    FashionMnist,
}

impl Dataset {
    /// Where the data set is looked for first when no folder is given: MNIST in the workspace
    /// cache, Fashion-MNIST where Debian's `dataset-fashion-mnist` package installs it.
    pub fn default_dir(self) -> PathBuf {
        match self {
            Dataset::Mnist => self.cache_dir(),
            Dataset::FashionMnist => PathBuf::from("/usr/share/datasets/fashion-mnist"),
        }
    }

    /// The workspace cache a fetch fills: `data/mnist/` or `data/fashion-mnist/`.
    pub fn cache_dir(self) -> PathBuf {
        support::paths::workspace_root()
            .join("data")
            .join(self.to_string())
    }

    /// The four files, with the SHA-256 of each original.
    pub fn files(self) -> [KnownFile; 4] {
        match self {
            Dataset::Mnist => MNIST_FILES,
            Dataset::FashionMnist => FASHION_FILES,
        }
    }

    /// The variable naming a mirror of one's own, tried before the public sources.
    pub fn mirror_env(self) -> &'static str {
        match self {
            Dataset::Mnist => crate::MIRROR_ENV,
            Dataset::FashionMnist => crate::FASHION_MIRROR_ENV,
        }
    }

    /// The data set's name as people write it, for messages.
    pub fn title(self) -> &'static str {
        match self {
            Dataset::Mnist => "MNIST",
            Dataset::FashionMnist => "Fashion-MNIST",
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
        support::choice::write_name(self, f)
    }
}

impl FromStr for Dataset {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        support::choice::parse("data set", s)
    }
}
