//! The built site: every relative link and resource resolves (fragments included), and no
//! stylesheet or script comes from another host, so the book, maths included, reads offline.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use crate::files;

static REFERENCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?:href|src)="([^"]*)""#).unwrap());
static REMOTE_ASSET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"<(?:link|script)\b[^>]*\b(?:href|src)="(?:https?:)?//[^"]*""#).unwrap()
});
static ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"\bid="([^"]*)""#).unwrap());

pub fn check(site: &Path) -> Vec<String> {
    let pages = files::with_extension(site, "html");
    assert!(
        pages.len() > 3,
        "the site should hold pages; found {}",
        pages.len()
    );
    let mut ids: HashMap<PathBuf, Vec<String>> = HashMap::new();
    let mut problems = Vec::new();
    for page in &pages {
        let html = std::fs::read_to_string(page).unwrap();
        let name = files::relative(page, site);
        for asset in REMOTE_ASSET.find_iter(&html) {
            problems.push(format!(
                "{name}: loads from another host: {}",
                asset.as_str()
            ));
        }
        for cap in REFERENCE.captures_iter(&html) {
            let link = &cap[1];
            if is_external(link) {
                continue;
            }
            let (path, fragment) = link.split_once('#').unwrap_or((link, ""));
            let path = path.split('?').next().unwrap();
            let target = if path.is_empty() {
                page.clone()
            } else if let Some(from_root) = path.strip_prefix('/') {
                site.join(from_root)
            } else {
                page.parent().unwrap().join(path)
            };
            let target = if target.is_dir() {
                target.join("index.html")
            } else {
                target
            };
            if !target.is_file() {
                problems.push(format!("{name}: link {link:?} points nowhere"));
                continue;
            }
            // print.html renames the ids of all chapters; mdBook's own links there are fine.
            let checks_fragment = !fragment.is_empty() && name != "print.html";
            if checks_fragment && target.extension().is_some_and(|e| e == "html") {
                let known = ids.entry(target.clone()).or_insert_with(|| {
                    let text = std::fs::read_to_string(&target).unwrap();
                    ID.captures_iter(&text).map(|c| c[1].to_string()).collect()
                });
                if !known.iter().any(|id| id == fragment) {
                    problems.push(format!("{name}: link {link:?}: no id {fragment:?} there"));
                }
            }
        }
    }
    problems
}

/// Links with a scheme (https:, mailto:, data:...) leave the site and are not checked here.
fn is_external(link: &str) -> bool {
    let before_slash = link.split('/').next().unwrap_or("");
    before_slash.contains(':') || link.starts_with("//")
}
