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

/// The section under the heading, up to the next heading of the same or a higher level
/// (lines inside fenced code blocks are not headings).
pub fn section(page: &str, heading: &str) -> Option<String> {
    let mut fenced = false;
    let headings: Vec<(usize, usize, &str)> = page
        .lines()
        .enumerate()
        .filter_map(|(i, line)| {
            if line.trim_start().starts_with("```") {
                fenced = !fenced;
            }
            let level = line.chars().take_while(|&c| c == '#').count();
            let title = line[level..].strip_prefix(' ')?;
            (!fenced && level > 0).then_some((i, level, title.trim()))
        })
        .collect();
    let (at, (start, level, _)) = headings
        .iter()
        .enumerate()
        .find(|(_, (_, _, title))| *title == heading)?;
    let end = headings[at + 1..]
        .iter()
        .find(|(_, l, _)| l <= level)
        .map_or(usize::MAX, |(i, _, _)| *i);
    let lines: Vec<&str> = page.lines().collect();
    Some(lines[*start..end.min(lines.len())].join("\n"))
}
