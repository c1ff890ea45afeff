//! The [`Exporter`]: essays to HTML, as one post, one self-contained file, or a whole site.
//!
//! - [`Exporter::post`]: one essay to `<out>/<slug>/index.html`, its local images beside it.
//! - [`Exporter::standalone`]: one essay to `<out>/<slug>.html`, CSS inlined, images as data URIs.
//! - [`Exporter::site`]: every published essay (drafts when asked), plus `index.html`,
//!   `tags/<tag>/index.html`, `tags/index.html`, `feed.xml` (Atom), `sitemap.xml` (when
//!   `quire.toml` has a `base_url`), `style.css`.
//!
//! By job: `paths` (where a page's links and images point and where its images go), `out`
//! (the output guard every write goes through), `manifest` (what makes a site export
//! incremental), `site` (the site run, in phases), `feed` (Atom feed and sitemap) and
//! [`theme`] (templates and CSS).
//!
//! A site export is incremental: the next export renders only pages whose inputs changed and
//! writes only files whose bytes changed. Output paths are built from validated slugs only,
//! directories are checked not to be symbolic links, and images are copied only from inside the
//! essays folder: nothing an essay says can make export write outside `out` or read outside the
//! essays folder. One failing essay never stops the others; it is reported with its file and
//! line.

mod docx;
mod epub;
mod feed;
mod manifest;
pub(crate) mod omml;
mod out;
mod paths;
mod pdf;
mod redirects;
mod site;
pub mod theme;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use minijinja::{context, Value};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::essay::{slugify, Essay};
use crate::library::Folder;
use crate::markdown::{render_essay, RenderOptions, Rendered};
use crate::problem::{Level, Problem};
use crate::settings::Settings;
pub use manifest::MANIFEST;
pub use theme::Theme;

use out::Out;
use paths::{ImageMode, PageUrls};

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

/// What one essay (or, for EPUB, a folder) can be exported as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// A web page: a post, a standalone file, or the whole site.
    #[default]
    Html,
    /// A PDF printed by the preview's engine.
    Pdf,
    /// A Word document.
    Docx,
    /// An EPUB 3 book.
    Epub,
}

impl Format {
    /// The file extension, which is also the name the CLI takes.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Pdf => "pdf",
            Format::Docx => "docx",
            Format::Epub => "epub",
        }
    }
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
    /// `lang` (or `language`) from the front matter, when it looks like a language tag: an
    /// essay in another language than the site's says so to screen readers and hyphenation.
    lang: Option<&'a str>,
    /// The title is the body's first heading: the page shows it there, not twice.
    title_in_body: bool,
}

/// The essay's own language, if its front matter names one that looks like a BCP 47 tag
/// (`fr`, `pt-BR`, `zh-Hant`); anything else is left out and the site's language applies.
fn essay_language(essay: &Essay) -> Option<&str> {
    let value = ["lang", "language"]
        .iter()
        .find_map(|field| essay.front.extra.get(*field))?
        .as_str()?
        .trim();
    is_language_tag(value).then_some(value)
}

/// Whether `value` looks like a BCP 47 language tag (`fr`, `pt-BR`, `zh-Hant`).
fn is_language_tag(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 35
        && value.split('-').all(|part| {
            (1..=8).contains(&part.len()) && part.chars().all(|c| c.is_ascii_alphanumeric())
        })
        && value
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
}

impl Exporter {
    /// Opens an essays folder for export: its settings and theme.
    pub fn open(essays: &Path) -> Result<Exporter> {
        let library = Folder::open(essays)?;
        let mut settings = Settings::load(&library.canonical_root)?;
        settings.adopt(library.convention.site_facts());
        let theme = Theme::load(&library.canonical_root, &settings)?;
        Ok(Exporter {
            library,
            settings,
            theme,
        })
    }

    /// The output folder when the caller names none: [`Settings::export_folder`].
    pub fn default_out(&self) -> PathBuf {
        self.settings.export_folder(&self.library.root)
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
            lang: essay_language(essay),
            title_in_body: essay.title_is_in_body(),
        };
        let inline_css = if standalone {
            Value::from(self.theme.standalone_css(rendered.formulas > 0))
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
        let essay = self
            .library
            .read_essay(&relative)
            .map_err(|e| with_path(e, file))?;
        let slugs = HashMap::new();
        let urls = PageUrls::new(&self.library, &relative, &slugs, ImageMode::Inline, "");
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
        let essay = self
            .library
            .read_essay(&relative)
            .map_err(|e| with_path(e, file))?;
        let slugs = HashMap::new();
        let urls = PageUrls::new(&self.library, &relative, &slugs, ImageMode::Copy, "../");
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
        if rendered.formulas > 0 {
            out.write_if_changed(Path::new(theme::MATH_FONT_FILE), theme::MATH_FONT)?;
            written.push(out.root.join(theme::MATH_FONT_FILE));
        }
        let problems = url_problems(file, &rendered, urls.problems.into_inner());
        Ok((written, problems))
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
