//! A formula KaTeX cannot render is left in the page as raw TeX, with only a log line.
//! Here every formula of every chapter is rendered with the book's own options.

use mdbook_driver::MDBook;
use mdbook_katex::cfg::get_config;
use mdbook_katex::preprocess::{Render, get_render_tasks};

pub fn check(book: &MDBook) -> Vec<String> {
    let cfg = get_config(&book.config).expect("the katex table parses (see katex_config)");
    let (inline, display) = cfg.build_opts(&book.root);
    let extra = cfg.build_extra_opts();
    let mut problems = Vec::new();
    let mut rendered = 0;
    for chapter in book.book.chapters() {
        for task in get_render_tasks(&chapter.content, "", &extra) {
            let (tex, opts) = match task {
                Render::InlineTask(tex) => (tex, &inline),
                Render::DisplayTask(tex) => (tex, &display),
                Render::Text(_) => continue,
            };
            rendered += 1;
            if let Err(e) = katex::render_with_opts(tex, opts) {
                problems.push(format!(
                    "{}: cannot render `{}`: {e}",
                    chapter.name,
                    tex.trim()
                ));
            }
        }
    }
    assert!(
        rendered > 0,
        "the book should hold some maths; found no formula at all"
    );
    problems
}
