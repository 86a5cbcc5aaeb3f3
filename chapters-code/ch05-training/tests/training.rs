//! `cargo run -p ch05-training` end to end, on the real MNIST (fetched on first use) with
//! small `--limit`s so each run takes a second or two.

use std::path::Path;
use std::process::{Command, Output};

use ch05_training::checkpoint::{Checkpoint, Settings};
use ch05_training::metrics::{EpochMetrics, parse_csv};

fn train(out: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ch05-training"))
        .arg("--out")
        .arg(out)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn succeed(out: &Path, args: &[&str]) -> String {
    let output = train(out, args);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{args:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Runs the binary expecting it to fail, and returns what it printed on stderr.
fn refuse(out: &Path, args: &[&str]) -> String {
    let output = train(out, args);
    assert!(!output.status.success(), "{args:?} should have failed");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn metrics(out: &Path) -> Vec<EpochMetrics> {
    let path = out.join("metrics.csv");
    parse_csv(&std::fs::read_to_string(&path).unwrap(), &path).unwrap()
}

/// The metrics without the wall-clock seconds, which differ from run to run.
fn losses(rows: &[EpochMetrics]) -> Vec<[f64; 4]> {
    rows.iter()
        .map(|r| [r.train_loss, r.test_loss, r.test_recon, r.test_kl])
        .collect()
}

#[test]
fn a_short_run_learns_and_writes_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    let stdout = succeed(out, &["--epochs", "3", "--limit", "3000", "--seed", "5"]);
    assert!(stdout.contains("samples.gif"), "{stdout}");

    let rows = metrics(out);
    assert_eq!(rows.iter().map(|r| r.epoch).collect::<Vec<_>>(), [1, 2, 3]);
    for pair in rows.windows(2) {
        assert!(
            pair[1].test_loss < pair[0].test_loss,
            "the test loss must fall: {rows:?}"
        );
    }
    for r in &rows {
        assert!((r.test_recon + r.test_kl - r.test_loss).abs() < 1e-3);
    }

    // 8 x 8 digits of 28 x 28 drawn 2 x 2 with a 1-pixel gutter: 8 * 57 + 1 = 457 pixels.
    for name in ["samples-epoch-001.png", "samples-epoch-003.png"] {
        let image = image::open(out.join(name)).unwrap();
        assert_eq!((image.width(), image.height()), (457, 457), "{name}");
    }
    let recon = image::open(out.join("reconstructions.png")).unwrap();
    assert_eq!((recon.width(), recon.height()), (457, 115));
    image::open(out.join("loss.png")).unwrap();

    let gif = std::fs::File::open(out.join("samples.gif")).unwrap();
    let mut decoder = gif::DecodeOptions::new().read_info(gif).unwrap();
    let mut frames = 0;
    while decoder.read_next_frame().unwrap().is_some() {
        frames += 1;
    }
    assert_eq!(frames, 3, "one frame per epoch");

    let checkpoint = Checkpoint::<Settings>::load(&out.join("checkpoint.bin")).unwrap();
    assert_eq!(checkpoint.epoch, 3);
    // Written to temporary names and renamed: nothing else is left in the folder.
    let mut names: Vec<String> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "checkpoint.bin",
            "loss.png",
            "metrics.csv",
            "reconstructions.png",
            "samples-epoch-001.png",
            "samples-epoch-002.png",
            "samples-epoch-003.png",
            "samples.gif"
        ]
    );
}

#[test]
fn two_plus_two_epochs_equal_four_bit_for_bit() {
    let args = ["--limit", "1000", "--threads", "1", "--seed", "3"];
    let straight = tempfile::tempdir().unwrap();
    let resumed = tempfile::tempdir().unwrap();
    succeed(straight.path(), &[&args[..], &["--epochs", "4"]].concat());
    succeed(resumed.path(), &[&args[..], &["--epochs", "2"]].concat());
    let stdout = succeed(
        resumed.path(),
        &[&args[..], &["--epochs", "4", "--resume"]].concat(),
    );
    assert!(stdout.contains("resuming"), "{stdout}");

    assert_eq!(
        losses(&metrics(straight.path())),
        losses(&metrics(resumed.path()))
    );
    let a = Checkpoint::<Settings>::load(&straight.path().join("checkpoint.bin")).unwrap();
    let b = Checkpoint::<Settings>::load(&resumed.path().join("checkpoint.bin")).unwrap();
    assert_eq!(a, b, "parameters and Adam's state must be identical");
    let gif = |dir: &Path| std::fs::read(dir.join("samples.gif")).unwrap();
    assert_eq!(gif(straight.path()), gif(resumed.path()));
}

#[test]
fn resuming_with_other_settings_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    succeed(
        dir.path(),
        &["--epochs", "1", "--limit", "256", "--threads", "2"],
    );
    let resume = ["--epochs", "2", "--limit", "256", "--resume"];
    let stderr = refuse(dir.path(), &[&resume[..], &["--latent-dim", "2"]].concat());
    assert!(
        stderr.contains("latent=20") && stderr.contains("latent=2"),
        "{stderr}"
    );

    let stderr = refuse(dir.path(), &[&resume[..], &["--threads", "3"]].concat());
    assert!(stderr.contains("threads="), "{stderr}");

    let empty = tempfile::tempdir().unwrap();
    let stderr = refuse(empty.path(), &["--resume"]);
    assert!(stderr.contains("checkpoint.bin"), "{stderr}");
}

#[test]
fn a_diverging_run_stops_by_name_and_keeps_the_last_good_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    succeed(out, &["--epochs", "1", "--limit", "512"]);
    let good = std::fs::read(out.join("checkpoint.bin")).unwrap();
    let good_metrics = std::fs::read(out.join("metrics.csv")).unwrap();

    // A learning rate of 1e9 throws the weights so far that the KL term overflows.
    let stderr = refuse(
        out,
        &["--epochs", "2", "--limit", "512", "--resume", "--lr", "1e9"],
    );
    assert!(stderr.contains("epoch 2, step"), "{stderr}");
    assert!(
        stderr.contains("learning rate (--lr 1000000000)"),
        "{stderr}"
    );
    assert!(stderr.contains("checkpoint of epoch 1 is kept"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(std::fs::read(out.join("checkpoint.bin")).unwrap(), good);
    assert_eq!(
        std::fs::read(out.join("metrics.csv")).unwrap(),
        good_metrics
    );
}

#[test]
fn impossible_options_are_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    for (args, named) in [
        (&["--epochs", "0"][..], "--epochs"),
        (&["--batch-size", "0"], "--batch-size"),
        (&["--lr", "NaN"], "--lr"),
        (&["--lr", "-1"], "--lr"),
        (&["--latent-dim", "0"], "--latent-dim"),
    ] {
        let stderr = refuse(dir.path(), args);
        assert!(stderr.contains(named), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing written"
    );

    let file = dir.path().join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    assert!(refuse(&file, &["--epochs", "1"]).contains("is a file"));
}
