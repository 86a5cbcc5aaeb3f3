//! Smaller figures of the chapter's prose, each computed here from the committed results
//! files (`book/media/ch07-likelihood/`) or from the code, and looked for on the page.

use std::path::{Path, PathBuf};

use ch04_model::shape::VaeShape;
use ch07_likelihood::model::SHAPE;
use ch07_likelihood::progress::{self, finished_stages};
use ch07_likelihood::run::{GAPS_AIS_HEADER, GAPS_HEADER};
use ch07_likelihood::schedule::Schedule;
use ch07_likelihood::{kcurve, per_image, report, seeds};
use serde::Deserialize;

fn book(path: &str) -> String {
    support::book::read(path).unwrap_or_else(|e| panic!("{e}"))
}

fn media(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../book/media/ch07-likelihood")
        .join(path)
}

/// The page with every run of whitespace made one space.
fn page() -> String {
    support::book::flat(&book("ch07-likelihood.md"))
}

fn says(quoted: &str) {
    assert!(page().contains(quoted), "the page should say {quoted:?}");
}

#[derive(Deserialize)]
struct Gap {
    quantity: String,
    mean: f64,
    images: usize,
}

#[derive(Deserialize)]
struct Passes {
    passes: usize,
}

/// `(mean, images)` of one quantity of a gaps.csv.
fn gap(path: &Path, name: &str) -> (f64, usize) {
    let rows: Vec<Gap> = support::table::read(path, GAPS_HEADER).unwrap();
    let row = rows.iter().find(|r| r.quantity == name).unwrap();
    (row.mean, row.images)
}

#[test]
fn more_optimisation_steps_find_no_better_gaussians() {
    let (long, n_long) = gap(&media("quick/gap-steps-2000/gaps.csv"), "elbo_optimal");
    let (short, n_short) = gap(&media("quick/gap-steps-500/gaps.csv"), "elbo_optimal");
    assert_eq!((n_long, n_short), (10, 10), "the first ten images");
    assert!((long - short).abs() < 0.05, "{long} {short}");
    // "slightly lower, not higher"
    assert!(long < short, "{long} {short}");
    says("slightly lower, not higher");
    // A check on the quick model only: both files are of its 13 passes.
    for file in [
        "quick/gap-steps-2000/gaps.csv",
        "quick/gap-steps-500/gaps.csv",
    ] {
        let rows: Vec<Passes> = support::table::read(&media(file), GAPS_HEADER).unwrap();
        assert!(rows.iter().all(|r| r.passes == 13), "{file}");
    }
    says("on the first ten images of the quick model");
    says(&format!(
        "`--gap-steps 2000` gives the best Gaussians an average ELBO of {long:.2} nats against \
         {short:.2} with the default 500"
    ));
    // The main table's gaps are on the first 200 images.
    let (_, images) = gap(&media("quick/gaps.csv"), "log_px");
    assert_eq!(images, 200);
    says("On the quick VAE, on the first 200 test images");
}

#[test]
fn the_iwae_bound_costs_about_twice_the_elbos_time() {
    let speed = book("media/ch07-likelihood/speed.txt");
    // Rows: threads, k, steps/s, s/pass, ...; compare the two-thread rows.
    let per_pass = |k: &str| -> f64 {
        let row = speed
            .lines()
            .skip(2)
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
            .find(|f| f[0] == "2" && f[1] == k)
            .unwrap();
        row[3].parse().unwrap()
    };
    let ratio = per_pass("5") / per_pass("1");
    assert!((1.7..2.3).contains(&ratio), "{ratio}");
    says("The IWAE bound with $k = 5$ costs about twice the ELBO's time at the same batch");
}

#[test]
fn after_three_stages_the_full_run_is_above_the_quick_models() {
    let path = media("full/progress.csv");
    let rows = progress::load(&path).unwrap();
    let stage_2 = finished_stages(&rows)[2].test_elbo;
    let quick = report::load(&media("quick/quick.csv")).unwrap();
    assert!(
        quick.iter().all(|r| stage_2 > r.evaluation.elbo.mean),
        "{stage_2}"
    );
    says("after 13 passes over all 60,000 images it is already above the quick models'");
}

#[test]
fn the_network_and_the_schedule_in_numbers() {
    let (ours, chapter_4) = (SHAPE.parameter_count(), VaeShape::MNIST.parameter_count());
    assert_eq!(ours, 425_284);
    let share = ours as f64 / chapter_4 as f64;
    assert!((0.6..0.7).contains(&share), "{share}");
    says("The network holds 425,284 parameters, two thirds as many as chapter 4's");
    let steps = Schedule::Full.passes() * 60_000 / 20;
    assert!((9_500_000..10_000_000).contains(&steps), "{steps}");
    says("3,280 passes of 3,000 steps each are almost ten million Adam steps");
}

#[derive(Deserialize)]
struct AisGap {
    quantity: String,
    mean: f64,
    standard_error: f64,
    images: usize,
    passes: usize,
    steps: usize,
    acceptance: f64,
}

#[test]
fn the_gaps_with_ais_are_the_committed_ones() {
    let rows: Vec<AisGap> =
        support::table::read(&media("full/gaps_ais.csv"), GAPS_AIS_HEADER).unwrap();
    let row = |name: &str| rows.iter().find(|r| r.quantity == name).unwrap();
    assert!(
        rows.iter()
            .all(|r| (r.images, r.passes, r.steps) == (200, 3280, 2000))
    );
    says(&format!("acceptance {:.3}", rows[0].acceptance));
    // The page's table, row by row, in the file's order.
    let table: Vec<String> = [
        "log_px_ais",
        "inference_gap",
        "approximation_gap",
        "ais_minus_importance",
    ]
    .iter()
    .map(|name| {
        format!(
            "| {:.2} | {:.2} |",
            row(name).mean,
            row(name).standard_error
        )
    })
    .collect();
    let page = book("ch07-likelihood.md");
    let (_, after) = page
        .split_once("with AIS's $\\log p_\\theta(x)$ | mean, nats | standard error |")
        .expect("the table of the gaps with AIS");
    let quoted: Vec<&str> = after.lines().skip(2).take(4).collect();
    for (line, ends) in quoted.iter().zip(&table) {
        assert!(line.ends_with(ends.as_str()), "{line} should end {ends}");
    }
    // AIS below the larger importance-sampled estimate, by more than two paired errors.
    let d = row("ais_minus_importance");
    assert!(d.mean < -2.0 * d.standard_error, "{}", d.mean);
    says(&format!(
        "it lies {:.2} ± {:.2} nats below it",
        -d.mean, d.standard_error
    ));
    let (is_gap, _) = gap(&media("full/gaps.csv"), "approximation_gap");
    let ais_gap = row("approximation_gap");
    let apart = is_gap - ais_gap.mean;
    says(&format!("the same split to within {apart:.2} nats"));
    says(&format!(
        "the approximation gap is {:.2} with AIS and {is_gap:.2} with importance sampling",
        ais_gap.mean
    ));
    let quiz = support::book::flat(&book("quiz.md"));
    let quoted = format!(
        "gives {:.2} ± {:.2} nats, {apart:.2} lower",
        ais_gap.mean, ais_gap.standard_error
    );
    assert!(quiz.contains(&quoted), "the quiz should say {quoted:?}");
}

#[test]
fn more_steps_find_no_better_gaussians_for_the_trained_model_either() {
    let (long, n_long) = gap(&media("full/gap-steps-2000/gaps.csv"), "elbo_optimal");
    let (short, n_short) = gap(&media("full/gap-steps-500/gaps.csv"), "elbo_optimal");
    assert_eq!((n_long, n_short), (50, 50), "the first 50 images");
    for file in [
        "full/gap-steps-2000/gaps.csv",
        "full/gap-steps-500/gaps.csv",
    ] {
        let rows: Vec<Passes> = support::table::read(&media(file), GAPS_HEADER).unwrap();
        assert!(rows.iter().all(|r| r.passes == 3280), "{file}");
    }
    assert!(long < short, "{long} {short}");
    says(&format!(
        "gives an average ELBO of {long:.3} nats with 2,000 steps against {short:.3} with 500"
    ));
    let d = paired_optimal("full");
    assert!((d.mean - (long - short)).abs() < 1e-4, "{d:?}");
    says(&format!(
        "again slightly lower, by {:.3} ± {:.3} nats (paired standard error over the 50 images)",
        -d.mean, d.standard_error
    ));
}

/// The ELBO of each image's best Gaussian after 2,000 steps minus after 500, image by image,
/// from the two runs' gaps_per_image.csv.
fn paired_optimal(model: &str) -> support::summary::Summary {
    let load = |steps: usize| {
        ch07_likelihood::gaps::load_per_image(&media(&format!(
            "{model}/gap-steps-{steps}/gaps_per_image.csv"
        )))
        .unwrap()
    };
    let (long, short) = (load(2000), load(500));
    assert_eq!(long.len(), short.len());
    let d: Vec<f64> = long
        .iter()
        .zip(&short)
        .map(|(a, b)| a.elbo_optimal - b.elbo_optimal)
        .collect();
    support::summary::Summary::of(&d)
}

#[test]
fn the_quick_steps_check_gives_its_paired_error() {
    let d = paired_optimal("quick");
    assert_eq!(d.count, 10);
    says(&format!(
        "slightly lower, not higher, by {:.3} ± {:.3} nats (the paired standard error over the ten images",
        -d.mean, d.standard_error
    ));
    let picture = image::open(media("quick/quick_kcurve.png")).unwrap();
    assert_eq!((picture.width(), picture.height()), (720, 480));
}

#[test]
fn the_page_sets_the_two_seeds_side_by_side_as_seeds_csv_does() {
    let lines = seeds::load(&media("seeds/seeds.csv")).unwrap();
    // The page's table is the binary's Markdown of the committed file.
    let page = book("ch07-likelihood.md");
    assert!(
        page.contains(&seeds::markdown(&lines)),
        "the page should hold seeds.csv's table:\n{}",
        seeds::markdown(&lines)
    );
    let find = |quantity: &str, runs: &str| {
        lines
            .iter()
            .find(|l| l.quantity == quantity && l.runs == runs)
            .unwrap_or_else(|| panic!("no {quantity} {runs}"))
    };
    // Made from the committed runs: the same numbers as their evaluation.csv files.
    for (run, folder) in [("seed 1", "full"), ("seed 2", "full-seed2")] {
        let rows = report::load(&media(&format!("{folder}/evaluation.csv"))).unwrap();
        let e = &rows[0].evaluation;
        let line = find("log_px", run);
        assert!((line.value - e.log_px.mean).abs() < 1e-3, "{run}");
        assert!((line.error - e.log_px.standard_error).abs() < 1e-3, "{run}");
        assert_eq!((line.images, e.images, e.k), (10_000, 10_000, 5000));
        let rows = progress::load(&media(&format!("{folder}/progress.csv"))).unwrap();
        assert_eq!(rows.len(), 3280, "{folder}: the whole schedule");
    }
    let d = find("log_px", "seed 2 - seed 1");
    let (one, two) = (find("log_px", "seed 1"), find("log_px", "seed 2"));
    assert_eq!(d.error_is, seeds::ErrorIs::PairedSe);
    // "no difference this measurement can detect"; the paired error about an eighth.
    assert!(d.value.abs() < 2.0 * d.error, "{d:?}");
    let eighth = one.error / d.error;
    assert!((7.0..10.0).contains(&eighth), "{eighth}");
    says(&format!(
        "differ by {:.2} nats, with a paired standard error of {:.2}",
        d.value.abs(),
        d.error
    ));
    let e = find("elbo", "seed 2 - seed 1");
    says(&format!("differ by {:.2} ± {:.2}", e.value.abs(), e.error));
    // Both above the paper by about 0.6 nats, more than 40 times their own distance.
    let above = [one.value + 86.76, two.value + 86.76];
    says(&format!("by {:.2} and {:.2} nats", above[0], above[1]));
    assert!(above.iter().all(|a| (a - 0.6).abs() < 0.05), "{above:?}");
    assert!(above.iter().all(|a| *a > 40.0 * d.value.abs()), "{above:?}");
    // The K-curves' last rise, from 1,000 to 5,000 draws.
    let rise = |folder: &str| {
        let curve = kcurve::load(&media(&format!("{folder}/kcurve.csv"))).unwrap();
        let at = |k| curve.iter().find(|p| p.k == k).unwrap().value.mean;
        at(5000) - at(1000)
    };
    says(&format!(
        "by {:.2} and {:.2} nats; the paper's number",
        rise("full"),
        rise("full-seed2")
    ));
    let active = |folder: &str| {
        report::load(&media(&format!("{folder}/evaluation.csv"))).unwrap()[0]
            .evaluation
            .active_units
    };
    says(&format!(
        "Seed 2 uses {} active units, seed 1 {}",
        active("full-seed2"),
        active("full")
    ));
    // The training time of the second seed.
    let seconds: f64 = progress::load(&media("full-seed2/progress.csv"))
        .unwrap()
        .iter()
        .map(|p| p.seconds)
        .sum();
    says(&format!("took {:.1} hours on one thread", seconds / 3600.0));
    let picture = image::open(media("seeds/seeds_kcurve.png")).unwrap();
    assert_eq!((picture.width(), picture.height()), (720, 480));
}

#[test]
fn the_first_seeds_per_image_scores_give_its_evaluation_and_the_printed_gap() {
    let scores = per_image::load(&media("full/per_image.csv")).unwrap();
    let mean = |f: fn(&per_image::ImageScore) -> f64| {
        scores.iter().map(f).sum::<f64>() / scores.len() as f64
    };
    let (log_px, elbo) = (mean(|s| s.log_px), mean(|s| s.elbo));
    let row = &report::load(&media("full/evaluation.csv")).unwrap()[0];
    assert!((log_px - row.evaluation.log_px.mean).abs() < 1e-4);
    assert!((elbo - row.evaluation.elbo.mean).abs() < 1e-4);
    // The binary prints the gap from unrounded means; the page quotes what it prints.
    let gap = format!("{:.2}", log_px - elbo);
    says(&format!("log p(x) - ELBO = {gap} nats"));
    says(&format!("The ELBO of seed 1's model lies {gap} nats below"));
}

#[test]
fn the_bias_on_four_times_as_many_digits_is_the_committed_one() {
    let rows = ch07_likelihood::bias::load(&media("full/ais-200/bias.csv")).unwrap();
    let row = |data: &str, estimator: &str, budget: usize| {
        rows.iter()
            .find(|r| r.data == data && r.estimator == estimator && r.budget == budget)
            .unwrap_or_else(|| panic!("no {data} {estimator} {budget}"))
    };
    assert!(rows.iter().all(|r| r.minus_ais.count == 200));
    // The page's six rows are the binary's own Markdown rows of the file.
    let table = ch07_likelihood::bias::markdown(&rows);
    let page = book("ch07-likelihood.md");
    let (_, after) = page
        .split_once("--ais-images 200 --out book/media/ch07-likelihood/full/ais-200")
        .expect("the command for 200 digits");
    let quoted: Vec<&str> = after
        .lines()
        .skip_while(|l| !l.starts_with("| test"))
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert_eq!(quoted.len(), 6);
    for line in &quoted {
        assert!(
            table.contains(line),
            "{line} is not a row of full/ais-200/bias.csv"
        );
    }
    let test = row("test", "is", 5000);
    says(&format!(
        "lies {:.2} ± {:.2} nats below AIS (paired), as on the first 50 (0.30 ± 0.11)",
        -test.minus_ais.mean, test.minus_ais.standard_error
    ));
    let gain = test.estimate.mean - row("test", "is", 1000).estimate.mean;
    says(&format!(
        "still gains {gain:.2} nats from $K = 1{{,}}000$ to 5,000"
    ));
    let (reverse, sim) = (
        row("simulated", "ais-reverse", 2000),
        row("simulated", "is", 5000),
    );
    says(&format!(
        "the bracket is {:.2} ± {:.2} nats wide",
        reverse.minus_ais.mean, reverse.minus_ais.standard_error
    ));
    says(&format!(
        "importance sampling lies {:.2} ± {:.2} nats below forward AIS",
        -sim.minus_ais.mean, sim.minus_ais.standard_error
    ));
    // "by 0.4 to 0.6 nats": its distance below AIS, plus up to the bracket's width.
    let (near, far) = (
        -sim.minus_ais.mean,
        -sim.minus_ais.mean + reverse.minus_ais.mean,
    );
    assert_eq!(
        (format!("{near:.1}"), format!("{far:.1}")),
        ("0.4".into(), "0.6".into())
    );
}
