//! Runs the PyTorch reference script and reads its figures.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail, ensure};
use serde_json::Value;

use crate::compare::Net;

/// The script, beside this crate's sources.
pub const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/reference/vae_torch.py");

/// What one run of the script reports.
#[derive(Debug, Clone)]
pub struct TorchRun {
    pub version: String,
    pub threads: usize,
    /// Seconds of training of each epoch.
    pub seconds: Vec<f64>,
    /// The test loss after the last epoch, when it was measured.
    pub test_loss: Option<f64>,
    pub peak_mib: Option<f64>,
}

/// PyTorch's version when `python` can import torch and numpy, else why not.
pub fn available(python: &str) -> Result<String, String> {
    let out = Command::new(python)
        .args(["-c", "import numpy, torch; print(torch.__version__)"])
        .output()
        .map_err(|e| format!("cannot run {python}: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(format!(
            "{python} cannot import torch and numpy ({}); `pip install torch numpy` brings them",
            err.lines().last().unwrap_or("").trim()
        ))
    }
}

/// How to run the script: the interpreter, the data, the environment.
pub struct Runner<'a> {
    pub python: &'a str,
    pub data_dir: &'a Path,
    /// Extra environment variables, such as `OMP_WAIT_POLICY=PASSIVE`.
    pub env: &'a [(&'a str, &'a str)],
}

/// What to train, and how long.
pub struct Setting {
    pub net: Net,
    pub batch: usize,
    pub epochs: usize,
    pub threads: usize,
    /// Train on the first N images only.
    pub limit: Option<usize>,
    /// Evaluate the test set after each epoch.
    pub test: bool,
}

/// Runs the script with the given settings.
pub fn run(runner: &Runner, setting: &Setting) -> Result<TorchRun> {
    let Runner {
        python,
        data_dir,
        env,
    } = *runner;
    let Setting {
        net,
        batch,
        epochs,
        threads,
        limit,
        test,
    } = *setting;
    let mut command = Command::new(python);
    command
        .envs(env.iter().copied())
        .arg(SCRIPT)
        .arg("--data-dir")
        .arg(data_dir)
        .args(["--hidden", &net.shape.hidden.to_string()])
        .args(["--latent-dim", &net.shape.latent.to_string()])
        .args(["--depth", &net.shape.depth.to_string()])
        .args(["--activation", &net.shape.activation.to_string()])
        .args(["--binarize", if net.dynamic { "dynamic" } else { "none" }])
        .args(["--batch-size", &batch.to_string()])
        .args(["--epochs", &epochs.to_string()])
        .args(["--threads", &threads.to_string()])
        .arg("--json");
    if !test {
        command.arg("--no-test");
    }
    if let Some(limit) = limit {
        command.args(["--limit", &limit.to_string()]);
    }
    let out = command
        .output()
        .with_context(|| format!("cannot run {python} {SCRIPT}"))?;
    if !out.status.success() {
        bail!(
            "{SCRIPT} failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout.lines().last().unwrap_or("");
    let json: Value = serde_json::from_str(last)
        .with_context(|| format!("{SCRIPT}: its last line is not JSON: {last:?}"))?;
    parse(&json).with_context(|| format!("{SCRIPT}: unexpected JSON {last}"))
}

fn parse(json: &Value) -> Result<TorchRun> {
    let epochs = json["epochs"].as_array().context("no epochs")?;
    let seconds: Vec<f64> = epochs
        .iter()
        .map(|e| e["seconds"].as_f64().context("an epoch without seconds"))
        .collect::<Result<_>>()?;
    ensure!(!seconds.is_empty(), "no epoch was timed");
    Ok(TorchRun {
        version: json["torch"].as_str().context("no torch version")?.into(),
        threads: json["threads"].as_u64().context("no thread count")? as usize,
        seconds,
        test_loss: epochs.last().and_then(|e| e["test_loss"].as_f64()),
        peak_mib: json["peak_mib"].as_f64(),
    })
}
