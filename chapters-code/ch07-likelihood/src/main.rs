//! `cargo run -p ch07-likelihood`: the quick schedule's comparison of a VAE trained on the
//! ELBO and one trained on the IWAE bound, on binarized MNIST; `--help` lists the other jobs.

use anyhow::Result;
use clap::Parser;

use ch07_likelihood::options::Options;

fn main() -> Result<()> {
    ch07_likelihood::run::run(&Options::parse())
}
