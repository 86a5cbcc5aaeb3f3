//! Fashion-MNIST, read from where Debian's `dataset-fashion-mnist` installs it (gzipped IDX).

use ch05_training::data::{self, DataOptions, Dataset};

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
