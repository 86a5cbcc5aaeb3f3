//! The numbers of the chapter's prose, each computed here from the committed results files
//! (`book/media/ch09-conditional/`) or from the code, and looked for on the page.

use std::path::PathBuf;

use ch09_conditional::quadrants::Given;
use ch09_conditional::report::{self, HEADER, OverSeeds, PYRO_BASELINE, PYRO_CVAE, Row};
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

/// The committed run's folder, and the command that made it.
const RUN: &str = "three-seeds";
const COMMAND: &str = "--seeds 1,2,3 --baseline-epochs 10 --cvae-epochs 20 --test-images 10000 --labelled-epochs 10 --out book/media/ch09-conditional/three-seeds";

fn committed() -> Vec<Row> {
    support::table::read(&media(&format!("{RUN}/quadrants.csv")), HEADER).unwrap()
}

fn over(rows: &[Row], given: usize, quantity: &str) -> OverSeeds {
    report::over_seeds(rows, given, quantity)
        .unwrap_or_else(|| panic!("no {quantity} row for {given} given"))
}

/// A cell of the table: the mean over the seeds, and their standard deviation.
fn cell(rows: &[Row], given: usize, quantity: &str) -> String {
    let o = over(rows, given, quantity);
    format!("{:.2} (sd {:.2})", o.mean, o.sd)
}

// ANCHOR: table
#[test]
fn the_quadrant_table_is_the_committed_run() {
    let rows = committed();
    let page = page();
    // Three seeds, every number of quadrants, every test digit, k = 100, the stated schedule.
    for seed in 1..=3 {
        assert_eq!(
            rows.iter().filter(|r| r.seed == seed).count(),
            12,
            "seed {seed}"
        );
    }
    assert!(rows.iter().all(|r| r.images == 10_000 && r.k == 100));
    assert!(
        rows.iter()
            .all(|r| r.baseline_epochs == 10 && r.cvae_epochs == 20)
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
    let rows = committed();
    let page = page();
    let mean = |given, q: &str| over(&rows, given, q).mean;
    let three = |f: &dyn Fn(usize) -> f64| format!("{:.1}, {:.1} and {:.1}", f(1), f(2), f(3));
    // The range of the seeds' standard errors over the test digits, for the three estimates
    // and for the paired difference.
    let range = |quantities: &[&str]| {
        let (low, high) = quantities
            .iter()
            .flat_map(|q| (1..=3).map(move |g| (g, *q)))
            .map(|(g, q)| over(&rows, g, q).standard_error_range)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), [a, b]| {
                (l.min(a), h.max(b))
            });
        format!("between {low:.2} and {high:.2}")
    };
    says(
        &page,
        &format!(
            "a standard error over the test digits {} nats",
            range(&["baseline", "cvae_elbo", "cvae_importance"])
        ),
    );
    says(
        &page,
        &format!(
            "the paired difference's {}",
            range(&["baseline_minus_cvae"])
        ),
    );
    for given in 1..=3 {
        let i = given - 1;
        // "by more than ten times the spread over seeds"
        let elbo = over(&rows, given, "cvae_elbo");
        assert!(PYRO_CVAE[i] - elbo.mean > 10.0 * elbo.sd, "{given}");
        for seed in 1..=3 {
            let at = |q: &str| report::find(&rows, seed, given, q).unwrap();
            // "at every seed": the CVAE's negative ELBO below Pyro's CVAE row, our
            // baseline above Pyro's baseline row, the paired gap many errors from zero.
            assert!(at("cvae_elbo").mean < PYRO_CVAE[i], "{given}, seed {seed}");
            assert!(
                at("baseline").mean > PYRO_BASELINE[i],
                "{given}, seed {seed}"
            );
            let d = at("baseline_minus_cvae");
            assert!(d.mean > 20.0 * d.standard_error, "{given}, seed {seed}");
        }
    }
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
            "is {} nats below it",
            three(&|g| PYRO_CVAE[g - 1] - mean(g, "cvae_elbo"))
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
    let run = std::fs::read_to_string(media(&format!("{RUN}/run.txt"))).unwrap();
    let seconds: f64 = run
        .lines()
        .find_map(|l| l.strip_prefix("seconds: "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(run.contains(COMMAND));
    says(&page, COMMAND);
    says(
        &page,
        &format!(
            "It took {:.0} minutes on one thread of an AMD EPYC machine with 2 cores",
            seconds / 60.0
        ),
    );
    says(
        &page,
        &format!(
            "{:.0} minutes of them training the eighteen networks",
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
    let epochs: Vec<Epoch> = support::table::read(
        &media(&format!("{RUN}/labelled.csv")),
        "epoch,train_loss,seconds",
    )
    .unwrap();
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
