//! Micropub (W3C), as Micro.blog and IndieWeb sites speak it, with a bearer token.
//!
//! The target's URL is the site; its Micropub endpoint is found the IndieWeb way, from a `Link`
//! header or a `<link rel="micropub">` on the site's home page (a URL that is itself the endpoint
//! works too). Images go to the endpoint's `media-endpoint` (from `q=config`). A post is known by
//! its URL; drift compares the post's source (`q=source`) with what was last pushed, as Micropub
//! has no modification stamp to send back.

use std::cell::OnceCell;

use serde_json::{json, Value};
use ureq::http::Method;

use super::http::{multipart, Cancel, Http};
use super::{fingerprint, Post, PostStatus, Remote, RemotePost, Target};
use crate::error::Result;
use crate::store::ImageRecord;

pub(super) struct Micropub {
    http: Http,
    site: String,
    auth: String,
    endpoint: OnceCell<String>,
}

impl Micropub {
    pub fn new(target: &Target, token: &str, cancel: Cancel) -> Micropub {
        Micropub {
            http: Http::new(&target.name, cancel),
            site: target.url.clone(),
            auth: format!("Bearer {}", token.trim()),
            endpoint: OnceCell::new(),
        }
    }

    /// The Micropub endpoint: discovered once from the site.
    fn endpoint(&self) -> Result<&str> {
        if let Some(found) = self.endpoint.get() {
            return Ok(found);
        }
        let found = HomePage::read(&self.http, &self.site)?
            .link("micropub")
            // No discovery link: the URL may be the endpoint itself.
            .unwrap_or_else(|| self.site.clone());
        Ok(self.endpoint.get_or_init(|| found))
    }

    fn query(&self, query: &str) -> Result<(u16, Value)> {
        let endpoint = self.endpoint()?;
        let sep = if endpoint.contains('?') { '&' } else { '?' };
        let url = format!("{endpoint}{sep}{query}");
        let reply = self.http.send(
            Method::GET,
            &url,
            &[
                ("authorization", self.auth.clone()),
                ("accept", "application/json".into()),
            ],
            Vec::new(),
        )?;
        if (400..500).contains(&reply.status) && reply.status != 401 && reply.status != 403 {
            return Ok((reply.status, Value::Null));
        }
        self.http.expect_success(&reply, &url)?;
        Ok((reply.status, reply.json(&self.http, &url)?))
    }

    /// Signs in: the endpoint is found and takes the token.
    pub fn check(&self) -> Result<()> {
        let (status, _) = self.query("q=config")?;
        if status >= 400 {
            return Err(self.http.fail(format!(
                "{} does not answer as a Micropub endpoint ({status}); check the site's URL",
                self.endpoint()?
            )));
        }
        Ok(())
    }

    fn post(&self, body: &Value) -> Result<super::http::Reply> {
        let endpoint = self.endpoint()?.to_string();
        let bytes = serde_json::to_vec(body).unwrap_or_default();
        let reply = self.http.send(
            Method::POST,
            &endpoint,
            &[
                ("authorization", self.auth.clone()),
                ("content-type", "application/json".into()),
                ("accept", "application/json".into()),
            ],
            bytes,
        )?;
        self.http.expect_success(&reply, &endpoint)?;
        Ok(reply)
    }

    fn properties(post: &Post) -> Value {
        let mut properties = json!({
            "name": [post.title],
            "content": [{"html": post.html}],
            "category": post.tags,
            "mp-slug": [post.slug],
            "post-status": [if post.status == PostStatus::Draft { "draft" } else { "published" }],
        });
        if let Some(summary) = &post.excerpt {
            properties["summary"] = json!([summary]);
        }
        // A future date is how Micropub servers that schedule (Micro.blog) are asked to.
        if let Some(date) = &post.date {
            properties["published"] = json!([date]);
        }
        properties
    }
}

/// The first value of a Micropub property, as text (`content` may be `{html}` or `{value}`).
fn first(properties: &Value, name: &str) -> String {
    match properties.get(name).and_then(|v| v.get(0)) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(o)) => o
            .get("html")
            .or_else(|| o.get("value"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        _ => String::new(),
    }
}

impl Remote for Micropub {
    fn upload(&self, name: &str, mime: &str, bytes: Vec<u8>) -> Result<ImageRecord> {
        let (_, config) = self.query("q=config")?;
        let media = config
            .get("media-endpoint")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| {
                self.http.fail(format!(
                    "has no media endpoint, so {name} cannot be uploaded; link the image from elsewhere or remove it"
                ))
            })?;
        let (content_type, body) = multipart(&[], "file", name, mime, &bytes);
        let reply = self.http.send(
            Method::POST,
            &media,
            &[
                ("authorization", self.auth.clone()),
                ("content-type", content_type),
            ],
            body,
        )?;
        if reply.status == 415 {
            return Err(self.http.fail(format!(
                "does not take {name} ({mime}); convert the image to PNG or JPEG"
            )));
        }
        self.http.expect_success(&reply, &media)?;
        let url = reply.location.clone().ok_or_else(|| {
            self.http
                .fail(format!("took {name} but said not where it is"))
        })?;
        Ok(ImageRecord {
            url: resolve(&media, &url),
            remote_id: None,
        })
    }

    fn fetch(&self, id: &str) -> Result<Option<RemotePost>> {
        let (status, source) = self.query(&format!("q=source&url={}", encode(id)))?;
        // Servers answer a post that is gone with 404, 410, or (the spec leaves it open) 400.
        if status >= 400 {
            return Ok(None);
        }
        let properties = source.get("properties").cloned().unwrap_or(Value::Null);
        let (name, content, summary) = (
            first(&properties, "name"),
            first(&properties, "content"),
            first(&properties, "summary"),
        );
        let status = first(&properties, "post-status");
        Ok(Some(RemotePost {
            id: id.to_string(),
            url: id.to_string(),
            fingerprint: fingerprint(&[&name, &content, &summary]),
            stamp: Some(first(&properties, "updated")).filter(|s| !s.is_empty()),
            status: if status.is_empty() {
                "published".into()
            } else {
                status
            },
            body: content,
        }))
    }

    fn create(&self, post: &Post) -> Result<RemotePost> {
        let reply =
            self.post(&json!({"type": ["h-entry"], "properties": Self::properties(post)}))?;
        let endpoint = self.endpoint()?.to_string();
        let url = reply
            .location
            .clone()
            .map(|l| resolve(&endpoint, &l))
            .ok_or_else(|| {
                self.http
                    .fail("made the post but did not say where it is (no Location)".into())
            })?;
        // Read back: what the server keeps is what later edits are compared with.
        self.fetch(&url)?.ok_or_else(|| {
            self.http.fail(format!(
                "made the post at {url} but cannot read it back (q=source); drift could not be watched"
            ))
        })
    }

    fn update(&self, id: &str, post: &Post, _current: &RemotePost) -> Result<RemotePost> {
        self.post(&json!({"action": "update", "url": id, "replace": Self::properties(post)}))?;
        self.fetch(id)?.ok_or_else(|| {
            self.http
                .fail(format!("updated {id} but cannot read it back"))
        })
    }
}

/// A site's home page, read for the IndieWeb's discovery links (the Micropub endpoint, the
/// IndieAuth endpoints): a `Link` header, else a `<link>` in the page.
pub(super) struct HomePage {
    site: String,
    links: Vec<(String, String)>,
    html: String,
}

impl HomePage {
    pub fn read(http: &Http, site: &str) -> Result<HomePage> {
        let reply = http.send(
            Method::GET,
            site,
            &[("accept", "text/html".into())],
            Vec::new(),
        )?;
        http.expect_success(&reply, site)?;
        Ok(HomePage {
            site: site.to_string(),
            html: String::from_utf8_lossy(&reply.body).into_owned(),
            links: reply.links,
        })
    }

    /// The first link with `rel`, made absolute.
    pub fn link(&self, rel: &str) -> Option<String> {
        self.links
            .iter()
            .find(|(r, _)| r == rel)
            .map(|(_, href)| href.clone())
            .or_else(|| link_in_html(&self.html, rel))
            .map(|href| resolve(&self.site, &href))
    }
}

/// `href` of the first `<link>` (or `<a>`) with `rel` among its rels.
fn link_in_html(html: &str, rel: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find("<link").map(|i| i + from) {
        let end = lower[at..].find('>').map_or(lower.len(), |i| i + at);
        let tag = &html[at..end];
        let attr = |name: &str| -> Option<String> {
            let tag_lower = tag.to_ascii_lowercase();
            let start = tag_lower.find(&format!("{name}="))? + name.len() + 1;
            let rest = &tag[start..];
            let quote = rest.chars().next()?;
            if quote == '"' || quote == '\'' {
                rest[1..].split(quote).next().map(str::to_string)
            } else {
                rest.split([' ', '>', '/']).next().map(str::to_string)
            }
        };
        if attr("rel")
            .is_some_and(|rels| rels.split_whitespace().any(|r| r.eq_ignore_ascii_case(rel)))
        {
            if let Some(href) = attr("href") {
                return Some(href);
            }
        }
        from = end;
    }
    None
}

/// `href` made absolute against `base`.
fn resolve(base: &str, href: &str) -> String {
    if href.contains("://") {
        return href.to_string();
    }
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| i + scheme_end);
    if let Some(path) = href.strip_prefix('/') {
        return format!("{}/{path}", &base[..host_end]);
    }
    let dir_end = base
        .rfind('/')
        .filter(|&i| i >= host_end)
        .map_or(base.len(), |i| i + 1);
    let dir = &base[..dir_end];
    if dir.ends_with('/') {
        format!("{dir}{href}")
    } else {
        format!("{dir}/{href}")
    }
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovery_finds_the_endpoint_among_other_links() {
        let html = r#"<head><link rel="stylesheet" href="/s.css"><LINK REL="authorization_endpoint micropub" HREF='/mp'></head>"#;
        assert_eq!(link_in_html(html, "micropub").as_deref(), Some("/mp"));
        assert_eq!(link_in_html("<p>no links</p>", "micropub"), None);
        assert_eq!(
            resolve("https://me.example/blog/", "/mp"),
            "https://me.example/mp"
        );
        assert_eq!(
            resolve("https://me.example/blog/", "mp"),
            "https://me.example/blog/mp"
        );
        assert_eq!(resolve("https://me.example", "mp"), "https://me.example/mp");
        assert_eq!(
            resolve("https://me.example/", "https://micro.blog/micropub"),
            "https://micro.blog/micropub"
        );
    }
}
