//! The short answers of the quizzes (`book/quizzes/*.toml`) against the crates: each accepted
//! answer must be what the chapter's crate computes, to the precision the answer is written
//! with. The book test requires every short answer's id to be named in this folder.

mod ch01;
mod ch02;
mod ch03;
mod ch04;
mod ch05;
mod ch06;
mod ch08;
mod ch09;

use std::path::PathBuf;

/// The answers a quiz question accepts: its `answer` and its `alternatives`.
pub fn accepted(quiz: &str, id: &str) -> Vec<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("book/quizzes/{quiz}.toml"));
    let name = path.display();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let table: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let question = table["questions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|q| q.get("id").and_then(toml::Value::as_str) == Some(id))
        .unwrap_or_else(|| panic!("{name}: no question with id {id:?}"));
    let answer = &question["answer"];
    let alternatives = answer.get("alternatives").and_then(toml::Value::as_array);
    std::iter::once(&answer["answer"])
        .chain(alternatives.into_iter().flatten())
        .map(|v| v.as_str().expect("answers are strings").to_string())
        .collect()
}

/// Every answer `id` accepts, read as a number (thousands separators allowed), equals
/// `computed` within half a unit of its last written digit.
pub fn assert_number(quiz: &str, id: &str, computed: f64) {
    for text in accepted(quiz, id) {
        let digits: String = text.chars().filter(|c| !matches!(c, ',' | ' ')).collect();
        let value: f64 = digits
            .parse()
            .unwrap_or_else(|_| panic!("{quiz}.toml, {id}: {text:?} is not a number"));
        let decimals = digits.split_once('.').map_or(0, |(_, d)| d.len()) as i32;
        let half_unit = 0.5 * 10f64.powi(-decimals);
        assert!(
            (value - computed).abs() <= half_unit,
            "{quiz}.toml, {id}: the quiz accepts {text}, the crate computes {computed}"
        );
    }
}
