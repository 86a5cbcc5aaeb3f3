//! Fashion-MNIST, read from where Debian's `dataset-fashion-mnist` installs it (gzipped IDX).

use ch05_training::data::{self, DataError, DataOptions, Dataset};

#[test]
fn reads_fashion_mnist_from_the_debian_package() {
    let dir = Dataset::FashionMnist.default_dir();
    assert!(
        dir.is_dir(),
        "{} is missing: `apt-get install dataset-fashion-mnist` (bash .ci/install does it)",
        dir.display()
    );
    let set = data::load(&DataOptions {
        dataset: Dataset::FashionMnist,
        data_dir: None,
    })
    .unwrap();
    assert_eq!(set.train.images.dim(), (60_000, 784));
    assert_eq!(set.test.images.dim(), (10_000, 784));
    // Fashion-MNIST is balanced: 6,000 training and 1,000 test images per class.
    assert_eq!(set.train.label_counts(), [6000; 10]);
    assert_eq!(set.test.label_counts(), [1000; 10]);
    assert!(set.files.train_images.to_string_lossy().ends_with(".gz"));
}

/// The data set asked for is the data set read: a folder holding one data set is refused
/// when the other is asked for, with an error naming both.
#[test]
fn a_folder_of_the_other_data_set_is_refused() {
    let fashion = Dataset::FashionMnist.default_dir();
    let err = data::load(&DataOptions {
        dataset: Dataset::Mnist,
        data_dir: Some(fashion.clone()),
    })
    .unwrap_err();
    assert!(matches!(err, DataError::WrongDataset { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("holds fashion-mnist, not mnist"),
        "{message}"
    );
    assert!(
        message.contains(&fashion.display().to_string()),
        "{message}"
    );
}

/// `MNIST_DIR` names where MNIST is, and does not apply to `--dataset fashion-mnist`.
#[test]
fn mnist_dir_does_not_redirect_fashion_mnist() {
    let out = tempfile::tempdir().unwrap();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_ch05-training"))
        .env("MNIST_DIR", out.path().join("no-such-folder"))
        .env_remove("FASHION_MNIST_DIR")
        .args([
            "--dataset",
            "fashion-mnist",
            "--limit",
            "64",
            "--epochs",
            "1",
        ])
        .args(["--batch-size", "32", "--hidden", "16", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(stdout.contains("fashion-mnist images"), "{stdout}");
}
