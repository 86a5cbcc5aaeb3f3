//! Property tests of the CSV table reader (`support::table`): whatever bytes a file holds, it
//! never panics, and it either reads back exactly the rows our writers wrote or refuses the file
//! with an error naming it (and, for a line's fault, naming a line the file has).
//! 256 cases a property; `PROPTEST_CASES=100000 cargo test -p support --test table_fuzz` for more.

use std::path::Path;

use proptest::prelude::*;
use support::table::{self, TableError};

#[derive(Debug, serde::Deserialize)]
struct Row {
    step: usize,
    loss: f64,
    note: Option<f64>,
}

const HEADER: &str = "step,loss,note";
const NAME: &str = "runs/fuzzed.csv";

/// The table as the chapters write theirs: the header, then each row's fields by `Display`, a
/// missing value empty, every line ended by `\n`.
fn write(rows: &[(usize, f64, Option<f64>)]) -> String {
    let mut text = format!("{HEADER}\n");
    for (step, loss, note) in rows {
        let note = note.map_or(String::new(), |n| n.to_string());
        text.push_str(&format!("{step},{loss},{note}\n"));
    }
    text
}

/// Any outcome but a panic is allowed; an error must name the file, and the line it blames
/// must be one of the file's lines (as an editor counts them) holding what it quotes.
fn check(text: &str, result: Result<Vec<Row>, TableError>) -> Result<(), TestCaseError> {
    let Err(err) = result else { return Ok(()) };
    let message = err.to_string();
    prop_assert!(message.contains(NAME), "does not name the file: {message}");
    let lines: Vec<&str> = text.lines().collect();
    let (line, quoted) = match &err {
        TableError::Read { .. } | TableError::Header { .. } => return Ok(()),
        TableError::Write { .. } => panic!("reading never writes: {message}"),
        TableError::Blank { line, .. }
        | TableError::Return { line, .. }
        | TableError::Other { line, .. } => (*line, None),
        TableError::Fields { line, text, .. } => (*line, Some(text.clone())),
        TableError::Field { line, value, .. } => (*line, Some(value.clone())),
    };
    prop_assert!(
        (1..=lines.len()).contains(&line),
        "blames line {line} of {} lines: {message}",
        lines.len()
    );
    if let Some(quoted) = quoted {
        prop_assert!(
            lines[line - 1].contains(&quoted),
            "line {line} is {:?}, not what the error quotes: {message}",
            lines[line - 1]
        );
    }
    Ok(())
}

fn parse(text: &str) -> Result<Vec<Row>, TableError> {
    table::parse(text, Path::new(NAME), HEADER)
}

/// A number as the chapters print them: any f64 (NaN, infinities and -0 included).
fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(-0.0),
        -1e3..1e3f64
    ]
}

fn rows() -> impl Strategy<Value = Vec<(usize, f64, Option<f64>)>> {
    prop::collection::vec(
        (any::<usize>(), number(), prop::option::of(number())),
        0..20,
    )
}

/// A valid table and a position in it.
fn table_and_index() -> impl Strategy<Value = (String, prop::sample::Index)> {
    (rows().prop_map(|r| write(&r)), any::<prop::sample::Index>())
}

fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

proptest! {
    #[test]
    fn arbitrary_bytes_in_a_file_never_panic_and_errors_name_it(
        bytes in prop::collection::vec(any::<u8>(), 0..300)
    ) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("runs")).unwrap();
        let path = dir.path().join(NAME);
        std::fs::write(&path, &bytes).unwrap();
        if let Err(err) = table::read::<Row>(&path, HEADER) {
            let message = err.to_string();
            prop_assert!(message.contains(&path.display().to_string()), "{message}");
        }
    }

    #[test]
    fn arbitrary_text_after_the_header_never_panics(
        body in "[0-9a-z.,\"\r\n +-]{0,200}"
    ) {
        let text = format!("{HEADER}\n{body}");
        check(&text, parse(&text))?;
    }

    #[test]
    fn what_our_writer_wrote_reads_back_exactly(rows in rows()) {
        let back = parse(&write(&rows)).unwrap();
        prop_assert_eq!(back.len(), rows.len());
        for (row, (step, loss, note)) in back.iter().zip(&rows) {
            prop_assert_eq!(row.step, *step);
            prop_assert!(same(row.loss, *loss), "{} read back as {}", loss, row.loss);
            match (row.note, note) {
                (None, None) => {}
                (Some(a), Some(b)) => prop_assert!(same(a, *b), "{b} read back as {a}"),
                other => prop_assert!(false, "note {:?}", other),
            }
        }
    }

    #[test]
    fn a_changed_byte_is_read_or_refused_by_name(
        (text, at) in table_and_index(),
        byte in any::<u8>()
    ) {
        let mut bytes = text.into_bytes();
        let i = at.index(bytes.len());
        bytes[i] = byte;
        // Only text reaches `parse`; other bytes are `read`'s (see the first property).
        if let Ok(text) = String::from_utf8(bytes) {
            check(&text, parse(&text))?;
        }
    }

    #[test]
    fn a_table_cut_anywhere_is_read_or_refused_by_name((text, at) in table_and_index()) {
        let cut = &text[..at.index(text.len() + 1)];
        check(cut, parse(cut))?;
    }

    #[test]
    fn appended_text_is_read_or_refused_by_name(
        text in rows().prop_map(|r| write(&r)),
        tail in "[0-9a-z.,\"\r\n -]{1,40}"
    ) {
        let text = text + &tail;
        check(&text, parse(&text))?;
    }
}
