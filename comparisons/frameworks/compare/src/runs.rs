//! Building and running each implementation, and reading its figures back.

use std::ffi::OsString;
use std::fmt;
use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail, ensure};
use serde_json::Value;

use crate::machine;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Which {
    /// The book's code: chapter 5's binary.
    Book,
    /// chapters-code/ch05-training/reference/vae_torch.py.
    Pytorch,
    Candle,
    Burn,
    Tch,
    /// candle with `--torch-init`: PyTorch's initialisation instead of candle's default.
    CandleTorchInit,
    /// tch-rs with `--torch-init`: PyTorch's initialisation instead of tch's default.
    TchTorchInit,
}

impl Which {
    /// The five implementations with their defaults, then the two whose default
    /// initialisation is not PyTorch's, initialised as PyTorch does.
    pub const ALL: [Which; 7] = [
        Which::Book,
        Which::Pytorch,
        Which::Candle,
        Which::Burn,
        Which::Tch,
        Which::CandleTorchInit,
        Which::TchTorchInit,
    ];

    /// The extra arguments of the variant.
    fn variant_args(self) -> Vec<OsString> {
        match self {
            Which::CandleTorchInit | Which::TchTorchInit => vec!["--torch-init".into()],
            _ => Vec::new(),
        }
    }
}

impl fmt::Display for Which {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(match self {
            Which::Book => "book",
            Which::Pytorch => "pytorch",
            Which::Candle => "candle",
            Which::Burn => "burn",
            Which::Tch => "tch",
            Which::CandleTorchInit => "candle-torch-init",
            Which::TchTorchInit => "tch-torch-init",
        })
    }
}

/// What every run shares.
pub struct Setting<'a> {
    pub root: &'a Path,
    pub data_dir: &'a Path,
    pub epochs: usize,
    pub threads: usize,
    pub python: &'a str,
    /// Where to write each run's profile, if profiling.
    pub profile: Option<&'a Path>,
}

/// A built program: what to execute, its first arguments, extra environment, its version.
pub struct Program {
    exe: PathBuf,
    args: Vec<OsString>,
    env: Vec<(String, OsString)>,
    pub version: String,
}

/// The figures of one implementation's run.
pub struct Row {
    pub which: Which,
    pub version: String,
    pub threads: usize,
    pub seconds: Vec<f64>,
    pub test_loss: Vec<f64>,
    pub peak_mib: f64,
    pub load_before: [f64; 3],
    pub load_after: [f64; 3],
    pub wall_seconds: f64,
}

impl Setting<'_> {
    fn comparisons(&self) -> PathBuf {
        self.root.join("comparisons/frameworks")
    }

    pub fn build(&self, which: Which) -> Result<Program> {
        println!("building {which}");
        let lock =
            |path: &str, package: &str| lock_version(&self.comparisons().join(path), package);
        Ok(match which {
            Which::Book => Program {
                exe: cargo_build(
                    self.root,
                    &["-p", "ch05-training", "--bin", "ch05-training"],
                    &[],
                )?,
                args: Vec::new(),
                env: Vec::new(),
                version: format!("ch05-training at {}", git_head(self.root)),
            },
            Which::Pytorch => {
                let torch = self.torch_version()?;
                Program {
                    exe: PathBuf::from(self.python),
                    args: vec![
                        self.root
                            .join("chapters-code/ch05-training/reference/vae_torch.py")
                            .into(),
                    ],
                    env: Vec::new(),
                    version: format!("torch {torch}"),
                }
            }
            Which::Candle | Which::CandleTorchInit => Program {
                exe: cargo_build(&self.comparisons(), &["--release", "-p", "vae-candle"], &[])?,
                args: which.variant_args(),
                env: Vec::new(),
                version: format!("candle-core {}", lock("Cargo.lock", "candle-core")?),
            },
            Which::Burn => Program {
                exe: cargo_build(&self.comparisons(), &["--release", "-p", "vae-burn"], &[])?,
                args: Vec::new(),
                env: Vec::new(),
                version: format!("burn {}", lock("Cargo.lock", "burn")?),
            },
            Which::Tch | Which::TchTorchInit => {
                let torch = self.torch_version()?;
                let lib = self.python_says(
                    "import os, torch; print(os.path.join(os.path.dirname(torch.__file__), 'lib'))",
                )?;
                // torch-sys asks this Python where libtorch is; the binary finds it at run time
                // through LD_LIBRARY_PATH, as tch's README says.
                let mut env = vec![("LIBTORCH_USE_PYTORCH".to_string(), OsString::from("1"))];
                let python_dir = which_dir(self.python);
                if let Some(dir) = &python_dir {
                    env.push(("PATH".into(), prepend_path("PATH", dir)));
                }
                let exe = cargo_build(&self.comparisons().join("vae-tch"), &["--release"], &env)?;
                Program {
                    exe,
                    args: which.variant_args(),
                    env: vec![(
                        "LD_LIBRARY_PATH".into(),
                        prepend_path("LD_LIBRARY_PATH", Path::new(&lib)),
                    )],
                    version: format!(
                        "tch {} on libtorch {torch}",
                        lock("vae-tch/Cargo.lock", "tch")?
                    ),
                }
            }
        })
    }

    fn python_says(&self, code: &str) -> Result<String> {
        let out = Command::new(self.python)
            .args(["-c", code])
            .output()
            .with_context(|| format!("cannot run {}", self.python))?;
        ensure!(
            out.status.success(),
            "{} cannot import torch and numpy (pip install torch==2.13.0 numpy): {}",
            self.python,
            String::from_utf8_lossy(&out.stderr).trim()
        );
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    fn torch_version(&self) -> Result<String> {
        self.python_says("import numpy, torch; print(torch.__version__)")
    }

    /// Runs `program` once, echoing its output, and reads its figures.
    pub fn run(&self, which: Which, program: &Program) -> Result<Row> {
        let out_dir = std::env::temp_dir().join(format!("vae-compare-{}", std::process::id()));
        let perf_data = self
            .profile
            .map(|folder| folder.join(format!("{which}.data")));
        let mut command = match &perf_data {
            Some(data) => {
                let mut perf = Command::new("perf");
                perf.args(["record", "--quiet", "-F", "499", "-o"])
                    .arg(data)
                    .arg("--")
                    .arg(&program.exe);
                perf
            }
            None => Command::new(&program.exe),
        };
        command
            .args(&program.args)
            .arg("--epochs")
            .arg(self.epochs.to_string())
            .arg("--threads")
            .arg(self.threads.to_string())
            .arg("--data-dir")
            .arg(self.data_dir)
            .envs(program.env.iter().map(|(k, v)| (k, v)));
        if which == Which::Book {
            command.arg("--out").arg(&out_dir);
        } else {
            command.arg("--json");
        }
        let load_before = machine::load_average();
        let start = Instant::now();
        let (status, lines, peak_kib) = run_measured(&mut command)
            .with_context(|| format!("cannot run {}", program.exe.display()))?;
        let wall_seconds = start.elapsed().as_secs_f64();
        let load_after = machine::load_average();
        ensure!(
            status.success(),
            "{which} failed ({status}); its output is above"
        );
        if let Some(data) = &perf_data {
            write_profile(data, &data.with_extension("txt"))?;
        }
        let (seconds, test_loss, threads) = if which == Which::Book {
            let metrics = out_dir.join("metrics.csv");
            let read = read_metrics(&metrics);
            let _ = std::fs::remove_dir_all(&out_dir);
            let (seconds, test_loss) = read?;
            (seconds, test_loss, self.threads)
        } else {
            read_json(&lines).with_context(|| format!("{which}: reading its --json line"))?
        };
        ensure!(
            seconds.len() == self.epochs,
            "{which} reported {} epochs, not {}",
            seconds.len(),
            self.epochs
        );
        Ok(Row {
            which,
            version: program.version.clone(),
            threads,
            seconds,
            test_loss,
            peak_mib: peak_kib as f64 / 1024.0,
            load_before,
            load_after,
            wall_seconds,
        })
    }
}

/// Refuses to start a profiled comparison without a working `perf`.
pub fn check_perf() -> Result<()> {
    let ok = Command::new("perf")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    ensure!(
        ok,
        "--profile needs Linux's perf on the PATH (Debian: apt install linux-perf)"
    );
    Ok(())
}

/// The share of samples per library and function, from `data` into the text file `report`
/// (written whole: to a temporary name, then renamed); `data` is removed.
fn write_profile(data: &Path, report: &Path) -> Result<()> {
    let out = Command::new("perf")
        .args([
            "report",
            "--stdio",
            "--sort",
            "dso,symbol",
            "--percent-limit",
            "0.5",
            "-i",
        ])
        .arg(data)
        .output()
        .context("cannot run perf report")?;
    ensure!(
        out.status.success(),
        "perf report -i {} failed: {}",
        data.display(),
        String::from_utf8_lossy(&out.stderr).trim()
    );
    let partial = report.with_extension("txt.partial");
    std::fs::write(&partial, &out.stdout)
        .and_then(|()| std::fs::rename(&partial, report))
        .with_context(|| format!("cannot write {}", report.display()))?;
    std::fs::remove_file(data).with_context(|| format!("cannot remove {}", data.display()))?;
    println!("profile: {}", report.display());
    Ok(())
}

/// Runs `command` with its standard output echoed line by line, and returns its status, those
/// lines and its peak resident memory in KiB (from `wait4`, the child's own `ru_maxrss`).
fn run_measured(command: &mut Command) -> Result<(ExitStatus, Vec<String>, i64)> {
    let mut child = command.stdout(Stdio::piped()).spawn()?;
    let mut lines = Vec::new();
    for line in BufReader::new(child.stdout.take().expect("piped")).lines() {
        let line = line?;
        println!("{line}");
        lines.push(line);
    }
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data that wait4 fills; the child is ours and not yet reaped.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if reaped != pid {
        bail!("wait4: {}", std::io::Error::last_os_error());
    }
    Ok((ExitStatus::from_raw(status), lines, usage.ru_maxrss))
}

/// Seconds and test loss per epoch from chapter 5's metrics.csv.
fn read_metrics(path: &Path) -> Result<(Vec<f64>, Vec<f64>)> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or("").split(',').collect();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .with_context(|| format!("{}: no column {name} in its header", path.display()))
    };
    let (seconds_at, loss_at) = (column("seconds")?, column("test_loss")?);
    let (mut seconds, mut loss) = (Vec::new(), Vec::new());
    for (i, line) in lines.enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        let number = |at: usize| -> Result<f64> {
            cells.get(at).and_then(|c| c.parse().ok()).with_context(|| {
                format!(
                    "{}: line {}: not a number in column {at}",
                    path.display(),
                    i + 2
                )
            })
        };
        seconds.push(number(seconds_at)?);
        loss.push(number(loss_at)?);
    }
    Ok((seconds, loss))
}

/// Seconds and test loss per epoch, and threads, from the last line of JSON a program printed.
fn read_json(lines: &[String]) -> Result<(Vec<f64>, Vec<f64>, usize)> {
    let line = lines
        .iter()
        .rev()
        .find(|l| l.starts_with('{'))
        .context("no line of JSON in its output")?;
    let value: Value = serde_json::from_str(line)?;
    let epochs = value["epochs"].as_array().context("no \"epochs\" array")?;
    let field = |e: &Value, name: &str| {
        e[name]
            .as_f64()
            .with_context(|| format!("an epoch without {name}"))
    };
    let seconds = epochs
        .iter()
        .map(|e| field(e, "seconds"))
        .collect::<Result<_>>()?;
    let loss = epochs
        .iter()
        .map(|e| field(e, "test_loss"))
        .collect::<Result<_>>()?;
    let threads = value["threads"].as_u64().context("no \"threads\"")? as usize;
    Ok((seconds, loss, threads))
}

/// Builds with cargo in `dir` and returns the path of the one executable it made.
fn cargo_build(dir: &Path, args: &[&str], env: &[(String, OsString)]) -> Result<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(dir)
        .arg("build")
        .args(args)
        .arg("--message-format=json-render-diagnostics")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("cannot run cargo in {}", dir.display()))?;
    ensure!(
        out.status.success(),
        "cargo build {} in {} failed",
        args.join(" "),
        dir.display()
    );
    let executables: Vec<PathBuf> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["reason"] == "compiler-artifact")
        .filter_map(|v| v["executable"].as_str().map(PathBuf::from))
        .collect();
    match executables.as_slice() {
        [exe] => Ok(exe.clone()),
        _ => bail!(
            "cargo build {} in {}: {} executables, not one",
            args.join(" "),
            dir.display(),
            executables.len()
        ),
    }
}

/// A package's version in a Cargo.lock.
fn lock_version(lock: &Path, package: &str) -> Result<String> {
    let text =
        std::fs::read_to_string(lock).with_context(|| format!("cannot read {}", lock.display()))?;
    let value: toml::Value =
        toml::from_str(&text).with_context(|| format!("{}: not TOML", lock.display()))?;
    value["package"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["name"].as_str() == Some(package))
        .and_then(|p| p["version"].as_str())
        .map(String::from)
        .with_context(|| format!("{}: no package {package}", lock.display()))
}

fn git_head(root: &Path) -> String {
    Command::new("git")
        .current_dir(root)
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "an unknown commit".into())
}

/// The folder of `python` when it is given as a path, so torch-sys's build script (which runs
/// `python3`) finds the same interpreter.
fn which_dir(python: &str) -> Option<PathBuf> {
    let path = Path::new(python);
    (path.components().count() > 1)
        .then(|| path.parent().map(Path::to_path_buf))
        .flatten()
}

/// `dir` followed by the current value of the path-list variable `var`.
fn prepend_path(var: &str, dir: &Path) -> OsString {
    let mut paths = vec![dir.to_path_buf()];
    if let Some(old) = std::env::var_os(var) {
        paths.extend(std::env::split_paths(&old));
    }
    std::env::join_paths(paths).unwrap_or_else(|_| dir.as_os_str().to_owned())
}
