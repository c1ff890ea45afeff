//! The pipeline's HTML as the XHTML an EPUB reading system parses as XML.
//!
//! [`Chapter::convert`] re-reads HTML that the pipeline itself wrote (pulldown-cmark's output and
//! the sanitizer's re-serialised raw HTML, so well nested and quoted) and writes it back as XML:
//! void elements closed, every character reference decoded (XML knows only five names), MathML
//! and SVG in their namespaces, ids that are XML names. On the way it makes the page a book's
//! page: footnotes become EPUB footnotes, links that lead nowhere inside the book become their
//! text, and images that are not packed into the book become their alt text.

use std::collections::HashSet;

use crate::markdown::sanitize::decode_references;

/// Where the packed images live, from a chapter.
pub(super) const IMAGES: &str = "../images/";

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];
const MATHML_NS: &str = "http://www.w3.org/1998/Math/MathML";
const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// One essay's body as XHTML, with what the package and the checks need to know of it.
#[derive(Debug, Default)]
pub(super) struct Chapter {
    pub body: String,
    /// It holds MathML (`properties="mathml"` in the manifest).
    pub mathml: bool,
    /// It holds inline SVG (`properties="svg"`).
    pub svg: bool,
    /// Every id on the page.
    pub ids: HashSet<String>,
    /// Links into the book: the chapter file (empty: this one) and the fragment.
    pub anchors: Vec<(String, String)>,
    /// Images left out because they are not in the book (remote ones), by URL.
    pub remote_images: Vec<String>,
}

struct Tag<'a> {
    name: &'a str,
    attrs: Vec<(&'a str, String)>,
    self_closing: bool,
}

impl Tag<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What an open element was written as, so its end tag matches.
struct Open<'a> {
    name: &'a str,
    /// The name written instead (`aside` for a note), or `""` for an element left out.
    written: Option<&'static str>,
    /// A MathML or SVG element.
    foreign: bool,
    /// A MathML element.
    math: bool,
    /// Written inside an `mstyle` that closes with it.
    wrapped: bool,
}

impl Chapter {
    /// Converts `html`; `is_chapter(file)` says whether a file name is a chapter of the book.
    pub fn convert(html: &str, is_chapter: &dyn Fn(&str) -> bool) -> Chapter {
        let mut converter = Converter {
            chapter: Chapter {
                body: String::with_capacity(html.len() + html.len() / 8),
                ..Chapter::default()
            },
            is_chapter,
            stack: Vec::new(),
            footnotes: None,
            note_number: 0,
            pending_label: None,
            foreign: 0,
            math: 0,
        };
        converter.run(html);
        converter.chapter
    }
}

struct Converter<'a, 'h> {
    chapter: Chapter,
    is_chapter: &'a dyn Fn(&str) -> bool,
    stack: Vec<Open<'h>>,
    /// Where the footnotes section is on the stack, while inside it.
    footnotes: Option<usize>,
    note_number: usize,
    /// The number of the note just opened, written at the start of its first paragraph.
    pending_label: Option<(usize, String)>,
    /// Depth inside `<math>` or `<svg>`, whose names keep their case.
    foreign: usize,
    /// Depth inside `<math>`.
    math: usize,
}

impl<'h> Converter<'_, 'h> {
    fn run(&mut self, html: &'h str) {
        let mut rest = html;
        while !rest.is_empty() {
            let Some(lt) = rest.find('<') else {
                self.text(rest);
                break;
            };
            if lt > 0 {
                self.text(&rest[..lt]);
            }
            rest = &rest[lt..];
            let Some(gt) = tag_end(rest) else {
                self.text(rest);
                break;
            };
            let raw = &rest[1..gt];
            rest = &rest[gt + 1..];
            if raw.starts_with('!') || raw.starts_with('?') {
                continue;
            }
            if let Some(name) = raw.strip_prefix('/') {
                self.end(name.trim());
            } else {
                let tag = parse_tag(raw);
                if !tag.name.is_empty() {
                    self.start(tag);
                }
            }
        }
        while let Some(open) = self.stack.pop() {
            self.close(&open);
        }
    }

    fn text(&mut self, text: &str) {
        if text.trim().is_empty() && self.pending_label.is_some() {
            self.chapter.body.push_str(text);
            return;
        }
        if self.foreign == 0 && !text.trim().is_empty() {
            self.make_room(None);
        }
        self.write_label();
        escape_text(&decode_references(text), &mut self.chapter.body);
    }

    fn write_label(&mut self) {
        if let Some((number, id)) = self.pending_label.take() {
            let out = &mut self.chapter.body;
            out.push_str("<a class=\"footnote-label\" href=\"#");
            out.push_str(&id);
            out.push_str("\">");
            out.push_str(&number.to_string());
            out.push_str("</a> ");
            self.chapter.anchors.push((String::new(), id));
        }
    }

    fn start(&mut self, mut tag: Tag<'h>) {
        let name = tag.name;
        // A note's number goes inside its first paragraph, else before whatever comes first.
        if name != "p" {
            self.write_label();
        }
        let depth = self.stack.len();
        // The footnotes' list goes; its items become asides.
        let in_notes_list = self.footnotes.is_some_and(|d| d + 2 == depth);
        if self.footnotes.is_some_and(|d| d + 1 == depth) && name == "ol" {
            self.stack.push(Open {
                name,
                written: Some(""),
                foreign: false,
                math: false,
                wrapped: false,
            });
            return;
        }
        let mut written = None;
        if self.foreign == 0 && !in_notes_list {
            self.make_room(Some(name));
        }
        if self.foreign == 0 && !in_notes_list && !matches!(name, "math" | "svg") {
            match fit(name, self.parent()) {
                Fit::Keep => {}
                Fit::Rename(other) => written = Some(other),
                Fit::Drop => {
                    if !VOID.contains(&name) && !tag.self_closing {
                        self.stack.push(Open {
                            name,
                            written: Some(""),
                            foreign: false,
                            math: false,
                            wrapped: false,
                        });
                    }
                    return;
                }
            }
            if BLOCK.contains(&written.unwrap_or(name)) {
                self.close_phrasing();
            }
        }
        let mut extra: Vec<(&str, String)> = Vec::new();
        match name {
            "section" if self.footnotes.is_none() && tag.get("class") == Some("footnotes") => {
                self.footnotes = Some(depth);
                extra.push(("epub:type", "footnotes".into()));
            }
            "li" if in_notes_list => {
                written = Some("aside");
                self.note_number += 1;
                extra.push(("epub:type", "footnote".into()));
                tag.attrs.retain(|(n, _)| *n != "role");
                extra.push(("role", "doc-footnote".into()));
                let back = tag
                    .get("id")
                    .map(|id| format!("fnref-{}", id.strip_prefix("fn-").unwrap_or(id)));
                if let Some(back) = back {
                    self.pending_label = Some((self.note_number, xml_id(&back)));
                }
            }
            "a" => {
                let href = tag.get("href").map(str::to_string);
                let is_noteref = href.as_deref().is_some_and(|h| h.starts_with("#fn-"))
                    && tag.get("id").is_some_and(|id| id.starts_with("fnref-"));
                if is_noteref {
                    extra.push(("epub:type", "noteref".into()));
                    extra.push(("role", "doc-noteref".into()));
                } else if tag.get("class") == Some("footnote-back") {
                    extra.push(("role", "doc-backlink".into()));
                }
                if let Some(href) = href {
                    match self.href(&href) {
                        Some(href) => set(&mut tag, "href", href),
                        None => {
                            // A link that leads nowhere in the book reads as its text.
                            self.stack.push(Open {
                                name,
                                written: Some(""),
                                foreign: false,
                                math: false,
                                wrapped: false,
                            });
                            return;
                        }
                    }
                }
            }
            "img" => {
                let src = tag.get("src").unwrap_or("");
                // A diagram Quire drew is an SVG inside the page (see markdown::diagram).
                let drawn = src.starts_with("data:image/svg+xml;base64,");
                if !src.starts_with(IMAGES) && !drawn {
                    let remote = ["http:", "https:", "//"]
                        .iter()
                        .any(|p| src.len() >= p.len() && src[..p.len()].eq_ignore_ascii_case(p));
                    if remote {
                        self.chapter.remote_images.push(src.to_string());
                    }
                    let alt = tag.get("alt").unwrap_or("").to_string();
                    self.text_owned(&alt);
                    return;
                }
                if tag.get("alt").is_none() {
                    tag.attrs.push(("alt", String::new()));
                }
            }
            // Without a direction, `bdo` is invalid and overrides nothing.
            "bdo" if tag.get("dir").is_none() => written = Some("span"),
            "math" => {
                self.chapter.mathml = true;
                if tag.get("xmlns").is_none() {
                    extra.push(("xmlns", MATHML_NS.into()));
                }
            }
            "svg" => {
                self.chapter.svg = true;
                if tag.get("xmlns").is_none() {
                    extra.push(("xmlns", SVG_NS.into()));
                }
            }
            _ => {}
        }
        let foreign = self.foreign > 0 || matches!(name, "math" | "svg");
        let in_math = self.math > 0 || name == "math";
        // MathML Core puts `displaystyle` and `scriptlevel` on any element; EPUB's MathML 3
        // schema only on a few (`mstyle` takes all): the others get an `mstyle` around them
        // that carries the attributes, which styles them the same.
        let mut wrapped = false;
        if in_math && name != "mstyle" {
            let hoisted: Vec<(&str, String)> = tag
                .attrs
                .iter()
                .filter(|(attr, _)| {
                    *attr == "scriptlevel"
                        || (*attr == "displaystyle" && !matches!(name, "mtable" | "math"))
                })
                .cloned()
                .collect();
            if !hoisted.is_empty() && name != "math" {
                tag.attrs
                    .retain(|(attr, _)| !hoisted.iter().any(|(h, _)| h == attr));
                let out = &mut self.chapter.body;
                out.push_str("<mstyle");
                for (attr, value) in &hoisted {
                    out.push(' ');
                    out.push_str(attr);
                    out.push_str("=\"");
                    escape_attr(value, out);
                    out.push('"');
                }
                out.push('>');
                wrapped = true;
            }
        }
        let out_name = written.unwrap_or(name);
        let out = &mut self.chapter.body;
        out.push('<');
        out.push_str(out_name);
        for (attr, value) in tag
            .attrs
            .iter()
            .map(|(n, v)| (*n, v.as_str()))
            .chain(extra.iter().map(|(n, v)| (*n, v.as_str())))
        {
            let value = match attr {
                "id" => {
                    let id = xml_id(value);
                    if !self.chapter.ids.insert(id.clone()) {
                        continue;
                    }
                    id
                }
                // Obsolete in HTML5; the theme aligns cells through their style.
                "align" if !foreign => continue,
                "width" | "height" | "colspan" | "rowspan" | "span"
                    if !foreign && !is_number(value, false) =>
                {
                    continue
                }
                "start" | "value" if !foreign && !is_number(value, true) => continue,
                // A `colgroup` with a span must be empty, and its `col`s say it better.
                "span" if name == "colgroup" => continue,
                "datetime" if !foreign && !is_date_time(value) => continue,
                // Only the web: a relative `cite` would name a file the book does not hold.
                "cite" if !foreign && !is_web(value) => continue,
                "open" | "reversed" | "checked" | "disabled" if !foreign => attr.to_string(),
                _ => value.to_string(),
            };
            out.push(' ');
            out.push_str(attr);
            out.push_str("=\"");
            escape_attr(&value, out);
            out.push('"');
        }
        let void = !foreign && VOID.contains(&name);
        if void || tag.self_closing {
            out.push_str("/>");
            if wrapped {
                out.push_str("</mstyle>");
            }
            return;
        }
        out.push('>');
        if name == "p" {
            self.write_label();
        }
        if foreign {
            self.foreign += 1;
        }
        if in_math {
            self.math += 1;
        }
        self.stack.push(Open {
            name,
            written,
            foreign,
            math: in_math,
            wrapped,
        });
    }

    /// The element new content goes into, as written.
    fn parent(&self) -> Option<&'static str> {
        self.stack
            .iter()
            .rev()
            .find(|o| o.written != Some(""))
            .map(|o| o.written.unwrap_or_else(|| static_name(o.name)))
    }

    /// Closes the lists and tables that may not hold `child` (an element's name, or `None`
    /// for text): a browser moves such content out of the table, XHTML refuses it inside.
    fn make_room(&mut self, child: Option<&str>) {
        while let Some(allowed) = self.parent().and_then(children_of) {
            if child.is_some_and(|c| allowed.contains(&c)) {
                break;
            }
            while let Some(open) = self.stack.pop() {
                self.close(&open);
                if open.written != Some("") {
                    break;
                }
            }
        }
    }

    /// Before a block: closes the open elements that may hold only phrasing content (a
    /// paragraph, emphasis), as a browser's parser does for `<p>` and as XHTML requires.
    fn close_phrasing(&mut self) {
        let container = self
            .stack
            .iter()
            .rposition(|o| o.foreign || !inline(o.written.unwrap_or(o.name)));
        let from = container.map_or(0, |c| c + 1);
        let phrasing_only = self.stack[from..]
            .iter()
            .any(|o| PHRASING_ONLY.contains(&o.written.unwrap_or(o.name)));
        if phrasing_only {
            while self.stack.len() > from {
                if let Some(open) = self.stack.pop() {
                    self.close(&open);
                }
            }
        }
    }

    fn text_owned(&mut self, text: &str) {
        self.write_label();
        escape_text(text, &mut self.chapter.body);
    }

    fn end(&mut self, name: &str) {
        if self.foreign == 0 && VOID.contains(&name.to_ascii_lowercase().as_str()) {
            return;
        }
        let Some(at) = self.stack.iter().rposition(|o| o.name == name) else {
            return;
        };
        while self.stack.len() > at {
            if let Some(open) = self.stack.pop() {
                self.close(&open);
            }
        }
    }

    fn close(&mut self, open: &Open) {
        if open.foreign {
            self.foreign -= 1;
        }
        if open.math {
            self.math -= 1;
        }
        if self.footnotes == Some(self.stack.len()) && open.name == "section" {
            self.footnotes = None;
        }
        match open.written {
            Some("") => {}
            written => {
                let out = &mut self.chapter.body;
                out.push_str("</");
                out.push_str(written.unwrap_or(open.name));
                out.push('>');
                if open.wrapped {
                    out.push_str("</mstyle>");
                }
            }
        }
    }

    /// Where a link goes in the book, or `None` when it goes nowhere there.
    fn href(&mut self, href: &str) -> Option<String> {
        if let Some(fragment) = href.strip_prefix('#') {
            let id = xml_id(fragment);
            self.chapter.anchors.push((String::new(), id.clone()));
            return Some(format!("#{id}"));
        }
        if is_web(href)
            || href
                .get(..7)
                .is_some_and(|s| s.eq_ignore_ascii_case("mailto:"))
        {
            return Some(href.to_string());
        }
        let (file, fragment) = href.split_once('#').unwrap_or((href, ""));
        if file.is_empty() || !(self.is_chapter)(file) {
            return None;
        }
        if fragment.is_empty() {
            return Some(file.to_string());
        }
        let id = xml_id(fragment);
        self.chapter.anchors.push((file.to_string(), id.clone()));
        Some(format!("{file}#{id}"))
    }
}

/// Elements that are blocks: none may stand inside a paragraph or emphasis.
#[rustfmt::skip]
const BLOCK: &[&str] = &[
    "address", "article", "aside", "blockquote", "details", "div", "dl", "figure", "figcaption",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "main", "nav", "ol", "p", "pre",
    "section", "table", "ul", "dd", "dt", "summary", "caption",
];
/// Elements whose content may only be phrasing content.
#[rustfmt::skip]
const PHRASING_ONLY: &[&str] = &[
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "em", "strong", "b", "i", "u", "s", "small",
    "mark", "span", "abbr", "cite", "code", "dfn", "kbd", "q", "samp", "sub", "sup", "var", "time",
    "bdi", "bdo", "ruby", "rt", "rp", "summary",
];

/// Phrasing-only elements and those that take their parent's content model (`a`, `del`,
/// `ins`), and elements left out (`""`).
fn inline(name: &str) -> bool {
    PHRASING_ONLY.contains(&name) || matches!(name, "a" | "del" | "ins" | "")
}

/// The names [`fit`] compares parents with, as `'static` (others do not matter to it).
fn static_name(name: &str) -> &'static str {
    const PARENTS: &[&str] = &[
        "ul", "ol", "menu", "tr", "table", "thead", "tbody", "tfoot", "colgroup", "dl", "details",
        "figure", "ruby",
    ];
    PARENTS
        .iter()
        .find(|p| **p == name)
        .copied()
        .unwrap_or("other")
}

/// The only elements a list, table or definition list may hold; `None` for the others.
fn children_of(parent: &str) -> Option<&'static [&'static str]> {
    Some(match parent {
        "ul" | "ol" | "menu" => &["li"],
        "table" => &["caption", "colgroup", "thead", "tbody", "tfoot", "tr"],
        "thead" | "tbody" | "tfoot" => &["tr"],
        "tr" => &["td", "th"],
        "colgroup" => &["col"],
        "dl" => &["dt", "dd", "div"],
        _ => return None,
    })
}

/// What an element becomes where it stands: raw HTML may put a list item, a cell or a
/// caption anywhere; a browser's parser moves or drops it, XHTML refuses it.
enum Fit {
    Keep,
    Rename(&'static str),
    Drop,
}

fn fit(name: &str, parent: Option<&str>) -> Fit {
    let parent = parent.unwrap_or("");
    let within = |parents: &[&str]| parents.contains(&parent);
    match name {
        "li" if !within(&["ul", "ol", "menu"]) => Fit::Rename("div"),
        "td" | "th" if parent != "tr" => Fit::Rename("div"),
        "tr" if !within(&["table", "thead", "tbody", "tfoot"]) => Fit::Drop,
        "thead" | "tbody" | "tfoot" | "caption" | "colgroup" if parent != "table" => Fit::Drop,
        "col" if parent != "colgroup" => Fit::Drop,
        "dd" | "dt" if parent != "dl" => Fit::Rename("div"),
        "summary" if parent != "details" => Fit::Rename("div"),
        "figcaption" if parent != "figure" => Fit::Rename("div"),
        "rt" | "rp" if parent != "ruby" => Fit::Rename("span"),
        _ => Fit::Keep,
    }
}

fn is_web(url: &str) -> bool {
    ["http://", "https://"].iter().any(|scheme| {
        url.get(..scheme.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(scheme))
    })
}

fn is_number(value: &str, signed: bool) -> bool {
    let digits = if signed {
        value.strip_prefix('-').unwrap_or(value)
    } else {
        value
    };
    !digits.is_empty() && digits.len() < 10 && digits.bytes().all(|b| b.is_ascii_digit())
}

/// A date, or a date and time, as HTML's `datetime` takes them (`2020-01-31`,
/// `2020-01-31T10:30`, `2020-01-31 10:30:00Z`, `…+02:00`); other values are left out.
fn is_date_time(value: &str) -> bool {
    let b = value.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        b.get(range)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    let date = b.len() >= 10
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10);
    if !date {
        return false;
    }
    let time = &value[10..];
    if time.is_empty() {
        return true;
    }
    let t = time.as_bytes();
    if !(t.len() >= 6 && matches!(t[0], b'T' | b' ') && t[3] == b':') {
        return false;
    }
    let zone_at = time[1..]
        .find(['Z', '+', '-'])
        .map_or(time.len(), |p| p + 1);
    let (clock, zone) = time.split_at(zone_at);
    let clock_ok = clock[1..].split(':').enumerate().all(|(i, part)| {
        let whole = part.split('.').next().unwrap_or("");
        i < 3 && whole.len() == 2 && part.bytes().all(|c| c.is_ascii_digit() || c == b'.')
    });
    let zone_ok = zone.is_empty()
        || zone == "Z"
        || (zone.len() == 6
            && zone.as_bytes()[3] == b':'
            && zone[1..3]
                .bytes()
                .chain(zone[4..].bytes())
                .all(|c| c.is_ascii_digit()));
    clock_ok && zone_ok
}

fn set<'h>(tag: &mut Tag<'h>, name: &'h str, value: String) {
    if let Some(slot) = tag.attrs.iter_mut().find(|(n, _)| *n == name) {
        slot.1 = value;
    }
}

/// An id as an XML name: ids the pipeline makes from headings may start with a digit
/// (`1914-and-after`), which XML refuses.
pub(super) fn xml_id(id: &str) -> String {
    let mut out = String::with_capacity(id.len() + 2);
    if !id
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
    {
        out.push_str("n-");
    }
    for c in id.chars() {
        out.push(if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
            c
        } else {
            '-'
        });
    }
    out
}

/// The end of the tag that starts `s` (at `<`), past quoted attribute values.
fn tag_end(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut quote = None;
    for (i, &b) in bytes.iter().enumerate().skip(1) {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), b) if b == q => quote = None,
            (None, b'>') => return Some(i),
            _ => {}
        }
    }
    None
}

fn parse_tag(raw: &str) -> Tag<'_> {
    let raw = raw.trim_end();
    let (raw, self_closing) = match raw.strip_suffix('/') {
        Some(r) => (r, true),
        None => (raw, false),
    };
    let name_end = raw
        .find(|c: char| c.is_ascii_whitespace())
        .unwrap_or(raw.len());
    let name = &raw[..name_end];
    let mut attrs = Vec::new();
    let mut rest = raw[name_end..].trim_start();
    while !rest.is_empty() {
        let end = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '=')
            .unwrap_or(rest.len());
        let attr = &rest[..end];
        rest = rest[end..].trim_start();
        let value = if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (value, next) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let close = after[1..].find(q).map_or(after.len(), |p| p + 1);
                    (&after[1..close], after.get(close + 1..).unwrap_or(""))
                }
                _ => {
                    let end = after
                        .find(|c: char| c.is_ascii_whitespace())
                        .unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            rest = next.trim_start();
            decode_references(value)
        } else {
            String::new()
        };
        let valid = !attr.is_empty()
            && attr
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':'));
        if valid && !attrs.iter().any(|(n, _)| *n == attr) {
            attrs.push((attr, value));
        }
    }
    let valid_name = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':'));
    Tag {
        name: if valid_name { name } else { "" },
        attrs,
        self_closing,
    }
}

/// A character XML 1.0 allows in a document; the others become U+FFFD.
fn xml_char(c: char) -> char {
    match c {
        '\t' | '\n' | '\r' => c,
        '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => '\u{fffd}',
        c => c,
    }
}

pub(super) fn escape_text(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(xml_char(c)),
        }
    }
}

pub(super) fn escape_attr(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            c => out.push(xml_char(c)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(html: &str) -> Chapter {
        Chapter::convert(html, &|file| file == "other.xhtml")
    }

    #[test]
    fn void_elements_close_and_references_decode() {
        let page = convert("<p>a&nbsp;b &copy; &amp; &lt;<br>c<hr />\n<img src=\"../images/x.png\" alt=\"A &quot;x&quot;\"></p>");
        assert_eq!(
            page.body,
            "<p>a\u{a0}b © &amp; &lt;<br/>c</p><hr/>\n<img src=\"../images/x.png\" alt=\"A &quot;x&quot;\"/>"
        );
    }

    #[test]
    fn footnotes_become_epub_footnotes_linked_both_ways() {
        let html = "<p>x<sup class=\"footnote-ref\"><a href=\"#fn-a\" id=\"fnref-a\">1</a></sup></p>\n<section class=\"footnotes\" role=\"doc-endnotes\">\n<ol>\n<li id=\"fn-a\">\n<p>Note. <a href=\"#fnref-a\" class=\"footnote-back\">↩</a></p>\n</li>\n</ol>\n</section>\n<p>after</p>";
        let page = convert(html);
        assert!(
            page.body.contains(
                "<a href=\"#fn-a\" id=\"fnref-a\" epub:type=\"noteref\" role=\"doc-noteref\">1</a>"
            ),
            "{}",
            page.body
        );
        assert!(page.body.contains("<aside id=\"fn-a\" epub:type=\"footnote\" role=\"doc-footnote\">\n<p><a class=\"footnote-label\" href=\"#fnref-a\">1</a> Note."), "{}", page.body);
        assert!(
            page.body
                .contains("</p>\n</aside>\n\n</section>\n<p>after</p>"),
            "{}",
            page.body
        );
        assert!(
            !page.body.contains("<ol>") && !page.body.contains("</li>"),
            "{}",
            page.body
        );
    }

    #[test]
    fn links_outside_the_book_become_their_text() {
        let page = convert("<a href=\"gone.md\">gone</a> <a href=\"other.xhtml#1x\">there</a> <a href=\"https://e.org/?a=1&amp;b\">web</a>");
        assert_eq!(
            page.body,
            "gone <a href=\"other.xhtml#n-1x\">there</a> <a href=\"https://e.org/?a=1&amp;b\">web</a>"
        );
        assert_eq!(page.anchors, [("other.xhtml".into(), "n-1x".into())]);
    }

    #[test]
    fn remote_images_become_their_alt_text() {
        let page = convert("<p><img src=\"https://e.org/a.png\" alt=\"a &lt;chart&gt;\" /></p>");
        assert_eq!(page.body, "<p>a &lt;chart&gt;</p>");
        assert_eq!(page.remote_images, ["https://e.org/a.png"]);
    }

    #[test]
    fn math_gets_its_namespace_and_is_declared() {
        let page = convert("<p><math display=\"block\"><mi>x</mi></math></p>");
        assert!(page.mathml);
        assert_eq!(
            page.body,
            format!("<p><math display=\"block\" xmlns=\"{MATHML_NS}\"><mi>x</mi></math></p>")
        );
    }

    #[test]
    fn mathml_core_style_attributes_move_to_an_mstyle_where_mathml_3_wants_them() {
        let page = convert("<math><mtable displaystyle=\"true\" scriptlevel=\"0\"><mtr><mtd><mfrac displaystyle=\"false\"><mn>1</mn><mn>2</mn></mfrac></mtd></mtr></mtable></math>");
        assert_eq!(
            page.body,
            format!("<math xmlns=\"{MATHML_NS}\"><mstyle scriptlevel=\"0\"><mtable displaystyle=\"true\"><mtr><mtd><mstyle displaystyle=\"false\"><mfrac><mn>1</mn><mn>2</mn></mfrac></mstyle></mtd></mtr></mtable></mstyle></math>")
        );
    }

    #[test]
    fn attribute_values_html_would_forgive_and_xhtml_would_not_are_left_out() {
        let page = convert("<ol start=\"-2\"><li value=\"x\">a</li></ol><time datetime=\"soon\">t</time><time datetime=\"2020-01-31T10:30:00+02:00\">u</time><q cite=\"x.html\">q</q><bdo>b</bdo>");
        assert_eq!(
            page.body,
            "<ol start=\"-2\"><li>a</li></ol><time>t</time><time datetime=\"2020-01-31T10:30:00+02:00\">u</time><q>q</q><span>b</span>"
        );
        for ok in ["2020-01-31", "2020-01-31 10:30", "2020-01-31T10:30:05.5Z"] {
            assert!(is_date_time(ok), "{ok}");
        }
        for bad in [
            "2020",
            "2020-1-31",
            "2020-01-31T",
            "2020-01-31T10",
            "2020-01-31T10:30+2",
        ] {
            assert!(!is_date_time(bad), "{bad}");
        }
    }

    #[test]
    fn markup_out_of_place_is_put_where_xhtml_allows_it() {
        let page = convert("<li>a</li><td>b</td><tr><td>c</td></tr><dd>d</dd><col><p>x<em>y<div>z</div>w</em></p><table><tr><td>ok</td></tr></table>");
        assert_eq!(
            page.body,
            "<div>a</div><div>b</div><div>c</div><div>d</div><p>x<em>y</em></p><div>z</div>w<table><tr><td>ok</td></tr></table>"
        );
    }

    #[test]
    fn what_a_list_or_table_may_not_hold_closes_it() {
        let page = convert("<ul><p>x</p><li>y</li></ul><table><tr>text<td>c</td></tr></table><ol>\n<li>ok</li>\n</ol>");
        assert_eq!(
            page.body,
            "<ul></ul><p>x</p><div>y</div><table><tr></tr></table>text<div>c</div><ol>\n<li>ok</li>\n</ol>"
        );
    }

    /// Checks that `xml` is well nested: every end tag closes the element open last.
    fn assert_well_nested(xml: &str, input: &str) {
        let mut open: Vec<&str> = Vec::new();
        let mut rest = xml;
        while let Some(lt) = rest.find('<') {
            rest = &rest[lt + 1..];
            let gt = tag_end(&format!("<{rest}")).expect("tags end") - 1;
            let tag = &rest[..gt];
            rest = &rest[gt + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(open.pop(), Some(name), "{input:?} gave {xml:?}");
            } else if !tag.ends_with('/') {
                open.push(tag.split(' ').next().unwrap());
            }
        }
        assert!(open.is_empty(), "{input:?} left {open:?} open in {xml:?}");
    }

    #[test]
    fn any_soup_of_tags_comes_out_well_nested() {
        let pieces = [
            "<p>",
            "</p>",
            "<em>",
            "</em>",
            "<div>",
            "</div>",
            "<ul>",
            "</ul>",
            "<li>",
            "</li>",
            "<table>",
            "</table>",
            "<tr>",
            "</tr>",
            "<td>",
            "</td>",
            "<math>",
            "</math>",
            "<mfrac displaystyle=\"true\">",
            "</mfrac>",
            "<mi>",
            "</mi>",
            "<br>",
            "<hr />",
            "<a href=\"#x\">",
            "<a href=\"gone.md\">",
            "</a>",
            "text",
            " ",
            "&amp;",
            "&nbsp;",
            "<section class=\"footnotes\">",
            "</section>",
            "<ol>",
            "</ol>",
            "<li id=\"fn-1\">",
            "<img src=\"x.png\" alt=\"a\">",
            "<dl>",
            "<dd>",
            "</dd>",
            "<pre>",
            "</pre>",
            "<",
            "<svg>",
            "<g>",
            "</g>",
            "</svg>",
            "<summary>",
            "<details>",
            "</details>",
            "<col>",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..3_000 {
            let mut input = String::new();
            for _ in 0..(seed % 24) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                input.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            seed = seed.wrapping_add(1);
            assert_well_nested(&convert(&input).body, &input);
        }
    }

    #[test]
    fn unbalanced_or_broken_markup_still_makes_well_formed_xml() {
        let page = convert("<div><p>a</div></span><em>b");
        assert_eq!(page.body, "<div><p>a</p></div><em>b</em>");
        let page = convert("a < b <x");
        assert_eq!(page.body, "a &lt; b &lt;x");
    }
}
