//! Every page SUMMARY.md links is in the built book. mdBook silently drops list entries that
//! follow a line breaking the list (such as an unindented comment between nested entries).

use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

static LINK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\]\(([^)\s]+)\.md\)").unwrap());

pub fn check(book: &Path, site: &Path) -> Vec<String> {
    let summary = std::fs::read_to_string(book.join("SUMMARY.md")).unwrap();
    LINK.captures_iter(&summary)
        .map(|c| c[1].to_string())
        .filter(|page| !site.join(format!("{page}.html")).is_file())
        .map(|page| {
            format!(
                "book/SUMMARY.md lists {page}.md, but the built book has no {page}.html: a line \
                 above it probably breaks the list"
            )
        })
        .collect()
}
