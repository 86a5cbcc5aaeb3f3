//! The book's own files, as the tests that compare a page with a results file read them.

use crate::paths::workspace_root;

/// The text of `book/<path>`; the error names the file.
pub fn read(path: &str) -> Result<String, String> {
    let file = workspace_root().join("book").join(path);
    std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))
}

/// `text` with every run of whitespace made one space, so that prose wrapped across lines
/// can be matched as one sentence.
pub fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
