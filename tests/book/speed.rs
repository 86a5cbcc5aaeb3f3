//! The section "How fast, and why" quotes the results file that the comparison command wrote
//! (`cargo bench -p ch05-training -- --compare --results book/media/ch05-training/speed.toml`):
//! every figure it states is that file's, so a new measurement cannot leave old prose behind.

use std::path::Path;

use ch04_model::report::thousands;
use toml::{Table, Value};

use crate::files;
use crate::quoted;

const RESULTS: &str = "book/media/ch05-training/speed.toml";
const GEMM: &str = "book/media/ch05-training/gemm.toml";
const GEMM_COMMAND: &str = "cargo bench -p ch05-training -- --gemm";
const HEADING: &str = "How fast, and why";
const COMMAND: &str = "cargo bench -p ch05-training -- --compare";

pub fn check(root: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let results = match quoted::results(root, RESULTS) {
        Ok(t) => t,
        Err(e) => return vec![e],
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
    if let Some(passes) = results.get("scaling_passes").and_then(Value::as_integer) {
        expect("scaling_passes", format!("median of {passes} passes"));
    }
    if let Some(images) = results.get("scaling_images").and_then(Value::as_integer) {
        let plain = images.to_string();
        let grouped = usize::try_from(images).map_or_else(|_| plain.clone(), thousands);
        if !section.contains(&plain) {
            expect("scaling_images", grouped);
        }
    }
    for key in ["rust_seconds_range", "torch_seconds_range"] {
        expect(key, quoted::range(&results, key));
    }
    for end in results
        .get("load_average")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        expect(
            "load_average",
            end.as_float().map_or("?".into(), |x| format!("{x:.2}")),
        );
    }
    match results.get("chapter_7").and_then(Value::as_table) {
        Some(net) => {
            for key in ["rust_seconds", "torch_seconds", "ratio"] {
                expect(&format!("chapter 7's {key}"), number(net, key));
            }
            for key in ["rust_seconds_range", "torch_seconds_range"] {
                expect(&format!("chapter 7's {key}"), quoted::range(net, key));
            }
            for key in ["rust_passes_per_second", "torch_passes_per_second"] {
                expect(&format!("chapter 7's {key}"), thousandths(net, key));
            }
            // Its arithmetic, counted as chapter 4 counts it, against the pass's seconds.
            let shape = ch07_likelihood::model::SHAPE;
            let flops = shape.step_flops(1);
            let seconds = net.get("rust_seconds").and_then(Value::as_float);
            expect(
                "chapter 7's flops per image",
                format!("{:.2} million floating-point operations", flops / 1e6),
            );
            expect(
                "chapter 7's flops per pass",
                format!("{:.2} \\times 10^{{11}}$ a pass", flops * 60_000.0 / 1e11),
            );
            expect(
                "chapter 7's rate",
                seconds.map_or("<no rust_seconds>".into(), |s| {
                    format!("{:.1} GFLOP/s", flops * 60_000.0 / s / 1e9)
                }),
            );
            expect(
                "chapter 7's weights",
                format!("{} weights", thousands(shape.parameter_count())),
            );
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
    let table = quoted::table_rows(section);
    for row in rows {
        let Some(row) = row.as_table() else { continue };
        let cells = vec![
            number(row, "hidden"),
            number(row, "batch"),
            number(row, "rust_seconds"),
            quoted::range(row, "rust_seconds_range"),
            number(row, "torch_seconds"),
            quoted::range(row, "torch_seconds_range"),
            number(row, "ratio"),
        ];
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
    problems.extend(check_gemm(root, &page, section, &table));
    problems.extend(quoted::profile_rows(
        root,
        &page,
        HEADING,
        section,
        &table,
        "book/media/ch05-training/profiles/",
    ));
    problems
}

/// The products' rates quoted in the section: each row `| setting | product | m x k x n |
/// matrixmultiply | PyTorch |` is a row of the `--gemm` results file, of which the section
/// names the command, the machine and at least the square product.
fn check_gemm(root: &Path, page: &str, section: &str, table: &[Vec<String>]) -> Vec<String> {
    let results = match quoted::results(root, GEMM) {
        Ok(t) => t,
        Err(e) => return vec![e],
    };
    let mut problems = Vec::new();
    for (what, quoted) in [
        ("the command", GEMM_COMMAND.to_string()),
        (
            "the results file",
            GEMM.trim_start_matches("book/").to_string(),
        ),
        ("the machine", string(&results, "cpu")),
    ] {
        if !section.contains(&quoted) {
            problems.push(format!(
                "{page}, \"{HEADING}\": does not quote {what} {quoted:?} of {GEMM}"
            ));
        }
    }
    let products: Vec<Vec<String>> = results
        .get("product")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_table)
        .map(|p| {
            let float = |k: &str| p.get(k).and_then(Value::as_float).unwrap_or(f64::NAN);
            vec![
                string(p, "setting"),
                string(p, "name"),
                format!(
                    "{} x {} x {}",
                    number(p, "m"),
                    number(p, "k"),
                    number(p, "n")
                ),
                format!("{:.1}", float("matrixmultiply_gflops")),
                format!("{:.1}", float("torch_gflops")),
            ]
        })
        .collect();
    let settings: Vec<&String> = products.iter().map(|p| &p[0]).collect();
    let quoted: Vec<&Vec<String>> = table
        .iter()
        .filter(|row| row.first().is_some_and(|c| settings.contains(&c)))
        .collect();
    for row in &quoted {
        if !products.iter().any(|p| p == *row) {
            problems.push(format!(
                "{page}, \"{HEADING}\": the row | {} | is not one of {GEMM}",
                row.join(" | ")
            ));
        }
    }
    if !quoted.iter().any(|row| row[0].starts_with("square")) {
        problems.push(format!(
            "{page}, \"{HEADING}\": quotes no square product of {GEMM}, the kernels' best case"
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
