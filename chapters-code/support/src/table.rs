//! The CSV tables the chapters write (a training run's metrics, its progress, the results),
//! read back into typed rows with the `csv` crate and serde. A table is the header its writer
//! wrote, exactly, then one row per line with as many fields as the header names; each
//! chapter keeps its own row type, whose field names are the header's. Anything else is an
//! error that names the file, the line and what is wrong with it.

use std::path::{Path, PathBuf};

use csv::{ErrorKind, ReaderBuilder, WriterBuilder};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Why a table could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error("cannot read {}: {error}", path.display())]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{}: the first line is not the header `{expected}` but {found:?}", path.display())]
    Header {
        path: PathBuf,
        expected: String,
        found: String,
    },
    #[error("{}: line {line} is blank", path.display())]
    Blank { path: PathBuf, line: usize },
    #[error("{}: line {line} holds a carriage return (\\r) not followed by a line feed", path.display())]
    Return { path: PathBuf, line: usize },
    #[error("{}: line {line} has {found} fields, not the header's {expected}: {text:?}", path.display())]
    Fields {
        path: PathBuf,
        line: usize,
        expected: u64,
        found: u64,
        text: String,
    },
    #[error("{}: line {line}: {column} is {value:?}: {reason}", path.display())]
    Field {
        path: PathBuf,
        line: usize,
        column: String,
        value: String,
        reason: String,
    },
    #[error("cannot write {}: {error}", path.display())]
    Write {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{}: line {line}: {reason}", path.display())]
    Other {
        path: PathBuf,
        line: usize,
        reason: String,
    },
}

/// Writes `rows` to `path`, whole or not at all, under a header made of the row type's field
/// names, which must be `header` (the one [`read`] will expect). A field that would need
/// quoting (a comma, a quote, a line break) is refused: the tables are read unquoted.
pub fn write<T: Serialize>(path: &Path, header: &str, rows: &[T]) -> Result<(), TableError> {
    let other = |line: usize, reason: String| TableError::Other {
        path: path.to_path_buf(),
        line,
        reason,
    };
    let mut writer = WriterBuilder::new().from_writer(Vec::new());
    for (i, row) in rows.iter().enumerate() {
        writer
            .serialize(row)
            .map_err(|e| other(i + 2, e.to_string()))?;
    }
    let bytes = writer.into_inner().map_err(|e| other(1, e.to_string()))?;
    let mut text = String::from_utf8(bytes).map_err(|e| other(1, e.to_string()))?;
    if rows.is_empty() {
        text = format!("{header}\n");
    }
    let first = text.lines().next().unwrap_or_default();
    if first != header {
        return Err(TableError::Header {
            path: path.to_path_buf(),
            expected: header.to_string(),
            found: first.to_string(),
        });
    }
    if let Some(i) = text.lines().position(|l| l.contains('"')) {
        return Err(other(
            i + 1,
            "a field holds a comma, a quote or a line break, which the table cannot hold unquoted"
                .to_string(),
        ));
    }
    crate::atomic::write_atomic(path, text.as_bytes()).map_err(|error| TableError::Write {
        path: path.to_path_buf(),
        error,
    })
}

/// The rows of the table in the file at `path`, whose first line must be `header`.
pub fn read<T: DeserializeOwned>(path: &Path, header: &str) -> Result<Vec<T>, TableError> {
    let text = std::fs::read_to_string(path).map_err(|error| TableError::Read {
        path: path.to_path_buf(),
        error,
    })?;
    parse(&text, path, header)
}

/// The rows of a table already read from `path` (named in the errors).
pub fn parse<T: DeserializeOwned>(
    text: &str,
    path: &Path,
    header: &str,
) -> Result<Vec<T>, TableError> {
    let path_buf = || path.to_path_buf();
    let first = text.lines().next().unwrap_or_default();
    if first != header {
        return Err(TableError::Header {
            path: path_buf(),
            expected: header.to_string(),
            found: first.to_string(),
        });
    }
    // The csv crate skips blank lines; in a file of ours one is damage.
    if let Some(i) = text.lines().position(str::is_empty) {
        return Err(TableError::Blank {
            path: path_buf(),
            line: i + 1,
        });
    }
    // The csv crate ends a row at a lone \r too, so its rows would no longer be the lines
    // counted here; our writers never write one (`lines` has already taken off each \r\n).
    if let Some(i) = text.lines().position(|l| l.contains('\r')) {
        return Err(TableError::Return {
            path: path_buf(),
            line: i + 1,
        });
    }
    // Nothing we write is quoted: a quote is a character like any other.
    let mut reader = ReaderBuilder::new()
        .quoting(false)
        .from_reader(text.as_bytes());
    let names = reader
        .headers()
        .map_err(|e| TableError::Other {
            path: path_buf(),
            line: 1,
            reason: e.to_string(),
        })?
        .clone();
    reader
        .records()
        .enumerate()
        .map(|(i, record)| {
            // With no blank line, the header's line 1 and one row per line.
            let line = i + 2;
            let record = record.map_err(|e| match e.kind() {
                ErrorKind::UnequalLengths {
                    expected_len, len, ..
                } => TableError::Fields {
                    path: path_buf(),
                    line,
                    expected: *expected_len,
                    found: *len,
                    text: text.lines().nth(line - 1).unwrap_or_default().to_string(),
                },
                _ => TableError::Other {
                    path: path_buf(),
                    line,
                    reason: e.to_string(),
                },
            })?;
            record.deserialize(Some(&names)).map_err(|e| {
                let (field, reason) = match e.kind() {
                    ErrorKind::Deserialize { err, .. } => (err.field(), err.kind().to_string()),
                    _ => (None, e.to_string()),
                };
                let field = field.map(|f| f as usize);
                match field.and_then(|f| Some((names.get(f)?, record.get(f)?))) {
                    Some((column, value)) => TableError::Field {
                        path: path_buf(),
                        line,
                        column: column.to_string(),
                        value: value.to_string(),
                        reason,
                    },
                    None => TableError::Other {
                        path: path_buf(),
                        line,
                        reason,
                    },
                }
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Row {
        step: usize,
        loss: f64,
        note: Option<f64>,
    }

    const HEADER: &str = "step,loss,note";

    #[test]
    fn written_rows_read_back_and_a_bad_field_is_refused() {
        #[derive(Debug, PartialEq, Serialize, serde::Deserialize)]
        struct Line {
            name: String,
            value: f64,
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        let rows = vec![
            Line {
                name: "a b".into(),
                value: -0.1234567890123,
            },
            Line {
                name: "c".into(),
                value: 1e-300,
            },
        ];
        write(&path, "name,value", &rows).unwrap();
        assert_eq!(read::<Line>(&path, "name,value").unwrap(), rows);
        write::<Line>(&path, "name,value", &[]).unwrap();
        assert!(read::<Line>(&path, "name,value").unwrap().is_empty());
        let e = write(&path, "name,other", &rows).unwrap_err().to_string();
        assert!(e.contains("t.csv") && e.contains("name,value"), "{e}");
        let comma = [Line {
            name: "AR, ELBO".into(),
            value: 1.0,
        }];
        let e = write(&path, "name,value", &comma).unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("comma"), "{e}");
        // Nothing of the refused table reached the file.
        assert!(read::<Line>(&path, "name,value").unwrap().is_empty());
    }

    fn parse_rows(text: &str) -> Result<Vec<Row>, String> {
        parse(text, Path::new("t.csv"), HEADER).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_typed_rows_under_the_expected_header() {
        let rows = parse_rows("step,loss,note\n1,2.5,\n2,-1e-3,7\n").unwrap();
        assert_eq!(
            rows,
            [
                Row {
                    step: 1,
                    loss: 2.5,
                    note: None
                },
                Row {
                    step: 2,
                    loss: -1e-3,
                    note: Some(7.0)
                }
            ]
        );
        // A last line without its newline, Windows line ends, no rows at all.
        assert_eq!(parse_rows("step,loss,note\n1,2.5,").unwrap().len(), 1);
        assert_eq!(parse_rows("step,loss,note\r\n1,2.5,\r\n").unwrap().len(), 1);
        assert!(parse_rows("step,loss,note\n").unwrap().is_empty());
    }

    #[test]
    fn each_error_names_the_file_the_line_and_what_is_wrong() {
        for (text, expected) in [
            (
                "",
                "t.csv: the first line is not the header `step,loss,note` but \"\"",
            ),
            (
                "step,loss\n1,2\n",
                "t.csv: the first line is not the header",
            ),
            (
                "\u{feff}step,loss,note\n",
                "the first line is not the header",
            ),
            ("\nstep,loss,note\n", "the first line is not the header"),
            ("step,loss,note\n1,2,\n\n", "t.csv: line 3 is blank"),
            ("step,loss,note\n\n1,2,\n", "t.csv: line 2 is blank"),
            // Found by tests/table_fuzz.rs: csv's rows split at a lone \r, so an error blamed
            // line 3 of a file of 2 lines, and a blank row between two \r went unseen.
            (
                "step,loss,note\n0,0,-6\r7\n",
                "t.csv: line 2 holds a carriage return (\\r) not followed by a line feed",
            ),
            (
                "step,loss,note\n\r\r\n ,,\n0",
                "t.csv: line 2 holds a carriage return",
            ),
            (
                "step,loss,note\n1,2,\r\r3,4,\n",
                "t.csv: line 2 holds a carriage return",
            ),
            (
                "step,loss,note\n1,2,\r",
                "t.csv: line 2 holds a carriage return",
            ),
            (
                "step,loss,note\n1,2,\n3,4\n",
                "t.csv: line 3 has 2 fields, not the header's 3: \"3,4\"",
            ),
            ("step,loss,note\n1,2,,\n", "t.csv: line 2 has 4 fields"),
            (
                "step,loss,note\n1,2,\n2,nan?,\n",
                "t.csv: line 3: loss is \"nan?\": invalid float literal",
            ),
            ("step,loss,note\n1,,\n", "t.csv: line 2: loss is \"\""),
            ("step,loss,note\n-1,2,\n", "t.csv: line 2: step is \"-1\""),
            ("step,loss,note\n1,2,x\n", "t.csv: line 2: note is \"x\""),
            (
                "step,loss,note\n1,\"2\",\n",
                "t.csv: line 2: loss is \"\\\"2\\\"\"",
            ),
        ] {
            let err = parse_rows(text).unwrap_err();
            assert!(err.starts_with("t.csv: "), "{text:?}: {err}");
            assert!(err.contains(expected), "{text:?}: {err}");
        }
    }

    #[test]
    fn a_missing_file_is_named() {
        let err = read::<Row>(Path::new("no/such.csv"), HEADER)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("cannot read no/such.csv: "), "{err}");
    }
}
