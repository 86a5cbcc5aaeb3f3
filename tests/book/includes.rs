//! `{{#include file:anchor}}`: mdBook only logs a missing file, and turns a missing anchor into
//! an empty code block. Here both are errors, and so is an anchor around nothing.

use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use crate::files;

static INCLUDE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{\{#(?:include|rustdoc_include)\s+([^}\s]+)\s*\}\}").unwrap());
static ANCHOR_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"ANCHOR:\s*([\w_-]+)").unwrap());
static ANCHOR_END: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"ANCHOR_END:\s*([\w_-]+)").unwrap());

pub fn check(book_dir: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for page in files::with_extension(book_dir, "md") {
        let text = std::fs::read_to_string(&page).unwrap();
        let page_name = files::relative(&page, book_dir);
        for cap in INCLUDE.captures_iter(&text) {
            let spec = &cap[1];
            let (file, selector) = spec.split_once(':').unwrap_or((spec, ""));
            let target = page.parent().unwrap().join(file);
            let Ok(source) = std::fs::read_to_string(&target) else {
                problems.push(format!(
                    "{page_name}: {{{{#include {spec}}}}}: no file {file}"
                ));
                continue;
            };
            let is_anchor = selector.chars().next().is_some_and(|c| !c.is_ascii_digit());
            if let (true, Err(why)) = (is_anchor, check_anchor(&source, selector)) {
                problems.push(format!("{page_name}: {{{{#include {spec}}}}}: {why}"));
            }
        }
    }
    problems
}

/// Checks that `ANCHOR: name` and `ANCHOR_END: name` enclose some code (other anchors aside).
fn check_anchor(source: &str, name: &str) -> Result<(), String> {
    let is = |re: &Regex, line: &str| re.captures(line).is_some_and(|c| &c[1] == name);
    let lines: Vec<&str> = source.lines().collect();
    let start = lines
        .iter()
        .position(|l| is(&ANCHOR_START, l))
        .ok_or_else(|| format!("no `ANCHOR: {name}` in the file"))?;
    let end = lines[start..]
        .iter()
        .position(|l| is(&ANCHOR_END, l))
        .ok_or_else(|| format!("no `ANCHOR_END: {name}` after `ANCHOR: {name}`"))?;
    let has_code = lines[start + 1..start + end]
        .iter()
        .any(|l| !l.trim().is_empty() && !ANCHOR_START.is_match(l) && !ANCHOR_END.is_match(l));
    if has_code {
        Ok(())
    } else {
        Err(format!("anchor `{name}` encloses no code"))
    }
}
