//! `cargo run -p ch04-model`: one forward and backward pass of the full-size VAE on a batch of
//! random binary images, with the shape of every intermediate matrix and the two terms of the
//! loss; then the backward pass checked against finite differences.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::Parser;
use rand::SeedableRng;
use rand::rngs::StdRng;

use ch04_model::gradcheck::{self, STEP, TensorCheck};
use ch04_model::shape::VaeShape;
use ch04_model::vae::{Latent, Vae};
use ch04_model::workspace::Workspace;
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

/// The small network whose every gradient entry is checked.
const SMALL: VaeShape = VaeShape::one_hidden_relu(12, 8, 3);
const SMALL_BATCH: usize = 5;
/// The batch of the sampled check on the full-size network.
const FULL_CHECK_BATCH: usize = 4;

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
    forward_and_backward(shape, args.batch_size, args.seed);

    println!();
    println!("3. Gradient check: backward pass against central differences, f64, h = {STEP:e}");
    let small = run_check(SMALL, SMALL_BATCH, None, args.seed);
    print_check(
        &format!(
            "small network {}, batch of {SMALL_BATCH}, every entry",
            describe(SMALL)
        ),
        &small,
    );
    let full = run_check(shape, FULL_CHECK_BATCH, Some(args.check_entries), args.seed);
    print_check(
        &format!(
            "full network {}, batch of {FULL_CHECK_BATCH}, {} random entries per tensor",
            describe(shape),
            args.check_entries
        ),
        &full,
    );
    println!();
    println!("Done in {:.2} s.", start.elapsed().as_secs_f64());

    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create the output folder {}", args.out.display()))?;
    let path = args.out.join("gradient-check.csv");
    write_atomic(&path, csv(&[("small", &small), ("full", &full)]).as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    println!("  wrote {}", path.display());
    Ok(())
}

fn describe(s: VaeShape) -> String {
    format!(
        "{}-{}-{}-{}-{}",
        s.input, s.hidden, s.latent, s.hidden, s.input
    )
}

/// One forward and backward pass in f32, as training runs it, with the shapes along the way.
fn forward_and_backward(shape: VaeShape, n: usize, seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let vae = Vae::<f32>::new(shape, &mut rng);
    let x = gradcheck::random_binary_images::<f32>(n, shape.input, &mut rng);
    let mut ws = Workspace::new(shape, n);
    let mut grad = Vae::zeros(shape);
    let (d, h, l) = (shape.input, shape.hidden, shape.latent);
    println!(
        "A VAE of shape {}: {} parameters in f32 (weights uniform in +-1/sqrt(fan-in)), seed {seed}",
        describe(shape),
        thousands(shape.parameter_count())
    );
    println!("A batch of {n} random binary images, each pixel 0 or 1 with probability 1/2");

    let t = Instant::now();
    vae.forward(&x, Latent::Sample(&mut rng), &mut ws);
    let forward_time = t.elapsed();
    let t = Instant::now();
    let loss = vae
        .backward(&x, &mut ws, 1.0, &mut grad, true)
        .expect("asked for the loss");
    let backward_time = t.elapsed();

    println!();
    println!("1. Forward pass (one row per image)");
    let step = |name: &str, rows: usize, cols: usize, what: &str| {
        println!("  {name:<10} {:<10}  {what}", format!("{rows} x {cols}"));
    };
    step("x", n, d, "the pixels");
    step("h_enc", n, h, "relu(x W1 + b1)");
    step("mu", n, l, "h_enc W_mu + b_mu");
    step("logvar", n, l, "h_enc W_lv + b_lv");
    step("eps", n, l, "standard normal noise");
    step("z", n, l, "mu + exp(logvar / 2) * eps");
    step("h_dec", n, h, "relu(z W3 + b3)");
    step("logits", n, d, "h_dec W4 + b4");
    println!(
        "  the logits have mean {:.3} and standard deviation {:.3}: every pixel starts near 1/2",
        ws.logits.mean().unwrap_or(0.0),
        ws.logits.std(0.0)
    );
    println!("  loss per image, in nats:");
    let per = |v: f32| v / n as f32;
    println!(
        "    reconstruction  {:>9.3}   (a coin flip per pixel costs 784 ln 2 = {:.3})",
        per(loss.reconstruction),
        d as f64 * std::f64::consts::LN_2
    );
    println!("    KL              {:>9.3}", per(loss.kl));
    println!("    negative ELBO   {:>9.3}", loss.per_image());

    println!();
    println!("2. Backward pass (gradients of the summed loss)");
    step("d_logits", n, d, "sigmoid(logits) - x");
    step("d_h_dec", n, h, "d_logits W4^T, zero where h_dec = 0");
    step("d_z", n, l, "d_h_dec W3^T");
    step("d_mu", n, l, "d_z + mu");
    step(
        "d_logvar",
        n,
        l,
        "d_z * eps * sigma / 2 + (exp(logvar) - 1) / 2",
    );
    step(
        "d_h_enc",
        n,
        h,
        "d_mu W_mu^T + d_logvar W_lv^T, zero where h_enc = 0",
    );
    println!("  parameter gradients:");
    for (name, g) in grad.tensor_names().iter().zip(grad.parameters()) {
        let norm = g.iter().map(|v| v * v).sum::<f32>().sqrt();
        println!("    {name:<22} {:>10} entries   norm {norm:>9.3}", g.len());
    }
    println!(
        "  forward {:.1} ms, backward {:.1} ms; the workspace holds {} numbers, allocated once",
        forward_time.as_secs_f64() * 1e3,
        backward_time.as_secs_f64() * 1e3,
        thousands(ws.numbers())
    );
}

/// Checks a freshly initialised f64 network of the given shape on random binary images.
fn run_check(shape: VaeShape, n: usize, sample: Option<usize>, seed: u64) -> Vec<TensorCheck> {
    let mut rng = StdRng::seed_from_u64(seed);
    let vae = Vae::<f64>::new(shape, &mut rng);
    let x = gradcheck::random_binary_images::<f64>(n, shape.input, &mut rng);
    let noise_seed = seed.wrapping_add(1);
    let mut ws = Workspace::new(shape, n);
    let analytic = gradcheck::analytic_gradient(&vae, &x, 1.0, noise_seed, &mut ws);
    let mut pick = StdRng::seed_from_u64(seed.wrapping_add(2));
    let sample = sample.map(|k| (k, &mut pick));
    gradcheck::check_gradient(&vae, &x, 1.0, noise_seed, &analytic, sample)
}

fn print_check(title: &str, report: &[TensorCheck]) {
    println!("  {title}");
    println!(
        "    {:<22} {:>9} {:>9}  {:>14}  {:>14}",
        "tensor", "entries", "checked", "max rel. error", "max abs. error"
    );
    for c in report {
        println!(
            "    {:<22} {:>9} {:>9}  {:>14.1e}  {:>14.1e}",
            c.name, c.len, c.checked, c.max_relative_error, c.max_abs_error
        );
    }
}

fn csv(reports: &[(&str, &[TensorCheck])]) -> String {
    let mut out = String::from("network,tensor,entries,checked,max_relative_error,max_abs_error\n");
    for (network, report) in reports {
        for c in *report {
            writeln!(
                out,
                "{network},{},{},{},{:e},{:e}",
                c.name, c.len, c.checked, c.max_relative_error, c.max_abs_error
            )
            .expect("writing to a String cannot fail");
        }
    }
    out
}

/// `652824` as `652,824`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
