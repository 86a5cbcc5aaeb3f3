//! The chapter quotes the book's runs: the quick comparison (`quick.csv`), the gaps
//! (`gaps.csv`), the full run's finished stages (`full/progress.csv`) and the benchmark
//! (`speed.txt`), all under `book/media/ch07-likelihood/`, written by the commands the page
//! gives. Every number the page takes from them must be there as the files say; rerunning a
//! command rewrites its file, and this test then names the rows of the page gone stale.

use std::path::{Path, PathBuf};

use ch07_likelihood::progress::{self, finished_stages, stages_markdown};
use ch07_likelihood::report::{self, markdown};
use ch07_likelihood::run::GAPS_HEADER;
use serde::Deserialize;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../book")
}

fn book(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn media(path: &str) -> PathBuf {
    root().join("media/ch07-likelihood").join(path)
}

/// The rows of a Markdown table (lines starting with `| ` that are not its header or rule).
fn table_rows(table: &str, first_cell: &str) -> Vec<String> {
    table
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with(first_cell) && !l.starts_with("|---"))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_page_quotes_the_quick_comparison() {
    let rows = report::load(&media("quick/quick.csv")).unwrap();
    assert_eq!(
        rows.iter().map(|r| r.model.as_str()).collect::<Vec<_>>(),
        ["vae-k1", "iwae-k5"]
    );
    let page = book("ch07-likelihood.md");
    let table = markdown(&rows);
    for row in table_rows(&table, "| model") {
        assert!(page.contains(&row), "the page should hold the row\n{row}");
    }
    let footnote = table
        .lines()
        .find(|l| l.starts_with("log p(x) by"))
        .unwrap();
    assert!(page.contains(footnote), "the page should say {footnote:?}");
    // The prose's differences, to two decimals.
    let (vae, iwae) = (&rows[0].evaluation, &rows[1].evaluation);
    for quoted in [
        format!(
            "{:.2} nats above the VAE's",
            iwae.log_px.mean - vae.log_px.mean
        ),
        format!(
            "its ELBO lies {:.2} nats below its log-likelihood, against {:.2}",
            iwae.log_px.mean - iwae.elbo.mean,
            vae.log_px.mean - vae.elbo.mean
        ),
        format!(
            "{:.1} seconds for the\nVAE and {:.1} seconds for the IWAE",
            rows[0].seconds, rows[1].seconds
        ),
    ] {
        assert!(page.contains(&quoted), "the page should say {quoted:?}");
    }
    // "Both are more than 20 nats below $-86.76$"
    assert!(
        rows.iter()
            .all(|r| r.evaluation.log_px.mean < -86.76 - 20.0)
    );
    assert!(page.contains("Both are more than 20 nats below $-86.76$"));
    // Exercise 5: the spread of the per-image estimates behind the standard error.
    let se = vae.log_px.standard_error;
    let sd = se * (vae.images as f64).sqrt();
    for quoted in [
        format!("The VAE's standard error is {se:.3} nats over 1,000 images"),
        format!("$0.959 \\sqrt{{1000}} \\approx {sd:.1}$ nats"),
        format!("$30.3 / \\sqrt{{10000}} \\approx {:.2}$ nats", sd / 100.0),
    ] {
        assert!(page.contains(&quoted), "the page should say {quoted:?}");
    }
    assert_eq!(vae.images, 1000);
    assert_eq!(
        format!("{se:.3}"),
        "0.959",
        "exercise 5's arithmetic uses 0.959"
    );
    assert_eq!(
        format!("{sd:.1}"),
        "30.3",
        "exercise 5's arithmetic uses 30.3"
    );
}

/// A row of gaps.csv.
#[derive(Deserialize)]
struct Gap {
    quantity: String,
    mean: f64,
    standard_error: f64,
}

/// `(mean, standard error)` of a quantity of gaps.csv.
fn gap(path: &Path, name: &str) -> (f64, f64) {
    let rows: Vec<Gap> = support::table::read(path, GAPS_HEADER).unwrap();
    let row = rows
        .iter()
        .find(|r| r.quantity == name)
        .unwrap_or_else(|| panic!("no {name} in {}", path.display()));
    (row.mean, row.standard_error)
}

#[test]
fn the_page_and_the_quiz_quote_the_gaps() {
    let path = media("quick/gaps.csv");
    let page = book("ch07-likelihood.md");
    let quiz = book("quiz.md");
    for name in [
        "log_px",
        "elbo_encoder",
        "elbo_optimal",
        "inference_gap",
        "approximation_gap",
        "amortization_gap",
    ] {
        let (mean, se) = gap(&path, name);
        let quoted = format!("| {mean:.2} | {se:.2} |");
        assert!(
            page.contains(&quoted),
            "the page should hold {name} as {quoted:?}"
        );
    }
    // "two thirds of what the ELBO misses come from sharing one encoder"
    let share = gap(&path, "amortization_gap").0 / gap(&path, "inference_gap").0;
    assert!((0.6..0.72).contains(&share), "{share}");
    assert!(page.contains("two thirds of what the ELBO misses"));
    for name in ["approximation_gap", "amortization_gap", "inference_gap"] {
        let (mean, se) = gap(&path, name);
        let quoted = format!("{mean:.2} ± {se:.2} nats");
        assert!(
            page.contains(&quoted),
            "the page should quote {name} as {quoted:?}"
        );
    }
    for name in ["approximation_gap", "amortization_gap", "inference_gap"] {
        let (mean, se) = gap(&path, name);
        let quoted = format!("{mean:.2} ± {se:.2} nats");
        assert!(
            quiz.contains(&quoted),
            "the quiz should quote {name} as {quoted:?}"
        );
    }
}

#[test]
fn the_page_quotes_the_full_runs_finished_stages() {
    let path = media("full/progress.csv");
    let rows = progress::parse_csv(&std::fs::read_to_string(&path).unwrap(), &path).unwrap();
    let table = stages_markdown(&finished_stages(&rows));
    let computed = table_rows(&table, "| stage");
    let page = book("ch07-likelihood.md");
    let (_, section) = page
        .split_once("| stage | passes |")
        .expect("the stages table");
    let quoted = table_rows(section.split("\n\n").next().unwrap(), "| stage");
    assert!(!quoted.is_empty());
    for row in &quoted {
        assert!(
            computed.contains(row),
            "{row} is not what progress.csv says:\n{table}"
        );
    }
}

#[test]
fn the_page_quotes_the_benchmark() {
    let speed = book("media/ch07-likelihood/speed.txt");
    let page = book("ch07-likelihood.md");
    let machine = speed.lines().next().unwrap();
    let (machine, _) = machine.split_once(';').unwrap();
    assert!(
        page.contains(machine),
        "the page should name the machine {machine:?}"
    );
    for line in speed.lines().skip(2) {
        let f: Vec<&str> = line.split_whitespace().collect();
        let quoted = format!(
            "| {} | {} | {} | {} | {} | {} |",
            f[0], f[1], f[2], f[3], f[4], f[5]
        );
        assert!(page.contains(&quoted), "the page should hold {quoted:?}");
    }
    // What one thread's CPU time per step projects for an idle machine: 3,000 steps a pass.
    let first = speed.lines().nth(2).unwrap();
    let cpu: f64 = first.split_whitespace().nth(5).unwrap().parse().unwrap();
    let pass = cpu * 3000.0;
    for quoted in [
        format!("one thread spends {cpu} CPU seconds on a step"),
        format!(
            "about {pass:.1} seconds, {:.2}\npasses per second",
            1.0 / pass
        ),
        format!("about {:.1} hours", pass * 3280.0 / 3600.0),
    ] {
        assert!(page.contains(&quoted), "the page should say {quoted:?}");
    }
}

#[test]
fn the_page_says_when_and_where_the_full_run_started() {
    let runs = book("media/ch07-likelihood/full/runs.txt");
    let first = runs.lines().next().unwrap();
    assert!(first.starts_with("2026-11-29T19:18:"), "{first}");
    assert!(
        first.contains("Intel(R) Xeon(R) Processor, 2 cores, 1 threads"),
        "{first}"
    );
    assert!(first.contains(
        "`ch07-likelihood --schedule full --threads 1 --out book/media/ch07-likelihood/full`"
    ));
    let page = book("ch07-likelihood.md");
    assert!(page.contains("It started on 29 November 2026 at 19:18 UTC"));
    assert!(page.contains("--schedule full --threads 1 --out book/media/ch07-likelihood/full"));
}

#[test]
fn the_committed_checkpoint_is_the_size_the_page_says() {
    // "(the parameters and Adam's moments, 5 MB)": 3 x 425,284 f32 and a header.
    let bytes = std::fs::metadata(media("full/checkpoint.bin"))
        .unwrap()
        .len();
    assert!((5_000_000..5_300_000).contains(&bytes), "{bytes}");
    assert!(book("ch07-likelihood.md").contains("Adam's moments, 5 MB"));
}
