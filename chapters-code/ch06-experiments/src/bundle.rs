//! The explorer's data file: named tensors packed into one little-endian binary, described by
//! a manifest (each tensor's name, data type, shape and byte offset, and the binary's length
//! and SHA-256), and carried in a script, `weights.js`, as base64: a page opened from disk
//! cannot `fetch` a file, but it can load a script. [`read_script`] checks it all back.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail, ensure};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The `format` of the manifests this code writes and reads.
pub const FORMAT: &str = "vae-book explorer bundle 1";

/// The global the script assigns, read by book/explorer/explorer.js.
pub const GLOBAL: &str = "window.VAE_EXPLORER_DATA";

/// The global of chapter 9's script (conditional.js), read by the same page.
pub const CONDITIONAL_GLOBAL: &str = "window.VAE_EXPLORER_CONDITIONAL";

/// What the binary holds and how to check it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    /// The command that wrote it.
    pub generated_by: String,
    pub bytes: usize,
    pub sha256: String,
    pub quantization: String,
    /// The largest change in a decoded pixel probability that the 8-bit rounding makes, over
    /// the decodes of test-vectors.json.
    pub rounding_max_pixel_change: f32,
    pub models: BTreeMap<String, ModelInfo>,
    pub tensors: Vec<TensorInfo>,
}

/// A model's sizes and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub input: usize,
    pub hidden: usize,
    pub latent: usize,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TensorInfo {
    pub name: String,
    /// `i8`, `u8`, `u32` or `f32`, little-endian.
    pub dtype: String,
    pub shape: Vec<usize>,
    pub offset: usize,
}

/// Element types a tensor can have.
pub trait Element: Copy {
    const DTYPE: &'static str;
    const SIZE: usize;
    fn put(self, out: &mut Vec<u8>);
    fn get(bytes: &[u8]) -> Self;
}

macro_rules! element {
    ($t:ty, $name:literal) => {
        impl Element for $t {
            const DTYPE: &'static str = $name;
            const SIZE: usize = std::mem::size_of::<$t>();
            fn put(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            fn get(bytes: &[u8]) -> Self {
                <$t>::from_le_bytes(bytes.try_into().unwrap())
            }
        }
    };
}
element!(i8, "i8");
element!(u8, "u8");
element!(u32, "u32");
element!(f32, "f32");

/// Tensors appended one after another, each at an offset that is a multiple of 4, so that the
/// browser can view an f32 tensor in place.
#[derive(Debug, Default)]
pub struct Builder {
    bytes: Vec<u8>,
    tensors: Vec<TensorInfo>,
}

impl Builder {
    pub fn add<T: Element>(
        &mut self,
        name: &str,
        shape: &[usize],
        values: impl IntoIterator<Item = T>,
    ) {
        while !self.bytes.len().is_multiple_of(4) {
            self.bytes.push(0);
        }
        let offset = self.bytes.len();
        for v in values {
            v.put(&mut self.bytes);
        }
        let count: usize = shape.iter().product();
        assert_eq!(
            self.bytes.len() - offset,
            count * T::SIZE,
            "tensor {name}: the values do not fill its shape {shape:?}"
        );
        self.tensors.push(TensorInfo {
            name: name.into(),
            dtype: T::DTYPE.into(),
            shape: shape.to_vec(),
            offset,
        });
    }

    /// The binary and its manifest: what the caller describes (the command that wrote it, the
    /// rounding, the models), and what the binary itself says (format, size, hash, tensors).
    pub fn finish(
        self,
        generated_by: &str,
        quantization: &str,
        rounding_max_pixel_change: f32,
        models: BTreeMap<String, ModelInfo>,
    ) -> (Manifest, Vec<u8>) {
        let manifest = Manifest {
            format: FORMAT.into(),
            generated_by: generated_by.into(),
            bytes: self.bytes.len(),
            sha256: sha256_hex(&self.bytes),
            quantization: quantization.into(),
            rounding_max_pixel_change,
            models,
            tensors: self.tensors,
        };
        (manifest, self.bytes)
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[derive(Serialize, Deserialize)]
struct Payload {
    manifest: Manifest,
    base64: String,
}

/// The text of `weights.js`: a comment, then one assignment of the manifest and the base64.
pub fn script(manifest: &Manifest, bytes: &[u8]) -> Result<String> {
    script_for(GLOBAL, manifest, bytes)
}

/// A bundle's script that assigns `global`.
pub fn script_for(global: &str, manifest: &Manifest, bytes: &[u8]) -> Result<String> {
    let payload = Payload {
        manifest: manifest.clone(),
        base64: BASE64.encode(bytes),
    };
    Ok(format!(
        "// The latent explorer's weights and data, described by the manifest below (also written\n\
         // beside this file as JSON).\n\
         // Written by `{}`; do not edit.\n{global} = {};\n",
        manifest.generated_by,
        serde_json::to_string(&payload)?
    ))
}

/// Writes each `(name, text)` into `dir` (created if needed), each file whole or not at all,
/// and says on standard output what it wrote; returns the paths.
pub fn write_files(dir: &Path, files: Vec<(&str, String)>) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut written = Vec::new();
    println!("writing into {}:", dir.display());
    for (name, text) in files {
        let path = dir.join(name);
        support::atomic::write_atomic(&path, text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        println!("  {name} ({} bytes)", text.len());
        written.push(path);
    }
    Ok(written)
}

/// A bundle read back from its script, checked against its manifest.
#[derive(Debug)]
pub struct Bundle {
    pub manifest: Manifest,
    pub bytes: Vec<u8>,
}

/// Reads `weights.js` and checks the format, the length, the SHA-256 and every tensor's place.
pub fn read_script(path: &Path) -> Result<Bundle> {
    read_script_for(path, GLOBAL)
}

/// Reads a bundle's script that assigns `global`, with the checks of [`read_script`].
pub fn read_script_for(path: &Path, global: &str) -> Result<Bundle> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let json = text
        .split_once(&format!("{global} = "))
        .and_then(|(_, rest)| rest.trim_end().strip_suffix(';'))
        .with_context(|| format!("{}: no `{global} = ...;` assignment", path.display()))?;
    let payload: Payload = serde_json::from_str(json).with_context(|| {
        format!(
            "{}: the assignment is not the manifest and base64 data",
            path.display()
        )
    })?;
    let manifest = payload.manifest;
    ensure!(
        manifest.format == FORMAT,
        "{}: format {:?}, expected {FORMAT:?}",
        path.display(),
        manifest.format
    );
    let bytes = BASE64
        .decode(payload.base64.as_bytes())
        .with_context(|| format!("{}: the data is not valid base64", path.display()))?;
    let sha = sha256_hex(&bytes);
    ensure!(
        bytes.len() == manifest.bytes && sha == manifest.sha256,
        "{}: damaged: {} bytes with SHA-256 {sha}, the manifest says {} bytes with {}",
        path.display(),
        bytes.len(),
        manifest.bytes,
        manifest.sha256
    );
    let bundle = Bundle { manifest, bytes };
    for t in &bundle.manifest.tensors {
        let size = match t.dtype.as_str() {
            "i8" | "u8" => 1,
            "u32" | "f32" => 4,
            other => bail!(
                "{}: tensor {}: unknown data type {other}",
                path.display(),
                t.name
            ),
        };
        // The checksum does not cover the manifest, whose numbers may overflow: checked.
        let end = t
            .shape
            .iter()
            .try_fold(size, |n: usize, &d| n.checked_mul(d))
            .and_then(|n| t.offset.checked_add(n));
        ensure!(
            t.offset.is_multiple_of(size) && end.is_some_and(|end| end <= bundle.bytes.len()),
            "{}: tensor {} of shape {:?} at byte {} lies outside the {} bytes of data",
            path.display(),
            t.name,
            t.shape,
            t.offset,
            bundle.bytes.len()
        );
    }
    Ok(bundle)
}

impl Bundle {
    /// The values and shape of the tensor `name`, which must have the element type `T`.
    pub fn tensor<T: Element>(&self, name: &str) -> Result<(Vec<T>, Vec<usize>)> {
        let t = self
            .manifest
            .tensors
            .iter()
            .find(|t| t.name == name)
            .with_context(|| format!("no tensor {name}"))?;
        ensure!(
            t.dtype == T::DTYPE,
            "tensor {name} is {}, not {}",
            t.dtype,
            T::DTYPE
        );
        let count: usize = t.shape.iter().product();
        let values = self.bytes[t.offset..t.offset + count * T::SIZE]
            .chunks_exact(T::SIZE)
            .map(T::get)
            .collect();
        Ok((values, t.shape.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (Manifest, Vec<u8>) {
        let mut b = Builder::default();
        b.add::<i8>("q", &[2, 3], [1, -2, 3, -4, 5, -127]);
        b.add::<f32>("scale", &[3], [0.5, 0.25, 1e-3]);
        b.add::<u8>("label", &[1], [9]);
        b.add::<u32>("index", &[2], [7, 70000]);
        b.finish("a test", "none", 0.0, BTreeMap::new())
    }

    #[test]
    fn tensors_are_aligned_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let (manifest, bytes) = sample();
        assert_eq!(manifest.tensors[1].offset, 8); // after 6 bytes, padded to 8
        assert_eq!(manifest.bytes, bytes.len());
        let path = dir.path().join("weights.js");
        std::fs::write(&path, script(&manifest, &bytes).unwrap()).unwrap();
        let bundle = read_script(&path).unwrap();
        assert_eq!(bundle.manifest, manifest);
        assert_eq!(
            bundle.tensor::<i8>("q").unwrap(),
            (vec![1, -2, 3, -4, 5, -127], vec![2, 3])
        );
        assert_eq!(
            bundle.tensor::<f32>("scale").unwrap().0,
            vec![0.5, 0.25, 1e-3]
        );
        assert_eq!(bundle.tensor::<u32>("index").unwrap().0, vec![7, 70000]);
        assert!(bundle.tensor::<f32>("q").is_err(), "wrong element type");
        assert!(bundle.tensor::<u8>("nothing").is_err());
    }

    #[test]
    fn a_damaged_or_cut_script_is_refused_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let (manifest, bytes) = sample();
        let text = script(&manifest, &bytes).unwrap();
        let path = dir.path().join("weights.js");
        let data = text.find("\"base64\":\"").unwrap() + 12;
        let mut damaged = text.clone().into_bytes();
        damaged[data] = if damaged[data] == b'A' { b'B' } else { b'A' };
        std::fs::write(&path, &damaged).unwrap();
        let err = format!("{:#}", read_script(&path).unwrap_err());
        assert!(err.contains("weights.js: damaged"), "{err}");
        std::fs::write(&path, &text[..text.len() / 2]).unwrap();
        let err = format!("{:#}", read_script(&path).unwrap_err());
        assert!(err.contains("weights.js"), "{err}");
        let err = format!(
            "{:#}",
            read_script(&dir.path().join("none.js")).unwrap_err()
        );
        assert!(err.contains("cannot read"), "{err}");
    }

    #[test]
    fn a_tensor_whose_size_overflows_is_refused_with_the_files_name() {
        // Found by tests/bundle_fuzz.rs: offset + size overflowed (a panic in debug builds; in
        // release the sum wrapped below the data's length and the tensor was accepted).
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("weights.js");
        for (shape, offset) in [
            (vec![], usize::MAX),
            (vec![1 << 32, 1 << 32], 0),
            (vec![usize::MAX / 4 + 1], 8),
        ] {
            let (mut manifest, bytes) = sample();
            manifest.tensors[1].shape = shape;
            manifest.tensors[1].offset = offset;
            std::fs::write(&path, script(&manifest, &bytes).unwrap()).unwrap();
            let err = format!("{:#}", read_script(&path).unwrap_err());
            assert!(
                err.contains("weights.js: tensor scale of shape") && err.contains("outside"),
                "{err}"
            );
        }
    }
}
