//! The quizzes: `{{#quiz quizzes/NAME.toml}}` on every chapter page and before every answer of
//! the quiz page, each file valid for mdbook-quiz (its own validator, which also compiles and
//! runs the tracing questions' programs), every question with a stable id (or mdbook-quiz would
//! write one into the source at each build), an explanation that links its section, and every
//! short answer checked by a test of the crates, and text in plain Unicode (the quiz shows no
//! KaTeX). mdbook-quiz itself stops a build on a file its schema rejects, but it writes random
//! ids into the sources, ignores unknown keys and knows nothing of which pages need a quiz.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use mdbook_quiz_schema::{Question, Quiz};
use mdbook_quiz_validate::Validated;
use regex::Regex;

use crate::files;

/// The version `.ci/install` installs, and the one whose schema the dev-dependencies hold.
pub const MDBOOK_QUIZ_VERSION: &str = "0.5.0";

static QUIZ: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{\{#quiz\s+([^}\s]+)\s*\}\}").unwrap());
static CHAPTER_PAGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\]\((ch\d\d-[a-z0-9-]+)\.md\)").unwrap());
/// A link to a section of a built page: `](ch02-elbo.html#the-kl-term-in-closed-form)`.
static SECTION_LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\]\(([a-z0-9-]+\.html)#([a-z0-9-]+)\)").unwrap());

/// The keys a question may have; the schema ignores any other, so a misspelt `context` would
/// silently vanish.
const QUESTION_KEYS: [&str; 7] = [
    "id",
    "type",
    "prompt",
    "answer",
    "context",
    "multipart",
    "promptExplanation",
];
const QUESTIONS_PER_QUIZ: std::ops::RangeInclusive<usize> = 3..=6;

/// What the built site must show: each page with quizzes, and each section a quiz links.
#[derive(Debug, Default)]
pub struct Expected {
    pub pages_with_quizzes: Vec<String>,
    pub section_links: Vec<(String, String, String)>,
}

/// Checks the sources: which pages hold quizzes, and every quiz file.
pub fn check_sources(root: &Path) -> Vec<String> {
    let book = root.join("book");
    let mut problems = Vec::new();
    let validated = Validated::default();
    let mut used = BTreeSet::new();
    let short_answer_tests = short_answer_tests(root);

    let summary = std::fs::read_to_string(book.join("SUMMARY.md")).unwrap();
    let chapters: Vec<String> = CHAPTER_PAGE
        .captures_iter(&summary)
        .map(|c| c[1].to_string())
        .collect();
    for chapter in &chapters {
        let text = std::fs::read_to_string(book.join(format!("{chapter}.md"))).unwrap_or_default();
        let wanted = format!("{{{{#quiz quizzes/{chapter}.toml}}}}");
        if !text.contains(&wanted) {
            problems.push(format!(
                "book/{chapter}.md has no quiz: it should hold {wanted}"
            ));
        }
    }
    problems.extend(check_quiz_page(&book));

    for page in files::with_extension(&book, "md") {
        let text = std::fs::read_to_string(&page).unwrap();
        let page_name = files::relative(&page, &book).into_owned();
        for cap in QUIZ.captures_iter(&text) {
            let file = page.parent().unwrap().join(&cap[1]);
            let name = files::relative(&file, root).into_owned();
            used.insert(normalise(&file));
            match std::fs::read_to_string(&file) {
                Err(e) => problems.push(format!("{page_name}: quiz {name}: {e}")),
                Ok(toml) => problems.extend(check_quiz(
                    &file,
                    &name,
                    &toml,
                    &validated,
                    &short_answer_tests,
                )),
            }
        }
    }

    for file in files::with_extension(&book.join("quizzes"), "toml") {
        if !used.contains(&normalise(&file)) {
            problems.push(format!(
                "{}: no page shows this quiz",
                files::relative(&file, root)
            ));
        }
    }
    problems
}

/// The pages that show quizzes and the sections their explanations link, for `check_site`.
pub fn expected(root: &Path) -> Expected {
    let book = root.join("book");
    let mut expected = Expected::default();
    for page in files::with_extension(&book, "md") {
        let text = std::fs::read_to_string(&page).unwrap();
        let quizzes: Vec<PathBuf> = QUIZ
            .captures_iter(&text)
            .map(|c| page.parent().unwrap().join(&c[1]))
            .collect();
        if quizzes.is_empty() {
            continue;
        }
        let page_name = files::relative(&page, &book).replace(".md", ".html");
        expected.pages_with_quizzes.push(page_name);
        for file in quizzes {
            let name = files::relative(&file, root).into_owned();
            let toml = std::fs::read_to_string(&file).unwrap_or_default();
            expected.section_links.extend(
                SECTION_LINK
                    .captures_iter(&toml)
                    .map(|c| (name.clone(), c[1].to_string(), c[2].to_string())),
            );
        }
    }
    expected
}

/// The quiz page keeps its open questions and full answers; each answer comes after a quiz.
fn check_quiz_page(book: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(book.join("quiz.md")).unwrap_or_default();
    let sections: Vec<&str> = text.split("\n## ").skip(1).collect();
    if sections.len() < 4 {
        return vec![format!(
            "book/quiz.md should keep its four questions; found {} sections",
            sections.len()
        )];
    }
    sections
        .iter()
        .filter_map(|section| {
            let title = section.lines().next().unwrap_or_default();
            let answer = section.find("<summary>Answer</summary>");
            let quiz = section.find("{{#quiz ");
            match (quiz, answer) {
                (Some(q), Some(a)) if q < a => None,
                (_, None) => Some(format!(
                    "book/quiz.md, \"{title}\": its full answer is missing"
                )),
                _ => Some(format!(
                    "book/quiz.md, \"{title}\": no quiz before the answer"
                )),
            }
        })
        .collect()
}

/// One quiz file: mdbook-quiz's validation, then this book's rules.
fn check_quiz(
    path: &Path,
    name: &str,
    toml: &str,
    validated: &Validated,
    short_answer_tests: &str,
) -> Vec<String> {
    // Prints mdbook-quiz's own diagnostics (with line and column) to stderr.
    if let Err(e) = mdbook_quiz_validate::validate(path, toml, validated, false) {
        return vec![format!(
            "{name}: mdbook-quiz rejects it ({e}); its diagnostics are printed above"
        )];
    }
    let quiz: Quiz = match toml::from_str(toml) {
        Ok(q) => q,
        Err(e) => return vec![format!("{name}: {e}")],
    };
    let raw: toml::Table = toml::from_str(toml).expect("parsed as a quiz just above");
    let raw_questions = raw["questions"].as_array().expect("a quiz has questions");

    let mut problems = Vec::new();
    if !QUESTIONS_PER_QUIZ.contains(&quiz.questions.len()) {
        problems.push(format!(
            "{name}: {} questions; a quiz here has 3 to 6",
            quiz.questions.len()
        ));
    }
    for (i, (question, raw)) in quiz.questions.iter().zip(raw_questions).enumerate() {
        let n = i + 1;
        let (id, context, is_short) = match question {
            Question::ShortAnswer(q) => (&q.0.id, &q.0.context, true),
            Question::Tracing(q) => (&q.0.id, &q.0.context, false),
            Question::MultipleChoice(q) => (&q.0.id, &q.0.context, false),
        };
        for key in raw.as_table().into_iter().flat_map(|t| t.keys()) {
            if !QUESTION_KEYS.contains(&key.as_str()) {
                problems.push(format!(
                    "{name}, question {n}: unknown key `{key}` (mdbook-quiz would ignore it)"
                ));
            }
        }
        problems.extend(
            markdown_of(raw)
                .iter()
                .filter_map(|text| not_plain(text))
                .map(|why| format!("{name}, question {n}: {why}")),
        );
        let Some(id) = id else {
            problems.push(format!(
                "{name}, question {n}: no `id` (mdbook-quiz would write a random one into the file)"
            ));
            continue;
        };
        if is_short && !short_answer_tests.contains(&format!("\"{id}\"")) {
            problems.push(format!(
                "{name}, question {id}: a short answer no test checks: compute it in \
                 tests/quiz_answers/ with the crates' code, naming \"{id}\""
            ));
        }
        match context {
            None => problems.push(format!("{name}, question {id}: no `context` explaining it")),
            Some(text) if !SECTION_LINK.is_match(&text.0) => problems.push(format!(
                "{name}, question {id}: its `context` links no section \
                 (write [...](chNN-page.html#section-id))"
            )),
            Some(_) => {}
        }
    }
    problems
}

/// The Markdown a question shows: its prompt, choices and explanation (not its program).
fn markdown_of(question: &toml::Value) -> Vec<String> {
    let mut texts = Vec::new();
    let mut push = |v: Option<&toml::Value>| match v {
        Some(toml::Value::String(s)) => texts.push(s.clone()),
        Some(toml::Value::Array(items)) => {
            texts.extend(items.iter().filter_map(|i| i.as_str().map(str::to_string)))
        }
        _ => {}
    };
    push(question.get("prompt").and_then(|p| p.get("prompt")));
    push(question.get("prompt").and_then(|p| p.get("distractors")));
    if question.get("type").and_then(|t| t.as_str()) == Some("MultipleChoice") {
        push(question.get("answer").and_then(|a| a.get("answer")));
    }
    push(question.get("context"));
    texts
}

/// mdbook-quiz renders Markdown in the browser without KaTeX: TeX would show as source, and
/// an underscore outside a code span turns the text between two of them into italics.
fn not_plain(text: &str) -> Option<String> {
    let outside_code: String = text.split('`').step_by(2).collect();
    let excerpt = |at: usize| {
        let start = outside_code[..at]
            .char_indices()
            .rev()
            .nth(20)
            .map_or(0, |(i, _)| i);
        outside_code[start..].chars().take(50).collect::<String>()
    };
    for (mark, what) in [
        ('$', "TeX"),
        ('\\', "a TeX command or escape"),
        ('_', "an underscore (Markdown italics)"),
    ] {
        if let Some(at) = outside_code.find(mark) {
            return Some(format!(
                "{what} in {:?}: the quiz shows no KaTeX; write it in plain Unicode (μ, σ², zₖ)",
                excerpt(at)
            ));
        }
    }
    None
}

/// The text of tests/quiz_answers/, where each short answer must be named.
fn short_answer_tests(root: &Path) -> String {
    files::with_extension(&root.join("tests/quiz_answers"), "rs")
        .into_iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

fn normalise(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// The built site: each page shows its quizzes with the reader's answers cached, mdbook-quiz's
/// script is there to render them, and every section a quiz links exists.
pub fn check_site(site: &Path, expected: &Expected) -> Vec<String> {
    let mut problems = Vec::new();
    for asset in ["quiz/quiz-embed.iife.js", "quiz/style.css"] {
        if !site.join(asset).is_file() {
            problems.push(format!("the site has no {asset}: mdbook-quiz did not run"));
        }
    }
    for page in &expected.pages_with_quizzes {
        let html = std::fs::read_to_string(site.join(page)).unwrap_or_default();
        if !html.contains("class=\"quiz-placeholder\"") {
            problems.push(format!("{page}: no quiz in the built page"));
        } else if !html.contains("data-quiz-cache-answers=\"true\"") {
            problems.push(format!(
                "{page}: the quiz does not cache answers: book.toml needs \
                 `cache_answers = true` under [preprocessor.quiz]"
            ));
        }
        if !html.contains("src=\"quiz/quiz-embed.iife.js\"") {
            problems.push(format!("{page}: does not load quiz/quiz-embed.iife.js"));
        }
    }
    let id = |id: &str| format!("id=\"{id}\"");
    for (quiz, page, section) in &expected.section_links {
        let html = std::fs::read_to_string(site.join(page)).unwrap_or_default();
        if !html.contains(&id(section)) {
            problems.push(format!(
                "{quiz}: links {page}#{section}, which is not a section of the built book"
            ));
        }
    }
    problems
}

/// The mdbook-quiz program to run: the one on PATH when it is the pinned version (what
/// `.ci/install` and the README install), else one installed on first use into
/// `target/tools/`, the way the programs fetch MNIST, so `cargo test` works from a fresh clone.
pub fn preprocessor(root: &Path) -> PathBuf {
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
