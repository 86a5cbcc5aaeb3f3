//! Where things live: the workspace root (two folders above every crate of chapters-code/),
//! and each chapter's default output folder, `target/<crate name>` under it.

use std::path::{Path, PathBuf};

/// The workspace root, found from this crate's own manifest (chapters-code/support).
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .ancestors()
        .nth(2)
        .unwrap_or(manifest_dir)
        .to_path_buf()
}

/// The folder a chapter's binary writes into when no `--out` is given: `target/<crate>`.
pub fn default_out(crate_name: &str) -> PathBuf {
    workspace_root().join("target").join(crate_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_holds_the_workspace_manifest() {
        let manifest = std::fs::read_to_string(workspace_root().join("Cargo.toml")).unwrap();
        assert!(manifest.contains("[workspace]"));
        assert_eq!(
            default_out("ch05-training"),
            workspace_root().join("target/ch05-training")
        );
    }
}
