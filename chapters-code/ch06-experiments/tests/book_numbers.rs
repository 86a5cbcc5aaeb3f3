//! The chapter's page quotes the tables of the book's run: every row of
//! `book/media/ch06-experiments/results.txt`, the file that run wrote next to its figures, must
//! appear on `book/ch06-experiments.md` as it is, and the quiz must quote the beta table's
//! numbers it uses. Rerunning the command the page gives rewrites that file; this test then
//! says which rows of the page have gone stale.

use std::path::PathBuf;

use ch06_experiments::timings::{TIMINGS, Timings};

fn book(path: &str) -> String {
    support::book::read(path).unwrap_or_else(|e| panic!("{e}"))
}

/// The rows of the tables in `results.txt`, without their header and separator lines.
fn data_rows(results: &str) -> Vec<&str> {
    results
        .lines()
        .filter(|line| line.starts_with("| ") && !line.starts_with("| pair"))
        .filter(|line| !line.starts_with("| K ") && !line.starts_with("| beta"))
        .filter(|line| !line.starts_with("| model"))
        .collect()
}

#[test]
fn the_page_quotes_every_row_of_the_books_run() {
    let results = book("media/ch06-experiments/results.txt");
    let page = book("ch06-experiments.md");
    let rows = data_rows(&results);
    assert_eq!(rows.len(), 2 + 4 + 5 + 3, "{results}");
    let stale: Vec<_> = rows.iter().filter(|row| !page.contains(*row)).collect();
    assert!(
        stale.is_empty(),
        "rows of results.txt not on the page: {stale:#?}"
    );

    // The ELBO line: "... -102.93 (standard error 1.89), over ...".
    let line = results
        .lines()
        .find(|l| l.starts_with("ELBO"))
        .expect("an ELBO line");
    let (_, numbers) = line.split_once(": ").unwrap();
    let (elbo, rest) = numbers.split_once(" (standard error ").unwrap();
    let (error, _) = rest.split_once(')').unwrap();
    let quoted = format!("${elbo}$ nats on average (standard error {error})");
    assert!(page.contains(&quoted), "the page should say {quoted}");
}

#[test]
fn the_quiz_quotes_the_beta_table() {
    let results = book("media/ch06-experiments/results.txt");
    let quiz = book("quiz.md");
    let cells = |beta: &str| -> Vec<String> {
        let (_, table) = results.split_once("| beta |").expect("the beta table");
        let row = data_rows(table)
            .into_iter()
            .find(|r| r.starts_with(&format!("| {beta} |")))
            .unwrap_or_else(|| panic!("no row for beta {beta}"));
        row.split('|').map(|c| c.trim().to_string()).collect()
    };
    // Columns: "", beta, reconstruction, KL, negative ELBO, active units, "".
    let (one, four) = (cells("1"), cells("4"));
    for quoted in [
        format!("a KL of {} nats", four[3]),
        format!("against {} at", one[3]),
        format!("from {} to {} nats", one[2], four[2]),
    ] {
        assert!(quiz.contains(&quoted), "the quiz should say {quoted:?}");
    }
}

#[test]
fn the_page_says_how_long_the_books_run_took() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../book/media/ch06-experiments");
    let t = Timings::load(&root.join(TIMINGS)).unwrap();
    let page = support::book::flat(&book("ch06-experiments.md"));
    let total = t.total_seconds.round() as u64;
    let per_epoch = t.training_seconds / t.training_epochs as f64;
    for quoted in [
        format!(
            "which took {} minute{} {} seconds",
            total / 60,
            if total / 60 == 1 { "" } else { "s" },
            total % 60
        ),
        format!(
            "{} training epochs of about {per_epoch:.1} seconds each ({:.0} seconds in all)",
            t.training_epochs, t.training_seconds
        ),
        format!(
            "{:.0} seconds of importance sampling on {} test images",
            t.sampling_seconds, t.likelihood_images
        ),
        format!("{:.0} seconds here;", t.sampling_seconds),
    ] {
        assert!(page.contains(&quoted), "the page should say {quoted:?}");
    }
}

/// The quiz's figures from the importance-sampling table and the beta table.
#[test]
fn the_quiz_quotes_the_likelihood_table() {
    let results = book("media/ch06-experiments/results.txt");
    let quiz = support::book::flat(&book("quiz.md"));
    let (_, table) = results.split_once("| K |").expect("the likelihood table");
    // Columns: "", K, estimate, its standard error, above the ELBO, its standard error, "".
    let rows: Vec<Vec<f64>> = data_rows(table)
        .into_iter()
        .take_while(|r| !r.starts_with("| 0.5 |"))
        .take(5)
        .map(|r| {
            r.split('|')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(|c| c.parse().unwrap())
                .collect()
        })
        .collect();
    assert_eq!(
        rows.iter().map(|r| r[0]).collect::<Vec<_>>(),
        [1.0, 10.0, 100.0, 1000.0, 5000.0]
    );
    let above = format!("about {:.1} nats below", rows[4][3]);
    assert_eq!(
        quiz.matches(&above).count(),
        2,
        "the quiz should say {above:?} twice"
    );
    let others: Vec<f64> = rows[1..].iter().map(|r| r[4]).collect();
    let (lo, hi) = others
        .iter()
        .fold((f64::MAX, f64::MIN), |(l, h), &x| (l.min(x), h.max(x)));
    let quoted = format!(
        "images ({:.2} nats) is about twice that of the other rows ({lo:.2} to {hi:.2})",
        rows[0][4]
    );
    assert!(quiz.contains(&quoted), "the quiz should say {quoted:?}");
    let ratio = rows[0][4] / hi;
    assert!((1.5..2.5).contains(&ratio), "about twice: {ratio}");
    // "switches off one of its 20": the beta = 4 row's active units.
    let (_, beta) = results.split_once("| beta |").expect("the beta table");
    let four = data_rows(beta)
        .into_iter()
        .find(|r| r.starts_with("| 4 |"))
        .expect("the beta = 4 row");
    assert!(four.ends_with("| 19 of 20 |"), "{four}");
    assert!(quiz.contains("switches off one of its 20"));
}

/// The main model is chapter 5's run at epoch 10, and the 2-D model is "far worse, by about
/// 48 nats per image".
#[test]
fn the_models_table_agrees_with_chapter_5() {
    let results = book("media/ch06-experiments/results.txt");
    let loss = |name: &str| -> f64 {
        let row = results
            .lines()
            .find(|l| l.starts_with(&format!("| {name} |")))
            .unwrap_or_else(|| panic!("no row for {name}"));
        row.trim_end_matches(" |")
            .rsplit("| ")
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let (two_d, main) = (
        loss("the 2-D model (questions 1 and 2)"),
        loss("the main model (questions 3 and 4)"),
    );
    let path = "media/ch05-training/metrics.csv";
    let metrics = ch05_training::metrics::parse_csv(&book(path), path.as_ref()).unwrap();
    assert_eq!(format!("{main:.2}"), format!("{:.2}", metrics[9].test_loss));
    let page = book("ch06-experiments.md");
    assert!(page.contains(&format!("the same {main:.2} nats that")));
    assert_eq!((two_d - main).round(), 48.0, "{two_d} - {main}");
    assert!(page.contains("far worse, by about 48 nats per image"));
    // Chapter 5's exercise quotes the same two models.
    let chapter_5 = support::book::flat(&book("ch05-training.md"));
    let quoted = format!("gets {two_d:.2} nats per image, against {main:.2} for 20 dimensions");
    assert!(
        chapter_5.contains(&quoted),
        "chapter 5 should say {quoted:?}"
    );
}

/// The explorer's page quotes `normalisation.csv`, written by `--export-explorer`: one row per
/// way of drawing, counts and percentages, and the thickened digits' shortfall in words.
#[test]
fn the_explorer_quotes_the_normalisation_table() {
    use ch04_model::report::thousands;
    use ch06_experiments::altered::Alteration;
    use ch06_experiments::explorer;
    use ch06_experiments::pad::{self, HEADER, Recognised};
    let path = support::paths::workspace_root().join("book/media/explorer/normalisation.csv");
    let rows: Vec<Recognised> = support::table::read(&path, HEADER).unwrap();
    let page = book("explorer.md");
    let count = |a: Alteration, normalised: bool, digits: usize| {
        let r = rows
            .iter()
            .find(|r| {
                r.alteration == a.to_string() && r.normalised == normalised && r.digits == digits
            })
            .unwrap_or_else(|| panic!("no row for {a}, normalised {normalised}, {digits} digits"));
        r.right
    };
    let all = rows.iter().map(|r| r.digits).max().unwrap();
    assert!(
        all > pad::MEASURED_IMAGES,
        "the export measures all held-out digits too"
    );
    let cell = |right: usize, digits: usize| {
        format!(
            "{} of {} ({:.1}%)",
            thousands(right),
            thousands(digits),
            100.0 * right as f64 / digits as f64
        )
    };
    let few = pad::MEASURED_IMAGES;
    for a in Alteration::ALL {
        let row = format!(
            "| {} | {} | {} | {} | {} |",
            a.description(),
            cell(count(a, false, few), few),
            cell(count(a, true, few), few),
            cell(count(a, false, all), all),
            cell(count(a, true, all), all)
        );
        assert!(page.contains(&row), "the page should have the row {row}");
    }
    let flat = support::book::flat(&page);
    let says = |words: String| assert!(flat.contains(&words), "the page should say {words:?}");
    // The words: on the 500, moved and enlarged digits recovered to the unaltered count and
    // MNIST's own digits unchanged; on all of them, the moved ones still, the enlarged within
    // a few, and the thicker pen short by many more.
    for digits in [few, all] {
        let unaltered = count(Alteration::Unaltered, true, digits);
        assert_eq!(count(Alteration::Unaltered, false, digits), unaltered);
        assert_eq!(count(Alteration::Shifted, true, digits), unaltered);
    }
    let unaltered = count(Alteration::Unaltered, true, few);
    assert_eq!(count(Alteration::Enlarged, true, few), unaltered);
    says(format!(
        "and {} more thickened digits than unaltered ones ({} as drawn)",
        unaltered - count(Alteration::Thickened, true, few),
        unaltered - count(Alteration::Thickened, false, few)
    ));
    let unaltered = count(Alteration::Unaltered, true, all);
    let enlarged = unaltered - count(Alteration::Enlarged, true, all);
    let thick = unaltered - count(Alteration::Thickened, true, all);
    assert!(enlarged < 20 && thick > 10 * enlarged);
    says(format!(
        "the enlarged ones {enlarged} fewer, and the thickened ones {} fewer",
        thousands(thick)
    ));
    says(format!("On all {} held-out test digits", thousands(all)));
    let (drawn, normalised) = (
        count(Alteration::Thickened, false, all),
        count(Alteration::Thickened, true, all),
    );
    assert!(normalised <= drawn);
    says(format!(
        "({} as drawn: the normalisation does not help them, and costs {})",
        thousands(unaltered - drawn),
        drawn - normalised
    ));
    let digits = few;
    for words in [
        format!("places the same {} digits", thousands(4 * digits)),
        format!(
            "(test images {} to {})",
            thousands(pad::MEASURED_FROM),
            thousands(pad::MEASURED_FROM + digits - 1)
        ),
        format!(
            "(those of test images 0 to {}",
            thousands(pad::MEASURED_FROM - 1)
        ),
        format!(
            "the scatter's {} test digits",
            thousands(explorer::SCATTER_IMAGES)
        ),
    ] {
        assert!(flat.contains(&words), "the page should say {words:?}");
    }
}
