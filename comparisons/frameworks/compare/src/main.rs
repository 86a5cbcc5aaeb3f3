//! `cargo run --release -p compare -- --results FILE`: chapter 5's VAE five ways, back to back
//! on the same files and threads: the book's code (chapter 5's binary), PyTorch (the reference
//! script), candle, burn and tch-rs, then candle and tch-rs again initialised as PyTorch does.
//! Each is built first, then run as a child process whose peak resident memory comes from
//! `wait4`; the figures go to one TOML file.

mod machine;
mod results;
mod runs;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Parser;

use runs::Which;

/// Runs the book's code, PyTorch, candle, burn and tch-rs back to back and writes the results.
#[derive(Debug, Parser)]
struct Options {
    /// Epochs each implementation trains.
    #[arg(long, default_value_t = 10)]
    epochs: usize,

    /// Threads for every implementation (candle and burn through RAYON_NUM_THREADS).
    #[arg(long, default_value_t = 2)]
    threads: usize,

    /// Folder with the four MNIST IDX files (default: $MNIST_DIR, else the main workspace's
    /// data/mnist/, which chapter 5's binary fetches when it is absent).
    #[arg(long, env = "MNIST_DIR")]
    data_dir: Option<PathBuf>,

    /// The TOML file to write (its folder must exist).
    #[arg(long)]
    results: PathBuf,

    /// Which to run, in this order (default: all five, then candle and tch-rs with PyTorch's
    /// initialisation).
    #[arg(long, value_delimiter = ',', default_values_t = Which::ALL)]
    only: Vec<Which>,

    /// The Python interpreter that has torch (2.13.0 for tch 0.26) and numpy.
    #[arg(long, default_value = "python3")]
    python: String,

    /// Also profile each run with `perf record` (Linux's perf, on the PATH) and write, per
    /// implementation, `NAME.txt` in this folder: the share of samples per library and
    /// function (`perf report --sort dso,symbol`). Such a run's timings include perf's
    /// sampling and its peak memory is perf's own: the table comes from a run without it.
    #[arg(long)]
    profile: Option<PathBuf>,
}

fn main() -> Result<()> {
    let options = Options::parse();
    if options.epochs == 0 || options.threads == 0 {
        bail!("--epochs and --threads must be at least 1");
    }
    match options.results.parent() {
        Some(folder) if folder.as_os_str().is_empty() || folder.is_dir() => {}
        _ => bail!(
            "--results {}: no such folder to write it in",
            options.results.display()
        ),
    }
    let root = repository_root()?;
    let data_dir = options
        .data_dir
        .clone()
        .unwrap_or_else(|| root.join("data/mnist"));
    if let Some(folder) = &options.profile {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("--profile {}: cannot create it", folder.display()))?;
        runs::check_perf()?;
    }
    let setting = runs::Setting {
        root: &root,
        data_dir: &data_dir,
        epochs: options.epochs,
        threads: options.threads,
        python: &options.python,
        profile: options.profile.as_deref(),
    };
    // Everything is built before anything is timed, so no build competes with a run.
    let programs = options
        .only
        .iter()
        .map(|&which| setting.build(which).map(|p| (which, p)))
        .collect::<Result<Vec<_>>>()?;
    let machine = machine::Machine::now(&options.python);
    let mut rows = Vec::new();
    for (which, program) in programs {
        println!("\n== {which} ==");
        rows.push(setting.run(which, &program)?);
    }
    let command = std::env::args().collect::<Vec<_>>().join(" ");
    let text = results::to_toml(&command, &setting, &machine, &rows)?;
    std::fs::write(&options.results, text)
        .with_context(|| format!("cannot write {}", options.results.display()))?;
    println!("\n{}", results::summary(&rows));
    println!("wrote {}", options.results.display());
    Ok(())
}

/// The repository's root: this crate is comparisons/frameworks/compare in it.
fn repository_root() -> Result<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..");
    let root = root
        .canonicalize()
        .with_context(|| format!("cannot find the repository at {}", root.display()))?;
    if !root
        .join("chapters-code/ch05-training/Cargo.toml")
        .is_file()
    {
        bail!(
            "{}: not the book's repository (no chapters-code/ch05-training)",
            root.display()
        );
    }
    Ok(root)
}
