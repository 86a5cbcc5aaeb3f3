//! The section "Beside the Rust frameworks" quotes the results file of the comparison runner
//! (`comparisons/frameworks`, `cargo run --release -p compare`), the profiles it wrote, and
//! counts of lines of code: every figure must be that file's, that profile's or that count.

use std::path::Path;

use toml::Value;

use crate::files;
use crate::quoted::{self, quoted_paths, table_rows};

const HEADING: &str = "Beside the Rust frameworks";
const PAGE: &str = "book/making-it-fast.md";
const COMMAND: &str = "cargo run --release -p compare";

pub fn check(root: &Path) -> Vec<String> {
    let page = match std::fs::read_to_string(root.join(PAGE)) {
        Ok(text) => text,
        Err(e) => return vec![format!("{PAGE}: {e}")],
    };
    let Some(section) = files::section(&page, HEADING) else {
        return vec![format!("{PAGE}: no section \"{HEADING}\"")];
    };
    let mut problems = Vec::new();
    // Prose wraps anywhere: a phrase is looked for with its spaces and line ends alike.
    let flat = support::book::flat(&section);
    let mut expect = |what: &str, quoted: &str| {
        if !flat.contains(quoted) {
            problems.push(format!(
                "{PAGE}, \"{HEADING}\": does not quote {what} {quoted:?}"
            ));
        }
    };
    expect("the command", COMMAND);
    let named = quoted_paths(&section);
    let results: Vec<&String> = named
        .iter()
        .filter(|p| p.starts_with("comparisons/frameworks/results/") && p.ends_with(".toml"))
        .collect();
    let [results_path] = results[..] else {
        problems.push(format!(
            "{PAGE}, \"{HEADING}\": names {} results files (`comparisons/frameworks/results/*.toml`), not one",
            results.len()
        ));
        return problems;
    };
    let results = match quoted::results(root, results_path) {
        Ok(table) => table,
        Err(e) => {
            problems.push(e);
            return problems;
        }
    };
    let machine = results.get("machine").and_then(Value::as_table);
    for key in ["cpu", "rustc"] {
        let value = machine
            .and_then(|m| m.get(key))
            .and_then(Value::as_str)
            .unwrap_or("<missing>");
        expect(&format!("the machine's {key}"), value);
    }
    for (key, unit) in [
        ("cores", "cores"),
        ("threads", "threads"),
        ("epochs", "epochs"),
    ] {
        let value = machine
            .and_then(|m| m.get(key))
            .or_else(|| results.get(key))
            .and_then(Value::as_integer)
            .map_or("<missing>".into(), |n| format!("{n} {unit}"));
        expect(key, &value);
    }

    let table = table_rows(&section);
    let runs = results
        .get("run")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if runs.is_empty() {
        problems.push(format!("{results_path}: no [[run]]"));
    }
    let pytorch = runs
        .iter()
        .filter_map(Value::as_table)
        .find(|r| r.get("name").and_then(Value::as_str) == Some("pytorch"))
        .and_then(|r| r.get("test_loss_last"))
        .and_then(Value::as_float);
    for run in runs.iter().filter_map(Value::as_table) {
        let text = |key: &str| run.get(key).and_then(Value::as_str).unwrap_or("<missing>");
        let float = |key: &str| run.get(key).and_then(Value::as_float).unwrap_or(f64::NAN);
        let versus = pytorch.map_or("-".into(), |p| {
            format!("{:+.2}", float("test_loss_last") - p)
        });
        let cells = vec![
            format!("`{}`", text("name")),
            text("version").to_string(),
            format!("{:.2}", float("seconds_median")),
            quoted::range(run, "seconds_range"),
            format!("{:.2}", float("test_loss_last")),
            versus,
            format!("{:.0}", float("peak_mib")),
        ];
        if !table.iter().any(|row| row.starts_with(&cells)) {
            problems.push(format!(
                "{PAGE}, \"{HEADING}\": no table row | {} |, as in {results_path}",
                cells.join(" | ")
            ));
        }
    }
    problems.extend(check_line_counts(root, &table));
    problems.extend(quoted::profile_rows(
        root,
        PAGE,
        HEADING,
        &section,
        &table,
        "comparisons/frameworks/results/",
    ));
    problems
}

/// Rows whose second cell names source files in backticks and whose third is a number: that
/// number must be the files' lines of code (see [`code_lines`]).
fn check_line_counts(root: &Path, table: &[Vec<String>]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut counted = 0;
    for row in table {
        let [_, paths, count, ..] = &row[..] else {
            continue;
        };
        let paths = quoted_paths(paths);
        if paths.is_empty() || !paths.iter().all(|p| p.ends_with(".rs")) {
            continue;
        }
        let Ok(count) = count.replace(',', "").parse::<usize>() else {
            continue;
        };
        counted += 1;
        let mut total = 0;
        for path in &paths {
            match std::fs::read_to_string(root.join(path)) {
                Ok(text) => total += code_lines(&text),
                Err(e) => problems.push(format!("{PAGE}: counts the lines of {path}: {e}")),
            }
        }
        if total != count {
            problems.push(format!(
                "{PAGE}, \"{HEADING}\": {} have {total} lines of code, the page says {count}",
                paths.join(" + ")
            ));
        }
    }
    if counted == 0 {
        problems.push(format!(
            "{PAGE}, \"{HEADING}\": no table of lines of code (| what | `files` | lines |)"
        ));
    }
    problems
}

/// Lines that are neither blank nor comments, up to the unit tests (`#[cfg(test)]`).
pub fn code_lines(source: &str) -> usize {
    source
        .lines()
        .take_while(|l| l.trim() != "#[cfg(test)]")
        .filter(|l| {
            let l = l.trim();
            !l.is_empty() && !l.starts_with("//")
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::code_lines;

    #[test]
    fn code_lines_skip_blanks_comments_and_the_unit_tests() {
        let source = "//! doc\nuse x;\n\n    // why\nfn f() {}\n#[cfg(test)]\nmod tests {}\n";
        assert_eq!(code_lines(source), 2);
    }
}
