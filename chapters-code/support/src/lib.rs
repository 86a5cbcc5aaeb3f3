//! What no chapter teaches but every chapter needs.
//!
//! [`plot`] draws charts as PNG files; [`atomic`] writes files whole or not at all; [`paths`]
//! finds the workspace and each chapter's default output folder; [`seeds`] gives every random
//! choice its own reproducible stream; [`summary`] reports a mean with its standard error;
//! [`pages`] asks for large memory pages where an array is read at random places; [`table`]
//! reads the CSV tables the chapters write back into typed rows; [`book`] reads the book's pages
//! for the tests that check them; [`command`] gives the command a run was started with;
//! [`choice`] names the chapters' enumerated settings in files as on the command line, and
//! [`cli`] parses the counts their command lines take.

pub mod atomic;
pub mod book;
pub mod choice;
pub mod cli;
pub mod command;
pub mod pages;
pub mod paths;
pub mod plot;
pub mod seeds;
pub mod summary;
pub mod table;
