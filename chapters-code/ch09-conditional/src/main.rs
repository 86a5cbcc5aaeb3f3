//! `cargo run -p ch09-conditional`: the quick version of the quadrant benchmark (baseline and
//! CVAE for 1, 2 and 3 given quadrants) and the label-conditioned VAE; `--help` lists the
//! options of the longer runs.

use anyhow::Result;
use clap::Parser;

use ch09_conditional::options::Options;

fn main() -> Result<()> {
    ch09_conditional::run::run(&Options::parse())
}
