//! `cargo run -p ch05-training`: train the VAE on MNIST (fetched on first use) and write the
//! GIF of its samples, epoch by epoch. `--help` lists the options.

use anyhow::Result;
use clap::Parser;

use ch05_training::options::Options;
use ch05_training::run::{self, GIF};

fn main() -> Result<()> {
    let options = Options::parse();
    let outcome = run::run(&options)?;
    if let Some(last) = outcome.metrics.last() {
        println!(
            "after {} epochs: test loss {:.2} nats per image",
            last.epoch, last.test_loss
        );
    }
    println!("wrote {}", options.out.join(GIF).display());
    Ok(())
}
