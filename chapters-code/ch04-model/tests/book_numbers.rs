//! The figures the book quotes from `cargo run -p ch04-model -- --out book/media/ch04-model`:
//! the crate's page shows what the run printed, `report.txt` is what it wrote, and chapter 4
//! and the appendix quote its numbers. A new run rewrites the file; this test then names what
//! went stale.

use support::book::flat;

fn book(path: &str) -> String {
    support::book::read(path).unwrap_or_else(|e| panic!("{e}"))
}

/// The number after `label` on the report's line that contains it.
fn after(report: &str, label: &str) -> f64 {
    let line = report
        .lines()
        .find(|l| l.contains(label))
        .unwrap_or_else(|| panic!("report.txt has no {label:?}"));
    let rest = &line[line.find(label).unwrap() + label.len()..];
    rest.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == ','))
        .find(|w| !w.is_empty())
        .unwrap()
        .replace(',', "")
        .parse()
        .unwrap()
}

/// The largest relative and absolute errors of one of the report's gradient-check tables.
fn worst(report: &str, heading: &str) -> (f64, f64) {
    let (_, table) = report.split_once(heading).expect("the table");
    table
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with("    "))
        .map(|l| {
            let f: Vec<f64> = l
                .split_whitespace()
                .rev()
                .take(2)
                .map(|x| x.parse().unwrap())
                .collect();
            (f[1], f[0])
        })
        .fold((0.0, 0.0), |(r, a), (rel, abs)| {
            (f64::max(r, rel), f64::max(a, abs))
        })
}

#[test]
fn the_book_quotes_the_binarys_report() {
    let report = book("media/ch04-model/report.txt");
    assert!(
        book("code/ch04-model.md").contains(&report),
        "book/code/ch04-model.md should show report.txt as it is"
    );
    let chapter = flat(&book("ch04-model.md"));
    let appendix = flat(&book("making-it-fast.md"));
    let says = |page: &str, name: &str, quoted: String| {
        assert!(page.contains(&quoted), "{name} should say {quoted:?}");
    };

    let sd = after(&report, "standard deviation");
    let recon = after(&report, "reconstruction");
    let kl = after(&report, "KL");
    let elbo = after(&report, "negative ELBO");
    says(
        &chapter,
        "ch04",
        format!("standard deviation {sd:.3}, and the reconstruction term is {recon:.1} nats"),
    );
    says(
        &chapter,
        "ch04",
        format!("prints {recon:.1} nats of reconstruction and {kl:.2} of KL"),
    );

    // "misses of about 1e-9 at most" (the small network), "up to ..." and "below 1e-4" (the
    // full one), whose loss is "about 2,200 nats for 4 images".
    let (_, small_abs) = worst(&report, "small network");
    assert!((3e-10..3e-9).contains(&small_abs), "{small_abs}");
    says(&chapter, "ch04", "misses of about $10^{-9}$ at most".into());
    let (full_rel, full_abs) = worst(&report, "full network");
    assert!(full_rel < 1e-4, "{full_rel}");
    says(
        &chapter,
        "ch04",
        "Its relative errors stay below $10^{-4}$".into(),
    );
    let (mantissa, exponent) = format!("{full_abs:.1e}")
        .split_once('e')
        .map(|(m, e)| (m.to_string(), e.to_string()))
        .unwrap();
    says(
        &chapter,
        "ch04",
        format!("(up to ${mantissa} \\times 10^{{{exponent}}}$)"),
    );
    assert_eq!((4.0 * elbo / 100.0).round() * 100.0, 2200.0, "{elbo}");
    says(&chapter, "ch04", "about 2,200 nats for 4 images".into());

    // The appendix: the pass times and the workspace.
    let forward = after(&report, "forward");
    let backward = after(&report, "backward");
    says(
        &appendix,
        "making-it-fast",
        format!(
            "one forward pass of 128 images takes about {forward:.1} ms and one backward pass about {backward:.1} ms"
        ),
    );
    let numbers = after(&report, "the workspace holds");
    says(
        &appendix,
        "making-it-fast",
        format!(
            "the binary reports {} numbers",
            ch04_model::report::thousands(numbers as usize)
        ),
    );
    says(
        &appendix,
        "making-it-fast",
        format!("{:.1} megabytes in `f32`", numbers * 4.0 / 1e6),
    );
}
