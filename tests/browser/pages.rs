//! What every page must show a reader: no console error, no failed request and none off the
//! machine, every image decoded, KaTeX's fonts on the formulas. A screenshot of each is kept.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use fantoccini::Locator;
use serde_json::Value;

use crate::chrome::Browser;

/// Loads `url` and waits for its fonts and images. Returns problems found while loading.
pub async fn open(b: &Browser, url: &str) -> Result<()> {
    b.client
        .goto(url)
        .await
        .with_context(|| format!("opening {url}"))?;
    b.wait_until(
        "return document.readyState === 'complete'",
        Duration::from_secs(20),
        &format!("{url} finished loading"),
    )
    .await?;
    b.js_async("document.fonts.ready.then(() => done(true))")
        .await?;
    b.wait_until(
        "return [...document.images].every((i) => i.complete)",
        Duration::from_secs(20),
        &format!("{url}: every image loaded or failed"),
    )
    .await?;
    Ok(())
}

/// Checks the page open in `b`; `name` names it in messages and in its screenshot's file.
/// `origin` is where every request must go (`http://127.0.0.1:PORT` or `file://`).
pub async fn check(b: &Browser, name: &str, origin: &str, shots: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();

    let broken = b
        .js("return [...document.images].filter((i) => !(i.naturalWidth > 0)).map((i) => i.getAttribute('src'))")
        .await?;
    for src in broken.as_array().into_iter().flatten() {
        problems.push(format!("{name}: image {src} did not decode"));
    }

    // Formulas hidden in a closed <details> do not make Chromium load their fonts, so the
    // fonts are asked for too: they must come from the book and load.
    let katex = b
        .js_async(r#"
            const formulas = document.querySelectorAll('.katex');
            if (formulas.length === 0) return done(null);
            const family = getComputedStyle(formulas[0]).fontFamily;
            document.fonts.load('16px KaTeX_Main', 'x').then(
                (faces) => done({ count: formulas.length, family, loaded: faces.filter((f) => f.status === 'loaded').length }),
                (e) => done({ count: formulas.length, family, loaded: 0, error: String(e) }));
        "#)
        .await?;
    if let Value::Object(k) = &katex {
        let family = k["family"].as_str().unwrap_or_default();
        if !family.contains("KaTeX_Main") {
            problems.push(format!(
                "{name}: formulas are set in {family:?}, not KaTeX_Main: KaTeX's stylesheet did not apply"
            ));
        }
        if k["loaded"].as_u64().unwrap_or(0) == 0 {
            problems.push(format!(
                "{name}: {} formulas, but KaTeX_Main does not load: {katex}",
                k["count"]
            ));
        }
    }

    let requests = b
        .js(r#"
            return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
                .map((e) => ({ url: e.name, status: e.responseStatus || 0 }));
        "#)
        .await?;
    for r in requests.as_array().into_iter().flatten() {
        let url = r["url"].as_str().unwrap_or_default();
        let status = r["status"].as_u64().unwrap_or(0);
        if !(url.starts_with(origin) || url.starts_with("data:") || url.starts_with("blob:")) {
            problems.push(format!("{name}: a request left the book: {url}"));
        }
        if status >= 400 {
            problems.push(format!("{name}: {url} failed with HTTP {status}"));
        }
    }

    for entry in b.console().await? {
        if entry.level == "SEVERE" {
            problems.push(format!("{name}: console error: {}", entry.message));
        }
    }

    let file = name.trim_end_matches(".html").replace('/', "_");
    b.screenshot(&shots.join(format!("{file}.png"))).await?;
    Ok(problems)
}

/// mdBook's search, as a reader uses it: open it, type, and see a result for chapter 3.
pub async fn search(b: &Browser, word: &str) -> Result<Vec<String>> {
    b.client
        .find(Locator::Id("mdbook-search-toggle"))
        .await?
        .click()
        .await?;
    let bar = b.client.find(Locator::Id("mdbook-searchbar")).await?;
    bar.send_keys(word).await?;
    let found = b
        .wait_until(
            "const links = [...document.querySelectorAll('#mdbook-searchresults li a')].map((a) => a.getAttribute('href'));
             return links.length > 0 ? links : null;",
            Duration::from_secs(10),
            &format!("the search finds {word:?}"),
        )
        .await;
    Ok(match found {
        Ok(links) if links.to_string().contains("ch03-reparameterization.html") => vec![],
        Ok(links) => vec![format!(
            "searching {word:?} does not find chapter 3: {links}"
        )],
        Err(e) => vec![e.to_string()],
    })
}
