//! Every way loading the data can fail, each naming the file it concerns.

use std::path::PathBuf;

/// An error while finding, fetching or reading a data set.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error(
        "{path}: not an IDX file of unsigned bytes (magic number {found:#010x}, expected {expected:#010x})"
    )]
    BadMagic {
        path: PathBuf,
        found: u32,
        expected: u32,
    },

    #[error("{path}: file ends inside the IDX header ({len} bytes; the header needs {needed})")]
    TruncatedHeader {
        path: PathBuf,
        len: u64,
        needed: u64,
    },

    #[error(
        "{path}: the header promises {expected} bytes of data ({dims}) but the file holds {found}"
    )]
    LengthMismatch {
        path: PathBuf,
        dims: String,
        expected: u64,
        found: u64,
    },

    #[error("{path}: the header's dimensions ({dims}) are impossible for an image data set")]
    BadDimensions { path: PathBuf, dims: String },

    #[error("{path}: label {label} at index {index} is not a digit class 0-9")]
    BadLabel {
        path: PathBuf,
        index: usize,
        label: u8,
    },

    #[error("{images} holds {n_images} images but {labels} holds {n_labels} labels")]
    CountMismatch {
        images: PathBuf,
        n_images: usize,
        labels: PathBuf,
        n_labels: usize,
    },

    #[error(
        "{path}: SHA-256 is {found}, expected {expected} for the original {name}; the download \
         is corrupt or the package changed: run again, or place the files by hand (see --help)"
    )]
    Checksum {
        path: PathBuf,
        name: &'static str,
        found: String,
        expected: &'static str,
    },

    #[error("{path}: no such folder")]
    NoSuchFolder { path: PathBuf },

    #[error("no {file} (nor {file}.gz) in {}", searched.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(" or "))]
    Missing {
        file: &'static str,
        searched: Vec<PathBuf>,
        /// Whether some of the four files were there: a folder to mend, not to fetch into.
        partial: bool,
    },

    #[error(
        "{dir} holds {found}, not {asked}: its training labels are those of {found}; point \
         --data-dir (or {env}) at a folder holding {asked}'s files"
    )]
    WrongDataset {
        dir: PathBuf,
        asked: crate::Dataset,
        found: crate::Dataset,
        env: &'static str,
    },

    #[error("{0}")]
    Fetch(String),

    #[error("cannot download {url}: {reason}")]
    Download { url: String, reason: String },

    #[error(
        "cannot fetch {}: every source failed:{}\n{how_to}",
        dataset.title(),
        failures.iter().map(|(source, e)| format!("\n  {source}: {e}")).collect::<String>()
    )]
    NoSource {
        dataset: crate::Dataset,
        /// Each source tried, with how it failed.
        failures: Vec<(String, DataError)>,
        how_to: String,
    },
}

impl DataError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        DataError::Io {
            path: path.into(),
            source,
        }
    }
}
