//! What a section quotes: its tables' rows, the paths it names, and profiles.

use std::path::Path;

use toml::{Table, Value};

/// The results file at `root`/`path`, parsed; the error names the file and what is wrong.
pub fn results(root: &Path, path: &str) -> Result<Table, String> {
    let text = std::fs::read_to_string(root.join(path)).map_err(|e| format!("{path}: {e}"))?;
    text.parse()
        .map_err(|e: toml::de::Error| format!("{path}: not TOML: {e}"))
}

/// Rows `| name | `symbol` | share% |` of a section that names one profile folder below
/// `under`: the folder holds `name.txt` (a `perf report`), with that symbol at that share.
pub fn profile_rows(
    root: &Path,
    page: &str,
    heading: &str,
    section: &str,
    table: &[Vec<String>],
    under: &str,
) -> Vec<String> {
    let folders: Vec<String> = quoted_paths(section)
        .into_iter()
        .filter(|p| p.starts_with(under) && p.ends_with('/'))
        .collect();
    let [folder] = &folders[..] else {
        return vec![format!(
            "{page}, \"{heading}\": names {} profile folders (`{under}.../`), not one",
            folders.len()
        )];
    };
    let mut problems = Vec::new();
    let mut quoted = 0;
    for row in table {
        let [name, symbol, share] = &row[..] else {
            continue;
        };
        let (Some(name), Some(symbol), Some(share)) = (
            name.strip_prefix('`').and_then(|n| n.strip_suffix('`')),
            symbol.strip_prefix('`').and_then(|s| s.strip_suffix('`')),
            share.strip_suffix('%'),
        ) else {
            continue;
        };
        quoted += 1;
        let path = format!("{folder}{name}.txt");
        let report = std::fs::read_to_string(root.join(&path)).unwrap_or_default();
        let found = report.lines().any(|line| {
            line.trim_start().starts_with(&format!("{share}%"))
                && line.split_whitespace().any(|word| word == symbol)
        });
        if !found {
            problems.push(format!(
                "{page}, \"{heading}\": {path} has no line with {symbol} at {share}%"
            ));
        }
    }
    if quoted == 0 {
        problems.push(format!(
            "{page}, \"{heading}\": no profile rows (| `name` | `symbol` | share% |)"
        ));
    }
    problems
}

/// The cells of every table row in `text`.
pub fn table_rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .filter(|l| l.trim_start().starts_with('|'))
        .map(|l| {
            l.trim()
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

/// Every `backticked` word of `text` that looks like a path (has a slash).
pub fn quoted_paths(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| s.contains('/') && !s.contains(' '))
        .map(str::to_string)
        .collect()
}

/// A range as the results file writes it, `low-high` with two decimals.
pub fn range(table: &Table, key: &str) -> String {
    let ends: Vec<String> = table
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|v| v.as_float().map_or("?".into(), |x| format!("{x:.2}")))
        .collect();
    match &ends[..] {
        [low, high] => format!("{low}-{high}"),
        _ => format!("<no range {key}>"),
    }
}
