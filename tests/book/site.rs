//! The book as `mdbook build` makes it, in-process: shared with the browser test
//! (tests/browser/), which serves the site it builds.

use std::path::{Path, PathBuf};

use mdbook_driver::MDBook;
use mdbook_driver::config::Config;
use mdbook_katex::preprocess::KatexProcessor;

/// The mdbook-quiz version `.ci/install` installs, and the one whose schema the
/// dev-dependencies hold.
pub const MDBOOK_QUIZ_VERSION: &str = "0.5.0";

/// The workspace root, where book.toml is.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The book as `mdbook build` sees it, with mdbook-katex linked in rather than run as a command
/// and mdbook-quiz run from wherever [`quiz_preprocessor`] found it.
pub fn load_book() -> MDBook {
    let root = root();
    let mut config = Config::from_disk(root.join("book.toml")).expect("book.toml parses");
    config
        .set(
            "preprocessor.quiz.command",
            quiz_preprocessor(&root).to_string_lossy(),
        )
        .expect("the quiz preprocessor's command can be set");
    let mut book = MDBook::load_with_config(&root, config).expect("book/SUMMARY.md loads");
    book.with_preprocessor(KatexProcessor);
    book
}

/// The mdbook-quiz program to run: the one on PATH when it is the pinned version (what
/// `.ci/install` and the README install), else one installed on first use into
/// `target/tools/`, the way the programs fetch MNIST, so `cargo test` works from a fresh clone.
pub fn quiz_preprocessor(root: &Path) -> PathBuf {
    static FOUND: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    FOUND
        .get_or_init(|| {
            let tools = root.join("target").join("tools");
            let local = tools.join("bin").join("mdbook-quiz");
            for candidate in [PathBuf::from("mdbook-quiz"), local.clone()] {
                if version_of(&candidate).is_some_and(|v| v.contains(MDBOOK_QUIZ_VERSION)) {
                    return candidate;
                }
            }
            eprintln!(
                "mdbook-quiz {MDBOOK_QUIZ_VERSION} is not on PATH: installing it into {} \
                 (once; a few minutes)",
                tools.display()
            );
            let status = std::process::Command::new(env!("CARGO"))
                .args(["install", "--locked", "--quiet", "--root"])
                .arg(&tools)
                .arg(format!("mdbook-quiz@{MDBOOK_QUIZ_VERSION}"))
                .status()
                .expect("cargo runs");
            assert!(
                status.success() && version_of(&local).is_some(),
                "could not install mdbook-quiz {MDBOOK_QUIZ_VERSION} into {}: run `bash .ci/install`",
                tools.display()
            );
            local
        })
        .clone()
}

fn version_of(program: &Path) -> Option<String> {
    std::process::Command::new(program)
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
}
