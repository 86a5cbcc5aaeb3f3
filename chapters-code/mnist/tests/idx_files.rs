//! The IDX reader on small hand-made files: valid ones, and each way a file can be broken.

use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;
use mnist::{DataError, Dataset, Split, find_files, read_images, read_labels};

fn idx(ndims: u8, dims: &[u32], data: &[u8]) -> Vec<u8> {
    let mut bytes = vec![0, 0, 0x08, ndims];
    for d in dims {
        bytes.extend_from_slice(&d.to_be_bytes());
    }
    bytes.extend_from_slice(data);
    bytes
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Three 2x3 images with pixel values 0..18, and their labels.
fn three_images() -> Vec<u8> {
    idx(3, &[3, 2, 3], &(0..18).collect::<Vec<u8>>())
}

fn assert_names(err: &DataError, path: &Path) {
    let msg = err.to_string();
    assert!(
        msg.contains(&path.display().to_string()),
        "error should name {}: {msg}",
        path.display()
    );
}

#[test]
fn reads_a_valid_raw_file() {
    let dir = tempfile::tempdir().unwrap();
    let images = read_images(&write(dir.path(), "img", &three_images())).unwrap();
    assert_eq!((images.count, images.rows, images.cols), (3, 2, 3));
    assert_eq!(images.pixels, (0..18).collect::<Vec<u8>>());
    let labels = read_labels(&write(dir.path(), "lab", &idx(1, &[3], &[7, 0, 9]))).unwrap();
    assert_eq!(labels, vec![7, 0, 9]);
}

#[test]
fn reads_a_gzipped_file_whatever_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let raw = read_images(&write(dir.path(), "raw", &three_images())).unwrap();
    let gz = read_images(&write(dir.path(), "img.gz", &gzip(&three_images()))).unwrap();
    let misnamed = read_images(&write(dir.path(), "img", &gzip(&three_images()))).unwrap();
    assert_eq!(raw, gz);
    assert_eq!(raw, misnamed);
}

#[test]
fn wrong_magic_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    // A labels file where an images file is expected: IDX1 instead of IDX3.
    let path = write(dir.path(), "img", &idx(1, &[3], &[1, 2, 3]));
    let err = read_images(&path).unwrap_err();
    assert!(
        matches!(
            err,
            DataError::BadMagic {
                found: 0x0801,
                expected: 0x0803,
                ..
            }
        ),
        "{err:?}"
    );
    assert_names(&err, &path);
    // Floats (type 0x0d) are not unsigned bytes.
    let mut floats = three_images();
    floats[2] = 0x0d;
    let path = write(dir.path(), "floats", &floats);
    assert!(matches!(
        read_images(&path).unwrap_err(),
        DataError::BadMagic { .. }
    ));
}

#[test]
fn a_file_cut_inside_its_header_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "img", &three_images()[..10]);
    let err = read_images(&path).unwrap_err();
    assert!(
        matches!(
            err,
            DataError::TruncatedHeader {
                len: 10,
                needed: 16,
                ..
            }
        ),
        "{err:?}"
    );
    assert_names(&err, &path);
    let empty = write(dir.path(), "empty", &[]);
    assert!(matches!(
        read_labels(&empty).unwrap_err(),
        DataError::TruncatedHeader { len: 0, .. }
    ));
}

#[test]
fn truncated_data_is_refused_raw_and_gzipped() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = three_images();
    bytes.truncate(bytes.len() - 5);
    for (name, content) in [("raw", bytes.clone()), ("gz", gzip(&bytes))] {
        let path = write(dir.path(), name, &content);
        let err = read_images(&path).unwrap_err();
        assert!(
            matches!(
                err,
                DataError::LengthMismatch {
                    expected: 18,
                    found: 13,
                    ..
                }
            ),
            "{name}: {err:?}"
        );
        assert_names(&err, &path);
    }
}

#[test]
fn trailing_bytes_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = three_images();
    bytes.extend_from_slice(&[0; 7]);
    for (name, content) in [("raw", bytes.clone()), ("gz", gzip(&bytes))] {
        let err = read_images(&write(dir.path(), name, &content)).unwrap_err();
        assert!(
            matches!(
                err,
                DataError::LengthMismatch {
                    expected: 18,
                    found: 25,
                    ..
                }
            ),
            "{name}: {err:?}"
        );
    }
}

#[test]
fn a_header_claiming_billions_of_images_does_not_allocate_them() {
    let dir = tempfile::tempdir().unwrap();
    // 4 billion images of 28x28 would be 3 TB; the file holds 100 bytes.
    let bytes = idx(3, &[4_000_000_000, 28, 28], &[0; 100]);
    for (name, content) in [("raw", bytes.clone()), ("gz", gzip(&bytes))] {
        let path = write(dir.path(), name, &content);
        let err = read_images(&path).unwrap_err();
        match &err {
            DataError::LengthMismatch {
                expected, found, ..
            } => {
                assert_eq!(*expected, 4_000_000_000 * 784);
                assert_eq!(*found, 100);
            }
            other => panic!("{name}: expected LengthMismatch, got {other:?}"),
        }
        assert_names(&err, &path);
    }
    // Dimensions whose product overflows 64 bits saturate instead of wrapping round.
    let huge = write(
        dir.path(),
        "huge",
        &idx(3, &[u32::MAX, u32::MAX, u32::MAX], &[]),
    );
    assert!(matches!(
        read_images(&huge).unwrap_err(),
        DataError::LengthMismatch {
            expected: u64::MAX,
            ..
        }
    ));
}

#[test]
fn empty_images_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "img", &idx(3, &[5, 0, 28], &[]));
    let err = read_images(&path).unwrap_err();
    assert!(matches!(err, DataError::BadDimensions { .. }), "{err:?}");
    assert_names(&err, &path);
}

#[test]
fn labels_outside_0_to_9_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "lab", &idx(1, &[4], &[3, 9, 10, 1]));
    let err = read_labels(&path).unwrap_err();
    assert!(
        matches!(
            err,
            DataError::BadLabel {
                index: 2,
                label: 10,
                ..
            }
        ),
        "{err:?}"
    );
    assert_names(&err, &path);
}

#[test]
fn images_and_labels_of_different_counts_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let images = write(dir.path(), "img", &three_images());
    let labels = write(dir.path(), "lab", &idx(1, &[2], &[1, 2]));
    let err = Split::read(&images, &labels).unwrap_err();
    assert!(
        matches!(
            err,
            DataError::CountMismatch {
                n_images: 3,
                n_labels: 2,
                ..
            }
        ),
        "{err:?}"
    );
    assert_names(&err, &images);
    assert_names(&err, &labels);
}

#[test]
fn a_split_is_a_matrix_of_images() {
    let dir = tempfile::tempdir().unwrap();
    let images = write(dir.path(), "img", &three_images());
    let labels = write(dir.path(), "lab", &idx(1, &[3], &[4, 4, 2]));
    let split = Split::read(&images, &labels).unwrap();
    assert_eq!(split.images.dim(), (3, 6));
    assert_eq!(split.images[[1, 0]], 6);
    assert_eq!(split.label_counts(), [0, 0, 1, 0, 2, 0, 0, 0, 0, 0]);
    let unit = split.unit_pixels(2);
    assert_eq!(unit.dim(), (2, 6));
    assert_eq!(unit[[1, 5]], 11.0 / 255.0);
}

#[test]
fn a_missing_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "train-images-idx3-ubyte", &three_images());
    write(
        dir.path(),
        "train-labels-idx1-ubyte.gz",
        &gzip(&idx(1, &[3], &[1, 2, 3])),
    );
    write(
        dir.path(),
        "t10k-labels-idx1-ubyte",
        &idx(1, &[3], &[1, 2, 3]),
    );
    let err = find_files(dir.path(), Dataset::Mnist).unwrap_err();
    assert!(
        matches!(
            err,
            DataError::Missing {
                file: "t10k-images-idx3-ubyte",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains(&dir.path().display().to_string()));
}

#[test]
fn finds_the_plain_and_the_torchvision_layouts() {
    let dir = tempfile::tempdir().unwrap();
    let raw = dir.path().join("MNIST").join("raw");
    std::fs::create_dir_all(&raw).unwrap();
    for name in ["train-images-idx3-ubyte", "t10k-images-idx3-ubyte"] {
        write(&raw, &format!("{name}.gz"), &gzip(&three_images()));
    }
    for name in ["train-labels-idx1-ubyte", "t10k-labels-idx1-ubyte"] {
        write(&raw, name, &idx(1, &[3], &[1, 2, 3]));
    }
    let files = find_files(dir.path(), Dataset::Mnist).unwrap();
    assert_eq!(files.dir, raw);
    assert_eq!(files.train_images, raw.join("train-images-idx3-ubyte.gz"));
    assert_eq!(files.test_labels, raw.join("t10k-labels-idx1-ubyte"));
    // The same folder named directly works too.
    assert_eq!(find_files(&raw, Dataset::Mnist).unwrap(), files);
    // Fashion-MNIST is looked for in torchvision's FashionMNIST/raw, never in MNIST/raw.
    assert!(matches!(
        find_files(dir.path(), Dataset::FashionMnist),
        Err(DataError::Missing { .. })
    ));
}
