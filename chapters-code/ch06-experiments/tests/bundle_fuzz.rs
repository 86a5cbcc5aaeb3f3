//! Property tests of the explorer bundle's reader, `bundle::read_script`: whatever `weights.js`
//! holds, it never panics and never allocates beyond the file's size; it reads back exactly
//! what `Builder` and `script` wrote, and refuses anything else with an error naming the file.
//! 256 cases a property; `PROPTEST_CASES=10000 cargo test -p ch06-experiments --test bundle_fuzz`
//! for more.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ch06_experiments::bundle::{Builder, Bundle, GLOBAL, Manifest, read_script, script};
use proptest::prelude::*;
use proptest::sample::Index;

/// One tensor's values, of any of the four element types.
#[derive(Debug, Clone)]
enum Values {
    I8(Vec<i8>),
    U8(Vec<u8>),
    U32(Vec<u32>),
    F32(Vec<f32>),
}

fn values() -> impl Strategy<Value = Values> {
    let n = 0..40usize;
    prop_oneof![
        prop::collection::vec(any::<i8>(), n.clone()).prop_map(Values::I8),
        prop::collection::vec(any::<u8>(), n.clone()).prop_map(Values::U8),
        prop::collection::vec(any::<u32>(), n.clone()).prop_map(Values::U32),
        prop::collection::vec(any::<f32>(), n).prop_map(Values::F32),
    ]
}

/// The tensors as `Builder` packs them: a shape of one or two axes that the values fill.
fn build(tensors: &[(Values, bool)]) -> (Manifest, Vec<u8>) {
    let mut b = Builder::default();
    for (i, (values, two_axes)) in tensors.iter().enumerate() {
        let name = format!("t{i}");
        let n = match values {
            Values::I8(v) => v.len(),
            Values::U8(v) => v.len(),
            Values::U32(v) => v.len(),
            Values::F32(v) => v.len(),
        };
        let shape = if *two_axes && n % 2 == 0 {
            vec![2, n / 2]
        } else {
            vec![n]
        };
        match values {
            Values::I8(v) => b.add(&name, &shape, v.iter().copied()),
            Values::U8(v) => b.add(&name, &shape, v.iter().copied()),
            Values::U32(v) => b.add(&name, &shape, v.iter().copied()),
            Values::F32(v) => b.add(&name, &shape, v.iter().copied()),
        }
    }
    b.finish("tests/bundle_fuzz.rs", "none", 0.0, BTreeMap::new())
}

fn tensors() -> impl Strategy<Value = Vec<(Values, bool)>> {
    prop::collection::vec((values(), any::<bool>()), 0..6)
}

/// A folder holding `weights.js` with `contents`, read back.
fn read(contents: &[u8]) -> (tempfile::TempDir, PathBuf, anyhow::Result<Bundle>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("weights.js");
    std::fs::write(&path, contents).unwrap();
    let result = read_script(&path);
    (dir, path, result)
}

/// Either an error naming the file, or a bundle whose every tensor reads without a panic,
/// with as many values as its shape says.
fn check(path: &Path, result: anyhow::Result<Bundle>) -> Result<(), TestCaseError> {
    let bundle = match result {
        Err(err) => {
            let message = format!("{err:#}");
            prop_assert!(
                message.contains(&path.display().to_string()),
                "does not name the file: {message}"
            );
            return Ok(());
        }
        Ok(bundle) => bundle,
    };
    for t in &bundle.manifest.tensors {
        let (count, shape) = match t.dtype.as_str() {
            "i8" => bundle.tensor::<i8>(&t.name).map(|(v, s)| (v.len(), s)),
            "u8" => bundle.tensor::<u8>(&t.name).map(|(v, s)| (v.len(), s)),
            "u32" => bundle.tensor::<u32>(&t.name).map(|(v, s)| (v.len(), s)),
            "f32" => bundle.tensor::<f32>(&t.name).map(|(v, s)| (v.len(), s)),
            other => {
                return Err(TestCaseError::fail(format!(
                    "read a tensor of type {other}"
                )));
            }
        }
        .unwrap();
        prop_assert_eq!(count, shape.iter().product::<usize>());
    }
    Ok(())
}

fn valid_script() -> impl Strategy<Value = String> {
    tensors().prop_map(|t| {
        let (manifest, bytes) = build(&t);
        script(&manifest, &bytes).unwrap()
    })
}

/// A number a damaged manifest might hold: small, near a power of two, or huge.
fn size() -> impl Strategy<Value = usize> {
    prop_oneof![
        0..100usize,
        (0..64u32).prop_map(|p| 1usize << p),
        (0..64u32).prop_map(|p| (1usize << p).wrapping_sub(1)),
        Just(usize::MAX),
        any::<usize>(),
    ]
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic_and_errors_name_the_file(
        bytes in prop::collection::vec(any::<u8>(), 0..300)
    ) {
        let (_dir, path, result) = read(&bytes);
        check(&path, result)?;
    }

    #[test]
    fn an_arbitrary_assignment_never_panics(json in "[\\[\\]{}\":,0-9a-z_ -]{0,200}") {
        let (_dir, path, result) = read(format!("{GLOBAL} = {json};\n").as_bytes());
        check(&path, result)?;
    }

    #[test]
    fn what_builder_and_script_wrote_reads_back_exactly(tensors in tensors()) {
        let (manifest, bytes) = build(&tensors);
        let (_dir, _path, result) = read(script(&manifest, &bytes).unwrap().as_bytes());
        let bundle = result.unwrap();
        prop_assert_eq!(&bundle.manifest, &manifest);
        prop_assert_eq!(&bundle.bytes, &bytes);
        for (i, (values, _)) in tensors.iter().enumerate() {
            let name = format!("t{i}");
            match values {
                Values::I8(v) => prop_assert_eq!(&bundle.tensor::<i8>(&name).unwrap().0, v),
                Values::U8(v) => prop_assert_eq!(&bundle.tensor::<u8>(&name).unwrap().0, v),
                Values::U32(v) => prop_assert_eq!(&bundle.tensor::<u32>(&name).unwrap().0, v),
                // By their bits: NaN is not equal to itself.
                Values::F32(v) => {
                    let back = bundle.tensor::<f32>(&name).unwrap().0;
                    let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                    prop_assert_eq!(bits(&back), bits(v));
                }
            }
        }
    }

    #[test]
    fn a_changed_byte_is_read_or_refused_by_name(
        text in valid_script(), at in any::<Index>(), byte in any::<u8>()
    ) {
        let mut bytes = text.into_bytes();
        let i = at.index(bytes.len());
        bytes[i] = byte;
        let (_dir, path, result) = read(&bytes);
        check(&path, result)?;
    }

    #[test]
    fn a_script_cut_anywhere_is_refused_by_name(text in valid_script(), at in any::<Index>()) {
        // Short of its last newline at least, the assignment loses its `;` or more.
        let cut = at.index(text.len() - 1);
        let (_dir, path, result) = read(&text.as_bytes()[..cut]);
        prop_assert!(result.is_err(), "read a script cut to {cut} of {} bytes", text.len());
        check(&path, result)?;
    }

    #[test]
    fn appended_bytes_are_read_or_refused_by_name(
        text in valid_script(), tail in prop::collection::vec(any::<u8>(), 1..40)
    ) {
        let mut bytes = text.into_bytes();
        bytes.extend(tail);
        let (_dir, path, result) = read(&bytes);
        check(&path, result)?;
    }

    /// The checksum covers the binary, not the manifest: its tensors' places and sizes are
    /// checked against the binary's length instead, which must hold for any numbers.
    #[test]
    fn a_manifest_with_other_sizes_is_refused_by_name_unless_they_fit(
        tensors in tensors().prop_filter("a tensor to change", |t| !t.is_empty()),
        which in any::<Index>(),
        shape in prop::collection::vec(size(), 0..4),
        offset in size(),
        dtype in prop::sample::select(vec!["i8", "u8", "u32", "f32", "f64", ""]),
        bytes_field in prop::option::of(size()),
    ) {
        let (mut manifest, bytes) = build(&tensors);
        let i = which.index(manifest.tensors.len());
        manifest.tensors[i].shape = shape;
        manifest.tensors[i].offset = offset;
        manifest.tensors[i].dtype = dtype.into();
        if let Some(n) = bytes_field {
            manifest.bytes = n;
        }
        let (_dir, path, result) = read(script(&manifest, &bytes).unwrap().as_bytes());
        check(&path, result)?;
    }
}
