//! `cargo run -p ch04-model`: one forward and backward pass of the full-size VAE on a batch of
//! random binary images, with the shape of every intermediate matrix and the two terms of the
//! loss; then the backward pass checked against finite differences.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::Parser;

use ch04_model::gradcheck::{self, FULL_BATCH, SMALL_BATCH, SMALL_SHAPE};
use ch04_model::report;
use ch04_model::shape::VaeShape;
use support::atomic::write_atomic;

/// Builds the VAE (784 pixels -> hidden -> latent -> hidden -> 784 logits), runs one batch of
/// random binary images forward and backward, prints the shapes and the loss, and checks the
/// hand-written gradients against central finite differences in f64.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Output folder for the gradient-check table (gradient-check.csv).
    #[arg(long, default_value_os_t = support::paths::default_out("ch04-model"))]
    out: PathBuf,

    /// Seed of the weights, the images and the noise.
    #[arg(long, default_value_t = 1)]
    seed: u64,

    /// Width of the hidden layer of the encoder and of the decoder.
    #[arg(long, default_value_t = VaeShape::MNIST.hidden)]
    hidden: usize,

    /// Dimension of the latent code z.
    #[arg(long, default_value_t = VaeShape::MNIST.latent)]
    latent_dim: usize,

    /// Images in the batch.
    #[arg(long, default_value_t = 128)]
    batch_size: usize,

    /// Entries checked per parameter tensor of the full-size network (chosen at random).
    #[arg(long, default_value_t = 20)]
    check_entries: usize,
}

fn main() -> Result<()> {
    let args = Args::parse();
    for (name, value) in [
        ("--hidden", args.hidden),
        ("--latent-dim", args.latent_dim),
        ("--batch-size", args.batch_size),
    ] {
        if value == 0 {
            bail!("{name} must be at least 1");
        }
    }
    let shape = VaeShape::one_hidden_relu(VaeShape::MNIST.input, args.hidden, args.latent_dim);
    let start = Instant::now();
    let mut text = report::forward_and_backward(shape, args.batch_size, args.seed);
    let small = gradcheck::check_new_network(SMALL_SHAPE, SMALL_BATCH, None, args.seed);
    let full = gradcheck::check_new_network(shape, FULL_BATCH, Some(args.check_entries), args.seed);
    text.push_str(&report::gradient_checks(
        &small,
        shape,
        args.check_entries,
        &full,
    ));
    text.push_str(&format!(
        "\nDone in {:.2} s.\n",
        start.elapsed().as_secs_f64()
    ));
    print!("{text}");

    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create the output folder {}", args.out.display()))?;
    // The report too, so the book can quote a run's figures from a file.
    for (name, contents) in [
        (
            "gradient-check.csv",
            report::csv(&[("small", &small), ("full", &full)]),
        ),
        ("report.txt", text),
    ] {
        let path = args.out.join(name);
        write_atomic(&path, contents.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        println!("  wrote {}", path.display());
    }
    Ok(())
}
