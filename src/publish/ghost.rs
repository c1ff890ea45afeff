//! Ghost over its Admin API (`/ghost/api/admin/`), signed with an Admin API key.
//!
//! The key (`id:secret`, from an integration in Ghost's settings) signs a short-lived token
//! for each request. Ghost keeps a post as Lexical, not as the HTML it was given, so drift is
//! Ghost's own `updated_at`: an update sends the `updated_at` it replaces, and Ghost refuses
//! (409) when the post changed in between, which no read-compare-write could promise.

use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use ureq::http::Method;

use super::http::{multipart, upload_name, Cancel, Http};
use super::{Post, PostStatus, Remote, RemotePost, Target};
use crate::error::{Error, Remedy, Result};
use crate::store::ImageRecord;

/// Ghost refuses longer excerpts.
const EXCERPT_LIMIT: usize = 300;

pub(super) struct Ghost {
    http: Http,
    base: String,
    key_id: String,
    secret: Vec<u8>,
}

impl Ghost {
    /// A client; the key must be `id:secret` with a hex secret, as Ghost shows it.
    pub fn new(target: &Target, key: &str, cancel: Cancel) -> Result<Ghost> {
        let http = Http::new(&target.name, cancel);
        let (id, secret) = key.trim().split_once(':').unwrap_or_default();
        let secret = hex(secret).filter(|s| !id.is_empty() && !s.is_empty()).ok_or_else(|| {
            http.fail("the Admin API key should look like 24 characters, a colon, then 64 hex digits; copy it from Ghost's Settings → Integrations".into())
        })?;
        Ok(Ghost {
            http,
            base: format!("{}/ghost/api/admin", target.url.trim_end_matches('/')),
            key_id: id.to_string(),
            secret,
        })
    }

    /// A token for one request: HS256 over `{iat, exp, aud}`, valid five minutes.
    fn token(&self) -> String {
        use base64::Engine as _;
        let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        let now = chrono::Utc::now().timestamp();
        let header = json!({"alg": "HS256", "typ": "JWT", "kid": self.key_id});
        let claims = json!({"iat": now, "exp": now + 300, "aud": "/admin/"});
        let signed = format!(
            "{}.{}",
            b64(header.to_string().as_bytes()),
            b64(claims.to_string().as_bytes())
        );
        let mut mac = match Hmac::<Sha256>::new_from_slice(&self.secret) {
            Ok(mac) => mac,
            // HMAC takes keys of any length; this is unreachable, and a bad token is refused.
            Err(_) => return signed,
        };
        mac.update(signed.as_bytes());
        format!("{signed}.{}", b64(&mac.finalize().into_bytes()))
    }

    fn headers(&self) -> Vec<(&'static str, String)> {
        vec![
            ("authorization", format!("Ghost {}", self.token())),
            ("accept-version", "v5.0".into()),
        ]
    }

    fn call(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Value> {
        let url = format!("{}/{path}", self.base);
        self.http.json(method, &url, &self.headers(), body)
    }

    /// Signs in: the key is right and may read posts.
    pub fn check(&self) -> Result<()> {
        self.call(Method::GET, "posts/?limit=1&fields=id", None)
            .map(drop)
    }

    fn body_of(&self, post: &Post, updated_at: Option<&str>) -> Value {
        let status = match post.status {
            PostStatus::Draft => "draft",
            PostStatus::Publish => "published",
            PostStatus::Scheduled => "scheduled",
        };
        let excerpt = post.excerpt.as_deref().map(|e| {
            if e.chars().count() <= EXCERPT_LIMIT {
                e.to_string()
            } else {
                let cut: String = e.chars().take(EXCERPT_LIMIT - 1).collect();
                format!("{}…", cut.trim_end())
            }
        });
        // One HTML card: Ghost keeps its content as given instead of converting it to its own
        // editor's blocks, which loses what it has no block for (MathML, drawn diagrams) and
        // refuses some pages outright ("Failed to convert HTML").
        let html = format!(
            "<!--kg-card-begin: html-->\n{}\n<!--kg-card-end: html-->",
            post.html
        );
        let mut body = json!({
            "title": post.title,
            "html": html,
            "custom_excerpt": excerpt,
            "slug": post.slug,
            "status": status,
            "tags": post.tags.iter().map(|t| json!({"name": t})).collect::<Vec<_>>(),
        });
        if let Some(date) = &post.date {
            body["published_at"] = json!(date);
        }
        if let Some(updated_at) = updated_at {
            body["updated_at"] = json!(updated_at);
        }
        json!({ "posts": [body] })
    }

    fn remote_post(&self, value: &Value) -> Result<RemotePost> {
        let post = value.get("posts").and_then(|p| p.get(0)).ok_or_else(|| {
            self.http
                .fail("answered without a post; is this a Ghost site?".into())
        })?;
        let text = |field: &str| {
            post.get(field)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let updated_at = text("updated_at");
        Ok(RemotePost {
            id: text("id"),
            url: text("url"),
            fingerprint: updated_at.clone(),
            stamp: Some(updated_at),
            status: text("status"),
            body: text("html"),
        })
    }
}

impl Remote for Ghost {
    fn takes_svg(&self) -> bool {
        // Ghost sanitizes the SVG it stores.
        true
    }

    fn upload(&self, name: &str, mime: &str, bytes: Vec<u8>) -> Result<ImageRecord> {
        let url = format!("{}/images/upload/", self.base);
        let safe = upload_name(name);
        let (content_type, body) = multipart(
            &[("purpose", "image"), ("ref", &safe)],
            "file",
            name,
            mime,
            &bytes,
        );
        let mut headers = self.headers();
        headers.push(("content-type", content_type));
        headers.push(("accept", "application/json".into()));
        let reply = self.http.send(Method::POST, &url, &headers, body)?;
        self.http.expect_success(&reply, &url)?;
        let value = reply.json(&self.http, &url)?;
        let at = value
            .get("images")
            .and_then(|i| i.get(0))
            .and_then(|i| i.get("url"))
            .and_then(Value::as_str)
            .ok_or_else(|| {
                self.http
                    .fail(format!("took {name} but said not where it is"))
            })?;
        Ok(ImageRecord {
            url: at.to_string(),
            remote_id: None,
        })
    }

    fn fetch(&self, id: &str) -> Result<Option<RemotePost>> {
        let url = format!("{}/posts/{id}/?formats=html", self.base);
        let mut headers = self.headers();
        headers.push(("accept", "application/json".into()));
        let reply = self.http.send(Method::GET, &url, &headers, Vec::new())?;
        if reply.status == 404 {
            return Ok(None);
        }
        self.http.expect_success(&reply, &url)?;
        self.remote_post(&reply.json(&self.http, &url)?).map(Some)
    }

    fn create(&self, post: &Post) -> Result<RemotePost> {
        let value = self.call(
            Method::POST,
            "posts/?source=html",
            Some(&self.body_of(post, None)),
        )?;
        self.remote_post(&value)
    }

    fn update(&self, id: &str, post: &Post, current: &RemotePost) -> Result<RemotePost> {
        let url = format!("{}/posts/{id}/?source=html", self.base);
        let mut headers = self.headers();
        headers.push(("accept", "application/json".into()));
        headers.push(("content-type", "application/json".into()));
        let body = self.body_of(post, current.stamp.as_deref());
        let bytes = serde_json::to_vec(&body).map_err(|e| Error::Internal(e.to_string()))?;
        let reply = self.http.send(Method::PUT, &url, &headers, bytes)?;
        if reply.status == 409 {
            return Err(Error::Drift {
                target: self.http.target().to_string(),
                message: format!(
                    "“{}” was edited on the site while Quire was publishing it; nothing was replaced",
                    post.title
                ),
                remedy: Remedy::Retry,
            });
        }
        self.http.expect_success(&reply, &url)?;
        self.remote_post(&reply.json(&self.http, &url)?)
    }
}

/// Bytes from hex digits; None if any is not one.
fn hex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}
