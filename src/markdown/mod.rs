//! The one render pipeline: Markdown in, safe HTML plus what the app and the exporter need out.
//!
//! [`render`] parses with pulldown-cmark (options decided in [`RenderOptions::parser_options`])
//! and runs the events through one adapter, [`Pipeline`], before `pulldown_cmark::html` writes
//! them. The adapter is where every policy lives, in the order events pass:
//!
//! - *bounds*: nesting deeper than [`MAX_NESTING`] or output beyond [`MAX_OUTPUT_BYTES`] stops the
//!   render with an error naming the line, so a hostile file costs milliseconds, not minutes;
//! - *safety*: raw HTML goes through [`sanitize::HtmlSanitizer`] (an allowlist), link and image
//!   URLs through [`sanitize::is_safe_url`]; what fails is blanked, never passed on;
//! - *structure*: heading ids (`[a-z0-9-]`, unique) and the [`Heading`] outline, footnotes
//!   numbered by first reference and gathered at the end, code blocks highlighted with classes
//!   ([`highlight`]);
//! - *facts*: word count, reading time, the source line of every top-level block (scroll sync),
//!   and every link and image with its line ([`LinkRef`], for checks and asset copying).
//!
//! Preview, `quire render` and export all call [`render`], so what the writer previews is what
//! gets published. A panic inside rendering is caught and becomes a [`RenderError`] for that one
//! essay.

pub mod blocks;
pub mod diagram;
pub mod highlight;
pub mod sanitize;

use std::collections::{HashMap, HashSet, VecDeque};
use std::panic::{catch_unwind, AssertUnwindSafe};

use pulldown_cmark::{
    CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};
use pulldown_cmark_escape::escape_html;

use crate::conventions::Generator;
use crate::error::Error;
use crate::essay::{slugify, Essay};
use sanitize::{is_safe_url, HtmlSanitizer};

/// Deeper nesting than this (blocks and inlines together) is refused. Real essays stay under
/// ten; the cap keeps hostile files from producing HTML that browsers choke on.
pub const MAX_NESTING: usize = 128;

/// Rendered HTML larger than this is refused: reference links can multiply a small file into
/// gigabytes (`[a]` repeated, pointing at a long URL).
pub const MAX_OUTPUT_BYTES: usize = 64 * 1024 * 1024;

/// Reading speed used for [`Rendered::reading_minutes`], in words per minute.
const WORDS_PER_MINUTE: usize = 230;

/// Ids the page around the essay uses (the built-in theme's `<main id="text">`, which the skip
/// link goes to): no heading takes one, so a "# Text" heading's id is `text-1`.
pub const PAGE_IDS: &[&str] = &["text"];

/// What the pipeline does beyond CommonMark. Safety (sanitizing, URL policy, bounds) is not an
/// option: it is always on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderOptions {
    /// Tables, footnotes, strikethrough, task lists, smart punctuation, heading attributes.
    pub extensions: bool,
    /// Give every heading an `id` for anchors and the outline.
    pub heading_ids: bool,
    /// Highlight fenced code with `hl-*` classes.
    pub highlight: bool,
    /// Show Hugo shortcodes and Liquid or Tera tags (`{{< … >}}`, `{% … %}`, `{{ … }}`) as
    /// inert placeholders named after them, for folders written for those generators.
    pub shortcodes: bool,
}

impl RenderOptions {
    /// What essays get: everything on.
    pub fn essay() -> Self {
        RenderOptions {
            extensions: true,
            heading_ids: true,
            highlight: true,
            shortcodes: false,
        }
    }

    /// Plain CommonMark with Quire's safety policy, for conformance tests.
    pub fn commonmark() -> Self {
        RenderOptions {
            extensions: false,
            heading_ids: false,
            highlight: false,
            shortcodes: false,
        }
    }

    /// The parser options, decided in this one place.
    pub fn parser_options(&self) -> Options {
        if !self.extensions {
            return Options::empty();
        }
        Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_SMART_PUNCTUATION
            | Options::ENABLE_HEADING_ATTRIBUTES
            | Options::ENABLE_MATH
    }
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions::essay()
    }
}

/// Rewrites the URLs of links and images that passed the safety policy: the exporter turns
/// links to other essays into their pages and local images into copied or inlined files.
/// The returned URL is trusted as is.
pub trait Urls {
    /// A new destination for a link, or `None` to keep it.
    fn link(&self, _url: &str) -> Option<String> {
        None
    }
    /// A new source for an image, or `None` to keep it.
    fn image(&self, _url: &str) -> Option<String> {
        None
    }
}

/// Keeps every URL as written (preview and `quire render`).
pub struct KeepUrls;
impl Urls for KeepUrls {}

/// One heading of the outline.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "OutlineEntry"))]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The heading's text, without markup.
    pub text: String,
    /// The anchor id written into the HTML.
    pub id: String,
    /// 1-based source line.
    pub line: usize,
}

/// A link or image found in the essay, as written (before any rewriting).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LinkRef {
    /// The destination as written.
    pub url: String,
    /// 1-based source line.
    pub line: usize,
    /// An image rather than a link.
    pub image: bool,
    /// The image's alt text (empty for links).
    pub alt: String,
    /// Refused by the URL policy and blanked in the output.
    pub blocked: bool,
}

/// The result of rendering one essay body.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Rendered {
    /// Safe HTML of the body.
    pub html: String,
    /// Headings in order.
    pub outline: Vec<Heading>,
    /// Words of prose (code blocks not counted).
    pub words: usize,
    /// Minutes to read at a calm pace; at least 1 for any text.
    pub reading_minutes: usize,
    /// The 1-based source line of each top-level block of `html`, in order.
    pub source_map: Vec<usize>,
    /// Every link and image.
    pub links: Vec<LinkRef>,
    /// Every shortcode or template tag shown as a placeholder.
    pub shortcodes: Vec<Shortcode>,
    /// Every formula that could not be typeset (the page shows its source there).
    pub formula_errors: Vec<FormulaError>,
    /// How many formulas were typeset: a page with any needs the theme's math font.
    pub formulas: usize,
    /// Every ```` ```mermaid ```` diagram that could not be drawn (the page shows its source).
    pub diagram_errors: Vec<DiagramError>,
}

/// A Mermaid diagram that Quire could not draw: the page shows its source and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DiagramError {
    /// Why it could not be drawn.
    pub message: String,
    /// The 1-based line of the diagram's opening fence.
    pub line: usize,
}

/// A `$…$` or `$$…$$` formula that Quire could not typeset: the page shows its TeX and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FormulaError {
    /// The TeX as written.
    pub tex: String,
    /// Why it could not be typeset.
    pub message: String,
    /// 1-based source line.
    pub line: usize,
}

/// A formula longer than this is not typeset: real ones are a few hundred characters, and the
/// cap keeps a hostile one's cost bounded whatever the converter does with it.
pub const MAX_FORMULA_BYTES: usize = 10_000;

/// A generator's shortcode or template tag found in the text (`{{< youtube id >}}`), which
/// Quire cannot run: it is shown as a placeholder, and `quire check` asks for a replacement.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Shortcode {
    /// Its name (`youtube`, `include`), or the expression of a `{{ … }}`.
    pub name: String,
    /// The whole tag as written.
    pub text: String,
    /// 1-based source line.
    pub line: usize,
}

/// Why rendering stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderError {
    /// 1-based source line.
    pub line: usize,
    /// What happened.
    pub message: String,
}

/// Renders an essay's body, naming the essay in any error. An essay of a Hugo, Zola or Jekyll
/// folder has its shortcodes and template tags shown as placeholders.
pub fn render_essay(
    essay: &Essay,
    options: &RenderOptions,
    urls: &dyn Urls,
) -> Result<Rendered, Error> {
    let options = &RenderOptions {
        shortcodes: options.shortcodes || essay.generator != Generator::Quire,
        ..*options
    };
    render(essay.body(), essay.body_line, options, urls).map_err(|e| Error::Render {
        path: essay.path.clone(),
        line: e.line,
        message: e.message,
    })
}

/// Renders Markdown to safe HTML. `first_line` is the source line `markdown` starts on, so that
/// lines point into the whole file when the front matter has been split off.
pub fn render(
    markdown: &str,
    first_line: usize,
    options: &RenderOptions,
    urls: &dyn Urls,
) -> Result<Rendered, RenderError> {
    // CommonMark replaces NUL with U+FFFD for safety; pulldown-cmark passes it through as is.
    let markdown: std::borrow::Cow<'_, str> = if markdown.contains('\0') {
        markdown.replace('\0', "\u{fffd}").into()
    } else {
        markdown.into()
    };
    catch_unwind(AssertUnwindSafe(|| render_unguarded(&markdown, first_line, options, urls)))
        .unwrap_or_else(|_| {
            Err(RenderError {
                line: first_line,
                message: "the renderer failed on this essay (an internal error); the other essays are unaffected, and a report with the file would help fix it".to_string(),
            })
        })
}

fn render_unguarded(
    markdown: &str,
    first_line: usize,
    options: &RenderOptions,
    urls: &dyn Urls,
) -> Result<Rendered, RenderError> {
    let mut facts = Facts::default();
    let mut html = String::with_capacity(markdown.len() + markdown.len() / 2);
    // Text comes whole (not cut at every `<` or `*` the parser tried), so that a shortcode is
    // found in one piece; the HTML is the same.
    let parser = pulldown_cmark::utils::TextMergeWithOffset::new(
        Parser::new_ext(markdown, options.parser_options()).into_offset_iter(),
    );
    let pipeline = Pipeline::new(parser, markdown, first_line, *options, urls, &mut facts);
    pulldown_cmark::html::push_html(&mut html, pipeline);
    if let Some(error) = facts.error {
        return Err(error);
    }
    let reading_minutes = facts.words.div_ceil(WORDS_PER_MINUTE);
    Ok(Rendered {
        html,
        outline: facts.outline,
        words: facts.words,
        reading_minutes,
        source_map: facts.source_map,
        links: facts.links,
        shortcodes: facts.shortcodes,
        formula_errors: facts.formula_errors,
        formulas: facts.formulas,
        diagram_errors: facts.diagram_errors,
    })
}

/// What the pipeline learns while events pass.
#[derive(Default)]
struct Facts {
    outline: Vec<Heading>,
    words: usize,
    source_map: Vec<usize>,
    links: Vec<LinkRef>,
    shortcodes: Vec<Shortcode>,
    formula_errors: Vec<FormulaError>,
    formulas: usize,
    diagram_errors: Vec<DiagramError>,
    error: Option<RenderError>,
}

/// A heading being collected until its end, because its id depends on its whole text.
struct PendingHeading<'a> {
    level: HeadingLevel,
    custom_id: Option<CowStr<'a>>,
    classes: Vec<CowStr<'a>>,
    text: String,
    line: usize,
    events: Vec<Event<'a>>,
}

/// Where transformed events go: straight out, or into a buffer that is released later.
enum Sink<'a> {
    Heading(PendingHeading<'a>),
    Footnote(String, Vec<Event<'a>>),
}

/// TeX to MathML Core, or why not. One converter serves every render: it keeps no state
/// between formulas (`convert_with_local_state`).
/// A formula as the pipeline typesets it (sanitised MathML Core), or why it can't be: for the
/// formats that hold formulas another way (Word's equations are made from this).
pub fn formula_mathml(tex: &str, display: bool) -> Result<String, String> {
    let display = if display {
        math_core::MathDisplay::Block
    } else {
        math_core::MathDisplay::Inline
    };
    let mathml = typeset(tex, display)?;
    let mut safe = String::with_capacity(mathml.len());
    let mut sanitizer = HtmlSanitizer::mathml();
    sanitizer.push(&mathml, &mut safe);
    sanitizer.finish(&mut safe);
    Ok(safe)
}

fn typeset(tex: &str, display: math_core::MathDisplay) -> Result<String, String> {
    static CONVERTER: std::sync::LazyLock<math_core::LatexToMathML> =
        std::sync::LazyLock::new(math_core::LatexToMathML::default);
    if tex.len() > MAX_FORMULA_BYTES {
        return Err(format!(
            "this formula is longer than {MAX_FORMULA_BYTES} characters"
        ));
    }
    let convert = || {
        CONVERTER
            .convert_with_local_state(tex, display)
            .map(|converted| converted.mathml)
            // A sentence of its own (`Unknown command "\volume".`) reads better without its
            // full stop inside the check's parentheses and the page's error box.
            .map_err(|error| error.to_string().trim_end_matches('.').to_string())
    };
    // The converter recurses once per level of nesting, and a formula of MAX_FORMULA_BYTES can
    // nest some 5,000 deep. Few formulas have this many groups and commands; those that do get
    // a stack of their own, large enough for any formula under the cap.
    let nestable = tex.bytes().filter(|&b| matches!(b, b'{' | b'\\')).count();
    if nestable < FORMULA_SMALL {
        convert()
    } else {
        stacker::grow(FORMULA_STACK, convert)
    }
}

/// Below this many `{` and `\` a formula nests shallowly enough for any thread's stack.
const FORMULA_SMALL: usize = 200;
/// The stack a large formula is typeset on (only the pages it touches are used).
const FORMULA_STACK: usize = 64 * 1024 * 1024;

/// Maps byte offsets to 1-based lines, cheaply for the mostly increasing offsets events have.
struct Lines<'a> {
    text: &'a [u8],
    first_line: usize,
    offset: usize,
    line: usize,
}

impl Lines<'_> {
    fn at(&mut self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        if offset < self.offset {
            self.offset = 0;
            self.line = 0;
        }
        self.line += count_newlines(&self.text[self.offset..offset]);
        self.offset = offset;
        self.first_line + self.line
    }
}

// Counting bytes over every byte of an essay is a fair share of the render: tallied in chunks
// of 255 in a byte each, the loops below become SIMD compares (a `usize` a byte, or a carried
// "was the last byte a space", kept them to a byte or two a step).

/// The `\n`s in `bytes`.
fn count_newlines(bytes: &[u8]) -> usize {
    bytes
        .chunks(255)
        .map(|chunk| usize::from(chunk.iter().fold(0u8, |n, &b| n + u8::from(b == b'\n'))))
        .sum()
}

/// ASCII whitespace as `u8::is_ascii_whitespace` has it, without branches.
#[inline(always)]
fn is_space(b: u8) -> bool {
    (b == b' ') | (b == b'\n') | (b == b'\t') | (b == b'\r') | (b == 0x0c)
}

/// The words starting in `text`: each non-space byte after a space, the first one after a
/// space when `after_space` (the text before ended in one, or a block began).
fn word_starts(text: &[u8], after_space: bool) -> usize {
    let Some(&first) = text.first() else {
        return 0;
    };
    let mut words = usize::from(after_space & !is_space(first));
    for (before, at) in text.chunks(255).zip(text[1..].chunks(255)) {
        let starts = before
            .iter()
            .zip(at)
            .fold(0u8, |n, (&b, &a)| n + u8::from(is_space(b) & !is_space(a)));
        words += usize::from(starts);
    }
    words
}

/// The event adapter described in the module docs.
struct Pipeline<'a, 'f, I> {
    inner: I,
    options: RenderOptions,
    urls: &'f dyn Urls,
    facts: &'f mut Facts,
    lines: Lines<'a>,
    out: VecDeque<Event<'a>>,
    sinks: Vec<Sink<'a>>,
    depth: usize,
    output_bytes: usize,
    in_word: bool,
    code: Option<(String, String)>,
    /// The line of the open code block's fence.
    code_line: usize,
    html_block: Option<String>,
    html_block_line: usize,
    image_alt: Option<usize>,
    sanitizer: HtmlSanitizer,
    /// Open raw-HTML elements at the start of each enclosing block (see `close_raw_html`).
    raw_html_marks: Vec<usize>,
    heading_ids: HashSet<String>,
    heading_suffixes: HashMap<String, usize>,
    /// The next event, when it can go out without passing through `out` (the common case).
    ready: Option<Event<'a>>,
    footnote_numbers: HashMap<String, (usize, usize)>,
    footnotes: Vec<(String, Vec<Event<'a>>)>,
    finished: bool,
    /// The end (in the source) of a shortcode the parser cut into several events (its
    /// `<name …>` read as HTML, a `*` in it as emphasis): the events up to there are its
    /// placeholder's, left out.
    cut_shortcode: Option<usize>,
    /// Emphasis, links … opened inside a cut shortcode and left out, whose ends come after it
    /// and are left out too; and how deep the tags opened since then are.
    cut_open: usize,
    cut_after_depth: usize,
}

impl<'a, 'f, I> Pipeline<'a, 'f, I>
where
    I: Iterator<Item = (Event<'a>, std::ops::Range<usize>)>,
{
    fn new(
        inner: I,
        text: &'a str,
        first_line: usize,
        options: RenderOptions,
        urls: &'f dyn Urls,
        facts: &'f mut Facts,
    ) -> Self {
        Pipeline {
            inner,
            options,
            urls,
            facts,
            lines: Lines {
                text: text.as_bytes(),
                first_line,
                offset: 0,
                line: 0,
            },
            out: VecDeque::new(),
            sinks: Vec::new(),
            depth: 0,
            output_bytes: 0,
            in_word: false,
            code: None,
            code_line: 0,
            html_block: None,
            html_block_line: 0,
            image_alt: None,
            sanitizer: HtmlSanitizer::new(),
            raw_html_marks: Vec::new(),
            heading_ids: PAGE_IDS.iter().map(|id| id.to_string()).collect(),
            heading_suffixes: HashMap::new(),
            ready: None,
            footnote_numbers: HashMap::new(),
            footnotes: Vec::new(),
            finished: false,
            cut_shortcode: None,
            cut_open: 0,
            cut_after_depth: 0,
        }
    }

    fn fail(&mut self, offset: usize, message: String) {
        if self.facts.error.is_none() {
            let line = self.lines.at(offset);
            self.facts.error = Some(RenderError { line, message });
        }
    }

    /// Sends an event on, into the innermost buffer if one is collecting.
    fn emit(&mut self, event: Event<'a>) {
        match self.sinks.last_mut() {
            Some(Sink::Heading(heading)) => heading.events.push(event),
            Some(Sink::Footnote(_, events)) => events.push(event),
            // Most events go straight out; the queue is only for events that expand to several.
            None if self.ready.is_none() && self.out.is_empty() => self.ready = Some(event),
            None => self.out.push_back(event),
        }
    }

    fn count_words(&mut self, text: &str) {
        let bytes = text.as_bytes();
        self.facts.words += word_starts(bytes, !self.in_word);
        if let Some(&last) = bytes.last() {
            self.in_word = !is_space(last);
        }
    }

    fn handle(&mut self, event: Event<'a>, range: std::ops::Range<usize>) {
        if self.cut_shortcode.is_some() || self.cut_open > 0 {
            let Some(event) = self.leave_out_cut_shortcode(event, range.clone()) else {
                return;
            };
            return self.handle_whole(event, range);
        }
        self.handle_whole(event, range)
    }

    /// Leaves out the events inside a cut shortcode (see `cut_shortcode`) and the ends of the
    /// tags opened in it; gives back any other event. Text running past the shortcode's end
    /// comes back as its part after the end.
    fn leave_out_cut_shortcode(
        &mut self,
        event: Event<'a>,
        range: std::ops::Range<usize>,
    ) -> Option<Event<'a>> {
        if let Some(end) = self.cut_shortcode {
            match &event {
                // An end comes where its element ends: one opened inside the tag is left out
                // with it; one opened before it goes out, so the HTML stays balanced.
                Event::End(tag) if is_inline_end(tag) && self.cut_open > 0 => {
                    self.cut_open -= 1;
                    return None;
                }
                Event::End(_) => return Some(event),
                // A start's range is its whole element: it is inside if it starts inside.
                Event::Start(tag) if range.start < end && is_inline_tag(tag) => {
                    self.cut_open += 1;
                    return None;
                }
                _ if range.start >= end => self.cut_shortcode = None,
                Event::Text(text) if range.end > end => {
                    // Braces are never changed by the parser: the text after as many `}` as
                    // the source has up to the shortcode's end is what follows it.
                    self.cut_shortcode = None;
                    let closing = self.lines.text[range.start..end]
                        .iter()
                        .filter(|b| **b == b'}')
                        .count();
                    let after = text
                        .match_indices('}')
                        .nth(closing.checked_sub(1)?)
                        .map(|(i, _)| i + 1)?;
                    let tail = text[after..].to_string();
                    if !tail.is_empty() {
                        self.handle(Event::Text(tail.into()), end..range.end);
                    }
                    return None;
                }
                // Anything else running past the end (a block starting) ends the cut.
                _ if range.end > end => {
                    self.cut_shortcode = None;
                    self.cut_open = 0;
                    return Some(event);
                }
                _ => {
                    if range.end == end {
                        self.cut_shortcode = None;
                    }
                    return None;
                }
            }
        }
        match &event {
            Event::Start(tag) if is_inline_tag(tag) => self.cut_after_depth += 1,
            Event::End(tag) if is_inline_end(tag) => {
                if self.cut_after_depth > 0 {
                    self.cut_after_depth -= 1;
                } else {
                    self.cut_open -= 1;
                    return None;
                }
            }
            Event::Start(_) | Event::End(_) => {
                self.cut_open = 0;
                self.cut_after_depth = 0;
            }
            _ => {}
        }
        Some(event)
    }

    fn handle_whole(&mut self, event: Event<'a>, range: std::ops::Range<usize>) {
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag, range),
            Event::Text(text) => {
                if let Some((_, code)) = &mut self.code {
                    code.push_str(&text);
                    return;
                }
                self.output_bytes += text.len();
                self.count_words(&text);
                if let Some(i) = self.image_alt {
                    self.facts.links[i].alt.push_str(&text);
                }
                if let Some(Sink::Heading(h)) = self.sinks.last_mut() {
                    h.text.push_str(&text);
                }
                if self.options.shortcodes && self.html_block.is_none() && has_shortcode(&text) {
                    self.shortcodes(&text, range);
                } else {
                    self.emit(Event::Text(text));
                }
            }
            Event::Code(text) => {
                self.output_bytes += text.len();
                self.count_words(&text);
                self.in_word = false;
                if let Some(Sink::Heading(h)) = self.sinks.last_mut() {
                    h.text.push_str(&text);
                }
                self.emit(Event::Code(text));
            }
            Event::Html(html) => match &mut self.html_block {
                Some(block) => block.push_str(&html),
                None => {
                    let safe = self.sanitize(&html);
                    self.emit(Event::Html(safe.into()));
                }
            },
            Event::InlineHtml(html) => {
                let safe = self.sanitize(&html);
                self.emit(Event::InlineHtml(safe.into()));
            }
            Event::FootnoteReference(name) => self.footnote_reference(name),
            Event::InlineMath(tex) => self.formula(&tex, math_core::MathDisplay::Inline, range),
            Event::DisplayMath(tex) => self.formula(&tex, math_core::MathDisplay::Block, range),
            // A bare checkbox has no name: a screen reader would say only "checkbox".
            Event::TaskListMarker(done) => self.emit(Event::InlineHtml(
                if done {
                    "<input disabled=\"\" type=\"checkbox\" checked=\"\" aria-label=\"Done\"/>\n"
                } else {
                    "<input disabled=\"\" type=\"checkbox\" aria-label=\"Not done\"/>\n"
                }
                .into(),
            )),
            Event::SoftBreak | Event::HardBreak => {
                self.in_word = false;
                self.emit(event);
            }
            Event::Rule => {
                if self.depth == 0 {
                    let line = self.lines.at(range.start);
                    self.facts.source_map.push(line);
                }
                self.emit(event);
            }
        }
    }

    /// Emits a formula as MathML Core, through the MathML sanitizer; or, when it can't be
    /// typeset, its TeX and the reason in an error box, so the rest of the page stands.
    fn formula(
        &mut self,
        tex: &str,
        display: math_core::MathDisplay,
        range: std::ops::Range<usize>,
    ) {
        self.output_bytes += tex.len();
        self.in_word = false;
        if let Some(Sink::Heading(h)) = self.sinks.last_mut() {
            h.text.push_str(tex);
        }
        let html = match typeset(tex, display) {
            Ok(mathml) => {
                self.facts.formulas += 1;
                let mut safe = String::with_capacity(mathml.len());
                let mut sanitizer = HtmlSanitizer::mathml();
                sanitizer.push(&mathml, &mut safe);
                sanitizer.finish(&mut safe);
                safe
            }
            Err(message) => {
                let mut html = String::from("<span class=\"math-error\"><code>");
                let _ = escape_html(&mut html, tex);
                html.push_str("</code> <span class=\"math-error-why\">");
                let _ = escape_html(&mut html, &message);
                html.push_str("</span></span>");
                let line = self.lines.at(range.start);
                self.facts.formula_errors.push(FormulaError {
                    tex: tex.to_string(),
                    message,
                    line,
                });
                html
            }
        };
        self.emit(Event::InlineHtml(html.into()));
    }

    /// A ```` ```mermaid ```` block: the drawn diagram as an image, or its source and why not.
    fn diagram(&mut self, source: &str) {
        let mut html = String::new();
        match diagram::diagram(source) {
            Ok(drawn) => diagram::image_html(&drawn, source, &mut html),
            Err(message) => {
                html.push_str("<div class=\"diagram-error\"><pre><code>");
                let _ = escape_html(&mut html, source);
                html.push_str(
                    "</code></pre><p class=\"diagram-error-why\">This diagram can't be drawn: ",
                );
                let _ = escape_html(&mut html, &message);
                html.push_str("</p></div>\n");
                self.facts.diagram_errors.push(DiagramError {
                    message,
                    line: self.code_line,
                });
            }
        }
        self.output_bytes += html.len();
        self.emit(Event::Html(html.into()));
    }

    /// Emits `text` (from `range` of the source) with each shortcode in it replaced by its
    /// placeholder. The tag is shown and recorded as the source has it: smart punctuation has
    /// curled the quotes of `text`, and braces are never added or taken away, so the tags of
    /// the two come in the same order.
    fn shortcodes(&mut self, text: &str, range: std::ops::Range<usize>) {
        let source = std::str::from_utf8(&self.lines.text[range.clone()]).unwrap_or("");
        let (mut rest, mut written, mut written_at) = (text, source, range.start);
        while let Some((start, end, name)) = next_shortcode(rest) {
            if start > 0 {
                self.emit(Event::Text(rest[..start].to_string().into()));
            }
            let (tag, line) = match next_shortcode(written) {
                Some((from, to, _)) => {
                    let tag = written[from..to].to_string();
                    let line = self.lines.at(written_at + from);
                    written_at += to;
                    written = &written[to..];
                    (tag, line)
                }
                None => (rest[start..end].to_string(), self.lines.at(range.start)),
            };
            self.emit_placeholder(&tag, &name, line);
            rest = &rest[end..];
        }
        if let Some((opener, name, tag, end)) = self.cut_shortcode_in(rest, range.clone()) {
            if opener > 0 {
                self.emit(Event::Text(rest[..opener].to_string().into()));
            }
            let line = self.lines.at(end - tag.len());
            self.emit_placeholder(&tag, &name, line);
            self.cut_shortcode = Some(end);
            return;
        }
        if !rest.is_empty() {
            self.emit(Event::Text(rest.to_string().into()));
        }
    }

    /// A shortcode that starts in `rest` (the end of the text of source `range`) and goes on
    /// past it, because the parser read part of it as HTML or emphasis: where it starts in
    /// `rest`, its name, its source text and its end in the source.
    fn cut_shortcode_in(
        &self,
        rest: &str,
        range: std::ops::Range<usize>,
    ) -> Option<(usize, String, String, usize)> {
        let opener = rest.rfind("{{").into_iter().chain(rest.rfind("{%")).min()?;
        // The same opening brace in the source: braces are never changed by the parser.
        let braces_after = rest[opener..].matches('{').count();
        let source = &self.lines.text[range.clone()];
        let at = source
            .iter()
            .enumerate()
            .rev()
            .filter(|(_, b)| **b == b'{')
            .nth(braces_after - 1)?
            .0;
        let from = range.start + at;
        let ahead = &self.lines.text[from..self.lines.text.len().min(from + MAX_SHORTCODE + 8)];
        let ahead = match std::str::from_utf8(ahead) {
            Ok(text) => text,
            Err(e) => std::str::from_utf8(&ahead[..e.valid_up_to()]).ok()?,
        };
        let (start, end, name) = next_shortcode(ahead)?;
        let tag = &ahead[start..end];
        // Only a tag that starts right there, runs past this text, and stays in its paragraph.
        if start != 0 || from + end <= range.end || tag.contains("\n\n") || tag.contains("\n\r\n") {
            return None;
        }
        Some((opener, name, tag.to_string(), from + end))
    }

    /// `block` (raw HTML) with each shortcode between its tags replaced by its placeholder;
    /// one inside a tag (an attribute's value) is left to the sanitizer.
    fn html_block_shortcodes(&mut self, block: &str) -> String {
        let mut out = String::with_capacity(block.len());
        let mut rest = block;
        let mut inside_tag = false;
        while let Some((start, end, name)) = next_shortcode(rest) {
            let before = &rest[..start];
            out.push_str(before);
            if let Some(last) = before.rfind(['<', '>']) {
                inside_tag = before.as_bytes()[last] == b'<';
            }
            let tag = &rest[start..end];
            if inside_tag {
                // Inert as an attribute's text; still one to replace.
                out.push_str(tag);
                let line = self.html_block_line
                    + block[..block.len() - rest.len() + start]
                        .matches('\n')
                        .count();
                self.facts.shortcodes.push(Shortcode {
                    name,
                    text: tag.to_string(),
                    line,
                });
            } else {
                let line = self.html_block_line
                    + block[..block.len() - rest.len() + start]
                        .matches('\n')
                        .count();
                let html = self.placeholder(tag, &name, line);
                out.push_str(&html);
            }
            rest = &rest[end..];
        }
        out.push_str(rest);
        out
    }

    fn emit_placeholder(&mut self, tag: &str, name: &str, line: usize) {
        let html = self.placeholder(tag, name, line);
        self.emit(Event::InlineHtml(html.into()));
    }

    /// The inert placeholder of a shortcode (its name, with the whole tag as its tooltip),
    /// recorded for `quire check`.
    fn placeholder(&mut self, tag: &str, name: &str, line: usize) -> String {
        let mut html = String::from("<span class=\"shortcode\" title=\"");
        let _ = pulldown_cmark_escape::escape_html(&mut html, tag);
        html.push_str("\">");
        let _ = pulldown_cmark_escape::escape_html(&mut html, name);
        html.push_str("</span>");
        self.facts.shortcodes.push(Shortcode {
            name: name.to_string(),
            text: tag.to_string(),
            line,
        });
        html
    }

    fn sanitize(&mut self, html: &str) -> String {
        let mut safe = String::with_capacity(html.len());
        self.sanitizer.push(html, &mut safe);
        safe
    }

    fn start(&mut self, tag: Tag<'a>, range: std::ops::Range<usize>) {
        if self.depth == 0 && self.sinks.is_empty() && !matches!(tag, Tag::FootnoteDefinition(_)) {
            let line = self.lines.at(range.start);
            self.facts.source_map.push(line);
        }
        self.depth += 1;
        if self.depth > MAX_NESTING {
            self.fail(range.start, format!(
                "Markdown nested more than {MAX_NESTING} levels deep (lists, quotes, emphasis or links inside each other); flatten it to render"
            ));
            return;
        }
        self.in_word = false;
        if closes_raw_html(&tag) {
            self.raw_html_marks.push(self.sanitizer.open_elements());
        }
        match tag {
            Tag::Heading {
                level, id, classes, ..
            } if self.options.heading_ids => {
                let line = self.lines.at(range.start);
                self.sinks.push(Sink::Heading(PendingHeading {
                    level,
                    custom_id: id,
                    classes,
                    text: String::new(),
                    line,
                    events: Vec::new(),
                }));
            }
            Tag::CodeBlock(kind) if self.options.highlight => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((lang, String::new()));
                self.code_line = self.lines.at(range.start);
            }
            Tag::HtmlBlock => {
                self.html_block = Some(String::new());
                self.html_block_line = self.lines.at(range.start);
                self.emit(Event::Start(Tag::HtmlBlock));
            }
            Tag::FootnoteDefinition(name) => {
                self.sinks
                    .push(Sink::Footnote(name.to_string(), Vec::new()));
            }
            Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            } => {
                let dest_url = self.check_url(dest_url, false, link_type, range.start);
                if self.facts.links.last().is_some_and(|l| l.blocked) {
                    // A refused link keeps its text but is no link at all: nothing to click.
                    self.emit(Event::InlineHtml("<a class=\"refused-link\">".into()));
                } else {
                    self.emit(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
            }
            Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            } => {
                let dest_url = self.check_url(dest_url, true, link_type, range.start);
                self.image_alt = Some(self.facts.links.len() - 1);
                self.emit(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            other => self.emit(Event::Start(other)),
        }
    }

    /// Applies the URL policy and the caller's rewriting; records the URL as written.
    fn check_url(
        &mut self,
        url: CowStr<'a>,
        image: bool,
        link_type: LinkType,
        offset: usize,
    ) -> CowStr<'a> {
        let line = self.lines.at(offset);
        let blocked = !is_safe_url(&url);
        self.output_bytes += url.len();
        self.facts.links.push(LinkRef {
            url: url.to_string(),
            line,
            image,
            alt: String::new(),
            blocked,
        });
        if blocked {
            return CowStr::Borrowed("");
        }
        let rewritten = match (image, link_type) {
            (_, LinkType::Email) => None,
            (true, _) => self.urls.image(&url),
            (false, _) => self.urls.link(&url),
        };
        rewritten.map_or(url, CowStr::from)
    }

    fn end(&mut self, tag: TagEnd, range: std::ops::Range<usize>) {
        self.depth = self.depth.saturating_sub(1);
        self.in_word = false;
        if closes_raw_html_end(tag) {
            if let Some(mark) = self.raw_html_marks.pop() {
                let mut closing = String::new();
                self.sanitizer.close_to(mark, &mut closing);
                if !closing.is_empty() {
                    self.emit(Event::InlineHtml(closing.into()));
                }
            }
        }
        match tag {
            TagEnd::Heading(_) if self.options.heading_ids => {
                if let Some(Sink::Heading(heading)) = self.sinks.pop() {
                    self.finish_heading(heading);
                }
            }
            TagEnd::CodeBlock if self.options.highlight => {
                if let Some((lang, code)) = self.code.take() {
                    if lang == "mermaid" {
                        self.diagram(&code);
                        return;
                    }
                    self.output_bytes += code.len() * 2;
                    let mut html = String::with_capacity(code.len() + code.len() / 2 + 64);
                    // Focusable: a code block wider than the page scrolls, and a reader
                    // without a mouse scrolls it with the arrow keys once it has the focus.
                    html.push_str("<pre tabindex=\"0\"><code");
                    let class: String = lang
                        .chars()
                        .filter(|c| {
                            c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '#' | '.')
                        })
                        .take(32)
                        .collect();
                    if !class.is_empty() {
                        html.push_str(" class=\"language-");
                        let _ = escape_html(&mut html, &class);
                        html.push('"');
                    }
                    html.push('>');
                    highlight::highlight(&lang, &code, &mut html);
                    html.push_str("</code></pre>\n");
                    self.emit(Event::Html(html.into()));
                }
            }
            TagEnd::HtmlBlock => {
                if let Some(mut block) = self.html_block.take() {
                    if self.options.shortcodes && has_shortcode(&block) {
                        block = self.html_block_shortcodes(&block);
                    }
                    let safe = self.sanitize(&block);
                    self.emit(Event::Html(safe.into()));
                }
                self.emit(Event::End(TagEnd::HtmlBlock));
            }
            TagEnd::FootnoteDefinition => {
                if let Some(Sink::Footnote(name, events)) = self.sinks.pop() {
                    self.footnotes.push((name, events));
                }
            }
            TagEnd::Image => {
                self.image_alt = None;
                self.emit(Event::End(TagEnd::Image));
            }
            other => self.emit(Event::End(other)),
        }
        if self.output_bytes > MAX_OUTPUT_BYTES {
            self.fail(range.start, format!(
                "the rendered essay would be larger than {} MB (repeated reference links?); shorten it to render",
                MAX_OUTPUT_BYTES / (1024 * 1024)
            ));
        }
    }

    fn finish_heading(&mut self, heading: PendingHeading<'a>) {
        let base = match &heading.custom_id {
            Some(id) => slugify(id),
            None => slugify(&heading.text),
        };
        let base = if base.is_empty() {
            "section".to_string()
        } else {
            base
        };
        // Each base remembers the next suffix to try, so a thousand "Notes" headings cost a
        // thousand lookups, not half a million.
        let mut id = base.clone();
        let mut n = self.heading_suffixes.get(&base).copied().unwrap_or(1);
        while self.heading_ids.contains(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.heading_suffixes.insert(base, n);
        self.heading_ids.insert(id.clone());
        let classes = heading
            .classes
            .into_iter()
            .filter(|c| {
                c.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            })
            .collect();
        self.facts.outline.push(Heading {
            level: heading.level as u8,
            text: heading.text.trim().to_string(),
            id: id.clone(),
            line: heading.line,
        });
        self.emit(Event::Start(Tag::Heading {
            level: heading.level,
            id: Some(id.into()),
            classes,
            attrs: Vec::new(),
        }));
        for event in heading.events {
            self.emit(event);
        }
        self.emit(Event::End(TagEnd::Heading(heading.level)));
    }

    fn footnote_reference(&mut self, name: CowStr<'a>) {
        let next = self.footnote_numbers.len() + 1;
        let entry = self
            .footnote_numbers
            .entry(name.to_string())
            .or_insert((next, 0));
        entry.1 += 1;
        let (number, count) = *entry;
        let id = footnote_id(&name);
        let suffix = if count > 1 {
            format!("-{count}")
        } else {
            String::new()
        };
        self.emit(Event::InlineHtml(
            format!("<sup class=\"footnote-ref\"><a href=\"#fn-{id}\" id=\"fnref-{id}{suffix}\">{number}</a></sup>").into(),
        ));
    }

    /// Writes the footnotes that were referenced, in the order they were first referenced.
    fn flush_footnotes(&mut self) {
        let mut notes: Vec<(usize, usize, String, Vec<Event<'a>>)> =
            std::mem::take(&mut self.footnotes)
                .into_iter()
                .filter_map(|(name, events)| {
                    let (number, count) = *self.footnote_numbers.get(&name)?;
                    Some((number, count, name, events))
                })
                .collect();
        if notes.is_empty() {
            return;
        }
        notes.sort_by_key(|n| n.0);
        self.facts.source_map.push(self.lines.at(usize::MAX));
        self.out.push_back(Event::Html(
            "<section class=\"footnotes\" role=\"doc-endnotes\">\n<ol>\n".into(),
        ));
        for (_, count, name, mut events) in notes {
            let id = footnote_id(&name);
            let mut back = String::new();
            for k in 1..=count {
                let suffix = if k > 1 {
                    format!("-{k}")
                } else {
                    String::new()
                };
                back.push_str(&format!(
                    " <a href=\"#fnref-{id}{suffix}\" class=\"footnote-back\" aria-label=\"Back to the text\">↩\u{fe0e}</a>"
                ));
            }
            self.out
                .push_back(Event::Html(format!("<li id=\"fn-{id}\">\n").into()));
            // The back link reads best at the end of the note's last paragraph.
            let last_paragraph = matches!(events.last(), Some(Event::End(TagEnd::Paragraph)));
            let closing = if last_paragraph { events.pop() } else { None };
            self.out.extend(events);
            self.out.push_back(Event::InlineHtml(back.into()));
            self.out.extend(closing);
            self.out.push_back(Event::Html("</li>\n".into()));
        }
        self.out
            .push_back(Event::Html("</ol>\n</section>\n".into()));
    }
}

/// Blocks that raw HTML opened inside of must also close inside of. Only the document itself
/// lets an HTML block's `<div>` stay open across the Markdown blocks that follow it (the usual
/// way to wrap Markdown in a `<div>`).
fn closes_raw_html(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::TableCell
            | Tag::Item
            | Tag::BlockQuote(_)
            | Tag::FootnoteDefinition(_)
    )
}

fn closes_raw_html_end(tag: TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::TableCell
            | TagEnd::Item
            | TagEnd::BlockQuote(_)
            | TagEnd::FootnoteDefinition
    )
}

/// Footnote names are the writer's text: keep them to safe id characters.
fn footnote_id(name: &str) -> String {
    let id = slugify(name);
    if id.is_empty() {
        // Distinct names that slugify to nothing still need distinct ids.
        format!(
            "n{}",
            blake3::hash(name.as_bytes())
                .to_hex()
                .get(..8)
                .unwrap_or("0")
        )
    } else {
        id
    }
}

impl<'a, I> Iterator for Pipeline<'a, '_, I>
where
    I: Iterator<Item = (Event<'a>, std::ops::Range<usize>)>,
{
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        loop {
            if self.facts.error.is_some() {
                return None;
            }
            if let Some(event) = self.ready.take() {
                return Some(event);
            }
            if let Some(event) = self.out.pop_front() {
                return Some(event);
            }
            if self.finished {
                return None;
            }
            match self.inner.next() {
                Some((event, range)) => self.handle(event, range),
                None => {
                    self.finished = true;
                    self.flush_footnotes();
                    let mut tail = String::new();
                    self.sanitizer.finish(&mut tail);
                    if !tail.is_empty() {
                        self.out.push_back(Event::Html(tail.into()));
                    }
                }
            }
        }
    }
}

/// Whether a tag is inline (may sit inside a shortcode the parser cut).
fn is_inline_tag(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. } | Tag::Image { .. }
    )
}

fn is_inline_end(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link | TagEnd::Image
    )
}

/// Whether `text` may hold a shortcode or template tag (a quick look before the real one).
fn has_shortcode(text: &str) -> bool {
    text.contains("{{") || text.contains("{%")
}

/// The longest tag looked for: longer text between braces is prose, not a shortcode.
const MAX_SHORTCODE: usize = 1000;

/// The first shortcode or template tag in `text`: its byte range and name. Hugo's `{{< … >}}`
/// and `{{% … %}}`, Liquid's and Tera's `{% … %}` and `{{ … }}`.
fn next_shortcode(text: &str) -> Option<(usize, usize, String)> {
    let mut from = 0;
    while let Some(found) = text[from..].find('{') {
        let start = from + found;
        let after = &text[start..];
        let (open, close) = if after.starts_with("{{<") {
            ("{{<", ">}}")
        } else if after.starts_with("{{%") {
            ("{{%", "%}}")
        } else if after.starts_with("{%") {
            ("{%", "%}")
        } else if after.starts_with("{{") {
            ("{{", "}}")
        } else {
            from = start + 1;
            continue;
        };
        let inner_start = start + open.len();
        let window = &text[inner_start..text.len().min(inner_start + MAX_SHORTCODE)];
        if let Some(len) = window.find(close) {
            let inner = &window[..len];
            let end = inner_start + len + close.len();
            let name = shortcode_name(inner);
            if !name.is_empty() {
                return Some((start, end, name));
            }
        }
        from = start + open.len();
    }
    None
}

/// `<` youtube id `>` → `youtube`; `/highlight` → `/highlight`; `- include x.html -` → `include`;
/// `youtube(id="x")` (Zola) → `youtube`; `page.title | upcase` → `page.title`.
fn shortcode_name(inner: &str) -> String {
    let inner = inner.trim().trim_matches('-').trim();
    inner
        .split(|c: char| c.is_whitespace() || c == '(' || c == '|')
        .next()
        .unwrap_or("")
        .chars()
        .take(64)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain loops the chunked counts replaced.
    fn words_one_by_one(text: &[u8], mut previous_space: bool) -> usize {
        let mut words = 0;
        for &b in text {
            let space = b.is_ascii_whitespace();
            words += usize::from(previous_space & !space);
            previous_space = space;
        }
        words
    }

    proptest::proptest! {
        #[test]
        fn chunked_counts_agree_with_the_plain_loops(
            text in proptest::collection::vec(
                proptest::sample::select(vec![b'a', b' ', b'\n', b'\t', b'\r', 0x0b, 0x0c, 0xc3, 0xa9, b'.']),
                0..1200,
            ),
            after_space: bool,
        ) {
            proptest::prop_assert_eq!(word_starts(&text, after_space), words_one_by_one(&text, after_space));
            proptest::prop_assert_eq!(
                count_newlines(&text),
                text.iter().filter(|b| **b == b'\n').count()
            );
        }
    }

    #[test]
    fn every_ascii_space_and_only_those_are_spaces() {
        for b in 0..=255u8 {
            assert_eq!(is_space(b), b.is_ascii_whitespace(), "{b:#x}");
        }
    }

    fn html(md: &str) -> String {
        render(md, 1, &RenderOptions::essay(), &KeepUrls)
            .unwrap()
            .html
    }

    #[test]
    fn headings_get_unique_ids_and_an_outline() {
        let r = render(
            "# Intro\n\n## Intro\n\ntext\n\n## Café {#custom}\n",
            1,
            &RenderOptions::essay(),
            &KeepUrls,
        )
        .unwrap();
        assert!(r.html.contains("<h1 id=\"intro\">Intro</h1>"), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"intro-1\">Intro</h2>"));
        assert!(r.html.contains("<h2 id=\"custom\">Café</h2>"));
        let ids: Vec<_> = r
            .outline
            .iter()
            .map(|h| (h.level, h.id.as_str(), h.line))
            .collect();
        assert_eq!(ids, [(1, "intro", 1), (2, "intro-1", 3), (2, "custom", 7)]);
    }

    #[test]
    fn shortcodes_become_inert_placeholders_named_after_them() {
        let options = RenderOptions {
            shortcodes: true,
            ..RenderOptions::essay()
        };
        let text = "Watch {{< youtube id=\"x<y\" >}} and {% include note.html %}.\n\n{{ page.title | upcase }}\n\n`{{< kept >}}`\n\n```\n{% raw %}\n```\n";
        let r = render(text, 1, &options, &KeepUrls).unwrap();
        assert!(
            r.html.contains("<p>Watch <span class=\"shortcode\" title=\"{{&lt; youtube id=&quot;x&lt;y&quot; &gt;}}\">youtube</span> and <span class=\"shortcode\" title=\"{% include note.html %}\">include</span>.</p>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<p><span class=\"shortcode\" title=\"{{ page.title | upcase }}\">page.title</span></p>"), "{}", r.html);
        assert!(
            r.html.contains("<code>{{&lt; kept &gt;}}</code>"),
            "code stays as written: {}",
            r.html
        );
        assert!(r.html.contains("{% raw %}"), "code blocks too: {}", r.html);
        let found: Vec<_> = r
            .shortcodes
            .iter()
            .map(|s| (s.name.as_str(), s.line))
            .collect();
        assert_eq!(found, [("youtube", 1), ("include", 1), ("page.title", 3)]);
        // Quire's own essays may write braces as they like.
        let plain = render("Set {{ x }} here.", 1, &RenderOptions::essay(), &KeepUrls).unwrap();
        assert_eq!(plain.html, "<p>Set {{ x }} here.</p>\n");
        assert!(plain.shortcodes.is_empty());
    }

    #[test]
    fn shortcodes_the_parser_cuts_in_pieces_are_still_one_placeholder() {
        let options = RenderOptions {
            shortcodes: true,
            ..RenderOptions::essay()
        };
        let r = |text: &str| render(text, 1, &options, &KeepUrls).unwrap();
        let span = |title: &str, name: &str| {
            format!("<span class=\"shortcode\" title=\"{title}\">{name}</span>")
        };
        // Without spaces Hugo's `<figure …>` reads as an HTML tag.
        let cut = r("A {{<figure src=\"a.png\">}} b {{<youtube x>}}.");
        assert_eq!(
            cut.html,
            format!(
                "<p>A {} b {}.</p>\n",
                span("{{&lt;figure src=&quot;a.png&quot;&gt;}}", "figure"),
                span("{{&lt;youtube x&gt;}}", "youtube")
            )
        );
        // A `*` or `_` inside reads as emphasis: the tag is still whole, the HTML balanced
        // (an emphasis around it may end where the parser says, inside it).
        for text in [
            "*a {{< f src=\"x*y*.png\" t=\"*z*\" >}} b* and **c**",
            "a {{< f src=\"x_y_.png\" t=\"_z_\" >}} b and **c**",
        ] {
            let cut = r(text);
            assert!(cut.html.contains(">f</span>"), "{}", cut.html);
            assert_eq!(cut.html.matches("{{").count(), 1, "{}", cut.html);
            assert_eq!(
                cut.html.matches("<em>").count(),
                cut.html.matches("</em>").count()
            );
            assert!(cut.html.contains("<strong>c</strong>"), "{}", cut.html);
        }
        // An emphasis opened inside the tag and closed after it is dropped whole.
        let cut = r("{{< f \"*\" >}} then *c* and d*");
        assert_eq!(
            cut.html,
            format!(
                "<p>{} then <em>c</em> and d</p>\n",
                span("{{&lt; f &quot;*&quot; &gt;}}", "f")
            )
        );
        assert_eq!(
            cut.html.matches("<em>").count(),
            cut.html.matches("</em>").count()
        );
        // In a raw HTML block too, between its tags (an attribute keeps it as inert text).
        let block = r("<div>\n{{< note >}} and <img alt=\"{{< y >}}\">\n</div>\n");
        assert!(
            block.html.contains(&span("{{&lt; note &gt;}}", "note")),
            "{}",
            block.html
        );
        let found: Vec<_> = block
            .shortcodes
            .iter()
            .map(|s| (s.name.as_str(), s.line))
            .collect();
        assert_eq!(found, [("note", 2), ("y", 2)]);
        // Not across a paragraph break, and never in code.
        let apart = r("{{<a\n\nb>}} and `{{<c>}}`");
        assert!(apart.shortcodes.is_empty(), "{}", apart.html);
    }

    #[test]
    fn braces_that_are_not_tags_stay_text() {
        let options = RenderOptions {
            shortcodes: true,
            ..RenderOptions::essay()
        };
        let r = render(
            "A set {a, b} and {{ never closed, and {% }.",
            1,
            &options,
            &KeepUrls,
        )
        .unwrap();
        assert_eq!(
            r.html,
            "<p>A set {a, b} and {{ never closed, and {% }.</p>\n"
        );
    }

    #[test]
    fn headings_leave_the_pages_own_ids_alone() {
        let r = render(
            "## Text

## Text {#text}
",
            1,
            &RenderOptions::essay(),
            &KeepUrls,
        )
        .unwrap();
        assert!(r.html.contains("<h2 id=\"text-1\">Text</h2>"), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"text-2\">Text</h2>"), "{}", r.html);
    }

    #[test]
    fn smart_punctuation_is_on_for_essays() {
        assert!(html("\"Quoted\" -- it's...\n").contains("“Quoted” – it’s…"));
    }

    #[test]
    fn counts_words_across_smart_quotes_but_not_code_blocks() {
        let r = render(
            "It's a \"fine\" day.\n\n```\nnot counted here\n```\n",
            1,
            &RenderOptions::essay(),
            &KeepUrls,
        )
        .unwrap();
        assert_eq!(r.words, 4);
        assert_eq!(r.reading_minutes, 1);
    }

    #[test]
    fn footnotes_are_numbered_by_first_reference_and_gathered_at_the_end() {
        let md = "A[^b] and B[^a] and again[^b].\n\n[^a]: Note A.\n[^b]: Note B.\n\nAfter.\n";
        let out = html(md);
        let after = out.find("After.").unwrap();
        let section = out.find("<section class=\"footnotes\"").unwrap();
        assert!(after < section, "{out}");
        assert!(out.contains("href=\"#fn-b\" id=\"fnref-b\">1</a>"), "{out}");
        assert!(out.contains("href=\"#fn-a\" id=\"fnref-a\">2</a>"), "{out}");
        assert!(out.contains("id=\"fnref-b-2\">1</a>"), "{out}");
        assert!(out.find("<li id=\"fn-b\">").unwrap() < out.find("<li id=\"fn-a\">").unwrap());
    }

    #[test]
    fn code_blocks_are_highlighted_with_classes_and_escaped() {
        let out = html("```rust onerror=alert(1)\nfn main() { \"<script>\" }\n```\n");
        assert!(
            out.contains("<pre tabindex=\"0\"><code class=\"language-rust\">"),
            "{out}"
        );
        assert!(out.contains("hl-kw"), "{out}");
        assert!(!out.contains("<script>"), "{out}");
        assert!(!out.contains("onerror"), "{out}");
    }

    #[test]
    fn unsafe_link_and_image_urls_are_blanked_and_recorded() {
        let r = render(
            "[x](javascript:alert(1)) ![y](data:image/svg+xml,abc)\n",
            1,
            &RenderOptions::essay(),
            &KeepUrls,
        )
        .unwrap();
        assert!(!r.html.contains("javascript:"), "{}", r.html);
        assert!(!r.html.contains("data:"), "{}", r.html);
        assert!(r.links.iter().all(|l| l.blocked));
        assert_eq!(r.links[1].alt, "y");
    }

    #[test]
    fn raw_html_is_sanitized() {
        let out = html("<div onclick=\"x()\">hi <script>alert(1)</script></div>\n\nA <img src=x onerror=alert(1)> b\n");
        assert!(
            !out.contains("onclick") && !out.contains("onerror") && !out.contains("<script"),
            "{out}"
        );
        assert!(
            out.contains("<img src=\"x\">")
                || out.contains("<img src=\"x\" />")
                || out.contains("<img src=\"x\"/>"),
            "{out}"
        );
    }

    #[test]
    fn deep_nesting_is_an_error_naming_the_line() {
        let md = format!("ok\n\n{}x\n", "> ".repeat(MAX_NESTING + 10));
        let err = render(&md, 5, &RenderOptions::essay(), &KeepUrls).unwrap_err();
        assert_eq!(err.line, 7);
    }

    #[test]
    fn source_map_has_a_line_per_top_level_block() {
        let r = render(
            "# A\n\npara\n\n- x\n- y\n\n---\n\n```\nc\n```\n",
            10,
            &RenderOptions::essay(),
            &KeepUrls,
        )
        .unwrap();
        assert_eq!(r.source_map, [10, 12, 14, 17, 19]);
    }
}
