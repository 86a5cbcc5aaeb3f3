//! The numbers of the chapter's prose, each computed here from the committed results files
//! (`book/media/ch08-collapse/quick/`) or from the code, and looked for on the page.

use std::path::PathBuf;

use ch08_collapse::paired::{ActiveAt, Difference};
use ch08_collapse::results::{self, Row};

fn media(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../book/media/ch08-collapse/quick")
        .join(path)
}

/// The page with every run of whitespace made one space.
fn page() -> String {
    support::book::flat(&support::book::read("ch08-collapse.md").unwrap_or_else(|e| panic!("{e}")))
}

fn says(quoted: &str) {
    assert!(page().contains(quoted), "the page should say {quoted:?}");
}

fn rows(file: &str) -> Vec<Row> {
    results::load(&media(file)).unwrap_or_else(|e| panic!("{e:#}"))
}

fn find<'a>(rows: &'a [Row], run: &str) -> &'a Row {
    rows.iter()
        .find(|r| r.run == run)
        .unwrap_or_else(|| panic!("no row {run:?}"))
}

#[test]
fn the_sweep_table_is_the_results_file() {
    let all = rows("results.csv");
    let sweep: Vec<Row> = all
        .iter()
        .filter(|r| r.decoder == "plain")
        .cloned()
        .collect();
    assert_eq!(sweep.len(), 7);
    for r in &all {
        assert_eq!(
            (
                r.seed,
                r.passes,
                r.train_images,
                r.test_images,
                r.k,
                r.mi_images
            ),
            (1, 30, 10_000, 1_000, 500, 10_000),
            "{}",
            r.run
        );
    }
    says(&support::book::flat(&results::markdown(&sweep)));
    says(
        "every model trained for 30 passes over the first 10,000 training images, scored on the first 1,000 test images with $K = 500$",
    );
}

#[test]
fn the_sweep_claims() {
    let all = rows("results.csv");
    let b = |x: &str| find(&all, &format!("beta {x}")).clone();
    let (b01, b025, b05, b1, b2, b4, b8) = (
        b("0.1"),
        b("0.25"),
        b("0.5"),
        b("1"),
        b("2"),
        b("4"),
        b("8"),
    );
    says(&format!(
        "$\\beta = 0.1$ and $\\beta = 8$ have ELBOs of {:.2} and {:.2} nats, {:.2} apart, with rates of {:.2} and {:.2} nats; $\\beta = 0.5$ and $\\beta = 2$ have {:.2} and {:.2}, {:.2} apart, with rates of {:.2} and {:.2}.",
        b01.elbo,
        b8.elbo,
        b01.elbo - b8.elbo,
        b01.rate,
        b8.rate,
        b05.elbo,
        b2.elbo,
        b05.elbo - b2.elbo,
        b05.rate,
        b2.rate
    ));
    // beta = 1 is best on both scores.
    let sweep = [&b01, &b025, &b05, &b1, &b2, &b4, &b8];
    assert!(
        sweep
            .iter()
            .all(|r| r.elbo <= b1.elbo && r.log_px <= b1.log_px)
    );
    says(&format!(
        "$\\beta = 1$ has the highest ELBO, {:.2} nats",
        b1.elbo
    ));
    says(&format!("highest $\\log p_\\theta(x)$, {:.2}", b1.log_px));
    says(&format!(
        "$\\beta = 0.5$ comes within {:.2} nats of it in $\\log p_\\theta(x)$ with {:.2} more nats of rate",
        b1.log_px - b05.log_px,
        b05.rate - b1.rate
    ));
    // The information estimate's ceiling, log N for the 10,000 test images.
    let ceiling = (10_000f64).ln();
    says(&format!(
        "its ceiling, {ceiling:.2} nats, for $\\beta \\le 0.25$"
    ));
    for r in [&b01, &b025] {
        assert_eq!(
            format!("{:.2}", r.mutual_information),
            format!("{ceiling:.2}")
        );
    }
    let worst = [&b05, &b1]
        .iter()
        .map(|r| ceiling - r.mutual_information)
        .fold(0.0, f64::max);
    assert!(worst < 0.12, "{worst}");
    says("within 0.12 nats of it up to $\\beta = 1$");
    says(&format!(
        "({:.2} at $\\beta = 4$, {:.2} at $\\beta = 8$)",
        b4.mutual_information, b8.mutual_information
    ));
    says(&format!(
        "At $\\beta = 0.1$, {:.2} of the {:.2} nats of rate",
        b01.marginal_kl, b01.rate
    ));
    assert_eq!((b01.active_units, b025.active_units), (50, 50));
    says(&format!(
        "{} and {} at $\\beta = 0.5$ and $1$, and {} at $\\beta = 8$",
        b05.active_units, b1.active_units, b8.active_units
    ));
}

#[test]
fn the_known_answer_of_the_information_estimator() {
    // x ~ N(0, 1), q(z | x) = N(x, 1/4): a Gaussian channel of signal-to-noise ratio 4.
    let info = 5f64.ln() / 2.0;
    let marginal = (0.25 - 1.25f64.ln()) / 2.0;
    says(&format!("$\\frac12 \\ln(1 + 4) \\approx {info:.3}$ nats"));
    says(&format!(
        "$\\frac12(\\frac14 - \\ln\\frac54) \\approx {marginal:.3}$ nats"
    ));
    says(&format!(
        "$\\log 10{{,}}000 \\approx {:.2}$ nats",
        10_000f64.ln()
    ));
}

/// Seed 1's autoregressive models: the run's four and the forced-collapse reference.
fn autoregressive_seed_1() -> Vec<Row> {
    let mut all = rows("results.csv");
    all.retain(|r| r.decoder == "autoregressive");
    all
}

#[test]
fn the_collapse_table_and_claims() {
    let ar = autoregressive_seed_1();
    assert_eq!(ar.len(), 5);
    says(&support::book::flat(&results::markdown(&ar)));
    let all = rows("results.csv");
    let (e, b1) = (find(&ar, "AR ELBO"), find(&all, "beta 1"));
    let forced = find(&ar, "AR beta 100 (collapse forced)");
    assert_eq!(
        (forced.seed, forced.passes, forced.train_images),
        (1, 30, 10_000)
    );
    says(&format!(
        "Its rate is {:.2} nats, far from zero; lower than the {:.2} of chapter 7's decoder trained on the same ELBO, with {} active units against {}, while the estimate of $I(x; z)$, {:.2} nats, stays near its ceiling.",
        e.rate, b1.rate, e.active_units, b1.active_units, e.mutual_information
    ));
    assert!(e.rate > 1.0 && e.rate < b1.rate && e.distortion < b1.distortion);
    says(&format!(
        "the distortion is {:.2} nats against {:.2} on a smaller rate, and $\\log p_\\theta(x)$ rose from {:.2} to {:.2}.",
        e.distortion, b1.distortion, b1.log_px, e.log_px
    ));
    assert!(forced.rate < 0.005 && forced.active_units == 0);
    says(&format!(
        "the same model reaches {:.2}: the code is worth {:.2} nats of $\\log p_\\theta(x)$ to it, and the plain-ELBO model's ELBO, {:.2}, is {:.2} nats above the collapsed model's, {:.2}.",
        forced.log_px,
        e.log_px - forced.log_px,
        e.elbo,
        e.elbo - forced.elbo,
        forced.elbo
    ));
    says(&format!(
        "The forced-collapse model, {:.2} nats here",
        forced.log_px
    ));
    says(&format!(
        "at every seed it scores above chapter 7's decoder with its code ({:.2} against {:.2} at seed 1)",
        forced.log_px, b1.log_px
    ));
    says(&format!(
        "with a rate of {:.2} nats the estimate and the ELBO agree to within {:.2} nats",
        forced.rate,
        forced.log_px - forced.elbo
    ));
}

/// Every model of one seed: the sweep and the autoregressive models.
fn seed(s: u64) -> Vec<Row> {
    let files: &[&str] = match s {
        1 => &["results.csv"],
        2 => &["sweep-seed-2/results.csv", "collapse-seed-2/results.csv"],
        3 => &["sweep-seed-3/results.csv", "collapse-seed-3/results.csv"],
        _ => unreachable!(),
    };
    let all: Vec<Row> = files.iter().flat_map(|f| rows(f)).collect();
    for r in &all {
        assert_eq!(
            (r.seed, r.passes, r.train_images, r.k),
            (s, 30, 10_000, 500),
            "{}",
            r.run
        );
    }
    all
}

/// The models compared over the three seeds, in the table's order.
const COMPARED: [&str; 6] = [
    "beta 1",
    "AR ELBO",
    "AR warm-up 10",
    "AR free bits 0.25",
    "AR beta 0.5",
    "AR beta 100 (collapse forced)",
];

/// The three seeds' table: each cell the values of seeds 1, 2 and 3.
fn seeds_table(seeds: &[Vec<Row>]) -> String {
    let mut out =
        String::from("| model | R | log p(x) | I(x; z) | active units |\n|---|---|---|---|---|");
    for name in COMPARED {
        let r: Vec<&Row> = seeds.iter().map(|s| find(s, name)).collect();
        let cells =
            |f: &dyn Fn(&Row) -> String| r.iter().map(|r| f(r)).collect::<Vec<_>>().join(" / ");
        out.push_str(&format!(
            "\n| {name} | {} | {} | {} | {} |",
            cells(&|r| format!("{:.2}", r.rate)),
            cells(&|r| format!("{:.2}", r.log_px)),
            cells(&|r| format!("{:.2}", r.mutual_information)),
            cells(&|r| r.active_units.to_string()),
        ));
    }
    out
}

#[test]
fn the_three_seeds() {
    let seeds: Vec<Vec<Row>> = (1..=3).map(seed).collect();
    says(&support::book::flat(&seeds_table(&seeds)));
    let each = |name: &str| -> Vec<Row> { seeds.iter().map(|s| find(s, name).clone()).collect() };
    let (elbo, warm, free, half, forced, plain) = (
        each("AR ELBO"),
        each("AR warm-up 10"),
        each("AR free bits 0.25"),
        each("AR beta 0.5"),
        each("AR beta 100 (collapse forced)"),
        each("beta 1"),
    );
    let range = |v: &[Row], f: fn(&Row) -> f64| {
        let values: Vec<f64> = v.iter().map(f).collect();
        (
            values.iter().copied().fold(f64::INFINITY, f64::min),
            values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        )
    };
    // The plain ELBO keeps a code at every seed.
    let (lo, hi) = range(&elbo, |r| r.rate);
    assert!(lo > 1.0);
    says(&format!(
        "plain ELBO's rate is between {lo:.2} and {hi:.2} nats"
    ));
    // What the code is worth: the plain ELBO's log p(x) over the forced collapse's, per seed.
    let worth: Vec<String> = elbo
        .iter()
        .zip(&forced)
        .map(|(e, f)| format!("{:.2}", e.log_px - f.log_px))
        .collect();
    assert!(
        elbo.iter()
            .zip(&forced)
            .all(|(e, f)| e.log_px > f.log_px + 5.0 && e.elbo > f.elbo)
    );
    says(&format!(
        "worth {} nats of $\\log p_\\theta(x)$ at seeds 1, 2 and 3",
        worth.join(", ")
    ));
    // Warm-up: more rate and more units than the ELBO at every seed, and no more likelihood.
    let diff = |a: &[Row], b: &[Row], f: fn(&Row) -> f64| -> (f64, f64) {
        let d: Vec<f64> = a.iter().zip(b).map(|(a, b)| f(a) - f(b)).collect();
        (
            d.iter().copied().fold(f64::INFINITY, f64::min),
            d.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        )
    };
    let (r_lo, r_hi) = diff(&warm, &elbo, |r| r.rate);
    let (l_lo, l_hi) = diff(&elbo, &warm, |r| r.log_px);
    assert!(r_lo > 0.0 && l_lo > 0.0);
    let smallest_se = warm
        .iter()
        .chain(&elbo)
        .map(|r| r.log_px_se)
        .fold(f64::INFINITY, f64::min);
    assert!(l_hi < smallest_se, "{l_hi} {smallest_se}");
    says(
        "a difference of one sign at all three seeds, smaller than one model's standard error over the test images",
    );
    assert!(
        warm.iter()
            .zip(&elbo)
            .all(|(w, e)| w.active_units > e.active_units)
    );
    says(&format!(
        "KL warm-up ends with {r_lo:.2} to {r_hi:.2} nats more rate than the plain ELBO and more active units, at every seed, and a $\\log p_\\theta(x)$ lower by {l_lo:.2} to {l_hi:.2} nats"
    ));
    // Free bits: every unit active, at a price in likelihood.
    assert!(free.iter().all(|r| r.active_units == 50));
    let (l_lo, l_hi) = diff(&elbo, &free, |r| r.log_px);
    assert!(l_lo > 0.0);
    says(&format!(
        "keep all 50 units active at every seed, for a $\\log p_\\theta(x)$ {l_lo:.2} to {l_hi:.2} nats lower than the plain ELBO's"
    ));
    // beta = 0.5: the most rate and the lowest likelihood of the three remedies.
    for (i, h) in half.iter().enumerate() {
        for other in [&warm[i], &free[i], &elbo[i]] {
            assert!(h.rate > other.rate && h.log_px < other.log_px);
            assert!(h.distortion < other.distortion);
        }
    }
    let (lo, hi) = range(&half, |r| r.rate);
    says(&format!(
        "$\\beta = 0.5$ buys the most rate, {lo:.2} to {hi:.2} nats"
    ));
    assert!(forced.iter().zip(&plain).all(|(f, p)| f.log_px > p.log_px));
    // Chapter 7's decoder on the same ELBO, beside them.
    let (lo, hi) = range(&plain, |r| r.rate);
    says(&format!(
        "chapter 7's decoder on the same ELBO keeps {lo:.2} to {hi:.2} nats"
    ));
}

#[test]
fn chapter_7s_active_units() {
    #[derive(serde::Deserialize)]
    struct Count {
        images: String,
        threshold: f64,
        active: usize,
        latent: usize,
    }
    let path = media("../../ch07-likelihood/full/active_units.csv");
    let counts: Vec<Count> =
        support::table::read(&path, "images,image_count,threshold,active,latent")
            .unwrap_or_else(|e| panic!("{e}"));
    let c = counts
        .iter()
        .find(|c| c.images == "test" && c.threshold == 0.01)
        .expect("the test images at Burda et al.'s threshold");
    says(&format!(
        "ends with {} of its {} latent units in use",
        c.active, c.latent
    ));
    says(&format!("Chapter 7's {} active units", c.active));
    says(&format!(
        "where the plain ELBO has switched off {} units",
        c.latent - c.active
    ));
}

#[test]
fn the_rates_by_pass_of_seed_2() {
    use ch08_collapse::figure::PassRow;
    use ch08_collapse::run::PROGRESS_HEADER;
    let read = |name: &str| -> Vec<PassRow> {
        support::table::read(
            &media(&format!("collapse-seed-2/progress-{name}.csv")),
            PROGRESS_HEADER,
        )
        .unwrap_or_else(|e| panic!("{e}"))
    };
    let (warm, elbo) = (read("ar-warm-up-10"), read("ar-elbo"));
    assert_eq!((warm.len(), elbo.len()), (30, 30));
    let at = |v: &[PassRow], pass: usize| v[pass - 1].rate;
    says(&format!(
        "the first pass's rate is {:.2} nats",
        at(&warm, 1)
    ));
    let late: Vec<f64> = elbo[9..].iter().map(|r| r.rate).collect();
    let spread = late.iter().copied().fold(f64::NEG_INFINITY, f64::max)
        - late.iter().copied().fold(f64::INFINITY, f64::min);
    assert!(spread < 0.5, "{spread}");
    says("it stays within half a nat from pass 10 on");
    // Warm-up's rate still falls after beta reaches 1; the ELBO's is flat from pass 10 on.
    assert!(warm.windows(2).skip(9).all(|w| w[1].rate < w[0].rate));
    says(&format!(
        "it falls from {:.2} nats at pass 10, when $\\beta$ reaches 1, to {:.2} at pass 30, still falling at every pass; the plain ELBO's is {:.2} at pass 10 and {:.2} at pass 30",
        at(&warm, 10),
        at(&warm, 30),
        at(&elbo, 10),
        at(&elbo, 30)
    ));
}

#[test]
fn the_times_of_the_runs() {
    #[derive(serde::Deserialize)]
    struct Cpu {
        run: String,
        user_seconds: f64,
    }
    let cpu: Vec<Cpu> = support::table::read(&media("cpu_seconds.csv"), "run,user_seconds")
        .unwrap_or_else(|e| panic!("{e}"));
    let of = |run: &str| {
        cpu.iter()
            .find(|c| c.run == run)
            .unwrap_or_else(|| panic!("{run}"))
            .user_seconds
    };
    let quick = of("quick");
    let runs = std::fs::read_to_string(media("runs.txt")).unwrap();
    // The last run is the one whose files these are: two models at a time on an Intel Xeon.
    let started = runs.lines().rev().nth(1).expect("a started line");
    assert!(
        started.contains("Xeon") && started.contains("2 models at a time"),
        "{runs}"
    );
    says("the machine: an Intel Xeon with two cores");
    says(&format!(
        "and {quick:.2} seconds of CPU for the sweep and the five models"
    ));
    says(&format!("The book's run took {quick:.2} seconds of CPU"));
    // Within the reader's ten minutes.
    let wall: f64 = runs
        .lines()
        .rev()
        .find_map(|l| l.split("finished after ").nth(1))
        .and_then(|m| m.trim_end_matches(" minutes").parse().ok())
        .expect("a finished run");
    assert!(wall <= 10.0, "{wall} minutes");
    let minutes = runs
        .lines()
        .rev()
        .find_map(|l| l.split("finished after ").nth(1))
        .expect("a finished run");
    says(&format!("otherwise idle: {minutes} of wall time"));
    says(&format!(
        "the collapse studies took {:.2} and {:.2} seconds of CPU, the sweeps {:.2} and {:.2}",
        of("collapse-seed-2"),
        of("collapse-seed-3"),
        of("sweep-seed-2"),
        of("sweep-seed-3")
    ));
    says(&format!(
        "({:.2}, {:.2} and {:.2} seconds of CPU)",
        of("revive-seed-1"),
        of("revive-seed-2"),
        of("revive-seed-3")
    ));
}

#[test]
fn the_sweep_at_the_other_seeds() {
    for s in 1..=3 {
        let all = seed(s);
        let sweep: Vec<&Row> = all.iter().filter(|r| r.decoder == "plain").collect();
        assert_eq!(sweep.len(), 7);
        let b1 = find(&all, "beta 1");
        assert!(
            sweep
                .iter()
                .all(|r| r.elbo <= b1.elbo && r.log_px <= b1.log_px),
            "seed {s}"
        );
    }
    says(
        "At seeds 2 and 3 too, $\\beta = 1$ has the highest ELBO and the highest $\\log p_\\theta(x)$ of the sweep.",
    );
}

#[test]
fn the_remedies_on_chapter_7s_decoder() {
    let of = |file: String, name: &str| find(&rows(&file), name).clone();
    let seeds = [1u64, 2, 3];
    let sweep = |s: u64| match s {
        1 => "results.csv".to_string(),
        s => format!("sweep-seed-{s}/results.csv"),
    };
    let b1: Vec<Row> = seeds.iter().map(|&s| of(sweep(s), "beta 1")).collect();
    let revive = |name: &str| -> Vec<Row> {
        seeds
            .iter()
            .map(|&s| of(format!("revive-seed-{s}/results.csv"), name))
            .collect()
    };
    let (warm, free) = (revive("warm-up 10"), revive("free bits 0.25"));
    for (r, s) in warm.iter().chain(&free).zip(seeds.iter().cycle()) {
        assert_eq!(
            (r.seed, r.passes, r.train_images, r.decoder.as_str()),
            (*s, 30, 10_000, "plain")
        );
    }
    // The table: R, D, log p(x) and active units, seeds 1 / 2 / 3.
    let mut table =
        String::from("| model | R | D | log p(x) | active units |\n|---|---|---|---|---|");
    for (name, v) in [
        ("beta 1", &b1),
        ("warm-up 10", &warm),
        ("free bits 0.25", &free),
    ] {
        let cells = |f: &dyn Fn(&Row) -> String| v.iter().map(f).collect::<Vec<_>>().join(" / ");
        table.push_str(&format!(
            "\n| {name} | {} | {} | {} | {} |",
            cells(&|r| format!("{:.2}", r.rate)),
            cells(&|r| format!("{:.2}", r.distortion)),
            cells(&|r| format!("{:.2}", r.log_px)),
            cells(&|r| r.active_units.to_string()),
        ));
    }
    says(&support::book::flat(&table));
    let span = |d: Vec<f64>| {
        let lo = d.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = d.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        format!("{lo:.2} to {hi:.2}")
    };
    let d = |a: &[Row], b: &[Row], f: fn(&Row) -> f64| -> Vec<f64> {
        a.iter().zip(b).map(|(a, b)| f(a) - f(b)).collect()
    };
    let au = |v: &[Row]| span(v.iter().map(|r| r.active_units as f64).collect()).replace(".00", "");
    says("42, 40 and 42 of 50 stay active at the three seeds");
    assert_eq!(
        b1.iter().map(|r| r.active_units).collect::<Vec<_>>(),
        [42, 40, 42]
    );
    // Free bits: every unit, more rate, less likelihood.
    assert!(free.iter().all(|r| r.active_units == 50));
    assert!(
        free.iter()
            .zip(&b1)
            .all(|(f, b)| f.rate > b.rate && f.log_px < b.log_px)
    );
    says(&format!(
        "with {} nats more rate than the ELBO's model, and a $\\log p_\\theta(x)$ {} nats lower",
        span(d(&free, &b1, |r| r.rate)),
        span(d(&b1, &free, |r| r.log_px))
    ));
    // Warm-up: more likelihood at every seed, less than one standard error, fewer units.
    let gain = d(&warm, &b1, |r| r.log_px);
    assert!(gain.iter().all(|&g| g > 0.0));
    let se = warm
        .iter()
        .chain(&b1)
        .map(|r| r.log_px_se)
        .fold(f64::INFINITY, f64::min);
    assert!(gain.iter().all(|&g| g < se));
    assert!(
        warm.iter()
            .zip(&b1)
            .all(|(w, b)| w.active_units < b.active_units && w.rate > b.rate)
    );
    says(&format!(
        "Its $\\log p_\\theta(x)$ is {} nats higher than the ELBO's model's at every seed",
        span(gain)
    ));
    says(&format!(
        "it spends {} nats more rate, in fewer active units ({} against {})",
        span(d(&warm, &b1, |r| r.rate)),
        au(&warm),
        au(&b1)
    ));
}

#[test]
fn the_sweep_over_three_seeds_and_the_information_ceiling() {
    let sweeps = [
        rows("results.csv"),
        rows("sweep-seed-2/results.csv"),
        rows("sweep-seed-3/results.csv"),
    ];
    let ranges: Vec<String> = ["0.5", "1", "2", "4", "8"]
        .iter()
        .map(|b| {
            let counts: Vec<usize> = sweeps
                .iter()
                .map(|s| find(s, &format!("beta {b}")).active_units)
                .collect();
            let (lo, hi) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
            format!("{lo} to {hi} at $\\beta = {b}$")
        })
        .collect();
    says(&format!(
        "Over the three seeds the counts are {}, {}, {}, {} and {}:",
        ranges[0], ranges[1], ranges[2], ranges[3], ranges[4]
    ));
    // The marginal KL over N images is at least R - log N, whatever the model.
    let b01 = find(&sweeps[0], "beta 0.1");
    says(&format!(
        "at least $R - \\log N \\approx {:.1}$ nats",
        b01.rate - (10_000f64).ln()
    ));
    // "the warm-up model ..., which ends on the same ELBO, scores slightly higher at every seed"
    for (s, sweep) in sweeps.iter().enumerate() {
        let warm = find(
            &rows(&format!("revive-seed-{}/results.csv", s + 1)),
            "warm-up 10",
        )
        .elbo;
        let b1 = find(sweep, "beta 1").elbo;
        assert!(warm > b1 && warm - b1 < 0.5, "seed {}: {warm} {b1}", s + 1);
    }
}

/// The paired differences and the counts at several thresholds, from `--paired`.
fn paired() -> (Vec<Difference>, Vec<ActiveAt>) {
    ch08_collapse::paired::load(&media("paired")).unwrap_or_else(|e| panic!("{e:#}"))
}

fn difference<'a>(all: &'a [Difference], seed: u64, model: &str) -> &'a Difference {
    all.iter()
        .find(|d| d.seed == seed && d.model == model)
        .unwrap_or_else(|| panic!("no difference for {model:?}, seed {seed}"))
}

/// The differences the page tabulates, against the plain ELBO on the same decoder.
const PAIRED_MODELS: [&str; 6] = [
    "AR warm-up 10",
    "AR free bits 0.25",
    "AR beta 0.5",
    "AR beta 100 (collapse forced)",
    "warm-up 10",
    "free bits 0.25",
];

#[test]
fn the_paired_differences() {
    let (all, _) = paired();
    let mut table =
        String::from("| model − reference | seed 1 | seed 2 | seed 3 |\n|---|---|---|---|");
    for model in PAIRED_MODELS {
        let d: Vec<&Difference> = (1..=3).map(|s| difference(&all, s, model)).collect();
        assert!(d.iter().all(|d| d.images == 1000));
        table.push_str(&format!(
            "\n| {model} − {} | {} |",
            d[0].reference,
            d.iter()
                .map(|d| format!("{:+.2} ± {:.2}", d.log_px_difference, d.log_px_paired_se))
                .collect::<Vec<_>>()
                .join(" | ")
        ));
    }
    says(&support::book::flat(&table));
    // Each paired error is several times smaller than either model's error over the images.
    let ratio = |seed: u64, model: &str| {
        let d = difference(&all, seed, model);
        let file = match (seed, model) {
            (1, "warm-up 10" | "free bits 0.25") => "revive-seed-1/results.csv".to_string(),
            (1, _) => "results.csv".to_string(),
            (s, "warm-up 10" | "free bits 0.25") => format!("revive-seed-{s}/results.csv"),
            (s, _) => format!("collapse-seed-{s}/results.csv"),
        };
        find(&rows(&file), model).log_px_se / d.log_px_paired_se
    };
    let ratios: Vec<f64> = (1..=3)
        .flat_map(|s| PAIRED_MODELS.map(|m| ratio(s, m)))
        .collect();
    let lo = ratios.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = ratios.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    says(&format!(
        "the paired errors are {lo:.0} to {hi:.0} times smaller than one model's"
    ));
    // How many paired errors from zero each difference is, seed by seed.
    let z = |model: &str| -> Vec<f64> {
        (1..=3)
            .map(|s| {
                let d = difference(&all, s, model);
                d.log_px_difference.abs() / d.log_px_paired_se
            })
            .collect()
    };
    let span = |v: &[f64]| {
        let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        format!("{lo:.1} to {hi:.1}")
    };
    let sign = |model: &str| -> Vec<f64> {
        (1..=3)
            .map(|s| difference(&all, s, model).log_px_difference.signum())
            .collect()
    };
    // The autoregressive remedies all cost likelihood; all but warm-up by many paired errors.
    for model in &PAIRED_MODELS[..4] {
        assert_eq!(sign(model), [-1.0; 3], "{model}");
    }
    for model in &PAIRED_MODELS[1..4] {
        assert!(z(model).iter().all(|&z| z > 10.0), "{model}");
    }
    // The spread over seeds, row by row, against the row's largest paired error.
    let wider = PAIRED_MODELS
        .iter()
        .filter(|m| {
            let d: Vec<&Difference> = (1..=3).map(|s| difference(&all, s, m)).collect();
            let v: Vec<f64> = d.iter().map(|d| d.log_px_difference).collect();
            let spread = v.iter().copied().fold(f64::NEG_INFINITY, f64::max)
                - v.iter().copied().fold(f64::INFINITY, f64::min);
            spread > d.iter().map(|d| d.log_px_paired_se).fold(0.0, f64::max)
        })
        .count();
    says(&format!(
        "which for {} of the six rows is larger than the paired errors",
        words(wider)
    ));
    let warm = z("AR warm-up 10");
    says(&format!(
        "the difference is {:.1} and {:.1} paired errors at seeds 1 and 2 and {:.1} at seed 3",
        warm[0], warm[1], warm[2]
    ));
    let w: Vec<&Difference> = (1..=3)
        .map(|s| difference(&all, s, "AR warm-up 10"))
        .collect();
    assert!(warm[0] > 3.0 && warm[1] > 3.0 && warm[2] < 2.0);
    says(&format!(
        "warm-up lowers it by {:.2} and {:.2} nats at seeds 1 and 2 (about four paired errors) and by {:.2} $\\pm$ {:.2} at seed 3",
        -w[0].log_px_difference,
        -w[1].log_px_difference,
        -w[2].log_px_difference,
        w[2].log_px_paired_se
    ));
    // Chapter 7's decoder: warm-up gains, free bits cost.
    assert_eq!(sign("warm-up 10"), [1.0; 3]);
    assert_eq!(sign("free bits 0.25"), [-1.0; 3]);
    let (wz, fz) = (z("warm-up 10"), z("free bits 0.25"));
    says(&format!(
        "standard error but {} paired errors; it spends",
        span(&wz)
    ));
    says(&format!(
        "model's standard error, but {} paired errors)",
        span(&fz)
    ));
    let both: Vec<f64> = wz.iter().chain(&fz).copied().collect();
    says(&format!(
        "warm-up gains and free bits cost**, at every seed and by {} paired errors",
        span(&both)
    ));
    // The sweep's remark: warm-up's ELBO above the ELBO model's, within one paired error at two
    // seeds.
    let e: Vec<&Difference> = (1..=3).map(|s| difference(&all, s, "warm-up 10")).collect();
    assert!(e.iter().all(|d| d.elbo_difference > 0.0));
    assert_eq!(
        e.iter()
            .filter(|d| d.elbo_difference < d.elbo_paired_se)
            .count(),
        2
    );
    says(&format!(
        "scores {:.2}, {:.2} and {:.2} nats higher at seeds 1, 2 and 3, with paired errors of {:.2}, {:.2} and {:.2}",
        e[0].elbo_difference,
        e[1].elbo_difference,
        e[2].elbo_difference,
        e[0].elbo_paired_se,
        e[1].elbo_paired_se,
        e[2].elbo_paired_se
    ));
    // The exception among the differences, and the spread of warm-up's row over the seeds.
    says(&format!(
        "(warm-up on the autoregressive decoder at seed 3, {:.1} paired errors, is the exception)",
        warm[2]
    ));
    let v: Vec<f64> = w.iter().map(|d| d.log_px_difference).collect();
    let (lo, hi) = (
        v.iter().copied().fold(f64::INFINITY, f64::min),
        v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    );
    says(&format!(
        "(from {hi:.2} to {lo:.2}, a spread of {:.2}, for warm-up",
        hi - lo
    ));
}

#[test]
fn the_active_units_at_other_thresholds() {
    let (_, active) = paired();
    let models = [
        "beta 1",
        "AR ELBO",
        "AR warm-up 10",
        "AR free bits 0.25",
        "AR beta 0.5",
        "warm-up 10",
        "free bits 0.25",
    ];
    let thresholds = ch07_likelihood::active::THRESHOLDS;
    let mut table = String::from("| model |");
    for t in thresholds {
        table.push_str(&format!(" {t} |"));
    }
    table.push_str(&format!("\n|---|{}", "---|".repeat(thresholds.len())));
    for model in models {
        table.push_str(&format!("\n| {model} |"));
        for t in thresholds {
            let counts: Vec<String> = (1..=3)
                .map(|s| {
                    active
                        .iter()
                        .find(|a| a.seed == s && a.model == model && a.threshold == t)
                        .unwrap_or_else(|| panic!("no count for {model}, seed {s}, {t}"))
                        .active
                        .to_string()
                })
                .collect();
            table.push_str(&format!(" {} |", counts.join(" / ")));
        }
    }
    says(&support::book::flat(&table));
    let counts = |model: &str, t: f32| -> Vec<usize> {
        (1..=3)
            .map(|s| {
                active
                    .iter()
                    .find(|a| a.seed == s && a.model == model && a.threshold == t)
                    .unwrap()
                    .active
            })
            .collect()
    };
    let list = |v: Vec<usize>| {
        v.iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    // No unit of the tabulated models is dead at 0.001; the forced collapse has none above any.
    for model in models {
        assert_eq!(counts(model, 1e-3), [50; 3], "{model}");
    }
    for t in thresholds {
        assert_eq!(counts("AR beta 100 (collapse forced)", t), [0; 3]);
    }
    for model in ["beta 1", "AR ELBO"] {
        says(&format!(
            "({} at 0.01; {} at 0.1)",
            list(counts(model, 1e-2)),
            list(counts(model, 0.1))
        ));
    }
    assert!(
        (0..3).all(|i| 2 * counts("beta 1", 0.1)[i] < counts("beta 1", 1e-2)[i]),
        "more than halves"
    );
    assert_eq!(counts("AR free bits 0.25", 0.1), [50; 3]);
    says(&format!(
        "({} on the autoregressive decoder, against {} for its plain ELBO)",
        list(counts("AR free bits 0.25", 0.5)),
        list(counts("AR ELBO", 0.5))
    ));
    for (free, others) in [
        ("AR free bits 0.25", &models[1..5]),
        ("free bits 0.25", &["beta 1", "warm-up 10"][..]),
    ] {
        for other in others.iter().filter(|&&m| m != free) {
            let (f, o) = (counts(free, 0.5), counts(other, 0.5));
            assert!((0..3).all(|i| f[i] < o[i]), "{free} {other}");
        }
    }
    // "most of them with a variance between 0.1 and 0.5"
    for free in ["AR free bits 0.25", "free bits 0.25"] {
        let (above, high) = (counts(free, 0.1), counts(free, 0.5));
        assert!((0..3).all(|i| 2 * (above[i] - high[i]) > 50), "{free}");
    }
    // The count at Burda et al.'s 0.01 is the one results.csv holds.
    for a in active.iter().filter(|a| a.threshold == 0.01) {
        let file = match (a.seed, a.model.as_str()) {
            (s, "warm-up 10" | "free bits 0.25") => format!("revive-seed-{s}/results.csv"),
            (1, _) => "results.csv".to_string(),
            (s, m) if m.starts_with("AR") => format!("collapse-seed-{s}/results.csv"),
            (s, _) => format!("sweep-seed-{s}/results.csv"),
        };
        assert_eq!(find(&rows(&file), &a.model).active_units, a.active, "{a:?}");
    }
}

/// A small count in words, as the page writes it.
fn words(n: usize) -> &'static str {
    [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
    ]
    .get(n)
    .unwrap_or_else(|| panic!("{n} is not a small count"))
}
