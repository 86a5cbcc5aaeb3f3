//! Debian's Chromium, headless, driven through chromedriver (both from apt, installed by
//! .ci/install), with a fresh profile and every background connection switched off: the
//! machine has no network, and the test checks that the book asks for none.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use fantoccini::wd::{Capabilities, TimeoutConfiguration, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// chromedriver and its browser session; dropping it ends both.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

/// The programs the suite needs that this machine lacks (empty when it can run).
pub fn missing_programs() -> Vec<&'static str> {
    [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|program| !Path::new(program).is_file())
        .collect()
}

/// Whether a missing browser fails the suite: on CI (`CI=true`, as CI services set it) and
/// under `.ci/test` (which sets `VAE_BOOK_REQUIRE_PACKAGES=1`; `VAE_BOOK_REQUIRE_BROWSER=1`
/// asks for the browser alone); elsewhere it is skipped, loudly.
pub fn browser_required() -> bool {
    let set = |name: &str| {
        std::env::var(name).is_ok_and(|v| matches!(v.trim(), "1" | "true" | "TRUE" | "yes"))
    };
    set("CI") || set("VAE_BOOK_REQUIRE_PACKAGES") || set("VAE_BOOK_REQUIRE_BROWSER")
}

/// What to install, for the messages of a missing browser.
pub const INSTALL_HINT: &str = "install Debian's chromium and chromium-driver \
     (`apt-get install chromium chromium-driver`, which `bash .ci/install` runs)";

impl Browser {
    pub async fn start(logs: &Path) -> Result<Browser> {
        if let Some(program) = missing_programs().first() {
            bail!("{program} is missing: {INSTALL_HINT}");
        }
        let port = free_port()?;
        let mut driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg(format!(
                "--log-path={}",
                logs.join("chromedriver.log").display()
            ))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("cannot start chromedriver")?;
        if let Err(e) = wait_for_port(port, Duration::from_secs(20)) {
            let _ = driver.kill();
            let _ = driver.wait();
            return Err(e);
        }
        let profile = tempfile::tempdir()?;
        let mut caps = Capabilities::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-default-apps",
                    "--disable-extensions",
                    "--hide-scrollbars",
                    "--window-size=1280,1000",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            }),
        );
        caps.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await;
        let client = match client {
            Ok(client) => client,
            Err(e) => {
                let _ = driver.kill();
                let _ = driver.wait();
                bail!("chromedriver could not start Chromium: {e}");
            }
        };
        // Chromium's first tab holds its new-tab page, which on a machine without network can
        // keep the first navigation waiting for a minute: the test works in a blank tab.
        let blank = async {
            let tab = client.new_window(true).await?.handle;
            client.close_window().await?;
            client.switch_to_window(tab).await
        };
        if let Err(e) = blank.await {
            let _ = client.clone().close().await;
            let _ = driver.kill();
            let _ = driver.wait();
            bail!("cannot open a blank tab: {e}");
        }
        if let Err(e) = client.update_timeouts(page_timeouts()).await {
            let _ = client.clone().close().await;
            let _ = driver.kill();
            let _ = driver.wait();
            bail!("cannot set the browser's timeouts: {e}");
        }
        Ok(Browser {
            client,
            driver,
            _profile: profile,
        })
    }

    /// The first navigation of a fresh Chromium now and then waits on its renderer until the
    /// page-load timeout (seen on this loaded 2-core machine, never on a later page, and once
    /// twice in a row while another core trained): the first page is opened in a fresh tab,
    /// up to three times. The page checks that follow get no such second chance.
    pub async fn warm_up(&self, url: &str) -> Result<()> {
        const TRIES: usize = 3;
        let short = TimeoutConfiguration::new(
            Some(Duration::from_secs(30)),
            Some(Duration::from_secs(20)),
            Some(Duration::ZERO),
        );
        self.client.update_timeouts(short).await?;
        let mut outcome = self.client.goto(url).await;
        for _ in 1..TRIES {
            let Err(e) = &outcome else { break };
            println!("warm-up: opening {url} failed ({e}); trying again in a new tab");
            let tab = self.client.new_window(true).await?.handle;
            self.client.close_window().await?;
            self.client.switch_to_window(tab).await?;
            outcome = self.client.goto(url).await;
        }
        self.client.update_timeouts(page_timeouts()).await?;
        outcome.with_context(|| format!("opening {url}, {TRIES} times"))?;
        Ok(())
    }

    /// Ends the session (closing Chromium), then chromedriver.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }

    /// The browser's console messages since the last call (chromedriver's log of the page).
    pub async fn console(&self) -> Result<Vec<LogEntry>> {
        let value = self.client.issue_cmd(BrowserLog).await?;
        Ok(serde_json::from_value(value)?)
    }

    /// Runs `script` (a function body) in the page and returns what it returns.
    pub async fn js(&self, script: &str) -> Result<Value> {
        Ok(self.client.execute(script, vec![]).await?)
    }

    /// Runs `script` with a `done` callback (the last argument) and returns what it passes.
    pub async fn js_async(&self, script: &str) -> Result<Value> {
        let script = format!("const done = arguments[arguments.length - 1];\n{script}");
        Ok(self.client.execute_async(&script, vec![]).await?)
    }

    /// Waits until `script` returns a truthy value; fails with `what` after `timeout`.
    pub async fn wait_until(&self, script: &str, timeout: Duration, what: &str) -> Result<Value> {
        let start = Instant::now();
        loop {
            let value = self.js(script).await?;
            if !matches!(value, Value::Null | Value::Bool(false)) {
                return Ok(value);
            }
            if start.elapsed() > timeout {
                bail!("{what}: not so after {timeout:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn screenshot(&self, path: &PathBuf) -> Result<()> {
        let png = self.client.screenshot().await?;
        std::fs::write(path, png).with_context(|| format!("cannot write {}", path.display()))
    }
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct LogEntry {
    pub level: String,
    pub message: String,
}

/// chromedriver's own endpoint for the console log (kept from before W3C WebDriver, which
/// has none), fed by the `goog:loggingPrefs` capability.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({ "type": "browser" }).to_string()),
        )
    }
}

/// A page that does not load in a minute has failed (WebDriver's default waits five); a
/// script gets half a minute.
fn page_timeouts() -> TimeoutConfiguration {
    TimeoutConfiguration::new(
        Some(Duration::from_secs(30)),
        Some(Duration::from_secs(60)),
        Some(Duration::ZERO),
    )
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn wait_for_port(port: u16, timeout: Duration) -> Result<()> {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if start.elapsed() > timeout {
            bail!("chromedriver did not listen on port {port} within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}
