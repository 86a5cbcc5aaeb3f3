//! The checkpoint: parameters, Adam's state and where training stands, so `--resume` continues
//! exactly where a run stopped. Randomness needs no saved state: each epoch draws from a
//! generator seeded by (seed, epoch), so knowing the epoch is knowing the random state.
//!
//! Format: the line `vae-book checkpoint v2`, a line of `key=value` settings, a line of tensor
//! sizes, the tensors as little-endian f32 (the parameters, Adam's m, Adam's v), and last the
//! SHA-256 of everything before it, so a damaged or truncated file is refused, never used.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use anyhow::{Context, Result, bail, ensure};
use ch04_model::shape::VaeShape;
use sha2::{Digest, Sha256};
use support::atomic::write_atomic;

use mnist::Dataset;

const MAGIC: &str = "vae-book checkpoint v2";
const DIGEST_BYTES: usize = 32;

/// What a checkpoint's header records about the run that made it, as `key=value` pairs: each
/// chapter's runs have their own ([`Settings`] are chapter 5's).
pub trait CheckpointSettings: Sized {
    /// The settings as `key=value` pairs, in the header's order.
    fn pairs(&self) -> Vec<(&'static str, String)>;

    /// Reads the settings back from the header's pairs; errors name the file, `name`.
    fn parse(pairs: &[(String, String)], name: &dyn fmt::Display) -> Result<Self>;
}

/// A header's `key=value` settings, read by key: every error names the file and the setting.
pub struct SettingsReader<'a> {
    pairs: &'a [(String, String)],
    name: &'a dyn fmt::Display,
}

impl<'a> SettingsReader<'a> {
    pub fn new(pairs: &'a [(String, String)], name: &'a dyn fmt::Display) -> Self {
        SettingsReader { pairs, name }
    }

    /// The value of `key`, as written.
    pub fn get(&self, key: &str) -> Result<&'a str> {
        self.find(key)
            .with_context(|| format!("{}: has no {key} setting", self.name))
    }

    /// The value of `key`, parsed.
    pub fn parsed<T: FromStr>(&self, key: &str) -> Result<T> {
        self.parse_value(key, self.get(key)?)
    }

    /// The value of `key` parsed, or `default` for headers written before the setting existed.
    pub fn parsed_or<T: FromStr>(&self, key: &str, default: T) -> Result<T> {
        self.find(key)
            .map_or(Ok(default), |value| self.parse_value(key, value))
    }

    /// A `--limit`, written as `None` or `Some(N)`.
    pub fn limit(&self) -> Result<Option<usize>> {
        match self.get("limit")? {
            "None" => Ok(None),
            some => some
                .strip_prefix("Some(")
                .and_then(|s| s.strip_suffix(')'))
                .and_then(|s| s.parse().ok())
                .map(Some)
                .with_context(|| format!("{}: bad limit setting {some:?}", self.name)),
        }
    }

    fn find(&self, key: &str) -> Option<&'a str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn parse_value<T: FromStr>(&self, key: &str, value: &str) -> Result<T> {
        value
            .parse()
            .map_err(|_| anyhow::anyhow!("{}: bad {key} setting {value:?}", self.name))
    }
}

/// Fails, naming the first setting that differs, unless `ours` equal `saved` in every setting
/// but those of `free` (which a resumed run may change).
pub fn check_same<S: CheckpointSettings>(
    ours: &S,
    saved: &S,
    free: &[&str],
    path: &Path,
) -> Result<()> {
    for ((key, ours), (_, theirs)) in ours.pairs().into_iter().zip(saved.pairs()) {
        if !free.contains(&key) && ours != theirs {
            bail!(
                "{}: made with {key}={theirs}, but this run has {key}={ours}; use the same \
                 options to resume, or a fresh --out",
                path.display()
            );
        }
    }
    Ok(())
}

/// What a run was made with: what a resumed run must share with it, and what a later chapter
/// needs to rebuild the model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    pub dataset: Dataset,
    /// Trained on the first N images only.
    pub limit: Option<usize>,
    pub shape: VaeShape,
    pub batch_size: usize,
    /// May change on resume: lowering it is how to continue a run that diverged.
    pub lr: f32,
    pub beta: f32,
    /// Epochs over which the KL weight rises to `beta` (0: none); see [`crate::warmup`].
    pub kl_warmup: usize,
    pub seed: u64,
    /// Each thread's share of a batch draws its own noise, so another thread count would
    /// continue as a different run.
    pub threads: usize,
}

impl CheckpointSettings for Settings {
    fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("dataset", self.dataset.to_string()),
            ("limit", format!("{:?}", self.limit)),
            ("input", self.shape.input.to_string()),
            ("hidden", self.shape.hidden.to_string()),
            ("latent", self.shape.latent.to_string()),
            ("batch_size", self.batch_size.to_string()),
            ("lr", self.lr.to_string()),
            ("beta", self.beta.to_string()),
            ("kl_warmup", self.kl_warmup.to_string()),
            ("seed", self.seed.to_string()),
            ("threads", self.threads.to_string()),
        ]
    }

    fn parse(pairs: &[(String, String)], name: &dyn fmt::Display) -> Result<Settings> {
        let read = SettingsReader::new(pairs, name);
        let batch_size = read.parsed("batch_size")?;
        // As the options do: a trainer shares each batch among at least one thread.
        ensure!(batch_size > 0, "{name}: bad batch_size setting \"0\"");
        // For a while chapter 5 could binarize too, and its checkpoints said how; those of
        // grey pixels (`none`) load, a model of binary pixels belongs to chapter 7.
        let binarize = read.parsed_or("binarize", "none".to_string())?;
        ensure!(
            binarize == "none",
            "{name}: made with binarize={binarize}; chapter 5 trains on grey pixels (binary \
             ones are chapter 7's)"
        );
        Ok(Settings {
            dataset: read.parsed("dataset")?,
            limit: read.limit()?,
            shape: VaeShape::one_hidden_relu(
                read.parsed("input")?,
                read.parsed("hidden")?,
                read.parsed("latent")?,
            ),
            batch_size,
            lr: read.parsed("lr")?,
            beta: read.parsed("beta")?,
            // Checkpoints written before the option existed had no warm-up.
            kl_warmup: read.parsed_or("kl_warmup", 0)?,
            seed: read.parsed("seed")?,
            threads: read.parsed("threads")?,
        })
    }
}

impl Settings {
    /// Fails, naming the first setting that differs, unless a run with these settings may
    /// resume from a checkpoint made with `saved` (everything but the learning rate equal).
    pub fn check_resume(&self, saved: &Settings, path: &Path) -> Result<()> {
        check_same(self, saved, &["lr"], path)
    }
}

/// Everything a resumed run needs: the settings, the model's parameters in a fixed order, and
/// Adam's moments `adam_m`, `adam_v` for each of them.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkpoint<S = Settings> {
    pub epoch: usize,
    pub adam_t: u64,
    pub settings: S,
    pub tensors: Vec<Vec<f32>>,
    pub adam_m: Vec<Vec<f32>>,
    pub adam_v: Vec<Vec<f32>>,
}

impl<S: CheckpointSettings> Checkpoint<S> {
    pub fn to_bytes(&self) -> Vec<u8> {
        let settings: Vec<String> = [
            ("epoch", self.epoch.to_string()),
            ("adam_t", self.adam_t.to_string()),
        ]
        .into_iter()
        .chain(self.settings.pairs())
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
        let sizes: Vec<String> = self.tensors.iter().map(|t| t.len().to_string()).collect();
        let mut bytes =
            format!("{MAGIC}\n{}\n{}\n", settings.join(" "), sizes.join(" ")).into_bytes();
        for tensor in self.tensors.iter().chain(&self.adam_m).chain(&self.adam_v) {
            for x in tensor {
                bytes.extend_from_slice(&x.to_le_bytes());
            }
        }
        let digest = Sha256::digest(&bytes);
        bytes.extend_from_slice(&digest);
        bytes
    }

    /// Parses a checkpoint, refusing a file of another kind, a damaged or truncated one (its
    /// checksum), and one whose header does not describe its contents.
    pub fn from_bytes(bytes: &[u8], path: &Path) -> Result<Checkpoint<S>> {
        let name = path.display();
        ensure!(
            bytes.starts_with(format!("{MAGIC}\n").as_bytes()),
            "{name}: not a checkpoint of this book (no `{MAGIC}` line)"
        );
        let (content, digest) = bytes.split_at(bytes.len().saturating_sub(DIGEST_BYTES));
        ensure!(
            digest.len() == DIGEST_BYTES && Sha256::digest(content).as_slice() == digest,
            "{name}: damaged or truncated (its SHA-256 checksum does not match its contents); \
             it is not used"
        );
        let mut lines = content.splitn(4, |&b| b == b'\n');
        let mut line = || -> Result<&str> {
            let l = lines
                .next()
                .with_context(|| format!("{name}: truncated header"))?;
            std::str::from_utf8(l).with_context(|| format!("{name}: header is not text"))
        };
        line()?;
        let mut pairs: Vec<(String, String)> = Vec::new();
        for pair in line()?.split(' ').filter(|p| !p.is_empty()) {
            let (k, v) = pair
                .split_once('=')
                .with_context(|| format!("{name}: malformed setting {pair:?}"))?;
            pairs.push((k.into(), v.into()));
        }
        let sizes: Vec<usize> = line()?
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse()
                    .with_context(|| format!("{name}: bad tensor size {s:?}"))
            })
            .collect::<Result<_>>()?;
        let body = lines.next().unwrap_or_default();
        // In u128, where no sizes a file's length allows can overflow the sum.
        let declared = 3 * 4 * sizes.iter().map(|&n| n as u128).sum::<u128>();
        if body.len() as u128 != declared {
            bail!(
                "{name}: holds {} bytes of tensors, its header declares {declared}",
                body.len()
            );
        }
        let mut values = body
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes(c.try_into().unwrap()));
        let mut take = || -> Vec<Vec<f32>> {
            sizes
                .iter()
                .map(|&n| values.by_ref().take(n).collect())
                .collect()
        };
        let (tensors, adam_m, adam_v) = (take(), take(), take());
        let counter = |key: &str| -> Result<u64> {
            pairs
                .iter()
                .find(|(k, _)| k == key)
                .with_context(|| format!("{name}: no {key} in the header"))?
                .1
                .parse()
                .with_context(|| format!("{name}: bad {key}"))
        };
        Ok(Checkpoint {
            epoch: counter("epoch")? as usize,
            adam_t: counter("adam_t")?,
            settings: S::parse(&pairs, &name)?,
            tensors,
            adam_m,
            adam_v,
        })
    }

    pub fn save(&self, path: &Path) -> Result<()> {
        write_atomic(path, &self.to_bytes())
            .with_context(|| format!("cannot write {}", path.display()))
    }

    pub fn load(path: &Path) -> Result<Checkpoint<S>> {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        Checkpoint::from_bytes(&bytes, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_read_by_key_and_errors_name_the_file_and_the_setting() {
        let pairs: Vec<(String, String)> = [("k", "5"), ("bad", "five"), ("limit", "Some(20)")]
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .to_vec();
        let name = "run/checkpoint.bin";
        let read = SettingsReader::new(&pairs, &name);
        assert_eq!(read.parsed::<usize>("k").unwrap(), 5);
        assert_eq!(read.limit().unwrap(), Some(20));
        assert_eq!(read.parsed_or("absent", 7usize).unwrap(), 7);
        let err = |e: anyhow::Error| format!("{e:#}");
        assert_eq!(
            err(read.parsed::<usize>("absent").unwrap_err()),
            "run/checkpoint.bin: has no absent setting"
        );
        assert_eq!(
            err(read.parsed_or("bad", 0usize).unwrap_err()),
            "run/checkpoint.bin: bad bad setting \"five\""
        );
        let pairs = vec![("limit".to_string(), "Some(x)".to_string())];
        assert_eq!(
            err(SettingsReader::new(&pairs, &name).limit().unwrap_err()),
            "run/checkpoint.bin: bad limit setting \"Some(x)\""
        );
    }

    fn settings() -> Settings {
        Settings {
            dataset: Dataset::Mnist,
            limit: Some(100),
            shape: VaeShape::one_hidden_relu(3, 1, 20),
            batch_size: 128,
            lr: 1e-3,
            beta: 1.0,
            kl_warmup: 0,
            seed: 1,
            threads: 2,
        }
    }

    fn example() -> Checkpoint {
        Checkpoint {
            epoch: 3,
            adam_t: 1407,
            settings: settings(),
            tensors: vec![vec![1.0, -2.5, f32::MIN_POSITIVE], vec![0.25]],
            adam_m: vec![vec![0.1, 0.2, 0.3], vec![0.4]],
            adam_v: vec![vec![1e-8, 2e-8, 3e-8], vec![4e-8]],
        }
    }

    #[test]
    fn round_trips_bit_for_bit() {
        let c = example();
        let back = Checkpoint::<Settings>::from_bytes(&c.to_bytes(), Path::new("c")).unwrap();
        assert_eq!(back, c);
        let none = Checkpoint {
            settings: Settings {
                limit: None,
                ..settings()
            },
            ..example()
        };
        assert_eq!(
            Checkpoint::<Settings>::from_bytes(&none.to_bytes(), Path::new("c")).unwrap(),
            none
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("checkpoint.bin");
        c.save(&path).unwrap();
        assert_eq!(Checkpoint::<Settings>::load(&path).unwrap(), c);
    }

    #[test]
    fn a_header_that_says_binarize_none_loads_and_a_binary_model_is_refused() {
        // The settings line of a checkpoint chapter 5 wrote while it still took --binarize.
        let pairs = |binarize: &str| -> Vec<(String, String)> {
            let mut pairs: Vec<(String, String)> = settings()
                .pairs()
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
            pairs.insert(2, ("binarize".to_string(), binarize.to_string()));
            pairs
        };
        assert_eq!(Settings::parse(&pairs("none"), &"c").unwrap(), settings());
        let err = Settings::parse(&pairs("dynamic"), &"old.bin")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("old.bin") && err.contains("binarize=dynamic"),
            "{err}"
        );
    }

    #[test]
    fn truncation_and_foreign_files_are_refused_by_name() {
        let bytes = example().to_bytes();
        let err =
            Checkpoint::<Settings>::from_bytes(&bytes[..bytes.len() - 1], Path::new("ck.bin"))
                .unwrap_err()
                .to_string();
        assert!(err.contains("ck.bin") && err.contains("truncated"), "{err}");
        let err = Checkpoint::<Settings>::from_bytes(b"\x89PNG\r\n", Path::new("x.png"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("x.png") && err.contains("not a checkpoint"),
            "{err}"
        );
        assert!(Checkpoint::<Settings>::from_bytes(b"", Path::new("e")).is_err());
    }

    #[test]
    fn any_changed_byte_is_refused() {
        let bytes = example().to_bytes();
        // Every byte after the magic line: header, tensors and the checksum itself.
        for i in MAGIC.len() + 1..bytes.len() {
            let mut damaged = bytes.clone();
            damaged[i] ^= 0x10;
            let err = Checkpoint::<Settings>::from_bytes(&damaged, Path::new("ck.bin"))
                .expect_err("a damaged checkpoint must be refused")
                .to_string();
            assert!(err.contains("ck.bin") && err.contains("damaged"), "{err}");
        }
    }

    #[test]
    fn resuming_with_other_settings_is_refused_but_not_another_lr() {
        let saved = settings();
        saved.check_resume(&saved, Path::new("c")).unwrap();
        let lower_lr = Settings { lr: 1e-4, ..saved };
        lower_lr.check_resume(&saved, Path::new("c")).unwrap();
        let other = Settings {
            shape: VaeShape {
                latent: 2,
                ..saved.shape
            },
            ..saved
        };
        let err = other
            .check_resume(&saved, Path::new("c"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("latent=20") && err.contains("latent=2"),
            "{err}"
        );
        let threads = Settings {
            threads: 1,
            ..saved
        };
        let err = threads
            .check_resume(&saved, Path::new("c"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("threads=2"), "{err}");
    }
}
