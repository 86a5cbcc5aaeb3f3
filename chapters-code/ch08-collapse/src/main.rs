//! `cargo run -p ch08-collapse`: the quick run of the beta sweep and of the collapse study,
//! printing the chapter's table; `--help` lists the options.

use anyhow::Result;
use clap::Parser;

use ch08_collapse::options::Options;

fn main() -> Result<()> {
    ch08_collapse::run::run(&Options::parse())
}
