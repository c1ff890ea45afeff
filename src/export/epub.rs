//! EPUB 3: one essay as a small book ([`Exporter::epub`]), or the published essays of a folder
//! as one book ([`Exporter::book`]).
//!
//! Each essay goes through the one render pipeline, then [`xhtml`] rewrites its HTML as the
//! XHTML a reading system parses (footnotes as EPUB footnotes, links to other essays as links
//! to their chapters, local images packed into the book) and [`package`] writes the OCF zip with
//! its package and navigation documents. The identifier comes from the site's address and the
//! book's name and the modification date from the essays' own dates, so the same essays make the
//! same file every time.

mod package;
mod xhtml;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::essay::slugify;
use crate::library::{is_essay_name, Folder};
use crate::markdown::sanitize::decode_references;
use crate::markdown::{render_essay, Heading, RenderOptions, Urls};
use crate::problem::{Level, Problem};
use crate::settings::{self, Settings};
use crate::url::{image_mime, LocalLink};

use super::out::Out;
use super::paths::{ImageMode, PageUrls};
use super::site::{newest_first, Entry};
use super::{
    essay_language, is_language_tag, url_problems, with_path, Exporter, Report, SiteOptions,
};
use package::{pack, xhtml_head, Book, BookChapter, Image};
use xhtml::{escape_text, xml_id, Chapter, IMAGES};

/// Image types every EPUB reading system shows (the EPUB 3.3 core media types).
const CORE_IMAGE_TYPES: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/svg+xml",
];

/// The [`Urls`] of a chapter: links to essays of the book go to their chapters, local images
/// are resolved as for a post ([`PageUrls`]) and packed under `images/`.
struct BookUrls<'a> {
    page: PageUrls<'a>,
    essay_path: &'a Path,
    library: &'a Folder,
    /// The site's address, when links to published essays outside the book go there.
    site: Option<&'a str>,
    /// Essay path (relative to the essays folder) to chapter file.
    chapters: &'a HashMap<PathBuf, String>,
    /// Source, path inside the book, media type.
    images: RefCell<Vec<(PathBuf, String, &'static str)>>,
}

impl Urls for BookUrls<'_> {
    fn link(&self, url: &str) -> Option<String> {
        let local = LocalLink::parse(url)?;
        if !is_essay_name(Path::new(&local.path)) {
            return None;
        }
        let target = local.resolve(self.essay_path)?;
        let Some(file) = self.chapters.get(&target) else {
            // Not in the book: its page on the site, if it has one there; else its text.
            let base = self.site?;
            let essay = self.library.read_essay(&target).ok()?;
            return essay
                .is_published()
                .then(|| format!("{base}{}/{}", essay.page.path, local.suffix));
        };
        Some(match local.suffix.split_once('#') {
            Some((_, fragment)) if !fragment.is_empty() => format!("{file}#{fragment}"),
            _ => file.clone(),
        })
    }

    fn image(&self, url: &str) -> Option<String> {
        let before = self.page.assets.borrow().len();
        let resolved = self.page.image(url);
        let Some((source, _)) = self.page.assets.borrow_mut().drain(before..).next() else {
            return resolved;
        };
        let media_type = match image_mime(&source) {
            Some(t) if CORE_IMAGE_TYPES.contains(&t) => t,
            _ => {
                self.page.problems.borrow_mut().push((
                    url.to_string(),
                    "not an image type every EPUB reader shows (png, jpg, gif, webp, svg); its alt text stands in"
                        .into(),
                ));
                return Some(String::new());
            }
        };
        let extension = source
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        // Named by where it is in the essays folder, so that the book is the same wherever
        // the folder is.
        let place = source
            .strip_prefix(&self.library.canonical_root)
            .unwrap_or(&source);
        let hash = blake3::hash(place.to_string_lossy().as_bytes()).to_hex();
        let name = format!("{}.{extension}", &hash[..16]);
        let url = format!("{IMAGES}{name}");
        let href = format!("images/{name}");
        self.images.borrow_mut().push((source, href, media_type));
        Some(url)
    }
}

/// An essay rendered, before it is bound into the book as XHTML (which needs to know every
/// chapter of the book).
struct Manuscript {
    shown: PathBuf,
    file: String,
    title: String,
    language: String,
    html: String,
    toc: Vec<Heading>,
    /// Image URLs and their lines, for warnings.
    image_lines: Vec<(String, usize)>,
    images: Vec<(PathBuf, String, &'static str)>,
    problems: Vec<Problem>,
    date: Option<chrono::DateTime<chrono::FixedOffset>>,
}

impl Exporter {
    /// Exports one essay as `<out>/<slug>.epub`. Returns the file written and any warnings.
    pub fn epub(&self, file: &Path, out: &Path) -> Result<(PathBuf, Vec<Problem>)> {
        let relative = self.relative_to_root(file)?;
        let essay = self
            .library
            .read_essay(&relative)
            .map_err(|e| with_path(e, file))?;
        let slug = essay.slug.clone();
        let entry = Entry {
            slug: slug.clone(),
            hash: String::new(),
            title: essay.title(),
            essay,
        };
        let chapters = HashMap::from([(relative, chapter_file(&slug))]);
        let manuscript = self.manuscript(&entry, file.to_path_buf(), &chapters)?;
        let essay = &entry.essay;
        let author = essay
            .front
            .extra
            .get("author")
            .and_then(|v| v.as_str())
            .map(str::to_string);
        let meta = Meta {
            title: essay.title(),
            creator: author,
            language: manuscript.language.clone(),
            description: essay.front.summary.clone(),
            name: slug.clone(),
        };
        let (book, problems) = self.assemble(meta, vec![manuscript]);
        let bytes = pack(&book)?;
        let out = Out::create(out)?;
        let name = PathBuf::from(format!("{slug}.epub"));
        out.write(&name, &bytes)?;
        Ok((out.root.join(name), problems))
    }

    /// Exports the folder's published essays (drafts too when asked) as one book in `options.out`:
    /// `<out>/<name>.epub`, named after the site's title (else the folder). Essays that fail
    /// are listed in the report and left out; the others make the book.
    pub fn book(
        &self,
        options: &SiteOptions,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Report> {
        let out = Out::create(&options.out)?;
        let mut report = Report::default();
        let mut entries = self.gather(&out, options.drafts, &mut report);
        entries.sort_by(newest_first);
        self.set_order(&mut entries, &mut report.warnings);

        let chapters = chapter_files(&entries);
        let total = entries.len();
        let done = AtomicUsize::new(0);
        let manuscripts: Vec<Result<Manuscript>> = entries
            .par_iter()
            .map(|entry| {
                let shown = self.library.root.join(&entry.essay.path);
                let manuscript = self.manuscript(entry, shown, &chapters);
                progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
                manuscript
            })
            .collect();
        let mut ok = Vec::new();
        for manuscript in manuscripts {
            match manuscript {
                Ok(manuscript) => ok.push(manuscript),
                Err(e) => report.failed.push(e),
            }
        }
        if ok.is_empty() {
            if report.failed.is_empty() {
                return Err(Error::Invalid(if options.drafts {
                    format!(
                        "{} has no essays to make a book of",
                        self.library.root.display()
                    )
                } else {
                    format!(
                        "{} has no published essays to make a book of: give one `status: published`, or add --drafts",
                        self.library.root.display()
                    )
                }));
            }
            return Ok(report);
        }
        report.essays = ok.len();
        let meta = Meta {
            title: self.settings.title.clone(),
            creator: None,
            language: self.language(),
            description: Some(self.settings.description.clone()).filter(|d| !d.is_empty()),
            name: self.book_name(),
        };
        let name = PathBuf::from(format!("{}.epub", meta.name));
        let (book, problems) = self.assemble(meta, ok);
        report.warnings.extend(problems);
        let bytes = pack(&book)?;
        if out.write_if_changed(&name, &bytes)? {
            report.written.push(name);
        } else {
            report.unchanged += 1;
        }
        Ok(report)
    }

    /// The site's language, or `und` (undetermined) when `quire.toml` names none that a
    /// reading system could read: EPUB requires a well-formed tag.
    fn language(&self) -> String {
        let language = self.settings.language.trim();
        if is_language_tag(language) {
            language.to_string()
        } else {
            "und".to_string()
        }
    }

    /// The book's file name: the site's title as a slug, else the folder's name.
    fn book_name(&self) -> String {
        let title = if self.settings.title == Settings::default().title {
            String::new()
        } else {
            slugify(&self.settings.title)
        };
        let name = if title.is_empty() {
            self.library
                .canonical_root
                .file_name()
                .map(|n| slugify(&n.to_string_lossy()))
                .unwrap_or_default()
        } else {
            title
        };
        if name.is_empty() {
            "book".into()
        } else {
            name
        }
    }

    /// Puts the essays named in `[book] order` first, in that order; warns of names that are
    /// no essay of the book.
    fn set_order(&self, entries: &mut Vec<Entry>, warnings: &mut Vec<Problem>) {
        let order = &self.settings.book.order;
        if order.is_empty() {
            return;
        }
        let mut rest: Vec<Option<Entry>> = std::mem::take(entries).into_iter().map(Some).collect();
        let file = self.library.root.join(settings::FILE);
        let line =
            std::fs::read_to_string(&file).map_or(0, |text| settings::setting_line(&text, "order"));
        for slug in order {
            match rest
                .iter_mut()
                .find(|e| e.as_ref().is_some_and(|e| &e.slug == slug))
            {
                Some(found) => entries.extend(found.take()),
                None => warnings.push(Problem::new(
                    file.clone(),
                    line,
                    Level::Warning,
                    format!("[book] order names `{slug}`, which is no essay of the book (a published essay's slug, or a draft's with --drafts)"),
                )),
            }
        }
        entries.extend(rest.into_iter().flatten());
    }

    /// Renders one essay for the book.
    fn manuscript(
        &self,
        entry: &Entry,
        shown: PathBuf,
        chapters: &HashMap<PathBuf, String>,
    ) -> Result<Manuscript> {
        let essay = &entry.essay;
        let no_slugs = HashMap::new();
        let urls = BookUrls {
            page: PageUrls::new(&self.library, &essay.path, &no_slugs, ImageMode::Copy, ""),
            essay_path: &essay.path,
            library: &self.library,
            // In a book every published essay is a chapter: only one essay's book links out.
            site: if chapters.len() == 1 {
                self.settings.base_url.as_deref()
            } else {
                None
            },
            chapters,
            images: RefCell::default(),
        };
        let rendered = render_essay(essay, &RenderOptions::essay(), &urls)
            .map_err(|e| with_path(e, &shown))?;
        let title = essay.title();
        let mut html = String::from("<header class=\"essay-header\">\n");
        if !essay.title_is_in_body() {
            html.push_str("<h1 class=\"essay-title\">");
            escape_text(&title, &mut html);
            html.push_str("</h1>\n");
        }
        if let Some(date) = essay.front.date {
            html.push_str(&format!(
                "<p class=\"essay-meta\"><time datetime=\"{}\">{}</time></p>\n",
                date.iso_day(),
                date.display()
            ));
        }
        html.push_str("</header>\n");
        html.push_str(&rendered.html);
        let mut toc = rendered.outline.clone();
        if essay.title_is_in_body() && toc.first().is_some_and(|h| h.level == 1) {
            toc.remove(0);
        }
        let problems = url_problems(&shown, &rendered, urls.page.problems.take());
        let mut image_lines: Vec<(String, usize)> = rendered
            .links
            .iter()
            .filter(|l| l.image)
            .map(|l| (l.url.clone(), l.line))
            .collect();
        // Images in raw HTML are no links of the Markdown: their line is where the URL is.
        for (at, _) in rendered.html.match_indices("<img src=\"") {
            let rest = &rendered.html[at + 10..];
            let url = decode_references(&rest[..rest.find('"').unwrap_or(0)]);
            if !image_lines.iter().any(|(u, _)| *u == url) {
                if let Some(offset) = essay.source.find(&url) {
                    let line = 1 + essay.source[..offset].matches('\n').count();
                    image_lines.push((url, line));
                }
            }
        }
        Ok(Manuscript {
            file: chapters
                .get(&essay.path)
                .cloned()
                .unwrap_or_else(|| chapter_file(&entry.slug)),
            title,
            language: essay_language(essay).map_or_else(|| self.language(), str::to_string),
            html,
            toc,
            image_lines,
            images: urls.images.take(),
            problems,
            date: essay.front.updated.or(essay.front.date).map(|d| d.at),
            shown,
        })
    }

    /// The book from its rendered essays: XHTML chapters whose links all lead somewhere in it,
    /// the images they use, and the metadata.
    fn assemble(&self, meta: Meta, manuscripts: Vec<Manuscript>) -> (Book, Vec<Problem>) {
        let files: HashSet<&str> = manuscripts.iter().map(|m| m.file.as_str()).collect();
        let is_chapter = |file: &str| files.contains(file);
        let mut converted: Vec<Chapter> = manuscripts
            .par_iter()
            .map(|m| Chapter::convert(&m.html, &is_chapter))
            .collect();
        let ids: HashMap<&str, &HashSet<String>> = manuscripts
            .iter()
            .zip(&converted)
            .map(|(m, c)| (m.file.as_str(), &c.ids))
            .collect();
        // A fragment that names nothing is an error to EPUBCheck: such links go to the chapter.
        let mut dangling: Vec<Vec<(String, String)>> = Vec::new();
        for (manuscript, chapter) in manuscripts.iter().zip(&converted) {
            let broken = chapter
                .anchors
                .iter()
                .filter(|(file, id)| {
                    let target = if file.is_empty() {
                        &manuscript.file
                    } else {
                        file
                    };
                    !ids.get(target.as_str()).is_some_and(|ids| ids.contains(id))
                })
                .cloned()
                .collect();
            dangling.push(broken);
        }
        for ((manuscript, chapter), broken) in manuscripts.iter().zip(&mut converted).zip(dangling)
        {
            for (file, id) in broken {
                let target = if file.is_empty() {
                    &manuscript.file
                } else {
                    &file
                };
                chapter.body = chapter.body.replace(
                    &format!("href=\"{file}#{id}\""),
                    &format!("href=\"{target}\""),
                );
            }
        }

        let mut problems = Vec::new();
        let mut images: Vec<Image> = Vec::new();
        let mut packed: HashSet<String> = HashSet::new();
        let mut chapters = Vec::new();
        let mut dates = Vec::new();
        for (manuscript, chapter) in manuscripts.into_iter().zip(converted) {
            problems.extend(manuscript.problems);
            for url in &chapter.remote_images {
                let line = manuscript
                    .image_lines
                    .iter()
                    .find(|(u, _)| u == url)
                    .map_or(1, |(_, line)| *line);
                problems.push(Problem::new(
                    manuscript.shown.clone(),
                    line,
                    Level::Warning,
                    format!("remote image left out of the EPUB (readers may not load it); its alt text stands in: {url}"),
                ));
            }
            for (source, href, media_type) in manuscript.images {
                if !packed.insert(href.clone()) {
                    continue;
                }
                match std::fs::read(&source) {
                    Ok(bytes) => images.push(Image {
                        href,
                        media_type,
                        bytes,
                    }),
                    Err(e) => problems.push(Problem::new(
                        manuscript.shown.clone(),
                        1,
                        Level::Warning,
                        format!("image not packed: {}: {e}", source.display()),
                    )),
                }
            }
            dates.extend(manuscript.date);
            let toc = manuscript
                .toc
                .iter()
                .map(|h| {
                    let id = xml_id(&h.id);
                    let fragment = if chapter.ids.contains(&id) {
                        id
                    } else {
                        String::new()
                    };
                    (h.level, h.text.clone(), fragment)
                })
                .collect();
            let mut document = String::with_capacity(chapter.body.len() + 600);
            xhtml_head(
                &mut document,
                &manuscript.language,
                &manuscript.title,
                "../epub.css",
            );
            document.push_str(
                "<body>\n<section class=\"essay\" epub:type=\"chapter\" role=\"doc-chapter\">\n",
            );
            document.push_str(&chapter.body);
            document.push_str("\n</section>\n</body>\n</html>\n");
            chapters.push(BookChapter {
                file: manuscript.file,
                title: manuscript.title,
                xhtml: document,
                mathml: chapter.mathml,
                svg: chapter.svg,
                toc,
            });
        }
        images.sort_by(|a, b| a.href.cmp(&b.href));
        let newest = dates.iter().max();
        let base = self
            .settings
            .base_url
            .as_deref()
            .unwrap_or(&self.settings.title);
        let book = Book {
            identifier: identifier(base, &meta.name),
            title: meta.title,
            creator: meta
                .creator
                .or_else(|| Some(self.settings.author.clone()))
                .filter(|a| !a.trim().is_empty()),
            language: meta.language,
            date: newest.map(|d| d.format("%Y-%m-%d").to_string()),
            description: meta.description,
            modified: newest.map(|d| d.with_timezone(&chrono::Utc)).map_or_else(
                || "2000-01-01T00:00:00Z".to_string(),
                |d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            ),
            css: self.theme.epub_css.clone(),
            chapters,
            images,
        };
        (book, problems)
    }
}

/// What the book says of itself beyond its chapters.
struct Meta {
    title: String,
    creator: Option<String>,
    language: String,
    description: Option<String>,
    /// The file's name, without `.epub`; also part of the identifier.
    name: String,
}

/// A chapter's file name from its essay's slug (which may hold a section, `posts/title`).
fn chapter_file(slug: &str) -> String {
    format!("{}.xhtml", slug.replace('/', "--"))
}

/// Every essay's chapter file, unique within the book.
fn chapter_files(entries: &[Entry]) -> HashMap<PathBuf, String> {
    let mut taken = HashSet::new();
    entries
        .iter()
        .map(|entry| {
            let mut file = chapter_file(&entry.slug);
            let mut n = 2;
            while !taken.insert(file.clone()) {
                file = chapter_file(&format!("{}-{n}", entry.slug));
                n += 1;
            }
            (entry.essay.path.clone(), file)
        })
        .collect()
}

/// A `urn:uuid:` made from the site's address (or title) and the book's name: re-exporting
/// the same essays makes the same book, which readers then update rather than duplicate.
fn identifier(base: &str, name: &str) -> String {
    let hash = blake3::hash(format!("quire-epub\0{base}\0{name}").as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&hash.as_bytes()[..16]);
    // A version 8 (custom) UUID of the RFC 9562 variant.
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}
