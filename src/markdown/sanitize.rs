//! Allowlist sanitizer for the raw HTML inside essays.
//!
//! Essays come from git pulls and downloads, so their raw HTML is untrusted. Rather than
//! looking for known-bad markup (a losing game against browser quirks), each fragment is
//! tokenised much as a browser would and only known-harmless markup is *re-serialised*: an
//! allowlisted element is rebuilt from its lowercase name, with allowlisted attributes whose
//! values are decoded, checked (URLs must be http, https, mailto or on the same site, never a
//! network path or a backslash spelling) and re-escaped.
//! Everything else is dropped (other tags, comments, and the whole content of script-like
//! elements) or emitted as escaped text. No byte of input markup reaches the page unchanged,
//! so where this tokenizer and a browser's disagree, the worst outcome is markup shown as
//! text. Open elements are tracked so that essay HTML stays well nested, only closes
//! elements it opened itself, and is closed at the end of the document.

use std::collections::HashMap;

mod entities;

use crate::url::Url;
use entities::{C1_REPLACEMENTS, NAMED_REFS};

#[rustfmt::skip]
const ALLOWED: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col",
    "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p",
    "pre", "q", "rp", "rt", "ruby", "s", "samp", "section", "small", "span", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
    "var", "wbr",
];
const VOID: &[&str] = &["br", "col", "hr", "img", "wbr"];
/// Elements dropped together with everything up to their close tag.
#[rustfmt::skip]
const SKIP_CONTENT: &[&str] = &[
    "script", "style", "iframe", "object", "template", "noscript", "textarea", "title", "xmp",
    "noembed", "noframes", "plaintext", "math", "svg", "select", "option", "frameset", "applet",
];
/// Of those, the ones whose content browsers read as plain text up to `</name`, never as tags.
#[rustfmt::skip]
const RAW_TEXT: &[&str] = &[
    "script", "style", "iframe", "noscript", "textarea", "title", "xmp", "noembed", "noframes",
    "plaintext",
];
#[rustfmt::skip]
const ATTRS: &[&str] = &[
    "title", "lang", "dir", "id", "class", "href", "src", "alt", "width", "height", "cite",
    "start", "reversed", "type", "value", "colspan", "rowspan", "align", "scope", "span",
    "datetime", "open",
];
const MAX_DEPTH: usize = 64;

/// MathML Core's elements, for the formulas the pipeline makes from `$…$` ([`HtmlSanitizer::mathml`]).
/// Left out: `annotation-xml` (it can hold HTML), `maction` and `mglyph` (not in Core).
#[rustfmt::skip]
const MATH_ALLOWED: &[&str] = &[
    "math", "annotation", "merror", "mfrac", "mi", "mmultiscripts", "mn", "mo", "mover",
    "mpadded", "mphantom", "mprescripts", "mroot", "mrow", "ms", "mspace", "msqrt", "mstyle",
    "msub", "msubsup", "msup", "mtable", "mtd", "mtext", "mtr", "munder", "munderover", "none",
    "semantics",
];
/// MathML Core's presentation attributes: none of them holds a URL or runs anything. `style`
/// passes only as a plain colour (`\color`), never as CSS that could load a `url()`.
#[rustfmt::skip]
const MATH_ATTRS: &[&str] = &[
    "display", "displaystyle", "scriptlevel", "mathvariant", "dir", "form", "fence", "separator",
    "lspace", "rspace", "stretchy", "symmetric", "maxsize", "minsize", "largeop", "movablelimits",
    "accent", "accentunder", "linethickness", "width", "height", "depth", "voffset",
    "columnalign", "rowalign", "columnspan", "rowspan", "encoding", "class", "style",
    "mathcolor", "mathbackground",
];

/// What a sanitizer lets through.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Policy {
    /// The HTML an essay may contain.
    #[default]
    Essay,
    /// MathML Core and nothing else.
    Math,
}

impl Policy {
    fn elements(self) -> &'static [&'static str] {
        match self {
            Policy::Essay => ALLOWED,
            Policy::Math => MATH_ALLOWED,
        }
    }
}

/// Whether a link or image URL may appear in output: http, https, mailto (case-insensitive),
/// or a path on the same site, read as a browser reads it ([`Url`]). Everything else
/// (javascript:, vbscript:, data:, file:, unknown schemes, `//host` and `\\host` network
/// paths, backslashes) is refused.
pub fn is_safe_url(url: &str) -> bool {
    Url::read(url).is_publishable()
}

/// Sanitizes raw HTML fragments of one document; keeps state across fragments (tags opened
/// in one fragment and closed in a later one).
#[derive(Default)]
pub struct HtmlSanitizer {
    /// Allowed non-void elements emitted and not yet closed, innermost last.
    open: Vec<&'static str>,
    /// Opening tags dropped by the depth cap, by name, so that their close tags are dropped too.
    overflow: HashMap<&'static str, usize>,
    /// The element whose content is being dropped, and how deeply it is nested in itself.
    skip: Option<(&'static str, usize)>,
    policy: Policy,
}

impl HtmlSanitizer {
    /// A sanitizer with nothing open, for the start of a document.
    pub fn new() -> Self {
        Self::default()
    }

    /// A sanitizer for MathML: the formulas the pipeline converts from TeX pass through it, so
    /// that whatever the converter emits, only MathML Core's elements and attributes reach the
    /// page. (Raw `<math>` written in an essay stays dropped, with its content.)
    pub fn mathml() -> Self {
        HtmlSanitizer {
            policy: Policy::Math,
            ..Self::default()
        }
    }

    /// Appends the safe form of one raw HTML fragment to `out`.
    pub fn push(&mut self, fragment: &str, out: &mut String) {
        let b = fragment.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if let Some((name, _)) = self.skip.filter(|(n, _)| RAW_TEXT.contains(n)) {
                let Some(Token::Tag(tag)) = find_raw_end(b, i, name).map(|j| lex(fragment, j))
                else {
                    return;
                };
                self.skip = None;
                i = tag.end;
                continue;
            }
            let lt = b[i..]
                .iter()
                .position(|&c| c == b'<')
                .map_or(b.len(), |p| i + p);
            let emit = self.skip.is_none();
            if emit {
                escape_text(&fragment[i..lt], out);
            }
            if lt == b.len() {
                break;
            }
            i = match lex(fragment, lt) {
                Token::Lt => {
                    if emit {
                        out.push_str("&lt;");
                    }
                    lt + 1
                }
                // The construct runs to the end of the fragment, as it would in a browser; showing
                // it as text (rather than retrying at the next `<`) also keeps this linear.
                Token::Unterminated => {
                    if emit {
                        escape_text(&fragment[lt..], out);
                    }
                    return;
                }
                Token::Ignored(end) => end,
                Token::Tag(tag) => {
                    self.tag(&tag, out);
                    tag.end
                }
            };
        }
    }

    /// Appends closing tags for every element raw HTML left open, so essay HTML cannot
    /// swallow the page around it.
    /// How many elements raw HTML has opened and not closed; a mark for [`Self::close_to`].
    pub fn open_elements(&self) -> usize {
        self.open.len()
    }

    /// Closes the elements opened since `mark`, so that an unclosed inline tag ends with the
    /// paragraph it was written in instead of running on through the rest of the essay.
    pub fn close_to(&mut self, mark: usize, out: &mut String) {
        while self.open.len() > mark {
            if let Some(name) = self.open.pop() {
                push_close(name, out);
            }
        }
    }

    pub fn finish(&mut self, out: &mut String) {
        for name in self.open.drain(..).rev() {
            push_close(name, out);
        }
        self.overflow.clear();
        self.skip = None;
    }

    fn tag(&mut self, tag: &Tag, out: &mut String) {
        // `<svg/>` really is empty in HTML, unlike `<script/>`, which still opens an element.
        let empty_foreign = |name: &str| tag.self_closing && matches!(name, "svg" | "math");
        if let Some((name, depth)) = self.skip {
            if tag.name.eq_ignore_ascii_case(name) {
                let depth = if tag.close {
                    depth - 1
                } else if empty_foreign(name) {
                    depth
                } else {
                    depth + 1
                };
                self.skip = (depth > 0).then_some((name, depth));
            }
            return;
        }
        if tag.close {
            return self.close(tag.name, out);
        }
        let elements = self.policy.elements();
        if let Some(name) = lookup(SKIP_CONTENT, tag.name).filter(|n| !elements.contains(n)) {
            if !empty_foreign(name) {
                self.skip = Some((name, 1));
            }
            return;
        }
        let Some(name) = lookup(elements, tag.name) else {
            return;
        };
        // In MathML `<mspace/>` is complete: it is written out closed, and opens nothing.
        if self.policy == Policy::Math && tag.self_closing {
            out.push('<');
            out.push_str(name);
            push_attrs(self.policy, name, &tag.attrs, out);
            out.push('>');
            return push_close(name, out);
        }
        if !VOID.contains(&name) {
            if self.open.len() >= MAX_DEPTH {
                *self.overflow.entry(name).or_default() += 1;
                return;
            }
            self.open.push(name);
        }
        out.push('<');
        out.push_str(name);
        push_attrs(self.policy, name, &tag.attrs, out);
        out.push('>');
    }

    fn close(&mut self, name: &str, out: &mut String) {
        let Some(name) = lookup(self.policy.elements(), name) else {
            return;
        };
        if let Some(n) = self.overflow.get_mut(name).filter(|n| **n > 0) {
            *n -= 1;
        } else if let Some(k) = self.open.iter().rposition(|&n| n == name) {
            // Closing everything opened after it keeps the output well nested.
            for name in self.open.drain(k..).rev() {
                push_close(name, out);
            }
        }
    }
}

enum Token<'a> {
    /// A `<` that starts no markup: literal text.
    Lt,
    /// Markup that runs past the end of the fragment.
    Unterminated,
    /// A comment, doctype, processing instruction or CDATA section, ending at this index.
    Ignored(usize),
    Tag(Tag<'a>),
}

struct Tag<'a> {
    name: &'a str,
    close: bool,
    self_closing: bool,
    attrs: Vec<(&'a str, Option<&'a str>)>,
    end: usize,
}

fn is_space(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// Reads the markup starting with the `<` at `i`. Every index it returns follows an ASCII
/// byte or is the end of `s`, so slicing there never splits a character.
fn lex(s: &str, i: usize) -> Token<'_> {
    let b = s.as_bytes();
    let until = |from: usize, pat: &[u8]| {
        let found = b[from..].windows(pat.len()).position(|w| w == pat);
        found.map_or(Token::Unterminated, |p| {
            Token::Ignored(from + p + pat.len())
        })
    };
    match b.get(i + 1) {
        Some(b'!') if b[i..].starts_with(b"<!--") => {
            let from = i + 4;
            if b[from..].starts_with(b">") {
                Token::Ignored(from + 1)
            } else if b[from..].starts_with(b"->") {
                Token::Ignored(from + 2)
            } else {
                let end = (from..b.len()).find_map(|j| {
                    let rest = &b[j..];
                    (rest.starts_with(b"-->").then_some(j + 3))
                        .or(rest.starts_with(b"--!>").then_some(j + 4))
                });
                end.map_or(Token::Unterminated, Token::Ignored)
            }
        }
        Some(b'!') if b[i..].starts_with(b"<![CDATA[") => until(i + 9, b"]]>"),
        Some(b'!') => until(i + 2, b">"),
        Some(b'?') => until(i + 2, b"?>"),
        Some(b'/') if b.get(i + 2).is_some_and(u8::is_ascii_alphabetic) => tag(s, i + 2, true),
        Some(c) if c.is_ascii_alphabetic() => tag(s, i + 1, false),
        _ => Token::Lt,
    }
}

/// Reads a start or end tag whose name begins at `p`, following HTML's tokenizer rules.
fn tag(s: &str, mut p: usize, close: bool) -> Token<'_> {
    let b = s.as_bytes();
    let name_start = p;
    while p < b.len() && (b[p].is_ascii_alphanumeric() || b[p] == b'-') {
        p += 1;
    }
    let name = &s[name_start..p];
    match b.get(p) {
        None => return Token::Unterminated,
        Some(&c) if !(is_space(c) || c == b'/' || c == b'>') => return Token::Lt,
        _ => {}
    }
    let mut attrs = Vec::new();
    let skip_spaces = |p: &mut usize| {
        while *p < b.len() && is_space(b[*p]) {
            *p += 1;
        }
    };
    let self_closing = loop {
        skip_spaces(&mut p);
        match b.get(p) {
            None => return Token::Unterminated,
            Some(b'>') => break false,
            Some(b'/') if b.get(p + 1) == Some(&b'>') => break true,
            Some(b'/') => p += 1,
            _ => {
                // The first character may be `=`; the name runs to a space, `/`, `>` or `=`.
                let start = p;
                p += 1;
                while p < b.len() && !is_space(b[p]) && !matches!(b[p], b'/' | b'>' | b'=') {
                    p += 1;
                }
                let attr = &s[start..p];
                skip_spaces(&mut p);
                let mut value = None;
                if b.get(p) == Some(&b'=') {
                    p += 1;
                    skip_spaces(&mut p);
                    let start = p;
                    match b.get(p) {
                        None => return Token::Unterminated,
                        Some(&q @ (b'"' | b'\'')) => {
                            let Some(len) = b[p + 1..].iter().position(|&c| c == q) else {
                                return Token::Unterminated;
                            };
                            p += len + 2;
                            value = Some(&s[start + 1..p - 1]);
                        }
                        _ => {
                            while p < b.len() && !is_space(b[p]) && b[p] != b'>' {
                                p += 1;
                            }
                            value = Some(&s[start..p]);
                        }
                    }
                }
                attrs.push((attr, value));
            }
        }
    };
    let end = p + 1 + usize::from(self_closing);
    Token::Tag(Tag {
        name,
        close,
        self_closing,
        attrs,
        end,
    })
}

/// Where the close tag of raw text element `name` starts, searching from `from`.
fn find_raw_end(b: &[u8], from: usize, name: &str) -> Option<usize> {
    let n = name.len();
    (from..b.len()).find(|&j| {
        b[j..].starts_with(b"</")
            && b.get(j + 2..j + 2 + n)
                .is_some_and(|w| w.eq_ignore_ascii_case(name.as_bytes()))
            && b.get(j + 2 + n)
                .is_none_or(|&c| is_space(c) || c == b'/' || c == b'>')
    })
}

fn lookup(list: &[&'static str], name: &str) -> Option<&'static str> {
    list.iter().copied().find(|n| n.eq_ignore_ascii_case(name))
}

fn attr_allowed(elem: &str, attr: &str) -> bool {
    matches!(attr, "title" | "lang" | "dir" | "id" | "class")
        || matches!(
            (elem, attr),
            ("a", "href")
                | ("img", "src" | "alt" | "width" | "height")
                | ("q" | "blockquote" | "del" | "ins", "cite")
                | ("ol", "start" | "reversed" | "type")
                | ("li", "value")
                | ("td" | "th", "colspan" | "rowspan" | "align")
                | ("th", "scope")
                | ("col" | "colgroup", "span")
                | ("time", "datetime")
                | ("details", "open")
        )
}

/// Whether a MathML attribute's value is harmless: colours and `style` only as a plain colour.
fn math_value_allowed(attr: &str, value: &str) -> bool {
    let colour = |v: &str| {
        !v.is_empty() && v.len() <= 32 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '#')
    };
    match attr {
        "mathcolor" | "mathbackground" => colour(value),
        "style" => value
            .strip_prefix("color:")
            .map(|v| v.strip_suffix(';').unwrap_or(v))
            .is_some_and(colour),
        _ => true,
    }
}

fn push_attrs(policy: Policy, elem: &str, attrs: &[(&str, Option<&str>)], out: &mut String) {
    let mut seen = Vec::new();
    let names = match policy {
        Policy::Essay => ATTRS,
        Policy::Math => MATH_ATTRS,
    };
    for &(raw_name, raw_value) in attrs {
        let Some(name) = lookup(names, raw_name) else {
            continue;
        };
        // Browsers use the first of repeated attributes.
        if seen.contains(&name) {
            continue;
        }
        seen.push(name);
        if policy == Policy::Essay && !attr_allowed(elem, name) {
            continue;
        }
        if policy == Policy::Math {
            let (value, unknown_ref) = decode(raw_value.unwrap_or(""));
            if unknown_ref || !math_value_allowed(name, &value) {
                continue;
            }
        }
        if matches!(name, "open" | "reversed") {
            out.push(' ');
            out.push_str(name);
            continue;
        }
        let (mut value, unknown_ref) = decode(raw_value.unwrap_or(""));
        match name {
            // An undecoded reference might hide a scheme, so such URLs are refused outright.
            "href" | "src" | "cite" if unknown_ref || !is_safe_url(&value) => continue,
            "id" | "class" => {
                // Whitespace separates class names, so it must stay a separator.
                value = value
                    .chars()
                    .map(|c| if c.is_ascii_whitespace() { ' ' } else { c })
                    .collect();
                value.retain(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ' ' | '-'));
                if value.trim().is_empty() {
                    continue;
                }
            }
            _ => {}
        }
        out.push(' ');
        out.push_str(name);
        out.push_str("=\"");
        // Re-escaping means the browser decodes exactly the value that was checked above.
        for c in value.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#39;"),
                '\0' => out.push('\u{FFFD}'),
                // A raw carriage return would be read as a line feed.
                '\r' => out.push_str("&#13;"),
                c => out.push(c),
            }
        }
        out.push('"');
    }
}

fn push_close(name: &str, out: &mut String) {
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

enum CharRef {
    /// A reference a browser decodes, what it decodes to, and its length in bytes.
    Named(&'static str, usize),
    Numeric(char, usize),
    /// A well-formed `&name;` that is no reference: a browser shows it as it stands.
    Unknown,
    /// The `&` starts no reference.
    Literal,
}

/// The length of the longest name in the table, `CounterClockwiseContourIntegral;`.
const MAX_NAME: usize = 32;

/// Reads the character reference at the start of `s`, which begins with `&`, as HTML's
/// tokenizer does: numeric ones may omit the `;`, and so may the legacy named ones (`&amp`,
/// `&eacute`), the longest matching name winning (`&notit;` is `¬it;`). In an attribute
/// value, a legacy name followed by `=` or a letter or digit is no reference (`?a=1&copy=2`).
fn char_ref(s: &[u8], in_attribute: bool) -> CharRef {
    if s.get(1) == Some(&b'#') {
        let (radix, start) = if matches!(s.get(2), Some(b'x' | b'X')) {
            (16, 3)
        } else {
            (10, 2)
        };
        let (mut len, mut code) = (start, 0u32);
        for digit in s[start..]
            .iter()
            .map_while(|&c| (c as char).to_digit(radix))
        {
            len += 1;
            code = code.saturating_mul(radix).saturating_add(digit);
        }
        if len == start {
            return CharRef::Literal;
        }
        if s.get(len) == Some(&b';') {
            len += 1;
        }
        let c = match code {
            0x80..=0x9f => C1_REPLACEMENTS[code as usize - 0x80],
            code => char::from_u32(code)
                .filter(|&c| c != '\0')
                .unwrap_or('\u{FFFD}'),
        };
        return CharRef::Numeric(c, len);
    }
    let run = s[1..]
        .iter()
        .take(MAX_NAME + 1)
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    let find = |name: &[u8]| {
        NAMED_REFS
            .binary_search_by(|(n, _)| n.as_bytes().cmp(name))
            .ok()
            .map(|i| NAMED_REFS[i].1)
    };
    let semicolon = s.get(run + 1) == Some(&b';');
    if semicolon {
        if let Some(text) = find(&s[1..run + 2]) {
            return CharRef::Named(text, run + 2);
        }
    }
    let longest = (1..=run.min(MAX_NAME))
        .rev()
        .find_map(|len| find(&s[1..=len]).map(|text| (text, len)));
    match longest {
        Some((_, len))
            if in_attribute
                && s.get(len + 1)
                    .is_some_and(|&c| c == b'=' || c.is_ascii_alphanumeric()) =>
        {
            CharRef::Literal
        }
        Some((text, len)) => CharRef::Named(text, len + 1),
        None if semicolon && run > 0 => CharRef::Unknown,
        None => CharRef::Literal,
    }
}

/// Decodes the character references in HTML this sanitizer (or the Markdown renderer) wrote,
/// as a browser would: for writers of XML, which knows only `&amp;`, `&lt;`, `&gt;`, `&quot;`
/// and `&apos;` (the EPUB pages).
pub fn decode_references(s: &str) -> String {
    decode(s).0
}

/// Decodes an attribute value as a browser reads it; also says whether a well-formed named
/// reference was left undecoded.
fn decode(s: &str) -> (String, bool) {
    let (mut out, mut unknown) = (String::with_capacity(s.len()), false);
    let mut rest = s;
    while let Some(p) = rest.find(['&', '\r']) {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        // Browsers read every line break as `\n` before anything else.
        if let Some(after) = rest.strip_prefix('\r') {
            out.push('\n');
            rest = after.strip_prefix('\n').unwrap_or(after);
            continue;
        }
        let len = match char_ref(rest.as_bytes(), true) {
            CharRef::Named(text, len) => {
                out.push_str(text);
                len
            }
            CharRef::Numeric(c, len) => {
                out.push(c);
                len
            }
            other => {
                unknown |= matches!(other, CharRef::Unknown);
                out.push('&');
                1
            }
        };
        rest = &rest[len..];
    }
    out.push_str(rest);
    (out, unknown)
}

/// Escapes text between tags, keeping the character references a browser decodes. Those
/// missing their `;` get one, so that text following in the next fragment cannot change
/// what they read as (`&not` then `in;` must not become `&notin;`).
fn escape_text(s: &str, out: &mut String) {
    let b = s.as_bytes();
    let (mut last, mut i) = (0, 0);
    while i < b.len() {
        let replacement = match b[i] {
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'\0' => "\u{FFFD}",
            b'&' => match char_ref(&b[i..], false) {
                CharRef::Named(_, len) | CharRef::Numeric(_, len) => {
                    i += len;
                    if b[i - 1] != b';' {
                        out.push_str(&s[last..i]);
                        out.push(';');
                        last = i;
                    }
                    continue;
                }
                CharRef::Unknown => {
                    i += 1;
                    continue;
                }
                CharRef::Literal => "&amp;",
            },
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[last..i]);
        out.push_str(replacement);
        i += 1;
        last = i;
    }
    out.push_str(&s[last..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean_all(fragments: &[&str]) -> String {
        let (mut sanitizer, mut out) = (HtmlSanitizer::new(), String::new());
        for fragment in fragments {
            sanitizer.push(fragment, &mut out);
        }
        sanitizer.finish(&mut out);
        out
    }

    /// Asserts that each input, as a whole document, sanitizes to the expected output.
    fn check(cases: &[(&str, &str)]) {
        for (input, expected) in cases {
            assert_eq!(clean_all(&[input]), *expected, "input {input:?}");
        }
    }

    /// Checks that every `<` in `html` starts a tag built from the allowlists, with quoted,
    /// escaped attribute values and safe URLs, and that no `>` stands outside a tag.
    fn assert_only_allowlisted_markup(html: &str) {
        let mut rest = html;
        while let Some(p) = rest.find(['<', '>']) {
            assert_eq!(&rest[p..p + 1], "<", "stray `>` in {html:?}");
            let end = rest[p..].find('>').expect("unterminated tag") + p;
            let body = &rest[p + 1..end];
            let body = body.strip_prefix('/').unwrap_or(body);
            let (name, mut attrs) = body.split_at(body.find(' ').unwrap_or(body.len()));
            assert!(ALLOWED.contains(&name), "bad tag {body:?} in {html:?}");
            while let Some(attr) = attrs.strip_prefix(' ') {
                let (name, after) = attr.split_at(attr.find([' ', '=']).unwrap_or(attr.len()));
                assert!(ATTRS.contains(&name), "bad attribute in {html:?}");
                attrs = after;
                if let Some(value) = after.strip_prefix("=\"") {
                    let (value, after) = value.split_at(value.find('"').expect("unquoted"));
                    let url = matches!(name, "href" | "src" | "cite");
                    assert!(!url || is_safe_url(&decode(value).0), "bad URL in {html:?}");
                    attrs = &after[1..];
                }
            }
            assert!(attrs.is_empty(), "malformed tag in {html:?}");
            rest = &rest[end + 1..];
        }
    }

    #[test]
    #[rustfmt::skip]
    fn allowed_tags_keep_their_allowed_attributes() {
        check(&[
            (r#"<span class="x">t</span>"#, r#"<span class="x">t</span>"#),
            (r#"<a href="https://a.b" title="t">l</a>"#,
             r#"<a href="https://a.b" title="t">l</a>"#),
            (r#"<img src="a.png" alt="x">"#, r#"<img src="a.png" alt="x">"#),
            ("<kbd>Ctrl</kbd>", "<kbd>Ctrl</kbd>"),
            ("<details open><summary>s</summary>d",
             "<details open><summary>s</summary>d</details>"),
            ("<ol start=3 reversed><li value='2'>",
             r#"<ol start="3" reversed><li value="2"></li></ol>"#),
            ("<td colspan=2 onclick=x>", r#"<td colspan="2"></td>"#),
        ]);
    }

    #[test]
    #[rustfmt::skip]
    fn script_and_style_are_dropped_with_their_content() {
        check(&[
            ("a<script>alert('<b>')</script>b", "ab"),
            ("<SCRIPT SRC=//evil>x</ScRiPt >y", "y"),
            ("<script>if (a</script) x</scriptx></script>z", "z"),
            ("<style>*{}</style><b>B</b>", "<b>B</b>"),
        ]);
    }

    #[test]
    #[rustfmt::skip]
    fn event_handlers_and_unlisted_attributes_are_dropped() {
        check(&[
            ("<img src=x onerror=alert(1)>", r#"<img src="x">"#),
            (r#"<a href="x"onclick="y">l</a>"#, r#"<a href="x">l</a>"#),
            ("<a href=x onclick=y>l</a>", r#"<a href="x">l</a>"#),
            (r#"<p style="color:red" srcset=a formaction=b xlink:href=c target=_blank>"#,
             "<p></p>"),
        ]);
    }

    #[test]
    fn script_urls_are_dropped_in_every_spelling() {
        #[rustfmt::skip]
        let hrefs = [
            "javascript:alert(1)", "JaVaScRiPt:alert(1)", "java&#x09;script:alert(1)",
            "&#106;avascript:alert(1)", "&#x6A;avascript:alert(1)", "&#106avascript:alert(1)",
            "javascript&colon;alert(1)", "java&Tab;script:x", "&#0000106;avascript:x",
            " javascript:x", "java\nscript:x", "javascript&nosuch;:x", "vbscript:msgbox(1)",
            "data:text/html,<script>x</script>",
        ];
        for href in hrefs {
            assert_eq!(
                clean_all(&[&format!("<a href=\"{href}\">l</a>")]),
                "<a>l</a>",
                "{href}"
            );
        }
        check(&[
            ("<img src='data:image/svg+xml,x'>", "<img>"),
            ("<q cite=vbscript:x>", "<q></q>"),
        ]);
    }

    #[test]
    #[rustfmt::skip]
    fn embedding_elements_are_dropped_with_their_content() {
        check(&[
            (r#"<iframe srcdoc="<script>x</script>">in</iframe>ok"#, "ok"),
            ("<svg onload=alert(1)><svg><b>in</b></svg><a>in</a></svg>ok", "ok"),
            ("<svg/>ok", "ok"),
            ("<math><mi>x</mi></math>ok", "ok"),
            ("<object data=x><param name=a>in</object>ok", "ok"),
            ("<embed src=x.swf>ok", "ok"),
            ("<textarea><b>in</textarea>ok", "ok"),
        ]);
    }

    #[test]
    #[rustfmt::skip]
    fn other_disallowed_tags_are_removed_but_their_text_stays() {
        check(&[
            ("<form action=//x><input name=a><button>Go</button></form>", "Go"),
            ("<base href=//evil/><meta http-equiv=refresh content=0><link rel=x>t", "t"),
            ("<font color=red>f</font><my-widget>w</my-widget>", "fw"),
        ]);
    }

    #[test]
    #[rustfmt::skip]
    fn upper_case_tag_names_are_lowercased() {
        check(&[("<B CLASS=x>b</B><IMG SRC=a.png>", r#"<b class="x">b</b><img src="a.png">"#)]);
    }

    #[test]
    #[rustfmt::skip]
    fn unterminated_markup_is_escaped_as_text() {
        check(&[
            ("<img src=x onerror=alert(1)", "&lt;img src=x onerror=alert(1)"),
            (r#"<a title="x <b>y</b>"#, r#"&lt;a title="x &lt;b&gt;y&lt;/b&gt;"#),
            ("<!-- open <b>", "&lt;!-- open &lt;b&gt;"),
            ("<?php x", "&lt;?php x"),
        ]);
    }

    #[test]
    #[rustfmt::skip]
    fn comments_doctypes_and_processing_instructions_are_dropped() {
        check(&[
            ("a<!-- <script>x</script> -->b", "ab"),
            ("a<!-->b<!--->c<!-- x --!>d", "abcd"),
            ("<!DOCTYPE html><?xml x?><![CDATA[<script>]]>t", "t"),
        ]);
    }

    #[test]
    #[rustfmt::skip]
    fn output_stays_balanced_and_well_nested() {
        check(&[
            ("</div></p>x</br></article>", "x"),
            ("<div><p><em>x", "<div><p><em>x</em></p></div>"),
            ("<b><i>x</b>y</i>", "<b><i>x</i></b>y"),
            ("a<br/>b<hr><wbr /><br>", "a<br>b<hr><wbr><br>"),
        ]);
    }

    #[test]
    fn state_carries_across_fragments_until_finish() {
        let div = clean_all(&["<div class=a>", "text", "</div>"]);
        assert_eq!(div, r#"<div class="a">text</div>"#);
        assert_eq!(
            clean_all(&["<script>", "alert(1)", "</script>", "ok"]),
            "ok"
        );
        let (mut sanitizer, mut out) = (HtmlSanitizer::new(), String::new());
        sanitizer.push("<svg>", &mut out);
        sanitizer.finish(&mut out);
        sanitizer.push("<b>ok</b>", &mut out);
        assert_eq!(out, "<b>ok</b>");
    }

    #[test]
    fn nesting_is_capped_at_64() {
        let html = "<div>".repeat(70) + "x" + &"</div>".repeat(70) + "<i>y</i>";
        let expected = "<div>".repeat(64) + "x" + &"</div>".repeat(64) + "<i>y</i>";
        assert_eq!(clean_all(&[&html]), expected);
    }

    #[test]
    #[rustfmt::skip]
    fn text_is_escaped_but_well_formed_references_survive() {
        check(&[
            ("a < b && c > d \"q\"", "a &lt; b &amp;&amp; c &gt; d \"q\""),
            ("&amp; &copy; &#123; &#x1F; &#12 &x &;",
             "&amp; &copy; &#123; &#x1F; &#12; &amp;x &amp;;"),
            // Browsers read legacy references without their `;`; it is added so that text
            // after the fragment cannot lengthen them.
            ("caf&eacute &notit; &amp &eacute;", "caf&eacute; &not;it; &amp; &eacute;"),
            ("<3 </ 3 <> a\0b", "&lt;3 &lt;/ 3 &lt;&gt; a\u{FFFD}b"),
        ]);
    }

    #[test]
    #[rustfmt::skip]
    fn attribute_values_are_decoded_and_re_escaped() {
        check(&[
            (r#"<abbr title="a &amp; b &lt;&quot;'&#39;&nosuch;">x</abbr>"#,
             r#"<abbr title="a &amp; b &lt;&quot;&#39;&#39;&amp;nosuch;">x</abbr>"#),
            ("<a href='/x?a=1&amp;b=2&c'>", r#"<a href="/x?a=1&amp;b=2&amp;c"></a>"#),
            (r#"<a href="https://x" href="javascript:y" title=a title=b>"#,
             r#"<a href="https://x" title="a"></a>"#),
            (r#"<p id="a&quot;b<c>" class="x y_z-1!">"#, r#"<p id="abc" class="x y_z-1"></p>"#),
            (r#"<p id="!!" class=" ">"#, "<p></p>"),
            (r#"<abbr title="caf&eacute; &frac12;&acE;">"#,
             "<abbr title=\"café ½\u{223e}\u{333}\"></abbr>"),
            // Without `;`, a legacy name before `=`, a letter or a digit is no reference.
            ("<abbr title='&eacute &copy=1 &copy2 &notit;'>",
             r#"<abbr title="é &amp;copy=1 &amp;copy2 &amp;notit;"></abbr>"#),
            ("<abbr title='&#x80;&#x81;&#13;\r\n'>", "<abbr title=\"€\u{81}&#13;\n\"></abbr>"),
        ]);
    }

    #[test]
    fn pathological_input_finishes_quickly_and_safely() {
        let inputs = [
            "<".repeat(1 << 20),
            "<div>".repeat(50_000) + "x" + &"</div>".repeat(50_000),
            "<svg>".repeat(200_000) + "<script>",
            "<a ".repeat(350_000),
            "<!--".repeat(250_000),
            "<a title=\"".repeat(100_000),
            "<a href=x".repeat(100_000),
            "<script>".to_string() + &"</scrip".repeat(150_000),
            "&#".repeat(500_000) + &"&a".repeat(500_000),
            "<aaaa".repeat(200_000) + ".",
            "<a ".to_string() + &"title=1 ".repeat(120_000) + ">",
        ];
        for input in &inputs {
            let out = clean_all(&[input]);
            assert!(!out.contains("<script") && !out.contains("<svg") && !out.contains("<!--"));
            assert_only_allowlisted_markup(&out);
        }
    }

    #[test]
    fn arbitrary_input_never_panics_and_yields_only_allowlisted_markup() {
        #[rustfmt::skip]
        let pieces = [
            "<", ">", "</", "/", "\"", "'", "=", " ", "\t", "!--", "-->", "?", "&", "#x6A;",
            "&colon;", "script", "svg", "div", "a", "b", "img", "href", "src", "onerror",
            "javascript:", "x", "é", "日本", "\0", "\n", "style", "![CDATA[", "]]>", "textarea",
            "-", "&#", ";", "class",
        ];
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move |n: usize| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) as usize % n
        };
        for _ in 0..3000 {
            let fragments: Vec<String> = (0..1 + next(3))
                .map(|_| (0..next(40)).map(|_| pieces[next(pieces.len())]).collect())
                .collect();
            let fragments: Vec<&str> = fragments.iter().map(String::as_str).collect();
            assert_only_allowlisted_markup(&clean_all(&fragments));
        }
    }

    #[test]
    fn web_and_relative_urls_are_safe() {
        #[rustfmt::skip]
        let urls = [
            "http://x", "HTTPS://x", "mailto:a@b", "/abs", "../x.png", "#frag", "?q", "",
            "./a:b", "a/b:c", "  https://x  ",
        ];
        for url in urls {
            assert!(is_safe_url(url), "{url:?}");
        }
    }

    #[test]
    fn script_and_unknown_scheme_urls_are_unsafe() {
        #[rustfmt::skip]
        let urls = [
            "javascript:x", " javascript:x", "\tjava\nscript:x", "\0javascript:x", "JAVASCRIPT:x",
            "vbscript:x", "data:text/html,x", "file:///etc/passwd", "x:y", "irc+ssl:x",
        ];
        for url in urls {
            assert!(!is_safe_url(url), "{url:?}");
        }
    }

    #[test]
    fn network_paths_and_backslashes_are_refused_in_every_spelling() {
        // A browser reads `\\` as `/`: each of these is another host (a network share for a
        // page opened from disk), or a path the file system would read differently.
        #[rustfmt::skip]
        let srcs = [
            r"\\host\share\x.png", "//host/x.png", r"/\host/x.png", r"\/host/x.png",
            " //host/x.png", "&#92;&#92;host/x.png", "&bsol;&bsol;host/x.png", r"img\x.png",
        ];
        for src in srcs {
            assert_eq!(
                clean_all(&[&format!("<img src=\"{src}\" alt=\"a\">")]),
                r#"<img alt="a">"#,
                "{src}"
            );
            assert_eq!(
                clean_all(&[&format!("<a href='{src}'>l</a>")]),
                "<a>l</a>",
                "{src}"
            );
        }
    }

    #[test]
    fn text_before_a_colon_that_cannot_be_a_scheme_is_a_relative_path() {
        // Browsers resolve these against the page: no scheme, nothing to run.
        for url in [":x", "foo):", "a b:c", "1x:y", "http\0:x", "_x:y"] {
            assert!(is_safe_url(url), "{url:?}");
        }
    }
}
