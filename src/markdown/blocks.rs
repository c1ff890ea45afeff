//! The top-level blocks of rendered HTML, for a preview that replaces only what an edit changed.
//!
//! [`split_blocks`] cuts [`Rendered::html`](super::Rendered::html) into consecutive pieces, one
//! for each element at depth 0 (with the text and whitespace after it, up to the next one), so
//! that the pieces joined are the HTML byte for byte and each piece is balanced: it closes every
//! element it opens. The app compares the pieces of two renders as strings and rebuilds only the
//! ones that differ. A raw HTML `<div>` that wraps several Markdown blocks is one piece, which is
//! why the pieces need not match [`Rendered::source_map`](super::Rendered::source_map) one to
//! one; for ordinary essays (and the footnotes section, the last piece) they do.
//!
//! The scanner trusts what the pipeline writes: every tag is rebuilt by pulldown-cmark or by the
//! sanitizer, attribute values are quoted, text is escaped, and there are no comments or
//! raw-text elements. It still copes with anything (comments, quoted `>`, stray close tags), and
//! whatever it meets, the pieces always join back to the input.

/// Elements with no content and no close tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];
/// Elements whose content is text up to their close tag (never written by the pipeline).
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noscript",
];

/// Splits `html` into its top-level blocks: the pieces start at each element at depth 0, except
/// for any text before the first element, which is a piece of its own. Joined, the pieces are
/// `html`; an empty `html` has no pieces.
pub fn split_blocks(html: &str) -> Vec<&str> {
    let b = html.as_bytes();
    let mut starts: Vec<usize> = Vec::new();
    let mut open: Vec<&str> = Vec::new();
    let mut i = 0;
    while let Some(p) = memchr(b'<', b, i) {
        i = p + 1;
        match b.get(p + 1) {
            Some(b'!') => {
                // A comment or doctype: skipped whole.
                i = if b[p..].starts_with(b"<!--") {
                    find(b, b"-->", p + 4).map_or(b.len(), |e| e + 3)
                } else {
                    memchr(b'>', b, p).map_or(b.len(), |e| e + 1)
                };
            }
            Some(b'/') => {
                let (name, end) = tag_name(html, p + 2);
                i = tag_end(b, end);
                if let Some(k) = open.iter().rposition(|n| n.eq_ignore_ascii_case(name)) {
                    open.truncate(k);
                }
            }
            Some(c) if c.is_ascii_alphabetic() => {
                if open.is_empty() {
                    starts.push(p);
                }
                let (name, end) = tag_name(html, p + 1);
                i = tag_end(b, end);
                let self_closing = i >= 2 && b[i - 2] == b'/';
                if is(RAW_TEXT, name) {
                    i = raw_text_end(b, i, name);
                } else if !self_closing && !is(VOID, name) {
                    open.push(name);
                }
            }
            // A `<` that starts no tag is text.
            _ => {}
        }
    }
    let mut blocks = Vec::with_capacity(starts.len() + 1);
    let mut from = 0;
    for &start in &starts {
        if start > from {
            blocks.push(&html[from..start]);
        }
        from = start;
    }
    if from < html.len() {
        blocks.push(&html[from..]);
    }
    blocks
}

fn is(list: &[&str], name: &str) -> bool {
    list.iter().any(|n| n.eq_ignore_ascii_case(name))
}

fn memchr(needle: u8, b: &[u8], from: usize) -> Option<usize> {
    b.get(from..)?
        .iter()
        .position(|&c| c == needle)
        .map(|p| from + p)
}

fn find(b: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// The tag name starting at `from`, and where it ends.
fn tag_name(html: &str, from: usize) -> (&str, usize) {
    let b = html.as_bytes();
    let mut end = from.min(b.len());
    while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'-') {
        end += 1;
    }
    (&html[from.min(end)..end], end)
}

/// Just past the `>` that ends the tag whose attributes start at `from` (quoted values may hold
/// `>`), or the end of the input.
fn tag_end(b: &[u8], from: usize) -> usize {
    let mut quote = None;
    for (k, &c) in b.iter().enumerate().skip(from) {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == b'"' || c == b'\'' => quote = Some(c),
            None if c == b'>' => return k + 1,
            None => {}
        }
    }
    b.len()
}

/// Just past the close tag of raw-text element `name`, whose content starts at `from`.
fn raw_text_end(b: &[u8], from: usize, name: &str) -> usize {
    let mut at = from;
    while let Some(p) = find(b, b"</", at) {
        let rest = &b[p + 2..];
        if rest.len() >= name.len() && rest[..name.len()].eq_ignore_ascii_case(name.as_bytes()) {
            return tag_end(b, p + 2 + name.len());
        }
        at = p + 2;
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::{render, KeepUrls, RenderOptions};

    fn rendered(md: &str) -> crate::markdown::Rendered {
        render(md, 1, &RenderOptions::essay(), &KeepUrls).unwrap()
    }

    fn assert_joins_back(html: &str) -> Vec<&str> {
        let blocks = split_blocks(html);
        assert_eq!(blocks.concat(), html);
        assert!(blocks.iter().all(|b| !b.is_empty()));
        blocks
    }

    #[test]
    fn each_top_level_block_is_one_piece_with_its_trailing_newline() {
        let r = rendered("# A\n\npara with <b>bold</b> and `<i>`\n\n- x\n- y\n\n---\n\n```rust\nfn x() {}\n```\n\n![a > b](i.png \"t>\")\n");
        let blocks = assert_joins_back(&r.html);
        assert_eq!(blocks.len(), r.source_map.len());
        assert!(blocks[0].starts_with("<h1") && blocks[0].ends_with("</h1>\n"));
        assert!(blocks[2].starts_with("<ul>") && blocks[2].ends_with("</ul>\n"));
        assert_eq!(blocks[3], "<hr />\n");
    }

    #[test]
    fn the_render_fixtures_split_into_one_piece_per_source_block() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/render");
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let md = std::fs::read_to_string(&path).unwrap();
            let r = rendered(&md);
            let blocks = assert_joins_back(&r.html);
            // Raw HTML may wrap Markdown blocks in one element; elsewhere it is one to one.
            if path.file_name().unwrap() == "raw-html.md" {
                assert!(blocks.len() <= r.source_map.len(), "{}", path.display());
            } else {
                assert_eq!(blocks.len(), r.source_map.len(), "{}", path.display());
            }
            seen += 1;
        }
        assert!(seen >= 5);
    }

    #[test]
    fn a_raw_div_around_markdown_blocks_is_one_piece() {
        let r = rendered("<div class=\"note\">\n\nInside *one*.\n\nTwo.\n\n</div>\n\nAfter.\n");
        let blocks = assert_joins_back(&r.html);
        assert_eq!(blocks.len(), 2, "{blocks:?}");
        assert!(blocks[0].starts_with("<div") && blocks[0].contains("Two."));
        assert!(blocks[1].starts_with("<p>After."));
    }

    #[test]
    fn footnotes_gather_into_the_last_piece() {
        let r = rendered("Text.[^a]\n\n[^a]: The note.\n\nMore.\n");
        let blocks = assert_joins_back(&r.html);
        assert_eq!(blocks.len(), r.source_map.len());
        assert!(blocks
            .last()
            .unwrap()
            .starts_with("<section class=\"footnotes\""));
    }

    #[test]
    fn hostile_html_still_joins_back() {
        for html in [
            "",
            "text only",
            "lead <p>a</p> tail",
            "<p>a</div></p><p>b",
            "<div><p>x</div> y</p><p>z</p>",
            "<!-- <p> --><p>a</p><!-- open",
            "<p title=\"a > <b>\">x</p><p title='>'>y</p>",
            "<script>if (a < b) { '<p>' }</script><p>c</p>",
            "<br><img src=x><input/><p>d",
            "<<>><p><</p>",
            "<p>é</p>ü<p>ß",
            "<p",
            "</p></div>",
        ] {
            assert_joins_back(html);
        }
        assert_eq!(
            split_blocks("lead <p>a</p> tail<p>b</p>"),
            ["lead ", "<p>a</p> tail", "<p>b</p>"]
        );
        assert_eq!(
            split_blocks("<div><p>x</div> y<p>z</p>"),
            ["<div><p>x</div> y", "<p>z</p>"]
        );
        assert_eq!(
            split_blocks("<br><hr/><p>a</p>"),
            ["<br>", "<hr/>", "<p>a</p>"]
        );
    }

    #[test]
    fn hostile_essays_still_join_back() {
        for md in [
            "<div>\n\nunclosed\n\n* list\n",
            "<table><tr><td>\n\n# heading in a cell\n\n</td></tr></table>\n",
            "a <b>bold\n\n</b> para </div> </p>\n",
            &"> ".repeat(100),
            &"<div>".repeat(100),
            "<p>x</p >\n\n<img src=\"a\" alt='>' onerror=alert(1)>\n",
        ] {
            assert_joins_back(&rendered(md).html);
        }
    }
}
