//! The one way publishing talks to a server: blocking requests with a timeout on connecting,
//! on the answer and on the whole exchange, bounded bodies, no redirects followed, and every
//! failure turned into a sentence that names the target and says what to do.
//!
//! Redirects are not followed because a redirect to another host would carry the writer's
//! credentials there; the writer is told where the site points instead. A server's words reach
//! the writer only as plain text, cut short.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use ureq::http::{Method, Request};

use crate::error::{Error, Result};

/// The most a server's answer may hold. Posts and their source are far smaller; an endless or
/// huge answer is refused instead of filling memory.
const MAX_BODY: u64 = 16 * 1024 * 1024;

/// Set to stop a publish between two requests. The request in flight ends by its timeouts.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// A flag that is not set.
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Asks the publish to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether it was asked to stop.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// The seconds a server has to answer: `QUIRE_PUBLISH_TIMEOUT`, else 30.
fn answer_timeout() -> Duration {
    let seconds = std::env::var("QUIRE_PUBLISH_TIMEOUT")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|s| *s > 0)
        .unwrap_or(30);
    Duration::from_secs(seconds)
}

/// A server's answer.
pub(crate) struct Reply {
    pub status: u16,
    pub location: Option<String>,
    /// `Link` header entries as (rel, href), one per rel.
    pub links: Vec<(String, String)>,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl Reply {
    /// The body as JSON, or a sentence saying it is not.
    pub fn json(&self, http: &Http, url: &str) -> Result<Value> {
        serde_json::from_slice(&self.body).map_err(|_| {
            http.fail(format!(
                "answered {} with something that is not JSON ({}) at {}; is the target's URL the site's own?",
                self.status,
                if self.content_type.is_empty() { "no type" } else { &self.content_type },
                shown_url(url)
            ))
        })
    }

    /// The server's own words, as short plain text: a JSON `message`, else the body's start.
    pub fn said(&self) -> String {
        let from_json = serde_json::from_slice::<Value>(&self.body)
            .ok()
            .and_then(|v| {
                ["message", "error_description", "error"]
                    .iter()
                    .find_map(|k| v.get(k).and_then(Value::as_str).map(str::to_string))
                    .or_else(|| {
                        // Ghost: {"errors": [{"message", "context"}]}, the context saying which field.
                        let first = v.get("errors")?.get(0)?;
                        let message = first.get("message")?.as_str()?.to_string();
                        Some(match first.get("context").and_then(Value::as_str) {
                            Some(context) if !context.is_empty() => format!("{message} {context}"),
                            _ => message,
                        })
                    })
            });
        let text = from_json.unwrap_or_else(|| {
            if self.content_type.contains("html") {
                String::new()
            } else {
                String::from_utf8_lossy(&self.body).into_owned()
            }
        });
        plain(&text)
    }
}

/// A server's words as a short line of plain text for a message: no control characters, cut
/// at 200 characters. (Shown as text, never as HTML.)
pub(crate) fn plain(text: &str) -> String {
    let plain: String = text
        .chars()
        .filter(|c| !c.is_control() || *c == ' ')
        .take(200)
        .collect();
    plain.trim().to_string()
}

/// A URL as shown in messages: without its query (which may hold a token).
pub(crate) fn shown_url(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

/// The host of a URL, for messages.
pub(crate) fn host_of(url: &str) -> &str {
    let rest = url.split("://").nth(1).unwrap_or(url);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

/// Requests to one target.
pub(crate) struct Http {
    agent: ureq::Agent,
    target: String,
    cancel: Cancel,
}

impl Http {
    /// A client for the target named `target`.
    pub fn new(target: &str, cancel: Cancel) -> Http {
        let answer = answer_timeout();
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(format!("Quire/{}", env!("CARGO_PKG_VERSION")))
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_recv_response(Some(answer))
            .timeout_recv_body(Some(answer * 2))
            .timeout_global(Some(answer * 4))
            .build();
        Http {
            agent: config.into(),
            target: target.to_string(),
            cancel,
        }
    }

    /// The target's name.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// An error about this target.
    pub fn fail(&self, message: String) -> Error {
        Error::Remote {
            target: self.target.clone(),
            message,
        }
    }

    /// Sends one request and reads the whole answer.
    pub fn send(
        &self,
        method: Method,
        url: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> Result<Reply> {
        if self.cancel.is_cancelled() {
            return Err(self.fail("publishing was cancelled; nothing more was sent".into()));
        }
        let mut request = Request::builder().method(method).uri(url);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let request = request.body(body).map_err(|e| {
            self.fail(format!(
                "{} is not a URL Quire can call ({e}); check the target's URL",
                shown_url(url)
            ))
        })?;
        let mut response = self
            .agent
            .run(request)
            .map_err(|e| self.network_error(url, e))?;
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let location = header("location");
        let links = response
            .headers()
            .get_all("link")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(parse_links)
            .collect();
        let content_type = header("content-type").unwrap_or_default();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_vec()
            .map_err(|e| self.network_error(url, e))?;
        let reply = Reply {
            status,
            location,
            links,
            content_type,
            body,
        };
        if (300..400).contains(&status) {
            let to = reply.location.clone().unwrap_or_default();
            let message = if host_of(&to) != host_of(url) && to.contains("://") {
                format!(
                    "{} redirects to another host ({}); Quire does not send your credentials there. If the site moved, add the target again with its new URL",
                    shown_url(url),
                    host_of(&to)
                )
            } else {
                format!(
                    "{} redirects to {}; add the target again with that URL",
                    shown_url(url),
                    shown_url(&to)
                )
            };
            return Err(self.fail(message));
        }
        Ok(reply)
    }

    /// Sends JSON (or nothing) and reads JSON, failing on any answer but 2xx.
    pub fn json(
        &self,
        method: Method,
        url: &str,
        headers: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<Value> {
        let mut all = headers.to_vec();
        all.push(("accept", "application/json".into()));
        let bytes = match body {
            Some(v) => {
                all.push(("content-type", "application/json".into()));
                serde_json::to_vec(v).map_err(|e| Error::Internal(e.to_string()))?
            }
            None => Vec::new(),
        };
        let reply = self.send(method, url, &all, bytes)?;
        self.expect_success(&reply, url)?;
        reply.json(self, url)
    }

    /// An error for any answer but 2xx, in words for the writer.
    pub fn expect_success(&self, reply: &Reply, url: &str) -> Result<()> {
        if (200..300).contains(&reply.status) {
            return Ok(());
        }
        Err(self.status_error(reply, url))
    }

    /// What an unsuccessful status means for the writer.
    pub fn status_error(&self, reply: &Reply, url: &str) -> Error {
        let said = reply.said();
        let said = if said.is_empty() {
            String::new()
        } else {
            format!(" (the site said: “{said}”)")
        };
        let message = match reply.status {
            401 | 403 => format!(
                "refused the credentials ({}){said}; check the login and password or key, and add the target again with `quire targets add`",
                reply.status
            ),
            404 => format!(
                "found nothing at {} (404){said}; check the target's URL",
                shown_url(url)
            ),
            408 | 429 | 502 | 503 | 504 => format!(
                "is busy or unavailable ({}){said}; nothing was changed here, try again in a while",
                reply.status
            ),
            500..=599 => format!(
                "failed on its side ({}){said}; nothing was recorded here, try again later or ask the site's host",
                reply.status
            ),
            other => format!("refused the request ({other}){said}"),
        };
        self.fail(message)
    }

    fn network_error(&self, url: &str, error: ureq::Error) -> Error {
        let host = host_of(url);
        let message = match error {
            ureq::Error::Timeout(_) => format!(
                "{host} did not answer within {} s; check your connection or try again later",
                answer_timeout().as_secs()
            ),
            ureq::Error::HostNotFound => {
                format!("no host called {host} was found; check the target's URL and your connection")
            }
            ureq::Error::ConnectionFailed => {
                format!("could not connect to {host}; is the site up, and is the URL right?")
            }
            ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                format!("{host} refused the connection; is the site up, and is the URL right?")
            }
            ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::TimedOut => format!(
                "{host} did not answer in time; check your connection or try again later"
            ),
            // rustls reports a failed handshake (a certificate it does not trust, plain HTTP
            // on the port) as an I/O error carrying its own.
            ureq::Error::Io(e)
                if url.starts_with("https:")
                    && e.kind() == std::io::ErrorKind::InvalidData =>
            {
                format!(
                    "the secure connection to {host} failed ({e}); check the site's certificate, or that the URL should be https"
                )
            }
            ureq::Error::Tls(why) => format!(
                "the secure connection to {host} failed ({why}); check the site's certificate, or that the URL should be https"
            ),
            ureq::Error::Rustls(e) => format!(
                "the secure connection to {host} failed ({e}); check the site's certificate, or that the URL should be https"
            ),
            ureq::Error::BodyExceedsLimit(_) => format!(
                "{host} answered with more than {} MB; is the target's URL the site's own?",
                MAX_BODY / 1024 / 1024
            ),
            ureq::Error::BadUri(e) => format!("{e} is not a URL Quire can call; check the target's URL"),
            other => format!("talking to {host} failed ({other}); try again later"),
        };
        self.fail(message)
    }
}

/// `<url>; rel="a b", <url2>; rel=c` as (rel, url) pairs.
fn parse_links(header: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for part in header.split(',') {
        let Some((url, params)) = part
            .trim()
            .strip_prefix('<')
            .and_then(|p| p.split_once('>'))
        else {
            continue;
        };
        for param in params.split(';') {
            if let Some(rels) = param.trim().strip_prefix("rel=") {
                for rel in rels.trim_matches('"').split_whitespace() {
                    out.push((rel.to_ascii_lowercase(), url.to_string()));
                }
            }
        }
    }
    out
}

/// A file name a server takes in an upload: ASCII letters, digits, `.`, `-` and `_`.
pub(crate) fn upload_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// A `multipart/form-data` body of text `fields` and one file; (content type, body).
pub(crate) fn multipart(
    fields: &[(&str, &str)],
    file_field: &str,
    name: &str,
    mime: &str,
    bytes: &[u8],
) -> (String, Vec<u8>) {
    // A boundary from the content cannot occur in it.
    let boundary = format!("quire-{}", blake3::hash(bytes).to_hex());
    let name = upload_name(name);
    let mut body = Vec::with_capacity(bytes.len() + 512);
    for (field, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"{name}\"\r\nContent-Type: {mime}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}
