//! Signing in to a Micropub site with IndieAuth, so that a writer never has to find and paste a
//! token: the site's home page names its sign-in (`authorization_endpoint`, `token_endpoint`, or
//! an `indieauth-metadata` document), the writer signs in and approves in their own browser, and
//! the browser comes back to a one-time address on this computer (`http://127.0.0.1:PORT/`, the
//! loopback redirect of OAuth for native apps, RFC 8252) with a code Quire trades for a token.
//!
//! The code is bound to this sign-in by PKCE (S256, RFC 7636) and a random `state`, so a code
//! caught on the way, or a page that calls the loopback address, gets nothing. The client id is
//! the loopback address itself: Quire has no website for a site to fetch, and IndieAuth allows
//! `127.0.0.1` client ids. The token goes to the keyring like a pasted one (see `add_target`).

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::Value;
use sha2::{Digest, Sha256};
use ureq::http::Method;

use super::http::{Cancel, Http, Reply};
use super::micropub::HomePage;
use super::Target;
use crate::error::Result;

/// What Quire asks to do: make posts, update them when published again, upload their images.
const SCOPE: &str = "create update media";

/// The most of a browser's request that is read: a callback is one short GET.
const MAX_REQUEST: usize = 16 * 1024;

/// A sign-in under way: the browser has an address to open, and Quire listens for its return.
pub struct SignIn {
    http: Http,
    site: String,
    token_endpoint: String,
    issuer: Option<String>,
    listener: TcpListener,
    client_id: String,
    redirect_uri: String,
    state: String,
    verifier: String,
    address: String,
    cancel: Cancel,
}

impl std::fmt::Debug for SignIn {
    // The verifier stays out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignIn")
            .field("site", &self.site)
            .field("redirect_uri", &self.redirect_uri)
            .finish_non_exhaustive()
    }
}

impl SignIn {
    /// Finds the site's sign-in and readies the address the browser comes back to.
    pub fn start(target: &Target, cancel: Cancel) -> Result<SignIn> {
        let http = Http::new(&target.name, cancel.clone());
        let site = target.url.trim().to_string();
        let (authorization, token_endpoint, issuer) = discover(&http, &site)?;

        let listener = TcpListener::bind(("127.0.0.1", 0)).map_err(|e| {
            http.fail(format!(
                "Quire could not listen on this computer for the browser to come back ({e})"
            ))
        })?;
        let port = listener
            .local_addr()
            .map_err(|e| http.fail(format!("no local address to listen on ({e})")))?
            .port();
        let client_id = format!("http://127.0.0.1:{port}/");
        let redirect_uri = format!("{client_id}callback");
        let verifier = random_text::<32>(&http)?;
        // 128 bits; short, as servers keep it in small columns (django-indieweb: 32 characters).
        let state = random_text::<16>(&http)?;
        let query = form(&[
            ("response_type", "code"),
            ("client_id", &client_id),
            ("redirect_uri", &redirect_uri),
            ("state", &state),
            ("code_challenge", &challenge(&verifier)),
            ("code_challenge_method", "S256"),
            ("scope", SCOPE),
            ("me", &site),
        ]);
        let sep = if authorization.contains('?') {
            '&'
        } else {
            '?'
        };
        let address = format!("{authorization}{sep}{query}");
        Ok(SignIn {
            http,
            site,
            token_endpoint,
            issuer,
            listener,
            client_id,
            redirect_uri,
            state,
            verifier,
            address,
            cancel,
        })
    }

    /// How long the CLI and the app wait for the writer to sign in in their browser: long
    /// enough to find a password, short enough that a forgotten tab ends the listener.
    pub const WAIT: Duration = Duration::from_secs(600);

    /// The page to open in the writer's browser.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// Waits, at most `wait`, for the browser to come back, then trades its code for a token.
    pub fn finish(self, wait: Duration) -> Result<String> {
        let (code, mut browser) = self.wait_for_code(wait)?;
        // The tab says how it ended only once it has: a token, or why not.
        let token = self.trade(&code);
        let page = match &token {
            Ok(_) => "You are signed in. You can close this tab and go back to Quire.",
            Err(_) => "The site gave Quire no token. Quire says why; you can close this tab.",
        };
        respond(&mut browser, 200, page);
        token
    }

    /// Trades the code for a token at the token endpoint.
    fn trade(&self, code: &str) -> Result<String> {
        let body = form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("client_id", &self.client_id),
            ("redirect_uri", &self.redirect_uri),
            ("code_verifier", &self.verifier),
        ]);
        let reply = self.http.send(
            Method::POST,
            &self.token_endpoint,
            &[
                (
                    "content-type",
                    "application/x-www-form-urlencoded".to_string(),
                ),
                ("accept", "application/json".to_string()),
            ],
            body.into_bytes(),
        )?;
        if !(200..300).contains(&reply.status) {
            return Err(self.http.fail(format!(
                "{} did not give Quire a token ({}: {}); sign in again",
                super::http::shown_url(&self.token_endpoint),
                reply.status,
                reply.said()
            )));
        }
        token_in(&reply).ok_or_else(|| {
            self.http.fail(format!(
                "{} answered without a token; sign in again, or paste a token from the site",
                super::http::shown_url(&self.token_endpoint)
            ))
        })
    }

    /// Serves the loopback address until the browser brings a code for this sign-in; the
    /// browser's connection is kept open for the answer.
    fn wait_for_code(&self, wait: Duration) -> Result<(String, TcpStream)> {
        self.listener.set_nonblocking(true).map_err(|e| {
            self.http
                .fail(format!("could not wait for the browser ({e})"))
        })?;
        let deadline = Instant::now() + wait;
        loop {
            if self.cancel.is_cancelled() {
                return Err(self
                    .http
                    .fail("signing in was cancelled; nothing was kept".into()));
            }
            if Instant::now() >= deadline {
                return Err(self.http.fail(format!(
                    "the browser did not come back from {} within {} minutes; add the target again to sign in",
                    super::http::host_of(&self.site),
                    wait.as_secs().div_ceil(60)
                )));
            }
            match self.listener.accept() {
                Ok((stream, _)) => {
                    if let Some(outcome) = self.answer(stream) {
                        return outcome;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(e) => {
                    return Err(self
                        .http
                        .fail(format!("could not wait for the browser ({e})")));
                }
            }
        }
    }

    /// Answers one request to the loopback address: `Some` when it ends the sign-in (with a
    /// code, the browser is answered after the code is traded).
    fn answer(&self, mut stream: TcpStream) -> Option<Result<(String, TcpStream)>> {
        let request = read_request(&mut stream)?;
        let callback = match Callback::parse(&request) {
            Some(callback) if callback.state.as_deref() == Some(self.state.as_str()) => callback,
            // Anything else (a favicon, another page calling this port, an old sign-in's
            // return) is turned away and the sign-in goes on waiting.
            _ => {
                respond(
                    &mut stream,
                    404,
                    "This is not the sign-in Quire is waiting for.",
                );
                return None;
            }
        };
        if let Some(error) = callback.error {
            respond(
                &mut stream,
                200,
                "The site did not sign you in to Quire. You can close this tab.",
            );
            let detail = callback
                .error_description
                .map(|d| format!(" ({})", super::http::plain(&d)))
                .unwrap_or_default();
            return Some(Err(self.http.fail(format!(
                "the site refused the sign-in: {}{detail}; add the target again to retry",
                super::http::plain(&error)
            ))));
        }
        // A site that names its issuer must be the one that answers (IndieAuth's `iss`).
        if let (Some(expected), Some(iss)) = (&self.issuer, &callback.iss) {
            if expected != iss {
                respond(&mut stream, 400, "This sign-in came from another site.");
                return Some(Err(self.http.fail(format!(
                    "the sign-in came back from {} rather than {}; nothing was kept",
                    super::http::plain(iss),
                    expected
                ))));
            }
        }
        let Some(code) = callback.code else {
            respond(&mut stream, 400, "The site sent no code.");
            return Some(Err(self.http.fail(
                "the site came back without a sign-in code; add the target again".into(),
            )));
        };
        Some(Ok((code, stream)))
    }
}

/// The site's authorization and token endpoints, and its issuer when it publishes metadata.
fn discover(http: &Http, site: &str) -> Result<(String, String, Option<String>)> {
    let home = HomePage::read(http, site)?;
    let found = if let Some(metadata) = home.link("indieauth-metadata") {
        let document = http.json(Method::GET, &metadata, &[], None)?;
        let field = |name: &str| {
            document
                .get(name)
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        (
            field("authorization_endpoint"),
            field("token_endpoint"),
            field("issuer"),
        )
    } else {
        (
            home.link("authorization_endpoint"),
            home.link("token_endpoint"),
            None,
        )
    };
    match found {
        (Some(authorization), Some(token), issuer)
            if web_address(&authorization) && web_address(&token) =>
        {
            Ok((authorization, token, issuer))
        }
        _ => Err(http.fail(format!(
            "{} does not offer an IndieAuth sign-in (no authorization and token endpoints on its home page); paste an app token from the site instead",
            super::http::shown_url(site)
        ))),
    }
}

fn web_address(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// `N` random bytes as URL-safe text: a PKCE verifier (32: 43 characters) or a state.
fn random_text<const N: usize>(http: &Http) -> Result<String> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes)
        .map_err(|e| http.fail(format!("this computer gave no random numbers ({e})")))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// The S256 code challenge of a verifier (RFC 7636 §4.2).
fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn form(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// The token in a token endpoint's answer: JSON, or the form encoding older servers send.
fn token_in(reply: &Reply) -> Option<String> {
    let token = match serde_json::from_slice::<Value>(&reply.body) {
        Ok(json) => json
            .get("access_token")
            .and_then(Value::as_str)
            .map(str::to_string),
        Err(_) => form_urlencoded::parse(&reply.body)
            .find(|(k, _)| k == "access_token")
            .map(|(_, v)| v.into_owned()),
    };
    token.filter(|t| !t.trim().is_empty())
}

/// The head of one HTTP request, if it arrives whole within a few seconds.
fn read_request(stream: &mut TcpStream) -> Option<String> {
    stream.set_nonblocking(false).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut head = Vec::new();
    let mut chunk = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        if head.len() > MAX_REQUEST {
            return None;
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&chunk[..n]),
        }
    }
    String::from_utf8(head).ok()
}

/// What the browser brought back to `/callback`.
#[derive(Debug, Default, PartialEq)]
struct Callback {
    code: Option<String>,
    state: Option<String>,
    iss: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

impl Callback {
    /// The callback in a request head (`GET /callback?… HTTP/1.1`); `None` for any other page.
    fn parse(request: &str) -> Option<Callback> {
        let line = request.lines().next()?;
        let mut parts = line.split(' ');
        let (method, target) = (parts.next()?, parts.next()?);
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        if method != "GET" || path != "/callback" {
            return None;
        }
        let mut callback = Callback::default();
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            let slot = match key.as_ref() {
                "code" => &mut callback.code,
                "state" => &mut callback.state,
                "iss" => &mut callback.iss,
                "error" => &mut callback.error,
                "error_description" => &mut callback.error_description,
                _ => continue,
            };
            slot.get_or_insert_with(|| value.into_owned());
        }
        Some(callback)
    }
}

/// A small page for the browser tab; `message` is Quire's own words, never the site's.
fn respond(stream: &mut TcpStream, status: u16, message: &str) {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        _ => "Not Found",
    };
    let page = format!(
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Quire</title>\
         <body style=\"font:18px/1.5 system-ui,sans-serif;margin:4em auto;max-width:32em\">\
         <h1 style=\"font-size:1.4em\">Quire</h1><p>{message}</p></body></html>"
    );
    let _ = write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\ncache-control: no-store\r\nreferrer-policy: no-referrer\r\nconnection: close\r\n\r\n{page}",
        page.len()
    );
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Write);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_challenge_is_rfc_7636s_example() {
        // RFC 7636 appendix B.
        assert_eq!(
            challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn the_callback_is_read_from_the_request_line_and_decoded() {
        let request = "GET /callback?code=a%2Bb&state=s1&iss=http%3A%2F%2Fsite%2F HTTP/1.1\r\nHost: x\r\n\r\n";
        assert_eq!(
            Callback::parse(request),
            Some(Callback {
                code: Some("a+b".into()),
                state: Some("s1".into()),
                iss: Some("http://site/".into()),
                ..Callback::default()
            })
        );
        let refused = "GET /callback?error=access_denied&state=s1 HTTP/1.1\r\n\r\n";
        assert_eq!(
            Callback::parse(refused).and_then(|c| c.error),
            Some("access_denied".into())
        );
        // Other pages and methods are not the callback.
        assert_eq!(Callback::parse("GET /favicon.ico HTTP/1.1\r\n\r\n"), None);
        assert_eq!(
            Callback::parse("POST /callback?code=x HTTP/1.1\r\n\r\n"),
            None
        );
    }

    fn target(url: &str) -> Target {
        Target {
            name: "blog".into(),
            kind: super::super::TargetKind::Micropub,
            url: url.into(),
            user: None,
            branch: None,
        }
    }

    /// A one-page site on loopback that answers every request with `page`.
    fn site(page: &'static str) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
        let url = format!("http://{}/", listener.local_addr().expect("addr"));
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                let _ = read_request(&mut stream);
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{page}",
                    page.len()
                );
            }
        });
        url
    }

    fn get(url: &str) -> (u16, String) {
        let mut reply = ureq::get(url)
            .config()
            .http_status_as_error(false)
            .build()
            .call()
            .expect("the loopback address answers");
        (
            reply.status().as_u16(),
            reply.body_mut().read_to_string().unwrap_or_default(),
        )
    }

    fn param(address: &str, name: &str) -> String {
        let query = address.split_once('?').expect("a query").1;
        form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    }

    /// A home page naming its IndieAuth endpoints.
    const SIGN_IN_PAGE: &str =
        "<!doctype html><link rel=\"authorization_endpoint\" href=\"/auth\">\
                                <link rel=\"token_endpoint\" href=\"/token\">";

    #[test]
    fn a_site_without_a_sign_in_says_to_paste_a_token() {
        let url = site("<!doctype html><link rel=\"micropub\" href=\"/mp\">");
        let error = SignIn::start(&target(&url), Cancel::new()).expect_err("no sign-in");
        assert!(
            error
                .to_string()
                .contains("does not offer an IndieAuth sign-in")
                && error.to_string().contains("paste an app token"),
            "{error}"
        );
    }

    #[test]
    fn the_address_asks_for_a_pkce_bound_code_and_a_stranger_calling_back_gets_nothing() {
        let url = site(SIGN_IN_PAGE);
        let sign_in = SignIn::start(&target(&url), Cancel::new()).expect("sign-in found");
        let address = sign_in.address().to_string();
        assert!(address.starts_with(&format!("{url}auth?")), "{address}");
        assert_eq!(param(&address, "response_type"), "code");
        assert_eq!(param(&address, "code_challenge_method"), "S256");
        assert_eq!(
            param(&address, "code_challenge"),
            challenge(&sign_in.verifier)
        );
        assert_eq!(param(&address, "me"), url);
        let redirect = param(&address, "redirect_uri");
        assert!(redirect.starts_with("http://127.0.0.1:"), "{redirect}");
        assert_eq!(param(&address, "state").len(), 22);
        assert_eq!(sign_in.verifier.len(), 43);

        let cancel = sign_in.cancel.clone();
        let waiting = std::thread::spawn(move || sign_in.finish(Duration::from_secs(30)));
        // Another page calling the loopback address with a code but the wrong state is turned
        // away, and the sign-in goes on waiting.
        let (status, page) = get(&format!("{redirect}?code=stolen&state=guess"));
        assert_eq!(status, 404);
        assert!(
            page.contains("not the sign-in Quire is waiting for"),
            "{page}"
        );
        let (status, _) = get(&redirect.replace("/callback", "/favicon.ico"));
        assert_eq!(status, 404);
        assert!(!waiting.is_finished());
        cancel.cancel();
        let error = waiting.join().expect("no panic").expect_err("cancelled");
        assert!(error.to_string().contains("cancelled"), "{error}");
    }

    #[test]
    fn a_refusal_in_the_browser_is_a_sentence_and_the_page_says_so() {
        let url = site(SIGN_IN_PAGE);
        let sign_in = SignIn::start(&target(&url), Cancel::new()).expect("sign-in found");
        let (redirect, state) = (
            param(sign_in.address(), "redirect_uri"),
            param(sign_in.address(), "state"),
        );
        let waiting = std::thread::spawn(move || sign_in.finish(Duration::from_secs(30)));
        let (status, page) = get(&format!(
            "{redirect}?error=access_denied&error_description=%3Cb%3Eno%3C%2Fb%3E&state={state}"
        ));
        assert_eq!(status, 200);
        assert!(page.contains("did not sign you in"), "{page}");
        assert!(
            !page.contains("<b>"),
            "the site's words never reach the page: {page}"
        );
        let error = waiting.join().expect("no panic").expect_err("refused");
        assert!(
            error
                .to_string()
                .contains("refused the sign-in: access_denied"),
            "{error}"
        );
    }
}
