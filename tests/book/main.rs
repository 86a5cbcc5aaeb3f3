//! The book against the code: builds the whole book in-process (mdBook with the KaTeX
//! preprocessor, as `mdbook build` does) and fails on what mdBook would only log or let pass:
//! a missing include or anchor, a formula KaTeX cannot render, a chapter page that does not
//! link its crate, a crate with no listing, a relative link that points nowhere, a CDN link, a page SUMMARY.md lists but mdBook dropped.
//! The quizzes are checked too: a chapter without one, a quiz file that is missing or breaks
//! mdbook-quiz's schema, a short answer no test computes. mdbook-quiz is a program, not a
//! library, so the build runs the installed one (`.ci/install` puts it on PATH), as
//! `mdbook build` does, or installs it into target/tools/ on first use.

mod crates;
mod files;
mod frameworks;
mod html_links;
mod includes;
mod katex_config;
mod math;
mod quizzes;
mod quoted;
mod site;
mod speed;
mod summary;

use mdbook_html::HtmlHandlebars;

use site::{load_book, root};

/// Reports every problem at once rather than the first, so one run shows all that is broken.
fn assert_no_problems(what: &str, problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{what}: {} problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

#[test]
fn every_include_and_anchor_exists() {
    assert_no_problems("includes", &includes::check(&root().join("book")));
}

#[test]
fn the_katex_config_parses_strictly() {
    assert_no_problems(
        "book.toml [preprocessor.katex]",
        &katex_config::check(&root()),
    );
}

#[test]
fn every_formula_renders() {
    let book = load_book();
    assert_no_problems("KaTeX", &math::check(&book));
}

#[test]
fn every_chapter_links_its_crate_and_every_crate_is_listed() {
    assert_no_problems("chapter crates", &crates::check(&root()));
}

#[test]
fn every_chapter_has_a_quiz_and_every_quiz_is_valid() {
    assert_no_problems("quizzes", &quizzes::check_sources(&root()));
}

#[test]
fn the_speed_section_quotes_the_comparison_results() {
    assert_no_problems("speed results", &speed::check(&root()));
}

#[test]
fn the_frameworks_section_quotes_the_comparison_results() {
    assert_no_problems("framework comparison", &frameworks::check(&root()));
}

#[test]
fn the_book_builds_and_its_links_resolve() {
    let out = tempfile::tempdir().unwrap();
    let mut book = load_book();
    book.config.build.build_dir = out.path().to_path_buf();

    let (preprocessed, _) = book
        .preprocess_book(&HtmlHandlebars::new())
        .expect("preprocessing succeeds");
    let mut problems = Vec::new();
    for chapter in preprocessed.chapters() {
        if chapter.content.contains("{{#") {
            problems.push(format!(
                "{}: a {{{{# ... }}}} directive survived preprocessing",
                chapter.name
            ));
        }
    }
    assert_no_problems("preprocessed book", &problems);

    let css = root().join("book/katex/katex.min.css");
    assert!(
        css.is_file(),
        "{} is missing: install KaTeX's CSS and fonts with `bash .ci/install`",
        css.display()
    );
    book.build().expect("the book builds");
    assert_no_problems(
        "pages of SUMMARY.md",
        &summary::check(&root().join("book"), out.path()),
    );
    assert_no_problems("built HTML", &html_links::check(out.path()));
    let expected = quizzes::expected(&root());
    assert_no_problems(
        "quizzes in the built book",
        &quizzes::check_site(out.path(), &expected),
    );
}
