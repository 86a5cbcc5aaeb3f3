//! Fashion-MNIST, read from where Debian's `dataset-fashion-mnist` installs it (gzipped IDX).
//! Where the package is missing these tests say so and pass, like the browser suite; on CI
//! (`CI=true`) and under `.ci/test` (`VAE_BOOK_REQUIRE_PACKAGES=1`) they fail instead.

use mnist::{DataError, DataOptions, Dataset};

/// Whether Debian's package is here; panics when it is missing but required.
fn fashion_installed() -> bool {
    let dir = Dataset::FashionMnist.default_dir();
    if dir.is_dir() {
        return true;
    }
    let set = |name: &str| {
        std::env::var(name).is_ok_and(|v| matches!(v.trim(), "1" | "true" | "TRUE" | "yes"))
    };
    let hint = "`apt-get install dataset-fashion-mnist` (bash .ci/install does it)";
    assert!(
        !(set("CI") || set("VAE_BOOK_REQUIRE_PACKAGES")),
        "{} is missing: {hint}",
        dir.display()
    );
    eprintln!("SKIPPED: Fashion-MNIST is not in {}: {hint}", dir.display());
    false
}

#[test]
fn reads_fashion_mnist_from_the_debian_package() {
    if !fashion_installed() {
        return;
    }
    let set = mnist::load(&DataOptions {
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
    if !fashion_installed() {
        return;
    }
    let fashion = Dataset::FashionMnist.default_dir();
    let err = mnist::load(&DataOptions {
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
