//! The PyTorch reference script parses its options before it imports NumPy or PyTorch, so
//! these checks run wherever Python 3 does; the comparison itself is `cargo bench -p
//! ch05-training -- --compare`, not part of the tests (PyTorch is large).

use std::process::{Command, Output};

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/reference/vae_torch.py");

fn python(args: &[&str]) -> Output {
    Command::new("python3")
        .arg(SCRIPT)
        .args(args)
        .output()
        .expect("python3 runs (the machine's Python 3)")
}

#[test]
fn help_lists_the_settings_it_shares_with_chapter_5() {
    let out = python(&["--help"]);
    assert!(out.status.success(), "{out:?}");
    let help = String::from_utf8_lossy(&out.stdout);
    for option in [
        "--data-dir",
        "--epochs",
        "--batch-size",
        "--hidden",
        "--latent-dim",
        "--lr",
        "--threads",
        "--depth",
        "--activation",
        "--binarize",
        "--json",
    ] {
        assert!(
            help.contains(option),
            "--help does not mention {option}:\n{help}"
        );
    }
}

#[test]
fn impossible_values_are_refused_by_name_before_torch_is_imported() {
    for (option, value) in [
        ("--epochs", "0"),
        ("--batch-size", "0"),
        ("--threads", "0"),
        ("--lr", "-1"),
        ("--hidden", "many"),
        ("--depth", "0"),
        ("--activation", "sigmoid"),
        ("--binarize", "static"),
    ] {
        let out = python(&[option, value]);
        assert_eq!(out.status.code(), Some(2), "{option} {value}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(option), "{option} {value}: {err}");
        assert!(
            !err.contains("No module named"),
            "imported too early: {err}"
        );
    }
}
