//! Redirect pages at a post's old addresses: Hugo's and Zola's `aliases`, Jekyll's
//! `redirect_from`. A blog moved to Quire keeps its old links working: each old address gets a
//! small page that sends the reader (and search engines, through `rel=canonical`) on to the
//! post's page.
//!
//! The addresses come from essays, so from anywhere: only plain relative paths inside the
//! output folder are taken (letters, digits, `-`, `_`, `.`, `~`, `/`; no `..`, no scheme, no
//! backslash), and never over a page the site writes itself.

use std::collections::HashSet;
use std::path::PathBuf;

use serde_json::Value;

use crate::conventions::Generator;
use crate::problem::{Level, Problem};
use crate::url::site_path_segments;

use super::site::Entry;

/// How many old addresses one essay may have: more is a mistake, not a history.
const MAX_ALIASES: usize = 64;

/// The redirect pages for `essays`, except where `taken` (pages the site writes) already is;
/// and a warning for each address that is refused.
pub(super) fn redirect_pages(
    essays: &[&Entry],
    taken: &HashSet<PathBuf>,
    language: &str,
    root: &std::path::Path,
) -> (Vec<(PathBuf, Vec<u8>)>, Vec<Problem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut written: HashSet<PathBuf> = HashSet::new();
    for entry in essays {
        let essay = &entry.essay;
        let path = root.join(&essay.path);
        // The generator's own file address for the page (Jekyll's `title.html`).
        if let Some(file) = essay
            .page
            .file
            .as_deref()
            .filter(|_| entry.slug == essay.page.path)
        {
            if let Some(file) = redirect_file(file) {
                if !taken.contains(&file) && written.insert(file.clone()) {
                    let html = redirect_html(&file, &entry.slug, &essay.title(), language);
                    files.push((file, html.into_bytes()));
                }
            }
        }
        for field in ["aliases", "redirect_from"] {
            let Some(value) = essay.front.extra.get(field) else {
                continue;
            };
            let line = essay.front.line_of(field);
            let addresses: Vec<&str> = match value {
                Value::String(one) => vec![one.as_str()],
                Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            for address in addresses.into_iter().take(MAX_ALIASES) {
                let resolved = match essay.generator {
                    Generator::Hugo => beside(&essay.page.path, address),
                    _ => None,
                };
                let Some(file) = redirect_file(resolved.as_deref().unwrap_or(address)) else {
                    problems.push(Problem::new(
                        path.clone(),
                        line,
                        Level::Warning,
                        format!("`{address}` in `{field}` is not a path inside the site; no redirect is written for it"),
                    ));
                    continue;
                };
                if taken.contains(&file) || !written.insert(file.clone()) {
                    problems.push(Problem::new(
                        path.clone(),
                        line,
                        Level::Warning,
                        format!("`{address}` in `{field}` is already a page of the site; no redirect is written over it"),
                    ));
                    continue;
                }
                let html = redirect_html(&file, &entry.slug, &essay.title(), language);
                files.push((file, html.into_bytes()));
            }
        }
    }
    (files, problems)
}

/// Hugo reads an alias without a leading `/` from the folder the page's address is in (`old`
/// for the page at `posts/new/` is `posts/old/`; `..` goes up). None for an alias from the
/// site's root, or one that is not a plain path (left for [`redirect_file`] to refuse).
fn beside(page: &str, alias: &str) -> Option<String> {
    let alias = alias.trim();
    if alias.starts_with('/') || alias.contains(':') || alias.contains('\\') || alias.contains("//")
    {
        return None;
    }
    let mut parts: Vec<&str> = page.split('/').filter(|s| !s.is_empty()).collect();
    parts.pop();
    for segment in alias.trim_end_matches('/').split('/') {
        match segment {
            "." => {}
            // Above the site's root is nowhere: the `..` stays for redirect_file to refuse.
            ".." => {
                parts.pop()?;
            }
            segment => parts.push(segment),
        }
    }
    let slash = if alias.ends_with('/') { "/" } else { "" };
    Some(format!("/{}{slash}", parts.join("/")))
}

/// Where the redirect for `address` goes: `old/post/` → `old/post/index.html`, `old.html` as
/// it is. None when it is not a plain path inside the site.
fn redirect_file(address: &str) -> Option<PathBuf> {
    let segments = site_path_segments(address)?;
    let trimmed = address.trim().trim_start_matches('/');
    let mut file: PathBuf = segments.iter().collect();
    let last = segments.last()?;
    let is_page = !trimmed.ends_with('/') && (last.ends_with(".html") || last.ends_with(".htm"));
    if !is_page {
        file.push("index.html");
    }
    Some(file)
}

/// A page that sends its reader on to the post `slug`: at once, and by a link for browsers
/// that don't follow `refresh`.
fn redirect_html(file: &std::path::Path, slug: &str, title: &str, language: &str) -> String {
    let depth = file.components().count().saturating_sub(1);
    let target = format!("{}{slug}/", "../".repeat(depth));
    let title = escape(title);
    let language = escape(language);
    format!(
        "<!doctype html>\n<html lang=\"{language}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>Moved: {title}</title>\n<link rel=\"canonical\" href=\"{target}\">\n\
         <meta name=\"robots\" content=\"noindex\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={target}\">\n</head>\n\
         <body>\n<main>\n<h1>{title}</h1>\n<p>This page has moved: <a href=\"{target}\">read it here</a>.</p>\n</main>\n</body>\n</html>\n"
    )
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn old_addresses_become_files_inside_the_site() {
        assert_eq!(
            redirect_file("/old/first/"),
            Some(PathBuf::from("old/first/index.html"))
        );
        assert_eq!(
            redirect_file("old/first"),
            Some(PathBuf::from("old/first/index.html"))
        );
        assert_eq!(
            redirect_file("/2019/05/hello.html"),
            Some(PathBuf::from("2019/05/hello.html"))
        );
        for refused in [
            "",
            "/",
            "../outside/",
            "/a/../../b/",
            "https://elsewhere.example/x/",
            "a\\b",
            "//host/share",
            "a//b",
            "./a",
            "a b",
            "%2e%2e/x",
        ] {
            assert_eq!(redirect_file(refused), None, "{refused:?}");
        }
    }

    #[test]
    fn hugo_reads_a_relative_alias_from_the_folder_of_the_pages_address() {
        // As hugo 0.111 writes them: posts/a/ with [old-a, ../top-a, /abs-a/].
        assert_eq!(beside("posts/a", "old-a").as_deref(), Some("/posts/old-a"));
        assert_eq!(beside("2020/a", "old-a/").as_deref(), Some("/2020/old-a/"));
        assert_eq!(beside("posts/a", "../top-a").as_deref(), Some("/top-a"));
        assert_eq!(beside("posts/a", "/abs-a/"), None);
        assert_eq!(beside("a", "x.html").as_deref(), Some("/x.html"));
        // Out of the site, or not a path: left to redirect_file, which refuses it.
        for refused in ["../../x", "https://e.example/x", "a\\b", "a//b"] {
            let address = beside("posts/a", refused).unwrap_or_else(|| refused.to_string());
            assert_eq!(redirect_file(&address), None, "{refused}");
        }
    }

    #[test]
    fn the_page_points_back_to_the_post_from_where_it_is() {
        let html = redirect_html(Path::new("old/first/index.html"), "first", "A <b>", "en");
        assert!(
            html.contains("<meta http-equiv=\"refresh\" content=\"0; url=../../first/\">"),
            "{html}"
        );
        assert!(html.contains("<link rel=\"canonical\" href=\"../../first/\">"));
        assert!(html.contains("<title>Moved: A &lt;b&gt;</title>"));
    }
}
