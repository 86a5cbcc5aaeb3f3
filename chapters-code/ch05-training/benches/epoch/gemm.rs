//! `cargo bench -p ch05-training -- --gemm`: the rate of the matrix products of one training
//! step, on one thread, in matrixmultiply (the book's kernel) and in PyTorch (its own, MKL on
//! x86), beside a large square product, each kernel's best case. Where the products take
//! nearly all of a step (large batches), this rate bounds the epoch.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, ensure};
use ndarray::{Array2, linalg::general_mat_mul};
use serde_json::Value;

use crate::machine;

/// One product `(m x k) (k x n)`, named by its place in a step.
#[derive(Debug, Clone, Copy)]
struct Product {
    name: &'static str,
    m: usize,
    k: usize,
    n: usize,
}

impl Product {
    fn flop(self) -> f64 {
        2.0 * (self.m * self.k * self.n) as f64
    }
}

/// A shard's five large products for hidden width `h` and `b` images (a batch of `2 b` on two
/// threads), the output layer's and the first layer's, as row-major `m x k` by `k x n`.
fn step_products(h: usize, b: usize) -> [Product; 5] {
    const D: usize = 784;
    [
        Product {
            name: "x W1",
            m: b,
            k: D,
            n: h,
        },
        Product {
            name: "x^T dA1",
            m: D,
            k: b,
            n: h,
        },
        Product {
            name: "g W4",
            m: b,
            k: h,
            n: D,
        },
        Product {
            name: "g^T dO",
            m: h,
            k: b,
            n: D,
        },
        Product {
            name: "dO W4^T",
            m: b,
            k: D,
            n: h,
        },
    ]
}

const SQUARE: Product = Product {
    name: "square",
    m: 1024,
    k: 1024,
    n: 1024,
};

/// The settings timed: hidden width and images per shard (batches 128 and 512 on 2 threads).
const SETTINGS: [(usize, usize); 4] = [(400, 64), (400, 256), (1600, 64), (1600, 256)];

/// Seconds per product in matrixmultiply, the best of five timings of enough repetitions to
/// fill about 0.1 s each.
fn time_matrixmultiply(p: Product) -> f64 {
    let a = Array2::from_shape_fn((p.m, p.k), |(i, j)| ((i * 7 + j * 3) % 11) as f32 / 11.0);
    let b = Array2::from_shape_fn((p.k, p.n), |(i, j)| ((i * 5 + j) % 13) as f32 / 13.0);
    let mut c = Array2::<f32>::zeros((p.m, p.n));
    let reps = ((0.1 * 20e9 / p.flop()) as usize).max(1);
    general_mat_mul(1.0, &a, &b, 0.0, &mut c);
    (0..5)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..reps {
                general_mat_mul(1.0, &a, &b, 0.0, &mut c);
            }
            start.elapsed().as_secs_f64() / reps as f64
        })
        .fold(f64::INFINITY, f64::min)
}

/// PyTorch's seconds per product for each of `products`, the same way, on one thread.
fn time_torch(python: &str, products: &[Product]) -> Result<Vec<f64>> {
    const SCRIPT: &str = r#"
import json, sys, time, torch
torch.set_num_threads(1)
out = []
for m, k, n in json.loads(sys.argv[1]):
    a, b = torch.rand(m, k), torch.rand(k, n)
    c = torch.empty(m, n)
    reps = max(1, int(0.1 * 20e9 / (2 * m * k * n)))
    torch.mm(a, b, out=c)
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(reps):
            torch.mm(a, b, out=c)
        best = min(best, (time.perf_counter() - start) / reps)
    out.append(best)
print(json.dumps({"version": torch.__version__, "seconds": out}))
"#;
    let shapes: Vec<[usize; 3]> = products.iter().map(|p| [p.m, p.k, p.n]).collect();
    let out = Command::new(python)
        .args(["-c", SCRIPT, &serde_json::to_string(&shapes)?])
        .output()
        .with_context(|| format!("cannot run {python}"))?;
    ensure!(
        out.status.success(),
        "{python} could not time torch.mm: {}",
        String::from_utf8_lossy(&out.stderr).trim()
    );
    let value: Value = serde_json::from_slice(&out.stdout).context("torch.mm's timings")?;
    let seconds: Vec<f64> = value["seconds"]
        .as_array()
        .context("no \"seconds\"")?
        .iter()
        .filter_map(Value::as_f64)
        .collect();
    ensure!(
        seconds.len() == products.len(),
        "torch.mm timed {} of {} products",
        seconds.len(),
        products.len()
    );
    Ok(seconds)
}

/// Times every product both ways, prints the table, and writes it as TOML to `results`.
pub fn run(python: &str, torch: Result<String, String>, results: Option<&Path>) -> Result<()> {
    let mut products = vec![SQUARE];
    let mut labels = vec![String::from("square 1024")];
    for (h, b) in SETTINGS {
        for p in step_products(h, b) {
            products.push(p);
            labels.push(format!("hidden {h}, batch {}", 2 * b));
        }
    }
    let torch_seconds = match &torch {
        Ok(_) => Some(time_torch(python, &products)?),
        Err(why) => {
            println!("PyTorch: not compared: {why}");
            None
        }
    };
    println!(
        "machine: {}, {}; one thread each",
        machine::cpu_model(),
        machine::vector_instructions()
    );
    println!(
        "setting               product    m x k x n         matrixmultiply GFLOP/s  PyTorch GFLOP/s"
    );
    let mut toml = format!(
        "# Matrix products of one training step on one thread: GFLOP/s of matrixmultiply and of\n\
         # PyTorch's torch.mm, best of five timings, written by\n\
         # `cargo bench -p ch05-training -- --gemm --results FILE`.\n\
         cpu = {:?}\nvector_instructions = {:?}\nrustc = {:?}\ntorch = {:?}\n",
        machine::cpu_model(),
        machine::vector_instructions(),
        machine::rustc_version(),
        torch.as_deref().unwrap_or("")
    );
    for (i, (p, label)) in products.iter().zip(&labels).enumerate() {
        let ours = p.flop() / time_matrixmultiply(*p) / 1e9;
        let theirs = torch_seconds.as_ref().map(|s| p.flop() / s[i] / 1e9);
        println!(
            "{label:<21} {:<10} {:>4} x {:>4} x {:>4}  {ours:>22.1}  {:>15}",
            p.name,
            p.m,
            p.k,
            p.n,
            theirs.map_or("-".into(), |t| format!("{t:.1}"))
        );
        let _ = write!(
            toml,
            "\n[[product]]\nsetting = {label:?}\nname = {:?}\nm = {}\nk = {}\nn = {}\nmatrixmultiply_gflops = {ours:.1}\n",
            p.name, p.m, p.k, p.n
        );
        if let Some(t) = theirs {
            let _ = writeln!(toml, "torch_gflops = {t:.1}");
        }
    }
    if let Some(path) = results {
        support::atomic::write_atomic(path, toml.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
