//! `cargo run -p ch09-conditional`: the quick version of the quadrant benchmark (baseline and
//! CVAE for 1, 2 and 3 given quadrants) and the label-conditioned VAE; `--help` lists the
//! options of the longer runs; `--export-explorer` writes the book explorer's chapter 9 data.

use anyhow::Result;
use clap::Parser;

use ch09_conditional::options::Options;

fn main() -> Result<()> {
    let options = Options::parse();
    if options.export_explorer {
        ch09_conditional::explorer::run(&options, &options.explorer_dir)?;
        return Ok(());
    }
    ch09_conditional::run::run(&options)
}
