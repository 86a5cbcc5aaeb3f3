//! `--kl-warmup` end to end, on the real MNIST with a small `--limit`: the first epoch trains
//! with a lighter KL term, the run records the option, and a resume must keep it.

use std::path::Path;
use std::process::{Command, Output};

use ch05_training::metrics::parse_csv;

fn train(out: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ch05-training"))
        .arg("--out")
        .arg(out)
        .args(args)
        .output()
        .expect("the binary runs")
}

/// The test KL after each epoch.
fn test_kl(out: &Path, args: &[&str]) -> Vec<f64> {
    let output = train(out, args);
    assert!(
        output.status.success(),
        "{args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let path = out.join("metrics.csv");
    let rows = parse_csv(&std::fs::read_to_string(&path).unwrap(), &path).unwrap();
    rows.iter().map(|r| r.test_kl).collect()
}

#[test]
fn a_warmed_up_run_pays_less_kl_at_first_and_a_resume_must_keep_the_schedule() {
    let args = [
        "--epochs",
        "2",
        "--limit",
        "1000",
        "--threads",
        "1",
        "--seed",
        "4",
    ];
    let (plain, warm) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let plain_kl = test_kl(plain.path(), &args);
    let warm_args: Vec<&str> = args.iter().copied().chain(["--kl-warmup", "4"]).collect();
    let warm_kl = test_kl(warm.path(), &warm_args);
    // With a quarter of the KL weight in epoch 1, the encoder spends more on its codes.
    assert!(warm_kl[0] > plain_kl[0], "{warm_kl:?} vs {plain_kl:?}");

    // The schedule is part of the run: resuming without it is refused, by name.
    let resume: Vec<&str> = ["--epochs", "3", "--limit", "1000", "--threads", "1"]
        .into_iter()
        .chain(["--seed", "4", "--resume"])
        .collect();
    let output = train(warm.path(), &resume);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("kl_warmup"));
}
