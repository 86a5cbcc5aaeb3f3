//! Property tests of the checkpoint reader, `Checkpoint::load`: whatever a file holds, it never
//! panics and never allocates beyond the file's size; it reads back exactly what `save` wrote,
//! and refuses, naming the file, every other file, since the SHA-256 covers all the rest. Behind
//! the checksum, headers changed and then signed again test the parsing it guards, and the
//! model later chapters build from the header's settings (`Trainer::from_checkpoint`).
//! 256 cases a property; `PROPTEST_CASES=10000 cargo test -p ch05-training --test
//! checkpoint_fuzz` for more.

use std::path::{Path, PathBuf};

use ch04_model::shape::VaeShape;
use ch05_training::checkpoint::{Checkpoint, CheckpointSettings, Settings};
use ch05_training::trainer::Trainer;
use proptest::prelude::*;
use proptest::sample::Index;
use sha2::{Digest, Sha256};

const MAGIC: &[u8] = b"vae-book checkpoint v2\n";

fn settings() -> impl Strategy<Value = Settings> {
    (
        (
            prop::sample::select(vec!["mnist", "fashion-mnist"]),
            prop::option::of(any::<usize>()),
            (any::<usize>(), any::<usize>(), any::<usize>()),
        ),
        (any::<usize>(), any::<f32>(), any::<f32>(), any::<usize>()),
        (any::<u64>(), any::<usize>()),
    )
        .prop_map(
            |(
                (dataset, limit, (input, hidden, latent)),
                (batch_size, lr, beta, kl_warmup),
                (seed, threads),
            )| Settings {
                dataset: dataset.parse().unwrap(),
                limit,
                shape: VaeShape::one_hidden_relu(input, hidden, latent),
                batch_size,
                lr,
                beta,
                kl_warmup,
                seed,
                threads,
            },
        )
}

fn floats(sizes: &[usize]) -> impl Strategy<Value = Vec<Vec<f32>>> + use<> {
    sizes
        .iter()
        .map(|&n| prop::collection::vec(any::<f32>(), n))
        .collect::<Vec<_>>()
}

fn checkpoint() -> impl Strategy<Value = Checkpoint> {
    prop::collection::vec(0..12usize, 0..5).prop_flat_map(|sizes| {
        (
            any::<usize>(),
            any::<u64>(),
            settings(),
            floats(&sizes),
            floats(&sizes),
            floats(&sizes),
        )
            .prop_map(
                |(epoch, adam_t, settings, tensors, adam_m, adam_v)| Checkpoint {
                    epoch,
                    adam_t,
                    settings,
                    tensors,
                    adam_m,
                    adam_v,
                },
            )
    })
}

/// A folder holding `checkpoint.bin` with `bytes`.
fn file(bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("checkpoint.bin");
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

fn names_the_file<T, E: std::fmt::Display>(
    path: &Path,
    result: Result<T, E>,
) -> Result<(), TestCaseError> {
    if let Err(err) = result {
        let message = format!("{err:#}");
        prop_assert!(
            message.contains(&path.display().to_string()),
            "does not name the file: {message}"
        );
    }
    Ok(())
}

/// Refused, by name: what a changed checkpoint must be.
fn refused(bytes: &[u8]) -> Result<(), TestCaseError> {
    let (_dir, path) = file(bytes);
    let result = Checkpoint::<Settings>::load(&path);
    prop_assert!(result.is_err(), "a changed checkpoint was read");
    names_the_file(&path, result)
}

/// `content` with its SHA-256 appended: a changed file that the checksum lets through.
fn signed(mut content: Vec<u8>) -> Vec<u8> {
    let digest = Sha256::digest(&content);
    content.extend_from_slice(&digest);
    content
}

/// The header's three lines and the tensors' bytes, of a checkpoint's bytes.
fn split(bytes: &[u8]) -> (String, String, Vec<u8>) {
    let content = &bytes[..bytes.len() - 32];
    let mut parts = content.splitn(4, |&b| b == b'\n');
    let text = |p: Option<&[u8]>| String::from_utf8(p.unwrap().to_vec()).unwrap();
    parts.next();
    let (settings, sizes) = (text(parts.next()), text(parts.next()));
    (settings, sizes, parts.next().unwrap().to_vec())
}

fn join(settings: &str, sizes: &str, body: &[u8]) -> Vec<u8> {
    let mut content = MAGIC.to_vec();
    content.extend_from_slice(format!("{settings}\n{sizes}\n").as_bytes());
    content.extend_from_slice(body);
    signed(content)
}

/// A number a damaged header might hold: small, near a power of two, or huge.
fn size() -> impl Strategy<Value = String> {
    prop_oneof![
        (0..20usize).prop_map(|n| n.to_string()),
        (0..64u32).prop_map(|p| (1usize << p).to_string()),
        Just(usize::MAX.to_string()),
        Just("18446744073709551616".to_string()),
        Just("-1".to_string()),
        any::<usize>().prop_map(|n| n.to_string()),
    ]
}

fn bits(tensors: &[Vec<f32>]) -> Vec<Vec<u32>> {
    tensors
        .iter()
        .map(|t| t.iter().map(|x| x.to_bits()).collect())
        .collect()
}

const SHAPE: VaeShape = VaeShape::one_hidden_relu(6, 3, 2);

/// A small trained-model checkpoint with `key`'s value replaced by `value`, signed again.
fn with_setting(key: &str, value: &str) -> Vec<u8> {
    let trainer = Trainer::new(SHAPE, 4, 1e-3, 7);
    let settings = Settings {
        dataset: "mnist".parse().unwrap(),
        limit: Some(10),
        shape: SHAPE,
        batch_size: 4,
        lr: 1e-3,
        beta: 1.0,
        kl_warmup: 0,
        seed: 7,
        threads: 1,
    };
    let (pairs, sizes, body) = split(&trainer.checkpoint(2, settings).to_bytes());
    let pairs: Vec<String> = pairs
        .split(' ')
        .map(|p| match p.split_once('=') {
            Some((k, _)) if k == key => format!("{key}={value}"),
            _ => p.into(),
        })
        .collect();
    join(&pairs.join(" "), &sizes, &body)
}

/// The message of what loading `bytes` as a model fails with.
fn model_refusal(bytes: &[u8]) -> String {
    let (_dir, path) = file(bytes);
    let err = Trainer::from_checkpoint(&path).err().expect("refused");
    format!("{err:#}").replace(&path.display().to_string(), "checkpoint.bin")
}

// What the properties below found, kept as plain tests.

/// A signed header declaring usize::MAX floats overflowed `3 * 4 * floats` (a panic).
#[test]
fn a_size_of_usize_max_is_refused_by_name() {
    let (settings, _, body) = split(&with_setting("epoch", "2"));
    let (_dir, path) = file(&join(&settings, &usize::MAX.to_string(), &body));
    let err = format!("{:#}", Checkpoint::<Settings>::load(&path).unwrap_err());
    assert!(
        err.contains(&format!("{}: holds 840 bytes of tensors", path.display()))
            && err.ends_with("declares 221360928884514619380"),
        "{err}"
    );
}

/// A header claiming 2^30 hidden units made `Trainer::from_checkpoint` allocate them (24 GiB,
/// an abort) before it compared the tensors' sizes.
#[test]
fn a_model_larger_than_its_tensors_is_refused_before_it_is_allocated() {
    assert_eq!(
        model_refusal(&with_setting("hidden", "1073741824")),
        "checkpoint.bin: its settings describe a 6-1073741824-2 VAE, but it holds 70 parameters"
    );
    assert!(model_refusal(&with_setting("latent", &usize::MAX.to_string())).contains("6-3-"));
}

/// A batch size of 0 panicked in the trainer (`clamp(1, 0)`).
#[test]
fn a_batch_size_of_0_is_refused_by_name() {
    assert_eq!(
        model_refusal(&with_setting("batch_size", "0")),
        "checkpoint.bin: bad batch_size setting \"0\""
    );
}

proptest! {
    #[test]
    fn arbitrary_bytes_are_refused_by_name(
        magic in any::<bool>(), tail in prop::collection::vec(any::<u8>(), 0..300)
    ) {
        let bytes = [if magic { MAGIC } else { b"" }, &tail].concat();
        let (_dir, path) = file(&bytes);
        names_the_file(&path, Checkpoint::<Settings>::load(&path))?;
    }

    #[test]
    fn what_save_wrote_loads_back_exactly(c in checkpoint()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("checkpoint.bin");
        c.save(&path).unwrap();
        let back = Checkpoint::<Settings>::load(&path).unwrap();
        prop_assert_eq!(back.epoch, c.epoch);
        prop_assert_eq!(back.adam_t, c.adam_t);
        // By the settings' text and the floats' bits: NaN is not equal to itself.
        prop_assert_eq!(back.settings.pairs(), c.settings.pairs());
        prop_assert_eq!(bits(&back.tensors), bits(&c.tensors));
        prop_assert_eq!(bits(&back.adam_m), bits(&c.adam_m));
        prop_assert_eq!(bits(&back.adam_v), bits(&c.adam_v));
    }

    #[test]
    fn a_changed_byte_is_refused_by_name(c in checkpoint(), at in any::<Index>(), x in 1..=255u8) {
        let mut bytes = c.to_bytes();
        let i = at.index(bytes.len());
        bytes[i] ^= x;
        refused(&bytes)?;
    }

    #[test]
    fn a_checkpoint_cut_anywhere_is_refused_by_name(c in checkpoint(), at in any::<Index>()) {
        let bytes = c.to_bytes();
        refused(&bytes[..at.index(bytes.len())])?;
    }

    #[test]
    fn appended_bytes_are_refused_by_name(
        c in checkpoint(), tail in prop::collection::vec(any::<u8>(), 1..40)
    ) {
        refused(&[c.to_bytes(), tail].concat())?;
    }

    #[test]
    fn other_tensor_sizes_are_refused_by_name(
        c in checkpoint(), sizes in prop::collection::vec(size(), 0..6)
    ) {
        let bytes = c.to_bytes();
        let (settings, old, body) = split(&bytes);
        let sizes = sizes.join(" ");
        prop_assume!(sizes != old);
        let mut changed = join(&settings, &sizes, &body);
        changed.truncate(changed.len() - 32);
        changed.extend_from_slice(&bytes[bytes.len() - 32..]);
        refused(&changed)?;
    }

    /// Behind the checksum: any sizes line, signed again, is read only when it describes the
    /// tensors' bytes exactly.
    #[test]
    fn signed_sizes_are_read_only_when_they_describe_the_tensors(
        c in checkpoint(), sizes in prop::collection::vec(size(), 0..6)
    ) {
        let (settings, _, body) = split(&c.to_bytes());
        let (_dir, path) = file(&join(&settings, &sizes.join(" "), &body));
        let result = Checkpoint::<Settings>::load(&path);
        if let Ok(back) = &result {
            let declared: Vec<usize> = sizes.iter().map(|s| s.parse().unwrap()).collect();
            for tensors in [&back.tensors, &back.adam_m, &back.adam_v] {
                prop_assert_eq!(&tensors.iter().map(Vec::len).collect::<Vec<_>>(), &declared);
            }
        }
        names_the_file(&path, result)?;
    }

    /// Behind the checksum: a setting's value replaced by any number or word, signed again.
    /// The model that chapter 6 builds from the settings must be refused by name unless the
    /// tensors fit it, and never allocated at a size the file does not hold.
    #[test]
    fn a_signed_setting_never_builds_a_model_the_tensors_do_not_fit(
        key in prop::sample::select(vec![
            "epoch", "adam_t", "dataset", "limit", "input", "hidden", "latent",
            "batch_size", "lr", "beta", "kl_warmup", "seed", "threads",
        ]),
        value in prop_oneof![Just("0".to_string()), size(), "[a-zA-Z()0-9.=-]{0,12}"],
    ) {
        // A batch size is the run's choice, not told by the tensors: a huge one allocates its
        // batch buffers here as it would have in training, so it is left out.
        prop_assume!(key != "batch_size" || value.parse::<u64>().map_or(true, |n| n < 1 << 16));
        let (_dir, path) = file(&with_setting(key, &value));
        let result = Trainer::from_checkpoint(&path);
        if let Ok((trainer, _)) = &result {
            prop_assert_eq!(trainer.shape(), SHAPE);
        }
        names_the_file(&path, result)?;
    }
}
