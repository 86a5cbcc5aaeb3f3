//! mdbook-quiz as a reader meets it at the end of a chapter: start the quiz, answer one
//! question right and one wrong (and the rest right), and see the marks, the correct answer and
//! the explanation. The quiz's script and stylesheet must come from the book itself.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use fantoccini::Locator;
use serde::Deserialize;
use serde_json::Value;

use crate::chrome::Browser;

/// A chapter whose quiz has only multiple-choice and short-answer questions.
pub const PAGE: &str = "ch06-experiments.html";

#[derive(Debug, Deserialize)]
struct Quiz {
    questions: Vec<Question>,
}

#[derive(Debug, Deserialize)]
struct Question {
    #[serde(rename = "type")]
    kind: String,
    answer: Answer,
}

#[derive(Debug, Deserialize)]
struct Answer {
    answer: Value,
}

/// Takes the quiz on the page open in `b`, whose address starts with `origin`.
pub async fn check(b: &Browser, origin: &str, shots: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let data = b
        .js("const q = document.querySelector('.quiz-placeholder'); return q && q.dataset.quizQuestions")
        .await?;
    let quiz: Quiz = serde_json::from_str(data.as_str().context("no quiz on the page")?)?;
    let n = quiz.questions.len();
    if n < 2 {
        bail!("{PAGE}: the quiz needs two questions to answer one right and one wrong");
    }
    b.js("document.querySelector('.mdbook-quiz').scrollIntoView({ block: 'start' })")
        .await?;
    b.client
        .find(Locator::Css(".mdbook-quiz button.start"))
        .await?
        .click()
        .await?;

    for (i, q) in quiz.questions.iter().enumerate() {
        let wrong = i == 1;
        b.wait_until(
            &format!("const h = document.querySelector('.mdbook-quiz .question .prompt h4'); return h && h.textContent === 'Question {}'", i + 1),
            Duration::from_secs(5),
            &format!("the quiz shows question {}", i + 1),
        )
        .await?;
        let answer = q
            .answer
            .answer
            .as_str()
            .with_context(|| format!("question {}: a single answer is expected", i + 1))?;
        match q.kind.as_str() {
            "MultipleChoice" => {
                let choice = b
                    .js(&format!(
                        "const want = {}; const wrong = {wrong};
                         const pick = [...document.querySelectorAll('.mdbook-quiz .question input[type=radio]')]
                             .find((r) => wrong ? r.value !== want : r.value === want);
                         return pick ? pick.id : null;",
                        serde_json::to_string(answer)?
                    ))
                    .await?;
                let id = choice.as_str().context("no choice to click")?;
                b.client
                    .find(Locator::Css(&format!("label[for=\"{id}\"]")))
                    .await?
                    .click()
                    .await?;
            }
            "ShortAnswer" => {
                let text = if wrong { "not the answer" } else { answer };
                b.client
                    .find(Locator::Css(".mdbook-quiz form.response input[type=text]"))
                    .await?
                    .send_keys(text)
                    .await?;
            }
            other => bail!(
                "{PAGE}: question {} is {other}, which this test does not answer",
                i + 1
            ),
        }
        b.client
            .find(Locator::Css(
                ".mdbook-quiz form.response input[type=submit]",
            ))
            .await?
            .click()
            .await?;
    }

    // The review: marks first, then the correct answers with their explanations.
    let marks = b
        .wait_until(
            "const rows = [...document.querySelectorAll('.mdbook-quiz .answer-wrapper')];
             return rows.length > 0 && rows.map((r) => r.querySelector('.answer-row .correct') ? 'right' : r.querySelector('.answer-row .incorrect') ? 'wrong' : '?');",
            Duration::from_secs(5),
            "the quiz shows its review",
        )
        .await?;
    let expected: Vec<&str> = (0..n)
        .map(|i| if i == 1 { "wrong" } else { "right" })
        .collect();
    if marks != serde_json::json!(expected) {
        problems.push(format!(
            "{PAGE}: the quiz marked the answers {marks}, expected {expected:?}"
        ));
    }
    let reveal = b
        .js("return [...document.querySelectorAll('.mdbook-quiz button')].findIndex((x) => x.textContent.includes('correct answers'))")
        .await?;
    let buttons = b
        .client
        .find_all(Locator::Css(".mdbook-quiz button"))
        .await?;
    let index = reveal
        .as_i64()
        .filter(|&k| k >= 0)
        .context("no button to see the correct answers")?;
    buttons[index as usize].click().await?;
    let review = b
        .wait_until(
            "const rows = [...document.querySelectorAll('.mdbook-quiz .answer-wrapper')];
             const contexts = rows.map((r) => { const c = r.querySelector('.context'); return c ? c.textContent : ''; });
             return contexts.every((c) => c.length > 0) && {
                 contexts,
                 corrected: rows[1].textContent.includes('The correct answer is'),
                 links: rows.map((r) => [...r.querySelectorAll('.context a')].map((a) => a.getAttribute('href'))),
             };",
            Duration::from_secs(5),
            "the quiz shows every question's explanation",
        )
        .await?;
    if review["corrected"] != true {
        problems.push(format!(
            "{PAGE}: the wrong answer is not followed by the correct one"
        ));
    }
    let no_link = review["links"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|links| links.as_array().is_none_or(Vec::is_empty))
        .count();
    if no_link > 0 {
        problems.push(format!(
            "{PAGE}: {no_link} explanation(s) link no section of the book"
        ));
    }
    b.js("document.querySelectorAll('.mdbook-quiz .answer-wrapper')[1].scrollIntoView({ block: 'start' })")
        .await?;
    b.screenshot(&shots.join("quiz-review.png")).await?;

    // Its assets: mdbook-quiz's script and stylesheet, from the book.
    let assets = b
        .js("return performance.getEntriesByType('resource').map((e) => e.name).filter((u) => /quiz-embed|quiz\\/style/.test(u))")
        .await?;
    let assets: Vec<String> = serde_json::from_value(assets)?;
    let from_book = |name: &str| {
        assets
            .iter()
            .any(|u| u.starts_with(&format!("{origin}/quiz/")) && u.contains(name))
    };
    if !(from_book("quiz-embed") && from_book("style.css"))
        || assets.iter().any(|u| !u.starts_with(origin))
    {
        problems.push(format!(
            "{PAGE}: the quiz's script and stylesheet should load from {origin}/quiz/: {assets:?}"
        ));
    }
    Ok(problems)
}
