//! The first layer's sparse products on the real MNIST: how much of it is background, and that
//! skipping it changes no number of the book's default run.

use std::process::Command;

use ch05_training::ink::{FirstLayer, InkedBatch};
use ch05_training::metrics::parse_csv;
use mnist::DataOptions;

#[test]
fn four_pixels_in_five_are_background_and_an_image_has_about_150_inked() {
    let set = mnist::load(&DataOptions::default()).unwrap();
    let images = &set.train.images;
    let inked = images.iter().filter(|&&p| p != 0).count();
    let zero_share = 1.0 - inked as f64 / images.len() as f64;
    assert!((0.805..0.815).contains(&zero_share), "{zero_share}");
    let per_image = inked as f64 / images.nrows() as f64;
    assert!((149.5..150.5).contains(&per_image), "{per_image}");

    // A shard of 64 images lists about a fifth of its pixels; grouped by four, the forward
    // product does about 40% of the dense multiply-adds and the weight gradient about 30%.
    let mut batch = InkedBatch::with_first_layer(64, 784, FirstLayer::Sparse);
    batch.gather(images.view(), &(0..64).collect::<Vec<_>>());
    assert!((0.17..0.23).contains(&batch.ink_fraction()));
    let (forward, gradient) = batch.work_fractions();
    assert!((0.35..0.45).contains(&forward), "{forward}");
    assert!((0.25..0.35).contains(&gradient), "{gradient}");
}

#[test]
fn the_first_epoch_of_the_default_run_gives_the_books_numbers() {
    // The book's metrics.csv came from the dense products; the sparse ones (which this
    // processor's default may or may not take) must give the same bits, so the same losses
    // to the last printed decimal (two threads, as that run).
    let book = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../book/media/ch05-training/metrics.csv"
    );
    let expected = &parse_csv(&std::fs::read_to_string(book).unwrap(), book.as_ref()).unwrap()[0];
    let out = tempfile::tempdir().unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_ch05-training"))
        .args(["--epochs", "1", "--threads", "2", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let path = out.path().join("metrics.csv");
    let got = &parse_csv(&std::fs::read_to_string(&path).unwrap(), &path).unwrap()[0];
    let losses = |m: &ch05_training::metrics::EpochMetrics| {
        [m.train_loss, m.test_loss, m.test_recon, m.test_kl].map(|x| format!("{x:.4}"))
    };
    assert_eq!(losses(got), losses(expected));
}
