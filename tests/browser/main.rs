//! The book in a real browser: builds it in-process (as tests/book does), serves it on
//! 127.0.0.1 from a thread of this test, and opens every page in Debian's headless Chromium
//! through chromedriver. Every page: no console error, no failed request, no request off the
//! machine, every image decoded, KaTeX's fonts on the formulas, a screenshot in
//! target/browser-test/. The search finds "reparameterization". The latent explorer, served and
//! opened from disk, agrees with the Rust encoder and decoder (tests/browser/explorer.rs), and
//! refuses damaged or missing weights. A chapter's quiz marks a right and a wrong answer and
//! explains them.

#[path = "../book/site.rs"]
mod site;

mod chrome;
mod explorer;
mod pages;
mod quiz;
mod server;
mod vectors;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};

use chrome::Browser;
use server::StaticServer;
use vectors::Vectors;

const EXPLORER: &str = "explorer.html";
const WEIGHTS: &str = "media/explorer/weights.js";
const VECTORS: &str = "media/explorer/test-vectors.json";
const NORMALISATION: &str = "media/explorer/normalisation.csv";
const CONDITIONAL: &str = "media/explorer/conditional.js";
const CONDITIONAL_VECTORS: &str = "media/explorer/conditional-vectors.json";
/// Chapter 6's weights, manifest, test vectors and table together: 2.5 MB at most (the 20-d
/// codes of the test digits, which name a drawing's nearest label, take 0.5 MB).
const MAX_EXPLORER_BYTES: u64 = 2_500_000;
/// Chapter 9's files (conditional*): 4.5 MB at most, most of it the CVAE's three networks of
/// two 500-unit layers each, in 8 bits a weight and base64.
const MAX_CONDITIONAL_BYTES: u64 = 4_500_000;

#[tokio::test(flavor = "current_thread")]
async fn every_page_in_chromium() {
    let missing = chrome::missing_programs();
    if !missing.is_empty() {
        let what = missing.join(" and ");
        if chrome::browser_required() {
            panic!(
                "the browser test needs {what}: {}. It is required under CI=true and \
                 .ci/test.",
                chrome::INSTALL_HINT
            );
        }
        eprintln!(
            "\n==================== BROWSER TEST SKIPPED ====================\n\
             {what} not found, so the book was not opened in a browser.\n\
             To run this suite: {}, then `cargo test --test browser`.\n\
             (Under CI=true or .ci/test a missing browser fails instead.)\n\
             ==============================================================\n",
            chrome::INSTALL_HINT
        );
        return;
    }
    let start = Instant::now();
    let shots = site::root().join("target").join("browser-test");
    std::fs::create_dir_all(&shots).unwrap();
    let out = tempfile::tempdir().unwrap();
    build(out.path());
    println!("book built in {:.1} s", start.elapsed().as_secs_f64());

    let server = StaticServer::start(out.path());
    let browser = match Browser::start(&shots).await {
        Ok(b) => b,
        Err(e) => panic!("{e:#}"),
    };
    // Nothing below panics before the browser is closed: problems are collected, then shown.
    let outcome = run(&browser, &server, out.path(), &shots).await;
    browser.close().await;
    println!(
        "browser test done in {:.1} s; screenshots in {}",
        start.elapsed().as_secs_f64(),
        shots.display()
    );
    let problems = outcome.unwrap_or_else(|e| vec![format!("{e:#}")]);
    assert!(
        problems.is_empty(),
        "{} problem(s) in the browser:\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

/// The book into `out`, as `mdbook build` makes it.
fn build(out: &Path) {
    let mut book = site::load_book();
    book.config.build.build_dir = out.to_path_buf();
    book.build().expect("the book builds");
}

async fn run(b: &Browser, server: &StaticServer, site: &Path, shots: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let vectors = Vectors::read(&site.join(VECTORS), &site.join(WEIGHTS))?;
    let conditional =
        vectors::read_conditional(&site.join(CONDITIONAL_VECTORS), &site.join(CONDITIONAL))?;
    let (conditional_bytes, bytes) = folder_size(&site.join(WEIGHTS).with_file_name(""))?;
    if bytes > MAX_EXPLORER_BYTES {
        problems.push(format!(
            "the explorer's data for chapter 6's models takes {bytes} bytes, more than {MAX_EXPLORER_BYTES}"
        ));
    }
    if conditional_bytes > MAX_CONDITIONAL_BYTES {
        problems.push(format!(
            "the explorer's data for chapter 9's models takes {conditional_bytes} bytes, more than {MAX_CONDITIONAL_BYTES}"
        ));
    }
    let mut measured = explorer::Measured::default();

    let pages = html_pages(site);
    b.warm_up(&format!("{}/index.html", server.origin)).await?;
    b.console().await?;
    server.take_log();
    for page in &pages {
        let url = format!("{}/{page}", server.origin);
        pages::open(b, &url).await?;
        problems.extend(pages::check(b, page, &server.origin, shots).await?);
        if page == EXPLORER {
            problems.extend(
                explorer::check(
                    b,
                    &vectors,
                    &site.join(WEIGHTS),
                    shots,
                    "served",
                    &mut measured,
                )
                .await?,
            );
            problems.extend(explorer::check_normalisation(b, &site.join(NORMALISATION)).await?);
            problems.extend(
                explorer::check_conditional(b, &conditional, shots, "served", &mut measured)
                    .await?,
            );
            problems.extend(console_errors(b, "explorer.html, after the interactions").await?);
        }
    }
    for served in server.take_log().iter().filter(|s| s.status >= 400) {
        problems.push(format!(
            "the server answered {} to {}",
            served.status, served.path
        ));
    }
    println!("{} pages checked", pages.len());

    pages::open(b, &format!("{}/index.html", server.origin)).await?;
    problems.extend(pages::search(b, "reparameterization").await?);

    pages::open(b, &format!("{}/{}", server.origin, quiz::PAGE)).await?;
    problems.extend(quiz::check(b, &server.origin, shots).await?);
    problems.extend(console_errors(b, "the quiz, after answering").await?);

    // A phone's width.
    b.client.set_window_size(400, 900).await?;
    pages::open(b, &format!("{}/{EXPLORER}", server.origin)).await?;
    problems.extend(explorer::check_narrow(b, &vectors, shots).await?);
    b.client.set_window_size(1280, 1000).await?;

    // From disk, where nothing can be fetched.
    let file_url = url::Url::from_file_path(site.join(EXPLORER))
        .map_err(|()| anyhow::anyhow!("{} is not an absolute path", site.display()))?;
    pages::open(b, file_url.as_str()).await?;
    problems.extend(pages::check(b, "explorer-from-disk", "file://", shots).await?);
    problems.extend(
        explorer::check(
            b,
            &vectors,
            &site.join(WEIGHTS),
            shots,
            "from-disk",
            &mut measured,
        )
        .await?,
    );
    problems.extend(
        explorer::check_conditional(b, &conditional, shots, "from-disk", &mut measured).await?,
    );
    problems.extend(console_errors(b, "explorer.html from disk, after the interactions").await?);

    // Damaged, then missing weights: the page must refuse them, with a message.
    let weights = site.join(WEIGHTS);
    let good = std::fs::read_to_string(&weights)?;
    std::fs::write(
        &weights,
        damage(&good).context("weights.js holds no base64 to damage")?,
    )?;
    pages::open(b, &format!("{}/{EXPLORER}", server.origin)).await?;
    problems.extend(explorer::expect_refusal(b, "a damaged weights.js", "damaged").await?);
    std::fs::remove_file(&weights)?;
    pages::open(b, &format!("{}/{EXPLORER}", server.origin)).await?;
    problems.extend(explorer::expect_refusal(b, "no weights.js", "missing").await?);
    std::fs::write(&weights, good)?;
    // Chapter 9's file damaged: its part refuses it, the rest of the page works.
    let script = site.join(CONDITIONAL);
    let good = std::fs::read_to_string(&script)?;
    std::fs::write(
        &script,
        damage(&good).context("conditional.js holds no base64 to damage")?,
    )?;
    pages::open(b, &format!("{}/{EXPLORER}", server.origin)).await?;
    problems.extend(explorer::expect_conditional_refusal(b, "damaged").await?);
    std::fs::write(&script, good)?;
    b.console().await?; // the refusals' own errors
    server.take_log();

    println!(
        "explorer: largest difference from Rust's decoder {:.2} grey levels, relative difference from Rust's encoder {:.1e}, median decode {:.2} ms; true posterior's numbers within {:.1e} nats of Rust's, computed in {:.0} ms at most",
        measured.grey, measured.relative, measured.decode_ms, measured.gap_nats, measured.gap_ms
    );
    Ok(problems)
}

async fn console_errors(b: &Browser, what: &str) -> Result<Vec<String>> {
    Ok(b.console()
        .await?
        .into_iter()
        .filter(|e| e.level == "SEVERE")
        .map(|e| format!("{what}: console error: {}", e.message))
        .collect())
}

/// The bytes of the files in `dir`: those of chapter 9 (named `conditional*`), the others.
fn folder_size(dir: &Path) -> Result<(u64, u64)> {
    let (mut conditional, mut rest) = (0, 0);
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let entry = entry?;
        let size = entry.metadata()?.len();
        if entry
            .file_name()
            .to_string_lossy()
            .starts_with("conditional")
        {
            conditional += size;
        } else {
            rest += size;
        }
    }
    Ok((conditional, rest))
}

/// The site's pages, relative to its root, sorted. mdBook's toc.html is left out: it is the
/// sidebar's frame for browsers without JavaScript, never a page of its own (opened alone, it
/// has no icon, and Chromium asks for /favicon.ico).
fn html_pages(site: &Path) -> Vec<String> {
    let mut pages = Vec::new();
    let mut folders = vec![PathBuf::from(site)];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "html") && !path.ends_with("toc.html") {
                let relative = path.strip_prefix(site).unwrap();
                pages.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    pages.sort();
    pages
}

/// The weights script with one base64 character of its data changed.
fn damage(script: &str) -> Option<String> {
    let start = script.find("\"base64\":\"")? + "\"base64\":\"".len();
    let at = start + (script[start..].find('"')?) / 2;
    let old = script.as_bytes()[at];
    let new = if old == b'A' { 'B' } else { 'A' };
    let mut damaged = script.to_string();
    damaged.replace_range(at..=at, &new.to_string());
    Some(damaged)
}
