//! What the binary prints and writes, one function per numbered part, each returning its text
//! so that it can be tested.

use std::fmt::Write;
use std::time::Instant;

use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::gradcheck::{self, FULL_BATCH, SMALL_BATCH, SMALL_SHAPE, STEP, TensorCheck};
use crate::shape::VaeShape;
use crate::vae::{Latent, Vae};
use crate::workspace::Workspace;

/// A shape as `784-400-20-400-784`.
pub fn describe(s: VaeShape) -> String {
    format!(
        "{}-{}-{}-{}-{}",
        s.input, s.hidden, s.latent, s.hidden, s.input
    )
}

/// Parts 1 and 2: one forward and backward pass in f32 on `n` random binary images, as
/// training runs it, with the shapes along the way, the loss and the time each pass took.
pub fn forward_and_backward(shape: VaeShape, n: usize, seed: u64) -> String {
    let mut rng = StdRng::seed_from_u64(seed);
    let vae = Vae::<f32>::new(shape, &mut rng);
    let x = gradcheck::random_binary_images::<f32>(n, shape.input, &mut rng);
    let mut ws = Workspace::new(shape, n);
    let mut grad = Vae::zeros(shape);
    let (d, h, l) = (shape.input, shape.hidden, shape.latent);
    let mut text = String::new();
    let _ = writeln!(
        text,
        "A VAE of shape {}: {} parameters in f32 (weights uniform in +-1/sqrt(fan-in)), seed {seed}",
        describe(shape),
        thousands(shape.parameter_count())
    );
    let _ = writeln!(
        text,
        "A batch of {n} random binary images, each pixel 0 or 1 with probability 1/2"
    );

    let t = Instant::now();
    vae.forward(&x, Latent::Sample(&mut rng), &mut ws);
    let forward_time = t.elapsed();
    let t = Instant::now();
    let loss = vae
        .backward(&x, &mut ws, 1.0, &mut grad, true)
        .expect("asked for the loss");
    let backward_time = t.elapsed();

    let step = |name: &str, rows: usize, cols: usize, what: &str| {
        format!("  {name:<10} {:<10}  {what}\n", format!("{rows} x {cols}"))
    };
    let _ = writeln!(text);
    let _ = writeln!(text, "1. Forward pass (one row per image)");
    text += &step("x", n, d, "the pixels");
    text += &step("h_enc", n, h, "relu(x W1 + b1)");
    text += &step("mu", n, l, "h_enc W_mu + b_mu");
    text += &step("logvar", n, l, "h_enc W_lv + b_lv");
    text += &step("eps", n, l, "standard normal noise");
    text += &step("z", n, l, "mu + exp(logvar / 2) * eps");
    text += &step("h_dec", n, h, "relu(z W3 + b3)");
    text += &step("logits", n, d, "h_dec W4 + b4");
    let _ = writeln!(
        text,
        "  the logits have mean {:.3} and standard deviation {:.3}: every pixel starts near 1/2",
        ws.logits.mean().unwrap_or(0.0),
        ws.logits.std(0.0)
    );
    let _ = writeln!(text, "  loss per image, in nats:");
    let per = |v: f32| v / n as f32;
    let _ = writeln!(
        text,
        "    reconstruction  {:>9.3}   (a coin flip per pixel costs 784 ln 2 = {:.3})",
        per(loss.reconstruction),
        d as f64 * std::f64::consts::LN_2
    );
    let _ = writeln!(text, "    KL              {:>9.3}", per(loss.kl));
    let _ = writeln!(text, "    negative ELBO   {:>9.3}", loss.per_image());

    let _ = writeln!(text);
    let _ = writeln!(text, "2. Backward pass (gradients of the summed loss)");
    text += &step("d_logits", n, d, "sigmoid(logits) - x");
    text += &step("d_h_dec", n, h, "d_logits W4^T, zero where h_dec = 0");
    text += &step("d_z", n, l, "d_h_dec W3^T");
    text += &step("d_mu", n, l, "d_z + mu");
    text += &step(
        "d_logvar",
        n,
        l,
        "d_z * eps * sigma / 2 + (exp(logvar) - 1) / 2",
    );
    text += &step(
        "d_h_enc",
        n,
        h,
        "d_mu W_mu^T + d_logvar W_lv^T, zero where h_enc = 0",
    );
    let _ = writeln!(text, "  parameter gradients:");
    for (name, g) in grad.tensor_names().iter().zip(grad.parameters()) {
        let norm = g.iter().map(|v| v * v).sum::<f32>().sqrt();
        let _ = writeln!(
            text,
            "    {name:<22} {:>10} entries   norm {norm:>9.3}",
            g.len()
        );
    }
    let _ = writeln!(
        text,
        "  forward {:.1} ms, backward {:.1} ms; the workspace holds {} numbers, allocated once",
        forward_time.as_secs_f64() * 1e3,
        backward_time.as_secs_f64() * 1e3,
        thousands(ws.numbers())
    );
    text
}

/// Part 3: the check of every entry of the small network's gradient, and of `entries` random
/// entries per tensor of the full network of shape `full_shape`.
pub fn gradient_checks(
    small: &[TensorCheck],
    full_shape: VaeShape,
    entries: usize,
    full: &[TensorCheck],
) -> String {
    let mut text = String::new();
    let _ = writeln!(text);
    let _ = writeln!(
        text,
        "3. Gradient check: backward pass against central differences, f64, h = {STEP:e}"
    );
    let title = format!(
        "small network {}, batch of {SMALL_BATCH}, every entry",
        describe(SMALL_SHAPE)
    );
    text += &check_table(&title, small);
    let title = format!(
        "full network {}, batch of {FULL_BATCH}, {entries} random entries per tensor",
        describe(full_shape)
    );
    text += &check_table(&title, full);
    text
}

fn check_table(title: &str, report: &[TensorCheck]) -> String {
    let mut text = String::new();
    let _ = writeln!(text, "  {title}");
    let _ = writeln!(
        text,
        "    {:<22} {:>9} {:>9}  {:>14}  {:>14}",
        "tensor", "entries", "checked", "max rel. error", "max abs. error"
    );
    for c in report {
        let _ = writeln!(
            text,
            "    {:<22} {:>9} {:>9}  {:>14.1e}  {:>14.1e}",
            c.name, c.len, c.checked, c.max_relative_error, c.max_abs_error
        );
    }
    text
}

/// `gradient-check.csv`: one line per network and tensor.
pub fn csv(reports: &[(&str, &[TensorCheck])]) -> String {
    let mut out = String::from("network,tensor,entries,checked,max_relative_error,max_abs_error\n");
    for (network, report) in reports {
        for c in *report {
            let _ = writeln!(
                out,
                "{network},{},{},{},{:e},{:e}",
                c.name, c.len, c.checked, c.max_relative_error, c.max_abs_error
            );
        }
    }
    out
}

/// `652824` as `652,824`.
pub fn thousands(n: usize) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits_by_three() {
        assert_eq!(thousands(7), "7");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(652_824), "652,824");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn the_checks_print_and_write_one_line_per_tensor() {
        let small = gradcheck::check_new_network(SMALL_SHAPE, SMALL_BATCH, None, 1);
        let text = gradient_checks(&small, SMALL_SHAPE, 2, &small);
        // Two headings, and a title, a header and ten rows per network.
        assert_eq!(text.lines().count(), 2 + 2 * 12, "{text}");
        assert!(text.contains("small network 12-8-3-8-12, batch of 5, every entry"));
        let csv = csv(&[("small", &small)]);
        assert_eq!(csv.lines().count(), 11);
        assert!(
            csv.lines()
                .nth(1)
                .unwrap()
                .starts_with("small,encoder.hidden.weight,96,96,")
        );
    }

    #[test]
    fn the_pass_lists_every_matrix_with_its_shape() {
        let shape = VaeShape::one_hidden_relu(6, 4, 2);
        let text = forward_and_backward(shape, 3, 1);
        assert!(text.starts_with("A VAE of shape 6-4-2-4-6:"), "{text}");
        assert!(
            text.contains("  logits     3 x 6       h_dec W4 + b4\n"),
            "{text}"
        );
        assert!(
            text.contains("  d_z        3 x 2       d_h_dec W3^T\n"),
            "{text}"
        );
    }
}
