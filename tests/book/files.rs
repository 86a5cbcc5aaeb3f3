//! Walking the source folders.

use std::path::{Path, PathBuf};

/// Every file below `dir` whose name ends in `.{ext}`, sorted, skipping hidden folders and
/// the git-ignored KaTeX assets.
pub fn with_extension(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    walk(dir, ext, &mut found);
    found.sort();
    found
}

fn walk(dir: &Path, ext: &str, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name == "katex" || name == "target" {
            continue;
        }
        if path.is_dir() {
            walk(&path, ext, found);
        } else if path.extension().is_some_and(|e| e == ext) {
            found.push(path);
        }
    }
}

/// `path` relative to `base`, for messages.
pub fn relative<'a>(path: &'a Path, base: &Path) -> std::borrow::Cow<'a, str> {
    path.strip_prefix(base).unwrap_or(path).to_string_lossy()
}
