//! The [`Exporter`]: essays to HTML, as one post, one self-contained file, or a whole site.
//!
//! - [`Exporter::post`]: one essay to `<out>/<slug>/index.html`, its local images beside it.
//! - [`Exporter::standalone`]: one essay to `<out>/<slug>.html`, CSS inlined, images as data URIs.
//! - [`Exporter::site`]: every published essay (drafts when asked), plus `index.html`,
//!   `tags/<tag>/index.html`, `tags/index.html`, `feed.xml` (Atom), `sitemap.xml`, `style.css`.
//!
//! A site export is incremental: `.quire-export.json` in the output folder records what each
//! page was made from (source hash, theme fingerprint, the slugs of the essays it links to, its
//! images), so the next export renders only pages whose inputs changed and writes only files
//! whose bytes changed. Output paths are built from validated slugs only, directories are
//! checked not to be symbolic links, and images are copied only from inside the essays folder:
//! nothing an essay says can make export write outside `out` or read outside the essays folder.
//! One failing essay never stops the others; it is reported with its file and line.

pub mod theme;

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use base64::Engine as _;
use minijinja::{context, Value};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::check::{Level, Problem};
use crate::error::{Error, Result};
use crate::essay::{slugify, Essay};
use crate::library::Folder;
use crate::markdown::{render_essay, RenderOptions, Rendered, Urls};
pub use theme::{Settings, Theme};

/// The manifest file an export keeps in its output folder.
pub const MANIFEST: &str = ".quire-export.json";

/// Images larger than this are not inlined into a standalone file.
const MAX_INLINE_IMAGE_BYTES: u64 = 20 * 1024 * 1024;

/// What a site export did.
#[derive(Debug, Default)]
pub struct Report {
    /// Essays in the site.
    pub essays: usize,
    /// Files written, relative to the output folder.
    pub written: Vec<PathBuf>,
    /// Files that were already up to date.
    pub unchanged: usize,
    /// Files of an earlier export removed because their essay is gone.
    pub removed: Vec<PathBuf>,
    /// Essays that could not be exported.
    pub failed: Vec<Error>,
    /// Things worth fixing that did not stop the export.
    pub warnings: Vec<Problem>,
}

/// Options for a site export.
#[derive(Debug, Clone)]
pub struct SiteOptions {
    /// The output folder.
    pub out: PathBuf,
    /// Include drafts.
    pub drafts: bool,
}

/// Exports essays from one essays folder.
pub struct Exporter {
    /// The essays folder.
    pub library: Folder,
    /// Its `quire.toml`.
    pub settings: Settings,
    /// Its theme.
    pub theme: Theme,
}

/// What an exported page was made from, for incremental export.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
struct PageRecord {
    source: String,
    /// Essays this page links to and the slug each had (None: not an exported essay then).
    deps: Vec<(PathBuf, Option<String>)>,
    /// Images copied: source, its length and modification time, where it went.
    assets: Vec<AssetRecord>,
    /// Files written for this page, relative to the output folder.
    files: Vec<PathBuf>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct AssetRecord {
    source: PathBuf,
    len: u64,
    modified: u128,
    dest: PathBuf,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    fingerprint: String,
    pages: BTreeMap<String, PageRecord>,
    files: Vec<PathBuf>,
}

/// One essay of the site with what its pages and lists need.
struct Entry {
    essay: Essay,
    slug: String,
    hash: String,
}

#[derive(Serialize)]
struct TagRef {
    name: String,
    slug: String,
}

#[derive(Serialize)]
struct EssayContext<'a> {
    title: String,
    slug: &'a str,
    date: Option<String>,
    date_display: Option<String>,
    summary: Option<&'a str>,
    tags: Vec<TagRef>,
    html: &'a str,
    words: usize,
    reading_minutes: usize,
    draft: bool,
}

#[derive(Serialize, Clone)]
struct ListItem {
    title: String,
    slug: String,
    date: Option<String>,
    date_display: Option<String>,
    summary: Option<String>,
}

/// How a page's images reach its reader.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ImageMode {
    /// Copied next to the page.
    Copy,
    /// Inlined as data URIs.
    Inline,
}

/// The [`Urls`] of an exported page: links to essays become their pages, local images are
/// checked to be inside the essays folder and copied or inlined.
struct PageUrls<'a> {
    library: &'a Folder,
    essay_path: &'a Path,
    slugs: &'a HashMap<PathBuf, String>,
    mode: ImageMode,
    deps: RefCell<Vec<(PathBuf, Option<String>)>>,
    assets: RefCell<Vec<(PathBuf, PathBuf)>>,
    problems: RefCell<Vec<(String, String)>>,
}

impl<'a> PageUrls<'a> {
    fn new(
        library: &'a Folder,
        essay_path: &'a Path,
        slugs: &'a HashMap<PathBuf, String>,
        mode: ImageMode,
    ) -> Self {
        PageUrls {
            library,
            essay_path,
            slugs,
            mode,
            deps: RefCell::default(),
            assets: RefCell::default(),
            problems: RefCell::default(),
        }
    }

    fn warn(&self, url: &str, message: String) {
        self.problems.borrow_mut().push((url.to_string(), message));
    }
}

impl Urls for PageUrls<'_> {
    fn link(&self, url: &str) -> Option<String> {
        let local = LocalUrl::parse(url)?;
        if !crate::library::is_essay_name(Path::new(&local.path)) {
            return None;
        }
        let target = resolve_relative(self.essay_path, &local.path)?;
        let slug = self.slugs.get(&target).cloned();
        self.deps.borrow_mut().push((target, slug.clone()));
        Some(format!("../{}/{}", slug?, local.fragment))
    }

    fn image(&self, url: &str) -> Option<String> {
        let local = LocalUrl::parse(url)?;
        let Some(relative) = resolve_relative(self.essay_path, &local.path) else {
            self.warn(
                url,
                "image is outside the essays folder; not published".into(),
            );
            return Some(String::new());
        };
        let source = match self.library.contain(&relative) {
            Ok(source) if source.is_file() => source,
            Ok(_) | Err(Error::Io { .. }) => {
                self.warn(url, "image not found".into());
                return None;
            }
            Err(_) => {
                self.warn(
                    url,
                    "image resolves outside the essays folder; not published".into(),
                );
                return Some(String::new());
            }
        };
        match self.mode {
            ImageMode::Copy => {
                let essay_dir = self.essay_path.parent().unwrap_or(Path::new(""));
                let beside = relative
                    .strip_prefix(essay_dir)
                    .ok()
                    .filter(|p| is_plain_relative(p))
                    .map(Path::to_path_buf);
                let dest = match beside {
                    Some(dest) if !dest.starts_with("media") => dest,
                    _ => {
                        let name = source
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        let hash = blake3::hash(relative.to_string_lossy().as_bytes()).to_hex();
                        PathBuf::from("media").join(format!(
                            "{}-{}",
                            &hash[..8],
                            sanitize_file_name(&name)
                        ))
                    }
                };
                let dest_url = dest.to_string_lossy().replace('\\', "/");
                self.assets.borrow_mut().push((source, dest));
                Some(percent_encode_path(&dest_url))
            }
            ImageMode::Inline => {
                let Some(mime) = image_mime(&source) else {
                    self.warn(
                        url,
                        "not an image type Quire can inline (png, jpg, gif, webp, avif, svg)"
                            .into(),
                    );
                    return Some(String::new());
                };
                let len = fs::metadata(&source).map(|m| m.len()).unwrap_or(0);
                if len > MAX_INLINE_IMAGE_BYTES {
                    self.warn(url, "image is larger than 20 MB; not inlined".into());
                    return Some(String::new());
                }
                match fs::read(&source) {
                    Ok(bytes) => Some(format!(
                        "data:{mime};base64,{}",
                        base64::engine::general_purpose::STANDARD.encode(bytes)
                    )),
                    Err(e) => {
                        self.warn(url, format!("image could not be read: {e}"));
                        Some(String::new())
                    }
                }
            }
        }
    }
}

/// A URL that points into the essays folder: no scheme, not site-absolute.
struct LocalUrl {
    path: String,
    fragment: String,
}

impl LocalUrl {
    fn parse(url: &str) -> Option<LocalUrl> {
        if url.is_empty() || url.starts_with(['/', '#', '?']) {
            return None;
        }
        let end = url.find([':', '/', '?', '#']).unwrap_or(url.len());
        if url[end..].starts_with(':') {
            return None;
        }
        let (path, fragment) = match url.find(['#', '?']) {
            Some(i) => (&url[..i], url[i..].to_string()),
            None => (url, String::new()),
        };
        let path = percent_decode(path)?;
        (!path.is_empty()).then_some(LocalUrl { path, fragment })
    }
}

/// Decodes `%XX` escapes in a URL path; `None` when the result is not UTF-8.
pub fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
            if let Ok(b) = u8::from_str_radix(hex, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).ok()
}

fn percent_encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Resolves a relative URL path against an essay's path, lexically, within the folder root;
/// `None` when it climbs above the root.
pub fn resolve_relative(essay_path: &Path, url_path: &str) -> Option<PathBuf> {
    let mut parts: Vec<&std::ffi::OsStr> = essay_path
        .parent()
        .map(|p| p.iter().collect())
        .unwrap_or_default();
    for part in url_path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other if other.contains('\\') || other.contains('\0') => return None,
            other => parts.push(std::ffi::OsStr::new(other)),
        }
    }
    Some(parts.iter().collect())
}

fn is_plain_relative(path: &Path) -> bool {
    path.components().all(|c| matches!(c, Component::Normal(_)))
}

fn sanitize_file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let trimmed = cleaned.trim_start_matches('.');
    if trimmed.is_empty() {
        "image".to_string()
    } else {
        trimmed.to_string()
    }
}

/// The MIME type of an image file Quire publishes, by extension; `None` for anything else.
pub fn image_mime(path: &Path) -> Option<&'static str> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "svg" => "image/svg+xml",
        _ => return None,
    })
}

fn modified_nanos(meta: &fs::Metadata) -> u128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

/// The output folder, with every write checked to stay inside it.
struct Out {
    root: PathBuf,
}

impl Out {
    fn create(path: &Path) -> Result<Out> {
        fs::create_dir_all(path).map_err(|e| Error::io(path, e))?;
        let root = path.canonicalize().map_err(|e| Error::io(path, e))?;
        Ok(Out { root })
    }

    /// The absolute path for `relative`, creating its folders; refuses anything that is not a
    /// plain relative path or that would pass through a symbolic link.
    fn prepare(&self, relative: &Path) -> Result<PathBuf> {
        if !is_plain_relative(relative) || relative.as_os_str().is_empty() {
            return Err(Error::UnsafePath {
                path: relative.to_path_buf(),
                message: "not a plain path inside the output folder".into(),
            });
        }
        let mut dir = self.root.clone();
        if let Some(parent) = relative.parent() {
            for part in parent.iter() {
                dir.push(part);
                match fs::symlink_metadata(&dir) {
                    Ok(meta) if meta.file_type().is_symlink() => {
                        return Err(Error::UnsafePath {
                            path: dir,
                            message: "is a symbolic link; export will not write through it".into(),
                        })
                    }
                    Ok(meta) if meta.is_dir() => {}
                    Ok(_) => {
                        return Err(Error::UnsafePath {
                            path: dir,
                            message: "is a file where export needs a folder".into(),
                        })
                    }
                    Err(_) => fs::create_dir(&dir)
                        .or_else(|e| if dir.is_dir() { Ok(()) } else { Err(e) })
                        .map_err(|e| Error::io(&dir, e))?,
                }
            }
        }
        let path = self.root.join(relative);
        if let Ok(meta) = fs::symlink_metadata(&path) {
            if meta.file_type().is_symlink() {
                // Writing through a planted link would write wherever it points: replace the link.
                fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
            }
        }
        Ok(path)
    }

    fn write(&self, relative: &Path, bytes: &[u8]) -> Result<()> {
        let path = self.prepare(relative)?;
        fs::write(&path, bytes).map_err(|e| Error::io(&path, e))
    }

    /// Writes unless the file already holds exactly these bytes. Returns whether it wrote.
    fn write_if_changed(&self, relative: &Path, bytes: &[u8]) -> Result<bool> {
        let path = self.root.join(relative);
        if fs::symlink_metadata(&path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
            && fs::read(&path).is_ok_and(|old| old == bytes)
        {
            return Ok(false);
        }
        self.write(relative, bytes)?;
        Ok(true)
    }

    fn copy(&self, source: &Path, relative: &Path) -> Result<bool> {
        let dest = self.root.join(relative);
        let src_meta = fs::metadata(source).map_err(|e| Error::io(source, e))?;
        if let Ok(meta) = fs::symlink_metadata(&dest) {
            if meta.is_file()
                && meta.len() == src_meta.len()
                && modified_nanos(&meta) >= modified_nanos(&src_meta)
            {
                return Ok(false);
            }
        }
        let dest = self.prepare(relative)?;
        fs::copy(source, &dest).map_err(|e| Error::io(&dest, e))?;
        Ok(true)
    }
}

/// What one page of a site export produced.
struct PageOutcome {
    slug: String,
    record: PageRecord,
    written: Vec<PathBuf>,
    unchanged: usize,
    html: Option<String>,
    problems: Vec<Problem>,
}

impl Exporter {
    /// Opens an essays folder for export: its settings and theme.
    pub fn open(essays: &Path) -> Result<Exporter> {
        let library = Folder::open(essays)?;
        let settings = Settings::load(&library.canonical_root)?;
        let theme = Theme::load(&library.canonical_root, &settings)?;
        Ok(Exporter {
            library,
            settings,
            theme,
        })
    }

    /// The output folder when the caller names none: `out` from `quire.toml`, else `public`
    /// inside the essays folder (scans skip it), so the site travels with the essays.
    pub fn default_out(&self) -> PathBuf {
        self.library.root.join(
            self.settings
                .out
                .clone()
                .unwrap_or_else(|| PathBuf::from("public")),
        )
    }

    /// Renders an essay's page as HTML. `root` is the way from the page to the site root.
    pub fn page_html(
        &self,
        essay: &Essay,
        rendered: &Rendered,
        root: &str,
        standalone: bool,
    ) -> Result<String> {
        let tags = essay
            .front
            .tags
            .iter()
            .map(|t| TagRef {
                name: t.clone(),
                slug: tag_slug(t),
            })
            .collect();
        let ctx = EssayContext {
            title: essay.title(),
            slug: &essay.slug,
            date: essay.front.date.map(|d| d.iso_day()),
            date_display: essay.front.date.map(|d| d.display()),
            summary: essay.front.summary.as_deref(),
            tags,
            html: &rendered.html,
            words: rendered.words,
            reading_minutes: rendered.reading_minutes.max(1),
            draft: !essay.is_published(),
        };
        let inline_css = if standalone {
            Value::from(self.theme.css.as_str())
        } else {
            Value::from(())
        };
        self.theme.render(
            "essay.html",
            context! {
                site => Value::from_serialize(&self.settings),
                essay => Value::from_serialize(&ctx),
                root => root,
                standalone => standalone,
                inline_css => inline_css,
            },
        )
    }

    fn relative_to_root(&self, file: &Path) -> Result<PathBuf> {
        let canonical = file.canonicalize().map_err(|e| Error::io(file, e))?;
        canonical
            .strip_prefix(&self.library.canonical_root)
            .map(Path::to_path_buf)
            .map_err(|_| Error::UnsafePath {
                path: file.to_path_buf(),
                message: "is not inside the essays folder".into(),
            })
    }

    /// Exports one essay as a self-contained `.html` file (CSS inlined, images as data URIs)
    /// into `out`. Returns the file written and any warnings.
    pub fn standalone(&self, file: &Path, out: &Path) -> Result<(PathBuf, Vec<Problem>)> {
        let relative = self.relative_to_root(file)?;
        let essay = Essay::read(&self.library.canonical_root.join(&relative))
            .map_err(|e| with_path(e, file))?;
        let slugs = HashMap::new();
        let urls = PageUrls::new(&self.library, &relative, &slugs, ImageMode::Inline);
        let rendered =
            render_essay(&essay, &RenderOptions::essay(), &urls).map_err(|e| with_path(e, file))?;
        let html = self.page_html(&essay, &rendered, "", true)?;
        let out = Out::create(out)?;
        let name = PathBuf::from(format!("{}.html", essay.slug));
        out.write(&name, html.as_bytes())?;
        let problems = url_problems(file, &rendered, urls.problems.into_inner());
        Ok((out.root.join(name), problems))
    }

    /// Exports one essay as `<out>/<slug>/index.html` with its images and the stylesheet.
    pub fn post(&self, file: &Path, out: &Path) -> Result<(Vec<PathBuf>, Vec<Problem>)> {
        let relative = self.relative_to_root(file)?;
        let essay = Essay::read(&self.library.canonical_root.join(&relative))
            .map_err(|e| with_path(e, file))?;
        let slugs = HashMap::new();
        let urls = PageUrls::new(&self.library, &relative, &slugs, ImageMode::Copy);
        let rendered =
            render_essay(&essay, &RenderOptions::essay(), &urls).map_err(|e| with_path(e, file))?;
        let html = self.page_html(&essay, &rendered, "../", false)?;
        let out = Out::create(out)?;
        let page = Path::new(&essay.slug).join("index.html");
        out.write(&page, html.as_bytes())?;
        let mut written = vec![out.root.join(&page)];
        for (source, dest) in urls.assets.borrow().iter() {
            let dest = Path::new(&essay.slug).join(dest);
            out.copy(source, &dest)?;
            written.push(out.root.join(dest));
        }
        out.write_if_changed(Path::new("style.css"), self.theme.css.as_bytes())?;
        written.push(out.root.join("style.css"));
        let problems = url_problems(file, &rendered, urls.problems.into_inner());
        Ok((written, problems))
    }

    /// Exports the whole site into `options.out`. Fails as a whole only when the output folder
    /// cannot be used; essays that fail are listed in the report and the rest are exported.
    pub fn site(
        &self,
        options: &SiteOptions,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Report> {
        let out = Out::create(&options.out)?;
        if out.root == self.library.canonical_root {
            return Err(Error::Invalid(
                "the output folder cannot be the essays folder itself; pick another with --out"
                    .into(),
            ));
        }
        let mut report = Report::default();
        let (files, skipped) = self.library.essay_files(std::slice::from_ref(&out.root));
        for skip in skipped {
            report.warnings.push(Problem::new(
                self.library.root.join(&skip.path),
                1,
                Level::Warning,
                skip.reason,
            ));
        }

        let parsed: Vec<Result<Essay>> = files
            .par_iter()
            .map(|relative| {
                let absolute = self.library.canonical_root.join(relative);
                Essay::read(&absolute)
                    .map(|mut essay| {
                        essay.path = relative.clone();
                        essay
                    })
                    .map_err(|e| with_path(e, &self.library.root.join(relative)))
            })
            .collect();
        let mut entries = Vec::new();
        for essay in parsed {
            match essay {
                Ok(essay) if essay.is_published() || options.drafts => entries.push(essay),
                Ok(_) => {}
                Err(e) => report.failed.push(e),
            }
        }

        // Slugs must be unique: the first essay (by path) keeps its slug, later ones get a suffix.
        let mut taken: HashMap<String, PathBuf> = HashMap::new();
        let mut site: Vec<Entry> = Vec::with_capacity(entries.len());
        for essay in entries {
            let shown = self.library.root.join(&essay.path);
            if let Some(problem) = &essay.slug_problem {
                report.warnings.push(Problem::new(
                    shown.clone(),
                    essay.front.line_of("slug"),
                    Level::Warning,
                    problem.clone(),
                ));
            }
            let mut slug = essay.slug.clone();
            let mut n = 2;
            while taken.contains_key(&slug) {
                slug = format!("{}-{n}", essay.slug);
                n += 1;
            }
            if slug != essay.slug {
                report.warnings.push(Problem::new(
                    shown,
                    essay.front.line_of("slug"),
                    Level::Warning,
                    format!(
                        "slug `{}` is already used by {}; exported as `{slug}`",
                        essay.slug,
                        taken[&essay.slug].display()
                    ),
                ));
            }
            taken.insert(slug.clone(), essay.path.clone());
            let hash = blake3::hash(essay.source.as_bytes()).to_hex().to_string();
            site.push(Entry { essay, slug, hash });
        }
        let slugs: HashMap<PathBuf, String> = site
            .iter()
            .map(|e| (e.essay.path.clone(), e.slug.clone()))
            .collect();

        let old: Manifest = fs::read(out.root.join(MANIFEST))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        let same_theme = old.fingerprint == self.theme.fingerprint;

        // Only the feed needs rendered bodies after the pages are written: keep just those.
        let mut by_date: Vec<&Entry> = site.iter().collect();
        by_date.sort_by(|a, b| newest_first(a, b));
        let in_feed: std::collections::HashSet<&str> = by_date
            .iter()
            .take(self.settings.feed_entries)
            .map(|e| e.slug.as_str())
            .collect();
        let total = site.len();
        let done = AtomicUsize::new(0);
        let outcomes: Vec<std::result::Result<PageOutcome, Error>> = site
            .par_iter()
            .map(|entry| {
                let fresh = old
                    .pages
                    .get(&entry.slug)
                    .filter(|r| same_theme && self.is_fresh(r, entry, &slugs, &out));
                let outcome = match fresh {
                    Some(record) => Ok(PageOutcome {
                        slug: entry.slug.clone(),
                        record: record.clone(),
                        written: Vec::new(),
                        unchanged: record.files.len(),
                        html: None,
                        problems: Vec::new(),
                    }),
                    None => {
                        self.export_page(entry, &slugs, in_feed.contains(entry.slug.as_str()), &out)
                    }
                };
                progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
                outcome
            })
            .collect();

        let mut manifest = Manifest {
            fingerprint: self.theme.fingerprint.clone(),
            ..Manifest::default()
        };
        let mut feed_html: HashMap<String, String> = HashMap::new();
        let mut exported = Vec::new();
        for (entry, outcome) in site.iter().zip(outcomes) {
            match outcome {
                Ok(outcome) => {
                    report.written.extend(outcome.written);
                    report.unchanged += outcome.unchanged;
                    report.warnings.extend(outcome.problems);
                    if let Some(html) = outcome.html {
                        feed_html.insert(outcome.slug.clone(), html);
                    }
                    manifest.pages.insert(outcome.slug, outcome.record);
                    exported.push(entry);
                }
                Err(e) => report.failed.push(e),
            }
        }
        report.essays = exported.len();

        exported.sort_by(|a, b| newest_first(a, b));
        let generated = self.site_files(&exported, &mut feed_html, &slugs)?;
        for (relative, bytes) in &generated {
            if out.write_if_changed(relative, bytes)? {
                report.written.push(relative.clone());
            } else {
                report.unchanged += 1;
            }
            manifest.files.push(relative.clone());
        }

        // Remove what an earlier export wrote and this one no longer produces.
        let mut keep: std::collections::HashSet<&Path> =
            manifest.files.iter().map(PathBuf::as_path).collect();
        for record in manifest.pages.values() {
            keep.extend(record.files.iter().map(PathBuf::as_path));
        }
        let old_files = old
            .files
            .iter()
            .chain(old.pages.values().flat_map(|r| r.files.iter()));
        for file in old_files {
            if keep.contains(file.as_path()) || !is_plain_relative(file) {
                continue;
            }
            let path = out.root.join(file);
            if fs::symlink_metadata(&path).is_ok_and(|m| m.is_file())
                && fs::remove_file(&path).is_ok()
            {
                report.removed.push(file.clone());
                let mut dir = path.parent();
                while let Some(d) = dir.filter(|d| *d != out.root) {
                    if fs::remove_dir(d).is_err() {
                        break;
                    }
                    dir = d.parent();
                }
            }
        }

        let bytes = serde_json::to_vec(&manifest).map_err(|e| Error::Invalid(e.to_string()))?;
        out.write(Path::new(MANIFEST), &bytes)?;
        report.written.sort();
        Ok(report)
    }

    fn is_fresh(
        &self,
        record: &PageRecord,
        entry: &Entry,
        slugs: &HashMap<PathBuf, String>,
        out: &Out,
    ) -> bool {
        record.source == entry.hash
            && record
                .deps
                .iter()
                .all(|(path, slug)| slugs.get(path) == slug.as_ref())
            && record.assets.iter().all(|a| {
                fs::metadata(&a.source)
                    .is_ok_and(|m| m.len() == a.len && modified_nanos(&m) == a.modified)
            })
            && record.files.iter().all(|f| out.root.join(f).is_file())
    }

    fn export_page(
        &self,
        entry: &Entry,
        slugs: &HashMap<PathBuf, String>,
        keep_html: bool,
        out: &Out,
    ) -> Result<PageOutcome> {
        let shown = self.library.root.join(&entry.essay.path);
        let urls = PageUrls::new(&self.library, &entry.essay.path, slugs, ImageMode::Copy);
        let rendered = render_essay(&entry.essay, &RenderOptions::essay(), &urls)
            .map_err(|e| with_path(e, &shown))?;
        let html = self.page_html(&entry.essay, &rendered, "../", false)?;
        let page = Path::new(&entry.slug).join("index.html");
        let mut record = PageRecord {
            source: entry.hash.clone(),
            deps: urls.deps.take(),
            ..PageRecord::default()
        };
        let mut written = Vec::new();
        let mut unchanged = 0;
        if out.write_if_changed(&page, html.as_bytes())? {
            written.push(page.clone());
        } else {
            unchanged += 1;
        }
        record.files.push(page);
        let mut problems = url_problems(&shown, &rendered, urls.problems.take());
        for (source, dest) in urls.assets.take() {
            let relative = Path::new(&entry.slug).join(&dest);
            match out.copy(&source, &relative) {
                Ok(true) => written.push(relative.clone()),
                Ok(false) => unchanged += 1,
                Err(e) => {
                    problems.push(Problem::new(
                        shown.clone(),
                        1,
                        Level::Warning,
                        format!("image not copied: {e}"),
                    ));
                    continue;
                }
            }
            let meta = fs::metadata(&source).ok();
            record.assets.push(AssetRecord {
                len: meta.as_ref().map_or(0, |m| m.len()),
                modified: meta.as_ref().map_or(0, modified_nanos),
                source,
                dest: dest.clone(),
            });
            record.files.push(relative);
        }
        Ok(PageOutcome {
            slug: entry.slug.clone(),
            record,
            written,
            unchanged,
            html: keep_html.then_some(rendered.html),
            problems,
        })
    }

    /// The index, tag pages, feed, sitemap and stylesheet, as (path, bytes).
    fn site_files(
        &self,
        essays: &[&Entry],
        feed_html: &mut HashMap<String, String>,
        slugs: &HashMap<PathBuf, String>,
    ) -> Result<Vec<(PathBuf, Vec<u8>)>> {
        let items: Vec<ListItem> = essays.iter().map(|e| list_item(e)).collect();
        let site = Value::from_serialize(&self.settings);
        let mut files = Vec::new();
        let index = self.theme.render(
            "index.html",
            context! { site => site.clone(), essays => items, root => "", standalone => false },
        )?;
        files.push((PathBuf::from("index.html"), index.into_bytes()));

        let mut tags: BTreeMap<String, (String, Vec<ListItem>)> = BTreeMap::new();
        for (entry, item) in essays.iter().zip(&items) {
            for tag in &entry.essay.front.tags {
                let slug = tag_slug(tag);
                tags.entry(slug)
                    .or_insert_with(|| (tag.clone(), Vec::new()))
                    .1
                    .push(item.clone());
            }
        }
        let mut tag_list = Vec::new();
        for (slug, (name, list)) in &tags {
            let html = self.theme.render(
                "tag.html",
                context! {
                    site => site.clone(), essays => list, root => "../../", standalone => false,
                    tag => context! { name => name, slug => slug },
                },
            )?;
            files.push((
                Path::new("tags").join(slug).join("index.html"),
                html.into_bytes(),
            ));
            tag_list.push(context! { name => name, slug => slug, count => list.len() });
        }
        let html = self.theme.render(
            "tags.html",
            context! { site => site, tags => tag_list, root => "../", standalone => false },
        )?;
        files.push((PathBuf::from("tags/index.html"), html.into_bytes()));

        for entry in essays.iter().take(self.settings.feed_entries) {
            if !feed_html.contains_key(&entry.slug) {
                let urls = PageUrls::new(&self.library, &entry.essay.path, slugs, ImageMode::Copy);
                if let Ok(rendered) = render_essay(&entry.essay, &RenderOptions::essay(), &urls) {
                    feed_html.insert(entry.slug.clone(), rendered.html);
                }
            }
        }
        files.push((
            PathBuf::from("feed.xml"),
            self.feed(essays, feed_html).into_bytes(),
        ));
        files.push((
            PathBuf::from("sitemap.xml"),
            self.sitemap(essays).into_bytes(),
        ));
        files.push((
            PathBuf::from("style.css"),
            self.theme.css.clone().into_bytes(),
        ));
        Ok(files)
    }

    fn page_url(&self, slug: &str) -> String {
        format!("{}{slug}/", self.settings.base_url.as_deref().unwrap_or(""))
    }

    /// An Atom feed of the newest essays, with their full text.
    fn feed(&self, essays: &[&Entry], html: &HashMap<String, String>) -> String {
        let s = &self.settings;
        let updated = essays
            .iter()
            .filter_map(|e| e.essay.front.updated.max(e.essay.front.date))
            .max()
            .map_or_else(|| "1970-01-01T00:00:00+00:00".to_string(), |d| d.rfc3339());
        let site_id = s
            .base_url
            .clone()
            .unwrap_or_else(|| format!("tag:quire.invalid,2000:{}", slugify(&s.title)));
        let mut xml = String::with_capacity(64 * 1024);
        xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"");
        let _ = writeln!(xml, " xml:lang=\"{}\">", xml_escape(&s.language));
        let _ = writeln!(xml, "  <title>{}</title>", xml_escape(&s.title));
        if !s.description.is_empty() {
            let _ = writeln!(xml, "  <subtitle>{}</subtitle>", xml_escape(&s.description));
        }
        let _ = writeln!(xml, "  <id>{}</id>", xml_escape(&site_id));
        let _ = writeln!(xml, "  <updated>{updated}</updated>");
        let author = if s.author.is_empty() {
            &s.title
        } else {
            &s.author
        };
        let _ = writeln!(
            xml,
            "  <author><name>{}</name></author>",
            xml_escape(author)
        );
        if let Some(base) = &s.base_url {
            let _ = writeln!(xml, "  <link href=\"{}\"/>", xml_escape(base));
            let _ = writeln!(
                xml,
                "  <link rel=\"self\" href=\"{}feed.xml\"/>",
                xml_escape(base)
            );
        }
        let _ = writeln!(xml, "  <generator>Quire</generator>");
        for entry in essays.iter().take(s.feed_entries) {
            let e = &entry.essay;
            let url = self.page_url(&entry.slug);
            let id = match &s.base_url {
                Some(_) => url.clone(),
                None => format!(
                    "tag:quire.invalid,{}:{}",
                    e.front.date.map_or("2000-01-01".into(), |d| d.iso_day()),
                    entry.slug
                ),
            };
            let published = e
                .front
                .date
                .map_or_else(|| updated.clone(), |d| d.rfc3339());
            let entry_updated = e
                .front
                .updated
                .or(e.front.date)
                .map_or_else(|| updated.clone(), |d| d.rfc3339());
            let _ = writeln!(xml, "  <entry>");
            let _ = writeln!(xml, "    <title>{}</title>", xml_escape(&e.title()));
            let _ = writeln!(xml, "    <link href=\"{}\"/>", xml_escape(&url));
            let _ = writeln!(xml, "    <id>{}</id>", xml_escape(&id));
            let _ = writeln!(xml, "    <published>{published}</published>");
            let _ = writeln!(xml, "    <updated>{entry_updated}</updated>");
            for tag in &e.front.tags {
                let _ = writeln!(xml, "    <category term=\"{}\"/>", xml_escape(tag));
            }
            if let Some(summary) = &e.front.summary {
                let _ = writeln!(xml, "    <summary>{}</summary>", xml_escape(summary));
            }
            if let Some(body) = html.get(&entry.slug) {
                let _ = writeln!(
                    xml,
                    "    <content type=\"html\" xml:base=\"{}\">{}</content>",
                    xml_escape(&url),
                    xml_escape(body)
                );
            }
            let _ = writeln!(xml, "  </entry>");
        }
        xml.push_str("</feed>\n");
        xml
    }

    fn sitemap(&self, essays: &[&Entry]) -> String {
        let base = self.settings.base_url.as_deref().unwrap_or("");
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        let _ = writeln!(
            xml,
            "  <url><loc>{}</loc></url>",
            xml_escape(if base.is_empty() { "./" } else { base })
        );
        for entry in essays {
            let _ = write!(
                xml,
                "  <url><loc>{}</loc>",
                xml_escape(&self.page_url(&entry.slug))
            );
            if let Some(d) = entry.essay.front.updated.or(entry.essay.front.date) {
                let _ = write!(xml, "<lastmod>{}</lastmod>", d.iso_day());
            }
            xml.push_str("</url>\n");
        }
        xml.push_str("</urlset>\n");
        xml
    }
}

/// The order of the index and the feed: newest first; undated essays last, by title.
fn newest_first(a: &Entry, b: &Entry) -> std::cmp::Ordering {
    b.essay
        .front
        .date
        .cmp(&a.essay.front.date)
        .then_with(|| a.essay.title().cmp(&b.essay.title()))
}

fn list_item(entry: &Entry) -> ListItem {
    let e = &entry.essay;
    ListItem {
        title: e.title(),
        slug: entry.slug.clone(),
        date: e.front.date.map(|d| d.iso_day()),
        date_display: e.front.date.map(|d| d.display()),
        summary: e.front.summary.clone(),
    }
}

/// A tag's URL name; tags that slugify to nothing still get a stable page.
pub fn tag_slug(tag: &str) -> String {
    let slug = slugify(tag);
    if slug.is_empty() {
        format!("t-{}", &blake3::hash(tag.as_bytes()).to_hex()[..8])
    } else {
        slug
    }
}

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids outright would make the whole feed unreadable.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            '\u{fffe}' | '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Replaces the path inside an essay error with the one the user knows the file by.
fn with_path(error: Error, shown: &Path) -> Error {
    match error {
        Error::Essay { line, message, .. } => Error::Essay {
            path: shown.to_path_buf(),
            line,
            message,
        },
        Error::Render { line, message, .. } => Error::Render {
            path: shown.to_path_buf(),
            line,
            message,
        },
        Error::Io { source, .. } => Error::Io {
            path: shown.to_path_buf(),
            source,
        },
        other => other,
    }
}

fn url_problems(
    shown: &Path,
    rendered: &Rendered,
    problems: Vec<(String, String)>,
) -> Vec<Problem> {
    problems
        .into_iter()
        .map(|(url, message)| {
            let line = rendered
                .links
                .iter()
                .find(|l| l.url == url)
                .map_or(1, |l| l.line);
            Problem::new(
                shown.to_path_buf(),
                line,
                Level::Warning,
                format!("{message}: {url}"),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_urls_resolve_lexically_and_never_climb_out() {
        assert_eq!(
            resolve_relative(Path::new("a/b.md"), "../c.md"),
            Some(PathBuf::from("c.md"))
        );
        assert_eq!(
            resolve_relative(Path::new("b.md"), "img/x.png"),
            Some(PathBuf::from("img/x.png"))
        );
        assert_eq!(
            resolve_relative(Path::new("b.md"), "../../etc/passwd"),
            None
        );
    }

    #[test]
    fn local_urls_exclude_schemes_and_site_absolute_paths() {
        assert!(LocalUrl::parse("https://x/y.md").is_none());
        assert!(LocalUrl::parse("/abs.png").is_none());
        assert!(LocalUrl::parse("#top").is_none());
        let u = LocalUrl::parse("my%20essay.md#part").unwrap();
        assert_eq!(
            (u.path.as_str(), u.fragment.as_str()),
            ("my essay.md", "#part")
        );
    }

    #[test]
    fn xml_escape_drops_characters_xml_forbids() {
        assert_eq!(xml_escape("a\u{1}<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
    }
}
