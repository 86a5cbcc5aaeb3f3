//! The checkpoint: parameters, Adam's state and where training stands, so `--resume` continues
//! exactly where a run stopped. Randomness needs no saved state: each epoch draws from a
//! generator seeded by (seed, epoch), so knowing the epoch is knowing the random state.
//!
//! Format: the line `vae-book checkpoint v1`, a line of `key=value` settings, a line of tensor
//! sizes, then the tensors as little-endian f32: the parameters, Adam's m, Adam's v.

use std::path::Path;

use anyhow::{Context, Result, bail, ensure};
use ch01_generative_models::atomic::write_atomic;

const MAGIC: &str = "vae-book checkpoint v1";

/// Everything a resumed run needs. `settings` holds what must match for a resume to be
/// meaningful (sizes, seed, batch size, data set...); `tensors` are the model's parameters
/// in a fixed order and `adam_m`, `adam_v` Adam's moments for each of them.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkpoint {
    pub epoch: usize,
    pub adam_t: u64,
    pub settings: Vec<(String, String)>,
    pub tensors: Vec<Vec<f32>>,
    pub adam_m: Vec<Vec<f32>>,
    pub adam_v: Vec<Vec<f32>>,
}

impl Checkpoint {
    pub fn to_bytes(&self) -> Vec<u8> {
        let settings: Vec<String> = [
            ("epoch".to_string(), self.epoch.to_string()),
            ("adam_t".to_string(), self.adam_t.to_string()),
        ]
        .iter()
        .chain(&self.settings)
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
        bytes
    }

    /// Parses a checkpoint, checking its header and that its length matches the sizes it declares.
    pub fn from_bytes(bytes: &[u8], path: &Path) -> Result<Checkpoint> {
        let name = path.display();
        ensure!(
            bytes.starts_with(format!("{MAGIC}\n").as_bytes()),
            "{name}: not a checkpoint of this book (no `{MAGIC}` line)"
        );
        let mut lines = bytes.splitn(4, |&b| b == b'\n');
        let mut line = || -> Result<&str> {
            let l = lines
                .next()
                .with_context(|| format!("{name}: truncated header"))?;
            std::str::from_utf8(l).with_context(|| format!("{name}: header is not text"))
        };
        ensure!(
            line()? == MAGIC,
            "{name}: not a checkpoint of this book (no `{MAGIC}` line)"
        );
        let mut settings: Vec<(String, String)> = Vec::new();
        for pair in line()?.split(' ').filter(|p| !p.is_empty()) {
            let (k, v) = pair
                .split_once('=')
                .with_context(|| format!("{name}: malformed setting {pair:?}"))?;
            settings.push((k.into(), v.into()));
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
        let floats: usize = sizes.iter().sum();
        if body.len() as u128 != 3 * 4 * floats as u128 {
            bail!(
                "{name}: holds {} bytes of tensors, its header declares {} (truncated or damaged)",
                body.len(),
                3 * 4 * floats
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

        let mut take_setting = |key: &str| -> Result<String> {
            let i = settings
                .iter()
                .position(|(k, _)| k == key)
                .with_context(|| format!("{name}: no {key} in the header"))?;
            Ok(settings.remove(i).1)
        };
        let epoch = take_setting("epoch")?
            .parse()
            .with_context(|| format!("{name}: bad epoch"))?;
        let adam_t = take_setting("adam_t")?
            .parse()
            .with_context(|| format!("{name}: bad adam_t"))?;
        Ok(Checkpoint {
            epoch,
            adam_t,
            settings,
            tensors,
            adam_m,
            adam_v,
        })
    }

    pub fn save(&self, path: &Path) -> Result<()> {
        write_atomic(path, &self.to_bytes())
            .with_context(|| format!("cannot write {}", path.display()))
    }

    pub fn load(path: &Path) -> Result<Checkpoint> {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        Checkpoint::from_bytes(&bytes, path)
    }

    /// Fails unless the checkpoint was made with the same settings as the run that resumes it.
    pub fn check_settings(&self, expected: &[(String, String)], path: &Path) -> Result<()> {
        for (key, value) in expected {
            match self.settings.iter().find(|(k, _)| k == key) {
                Some((_, saved)) if saved == value => {}
                Some((_, saved)) => bail!(
                    "{}: made with {key}={saved}, but this run has {key}={value}; use the same \
                     options to resume, or a fresh --out",
                    path.display()
                ),
                None => bail!("{}: has no {key} setting", path.display()),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> Checkpoint {
        Checkpoint {
            epoch: 3,
            adam_t: 1407,
            settings: vec![("latent".into(), "20".into()), ("seed".into(), "1".into())],
            tensors: vec![vec![1.0, -2.5, f32::MIN_POSITIVE], vec![0.25]],
            adam_m: vec![vec![0.1, 0.2, 0.3], vec![0.4]],
            adam_v: vec![vec![1e-8, 2e-8, 3e-8], vec![4e-8]],
        }
    }

    #[test]
    fn round_trips_bit_for_bit() {
        let c = example();
        let back = Checkpoint::from_bytes(&c.to_bytes(), Path::new("c")).unwrap();
        assert_eq!(back, c);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("checkpoint.bin");
        c.save(&path).unwrap();
        assert_eq!(Checkpoint::load(&path).unwrap(), c);
    }

    #[test]
    fn truncation_and_foreign_files_are_refused_by_name() {
        let bytes = example().to_bytes();
        let err = Checkpoint::from_bytes(&bytes[..bytes.len() - 1], Path::new("ck.bin"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("ck.bin") && err.contains("truncated"), "{err}");
        let err = Checkpoint::from_bytes(b"\x89PNG\r\n", Path::new("x.png"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("x.png") && err.contains("not a checkpoint"),
            "{err}"
        );
        assert!(Checkpoint::from_bytes(b"", Path::new("e")).is_err());
    }

    #[test]
    fn resuming_with_other_settings_is_refused() {
        let c = example();
        let same = [("latent".to_string(), "20".to_string())];
        c.check_settings(&same, Path::new("c")).unwrap();
        let other = [("latent".to_string(), "2".to_string())];
        let err = c
            .check_settings(&other, Path::new("c"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("latent=20") && err.contains("latent=2"),
            "{err}"
        );
    }
}
