//! Every chapter page links its crate's listing and names the command that runs it; every
//! crate under chapters-code/ has a listing page in the book that includes all its sources,
//! and so do the framework comparators under comparisons/frameworks/.

use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use crate::files;

static LINK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\]\(([^)\s]+)\)").unwrap());
static CHAPTER_PAGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(ch\d\d-[a-z0-9-]+)\.md$").unwrap());

pub fn check(root: &Path) -> Vec<String> {
    let book = root.join("book");
    let summary = std::fs::read_to_string(book.join("SUMMARY.md")).unwrap();
    let in_summary: Vec<&str> = LINK
        .captures_iter(&summary)
        .map(|c| c.get(1).unwrap().as_str())
        .collect();
    let mut problems = Vec::new();

    let crates = crate_dirs(&root.join("chapters-code"));
    if crates.is_empty() {
        problems.push("no chapter crate under chapters-code/".into());
    }
    for name in &crates {
        let dir = root.join("chapters-code").join(name);
        let manifest: toml::Table =
            toml::from_str(&std::fs::read_to_string(dir.join("Cargo.toml")).unwrap()).unwrap();
        let package = manifest["package"]["name"].as_str().unwrap_or_default();
        if package != name {
            problems.push(format!(
                "chapters-code/{name}: package is named {package:?}; `cargo run -p {name}` needs them equal"
            ));
        }
        problems.extend(check_listing(root, name, &in_summary));
    }

    problems.extend(check_frameworks_listing(root, &in_summary));

    for page in in_summary.iter().filter_map(|p| CHAPTER_PAGE.captures(p)) {
        let name = &page[1];
        let text = std::fs::read_to_string(book.join(&page[0])).unwrap_or_default();
        if !crates.iter().any(|c| c == name) {
            problems.push(format!(
                "book/{name}.md: its crate chapters-code/{name} is missing"
            ));
        }
        if !text.contains(&format!("](code/{name}.md)")) {
            problems.push(format!(
                "book/{name}.md: does not link its crate's listing code/{name}.md"
            ));
        }
        if !text.contains(&format!("cargo run -p {name}")) {
            problems.push(format!(
                "book/{name}.md: does not say `cargo run -p {name}`"
            ));
        }
    }
    problems
}

/// The listing page `book/code/<crate>.md` is in SUMMARY and includes every `.rs` file whole.
fn check_listing(root: &Path, name: &str, in_summary: &[&str]) -> Vec<String> {
    let listing = format!("code/{name}.md");
    if !in_summary.contains(&listing.as_str()) {
        return vec![format!(
            "chapters-code/{name}: its listing book/{listing} is not in SUMMARY.md"
        )];
    }
    missing_includes(root, &listing, &format!("chapters-code/{name}"))
}

/// `book/code/frameworks.md` is in SUMMARY and includes every `.rs` file of the comparators'
/// workspace (their builds' `target/` folders aside).
fn check_frameworks_listing(root: &Path, in_summary: &[&str]) -> Vec<String> {
    const LISTING: &str = "code/frameworks.md";
    const SOURCES: &str = "comparisons/frameworks";
    if !in_summary.contains(&LISTING) {
        return vec![format!("book/{LISTING} is not in SUMMARY.md")];
    }
    if files::with_extension(&root.join(SOURCES), "rs").is_empty() {
        return vec![format!("{SOURCES}/: no Rust sources")];
    }
    missing_includes(root, LISTING, SOURCES)
}

/// Every `.rs` file below `sources` (relative to the root) that `book/<listing>` does not
/// include whole.
fn missing_includes(root: &Path, listing: &str, sources: &str) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(root.join("book").join(listing)) else {
        return vec![format!("book/{listing} is missing")];
    };
    let dir = root.join(sources);
    files::with_extension(&dir, "rs")
        .iter()
        .map(|file| files::relative(file, &dir).into_owned())
        .filter(|rel| !text.contains(&format!("{{{{#include ../../{sources}/{rel}}}}}")))
        .map(|rel| format!("book/{listing} does not include {sources}/{rel}"))
        .collect()
}

fn crate_dirs(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.path().join("Cargo.toml").is_file())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}
