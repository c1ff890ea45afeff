//! WordPress over its REST API (`/wp/v2/`), signed in with an application password.
//!
//! Routes go through `?rest_route=`, which every WordPress answers, pretty permalinks or not.
//! Posts are read and written in the `edit` context, so what Quire compares for drift is the
//! post's raw source (`title.raw`, `content.raw`, `excerpt.raw`), not HTML the theme filtered.

use base64::Engine as _;
use serde_json::{json, Value};
use ureq::http::Method;

use super::http::{upload_name, Cancel, Http};
use super::{fingerprint, Post, PostStatus, Remote, RemotePost, Target};
use crate::error::Result;
use crate::store::ImageRecord;

pub(super) struct WordPress {
    http: Http,
    base: String,
    auth: String,
}

impl WordPress {
    pub fn new(target: &Target, password: &str, cancel: Cancel) -> WordPress {
        let login = target.user.clone().unwrap_or_default();
        // Application passwords are shown in groups of four; WordPress takes them either way.
        let password: String = password.chars().filter(|c| !c.is_whitespace()).collect();
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{login}:{password}"));
        WordPress {
            http: Http::new(&target.name, cancel),
            base: target.url.trim_end_matches('/').to_string(),
            auth: format!("Basic {token}"),
        }
    }

    fn url(&self, route: &str, query: &str) -> String {
        let query = if query.is_empty() {
            String::new()
        } else {
            format!("&{query}")
        };
        format!("{}/?rest_route=/wp/v2/{route}{query}", self.base)
    }

    fn call(
        &self,
        method: Method,
        route: &str,
        query: &str,
        body: Option<&Value>,
    ) -> Result<Value> {
        let url = self.url(route, query);
        self.http
            .json(method, &url, &[("authorization", self.auth.clone())], body)
    }

    /// Signs in: the login and password are right and may write posts.
    pub fn check(&self) -> Result<()> {
        let me = self.call(Method::GET, "users/me", "context=edit", None)?;
        let can_write = me
            .get("capabilities")
            .and_then(|c| c.get("edit_posts"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if !can_write {
            return Err(self.http.fail(
                "signed in, but this login may not write posts; use an author's or editor's application password".into(),
            ));
        }
        Ok(())
    }

    /// The ids of the tags, made on the site when missing.
    fn tag_ids(&self, tags: &[String]) -> Result<Vec<i64>> {
        let mut ids = Vec::new();
        for tag in tags {
            let query = format!("search={}&per_page=100&context=edit", encode(tag));
            let found = self.call(Method::GET, "tags", &query, None)?;
            let existing = found.as_array().and_then(|all| {
                all.iter().find(|t| {
                    t.get("name")
                        .and_then(Value::as_str)
                        .is_some_and(|n| n.eq_ignore_ascii_case(tag))
                })
            });
            let id = match existing {
                Some(t) => t.get("id").and_then(Value::as_i64),
                None => {
                    let url = self.url("tags", "");
                    let body = serde_json::to_vec(&json!({ "name": tag })).unwrap_or_default();
                    let reply = self.http.send(
                        Method::POST,
                        &url,
                        &[
                            ("authorization", self.auth.clone()),
                            ("content-type", "application/json".into()),
                        ],
                        body,
                    )?;
                    let value = reply.json(&self.http, &url)?;
                    // Two tags that differ only in case or accents are one term to WordPress.
                    if reply.status == 400 {
                        value
                            .get("data")
                            .and_then(|d| d.get("term_id"))
                            .and_then(Value::as_i64)
                            .or(None)
                            .map_or_else(
                                || Err(self.http.status_error(&reply, &url)),
                                |id| Ok(Some(id)),
                            )?
                    } else {
                        self.http.expect_success(&reply, &url)?;
                        value.get("id").and_then(Value::as_i64)
                    }
                }
            };
            if let Some(id) = id {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    fn body_of(&self, post: &Post) -> Result<Value> {
        let status = match post.status {
            PostStatus::Draft => "draft",
            PostStatus::Publish => "publish",
            PostStatus::Scheduled => "future",
        };
        let mut body = json!({
            "title": post.title,
            "content": wrap_html_block(&post.html),
            "excerpt": post.excerpt.clone().unwrap_or_default(),
            "slug": post.slug,
            "status": status,
            "tags": self.tag_ids(&post.tags)?,
        });
        if let Some(date) = post.date_utc() {
            body["date_gmt"] = json!(date);
        }
        Ok(body)
    }

    fn remote_post(&self, value: &Value) -> Result<RemotePost> {
        let raw = |field: &str| {
            value
                .get(field)
                .and_then(|f| f.get("raw"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let id = value.get("id").and_then(Value::as_i64).ok_or_else(|| {
            self.http
                .fail("answered without a post id; is this a WordPress site?".into())
        })?;
        let (title, content, excerpt) = (raw("title"), raw("content"), raw("excerpt"));
        Ok(RemotePost {
            id: id.to_string(),
            url: value
                .get("link")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            fingerprint: fingerprint(&[&title, &content, &excerpt]),
            stamp: value
                .get("modified_gmt")
                .and_then(Value::as_str)
                .map(str::to_string),
            status: value
                .get("status")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            body: unwrap_html_block(&content).to_string(),
        })
    }
}

impl Remote for WordPress {
    fn upload(&self, name: &str, mime: &str, bytes: Vec<u8>) -> Result<ImageRecord> {
        let url = self.url("media", "");
        let safe = upload_name(name);
        let reply = self.http.send(
            Method::POST,
            &url,
            &[
                ("authorization", self.auth.clone()),
                ("content-type", mime.to_string()),
                (
                    "content-disposition",
                    format!("attachment; filename=\"{safe}\""),
                ),
                ("accept", "application/json".into()),
            ],
            bytes,
        )?;
        if !(200..300).contains(&reply.status) && reply.said().contains("file type") {
            return Err(self.http.fail(format!(
                "does not take {name} ({mime}): “{}”; convert the image to PNG or JPEG",
                reply.said()
            )));
        }
        self.http.expect_success(&reply, &url)?;
        let value = reply.json(&self.http, &url)?;
        let source = value
            .get("source_url")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                self.http
                    .fail(format!("took {name} but said not where it is"))
            })?;
        Ok(ImageRecord {
            url: source.to_string(),
            remote_id: value
                .get("id")
                .and_then(Value::as_i64)
                .map(|i| i.to_string()),
        })
    }

    fn fetch(&self, id: &str) -> Result<Option<RemotePost>> {
        let url = self.url(&format!("posts/{id}"), "context=edit");
        let reply = self.http.send(
            Method::GET,
            &url,
            &[
                ("authorization", self.auth.clone()),
                ("accept", "application/json".into()),
            ],
            Vec::new(),
        )?;
        if reply.status == 404 || reply.status == 410 {
            return Ok(None);
        }
        self.http.expect_success(&reply, &url)?;
        let post = self.remote_post(&reply.json(&self.http, &url)?)?;
        Ok((post.status != "trash").then_some(post))
    }

    fn create(&self, post: &Post) -> Result<RemotePost> {
        let body = self.body_of(post)?;
        let value = self.call(Method::POST, "posts", "", Some(&body))?;
        self.remote_post(&value)
    }

    fn update(&self, id: &str, post: &Post, _current: &RemotePost) -> Result<RemotePost> {
        let body = self.body_of(post)?;
        let value = self.call(Method::POST, &format!("posts/{id}"), "", Some(&body))?;
        self.remote_post(&value)
    }
}

/// Percent-encodes a query value.
fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The body as one Custom HTML block. A post without blocks goes through `wpautop`, which turns
/// every line break inside a paragraph into `<br />` and wraps loose lines in `<p>`: the page
/// would not be the one the writer previewed. A block post is shown as it was given.
fn wrap_html_block(html: &str) -> String {
    format!("<!-- wp:html -->\n{html}\n<!-- /wp:html -->")
}

/// The body without the block around it (for a writer reading the site's version).
fn unwrap_html_block(raw: &str) -> &str {
    raw.trim()
        .strip_prefix("<!-- wp:html -->")
        .and_then(|r| r.strip_suffix("<!-- /wp:html -->"))
        .map_or(raw, str::trim)
}
