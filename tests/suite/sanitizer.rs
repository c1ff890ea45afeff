//! The raw-HTML sanitizer read back by a real HTML tokenizer (html5ever's, the one Servo
//! uses), against the same tokenizer reading the essay's own HTML.
//!
//! The property: for text, and for one allowed element carrying one attribute, what a
//! browser reads from the sanitizer's output is exactly what it reads from the input: the
//! same characters, the same tag and the same attribute value, so character references
//! (all 2,231 HTML5 names, numeric ones, the legacy forms without `;` and their special rule
//! in attribute values) are neither lost nor invented, and a URL the sanitizer checked is the
//! URL the browser follows (a URL may also be dropped, never changed). The inputs are limited
//! to what both sides read as that structure, because outside it the sanitizer deliberately
//! differs: it drops or shows as text markup it does not allow. One deliberate difference
//! inside it is left out: a NUL in text, which browsers drop silently and the sanitizer shows
//! as U+FFFD, as the Markdown around it does.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use proptest::prelude::*;
use quire::markdown::sanitize::HtmlSanitizer;

/// What a browser's tokenizer reads: runs of text, and tags with their attributes.
#[derive(Debug, PartialEq)]
enum Read {
    Text(String),
    Start(String, Vec<(String, String)>),
    End(String),
    Other(String),
}

#[derive(Default)]
struct Reader(RefCell<Vec<Read>>);

impl TokenSink for Reader {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut read = self.0.borrow_mut();
        let mut text = |more: &str| match read.last_mut() {
            Some(Read::Text(run)) => run.push_str(more),
            _ => read.push(Read::Text(more.to_string())),
        };
        match token {
            Token::CharacterTokens(chars) => text(&chars),
            Token::NullCharacterToken => text("\0"),
            Token::TagToken(Tag {
                kind, name, attrs, ..
            }) => {
                let attrs = attrs
                    .into_iter()
                    .map(|a| (a.name.local.to_string(), a.value.to_string()))
                    .collect();
                read.push(match kind {
                    TagKind::StartTag => Read::Start(name.to_string(), attrs),
                    TagKind::EndTag => Read::End(name.to_string()),
                });
            }
            Token::ParseError(_) | Token::EOFToken => {}
            other => read.push(Read::Other(format!("{other:?}"))),
        }
        TokenSinkResult::Continue
    }
}

fn browser_reads(html: &str) -> Vec<Read> {
    let tokenizer = Tokenizer::new(Reader::default(), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.0.take()
}

fn sanitize(html: &str) -> String {
    let (mut sanitizer, mut out) = (HtmlSanitizer::new(), String::new());
    sanitizer.push(html, &mut out);
    sanitizer.finish(&mut out);
    out
}

/// Every named reference html5ever knows, with and without a `;` after it.
fn entity_names() -> Vec<String> {
    let mut names: Vec<String> = html5ever::data::NAMED_ENTITIES
        .entries()
        .filter(|(_, &(first, _))| first != 0)
        .map(|(name, _)| format!("&{name}"))
        .collect();
    names.sort();
    names
}

/// Pieces of text and attribute values around references: ones whose `;` is missing,
/// followed by letters, digits or `=`, prefixes of longer names, numbers out of range or in
/// the C1 block, line breaks, quotes, and `<` that starts no markup.
#[rustfmt::skip]
const PIECES: &[&str] = &[
    "&", "&&", "#", ";", "=", "x", "X", "a", "Z", "1", "9", "in", "it", " ", "\t", "\n", "\r",
    "\r\n", "\x0c", "\"", "'", "`", ">", "< ", "<3", "<=", "<&", "<>", "é", "日本", "/", "?",
    "&amp", "&AMP", "&amp;", "&ampx", "&eacute", "&not", "&noti", "&notin", "&notit;", "&acE;",
    "&#", "&#x", "&#X", "&#;", "&#x;", "&#106", "&#x6A", "&#x6a;", "&#128;", "&#x80", "&#x81;",
    "&#x9F;", "&#0;", "&#00;", "&#13;", "&#x0D", "&#10;", "&#x110000;", "&#xD800;", "&#xFFFF;",
    "&#99999999999999;", "&#x0000000041;", "&nosuch;", "&nosuch", "&;", "&copy=", "&copy2",
    "&lt", "&gt;", "&quot", "&QUOT;", "&Tab;", "&NewLine;", "&nbsp", "&colon;",
    "&CounterClockwiseContourIntegral;", "&CounterClockwiseContourIntegralx;", "&a", "&1",
];

fn text_like(extra: &'static [&'static str]) -> impl Strategy<Value = String> {
    let fixed: Vec<&'static str> = PIECES.iter().chain(extra).copied().collect();
    let piece = prop_oneof![
        3 => prop::sample::select(fixed).prop_map(str::to_string),
        1 => prop::sample::select(entity_names()),
    ];
    prop::collection::vec(piece, 0..16).prop_map(|pieces| pieces.concat())
}

/// Writes `value` as an attribute value in `quote`, or in double quotes without its own
/// double quotes where that quote cannot hold it, so that it stays one attribute value.
fn quoted(value: &str, quote: &str) -> String {
    let fits = match quote {
        "" => {
            !value.is_empty()
                && !value.starts_with(['"', '\''])
                && !value.contains(['\t', '\n', '\x0c', '\r', ' ', '>'])
        }
        q => !value.contains(q),
    };
    if fits {
        format!("{quote}{value}{quote}")
    } else {
        format!("\"{}\"", value.replace('"', ""))
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn text_reads_the_same_after_sanitizing(text in text_like(&[])) {
        let expected = browser_reads(&text);
        // The pieces never start markup, so a browser reads the input as text alone.
        prop_assert!(expected.iter().all(|r| matches!(r, Read::Text(_))), "{expected:?}");
        let clean = sanitize(&text);
        prop_assert_eq!(browser_reads(&clean), expected, "sanitized {:?} to {:?}", text, clean);
    }

    #[test]
    fn attribute_values_read_the_same_after_sanitizing(
        value in text_like(&["\0", "<b>", "</i>", "<!--"]),
        quote in prop::sample::select(vec!["\"", "'", ""]),
        element in prop::sample::select(vec![("abbr", "title"), ("img", "alt")]),
    ) {
        let (element, attribute) = element;
        let html = format!("<{element} {attribute}={}>x", quoted(&value, quote));
        let expected = browser_reads(&html);
        prop_assert!(matches!(&expected[0], Read::Start(_, attrs) if attrs.len() == 1));
        let clean = sanitize(&html);
        let mut read = browser_reads(&clean);
        // The sanitizer closes what it opened; the browser's reading of the input cannot.
        if element == "abbr" {
            prop_assert_eq!(read.pop(), Some(Read::End("abbr".into())));
        }
        prop_assert_eq!(read, expected, "sanitized {:?} to {:?}", html, clean);
    }

    #[test]
    fn a_kept_url_is_the_url_the_browser_reads(
        url in text_like(&["https:", "http://", "javascript:", "java", "script:", "/", "\0"]),
        quote in prop::sample::select(vec!["\"", "'", ""]),
    ) {
        let html = format!("<a href={}>x</a>", quoted(&url, quote));
        let expected = browser_reads(&html);
        let clean = sanitize(&html);
        let read = browser_reads(&clean);
        let Read::Start(_, attrs) = &read[0] else {
            panic!("no element read from {clean:?}");
        };
        if attrs.is_empty() {
            // Refused: everything but the URL still reads the same.
            prop_assert_eq!(&read[1..], &expected[1..]);
        } else {
            prop_assert_eq!(read, expected, "sanitized {:?} to {:?}", html, clean);
        }
    }
}

#[test]
fn named_references_beyond_the_common_few_are_decoded() {
    let cases = [
        (r#"<abbr title="caf&eacute;">x</abbr>"#, "café"),
        (
            r#"<abbr title="&frac12;&nbsp;&hearts;&Zopf;">x</abbr>"#,
            "½\u{a0}♥ℤ",
        ),
        // Legacy names need no `;`, except before `=`, a letter or a digit in a value.
        (
            r#"<abbr title="caf&eacute and &copy2 &copy=">x</abbr>"#,
            "café and &copy2 &copy=",
        ),
        (r#"<abbr title="&#x80;&#150;">x</abbr>"#, "€–"),
    ];
    for (html, title) in cases {
        let read = browser_reads(&sanitize(html));
        let expected = Read::Start("abbr".into(), vec![("title".into(), title.into())]);
        assert_eq!(read[0], expected, "{html}");
    }
    assert_eq!(
        browser_reads(&sanitize("<b>caf&eacute &notit; &amp</b>")),
        [
            Read::Start("b".into(), vec![]),
            Read::Text("café ¬it; &".into()),
            Read::End("b".into())
        ]
    );
}

#[test]
fn the_mathml_sanitizer_keeps_mathml_core_and_nothing_else() {
    let mut out = String::new();
    let mut sanitizer = HtmlSanitizer::mathml();
    sanitizer.push(
        concat!(
            r#"<math display="block" onclick="alert(1)"><mi href="javascript:alert(1)" style="background:url(x)">a</mi>"#,
            r#"<annotation-xml encoding="text/html"><img src=x onerror=alert(1)></annotation-xml>"#,
            r#"<mspace width="1em"/><mrow style="color:#FF0000;"><mi>b</mi></mrow>"#,
            r#"<mtext mathcolor="red" mathbackground="url(x)">c<b>d</b></mtext><script>alert(2)</script>"#,
            r#"<mglyph src="x.png"/><maction actiontype="toggle"><mi>e</mi></maction></math>"#,
        ),
        &mut out,
    );
    sanitizer.finish(&mut out);
    assert_eq!(
        out,
        concat!(
            r#"<math display="block"><mi>a</mi>"#,
            r#"<mspace width="1em"></mspace><mrow style="color:#FF0000;"><mi>b</mi></mrow>"#,
            r#"<mtext mathcolor="red">cd</mtext><mi>e</mi></math>"#,
        )
    );
}
