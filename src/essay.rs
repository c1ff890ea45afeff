//! An [`Essay`] is one Markdown file: optional front matter at byte 0, then the body.
//!
//! [`split`] finds the front matter without parsing it (YAML between `---` lines or TOML between
//! `+++` lines, only at the very start of the file, after an optional BOM), so that saving can
//! change metadata without re-serialising a single body byte. [`Essay::parse`] then reads the
//! known fields into [`FrontMatter`] and keeps every unknown field as it was. Essays come from
//! git pulls and downloads, so everything here is bounded: the file size, the front matter size
//! and the YAML parser's work (no alias bombs), and every error names the file and line.

use std::fmt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde_json::{Map, Value};

use crate::conventions::{Convention, FrontMatterFormat, Generator, PageFacts, PagePlace};
use crate::error::{Error, Result};

/// Essays larger than this are refused before any parsing: nobody writes a 16 MB essay, and a
/// file that large is far more likely to be a mistake (or an attack) than prose.
pub const MAX_ESSAY_BYTES: usize = 16 * 1024 * 1024;

/// Front matter larger than this is refused before the YAML or TOML parser sees it.
pub const MAX_FRONT_MATTER_BYTES: usize = 64 * 1024;

/// Slugs that would collide with the files and folders a site export writes itself, plus the
/// device names Windows refuses as file names (the site may be copied there).
const RESERVED_SLUGS: &[&str] = &[
    "tags", "media", "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6",
    "com7", "com8", "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// Where the front matter and body sit in an essay's text. Offsets are bytes into the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// The front matter syntax, or `None` when the essay has none.
    pub format: Option<FrontMatterFormat>,
    /// The front matter text between the delimiter lines (empty when there is none).
    pub front: &'a str,
    /// 1-based line of the first front matter line.
    pub front_line: usize,
    /// The Markdown body.
    pub body: &'a str,
    /// Byte offset of the body in the source.
    pub body_offset: usize,
    /// 1-based line on which the body starts.
    pub body_line: usize,
}

/// Separates front matter from body. Fails only when a front matter block is opened at byte 0
/// and never closed, because rendering the half-written metadata as prose would be worse.
pub fn split(source: &str) -> std::result::Result<Split<'_>, (usize, String)> {
    let start = if source.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &source[start..];
    let (format, delimiter) = if opening_line(rest, "---") {
        (FrontMatterFormat::Yaml, "---")
    } else if opening_line(rest, "+++") {
        (FrontMatterFormat::Toml, "+++")
    } else {
        return Ok(Split {
            format: None,
            front: "",
            front_line: 1,
            body: rest,
            body_offset: start,
            body_line: 1,
        });
    };
    let first_line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
    let inner_start = start + first_line_end;
    let mut pos = inner_start;
    let mut line = 2;
    while pos < source.len() {
        let end = source[pos..]
            .find('\n')
            .map_or(source.len(), |i| pos + i + 1);
        let text = source[pos..end].trim_end_matches(['\n', '\r', ' ', '\t']);
        let closes = text == delimiter || (format == FrontMatterFormat::Yaml && text == "...");
        if closes {
            return Ok(Split {
                format: Some(format),
                front: &source[inner_start..pos],
                front_line: 2,
                body: &source[end..],
                body_offset: end,
                body_line: line + 1,
            });
        }
        pos = end;
        line += 1;
    }
    Err((
        1,
        format!("front matter opened with `{delimiter}` is never closed; add a line with `{delimiter}` after the last field"),
    ))
}

fn opening_line(text: &str, delimiter: &str) -> bool {
    text.strip_prefix(delimiter).is_some_and(|after| {
        let line = after.split('\n').next().unwrap_or("");
        line.trim_end_matches(['\r', ' ', '\t']).is_empty()
    })
}

/// Whether an essay is ready to be published. Serialised as the word (`draft`, `published`, or
/// what the file says), which is also how the store keeps it and the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
#[serde(from = "String", into = "String")]
pub enum Status {
    /// Work in progress: left out of a site export unless drafts are asked for.
    #[default]
    Draft,
    /// Ready: exported with the site.
    Published,
    /// Anything else; `quire check` reports it and export treats the essay as a draft.
    Unknown(String),
}

impl Status {
    /// The status a word names; anything but `draft` and `published` (in any case) is kept as
    /// [`Status::Unknown`].
    pub fn parse(text: &str) -> Status {
        match text.trim().to_ascii_lowercase().as_str() {
            "draft" => Status::Draft,
            "published" => Status::Published,
            _ => Status::Unknown(text.to_string()),
        }
    }

    /// The word used in front matter.
    pub fn as_str(&self) -> &str {
        match self {
            Status::Draft => "draft",
            Status::Published => "published",
            Status::Unknown(s) => s,
        }
    }
}

impl From<String> for Status {
    fn from(text: String) -> Status {
        Status::parse(&text)
    }
}

impl From<Status> for String {
    fn from(status: Status) -> String {
        match status {
            Status::Unknown(text) => text,
            known => known.as_str().to_string(),
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A date from front matter: a plain day (`2015-05-29`) or a moment with a time and offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct EssayDate {
    /// The moment; a plain day is midnight UTC.
    pub at: DateTime<FixedOffset>,
    /// Whether the writer gave a time of day.
    pub has_time: bool,
}

impl EssayDate {
    /// Reads `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]` (with Jekyll's ` +0200` or not), or RFC
    /// 3339 (`2015-05-29T10:30:00+02:00`).
    pub fn parse(text: &str) -> Option<EssayDate> {
        let text = text.trim();
        if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            let at = Utc
                .from_utc_datetime(&day.and_hms_opt(0, 0, 0)?)
                .fixed_offset();
            return Some(EssayDate {
                at,
                has_time: false,
            });
        }
        if let Ok(at) = DateTime::parse_from_rfc3339(text) {
            return Some(EssayDate { at, has_time: true });
        }
        // Jekyll writes `2015-05-29 10:30:00 +0200`.
        for format in ["%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z"] {
            if let Ok(at) = DateTime::parse_from_str(text, format) {
                return Some(EssayDate { at, has_time: true });
            }
        }
        for format in [
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M",
        ] {
            if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
                return Some(EssayDate {
                    at: Utc.from_utc_datetime(&naive).fixed_offset(),
                    has_time: true,
                });
            }
        }
        None
    }

    /// `2015-05-29`.
    pub fn iso_day(&self) -> String {
        self.at.format("%Y-%m-%d").to_string()
    }

    /// `29 May 2015`, for pages.
    pub fn display(&self) -> String {
        self.at.format("%-d %B %Y").to_string()
    }

    /// RFC 3339, for feeds and sitemaps.
    pub fn rfc3339(&self) -> String {
        self.at.to_rfc3339()
    }
}

/// The metadata of an essay. Every field is optional in the file; `quire check` says which ones
/// a publishable essay needs.
#[derive(Debug, Clone, Default)]
pub struct FrontMatter {
    /// The syntax it was written in, `None` when the essay has no front matter.
    pub format: Option<FrontMatterFormat>,
    /// `title`: the essay's title, shown on its page, in the index and in the feed.
    pub title: Option<String>,
    /// `date`: when it was (or will be) published; orders the index and the feed.
    pub date: Option<EssayDate>,
    /// `updated`: when it was last revised, for the feed.
    pub updated: Option<EssayDate>,
    /// `slug`: the URL name, `<slug>/index.html`; derived from the file name when absent.
    pub slug: Option<String>,
    /// `tags`: a list (or one comma-separated string) of topics; each gets a page.
    pub tags: Vec<String>,
    /// `status`: `draft` (the default) or `published`.
    pub status: Status,
    /// `summary`: one or two sentences for the index and the feed.
    pub summary: Option<String>,
    /// `draft: true|false` (Hugo, Zola, Jekyll; Jekyll's `published: false` too): decides the
    /// status when there is no `status`.
    pub draft: Option<bool>,
    /// `categories` (Jekyll, or Zola's `[taxonomies] categories`), kept apart from tags.
    pub categories: Vec<String>,
    /// Every other field, kept verbatim so that other tools' metadata survives.
    pub extra: Map<String, Value>,
    /// Lines of each field in the file, for messages that point at it.
    lines: Vec<(String, usize)>,
}

impl FrontMatter {
    /// The 1-based line a field is written on, or the first line of the front matter.
    pub fn line_of(&self, field: &str) -> usize {
        self.lines
            .iter()
            .find(|(name, _)| name == field)
            .map_or(1, |(_, line)| *line)
    }

    /// Whether the field was written in the file (even with an unusable value).
    pub fn has(&self, field: &str) -> bool {
        self.lines.iter().any(|(name, _)| name == field)
    }
}

/// One essay file, read and split but not yet rendered.
#[derive(Debug, Clone)]
pub struct Essay {
    /// The file, as the caller named it (relative to the essays folder when found by a scan).
    pub path: PathBuf,
    /// The whole text of the file.
    pub source: String,
    /// Its metadata.
    pub front: FrontMatter,
    /// Byte offset of the body in `source`.
    pub body_offset: usize,
    /// 1-based line on which the body starts.
    pub body_line: usize,
    /// The URL name used for export: valid `[a-z0-9-]`, never reserved.
    pub slug: String,
    /// Why the slug differs from what the front matter asked for, if it does.
    pub slug_problem: Option<String>,
    /// The generator whose conventions it was read with.
    pub generator: Generator,
    /// Where its page goes in an exported site: at its slug in a Quire folder, where its
    /// generator put it in another's (see [`Convention::page_place`]).
    pub page: PagePlace,
}

impl Essay {
    /// Reads an essay from a file, as Quire's own folders mean it.
    pub fn read(path: &Path) -> Result<Essay> {
        Essay::read_in(path, path, &Convention::default())
    }

    /// Reads the essay file `path`, which is `relative` in a folder of `convention`.
    pub fn read_in(path: &Path, relative: &Path, convention: &Convention) -> Result<Essay> {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if meta.len() > MAX_ESSAY_BYTES as u64 {
            return Err(too_large(path, meta.len()));
        }
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Essay::parse_in(path, relative, bytes, convention)
    }

    /// Parses an essay from its bytes; `path` is used for messages and the default slug.
    pub fn parse(path: &Path, bytes: Vec<u8>) -> Result<Essay> {
        Essay::parse_in(path, path, bytes, &Convention::default())
    }

    /// [`Essay::parse`] for the file `relative` in a folder of `convention`.
    pub fn parse_in(
        path: &Path,
        relative: &Path,
        bytes: Vec<u8>,
        convention: &Convention,
    ) -> Result<Essay> {
        if bytes.len() > MAX_ESSAY_BYTES {
            return Err(too_large(path, bytes.len() as u64));
        }
        let source = String::from_utf8(bytes).map_err(|e| {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let line = 1 + bytes[..valid].iter().filter(|b| **b == b'\n').count();
            let column = valid - bytes[..valid].iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1) + 1;
            essay_error(path, line, format!(
                "not valid UTF-8 (byte {valid}, column {column}); Quire reads essays as UTF-8 and will not guess, so re-save the file as UTF-8"
            ))
        })?;
        Essay::from_source_in(path, relative, source, convention)
    }

    /// Parses an essay from text already in memory (the editor's draft).
    pub fn from_source(path: &Path, source: String) -> Result<Essay> {
        Essay::from_source_in(path, path, source, &Convention::default())
    }

    /// [`Essay::from_source`] for the file `relative` in a folder of `convention`: what an
    /// essay that says nothing of its status is, the date its file name gives, the slug of a
    /// page bundle (see [`crate::conventions`]).
    pub fn from_source_in(
        path: &Path,
        relative: &Path,
        source: String,
        convention: &Convention,
    ) -> Result<Essay> {
        let split = split(&source).map_err(|(line, message)| essay_error(path, line, message))?;
        let mut front = match split.format {
            None => FrontMatter::default(),
            Some(format) => parse_front_matter(format, split.front, split.front_line)
                .map_err(|(line, message)| essay_error(path, line, message))?,
        };
        if convention.generator == Generator::Jekyll {
            split_jekyll_words(&mut front, &source);
        }
        if !front.has("status") {
            let published = match front.draft {
                Some(draft) => !draft,
                None => convention.published_by_default(relative),
            };
            if published {
                front.status = Status::Published;
            }
        }
        if front.date.is_none() {
            front.date = convention.date_in_name(relative).and_then(EssayDate::parse);
        }
        let (body_offset, body_line) = (split.body_offset, split.body_line);
        let (slug, slug_problem) = choose_slug(&convention.slug_from_name(relative), &front);
        let title_slug = front
            .title
            .as_deref()
            .map(slugify)
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| slug.clone());
        let own = match convention.generator {
            Generator::Hugo => "url",
            Generator::Zola => "path",
            Generator::Jekyll => "permalink",
            Generator::Quire => "",
        };
        let page = convention.page_place(
            relative,
            PageFacts {
                own: front.extra.get(own).and_then(Value::as_str),
                slug: &slug,
                own_slug: front.slug.as_deref(),
                title_slug: &title_slug,
                date: front.date.map(|d| {
                    use chrono::Datelike;
                    (d.at.year(), d.at.month(), d.at.day())
                }),
                categories: &front.categories,
            },
        );
        Ok(Essay {
            path: path.to_path_buf(),
            source,
            front,
            body_offset,
            body_line,
            slug,
            slug_problem,
            generator: convention.generator,
            page,
        })
    }

    /// The Markdown body.
    pub fn body(&self) -> &str {
        &self.source[self.body_offset..]
    }

    /// The title: the front matter's, else the body's first `# ` heading (how Hugo, Zola and
    /// Jekyll posts often carry it), else a readable form of the file (or bundle) name.
    pub fn title(&self) -> String {
        if let Some(title) = self.front.title.as_deref().filter(|t| !t.trim().is_empty()) {
            return title.trim().to_string();
        }
        if let Some(heading) = first_heading(self.body()) {
            return heading;
        }
        let stem = self
            .path
            .file_stem()
            .map(|s| s.to_string_lossy())
            .unwrap_or_default();
        let name = if stem == "index" {
            self.path
                .parent()
                .and_then(Path::file_name)
                .map(|s| s.to_string_lossy())
                .unwrap_or(stem)
        } else {
            stem
        };
        let words = name.replace(['-', '_'], " ");
        let mut chars = words.trim().chars();
        match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => "Untitled".to_string(),
        }
    }

    /// Whether the title is the body's own first heading (no `title:`), so that a page shows
    /// it once.
    pub fn title_is_in_body(&self) -> bool {
        self.front
            .title
            .as_deref()
            .is_none_or(|t| t.trim().is_empty())
            && first_heading(self.body()).is_some()
    }

    /// Whether a site export includes it without `--drafts`.
    pub fn is_published(&self) -> bool {
        self.front.status == Status::Published
    }
}

/// The text of the body's first level-one ATX heading (`# Title`), if it comes before any
/// other text worth a title; only the first lines are looked at.
fn first_heading(body: &str) -> Option<String> {
    for line in body.lines().take(20) {
        let line = line.trim_end();
        if line.trim().is_empty() {
            continue;
        }
        let text = line.strip_prefix("# ")?.trim().trim_end_matches('#').trim();
        return (!text.is_empty()).then(|| text.to_string());
    }
    None
}

fn too_large(path: &Path, size: u64) -> Error {
    essay_error(path, 1, format!(
        "file is {:.1} MB; essays are limited to {} MB, so split it or move it out of the essays folder",
        size as f64 / 1e6,
        MAX_ESSAY_BYTES / (1024 * 1024)
    ))
}

fn essay_error(path: &Path, line: usize, message: String) -> Error {
    Error::Essay {
        path: path.to_path_buf(),
        line,
        message,
    }
}

/// Parses front matter text into fields. Errors are `(line in file, message)`.
fn parse_front_matter(
    format: FrontMatterFormat,
    text: &str,
    first_line: usize,
) -> std::result::Result<FrontMatter, (usize, String)> {
    if text.len() > MAX_FRONT_MATTER_BYTES {
        return Err((
            first_line,
            format!(
                "front matter is {} KB; the limit is {} KB (long text belongs in the body)",
                text.len() / 1024,
                MAX_FRONT_MATTER_BYTES / 1024
            ),
        ));
    }
    let map = match format {
        FrontMatterFormat::Yaml => parse_yaml(text, first_line)?,
        FrontMatterFormat::Toml => parse_toml(text, first_line)?,
    };
    let lines = field_lines(text, first_line, format);
    let line_of = |field: &str| {
        lines
            .iter()
            .find(|(n, _)| n == field)
            .map_or(first_line, |(_, l)| *l)
    };
    let mut front = FrontMatter {
        format: Some(format),
        ..FrontMatter::default()
    };
    // Other generators' names for Quire's fields: used when Quire's own is absent, and never
    // an error (they are those tools' fields; an unusable one is left for them).
    let mut other = OtherNames::default();
    for (key, value) in map {
        let line = line_of(&key);
        if other.take(&key, &value) {
            continue;
        }
        match key.as_str() {
            "title" => {
                front.title =
                    Some(scalar_text(&value).ok_or((line, "`title` must be text".to_string()))?)
            }
            "summary" => {
                front.summary =
                    Some(scalar_text(&value).ok_or((line, "`summary` must be text".to_string()))?)
            }
            "slug" => {
                front.slug =
                    Some(scalar_text(&value).ok_or((line, "`slug` must be text".to_string()))?)
            }
            "status" => {
                let text = scalar_text(&value)
                    .ok_or((line, "`status` must be `draft` or `published`".to_string()))?;
                front.status = Status::parse(&text);
            }
            "date" | "updated" => {
                let text = scalar_text(&value)
                    .ok_or((line, format!("`{key}` must be a date like 2015-05-29")))?;
                let date = EssayDate::parse(&text).ok_or((line, format!(
                    "`{key}: {text}` is not a date; write it as 2015-05-29 or 2015-05-29T10:30:00+02:00"
                )))?;
                if key == "date" {
                    front.date = Some(date)
                } else {
                    front.updated = Some(date)
                }
            }
            "tags" => {
                front.tags = parse_tags(&value).ok_or((
                    line,
                    "`tags` must be a list of words, like [policy, history]".to_string(),
                ))?
            }
            _ => {
                front.extra.insert(key, value);
            }
        }
    }
    other.fill(&mut front);
    front.lines = lines;
    Ok(front)
}

/// Fields other generators use for what Quire calls `date`, `updated`, `summary`, `tags` and
/// `status`, gathered while the front matter is read and applied after it.
#[derive(Default)]
struct OtherNames {
    date: Option<EssayDate>,
    updated: Option<EssayDate>,
    summary: Option<String>,
    tags: Option<Vec<String>>,
    categories: Option<Vec<String>>,
    draft: Option<bool>,
}

impl OtherNames {
    /// Takes `key` if it is one of them; false leaves it to Quire's own fields.
    fn take(&mut self, key: &str, value: &Value) -> bool {
        let date = || scalar_text(value).as_deref().and_then(EssayDate::parse);
        match key {
            "draft" => self.draft = self.draft.or(flag(value)),
            // Jekyll's `published: false` is a flag; elsewhere `published` is a date.
            "published" => match flag(value) {
                Some(published) => self.draft = Some(!published),
                None => self.date = self.date.or_else(date),
            },
            "publishDate" | "pubDate" => self.date = self.date.or_else(date),
            "lastmod" | "last_modified_at" => self.updated = self.updated.or_else(date),
            "description" | "excerpt" => {
                if self.summary.is_none() {
                    self.summary = scalar_text(value).filter(|s| !s.trim().is_empty());
                }
            }
            "categories" | "category" => self.categories = parse_tags(value),
            "taxonomies" => {
                if let Value::Object(map) = value {
                    self.tags = map.get("tags").and_then(parse_tags);
                    if let Some(categories) = map.get("categories").and_then(parse_tags) {
                        self.categories = Some(categories);
                    }
                }
            }
            _ => return false,
        }
        true
    }

    fn fill(self, front: &mut FrontMatter) {
        front.date = front.date.or(self.date);
        front.updated = front.updated.or(self.updated);
        if front.summary.is_none() {
            front.summary = self.summary;
        }
        if front.tags.is_empty() {
            front.tags = self.tags.unwrap_or_default();
        }
        front.categories = self.categories.unwrap_or_default();
        front.draft = self.draft;
    }
}

/// Jekyll reads `tags: travel food` (one string) as two tags, and `categories` the same way;
/// a list keeps its items whole (`[static sites]`).
fn split_jekyll_words(front: &mut FrontMatter, source: &str) {
    for field in ["tags", "categories", "category"] {
        if !front.has(field) {
            continue;
        }
        let line = source
            .lines()
            .nth(front.line_of(field).saturating_sub(1))
            .unwrap_or("");
        let Some((_, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if value.is_empty() || value.starts_with('[') {
            continue;
        }
        let list = if field == "tags" {
            &mut front.tags
        } else {
            &mut front.categories
        };
        *list = list
            .iter()
            .flat_map(|item| item.split_whitespace())
            .map(str::to_string)
            .collect();
    }
}

/// `true`/`false`, as YAML or TOML booleans or as the words.
fn flag(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

fn parse_yaml(
    text: &str,
    first_line: usize,
) -> std::result::Result<Map<String, Value>, (usize, String)> {
    if text.trim().is_empty() {
        return Ok(Map::new());
    }
    let mut aliases = serde_saphyr::options::AliasLimits::default();
    // Front matter has no business expanding aliases into megabytes: cap the replay hard.
    aliases.max_total_replayed_events = 10_000;
    aliases.max_alias_expansions_per_anchor = 100;
    let options = serde_saphyr::options! {
        alias_limits: aliases,
        budget: serde_saphyr::budget! {
            max_depth: 64,
            max_nodes: 50_000,
        },
    };
    let value: Value = serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        let line = e.location().map_or(0, |l| l.line() as usize);
        let line = first_line + line.saturating_sub(1);
        let message = e.to_string();
        // The parser's message repeats the position it found; keep only the first line of it.
        let message = message.lines().next().unwrap_or("invalid YAML").trim();
        let message = message.strip_prefix("error: ").unwrap_or(message);
        let message = match message.split_once(": ") {
            Some((position, rest)) if position.starts_with("line ") => rest,
            _ => message,
        };
        (line, format!("front matter is not valid YAML: {message}"))
    })?;
    match value {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        _ => Err((
            first_line,
            "front matter must be `field: value` lines".to_string(),
        )),
    }
}

fn parse_toml(
    text: &str,
    first_line: usize,
) -> std::result::Result<Map<String, Value>, (usize, String)> {
    let table: toml::Table = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(0, |span| {
            text[..span.start.min(text.len())].matches('\n').count()
        });
        (
            first_line + line,
            format!("front matter is not valid TOML: {}", e.message()),
        )
    })?;
    Ok(table
        .into_iter()
        .map(|(k, v)| (k, toml_to_json(v)))
        .collect())
}

fn toml_to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

/// Finds the line of each top-level key by looking at unindented `key:` / `key =` lines. This is
/// only for pointing at a field in messages; the parsers above decide what the fields are.
fn field_lines(text: &str, first_line: usize, format: FrontMatterFormat) -> Vec<(String, usize)> {
    let separator = match format {
        FrontMatterFormat::Yaml => ':',
        FrontMatterFormat::Toml => '=',
    };
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.starts_with([' ', '\t', '#', '-']))
        .filter_map(|(i, line)| {
            let (key, _) = line.split_once(separator)?;
            let key = key.trim().trim_matches(['"', '\'']);
            (!key.is_empty()).then(|| (key.to_string(), first_line + i))
        })
        .collect()
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn parse_tags(value: &Value) -> Option<Vec<String>> {
    let tags: Vec<String> = match value {
        Value::Null => Vec::new(),
        Value::String(s) => s.split(',').map(|t| t.trim().to_string()).collect(),
        Value::Array(items) => items.iter().map(scalar_text).collect::<Option<_>>()?,
        _ => return None,
    };
    Some(tags.into_iter().filter(|t| !t.is_empty()).collect())
}

/// Turns any text into a slug: lowercase ASCII letters, digits and single hyphens.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut pending_hyphen = false;
    for c in text.chars().flat_map(fold_accent) {
        if c.is_ascii_alphanumeric() {
            if pending_hyphen && !slug.is_empty() {
                slug.push('-');
            }
            pending_hyphen = false;
            slug.push(c.to_ascii_lowercase());
            if slug.len() >= 80 {
                break;
            }
        } else if c != '\'' && c != '’' {
            pending_hyphen = true;
        }
    }
    slug
}

/// Latin letters with accents become their plain letters, so "Café" slugs to "cafe".
fn fold_accent(c: char) -> impl Iterator<Item = char> {
    let folded: &str = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => "a",
        'æ' | 'Æ' => "ae",
        'ç' | 'Ç' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
        'ñ' | 'Ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => "o",
        'œ' | 'Œ' => "oe",
        'ß' => "ss",
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u",
        'ý' | 'ÿ' | 'Ý' => "y",
        _ => "",
    };
    let own = folded.is_empty().then_some(c);
    folded.chars().chain(own)
}

/// Whether a slug can name an exported page as it is.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 80
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !RESERVED_SLUGS.contains(&slug)
}

/// The slug from the front matter, else from `name` (the file's or bundle's name).
fn choose_slug(name: &str, front: &FrontMatter) -> (String, Option<String>) {
    let stem = name.to_string();
    let (wanted, from_front) = match &front.slug {
        Some(slug) => (slug.clone(), true),
        None => (stem, false),
    };
    if is_valid_slug(&wanted) {
        return (wanted, None);
    }
    let mut slug = slugify(&wanted);
    if slug.is_empty() {
        slug = slugify(&front.title.clone().unwrap_or_default());
    }
    if slug.is_empty() {
        slug = "essay".to_string();
    }
    if RESERVED_SLUGS.contains(&slug.as_str()) {
        slug.push_str("-essay");
    }
    // Only a slug the writer typed deserves a report; file names are slugified silently.
    let problem = from_front.then(|| {
        format!("slug `{wanted}` is not usable in a URL (only a-z, 0-9 and -, no reserved names); using `{slug}`")
    });
    (slug, problem)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn essay(text: &str) -> Result<Essay> {
        Essay::parse(Path::new("essays/x.md"), text.as_bytes().to_vec())
    }

    #[test]
    fn splits_yaml_front_matter_and_keeps_body_bytes() {
        let e = essay("---\ntitle: A\n---\nBody *here*\n").unwrap();
        assert_eq!(e.front.title.as_deref(), Some("A"));
        assert_eq!(e.body(), "Body *here*\n");
        assert_eq!(e.body_line, 4);
    }

    #[test]
    fn reads_toml_front_matter_with_native_dates() {
        let e =
            essay("+++\ntitle = \"T\"\ndate = 2015-05-29\ntags = [\"a\", \"b\"]\n+++\nx").unwrap();
        assert_eq!(e.front.date.unwrap().iso_day(), "2015-05-29");
        assert_eq!(e.front.tags, ["a", "b"]);
    }

    #[test]
    fn front_matter_is_only_recognised_at_byte_zero() {
        let e = essay("\n---\ntitle: A\n---\n").unwrap();
        assert!(e.front.format.is_none());
        assert!(e.front.title.is_none());
    }

    #[test]
    fn skips_a_byte_order_mark() {
        let e = essay("\u{feff}---\ntitle: B\n---\nx").unwrap();
        assert_eq!(e.front.title.as_deref(), Some("B"));
    }

    #[test]
    fn keeps_unknown_front_matter_fields() {
        let e = essay("---\ntitle: A\nlayout: wide\nextra: {a: 1}\n---\n").unwrap();
        assert_eq!(e.front.extra["layout"], "wide");
        assert_eq!(e.front.extra["extra"]["a"], 1);
    }

    #[test]
    fn unclosed_front_matter_is_an_error_on_line_one() {
        let err = essay("---\ntitle: A\nbody").unwrap_err();
        assert_eq!(err.line(), Some(1));
        assert!(err.to_string().contains("never closed"), "{err}");
    }

    #[test]
    fn yaml_syntax_error_names_the_line_in_the_file() {
        let err = essay("---\ntitle: A\ndate: [unclosed\n---\n").unwrap_err();
        assert!(matches!(err.line(), Some(3) | Some(4)), "{err}");
        assert!(err.to_string().starts_with("essays/x.md:"), "{err}");
    }

    #[test]
    fn invalid_date_names_the_field_line() {
        let err = essay("---\ntitle: A\ndate: yesterday\n---\n").unwrap_err();
        assert_eq!(err.line(), Some(3));
        assert!(err.to_string().contains("not a date"));
    }

    #[test]
    fn alias_bombs_are_refused_quickly() {
        let mut yaml = String::from("---\na: &a [x,x,x,x,x,x,x,x,x,x]\n");
        for i in 0..12 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("l{}", i - 1)
            };
            yaml.push_str(&format!("l{i}: &l{i} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        }
        yaml.push_str("---\n");
        assert!(essay(&yaml).is_err());
    }

    #[test]
    fn invalid_utf8_names_line_and_refuses() {
        let mut bytes = b"---\ntitle: A\n---\nok\nbad \xff here\n".to_vec();
        bytes.push(b'\n');
        let err = Essay::parse(Path::new("x.md"), bytes).unwrap_err();
        assert_eq!(err.line(), Some(5));
        assert!(err.to_string().contains("UTF-8"));
    }

    #[test]
    fn bad_front_matter_slugs_are_reslugified_and_reported() {
        let e = essay("---\nslug: ../../etc/passwd\n---\n").unwrap();
        assert_eq!(e.slug, "etc-passwd");
        assert!(e.slug_problem.is_some());
        let e = essay("---\nslug: tags\n---\n").unwrap();
        assert_eq!(e.slug, "tags-essay");
    }

    #[test]
    fn slugify_folds_accents_and_punctuation() {
        assert_eq!(slugify("Café — it’s “Good”!"), "cafe-its-good");
        assert_eq!(slugify("  A  Misplaced Focus "), "a-misplaced-focus");
    }

    #[test]
    fn jekyll_reads_a_string_of_tags_or_categories_as_words() {
        let jekyll = Convention {
            generator: Generator::Jekyll,
            ..Convention::default()
        };
        let read = |text: &str, convention: &Convention| {
            Essay::from_source_in(
                Path::new("_posts/2021-01-01-a.md"),
                Path::new("_posts/2021-01-01-a.md"),
                text.to_string(),
                convention,
            )
            .unwrap()
        };
        let text = "---\ntags: travel food\ncategories: \"news notes\"\n---\n";
        let e = read(text, &jekyll);
        assert_eq!(e.front.tags, ["travel", "food"]);
        assert_eq!(e.front.categories, ["news", "notes"]);
        // A list keeps its items whole; Quire's own folders keep a string whole but at commas.
        let e = read("---\ntags: [static sites, rust]\n---\n", &jekyll);
        assert_eq!(e.front.tags, ["static sites", "rust"]);
        let e = read("---\ntags:\n  - static sites\n---\n", &jekyll);
        assert_eq!(e.front.tags, ["static sites"]);
        let e = read(text, &Convention::default());
        assert_eq!(e.front.tags, ["travel food"]);
    }

    #[test]
    fn unknown_status_is_kept_for_check_to_report() {
        let e = essay("---\nstatus: finished\n---\n").unwrap();
        assert_eq!(e.front.status, Status::Unknown("finished".into()));
        assert!(!e.is_published());
    }
}
