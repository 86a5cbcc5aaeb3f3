//! The chapter shows the tables `cargo run -p ch02-elbo -- --out book/media/ch02-elbo`
//! printed; the run wrote them into `report.txt`. Every table on the page must be in that file
//! as it is, so a change to the code that moves a number cannot leave the page behind.

fn book(path: &str) -> String {
    support::book::read(path).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_table_on_the_page_is_the_runs() {
    let report = book("media/ch02-elbo/report.txt");
    let page = book("ch02-elbo.md");
    let blocks: Vec<&str> = page
        .split("```text\n")
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap())
        .collect();
    assert_eq!(blocks.len(), 6, "the page shows six of the run's tables");
    for block in blocks {
        assert!(
            report.contains(block),
            "book/ch02-elbo.md shows a table that report.txt does not hold:\n{block}"
        );
    }
    // "the covering fit's KL(q || p) is 3.709, more than five times the seeking fit's".
    let kl = |row: &str| -> (String, f64) {
        let line = report.lines().find(|l| l.contains(row)).unwrap();
        let last = line.split_whitespace().last().unwrap();
        (last.to_string(), last.parse().unwrap())
    };
    let (covering, c) = kl("KL(p||q), covering");
    let (_, s) = kl("KL(q||p), seeking");
    assert!(c > 5.0 * s, "{c} {s}");
    assert!(page.contains(&format!(
        "{covering}, more than five times the seeking fit's"
    )));
}
