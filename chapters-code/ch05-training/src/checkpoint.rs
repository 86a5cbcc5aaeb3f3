//! The checkpoint: parameters, Adam's state and where training stands, so `--resume` continues
//! exactly where a run stopped. Randomness needs no saved state: each epoch draws from a
//! generator seeded by (seed, epoch), so knowing the epoch is knowing the random state.
//!
//! Format: the line `vae-book checkpoint v2`, a line of `key=value` settings, a line of tensor
//! sizes, the tensors as little-endian f32 (the parameters, Adam's m, Adam's v), and last the
//! SHA-256 of everything before it, so a damaged or truncated file is refused, never used.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use ch04_model::shape::VaeShape;
use sha2::{Digest, Sha256};
use support::atomic::write_atomic;

use mnist::Dataset;

const MAGIC: &str = "vae-book checkpoint v2";
const DIGEST_BYTES: usize = 32;

/// Why a checkpoint could not be written, read or resumed from; each names the file.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not a checkpoint of this book (no `{MAGIC}` line)", path.display())]
    Foreign { path: PathBuf },
    #[error(
        "{}: damaged or truncated (its SHA-256 checksum does not match its contents); it is not used",
        path.display()
    )]
    Damaged { path: PathBuf },
    /// The checksum matches but the header is not what this code writes.
    #[error("{}: {problem}", path.display())]
    Header { path: PathBuf, problem: String },
    #[error("{}: has no {key} setting", path.display())]
    MissingSetting { path: PathBuf, key: String },
    #[error("{}: bad {key} setting {value:?}", path.display())]
    BadSetting {
        path: PathBuf,
        key: String,
        value: String,
    },
    /// A setting this code cannot continue from or use (`why` says what it takes instead).
    #[error("{}: made with {key}={saved}; {why}", path.display())]
    Unusable {
        path: PathBuf,
        key: String,
        saved: String,
        why: String,
    },
    /// Resuming with other settings than the checkpoint's.
    #[error(
        "{}: made with {key}={saved}, but this run has {key}={ours}; use the same options to resume, or a fresh --out",
        path.display()
    )]
    Mismatch {
        path: PathBuf,
        key: String,
        saved: String,
        ours: String,
    },
}

type Result<T, E = CheckpointError> = std::result::Result<T, E>;

/// What a checkpoint's header records about the run that made it, as `key=value` pairs: each
/// chapter's runs have their own ([`Settings`] are chapter 5's).
pub trait CheckpointSettings: Sized {
    /// The settings as `key=value` pairs, in the header's order.
    fn pairs(&self) -> Vec<(&'static str, String)>;

    /// Reads the settings back from the header's pairs of the file `path`.
    fn parse(pairs: &[(String, String)], path: &Path) -> Result<Self>;
}

/// A header's `key=value` settings, read by key: every error names the file and the setting.
pub struct SettingsReader<'a> {
    pairs: &'a [(String, String)],
    path: &'a Path,
}

impl<'a> SettingsReader<'a> {
    pub fn new(pairs: &'a [(String, String)], path: &'a Path) -> Self {
        SettingsReader { pairs, path }
    }

    /// The value of `key`, as written.
    pub fn get(&self, key: &str) -> Result<&'a str> {
        self.find(key)
            .ok_or_else(|| CheckpointError::MissingSetting {
                path: self.path.into(),
                key: key.into(),
            })
    }

    /// Refuses the setting `key` unless its value is `wanted`; `why` says what this code takes.
    pub fn require(&self, key: &str, wanted: &str, why: &str) -> Result<()> {
        let saved = self.get(key)?;
        if saved == wanted {
            Ok(())
        } else {
            Err(CheckpointError::Unusable {
                path: self.path.into(),
                key: key.into(),
                saved: saved.into(),
                why: why.into(),
            })
        }
    }

    fn bad(&self, key: &str, value: &str) -> CheckpointError {
        CheckpointError::BadSetting {
            path: self.path.into(),
            key: key.into(),
            value: value.into(),
        }
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
                .ok_or_else(|| self.bad("limit", some)),
        }
    }

    fn find(&self, key: &str) -> Option<&'a str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn parse_value<T: FromStr>(&self, key: &str, value: &str) -> Result<T> {
        value.parse().map_err(|_| self.bad(key, value))
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
            return Err(CheckpointError::Mismatch {
                path: path.into(),
                key: key.into(),
                saved: theirs,
                ours,
            });
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

    fn parse(pairs: &[(String, String)], path: &Path) -> Result<Settings> {
        let read = SettingsReader::new(pairs, path);
        let batch_size = read.parsed("batch_size")?;
        // As the options do: a trainer shares each batch among at least one thread.
        if batch_size == 0 {
            return Err(read.bad("batch_size", "0"));
        }
        // For a while chapter 5 could binarize too, and its checkpoints said how; those of
        // grey pixels (`none`) load, a model of binary pixels belongs to chapter 7.
        if read.find("binarize").is_some() {
            read.require(
                "binarize",
                "none",
                "chapter 5 trains on grey pixels (binary ones are chapter 7's)",
            )?;
        }
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
        let header = |problem: String| CheckpointError::Header {
            path: path.into(),
            problem,
        };
        if !bytes.starts_with(format!("{MAGIC}\n").as_bytes()) {
            return Err(CheckpointError::Foreign { path: path.into() });
        }
        let (content, digest) = bytes.split_at(bytes.len().saturating_sub(DIGEST_BYTES));
        if digest.len() != DIGEST_BYTES || Sha256::digest(content).as_slice() != digest {
            return Err(CheckpointError::Damaged { path: path.into() });
        }
        let mut lines = content.splitn(4, |&b| b == b'\n');
        let mut line = || -> Result<&str> {
            let l = lines
                .next()
                .ok_or_else(|| header("truncated header".into()))?;
            std::str::from_utf8(l).map_err(|_| header("header is not text".into()))
        };
        line()?;
        let mut pairs: Vec<(String, String)> = Vec::new();
        for pair in line()?.split(' ').filter(|p| !p.is_empty()) {
            let (k, v) = pair
                .split_once('=')
                .ok_or_else(|| header(format!("malformed setting {pair:?}")))?;
            pairs.push((k.into(), v.into()));
        }
        let sizes: Vec<usize> = line()?
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse()
                    .map_err(|_| header(format!("bad tensor size {s:?}")))
            })
            .collect::<Result<_>>()?;
        let body = lines.next().unwrap_or_default();
        // In u128, where no sizes a file's length allows can overflow the sum.
        let declared = 3 * 4 * sizes.iter().map(|&n| n as u128).sum::<u128>();
        if body.len() as u128 != declared {
            return Err(header(format!(
                "holds {} bytes of tensors, its header declares {declared}",
                body.len()
            )));
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
        let read = SettingsReader::new(&pairs, path);
        Ok(Checkpoint {
            epoch: read.parsed("epoch")?,
            adam_t: read.parsed("adam_t")?,
            settings: S::parse(&pairs, path)?,
            tensors,
            adam_m,
            adam_v,
        })
    }

    pub fn save(&self, path: &Path) -> Result<()> {
        write_atomic(path, &self.to_bytes()).map_err(|source| CheckpointError::Write {
            path: path.into(),
            source,
        })
    }

    pub fn load(path: &Path) -> Result<Checkpoint<S>> {
        let bytes = std::fs::read(path).map_err(|source| CheckpointError::Read {
            path: path.into(),
            source,
        })?;
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
        let name = Path::new("run/checkpoint.bin");
        let read = SettingsReader::new(&pairs, name);
        assert_eq!(read.parsed::<usize>("k").unwrap(), 5);
        assert_eq!(read.limit().unwrap(), Some(20));
        assert_eq!(read.parsed_or("absent", 7usize).unwrap(), 7);
        let err = |e: CheckpointError| e.to_string();
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
            err(SettingsReader::new(&pairs, name).limit().unwrap_err()),
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
        assert_eq!(
            Settings::parse(&pairs("none"), Path::new("c")).unwrap(),
            settings()
        );
        let err = Settings::parse(&pairs("dynamic"), Path::new("old.bin")).unwrap_err();
        assert!(
            matches!(&err, CheckpointError::Unusable { path, key, saved, .. }
                if path == Path::new("old.bin") && key == "binarize" && saved == "dynamic"),
            "{err}"
        );
    }

    #[test]
    fn truncation_and_foreign_files_are_refused_by_name() {
        let bytes = example().to_bytes();
        let err =
            Checkpoint::<Settings>::from_bytes(&bytes[..bytes.len() - 1], Path::new("ck.bin"))
                .unwrap_err();
        assert!(matches!(&err, CheckpointError::Damaged { path } if path == Path::new("ck.bin")));
        assert!(
            err.to_string().starts_with("ck.bin: damaged or truncated"),
            "{err}"
        );
        let err =
            Checkpoint::<Settings>::from_bytes(b"\x89PNG\r\n", Path::new("x.png")).unwrap_err();
        assert!(matches!(&err, CheckpointError::Foreign { path } if path == Path::new("x.png")));
        assert!(err.to_string().contains("x.png: not a checkpoint"), "{err}");
        assert!(matches!(
            Checkpoint::<Settings>::from_bytes(b"", Path::new("e")),
            Err(CheckpointError::Foreign { .. })
        ));
        let err = Checkpoint::<Settings>::load(Path::new("/no/such/checkpoint.bin")).unwrap_err();
        assert!(matches!(err, CheckpointError::Read { .. }), "{err}");
    }

    #[test]
    fn any_changed_byte_is_refused() {
        let bytes = example().to_bytes();
        // Every byte after the magic line: header, tensors and the checksum itself.
        for i in MAGIC.len() + 1..bytes.len() {
            let mut damaged = bytes.clone();
            damaged[i] ^= 0x10;
            let err = Checkpoint::<Settings>::from_bytes(&damaged, Path::new("ck.bin"))
                .expect_err("a damaged checkpoint must be refused");
            assert!(matches!(err, CheckpointError::Damaged { .. }), "{err}");
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
        let err = other.check_resume(&saved, Path::new("c")).unwrap_err();
        assert!(
            matches!(&err, CheckpointError::Mismatch { key, saved, ours, .. }
                if key == "latent" && saved == "20" && ours == "2"),
            "{err}"
        );
        let threads = Settings {
            threads: 1,
            ..saved
        };
        let err = threads.check_resume(&saved, Path::new("c")).unwrap_err();
        assert!(
            matches!(&err, CheckpointError::Mismatch { key, saved, .. } if key == "threads" && saved == "2"),
            "{err}"
        );
    }
}
