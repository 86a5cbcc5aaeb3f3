//! `--dataset fashion-mnist` on the command line (the data set itself is the mnist crate's).

/// `MNIST_DIR` names where MNIST is, and does not apply to `--dataset fashion-mnist`.
#[test]
fn mnist_dir_does_not_redirect_fashion_mnist() {
    if !mnist::Dataset::FashionMnist.default_dir().is_dir() {
        eprintln!("SKIPPED: Fashion-MNIST is not installed (see the mnist crate's tests)");
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_ch05-training"))
        .env("MNIST_DIR", out.path().join("no-such-folder"))
        .env_remove("FASHION_MNIST_DIR")
        .args([
            "--dataset",
            "fashion-mnist",
            "--limit",
            "64",
            "--epochs",
            "1",
        ])
        .args(["--batch-size", "32", "--hidden", "16", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(stdout.contains("fashion-mnist images"), "{stdout}");
}
