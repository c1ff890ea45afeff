//! CommonMark 0.31.2 conformance of the one render pipeline, safety policy included.
//!
//! Every example of the spec is rendered with [`RenderOptions::commonmark`] and compared with
//! the reference HTML after a small normalisation (see [`normalize`]). Quire differs from the
//! reference on purpose where raw HTML goes through the allowlist sanitizer or a URL fails the
//! URL policy; those examples, and only those, are listed in [`SAFETY_CHANGES`] with the reason.
//! The list is exact: an unlisted difference fails the test, and so does a listed example
//! that matches.
//!
//! The spec is not committed: it comes from the npm package `commonmark-spec` (pinned in
//! `package.json`), whose `spec.txt` is read from `node_modules`. Run `npm ci` first.

use std::fmt::Write as _;
use std::path::Path;

use quire::markdown::{render, KeepUrls, RenderOptions};

const SPEC_VERSION: &str = "0.31.2";
/// How many examples CommonMark 0.31.2 has, so that a wrong or mangled file cannot pass.
const EXAMPLE_COUNT: usize = 652;

/// Examples whose output differs from the reference on purpose, each with the reason.
/// Every one was checked by hand: the difference is the sanitizer or the URL policy at work.
#[rustfmt::skip]
const SAFETY_CHANGES: &[(u32, &str)] = &[
    // Raw HTML: comments, processing instructions, declarations and CDATA are dropped.
    (177, "raw HTML: comment dropped"),
    (179, "raw HTML: multi-line comment dropped"),
    (180, "raw HTML: processing instruction `<?php … ?>` dropped"),
    (181, "raw HTML: declaration `<!DOCTYPE html>` dropped"),
    (182, "raw HTML: CDATA section dropped"),
    (183, "raw HTML: comment dropped (the indented one is a code block and kept)"),
    (308, "raw HTML: comment `<!-- -->` separating two lists dropped"),
    (309, "raw HTML: comment `<!-- -->` ending a list dropped"),
    (625, "raw HTML: inline comment dropped"),
    (626, "raw HTML: empty comments `<!-->` and `<!--->` dropped"),
    (627, "raw HTML: inline processing instruction dropped"),
    (628, "raw HTML: inline declaration `<!ELEMENT …>` dropped"),
    (629, "raw HTML: inline CDATA section dropped"),

    // Raw HTML: script-like elements are dropped together with their content.
    (170, "raw HTML: <script> removed with its content"),
    (171, "raw HTML: <textarea> removed with its content"),
    (172, "raw HTML: <style> removed with its content"),
    (173, "raw HTML: unclosed <style> removed with everything after it"),
    (176, "raw HTML: <style> removed with its content"),
    (178, "raw HTML: <script> removed with its content (the text after </script> stays)"),

    // Raw HTML: tags that are not on the allowlist are dropped; their text stays.
    (163, "raw HTML: unknown tag <Warning> dropped"),
    (201, "raw HTML: unknown tag <bar> dropped"),
    (491, "raw HTML: unknown tag <foo bar> (split over two lines) dropped"),
    (524, "raw HTML: unknown tag <bar attr=\"…\"> dropped"),
    (536, "raw HTML: unknown tag <bar attr=\"…\"> dropped"),
    (617, "raw HTML: unknown tag <responsive-image> dropped"),
    (150, "raw HTML: unknown tag <foo> dropped; the open <a> and <div> closed at the end"),
    (613, "raw HTML: unknown tags <bab> and <c2c> dropped; the open <a> closed at the end"),
    (614, "raw HTML: unknown tag <b2/> dropped; <a/> (not void) opens <a>, closed at the end"),
    (615, "raw HTML: unknown tag <b2 data=…> dropped; <a /> opens <a>, closed at the end"),

    // Raw HTML: attributes that are not on the allowlist, or fail its checks, are dropped.
    (169, "raw HTML: attribute `language` of <pre> dropped"),
    (616, "raw HTML: attributes foo, bam, _boolean, zoop:33 of <a> dropped; <a> closed at the end"),
    // An href with a named reference outside the sanitizer's table (`&ouml;`) could hide a
    // scheme, so it is dropped.
    (31, "raw HTML: href `&ouml;&ouml;.html` dropped (unknown reference); <a> closed at the end"),
    (630, "raw HTML: href `&ouml;` dropped (unknown reference); <a> closed at the end"),
    (154, "raw HTML: `class` filtered to [A-Za-z0-9_ -]: its newline deleted (same class list here)"),

    // Raw HTML: a tag that never ends is shown as text rather than guessed at.
    (156, "raw HTML: unterminated tag `<div id=\"foo\"` escaped as text"),
    (157, "raw HTML: unterminated tag `<div class` escaped as text"),
    (158, "raw HTML: unterminated tag `<div *???-&&&-<---` escaped as text"),

    // Raw HTML: close tags of elements raw HTML never opened are dropped.
    (151, "raw HTML: stray </div> dropped"),
    (165, "raw HTML: stray </ins> dropped"),
    (623, "raw HTML: stray </a> dropped, and unknown tag </foo > dropped"),

    // Raw HTML: elements raw HTML leaves open are closed at the end of the document.
    (21, "raw HTML: open <a> closed at the end"),
    (155, "raw HTML: open <div> closed at the end"),
    (174, "raw HTML: open <div> (inside a block quote) closed at the end"),
    (175, "raw HTML: open <div> (inside a list item) closed at the end"),
    (184, "raw HTML: open <div> closed at the end"),
    (187, "raw HTML: open <a> closed at the end"),
    (344, "raw HTML: open <a> closed at the end"),
    (476, "raw HTML: open <a> closed at the end"),
    (477, "raw HTML: open <a> closed at the end"),
    (494, "raw HTML: open <b> closed at the end"),
    (631, "raw HTML: open <a> closed at the end"),
    (642, "raw HTML: open <a> closed at the end"),
    (643, "raw HTML: open <a> closed at the end"),

    // URL policy: only http, https, mailto and scheme-less URLs; the rest are blanked to "".
    (596, "URL scheme `irc:` blanked"),
    (598, "URL scheme `a+b+c:` blanked"),
    (599, "URL scheme `made-up-scheme:` blanked"),
    (601, "URL scheme `localhost:` blanked"),
    // URL policy: a path with a backslash is refused (a browser reads `\\` as `/` in raw HTML;
    // `\\host` would be another host), in Markdown as in raw HTML.
    (202, "URL `/url\\bar*baz` with a backslash refused"),
    (502, "URL `foo\\bar` with a backslash refused"),
];

struct Example {
    number: u32,
    section: String,
    markdown: String,
    html: String,
}

/// Reads the examples from `node_modules`, failing (never skipping) when they are not there.
fn load_examples() -> Vec<Example> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/commonmark-spec");
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "cannot read {}: {e}\nthe CommonMark spec comes from npm: run `npm ci` at the repository root",
                path.display()
            )
        })
    };
    let manifest: serde_json::Value = serde_json::from_str(&read("package.json"))
        .unwrap_or_else(|e| panic!("node_modules/commonmark-spec/package.json: {e}; run `npm ci`"));
    assert_eq!(
        manifest["version"].as_str(),
        Some(SPEC_VERSION),
        "node_modules holds another commonmark-spec than package.json pins; run `npm ci`"
    );
    parse_spec(&read("spec.txt"))
}

/// Extracts the examples the way the package's own `index.js` does, then turns the spec's `→`
/// into the tab it stands for, as the spec's test runner does.
fn parse_spec(text: &str) -> Vec<Example> {
    let fence = "`".repeat(32);
    let start = format!("{fence} example");
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut lines = text.lines();
    let (mut examples, mut section, mut number) = (Vec::new(), String::new(), 0);
    while let Some(line) = lines.next() {
        if line.starts_with("<!-- END TESTS -->") {
            break;
        }
        if line == start {
            let (mut markdown, mut html) = (String::new(), String::new());
            for line in lines.by_ref().take_while(|l| *l != ".") {
                markdown.push_str(line);
                markdown.push('\n');
            }
            for line in lines.by_ref().take_while(|l| *l != fence) {
                html.push_str(line);
                html.push('\n');
            }
            number += 1;
            examples.push(Example {
                number,
                section: section.clone(),
                markdown: markdown.replace('→', "\t"),
                html: html.replace('→', "\t"),
            });
        } else if line.starts_with('#') {
            let hashes = line.bytes().take(6).take_while(|&b| b == b'#').count();
            section = line[hashes..].trim_start_matches(' ').to_string();
        }
    }
    examples
}

#[test]
fn every_commonmark_example_matches_except_listed_safety_changes() {
    let examples = load_examples();
    assert_eq!(
        examples.len(),
        EXAMPLE_COUNT,
        "CommonMark {SPEC_VERSION} has {EXAMPLE_COUNT} examples; is node_modules/commonmark-spec the right file?"
    );
    let mut listed = std::collections::HashMap::new();
    for &(number, reason) in SAFETY_CHANGES {
        assert!(
            (1..=EXAMPLE_COUNT as u32).contains(&number),
            "SAFETY_CHANGES lists example {number}, which does not exist"
        );
        assert!(!reason.trim().is_empty(), "example {number} needs a reason");
        assert!(
            listed.insert(number, reason).is_none(),
            "SAFETY_CHANGES lists example {number} twice"
        );
    }

    let (mut unexpected, mut stale, mut matching) = (String::new(), String::new(), 0);
    for ex in &examples {
        let actual = match render(&ex.markdown, 1, &RenderOptions::commonmark(), &KeepUrls) {
            Ok(rendered) => rendered.html,
            Err(e) => format!("render error at line {}: {}", e.line, e.message),
        };
        let matches = normalize(&actual) == normalize(&ex.html);
        matching += usize::from(matches);
        match (matches, listed.get(&ex.number)) {
            (true, Some(reason)) => {
                let _ = writeln!(
                    stale,
                    "example {} ({}) now matches the reference; remove it from SAFETY_CHANGES (it said: {reason})",
                    ex.number, ex.section
                );
            }
            (false, None) => {
                let _ = writeln!(
                    unexpected,
                    "--- example {} ({})\nmarkdown: {:?}\nexpected: {:?}\nactual:   {:?}\nnormalised expected: {:?}\nnormalised actual:   {:?}\n",
                    ex.number,
                    ex.section,
                    ex.markdown,
                    ex.html,
                    actual,
                    normalize(&ex.html),
                    normalize(&actual),
                );
            }
            _ => {}
        }
    }
    assert!(
        unexpected.is_empty() && stale.is_empty(),
        "{matching} of {EXAMPLE_COUNT} examples match; SAFETY_CHANGES lists {}\n\n\
         Differences not explained by SAFETY_CHANGES (fix the renderer, or list the example with \
         its reason if the safety policy causes it):\n{unexpected}\n\
         Listed examples that no longer differ:\n{stale}",
        SAFETY_CHANGES.len()
    );
    assert_eq!(matching + SAFETY_CHANGES.len(), EXAMPLE_COUNT);
}

/// Elements around which whitespace does not matter (the list of the spec's `normalize.py`).
#[rustfmt::skip]
const BLOCK_TAGS: &[&str] = &[
    "article", "aside", "blockquote", "body", "button", "canvas", "caption", "col", "colgroup",
    "dd", "div", "dl", "dt", "embed", "fieldset", "figcaption", "figure", "footer", "form", "h1",
    "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "iframe", "li", "map", "object", "ol",
    "output", "p", "pre", "progress", "script", "section", "style", "table", "tbody", "td",
    "textarea", "tfoot", "th", "thead", "tr", "ul", "video",
];

/// Puts equivalent HTML into one spelling, in the spirit of the spec's `normalize.py` but
/// smaller, and without touching text content or attribute values:
///
/// - outside `<pre>`, runs of whitespace in text become one space, and whitespace next to
///   block-level tags (and at either end) goes;
/// - tag and attribute names are lowercased, whitespace between attributes becomes one space,
///   values are double-quoted (a `"` in a single-quoted value becomes `&quot;`), and the `/` of
///   self-closing tags goes (`<br />` is `<br>`);
/// - `&quot;` in text becomes `"`, which it means there (the reference escapes quotes in text,
///   pulldown-cmark does not).
///
/// Comments, declarations, processing instructions and CDATA are kept as written.
fn normalize(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let (mut in_pre, mut after_block) = (false, true);
    let mut rest = html;
    while !rest.is_empty() {
        let (token, tail) = next_token(rest);
        rest = tail;
        match token {
            Token::Text(text) if in_pre => {
                out.push_str(&text.replace("&quot;", "\""));
                after_block = false;
            }
            Token::Text(text) => {
                let text = text.replace("&quot;", "\"");
                let mut words = text.split(|c: char| c.is_ascii_whitespace());
                let mut collapsed = words.next().unwrap_or("").to_string();
                for word in words {
                    if !collapsed.ends_with(' ') {
                        collapsed.push(' ');
                    }
                    collapsed.push_str(word);
                }
                let collapsed = if after_block {
                    collapsed.trim_start()
                } else {
                    &collapsed
                };
                out.push_str(collapsed);
                after_block = false;
            }
            Token::Tag {
                name,
                close,
                canonical,
            } => {
                let block = BLOCK_TAGS.contains(&name.as_str());
                if block && !in_pre {
                    out.truncate(out.trim_end().len());
                }
                if name == "pre" {
                    in_pre = !close;
                }
                out.push_str(&canonical);
                after_block = block;
            }
            Token::Verbatim(raw) => {
                out.push_str(raw);
                after_block = false;
            }
        }
    }
    out.trim().to_string()
}

enum Token<'a> {
    Text(&'a str),
    Tag {
        name: String,
        close: bool,
        canonical: String,
    },
    Verbatim(&'a str),
}

/// Splits off the first token of `s` (not empty).
fn next_token(s: &str) -> (Token<'_>, &str) {
    let end = [
        ("<!--", "-->"),
        ("<![CDATA[", "]]>"),
        ("<!", ">"),
        ("<?", ">"),
    ]
    .into_iter()
    .find_map(|(open, close)| {
        let body = s.strip_prefix(open)?;
        Some(body.find(close).map(|p| open.len() + p + close.len()))
    })
    .flatten();
    if let Some(end) = end {
        return (Token::Verbatim(&s[..end]), &s[end..]);
    }
    if let Some((tag, len)) = parse_tag(s) {
        return (tag, &s[len..]);
    }
    // Text runs to the next `<` (the first byte is text even when it is a `<`).
    let end = s
        .bytes()
        .skip(1)
        .position(|c| c == b'<')
        .map_or(s.len(), |p| p + 1);
    (Token::Text(&s[..end]), &s[end..])
}

/// Reads a start or end tag at the start of `s`, returning it in canonical spelling and its
/// length; `None` when `s` does not start with a complete tag.
fn parse_tag(s: &str) -> Option<(Token<'static>, usize)> {
    let b = s.as_bytes();
    let skip_spaces = |p: &mut usize| {
        while b.get(*p).is_some_and(u8::is_ascii_whitespace) {
            *p += 1;
        }
    };
    if b.first() != Some(&b'<') {
        return None;
    }
    let close = b.get(1) == Some(&b'/');
    let mut p = 1 + usize::from(close);
    let start = p;
    if !b.get(p)?.is_ascii_alphabetic() {
        return None;
    }
    while b
        .get(p)
        .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'-')
    {
        p += 1;
    }
    let name = s[start..p].to_ascii_lowercase();
    let mut canonical = format!("<{}{name}", if close { "/" } else { "" });
    loop {
        skip_spaces(&mut p);
        match b.get(p)? {
            b'>' => break,
            b'/' if b.get(p + 1) == Some(&b'>') => {
                p += 1;
                break;
            }
            _ => {
                let attr = p;
                while b
                    .get(p)
                    .is_some_and(|&c| !c.is_ascii_whitespace() && !b"=>/".contains(&c))
                {
                    p += 1;
                }
                if attr == p {
                    return None;
                }
                canonical.push(' ');
                canonical.push_str(&s[attr..p].to_ascii_lowercase());
                skip_spaces(&mut p);
                if b.get(p) != Some(&b'=') {
                    continue;
                }
                p += 1;
                skip_spaces(&mut p);
                let value = match *b.get(p)? {
                    quote @ (b'"' | b'\'') => {
                        let len = s[p + 1..].find(char::from(quote))?;
                        p += len + 2;
                        &s[p - len - 1..p - 1]
                    }
                    _ => {
                        let value = p;
                        while b
                            .get(p)
                            .is_some_and(|&c| !c.is_ascii_whitespace() && c != b'>')
                        {
                            p += 1;
                        }
                        &s[value..p]
                    }
                };
                canonical.push_str("=\"");
                canonical.push_str(&value.replace('"', "&quot;"));
                canonical.push('"');
            }
        }
    }
    canonical.push('>');
    Some((
        Token::Tag {
            name,
            close,
            canonical,
        },
        p + 1,
    ))
}

#[test]
fn normalizer_equates_only_equivalent_spellings() {
    #[rustfmt::skip]
    let same = [
        ("<p>a<br />\nb</p>\n", "<p>a<br>\nb</p>"),
        ("<DIV CLASS=\"foo\">\n<p>x</p>\n</DIV>\n", "<div class=\"foo\"><p>x</p></div>"),
        ("<div id=\"foo\"\n  class=\"bar\">\n</div>", "<div id=\"foo\" class=\"bar\"></div>"),
        ("<img src='foo' title=\"*\"/>", "<img src=\"foo\" title=\"*\">"),
        ("<a title='say \"hi\"'>", "<a title=\"say &quot;hi&quot;\">"),
        ("<ul>\n<li>\n<div>\n</li>\n</ul>\n", "<ul><li><div></li></ul>"),
        ("<p>&quot;q&quot;  and\n\tmore</p>", "<p>\"q\" and more</p>"),
    ];
    for (a, b) in same {
        assert_eq!(normalize(a), normalize(b), "{a:?} vs {b:?}");
    }
    #[rustfmt::skip]
    let different = [
        ("<p>foo</p>", "<p>bar</p>"),
        ("<p>a b</p>", "<p>ab</p>"),
        ("<p><em>a</em> <em>b</em></p>", "<p><em>a</em><em>b</em></p>"),
        ("<p>a<br>b</p>", "<p>ab</p>"),
        ("<p>&lt;b&gt;x</p>", "<p><b>x</p>"),
        ("<p>&amp;</p>", "<p>&</p>"),
        ("<p>&quot;</p>", "<p>'</p>"),
        ("<pre><code>a  b\n</code></pre>", "<pre><code>a b\n</code></pre>"),
        ("<pre><code>a\n\nb</code></pre>", "<pre><code>a\nb</code></pre>"),
        ("<a href=\"x\">l</a>", "<a href=\"y\">l</a>"),
        ("<a href=\"x\">l</a>", "<a href=\"\">l</a>"),
        ("<a href=\"x\">l</a>", "<a href=\"x\" title=\"t\">l</a>"),
        ("<a href=\"x\" title=\"t\">l</a>", "<a title=\"t\" href=\"x\">l</a>"),
        ("<div class=\"a\nb\">", "<div class=\"ab\">"),
        ("<div class=\"a b\">", "<div class=\"A B\">"),
        ("<p><em>x</em></p>", "<p><strong>x</strong></p>"),
        ("<p>x</p>", "<p>x</p></div>"),
        ("<!-- c --><p>x</p>", "<p>x</p>"),
        ("<p>x</p>", "<p>X</p>"),
    ];
    for (a, b) in different {
        assert_ne!(normalize(a), normalize(b), "{a:?} vs {b:?}");
    }
}
