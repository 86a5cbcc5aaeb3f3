//! The command a run was started with, for the records its results files keep.

use std::path::Path;

/// The program's name without its folder, then its arguments, separated by spaces.
pub fn command_line() -> String {
    let mut args = std::env::args();
    let program = args.next().map_or_else(String::new, |p| {
        Path::new(&p)
            .file_name()
            .map_or(p.clone(), |n| n.to_string_lossy().into_owned())
    });
    std::iter::once(program)
        .chain(args)
        .collect::<Vec<_>>()
        .join(" ")
}
