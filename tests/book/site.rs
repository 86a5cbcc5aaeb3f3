//! The book as `mdbook build` makes it, in-process: shared with the browser test
//! (tests/browser/), which serves the site it builds.

use std::path::PathBuf;

use mdbook_driver::MDBook;
use mdbook_katex::preprocess::KatexProcessor;

/// The workspace root, where book.toml is.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The book as `mdbook build` sees it, with mdbook-katex linked in rather than run as a command.
pub fn load_book() -> MDBook {
    let mut book = MDBook::load(root()).expect("book.toml and book/SUMMARY.md load");
    book.with_preprocessor(KatexProcessor);
    book
}
