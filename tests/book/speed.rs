//! The section "How fast, and why" quotes the results file that the comparison command wrote
//! (`cargo bench -p ch05-training -- --compare --results book/media/ch05-training/speed.toml`):
//! every figure it states is that file's, so a new measurement cannot leave old prose behind.

use std::path::Path;

use ch04_model::report::thousands;
use toml::{Table, Value};

use crate::files;

const RESULTS: &str = "book/media/ch05-training/speed.toml";
const HEADING: &str = "How fast, and why";
const COMMAND: &str = "cargo bench -p ch05-training -- --compare";

pub fn check(root: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let text = match std::fs::read_to_string(root.join(RESULTS)) {
        Ok(t) => t,
        Err(e) => return vec![format!("{RESULTS}: {e}")],
    };
    let results: Table = match text.parse() {
        Ok(t) => t,
        Err(e) => return vec![format!("{RESULTS}: not TOML: {e}")],
    };
    let pages: Vec<_> = files::with_extension(&root.join("book"), "md")
        .into_iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            files::section(&text, HEADING).map(|s| (p, s))
        })
        .collect();
    let [(page, section)] = &pages[..] else {
        return vec![format!(
            "{} pages have a section \"{HEADING}\", expected exactly one",
            pages.len()
        )];
    };
    let page = files::relative(page, root);
    let mut expect = |what: &str, quoted: String| {
        if !section.contains(&quoted) {
            problems.push(format!(
                "{page}, \"{HEADING}\": does not quote {what} {quoted:?} from {RESULTS}"
            ));
        }
    };
    expect("the command", COMMAND.into());
    for key in ["machine", "torch"] {
        expect(key, string(&results, key));
    }
    for key in [
        "rust_seconds",
        "torch_seconds",
        "ratio",
        "rust_test_loss",
        "torch_test_loss",
    ] {
        expect(key, number(&results, key));
    }
    for key in ["vector_instructions", "rustc"] {
        expect(key, string(&results, key));
    }
    for (key, unit) in [
        ("torch_threads", "threads"),
        ("rust_threads", "threads"),
        ("cores", "cores"),
        ("epochs", "epochs"),
        ("rust_peak_mib", "MiB"),
        ("torch_peak_mib", "MiB"),
    ] {
        expect(key, format!("{} {unit}", number(&results, key)));
    }
    let env = string(&results, "torch_env");
    if !env.is_empty() {
        expect("torch_env", env);
    }
    if let Some(images) = results.get("scaling_images").and_then(Value::as_integer) {
        let plain = images.to_string();
        let grouped = usize::try_from(images).map_or_else(|_| plain.clone(), thousands);
        if !section.contains(&plain) {
            expect("scaling_images", grouped);
        }
    }
    for key in ["rust_seconds_range", "torch_seconds_range", "load_average"] {
        let range = results.get(key).and_then(Value::as_array);
        let ends: Vec<String> = range
            .into_iter()
            .flatten()
            .map(|v| v.as_float().map_or("?".into(), |x| format!("{x:.2}")))
            .collect();
        if key == "load_average" {
            ends.into_iter().for_each(|end| expect(key, end));
        } else {
            expect(key, ends.join("-"));
        }
    }
    match results.get("chapter_7").and_then(Value::as_table) {
        Some(net) => {
            for key in ["rust_seconds", "torch_seconds", "ratio"] {
                expect(&format!("chapter 7's {key}"), number(net, key));
            }
            for key in ["rust_passes_per_second", "torch_passes_per_second"] {
                expect(&format!("chapter 7's {key}"), thousandths(net, key));
            }
        }
        None => expect("chapter 7's network", "<a [chapter_7] table>".into()),
    }
    let rows = results
        .get("scaling")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if rows.is_empty() {
        problems.push(format!("{RESULTS}: no [[scaling]] rows"));
    }
    let table: Vec<Vec<String>> = section
        .lines()
        .filter(|l| l.trim_start().starts_with('|'))
        .map(|l| {
            l.trim()
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect();
    for row in rows {
        let Some(row) = row.as_table() else { continue };
        let cells: Vec<String> = ["hidden", "batch", "rust_seconds", "torch_seconds", "ratio"]
            .iter()
            .map(|k| number(row, k))
            .collect();
        if !table.iter().any(|t| t.starts_with(&cells)) {
            problems.push(format!(
                "{page}, \"{HEADING}\": no table row | {} |, as in {RESULTS}",
                cells.join(" | ")
            ));
        }
    }
    // Chapter 5 compares its run with PyTorch's by the losses of this same run.
    let chapter_5 = std::fs::read_to_string(root.join("book/ch05-training.md"))
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let losses = ["rust_test_loss", "torch_test_loss"]
        .map(|k| results.get(k).and_then(Value::as_float).unwrap_or(f64::NAN));
    let quoted = format!(
        "a test loss of {:.2} nats per image for this book's trainer, the number of this \
         chapter's run at epoch 10, and {:.2} for PyTorch's, {:.2} nats apart",
        losses[0],
        losses[1],
        (losses[0] - losses[1]).abs()
    );
    if !chapter_5.contains(&quoted) {
        problems.push(format!(
            "book/ch05-training.md does not say {quoted:?}, as {RESULTS} has it"
        ));
    }
    problems
}

fn string(table: &Table, key: &str) -> String {
    table
        .get(key)
        .and_then(Value::as_str)
        .map_or_else(|| format!("<no string {key}>"), str::to_string)
}

/// A rate as the results file writes it, with three decimals.
fn thousandths(table: &Table, key: &str) -> String {
    table
        .get(key)
        .and_then(Value::as_float)
        .map_or_else(|| format!("<no number {key}>"), |x| format!("{x:.3}"))
}

/// A number as the results file writes it: integers whole, others with two decimals.
fn number(table: &Table, key: &str) -> String {
    match table.get(key) {
        Some(Value::Integer(i)) => i.to_string(),
        Some(Value::Float(x)) => format!("{x:.2}"),
        _ => format!("<no number {key}>"),
    }
}
