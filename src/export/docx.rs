//! One essay as a Word document (`.docx`), built with docx-rs.
//!
//! The essay's Markdown is walked with the pipeline's own parser options, so what the preview
//! shows is what the document holds: headings in Word's heading styles (the navigation pane
//! works), emphasis, links, quotes, real numbered and bulleted lists, tables, code in a
//! monospace style, pictures with their alt text, footnotes as Word footnotes, formulas as Word
//! equations and diagrams as pictures.
//!
//! docx-rs writes no Office Math, no picture descriptions and no title or author in the
//! document's properties; those are set in its package afterwards ([`finish_package`]).
//! Formulas go in as placeholder runs that become `<m:oMath>`; pictures' descriptions are added
//! to their `wp:docPr` in document order.

use std::collections::HashMap;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

use docx_rs::{
    AbstractNumbering, AlignmentType, BreakType, Docx, Footnote, Hyperlink, HyperlinkType,
    IndentLevel, Level, LevelJc, LevelOverride, LevelText, NumberFormat, Numbering, NumberingId,
    Paragraph, Pic, Run, RunFonts, SpecialIndentType, Start, Style, StyleType, Table, TableCell,
    TableRow,
};
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Parser, Tag, TagEnd};

use crate::error::{Error, Result};
use crate::essay::Essay;
use crate::markdown::{diagram, formula_mathml, render_essay, RenderOptions};
use crate::problem::{Level as ProblemLevel, Problem};
use crate::url::LocalLink;

use super::out::Out;
use super::paths::{ImageMode, PageUrls};
use super::{omml, url_problems, with_path, Exporter};

/// The text's width on an A4 page with Word's default margins, in EMU (6.3 in); pictures are
/// scaled down to it.
const TEXT_WIDTH_EMU: u64 = 5_760_720;
/// EMU per CSS pixel (96 per inch).
const EMU_PER_PX: u64 = 9_525;
/// Pictures larger than this are left out (a photo straight off a camera is a few MB).
const MAX_PICTURE_BYTES: u64 = 20 * 1024 * 1024;
/// Larger sides than this are not decoded (a small file can claim a huge picture).
const MAX_PICTURE_SIDE: u32 = 12_000;
/// Marks a formula's place until the package is finished (see [`finish_package`]).
const FORMULA_MARK: &str = "QUIREFORMULA";

const BULLETS: usize = 1;
const NUMBERS: usize = 2;

impl Exporter {
    /// Exports one essay as `<out>/<slug>.docx`. Returns the file written and any warnings.
    pub fn docx(&self, file: &Path, out: &Path) -> Result<(PathBuf, Vec<Problem>)> {
        let relative = self.relative_to_root(file)?;
        let essay = self
            .library
            .read_essay(&relative)
            .map_err(|e| with_path(e, file))?;
        // The real render first: its limits (nesting, size) and its warnings about links and
        // images are the document's too.
        let slugs = HashMap::new();
        let urls = PageUrls::new(&self.library, &relative, &slugs, ImageMode::Copy, "");
        let rendered =
            render_essay(&essay, &RenderOptions::essay(), &urls).map_err(|e| with_path(e, file))?;
        let mut problems = url_problems(file, &rendered, urls.problems.into_inner());

        // Two passes: footnotes are written where they are cited, and may be defined after.
        let mut first = Writer::new(self, &essay, &relative, file, HashMap::new());
        first.first_pass = true;
        first.walk();
        let notes = std::mem::take(&mut first.notes);
        let mut writer = Writer::new(self, &essay, &relative, file, notes);
        // The notes' formulas keep the numbers their marks were given.
        writer.formulas = std::mem::take(&mut first.formulas);
        writer.walk();
        problems.append(&mut writer.problems);

        let author = essay
            .front
            .extra
            .get("author")
            .and_then(|a| a.as_str())
            .unwrap_or(&self.settings.author)
            .to_string();
        let title = essay.title();
        let mut docx = base_document();
        if !essay.title_is_in_body() {
            docx = docx.add_paragraph(
                Paragraph::new()
                    .style("Title")
                    .add_run(Run::new().add_text(&title)),
            );
        }
        for block in writer.body {
            docx = match block {
                Block::Paragraph(p) => docx.add_paragraph(*p),
                Block::Table(t) => docx.add_table(*t),
            };
        }
        for numbering in writer.numberings {
            docx = docx.add_numbering(numbering);
        }
        if let Some(date) = essay.front.date {
            let stamp = format!("{}T00:00:00Z", date.iso_day());
            docx = docx.created_at(&stamp).updated_at(&stamp);
        } else {
            docx = docx
                .created_at("2000-01-01T00:00:00Z")
                .updated_at("2000-01-01T00:00:00Z");
        }
        let mut packed = Cursor::new(Vec::new());
        docx.build()
            .pack(&mut packed)
            .map_err(|e| Error::Internal(format!("the Word document could not be packed: {e}")))?;
        let bytes = finish_package(
            &packed.into_inner(),
            &writer.formulas,
            &writer.pictures,
            &title,
            &author,
        )?;
        let out = Out::create(out)?;
        let name = PathBuf::from(format!("{}.docx", essay.slug));
        out.write(&name, &bytes)?;
        Ok((out.root.join(name), problems))
    }
}

/// A top-level block of the body.
enum Block {
    Paragraph(Box<Paragraph>),
    Table(Box<Table>),
}

/// Run formatting in force.
#[derive(Default, Clone, Copy)]
struct Marks {
    bold: u8,
    italic: u8,
    strike: u8,
}

struct List {
    number: Option<usize>,
}

struct Cell {
    rows: Vec<TableRow>,
    cells: Vec<TableCell>,
    head: bool,
}

/// Walks an essay's Markdown into Word's blocks.
struct Writer<'a> {
    exporter: &'a Exporter,
    essay: &'a Essay,
    relative: &'a Path,
    shown: &'a Path,
    body: Vec<Block>,
    /// Footnotes by name: filled by the first pass, used by the second.
    notes: HashMap<String, Vec<Paragraph>>,
    /// Inside a footnote's definition: its name and paragraphs.
    note: Option<(String, Vec<Paragraph>)>,
    paragraph: Option<Paragraph>,
    marks: Marks,
    link: Option<Hyperlink>,
    quotes: usize,
    lists: Vec<List>,
    /// The open list item has had its numbered paragraph.
    item_numbered: bool,
    table: Option<Cell>,
    code: Option<(String, String)>,
    image: Option<(String, String, usize)>,
    html: Option<String>,
    in_heading: bool,
    numberings: Vec<Numbering>,
    /// OMML of each formula in order, and whether it stands on its own.
    formulas: Vec<(String, bool)>,
    /// Each picture's description, in document order.
    pictures: Vec<String>,
    problems: Vec<Problem>,
    /// The pass that only gathers footnotes: the body's pictures and formulas are not made.
    first_pass: bool,
}

impl<'a> Writer<'a> {
    /// Work the first pass can skip: anything outside a footnote.
    fn skipped(&self) -> bool {
        self.first_pass && self.note.is_none()
    }

    fn new(
        exporter: &'a Exporter,
        essay: &'a Essay,
        relative: &'a Path,
        shown: &'a Path,
        notes: HashMap<String, Vec<Paragraph>>,
    ) -> Self {
        Writer {
            exporter,
            essay,
            relative,
            shown,
            body: Vec::new(),
            notes,
            note: None,
            paragraph: None,
            marks: Marks::default(),
            link: None,
            quotes: 0,
            lists: Vec::new(),
            item_numbered: false,
            table: None,
            code: None,
            image: None,
            html: None,
            in_heading: false,
            numberings: Vec::new(),
            formulas: Vec::new(),
            pictures: Vec::new(),
            problems: Vec::new(),
            first_pass: false,
        }
    }

    fn line(&self, offset: usize) -> usize {
        let body = self.essay.body();
        let offset = offset.min(body.len());
        self.essay.body_line
            + body.as_bytes()[..offset]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
    }

    fn warn(&mut self, line: usize, message: String) {
        self.problems.push(Problem::new(
            self.shown.to_path_buf(),
            line,
            ProblemLevel::Warning,
            message,
        ));
    }

    fn walk(&mut self) {
        let options = RenderOptions::essay().parser_options();
        let body = self.essay.body();
        for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
            self.event(event, range.start);
        }
        self.end_paragraph();
    }

    /// Where finished paragraphs go: the open table cell, footnote, or the body.
    fn push(&mut self, paragraph: Paragraph) {
        if let Some((_, paragraphs)) = &mut self.note {
            paragraphs.push(paragraph);
        } else if let Some(table) = &mut self.table {
            let cell = TableCell::new().add_paragraph(paragraph);
            table.cells.push(cell);
        } else {
            self.body.push(Block::Paragraph(Box::new(paragraph)));
        }
    }

    /// The paragraph text goes into, begun with the place's style if none is open.
    fn open(&mut self) -> &mut Paragraph {
        if self.paragraph.is_none() {
            let mut p = Paragraph::new();
            if self.quotes > 0 {
                p = p.style("Quote");
            }
            if let Some(depth) = self.lists.len().checked_sub(1) {
                if self.item_numbered {
                    // A list item's second paragraph: in line with its text, unnumbered.
                    p = p.indent(Some(720 * (depth as i32 + 1)), None, None, None);
                } else {
                    let id = self.lists[depth].number.unwrap_or(0);
                    p = p.numbering(NumberingId::new(id), IndentLevel::new(depth));
                    self.item_numbered = true;
                }
            }
            self.paragraph = Some(p);
        }
        self.paragraph.get_or_insert_with(Paragraph::new)
    }

    fn end_paragraph(&mut self) {
        if let Some(p) = self.paragraph.take() {
            self.push(p);
        }
    }

    fn run(&self, text: &str) -> Run {
        let mut run = Run::new().add_text(text);
        if self.marks.bold > 0 {
            run = run.bold();
        }
        if self.marks.italic > 0 {
            run = run.italic();
        }
        if self.marks.strike > 0 {
            run = run.strike();
        }
        if self.link.is_some() {
            run = run.style("Hyperlink");
        }
        run
    }

    fn add_run(&mut self, run: Run) {
        if let Some(link) = self.link.take() {
            self.link = Some(link.add_run(run));
        } else {
            let p = self.open().clone();
            self.paragraph = Some(p.add_run(run));
        }
    }

    fn text(&mut self, text: &str) {
        if let Some((_, alt, _)) = &mut self.image {
            alt.push_str(text);
        } else if let Some((_, code)) = &mut self.code {
            code.push_str(text);
        } else if let Some(html) = &mut self.html {
            html.push_str(text);
        } else {
            let run = self.run(text);
            self.add_run(run);
        }
    }

    fn event(&mut self, event: Event<'_>, offset: usize) {
        // Footnote definitions are written where they are cited: the second pass skips them.
        if self.note.as_ref().is_some_and(|(name, _)| name.is_empty()) {
            if matches!(event, Event::End(TagEnd::FootnoteDefinition)) {
                self.note = None;
            }
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag, offset),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => self.text(&text),
            Event::Code(code) => {
                let run = self.run(&code).style("QuireCode");
                self.add_run(run);
            }
            Event::InlineMath(tex) => self.formula(&tex, false),
            Event::DisplayMath(tex) => self.formula(&tex, true),
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => {
                if self.code.is_none() {
                    self.add_run(Run::new().add_break(BreakType::TextWrapping));
                }
            }
            Event::Rule => {
                self.end_paragraph();
                self.push(
                    Paragraph::new()
                        .align(AlignmentType::Center)
                        .add_run(Run::new().add_text("*\u{2003}*\u{2003}*")),
                );
            }
            Event::FootnoteReference(name) => {
                let Some(paragraphs) = self.notes.get(name.as_ref()).cloned() else {
                    return;
                };
                let note = paragraphs
                    .into_iter()
                    .fold(Footnote::new(), |mut note, p| note.add_content(p));
                self.add_run(Run::new().add_footnote_reference(note));
            }
            Event::TaskListMarker(done) => self.text(if done { "\u{2612} " } else { "\u{2610} " }),
            Event::Html(html) | Event::InlineHtml(html) => {
                if let Some(block) = &mut self.html {
                    block.push_str(&html);
                } else if html.trim_start().to_ascii_lowercase().starts_with("<br") {
                    self.add_run(Run::new().add_break(BreakType::TextWrapping));
                }
                // Other inline tags (`<kbd>`, `<abbr>`) are left out; the words between them
                // arrive as text and stay.
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>, offset: usize) {
        match tag {
            Tag::Paragraph => {
                self.end_paragraph();
                self.open();
            }
            Tag::Heading { level, .. } => {
                self.end_paragraph();
                let n = match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    HeadingLevel::H3 => 3,
                    HeadingLevel::H4 => 4,
                    HeadingLevel::H5 => 5,
                    HeadingLevel::H6 => 6,
                };
                self.in_heading = true;
                self.paragraph = Some(Paragraph::new().style(&format!("Heading{n}")));
            }
            Tag::BlockQuote(_) => {
                self.end_paragraph();
                self.quotes += 1;
            }
            Tag::CodeBlock(kind) => {
                self.end_paragraph();
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((lang, String::new()));
            }
            Tag::HtmlBlock => {
                self.end_paragraph();
                self.html = Some(String::new());
            }
            Tag::List(start) => {
                self.end_paragraph();
                let id = self.numberings.len() + 1;
                let abstract_id = if start.is_some() { NUMBERS } else { BULLETS };
                let mut numbering = Numbering::new(id, abstract_id);
                if let Some(first) = start {
                    // Each list counts from its own start, not on from the last one.
                    numbering = numbering
                        .add_override(LevelOverride::new(self.lists.len()).start(first as usize));
                }
                self.numberings.push(numbering);
                self.lists.push(List { number: Some(id) });
            }
            Tag::Item => {
                self.end_paragraph();
                self.item_numbered = false;
            }
            Tag::FootnoteDefinition(name) => {
                self.end_paragraph();
                // The first pass keeps what it holds; the second skips it (an empty name).
                let keep = self.notes.is_empty() || !self.notes.contains_key(name.as_ref());
                self.note = Some((
                    if keep {
                        name.to_string()
                    } else {
                        String::new()
                    },
                    Vec::new(),
                ));
            }
            Tag::Table(_) => {
                self.end_paragraph();
                self.table = Some(Cell {
                    rows: Vec::new(),
                    cells: Vec::new(),
                    head: false,
                });
            }
            Tag::TableHead => {
                if let Some(table) = &mut self.table {
                    table.head = true;
                }
            }
            Tag::TableRow | Tag::TableCell => {
                if matches!(tag, Tag::TableCell) {
                    self.paragraph = Some(Paragraph::new());
                    if self.table.as_ref().is_some_and(|t| t.head) {
                        self.marks.bold += 1;
                    }
                }
            }
            Tag::Emphasis => self.marks.italic += 1,
            Tag::Strong => self.marks.bold += 1,
            Tag::Strikethrough => self.marks.strike += 1,
            Tag::Link { dest_url, .. } => {
                let url = dest_url.to_string();
                let lower = url.to_ascii_lowercase();
                // Links to the web and mail stay links; links to other essays or files become
                // their words (a path on the writer's disk means nothing in a sent document).
                if ["http://", "https://", "mailto:"]
                    .iter()
                    .any(|s| lower.starts_with(s))
                {
                    self.open();
                    self.link = Some(Hyperlink::new(url, HyperlinkType::External));
                }
            }
            Tag::Image { dest_url, .. } => {
                self.image = Some((dest_url.to_string(), String::new(), self.line(offset)));
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.end_paragraph(),
            TagEnd::Heading(_) => {
                self.in_heading = false;
                self.end_paragraph();
            }
            TagEnd::BlockQuote(_) => {
                self.end_paragraph();
                self.quotes = self.quotes.saturating_sub(1);
            }
            TagEnd::CodeBlock => {
                if let Some((lang, code)) = self.code.take() {
                    if lang == "mermaid" && self.diagram(&code) {
                        return;
                    }
                    self.code_block(&code);
                }
            }
            TagEnd::HtmlBlock => {
                if let Some(html) = self.html.take() {
                    let text = words_of_html(&html);
                    if !text.is_empty() {
                        let run = self.run(&text);
                        self.add_run(run);
                        self.end_paragraph();
                    }
                }
            }
            TagEnd::List(_) => {
                self.end_paragraph();
                self.lists.pop();
                self.item_numbered = !self.lists.is_empty();
            }
            TagEnd::Item => self.end_paragraph(),
            TagEnd::FootnoteDefinition => {
                self.end_paragraph();
                if let Some((name, paragraphs)) = self.note.take() {
                    if !name.is_empty() {
                        self.notes.insert(name, paragraphs);
                    }
                }
            }
            TagEnd::TableCell => {
                if self.table.as_ref().is_some_and(|t| t.head) {
                    self.marks.bold = self.marks.bold.saturating_sub(1);
                }
                let p = self.paragraph.take().unwrap_or_default();
                if let Some(table) = &mut self.table {
                    table.cells.push(TableCell::new().add_paragraph(p));
                }
            }
            TagEnd::TableHead | TagEnd::TableRow => {
                if let Some(table) = &mut self.table {
                    let cells = std::mem::take(&mut table.cells);
                    table.rows.push(TableRow::new(cells));
                    table.head = false;
                }
            }
            TagEnd::Table => {
                if let Some(table) = self.table.take() {
                    // Word's notes hold paragraphs only: a table in one is left out.
                    if self.note.is_none() {
                        self.body
                            .push(Block::Table(Box::new(Table::new(table.rows))));
                    }
                }
            }
            TagEnd::Emphasis => self.marks.italic = self.marks.italic.saturating_sub(1),
            TagEnd::Strong => self.marks.bold = self.marks.bold.saturating_sub(1),
            TagEnd::Strikethrough => self.marks.strike = self.marks.strike.saturating_sub(1),
            TagEnd::Link => {
                if let Some(link) = self.link.take() {
                    let p = self.open().clone();
                    self.paragraph = Some(p.add_hyperlink(link));
                }
            }
            TagEnd::Image => {
                if let Some((url, alt, line)) = self.image.take() {
                    self.picture(&url, &alt, line);
                }
            }
            _ => {}
        }
    }

    fn code_block(&mut self, code: &str) {
        let mut run = Run::new();
        for (i, line) in code.trim_end_matches('\n').split('\n').enumerate() {
            if i > 0 {
                run = run.add_break(BreakType::TextWrapping);
            }
            run = run.add_text(line);
        }
        self.push(Paragraph::new().style("QuireCodeBlock").add_run(run));
    }

    fn formula(&mut self, tex: &str, display: bool) {
        if self.skipped() {
            return;
        }
        match formula_mathml(tex, display)
            .ok()
            .and_then(|mathml| omml::from_mathml(&mathml))
        {
            Some(omml) => {
                let mark = format!("{FORMULA_MARK}{}", self.formulas.len());
                self.formulas.push((omml, display));
                self.add_run(Run::new().add_text(mark));
            }
            // `quire check` reports it; the document shows the TeX, as the page does.
            None => {
                let run = Run::new().add_text(tex).style("QuireCode");
                self.add_run(run);
            }
        }
    }

    /// A drawn diagram as a picture; false when it can't be drawn (its source is then shown as
    /// code, as on the page).
    fn diagram(&mut self, source: &str) -> bool {
        if self.skipped() {
            return true;
        }
        let Ok(drawn) = diagram::diagram(source) else {
            return false;
        };
        let Ok((png, width, height)) = diagram::png(drawn.svg.as_bytes(), 2.0) else {
            return false;
        };
        let alt: String = source.split_whitespace().collect::<Vec<_>>().join(" ");
        self.end_paragraph();
        self.open();
        self.add_picture(png, width, height, format!("Diagram: {alt}"));
        self.end_paragraph();
        true
    }

    fn picture(&mut self, url: &str, alt: &str, line: usize) {
        if self.skipped() {
            return;
        }
        let shown_alt = || format!("[{alt}]");
        let Some(source) = LocalLink::parse(url)
            .and_then(|local| local.resolve(self.relative))
            .and_then(|relative| self.exporter.library.contain(&relative).ok())
            .filter(|path| path.is_file())
        else {
            // Remote images are not fetched; missing ones the render has already reported.
            if LocalLink::parse(url).is_none() && !url.is_empty() {
                self.warn(
                    line,
                    format!(
                        "remote image not put in the Word document; its alt text stands in: {url}"
                    ),
                );
            }
            let run = self.run(&shown_alt());
            self.add_run(run);
            return;
        };
        let read = std::fs::metadata(&source)
            .ok()
            .filter(|m| m.len() <= MAX_PICTURE_BYTES)
            .and_then(|_| std::fs::read(&source).ok());
        let Some(bytes) = read else {
            self.warn(
                line,
                format!("image too large or unreadable for the Word document: {url}"),
            );
            let run = self.run(&shown_alt());
            self.add_run(run);
            return;
        };
        match picture_png(&bytes) {
            Ok((png, width, height)) => self.add_picture(png, width, height, alt.to_string()),
            Err(why) => {
                self.warn(line, format!("{why}; its alt text stands in: {url}"));
                let run = self.run(&shown_alt());
                self.add_run(run);
            }
        }
    }

    fn add_picture(&mut self, png: Vec<u8>, width: u32, height: u32, description: String) {
        let (mut w, mut h) = (
            u64::from(width) * EMU_PER_PX,
            u64::from(height) * EMU_PER_PX,
        );
        if w > TEXT_WIDTH_EMU {
            h = h * TEXT_WIDTH_EMU / w.max(1);
            w = TEXT_WIDTH_EMU;
        }
        let pic = Pic::new_with_dimensions(png, width, height).size(w as u32, h as u32);
        self.pictures.push(description);
        self.add_run(Run::new().add_image(pic));
    }
}

/// A picture file as PNG with its size in pixels: PNG as it is, JPEG and GIF converted, SVG
/// drawn. Anything else, or a picture too large to decode safely, says why.
fn picture_png(bytes: &[u8]) -> std::result::Result<(Vec<u8>, u32, u32), String> {
    let head = &bytes[..bytes.len().min(512)];
    let text_head = String::from_utf8_lossy(head).to_ascii_lowercase();
    if text_head.contains("<svg") || text_head.starts_with("<?xml") {
        return diagram::png(bytes, 2.0)
            .map_err(|e| format!("the SVG image can't be drawn for the Word document ({e})"));
    }
    let reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("the image can't be read ({e})"))?;
    let format = reader.format();
    let (width, height) = reader
        .into_dimensions()
        .map_err(|e| format!("the image can't be read ({e})"))?;
    if width == 0 || height == 0 || width > MAX_PICTURE_SIDE || height > MAX_PICTURE_SIDE {
        return Err(format!(
            "the image is {width}×{height} pixels, too large to embed"
        ));
    }
    match format {
        Some(image::ImageFormat::Png) => Ok((bytes.to_vec(), width, height)),
        Some(image::ImageFormat::Jpeg | image::ImageFormat::Gif) => {
            let picture = image::load_from_memory(bytes)
                .map_err(|e| format!("the image can't be decoded ({e})"))?;
            let mut png = Cursor::new(Vec::new());
            picture
                .write_to(&mut png, image::ImageFormat::Png)
                .map_err(|e| format!("the image can't be converted ({e})"))?;
            Ok((png.into_inner(), width, height))
        }
        _ => Err("Word documents hold PNG, JPEG, GIF and SVG images here, not this kind".into()),
    }
}

/// The words of a block of raw HTML, as a reader of the page sees them: tags left out, and
/// nothing of scripts or styles.
fn words_of_html(html: &str) -> String {
    let mut text = String::new();
    let mut rest = html;
    let mut skip_until: Option<&str> = None;
    while let Some(lt) = rest.find('<') {
        if skip_until.is_none() {
            text.push_str(&rest[..lt]);
        }
        let Some(gt) = rest[lt..].find('>') else {
            break;
        };
        let tag = rest[lt + 1..lt + gt].to_ascii_lowercase();
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        match skip_until {
            Some(end) if tag.starts_with('/') && name == end => skip_until = None,
            None if matches!(name.as_str(), "script" | "style" | "template")
                && !tag.starts_with('/') =>
            {
                skip_until = Some(match name.as_str() {
                    "script" => "script",
                    "style" => "style",
                    _ => "template",
                });
            }
            None if matches!(
                name.as_str(),
                "p" | "div" | "br" | "li" | "summary" | "details"
            ) =>
            {
                text.push(' ');
            }
            _ => {}
        }
        rest = &rest[lt + gt + 1..];
    }
    if skip_until.is_none() {
        text.push_str(rest);
    }
    let text = crate::markdown::sanitize::decode_references(&text);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The document with its styles and list definitions: what Word and LibreOffice expect to find.
fn base_document() -> Docx {
    let serif = RunFonts::new()
        .ascii("Georgia")
        .hi_ansi("Georgia")
        .cs("Georgia");
    let sans = RunFonts::new()
        .ascii("Calibri")
        .hi_ansi("Calibri")
        .cs("Calibri");
    let mono = RunFonts::new()
        .ascii("Consolas")
        .hi_ansi("Consolas")
        .cs("Consolas");
    let mut docx = Docx::new().default_fonts(serif).default_size(22).add_style(
        Style::new("Title", StyleType::Paragraph)
            .name("Title")
            .based_on("Normal")
            .next("Normal")
            .size(52)
            .bold()
            .fonts(sans.clone()),
    );
    // Word's own heading styles, by its ids and names, with outline levels: the navigation pane
    // and a table of contents find them.
    for (level, size) in [
        (1usize, 36usize),
        (2, 30),
        (3, 26),
        (4, 24),
        (5, 22),
        (6, 22),
    ] {
        docx = docx.add_style(
            Style::new(format!("Heading{level}"), StyleType::Paragraph)
                .name(format!("Heading {level}"))
                .based_on("Normal")
                .next("Normal")
                .size(size)
                .bold()
                .fonts(sans.clone())
                .outline_lvl(level - 1),
        );
    }
    docx = docx
        .add_style(
            Style::new("Quote", StyleType::Paragraph)
                .name("Quote")
                .based_on("Normal")
                .italic()
                .color("595959")
                .indent(Some(720), None, Some(720), None),
        )
        .add_style(
            Style::new("QuireCodeBlock", StyleType::Paragraph)
                .name("Code Block")
                .based_on("Normal")
                .fonts(mono.clone())
                .size(19),
        )
        .add_style(
            Style::new("QuireCode", StyleType::Character)
                .name("Code")
                .fonts(mono)
                .size(19),
        )
        .add_style(
            Style::new("Hyperlink", StyleType::Character)
                .name("Hyperlink")
                .color("9A3B26")
                .underline("single"),
        );
    let bullets = ["\u{2022}", "\u{25E6}", "\u{25AA}"];
    let mut bulleted = AbstractNumbering::new(BULLETS);
    let mut numbered = AbstractNumbering::new(NUMBERS);
    for level in 0..9 {
        let indent = 720 * (level as i32 + 1);
        bulleted = bulleted.add_level(
            Level::new(
                level,
                Start::new(1),
                NumberFormat::new("bullet"),
                LevelText::new(bullets[level % bullets.len()]),
                LevelJc::new("left"),
            )
            .indent(
                Some(indent),
                Some(SpecialIndentType::Hanging(360)),
                None,
                None,
            ),
        );
        numbered = numbered.add_level(
            Level::new(
                level,
                Start::new(1),
                NumberFormat::new(["decimal", "lowerLetter", "lowerRoman"][level % 3]),
                LevelText::new(format!("%{}.", level + 1)),
                LevelJc::new("left"),
            )
            .indent(
                Some(indent),
                Some(SpecialIndentType::Hanging(360)),
                None,
                None,
            ),
        );
    }
    docx.add_abstract_numbering(bulleted)
        .add_abstract_numbering(numbered)
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// What docx-rs can't write, written into its package: each formula's Office Math in place of
/// its mark, each picture's description, the title and author; the entries are written again in
/// the same order with fixed times, so the same essay gives the same file.
fn finish_package(
    packed: &[u8],
    formulas: &[(String, bool)],
    pictures: &[String],
    title: &str,
    author: &str,
) -> Result<Vec<u8>> {
    let broken = |e: &dyn std::fmt::Display| {
        Error::Internal(format!("the Word document could not be finished: {e}"))
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(packed)).map_err(|e| broken(&e))?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| broken(&e))?;
        let name = entry.name().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).map_err(|e| broken(&e))?;
        let bytes = match name.as_str() {
            "word/document.xml" => {
                let xml = String::from_utf8(bytes).map_err(|e| broken(&e))?;
                place_formulas_and_descriptions(&xml, "<w:document ", formulas, pictures)
                    .into_bytes()
            }
            "word/footnotes.xml" => {
                let xml = String::from_utf8(bytes).map_err(|e| broken(&e))?;
                place_formulas_and_descriptions(&xml, "<w:footnotes ", formulas, &[]).into_bytes()
            }
            // Normal is the document's default paragraph style: readers (python-docx, Word's
            // style pane) find it only when it says so.
            "word/styles.xml" => String::from_utf8(bytes)
                .map_err(|e| broken(&e))?
                .replacen(
                    "<w:style w:type=\"paragraph\" w:styleId=\"Normal\">",
                    "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\">",
                    1,
                )
                .into_bytes(),
            "docProps/core.xml" => {
                let xml = String::from_utf8(bytes).map_err(|e| broken(&e))?;
                set_title_and_author(&xml, title, author).into_bytes()
            }
            _ => bytes,
        };
        out.start_file(name, options).map_err(|e| broken(&e))?;
        out.write_all(&bytes).map_err(|e| broken(&e))?;
    }
    Ok(out.finish().map_err(|e| broken(&e))?.into_inner())
}

fn place_formulas_and_descriptions(
    xml: &str,
    root: &str,
    formulas: &[(String, bool)],
    pictures: &[String],
) -> String {
    let mut xml = xml.to_string();
    if xml.contains(FORMULA_MARK) && !xml.contains("xmlns:m=") {
        xml = xml.replacen(
            root,
            &format!(
                "{root}xmlns:m=\"http://schemas.openxmlformats.org/officeDocument/2006/math\" "
            ),
            1,
        );
    }
    // Highest number first, so that QUIREFORMULA1 is never found inside QUIREFORMULA10.
    for (i, (omml, display)) in formulas.iter().enumerate().rev() {
        let mark = format!(">{FORMULA_MARK}{i}<");
        let Some(at) = xml.find(&mark) else { continue };
        let (Some(start), Some(end)) = (
            xml[..at]
                .rfind("<w:r>")
                .or_else(|| xml[..at].rfind("<w:r ")),
            xml[at..].find("</w:r>").map(|e| at + e + "</w:r>".len()),
        ) else {
            continue;
        };
        let math = if *display {
            format!("<m:oMathPara>{omml}</m:oMathPara>")
        } else {
            omml.clone()
        };
        xml.replace_range(start..end, &math);
    }
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml.as_str();
    let mut pictures = pictures.iter();
    while let Some(at) = rest.find("<wp:docPr ") {
        out.push_str(&rest[..at]);
        out.push_str("<wp:docPr ");
        if let Some(description) = pictures.next() {
            out.push_str(&format!("descr=\"{}\" ", xml_escape(description)));
        }
        rest = &rest[at + "<wp:docPr ".len()..];
    }
    out.push_str(rest);
    out
}

fn set_title_and_author(xml: &str, title: &str, author: &str) -> String {
    let mut xml = xml.to_string();
    for (tag, value) in [("dc:title", title), ("dc:creator", author)] {
        let element = format!("<{tag}>{}</{tag}>", xml_escape(value));
        let open = format!("<{tag}>");
        let close = format!("</{tag}>");
        if let (Some(start), Some(end)) = (xml.find(&open), xml.find(&close)) {
            xml.replace_range(start..end + close.len(), &element);
        } else if let Some(empty) = xml.find(&format!("<{tag}/>")) {
            xml.replace_range(empty..empty + tag.len() + 3, &element);
        } else if let Some(end) = xml.rfind("</cp:coreProperties>") {
            xml.insert_str(end, &element);
        }
    }
    xml
}
