//! The numbers of the chapter's prose, each computed here from the committed results files
//! (`book/media/ch09-conditional/`) or from the code, and looked for on the page.

use std::path::PathBuf;

use ch09_conditional::quadrants::Given;
use ch09_conditional::report::{self, HEADER, PYRO_BASELINE, PYRO_CVAE, Row};
use serde::Deserialize;

fn media(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../book/media/ch09-conditional")
        .join(path)
}

/// The page with every run of whitespace made one space.
fn page() -> String {
    support::book::flat(
        &support::book::read("ch09-conditional.md").unwrap_or_else(|e| panic!("{e}")),
    )
}

fn says(page: &str, quoted: &str) {
    assert!(page.contains(quoted), "the page should say {quoted:?}");
}

fn reduced() -> Vec<Row> {
    support::table::read(&media("reduced/quadrants.csv"), HEADER).unwrap()
}

fn cell(rows: &[Row], given: usize, quantity: &str) -> String {
    let r = report::find(rows, 1, given, quantity)
        .unwrap_or_else(|| panic!("no {quantity} row for {given} given"));
    format!("{:.2} ± {:.2}", r.mean, r.standard_error)
}

// ANCHOR: table
#[test]
fn the_quadrant_table_is_the_committed_run() {
    let rows = reduced();
    let page = page();
    // One seed, every number of quadrants, every test digit, k = 100, the reduced schedule.
    assert!(
        rows.iter()
            .all(|r| r.seed == 1 && r.images == 10_000 && r.k == 100)
    );
    assert!(
        rows.iter()
            .all(|r| r.baseline_epochs == 5 && r.cvae_epochs == 10)
    );
    assert!(rows.iter().all(|r| r.train_images == 60_000));
    for (quantity, name) in [
        ("baseline", "baseline (exact)"),
        ("cvae_elbo", "CVAE, negative ELBO"),
        ("cvae_importance", "CVAE, importance sampled"),
        (
            "baseline_minus_cvae",
            "baseline − CVAE (importance sampled), paired",
        ),
    ] {
        let line = format!(
            "| {name} | {} | {} | {} |",
            cell(&rows, 1, quantity),
            cell(&rows, 2, quantity),
            cell(&rows, 3, quantity)
        );
        says(&page, &line);
    }
    let pyro = |v: [f64; 3]| format!("| {:.1} | {:.1} | {:.1} |", v[0], v[1], v[2]);
    says(&page, &format!("| Pyro: baseline {}", pyro(PYRO_BASELINE)));
    says(
        &page,
        &format!("| Pyro: CVAE, negative ELBO (10 draws) {}", pyro(PYRO_CVAE)),
    );
}
// ANCHOR_END: table

#[test]
fn the_words_around_the_table_match_it() {
    let rows = reduced();
    let page = page();
    let mean = |given, q: &str| report::find(&rows, 1, given, q).unwrap().mean;
    let three = |f: &dyn Fn(usize) -> f64| format!("{:.1}, {:.1} and {:.1}", f(1), f(2), f(3));
    for given in 1..=3 {
        let i = given - 1;
        // "below Pyro's CVAE row in every column", "above" Pyro's baseline row.
        assert!(mean(given, "cvae_importance") < PYRO_CVAE[i], "{given}");
        assert!(mean(given, "cvae_elbo") > PYRO_CVAE[i], "{given}");
        assert!(mean(given, "baseline") > PYRO_BASELINE[i], "{given}");
        // "each many paired standard errors from zero"
        let d = report::find(&rows, 1, given, "baseline_minus_cvae").unwrap();
        assert!(d.mean > 20.0 * d.standard_error, "{given}");
    }
    // "0.1 nats above it with three"
    assert!(mean(3, "cvae_elbo") - PYRO_CVAE[2] < 0.15);
    says(
        &page,
        &format!(
            "importance-sampled $-\\log p(y \\mid x)$ is {} nats lower than the baseline's",
            three(&|g| mean(g, "baseline_minus_cvae"))
        ),
    );
    says(
        &page,
        &format!(
            "is {} nats above it",
            three(&|g| mean(g, "cvae_elbo") - PYRO_CVAE[g - 1])
        ),
    );
    says(
        &page,
        &format!(
            "Our baseline is {} nats above Pyro's",
            three(&|g| mean(g, "baseline") - PYRO_BASELINE[g - 1])
        ),
    );
    let gap = |g| mean(g, "cvae_elbo") - mean(g, "cvae_importance");
    says(
        &page,
        &format!(
            "is {:.1} nats with one quadrant given below the ELBO of the same draws ({:.1} and {:.1} with two and three)",
            gap(1),
            gap(2),
            gap(3)
        ),
    );
    let training: f64 = rows
        .iter()
        .filter(|r| r.quantity == "baseline")
        .map(|r| r.train_seconds)
        .sum();
    let run = std::fs::read_to_string(media("reduced/run.txt")).unwrap();
    let seconds: f64 = run
        .lines()
        .find_map(|l| l.strip_prefix("seconds: "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(run.contains(
        "--baseline-epochs 5 --cvae-epochs 10 --test-images 10000 --labelled-epochs 10 --out book/media/ch09-conditional/reduced"
    ));
    says(
        &page,
        &format!(
            "It took {:.0} minutes on one thread of a shared AMD EPYC machine with 2 cores",
            seconds / 60.0
        ),
    );
    says(
        &page,
        &format!(
            "{:.0} minutes of them training the six networks",
            training / 60.0
        ),
    );
    says(
        &page,
        &format!(
            "about six times its {:.0} minutes of training",
            training / 60.0
        ),
    );
}

#[test]
fn the_pixel_counts_and_the_tensor_count() {
    let page = page();
    let counts: Vec<usize> = (1..=3)
        .map(|q| Given::new(q).unwrap().scored_pixels())
        .collect();
    says(
        &page,
        &format!(
            "One given quadrant leaves {} pixels to predict, two leave {}, three leave {}",
            counts[0], counts[1], counts[2]
        ),
    );
    says(&page, "every one of the 22 weight and bias tensors");
}

#[derive(Deserialize)]
struct Epoch {
    epoch: usize,
    train_loss: f64,
    #[allow(dead_code)]
    seconds: f64,
}

#[test]
fn the_labelled_vae_numbers() {
    let epochs: Vec<Epoch> =
        support::table::read(&media("reduced/labelled.csv"), "epoch,train_loss,seconds").unwrap();
    let last = epochs.last().unwrap();
    assert_eq!(last.epoch, 10);
    says(
        &page(),
        &format!(
            "after 10 epochs its training loss is {:.1} nats",
            last.train_loss
        ),
    );
}
