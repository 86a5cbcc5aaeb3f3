//! A static-file server for the built site on 127.0.0.1, on a port the system picks, in a
//! thread of the test. It records every request, so the test can also see from the server's
//! side what the browser asked for and what failed.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use tiny_http::{Header, Response, Server};

/// One request the browser made: its path and the status it got.
#[derive(Debug, Clone)]
pub struct Served {
    pub path: String,
    pub status: u16,
}

pub struct StaticServer {
    server: Arc<Server>,
    thread: Option<JoinHandle<()>>,
    log: Arc<Mutex<Vec<Served>>>,
    pub origin: String,
}

impl StaticServer {
    pub fn start(site: &Path) -> StaticServer {
        let server = Arc::new(Server::http("127.0.0.1:0").expect("a loopback port to serve on"));
        let port = server.server_addr().to_ip().expect("an IP listener").port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (site, s, l) = (site.to_path_buf(), Arc::clone(&server), Arc::clone(&log));
        let thread = std::thread::spawn(move || {
            for request in s.incoming_requests() {
                let path = request
                    .url()
                    .split(['?', '#'])
                    .next()
                    .unwrap_or("/")
                    .to_string();
                let (status, response) = match file_for(&site, &path) {
                    Some(file) => match std::fs::read(&file) {
                        Ok(bytes) => (
                            200,
                            Response::from_data(bytes).with_header(content_type(&file)),
                        ),
                        Err(_) => (404, Response::from_data(b"not found".to_vec())),
                    },
                    None => (404, Response::from_data(b"not found".to_vec())),
                };
                l.lock().unwrap().push(Served { path, status });
                let _ = request.respond(response.with_status_code(status));
            }
        });
        StaticServer {
            server,
            thread: Some(thread),
            log,
            origin: format!("http://127.0.0.1:{port}"),
        }
    }

    /// The requests served since the last call.
    pub fn take_log(&self) -> Vec<Served> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The file a URL path names inside `site` (a folder's index.html), never outside it.
fn file_for(site: &Path, path: &str) -> Option<PathBuf> {
    let relative = path.trim_start_matches('/');
    if relative.split('/').any(|part| part == "..") {
        return None;
    }
    let file = site.join(relative);
    let file = if file.is_dir() {
        file.join("index.html")
    } else {
        file
    };
    file.is_file().then_some(file)
}

fn content_type(file: &Path) -> Header {
    let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
    let mime = match ext {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "gif" => "image/gif",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "txt" | "hbs" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };
    Header::from_bytes("Content-Type", mime).unwrap()
}
