//! A number the page derives rather than measures: how often the 20-dimensional prior draws a
//! code as short as the straight midpoint of two typical codes.

use statrs::distribution::{ChiSquared, ContinuousCDF};
use support::book::flat;

#[test]
fn the_prior_rarely_draws_a_code_as_short_as_a_straight_midpoint() {
    // |z|^2 for z ~ N(0, I_20) is chi-squared with 20 degrees of freedom; the midpoint of two
    // typical codes has |z|^2 about 20 / 2 = 10.
    let p = ChiSquared::new(20.0).unwrap().cdf(10.0);
    assert_eq!(format!("{p:.3}"), "0.032");
    // The same probability from the closed form for an even number of degrees of freedom,
    // 1 - exp(-x/2) sum_{i<10} (x/2)^i / i!, as a check on the library.
    let half = 5.0f64;
    let (mut term, mut sum) = (1.0, 0.0);
    for i in 0..10 {
        if i > 0 {
            term *= half / i as f64;
        }
        sum += term;
    }
    assert!((1.0 - (-half).exp() * sum - p).abs() < 1e-12);
    let page = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../book/ch06-experiments.md"),
    )
    .unwrap();
    assert!(page.contains("P(\\chi^2_{20} \\le 10) = 0.032"));
    assert!(page.contains("only 3.2% of the time"));
}

/// The page and `results.txt`, the book's run.
fn book(path: &str) -> String {
    support::book::read(path).unwrap_or_else(|e| panic!("{e}"))
}

/// The numbers of each row of the table of `results.txt` whose header starts with `header`.
fn table(results: &str, header: &str) -> Vec<Vec<f64>> {
    let (_, rest) = results.split_once(header).expect("the table");
    rest.lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            l.split('|')
                .map(str::trim)
                .filter_map(|c| c.split(' ').next().and_then(|w| w.parse().ok()))
                .collect()
        })
        .collect()
}

#[test]
fn the_prose_reads_the_likelihood_table() {
    let results = book("media/ch06-experiments/results.txt");
    let page = flat(&book("ch06-experiments.md"));
    let says = |quoted: String| assert!(page.contains(&quoted), "the page should say {quoted:?}");
    // Columns: K, estimate, its standard error, above the ELBO, its standard error.
    let rows = table(&results, "| K |");
    let ks: Vec<usize> = rows.iter().map(|r| r[0] as usize).collect();
    assert_eq!(ks, [1, 10, 100, 1000, 5000]);
    let (k1, k10, k1000, k5000) = (&rows[0], &rows[1], &rows[3], &rows[4]);
    says(format!(
        "about {:.1} nats below the $K = 5000$ estimate",
        k5000[3]
    ));
    says(format!(
        "is about {:.1} nats below its importance-sampled log-likelihood",
        k5000[3]
    ));
    says(format!(
        "still rising between $K = 1000$ and 5000, by {:.2} nats",
        k5000[1] - k1000[1]
    ));
    says(format!(
        "Ten draws already recover {:.1} of the {:.1} nats",
        k10[3], k5000[3]
    ));
    says(format!(
        "its {:.3} is {:.1} standard errors from zero",
        k1[3],
        k1[3] / k1[4]
    ));
    says(format!("its standard error is {:.2} nats", k5000[4]));
    let errors: Vec<f64> = rows.iter().map(|r| r[2]).collect();
    assert!(
        errors.iter().all(|&e| (1.75..1.9).contains(&e)),
        "{errors:?}"
    );
    says("the standard error of the mean over 200 images is about 1.8 nats".into());
    says(format!("near ${:.0}$", k5000[1]));
    // One set of draws serves every K: 5000 decoder passes an image, not the sum of the Ks.
    let sum: usize = ks.iter().sum();
    says(format!("not {sum}:"));
    assert_eq!(200 * 5000, 1_000_000);
    says("200 images at 5000 draws is a million decoder passes".into());
    says(format!(
        "all 10,000 test images would take {} times as long",
        10_000 / 200
    ));
    // Chapter 7 quotes the same rise.
    let chapter_7 = flat(&book("ch07-likelihood.md"));
    let quoted = format!(
        "rise by {:.2} nats between $K = 1{{,}}000$ and 5,000",
        k5000[1] - k1000[1]
    );
    assert!(
        chapter_7.contains(&quoted),
        "chapter 7 should say {quoted:?}"
    );
}

#[test]
fn the_prose_reads_the_beta_and_interpolation_tables() {
    let results = book("media/ch06-experiments/results.txt");
    let page = flat(&book("ch06-experiments.md"));
    let says = |quoted: String| assert!(page.contains(&quoted), "the page should say {quoted:?}");
    // Columns: beta, reconstruction, KL, negative ELBO, active units.
    let beta = table(&results, "| beta |");
    let (half, one, four) = (&beta[0], &beta[1], &beta[2]);
    says(format!(
        "Halving $\\beta$ buys {:.1} nats of reconstruction with {:.1} nats more KL",
        one[1] - half[1],
        half[2] - one[2]
    ));
    says(format!("gets worse, by {:.1} nats", half[3] - one[3]));
    says(format!(
        "Quadrupling it cuts the KL to {:.1} nats, but the reconstruction loses {:.1}",
        four[2],
        four[1] - one[1]
    ));
    let path = "media/ch05-training/metrics.csv";
    let metrics = ch05_training::metrics::parse_csv(&book(path), path.as_ref()).unwrap();
    says(format!(
        "Its {:.2} differs from the {:.2} that chapter 5 prints at epoch 5",
        one[3], metrics[4].test_loss
    ));
    says(format!("[{:.2} after 20 epochs]", metrics[19].test_loss));
    // Columns: pair ("2 to 7", read as its first digit), first code, second, straight
    // midpoint, spherical midpoint.
    let pairs: Vec<Vec<f64>> = table(&results, "| pair |")
        .into_iter()
        .map(|r| r[1..].to_vec())
        .collect();
    let ends: Vec<f64> = pairs.iter().flat_map(|r| [r[0], r[1]]).collect();
    let (lo, hi) = ends
        .iter()
        .fold((f64::MAX, f64::MIN), |(l, h), &x| (l.min(x), h.max(x)));
    says(format!("have lengths between {lo:.1} and {hi:.1}"));
    for r in &pairs {
        let shorter = 1.0 - r[2] / ((r[0] + r[1]) / 2.0);
        assert!((0.2..0.5).contains(&shorter), "{r:?}: {shorter}");
    }
    let two_seven = &pairs[1];
    says(format!(
        "a quarter to a half shorter than their ends ({:.2} between codes of length {:.2} and {:.2})",
        two_seven[2], two_seven[0], two_seven[1]
    ));
}

#[test]
fn the_run_time_adds_up() {
    let root =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../book/media/ch06-experiments");
    let t = ch06_experiments::timings::Timings::load(&root.join("timings.csv")).unwrap();
    let rest = t.total_seconds - t.training_seconds - t.sampling_seconds;
    let page = flat(&book("ch06-experiments.md"));
    let quoted = format!("and {rest:.1} seconds for the rest");
    assert!(page.contains(&quoted), "the page should say {quoted:?}");
}

/// "with one thread instead of two, the test loss after the first epoch is ... instead of
/// ...": one epoch of chapter 5's run on one thread, against the book's run on two.
#[test]
fn one_thread_is_another_random_run() {
    use ch05_training::options::TrainConfig;
    use mnist::{DataOptions, Dataset};
    let data = mnist::load(&DataOptions {
        dataset: Dataset::Mnist,
        data_dir: None,
    })
    .unwrap();
    let config = TrainConfig {
        epochs: 1,
        threads: Some(1),
        ..TrainConfig::CHAPTER_5
    };
    let one = ch05_training::run::train(&config, &data, None)
        .unwrap()
        .metrics[0]
        .test_loss;
    let path = "media/ch05-training/metrics.csv";
    let two = ch05_training::metrics::parse_csv(&book(path), path.as_ref()).unwrap()[0].test_loss;
    assert_ne!(format!("{one:.2}"), format!("{two:.2}"));
    let page = flat(&book("ch06-experiments.md"));
    let quoted = format!(
        "with one thread instead of two, the test loss after the first epoch is {one:.2} instead of {two:.2}"
    );
    assert!(page.contains(&quoted), "the page should say {quoted:?}");
}

/// Exercise 3: the square of the manifold holds 0.9^2 = 81% of the prior's mass, and a variance
/// below 1 does not keep mass inside it: a coordinate that is 0 with probability 0.8 and ±2
/// with probability 0.1 each has variance 0.8 but 20% of its mass beyond 1.645, where a standard
/// normal has 10%.
#[test]
fn exercise_3_the_square_and_a_variance_below_one() {
    use statrs::distribution::Normal;
    let normal = Normal::new(0.0, 1.0).unwrap();
    let edge = normal.inverse_cdf(0.95);
    assert_eq!(format!("{edge:.3}"), "1.645");
    let inside = normal.cdf(edge) - normal.cdf(-edge);
    // statrs's inverse CDF is accurate to about 1e-9, not to the last bit.
    assert!((inside - 0.9).abs() < 1e-8, "{inside}");
    assert_eq!(format!("{:.0}", 100.0 * inside * inside), "81");
    assert_eq!(format!("{:.0}", 10_000.0 * inside * inside), "8100");
    let beyond = |x: f64| (1.0 - normal.cdf(x.abs())) * 2.0;
    assert_eq!(format!("{:.0}", 100.0 * beyond(1.645)), "10");
    // The counterexample: values and probabilities.
    let values = [(0.0, 0.8), (2.0, 0.1), (-2.0, 0.1)];
    let mean: f64 = values.iter().map(|(v, p)| v * p).sum();
    let variance: f64 = values.iter().map(|(v, p)| (v - mean).powi(2) * p).sum();
    assert!(
        mean.abs() < 1e-15 && (variance - 0.8).abs() < 1e-12,
        "{variance}"
    );
    let outside: f64 = values
        .iter()
        .filter(|(v, _)| v.abs() > edge)
        .map(|(_, p)| p)
        .sum();
    assert!((outside - 0.2).abs() < 1e-12);
    let page = flat(&book("ch06-experiments.md"));
    for quoted in [
        "the square holds $0.9^2 = 81\\%$ of the prior's mass",
        "about 8,100 of 10,000",
        "$\\pm 2$ with probability 0.1 each has variance $0.2 \\times 4 = 0.8$",
        "puts 20% of its mass beyond 1.645, where a standard normal puts 10%",
    ] {
        assert!(page.contains(quoted), "the page should say {quoted:?}");
    }
}
