//! Property tests of the IDX reader, raw and gzipped: whatever bytes a file holds, reading it
//! never panics and never allocates what the file cannot justify; it either gives back exactly
//! what was written or refuses the file with an error naming it. 256 cases a property;
//! `PROPTEST_CASES=10000 cargo test -p mnist --test idx_fuzz` for more.

use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;
use mnist::{DataError, IdxImages, read_images, read_labels};
use proptest::prelude::*;

/// An IDX file of unsigned bytes: the magic number, the big-endian dimensions, the data.
fn idx(dims: &[u32], data: &[u8]) -> Vec<u8> {
    let mut bytes = vec![0, 0, 0x08, dims.len() as u8];
    for d in dims {
        bytes.extend(d.to_be_bytes());
    }
    bytes.extend(data);
    bytes
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

/// Writes `bytes` to a file in a fresh folder; the folder lives as long as the returned guard.
fn file(bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fuzzed-idx3-ubyte");
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

/// An error must name the file it is about.
fn names_the_file<T>(path: &Path, result: Result<T, DataError>) -> Result<(), TestCaseError> {
    if let Err(e) = result {
        let message = e.to_string();
        prop_assert!(message.contains(&path.display().to_string()), "{message}");
    }
    Ok(())
}

/// Small image files: a few images of a few pixels each.
fn images() -> impl Strategy<Value = (u32, u32, u32, Vec<u8>)> {
    (0u32..6, 1u32..5, 1u32..5).prop_flat_map(|(count, rows, cols)| {
        let n = (count * rows * cols) as usize;
        (
            Just(count),
            Just(rows),
            Just(cols),
            prop::collection::vec(any::<u8>(), n),
        )
    })
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64), gz: bool) {
        let bytes = if gz { gzip(&bytes) } else { bytes };
        let (_dir, path) = file(&bytes);
        names_the_file(&path, read_images(&path))?;
        names_the_file(&path, read_labels(&path))?;
    }

    /// A header of any dimensions, followed by a little data: whatever it promises, the
    /// reader checks the promise against what is there before trusting it.
    #[test]
    fn any_header_is_checked_against_the_data(
        dims in prop::collection::vec(any::<u32>(), 1..=3),
        data in prop::collection::vec(any::<u8>(), 0..32),
        gz: bool,
    ) {
        let bytes = idx(&dims, &data);
        let bytes = if gz { gzip(&bytes) } else { bytes };
        let (_dir, path) = file(&bytes);
        let promised: u128 = dims.iter().map(|&d| u128::from(d)).product();
        match dims.len() {
            3 => {
                let result = read_images(&path);
                if let Ok(read) = &result {
                    prop_assert_eq!(promised, data.len() as u128);
                    prop_assert_eq!(&read.pixels, &data);
                }
                names_the_file(&path, result)?;
            }
            1 => {
                let result = read_labels(&path);
                if let Ok(read) = &result {
                    prop_assert_eq!(read, &data);
                }
                names_the_file(&path, result)?;
            }
            _ => {
                prop_assert!(read_images(&path).is_err());
                prop_assert!(read_labels(&path).is_err());
            }
        }
    }

    #[test]
    fn what_is_written_reads_back((count, rows, cols, pixels) in images(), gz: bool) {
        let bytes = idx(&[count, rows, cols], &pixels);
        let bytes = if gz { gzip(&bytes) } else { bytes };
        let (_dir, path) = file(&bytes);
        let read = read_images(&path);
        if count == 0 {
            // No images at all is refused as impossible for a data set, by name.
            return names_the_file(&path, read);
        }
        let expected = IdxImages {
            count: count as usize,
            rows: rows as usize,
            cols: cols as usize,
            pixels,
        };
        prop_assert_eq!(read.unwrap(), expected);
    }

    #[test]
    fn labels_read_back_and_a_label_above_9_is_refused(labels in prop::collection::vec(0u8..12, 0..20)) {
        let (_dir, path) = file(&idx(&[labels.len() as u32], &labels));
        let result = read_labels(&path);
        if labels.iter().all(|&l| l <= 9) {
            prop_assert_eq!(result.unwrap(), labels);
        } else {
            let is_bad_label = matches!(result, Err(DataError::BadLabel { .. }));
            prop_assert!(is_bad_label, "{result:?}");
        }
    }

    /// A valid file, then one byte changed, the file cut, or bytes added: never a panic; a cut
    /// or lengthened raw file is always refused (its length no longer matches its header).
    #[test]
    fn a_damaged_file_is_refused_or_read_never_a_panic(
        (count, rows, cols, pixels) in images(),
        gz: bool,
        at in any::<prop::sample::Index>(),
        byte: u8,
        cut in any::<prop::sample::Index>(),
        extra in prop::collection::vec(any::<u8>(), 1..8),
    ) {
        let valid = idx(&[count, rows, cols], &pixels);
        let valid = if gz { gzip(&valid) } else { valid };

        let mut changed = valid.clone();
        let i = at.index(changed.len());
        changed[i] = byte;
        let (_dir, path) = file(&changed);
        names_the_file(&path, read_images(&path))?;

        let cut_at = cut.index(valid.len());
        let (_dir, path) = file(&valid[..cut_at]);
        let result = read_images(&path);
        if !gz {
            prop_assert!(result.is_err(), "a raw file cut at {} of {} was read", cut_at, valid.len());
        }
        names_the_file(&path, result)?;

        let longer = [valid.as_slice(), &extra].concat();
        let (_dir, path) = file(&longer);
        let result = read_images(&path);
        if !gz {
            prop_assert!(result.is_err(), "a raw file with {} bytes added was read", extra.len());
        }
        names_the_file(&path, result)?;
    }
}
