//! Numbers that chapter 5's page derives from the book's run and from Adam's constants: each
//! is computed here and must appear on the page as printed.

use ch05_training::adam::Adam;
use ch05_training::metrics::{EpochMetrics, parse_csv};

fn book(path: &str) -> String {
    support::book::read(path).unwrap_or_else(|e| panic!("{e}"))
}

/// The rows of the book's run, one per epoch.
fn metrics() -> Vec<EpochMetrics> {
    let path = "media/ch05-training/metrics.csv";
    parse_csv(&book(path), path.as_ref()).unwrap()
}

/// Line breaks on the page are spaces.
fn assert_page_says(page: &str, quoted: &str) {
    assert!(
        support::book::flat(page).contains(quoted),
        "book/ch05-training.md should say {quoted:?}"
    );
}

/// The rate (the average KL) bounds the information in the code by log N plus the aggregate
/// posterior's divergence from the prior; the page subtracts the first from the run's KL.
#[test]
fn the_rate_exceeds_what_the_images_can_carry() {
    let page = book("ch05-training.md");
    let last = *metrics().last().expect("a row per epoch");
    assert_eq!(last.epoch, 20, "the book's run has 20 epochs");
    let kl = last.test_kl;
    let (test_images, train_images) = (10_000f64, 60_000f64);
    assert_page_says(&page, &format!("{:.2} nats of KL after epoch 20", kl));
    assert_page_says(
        &page,
        &format!("$\\log N \\approx {:.2}$", test_images.ln()),
    );
    assert_page_says(&page, &format!("({:.2} for the 60,000", train_images.ln()));
    let excess = kl - test_images.ln();
    assert!(excess > 15.6 && excess < 15.7, "{excess}");
    assert_page_says(&page, "more than 15.6 pay");
    let quiz = support::book::flat(&book("quiz.md"));
    let quoted = format!("more than 15.6 of its {kl:.2} nats");
    assert!(quiz.contains(&quoted), "book/quiz.md should say {quoted:?}");
}

/// Kingma & Ba's bound on one step, eta (1 - beta1) / sqrt(1 - beta2), is reached by a weight
/// whose gradient was zero for a long time; a steady gradient moves it by eta.
#[test]
fn adams_largest_step_follows_a_long_run_of_zero_gradients() {
    let lr = 1e-3;
    let step_after = |zeros: usize, gradient: f32| {
        let mut adam = Adam::new(&[1], lr);
        let mut weight = [0.0f32];
        for _ in 0..zeros {
            adam.step(&mut [&mut weight[..]], &[&[0.0][..]]);
        }
        let before = weight[0];
        adam.step(&mut [&mut weight[..]], &[&[gradient][..]]);
        (before - weight[0]) / lr
    };
    let bound = (1.0 - 0.9f64) / (1.0 - 0.999f64).sqrt();
    assert_eq!(format!("{bound:.2}"), "3.16");
    let sparse = step_after(20_000, 0.5) as f64;
    assert!((sparse - bound).abs() < 1e-3 * bound, "{sparse} vs {bound}");
    assert_page_says(&book("ch05-training.md"), "\\approx 3.16\\, \\eta");

    // A steady gradient, whatever its size: the step is eta.
    let mut adam = Adam::new(&[1], lr);
    let mut weight = [0.0f32];
    let mut last = 0.0;
    for _ in 0..100 {
        let before = weight[0];
        adam.step(&mut [&mut weight[..]], &[&[250.0][..]]);
        last = (before - weight[0]) / lr;
    }
    assert!((last - 1.0).abs() < 1e-3, "{last}");
}

/// The page's training times are the `seconds` column of the book's run: their sum, and the
/// fastest and slowest epoch.
#[test]
fn the_training_times_are_the_runs() {
    let page = book("ch05-training.md");
    let seconds: Vec<f64> = metrics().iter().map(|r| r.seconds).collect();
    assert_eq!(seconds.len(), 20, "the book's run has 20 epochs");
    let total: f64 = seconds.iter().sum();
    let fastest = seconds.iter().copied().fold(f64::INFINITY, f64::min);
    let slowest = seconds.iter().copied().fold(0.0, f64::max);
    assert_page_says(&page, &format!("{total:.1} seconds of training"));
    assert_page_says(
        &page,
        &format!("from {fastest:.2} to {slowest:.2} seconds an epoch"),
    );
}

/// The page's and the quiz's test losses, and the KL's level, are the run's.
#[test]
fn the_page_and_the_quiz_quote_the_runs_test_loss() {
    let rows = metrics();
    let loss = |epoch: usize| format!("{:.2}", rows[epoch - 1].test_loss);
    let page = book("ch05-training.md");
    assert_page_says(
        &page,
        &format!(
            "{} nats per image after one epoch, {} after ten, {} after twenty",
            loss(1),
            loss(10),
            loss(20)
        ),
    );
    assert_page_says(
        &page,
        &format!(
            "a test loss of {} nats per image for this book's trainer",
            loss(10)
        ),
    );
    // "The KL term settles around 25 nats": every epoch of the second half.
    assert!(
        rows[10..].iter().all(|r| (24.0..26.0).contains(&r.test_kl)),
        "{:?}",
        rows.iter().map(|r| r.test_kl).collect::<Vec<_>>()
    );
    assert_page_says(&page, "The KL term settles around 25 nats");
    let quiz = support::book::flat(&book("quiz.md"));
    for quoted in [
        format!("(test loss {} nats,", loss(10)),
        format!("{} nats per image after 20 epochs", loss(20)),
        format!(
            "{} nats per image after 10 epochs and {} after 20",
            loss(10),
            loss(20)
        ),
    ] {
        assert!(quiz.contains(&quoted), "book/quiz.md should say {quoted:?}");
    }
}

/// MNIST's four IDX files (a 16-byte header for images, 8 for labels) "unpack to 55 MB"; the
/// appendix's "47 MB of training images" span "about 11,500" pages of 4 KiB.
#[test]
fn the_pages_quote_mnists_sizes() {
    let (train, test, pixels) = (60_000usize, 10_000usize, 28 * 28);
    let files = (train * pixels + 16) + (train + 8) + (test * pixels + 16) + (test + 8);
    assert_eq!(files, 54_950_048);
    assert_page_says(
        &book("ch05-training.md"),
        &format!("four files that unpack to {:.0} MB", files as f64 / 1e6),
    );
    let images = train * pixels;
    let appendix = book("making-it-fast.md");
    assert_page_says(
        &appendix,
        &format!("the {:.0} MB of training images", images as f64 / 1e6),
    );
    let pages = images as f64 / 4096.0;
    assert_eq!((pages / 100.0).round() * 100.0, 11_500.0, "{pages}");
    assert_page_says(&appendix, "those 47 MB span about 11,500 pages");
}
