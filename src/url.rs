//! URLs as a browser reads them, and the local ones as paths inside the essays folder.
//!
//! Everything that decides what a link or image URL means goes through here, so the preview,
//! every export, `quire check` and the desktop asset protocol cannot disagree:
//! - [`Url::read`] classifies a URL the way a browser's URL parser does: it strips what
//!   browsers strip (surrounding spaces and controls, tabs and newlines anywhere), counts
//!   backslashes as slashes, and so reads `//host`, `\\host`, `/\host` and `\/host` as another
//!   host (a network share when the page is opened from disk), never as a relative path.
//!   [`Url::is_publishable`] is the one safety policy: http, https, mailto, and paths on the
//!   same site; no other scheme, no network path, no backslash.
//! - [`LocalLink::parse`] is the one parser of link targets that point into the essays folder,
//!   and [`resolve_relative`] resolves one against an essay, lexically, never above the root.
//! - [`folder_path`] reads a request path of the asset protocol as a plain path in the folder.
//!
//! This module depends on nothing else in the crate: every layer above may use it.

use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};

/// What a link or image URL is, as a browser reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlKind {
    /// `http:`, `https:` or `mailto:`.
    Web,
    /// Any other scheme (`javascript:`, `data:`, `file:`, unknown ones): never published.
    OtherScheme,
    /// `//host/…` or a backslash spelling of it: another host, or a network share when the
    /// page is opened from disk. Never published.
    NetworkPath,
    /// A path with a backslash before the query or fragment: browsers read it as `/` in raw
    /// HTML (and Markdown escapes it to `%5C`), file systems read it as they please, so the
    /// preview and the export could show different files. Never published.
    Backslash,
    /// `/path`: absolute on the site the page is served from.
    SiteAbsolute,
    /// Empty, `#fragment` or `?query`: this page.
    SamePage,
    /// A path relative to the page.
    Relative,
}

/// A URL as written in an essay, read the way a browser reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    /// The URL with what browsers strip removed.
    pub text: String,
    /// What it is.
    pub kind: UrlKind,
}

impl Url {
    /// Reads `url` as a browser would before resolving it.
    pub fn read(url: &str) -> Url {
        // Browsers strip these before parsing, so `\tjava\nscript:` is a javascript: URL.
        let text: String = url
            .trim_matches(|c: char| c <= ' ')
            .chars()
            .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
            .collect();
        let kind = classify(&text);
        Url { text, kind }
    }

    /// Whether the URL may appear in a published page: http, https, mailto, or a path on the
    /// same site. Other schemes, network paths and backslashes are refused.
    pub fn is_publishable(&self) -> bool {
        matches!(
            self.kind,
            UrlKind::Web | UrlKind::SiteAbsolute | UrlKind::SamePage | UrlKind::Relative
        )
    }

    /// Why a URL that is not publishable is refused, for `quire check`.
    pub fn refusal(&self) -> Option<&'static str> {
        match self.kind {
            UrlKind::OtherScheme => Some(
                "uses a scheme Quire never publishes (only http, https, mailto and relative links)",
            ),
            UrlKind::NetworkPath => Some(
                "is a network path (another host, or a network share for a page opened from disk); write the whole https:// address",
            ),
            UrlKind::Backslash => Some(
                "has a backslash, which browsers read as `/` and file systems do not; write `/` instead",
            ),
            _ => None,
        }
    }
}

fn classify(text: &str) -> UrlKind {
    let end = text.find([':', '/', '\\', '?', '#']).unwrap_or(text.len());
    if text[end..].starts_with(':') && is_scheme(&text[..end]) {
        let scheme = &text[..end];
        // A backslash in a web URL (`https:\\host\x`) still names a web address.
        return if ["http", "https", "mailto"]
            .iter()
            .any(|s| scheme.eq_ignore_ascii_case(s))
        {
            UrlKind::Web
        } else {
            UrlKind::OtherScheme
        };
    }
    let mut leading = text.bytes().take_while(|b| matches!(b, b'/' | b'\\'));
    match (leading.next(), leading.next()) {
        (Some(_), Some(_)) => UrlKind::NetworkPath,
        _ if has_backslash(text) => UrlKind::Backslash,
        (Some(_), None) => UrlKind::SiteAbsolute,
        _ if text.is_empty() || text.starts_with(['#', '?']) => UrlKind::SamePage,
        _ => UrlKind::Relative,
    }
}

/// A backslash before the query or fragment, where browsers read it as a slash.
fn has_backslash(text: &str) -> bool {
    text.split(['?', '#'])
        .next()
        .is_some_and(|path| path.contains('\\'))
}

/// A URL scheme as browsers parse one: a letter, then letters, digits, `+`, `-` or `.`.
fn is_scheme(text: &str) -> bool {
    let mut bytes = text.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// A link target that points into the essays folder: a publishable relative URL with a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalLink {
    /// The path, percent-decoded, `/`-separated, relative to the essay.
    pub path: String,
    /// The query and fragment as written (`?q#f`, `#f` or empty).
    pub suffix: String,
}

impl LocalLink {
    /// The local link in `url`; `None` for anything a browser would not resolve to a file
    /// beside the page (schemes, network and site-absolute paths, `#`/`?` only, backslashes)
    /// or whose path is not UTF-8 once decoded.
    pub fn parse(url: &str) -> Option<LocalLink> {
        let url = Url::read(url);
        if url.kind != UrlKind::Relative {
            return None;
        }
        let (path, suffix) = match url.text.find(['?', '#']) {
            Some(i) => (&url.text[..i], &url.text[i..]),
            None => (url.text.as_str(), ""),
        };
        let path = percent_decode(path)?;
        (!path.is_empty()).then(|| LocalLink {
            path,
            suffix: suffix.to_string(),
        })
    }

    /// The fragment, without its `#` (empty when there is none).
    pub fn fragment(&self) -> &str {
        self.suffix.split_once('#').map_or("", |(_, f)| f)
    }

    /// The file it names, relative to the folder root; `None` when it climbs above the root.
    /// Zola's internal links (`@/blog/post.md`) start at the folder root.
    pub fn resolve(&self, essay_path: &Path) -> Option<PathBuf> {
        match self.path.strip_prefix("@/") {
            Some(from_root) => resolve_relative(Path::new("essay.md"), from_root),
            None => resolve_relative(essay_path, &self.path),
        }
    }
}

/// The segments of an address inside an exported site (`/posts/x/` → `["posts", "x"]`), or
/// None when it is not a plain path there: another host (`//…`), `.`, `..` or empty segments,
/// anything but letters, digits and `-_.~/`, over 300 characters (leading slashes aside) or 16
/// segments. Addresses come from essays (Hugo's `url`, Jekyll's `permalink`, `aliases`): this
/// is the one reading of them, for pages and redirects alike.
pub fn site_path_segments(address: &str) -> Option<Vec<&str>> {
    let address = address.trim();
    if address.starts_with("//") {
        return None;
    }
    let unrooted = address.trim_start_matches('/');
    if unrooted.is_empty() || unrooted.len() > 300 {
        return None;
    }
    let plain = unrooted
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~' | '/'));
    let segments: Vec<&str> = unrooted.trim_end_matches('/').split('/').collect();
    let odd = |s: &&str| s.is_empty() || *s == "." || *s == "..";
    (plain && segments.len() <= 16 && !segments.iter().any(odd)).then_some(segments)
}

/// Decodes `%XX` escapes in a URL path; `None` when the result is not UTF-8.
pub fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
            if let Ok(b) = u8::from_str_radix(hex, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// Escapes a `/`-separated path for a URL, keeping only unreserved characters and `/`.
pub fn percent_encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Resolves a relative URL path against an essay's path, lexically, within the folder root;
/// `None` when it climbs above the root or holds a backslash or NUL.
pub fn resolve_relative(essay_path: &Path, url_path: &str) -> Option<PathBuf> {
    let mut parts: Vec<&std::ffi::OsStr> = essay_path
        .parent()
        .map(|p| p.iter().collect())
        .unwrap_or_default();
    for part in url_path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other if other.contains('\\') || other.contains('\0') => return None,
            other => parts.push(std::ffi::OsStr::new(other)),
        }
    }
    Some(parts.iter().collect())
}

/// Whether `path` is made of plain names only: no root, no `.`, no `..`.
pub fn is_plain_relative(path: &Path) -> bool {
    path.components().all(|c| matches!(c, Component::Normal(_)))
}

/// A request path (`/a/b%20c.png`) as a plain path inside the folder; `None` when it is not
/// UTF-8 once decoded, is empty, or holds `.`, `..`, a backslash or NUL.
pub fn folder_path(url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path)?;
    let relative = decoded.trim_start_matches('/');
    if relative.is_empty() || relative.contains(['\\', '\0']) {
        return None;
    }
    let path = PathBuf::from(relative);
    is_plain_relative(&path).then_some(path)
}

/// The MIME type of an image file Quire publishes, by extension; `None` for anything else.
pub fn image_mime(path: &Path) -> Option<&'static str> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "svg" => "image/svg+xml",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(url: &str) -> UrlKind {
        Url::read(url).kind
    }

    #[test]
    fn urls_are_classified_as_a_browser_reads_them() {
        #[rustfmt::skip]
        let cases = [
            ("https://x/y", UrlKind::Web), ("HTTP://x", UrlKind::Web), ("mailto:a@b", UrlKind::Web),
            ("  https://x  ", UrlKind::Web),
            ("javascript:x", UrlKind::OtherScheme), ("\tjava\nscript:x", UrlKind::OtherScheme),
            ("file:///etc/passwd", UrlKind::OtherScheme), ("C:\\x.png", UrlKind::OtherScheme),
            ("//host/x.png", UrlKind::NetworkPath), ("\\\\host\\share\\x.png", UrlKind::NetworkPath),
            ("/\\host/x", UrlKind::NetworkPath), ("\\/host/x", UrlKind::NetworkPath),
            (" \t//host", UrlKind::NetworkPath), ("///x", UrlKind::NetworkPath),
            ("a\\b.png", UrlKind::Backslash), ("\\x.png", UrlKind::Backslash),
            ("https:\\\\host\\x", UrlKind::Web), ("../a\\..\\b.png", UrlKind::Backslash),
            ("/abs.png", UrlKind::SiteAbsolute),
            ("", UrlKind::SamePage), ("#top", UrlKind::SamePage), ("?q=a\\b", UrlKind::SamePage),
            ("img/x.png", UrlKind::Relative), ("a b:c", UrlKind::Relative),
            ("x.png?v=a\\b#c\\d", UrlKind::Relative), ("./a:b", UrlKind::Relative),
        ];
        for (url, expected) in cases {
            assert_eq!(kind(url), expected, "{url:?}");
        }
    }

    #[test]
    fn only_web_and_same_site_urls_are_publishable() {
        for url in ["https://x", "mailto:a@b", "/abs", "../x.png", "#f", ""] {
            assert!(Url::read(url).is_publishable(), "{url:?}");
        }
        for url in [
            "javascript:x",
            "//host/x",
            "\\\\host\\x",
            "/\\host",
            "a\\b.png",
        ] {
            let url = Url::read(url);
            assert!(!url.is_publishable(), "{url:?}");
            assert!(url.refusal().is_some());
        }
    }

    #[test]
    fn relative_urls_resolve_lexically_and_never_climb_out() {
        assert_eq!(
            resolve_relative(Path::new("a/b.md"), "../c.md"),
            Some(PathBuf::from("c.md"))
        );
        assert_eq!(
            resolve_relative(Path::new("b.md"), "img/x.png"),
            Some(PathBuf::from("img/x.png"))
        );
        assert_eq!(
            resolve_relative(Path::new("b.md"), "../../etc/passwd"),
            None
        );
    }

    #[test]
    fn zola_internal_links_start_at_the_folder_root() {
        let link = LocalLink::parse("@/blog/post.md#part").unwrap();
        assert_eq!(
            link.resolve(Path::new("notes/deep/x.md")),
            Some(PathBuf::from("blog/post.md"))
        );
        assert_eq!(link.fragment(), "part");
        assert_eq!(
            LocalLink::parse("@/../out.md")
                .unwrap()
                .resolve(Path::new("a.md")),
            None
        );
    }

    #[test]
    fn local_links_exclude_schemes_network_and_site_absolute_paths() {
        for url in [
            "https://x/y.md",
            "/abs.png",
            "#top",
            "?q",
            "//host/x.png",
            "\\\\host\\share\\x.png",
            "/\\host/x.png",
            "\\/host/x.png",
            "a\\b.png",
        ] {
            assert_eq!(LocalLink::parse(url), None, "{url:?}");
        }
        let link = LocalLink::parse(" my%20essay.md?x#part").unwrap();
        assert_eq!(
            (link.path.as_str(), link.suffix.as_str(), link.fragment()),
            ("my essay.md", "?x#part", "part")
        );
    }

    #[test]
    fn request_paths_are_plain_paths_in_the_folder() {
        assert_eq!(
            folder_path("/assets/a%20b.png"),
            Some(PathBuf::from("assets/a b.png"))
        );
        for path in [
            "/",
            "/../x.png",
            "/a/%2E%2E/x.png",
            "/a%5Cb.png",
            "/a\\b.png",
            "/a%00.png",
        ] {
            assert_eq!(folder_path(path), None, "{path:?}");
        }
    }
}
