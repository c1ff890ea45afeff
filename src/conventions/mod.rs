//! What a folder written for another generator means by its names and front matter, so that a
//! Hugo, Zola or Jekyll content folder opens as it is and exports the same posts, without a
//! byte of it changed.
//!
//! A [`Convention`] is found once per folder ([`Convention::detect`]): `convention = "…"` in
//! `quire.toml` wins; else the generator's own config file in the folder or up to
//! [`LOOK_UP`] folders above it (content folders are usually `site/content/` or the site
//! itself); else the folder is Quire's. The convention then answers the questions that differ
//! between generators: which files are essays, what an essay without a status is, which date a
//! file name gives, and which slug a page bundle has. Front matter fields with the same meaning
//! in every generator (`draft`, `publishDate`, `lastmod`, `description`, taxonomies…) are read
//! by the essay module itself, Quire's own fields winning. This module sits below it: it only
//! knows names and folders.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::url::site_path_segments;

/// How many folders above the essays folder are searched for a generator's config file.
pub const LOOK_UP: usize = 2;

/// The export folder's name in a generator's site (see [`SiteFacts::export_folder`]).
pub const GENERATOR_OUT: &str = "_quire-site";

/// The generators whose folders Quire reads as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Generator {
    /// Quire's own folder: `status: published` publishes.
    Quire,
    /// Hugo: no `draft: true` publishes; `name/index.md` bundles; `_index.md` lists a section.
    Hugo,
    /// Zola: like Hugo, and dated file names (`2022-07-08-title.md`) give the date.
    Zola,
    /// Jekyll: `_posts/YYYY-MM-DD-title.md` are published, `_drafts/` are drafts.
    Jekyll,
}

impl Generator {
    /// The generator's name as a writer knows it.
    pub fn name(self) -> &'static str {
        match self {
            Generator::Quire => "Quire",
            Generator::Hugo => "Hugo",
            Generator::Zola => "Zola",
            Generator::Jekyll => "Jekyll",
        }
    }

    /// Reads `hugo`, `Zola`, … as written in `quire.toml`.
    pub fn parse(text: &str) -> Option<Generator> {
        match text.trim().to_ascii_lowercase().as_str() {
            "quire" => Some(Generator::Quire),
            "hugo" => Some(Generator::Hugo),
            "zola" => Some(Generator::Zola),
            "jekyll" => Some(Generator::Jekyll),
            _ => None,
        }
    }
}

impl fmt::Display for Generator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which syntax front matter is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FrontMatterFormat {
    /// Between `---` lines.
    Yaml,
    /// Between `+++` lines.
    Toml,
}

/// Why a folder is read the way it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Evidence {
    /// Nothing says otherwise: Quire's own convention.
    Default,
    /// `convention = "…"` in `quire.toml`.
    Setting,
    /// The generator's config file (or `_posts/` folder) found there.
    Found(PathBuf),
}

/// How a folder's files are read: the generator it was written for, and why Quire thinks so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Convention {
    pub generator: Generator,
    pub evidence: Evidence,
    /// Jekyll's site-wide `permalink` (from `_config.yml`), when it sets one.
    pub permalink: Option<String>,
    /// Hugo's `[permalinks]`: a pattern per section (`posts = "/:year/:month/:slug/"`).
    pub permalinks: Vec<(String, String)>,
    /// Where the essays folder is in the generator's site, from the folder its config (or
    /// `_posts/`) was found in: empty when the essays folder is the site itself, `content` or
    /// `content/posts` for a Hugo or Zola content folder, `_posts` for Jekyll's posts. None when
    /// no site was found (a convention set in `quire.toml` over a bare folder) or it is laid
    /// out otherwise: the essays folder is then read as the content folder.
    pub in_site: Option<PathBuf>,
    /// The generator's site folder (where `in_site` starts), when one was found.
    pub site: Option<PathBuf>,
}

impl Default for Convention {
    fn default() -> Self {
        Convention {
            generator: Generator::Quire,
            evidence: Evidence::Default,
            permalink: None,
            permalinks: Vec::new(),
            in_site: None,
            site: None,
        }
    }
}

/// Where a page goes in an exported site, as its generator would put it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagePlace {
    /// The page's folder in the site (`posts/first-post`): its `index.html` is the page.
    pub path: String,
    /// The generator's own address for it when that is a file (`2021/03/04/title.html`):
    /// a redirect page goes there, so old links keep working.
    pub file: Option<String>,
}

/// What decides a page's place besides its file: the front matter's own address (Hugo `url`,
/// Zola `path`, Jekyll `permalink`), its slug, date and categories.
#[derive(Debug, Clone, Copy, Default)]
pub struct PageFacts<'a> {
    pub own: Option<&'a str>,
    pub slug: &'a str,
    /// The front matter's own `slug`, if it gives one.
    pub own_slug: Option<&'a str>,
    /// The title made into a URL name (Hugo's `:title`).
    pub title_slug: &'a str,
    /// Year, month, day.
    pub date: Option<(i32, u32, u32)>,
    pub categories: &'a [String],
}

impl Convention {
    /// The convention of the essays folder `root`: `setting` (from `quire.toml`) when it names
    /// one, else what the generator's files around the folder say, else Quire's.
    pub fn detect(root: &Path, setting: Option<Generator>) -> Convention {
        let mut found = None;
        let mut folder = Some(root);
        for _ in 0..=LOOK_UP {
            let Some(here) = folder else { break };
            if let Some((generator, file)) = generator_files_in(here) {
                let in_site = root
                    .strip_prefix(here)
                    .unwrap_or(Path::new(""))
                    .to_path_buf();
                found = Some((generator, file, in_site, here));
                break;
            }
            folder = here.parent();
        }
        let mut convention = match (setting, &found) {
            (Some(generator), _) => Convention {
                generator,
                evidence: Evidence::Setting,
                // The site found is only the setting's when it is the same generator's.
                in_site: found
                    .as_ref()
                    .filter(|(g, ..)| *g == generator)
                    .map(|(_, _, in_site, _)| in_site.clone()),
                site: found
                    .as_ref()
                    .filter(|(g, ..)| *g == generator)
                    .map(|(.., here)| here.to_path_buf()),
                ..Convention::default()
            },
            (None, Some((generator, file, in_site, here))) => Convention {
                generator: *generator,
                evidence: Evidence::Found(file.clone()),
                in_site: Some(in_site.clone()),
                site: Some(here.to_path_buf()),
                ..Convention::default()
            },
            (None, None) => Convention::default(),
        };
        if matches!(convention.generator, Generator::Hugo | Generator::Zola) {
            // Posts are in the site's content/: a site without one, or a folder of it that
            // is not in it, is read as a content folder of its own.
            let laid_out = |in_site: &PathBuf| match in_site.components().next() {
                None => root.join("content").is_dir(),
                Some(first) => first.as_os_str() == "content",
            };
            if !convention.in_site.as_ref().is_some_and(laid_out) {
                convention.in_site = None;
            }
        }
        if convention.generator == Generator::Hugo {
            if let Evidence::Found(file) = &convention.evidence {
                if let Some(serde_json::Value::Object(sections)) =
                    read_any_config(file).get("permalinks")
                {
                    convention.permalinks = sections
                        .iter()
                        .filter_map(|(section, pattern)| {
                            Some((section.clone(), pattern.as_str()?.to_string()))
                        })
                        .collect();
                }
            }
        }
        if convention.generator == Generator::Jekyll {
            // The site's _config.yml, wherever the site was found (the essays folder may be
            // its `_posts/`).
            let site = convention
                .site
                .clone()
                .unwrap_or_else(|| root.to_path_buf());
            convention.permalink = read_config(&site.join("_config.yml"))
                .get("permalink")
                .and_then(|p| p.as_str())
                .map(str::to_string);
        }
        convention
    }

    /// The path of the essay at `relative` (to the essays folder) as its generator sees it:
    /// for Hugo and Zola, inside the content folder (None for a file outside it, such as a
    /// site's README or a theme's files when the site itself is opened); for Jekyll, inside
    /// the site; for Quire, `relative` itself.
    pub fn site_path(&self, relative: &Path) -> Option<PathBuf> {
        let in_site = match &self.in_site {
            Some(in_site) if self.generator != Generator::Quire => in_site.join(relative),
            _ => return Some(relative.to_path_buf()),
        };
        match self.generator {
            Generator::Hugo | Generator::Zola => {
                in_site.strip_prefix("content").ok().map(Path::to_path_buf)
            }
            Generator::Jekyll | Generator::Quire => Some(in_site),
        }
    }

    /// Where the page of the essay at `relative` goes (see [`PagePlace`]): Quire's folders
    /// put every page at its slug; Hugo and Zola at its section and slug (`posts/title`) or
    /// the front matter's `url` / `path`; Jekyll a post at its `permalink` (the post's, the
    /// site's, or Jekyll's default `/:categories/:year/:month/:day/:title.html`) and a page at
    /// its slug. An address that is not a plain path inside the site gives the slug's place.
    pub fn page_place(&self, relative: &Path, facts: PageFacts<'_>) -> PagePlace {
        let slug = facts.slug;
        let in_site = self
            .site_path(relative)
            .unwrap_or_else(|| relative.to_path_buf());
        let relative = in_site.as_path();
        let at_slug = || PagePlace {
            path: slug.to_string(),
            file: None,
        };
        let place = match self.generator {
            Generator::Quire => return at_slug(),
            Generator::Hugo | Generator::Zola => match facts.own {
                Some(own) => place_of(own),
                None => {
                    let section = self.section(relative);
                    let top = section.split('/').next().unwrap_or("");
                    let pattern = self.permalinks.iter().find(|(s, _)| s == top);
                    match pattern {
                        Some((_, pattern)) => expand_hugo_permalink(
                            pattern,
                            &section,
                            self.page_name(relative),
                            facts,
                        )
                        .and_then(|p| place_of(&p)),
                        None => place_of(&format!("{section}/{slug}")),
                    }
                }
            },
            Generator::Jekyll => {
                let is_post = relative.components().any(|c| c.as_os_str() == "_posts");
                let pattern = facts.own.or(if is_post {
                    self.permalink.as_deref()
                } else {
                    None
                });
                match (is_post, pattern) {
                    (_, Some(pattern)) => {
                        expand_permalink(pattern, facts).and_then(|p| place_of(&p))
                    }
                    (true, None) => expand_permalink("date", facts).and_then(|p| place_of(&p)),
                    // A page (about.md) was at about.html: it goes at its slug, and a redirect
                    // goes at the old address.
                    (false, None) => {
                        let old = relative.with_extension("html");
                        let old = old.to_string_lossy().replace('\\', "/");
                        Some(PagePlace {
                            path: slug.to_string(),
                            file: place_of(&old).map(|_| old),
                        })
                    }
                }
            }
        };
        place.unwrap_or_else(at_slug)
    }

    /// The section folder of a post: the folder its file is in (a bundle's: the one above).
    fn section(&self, relative: &Path) -> String {
        let folder = if self.page_name(relative)
            != relative.file_stem().and_then(|s| s.to_str()).unwrap_or("")
        {
            relative.parent().and_then(Path::parent)
        } else {
            relative.parent()
        };
        folder
            .map(|f| f.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default()
    }

    /// What the folder is read as, for `quire check` and the app: "Hugo site (found
    /// ../hugo.toml)", "Jekyll site (set in quire.toml)", "Quire folder".
    pub fn describe(&self, root: &Path) -> String {
        let name = self.generator.name();
        match &self.evidence {
            Evidence::Default => format!("{name} folder"),
            Evidence::Setting => format!("{name} site (set in quire.toml)"),
            Evidence::Found(file) => format!("{name} site (found {})", shown_from(root, file)),
        }
    }

    /// Whether a folder whose name starts with `_` or `.` holds essays all the same
    /// (Jekyll's `_posts` and `_drafts`). Others (`_theme`, `.git`) are never entered.
    pub fn enters_hidden_folder(&self, name: &str) -> bool {
        self.generator == Generator::Jekyll && matches!(name, "_posts" | "_drafts")
    }

    /// Whether the essay-named file at `relative` is an essay: a Hugo or Zola `_index.md`
    /// describes a section (its list page), it is not a post; nor is a Markdown file outside
    /// the content folder when the whole site is opened (its README, a theme's files).
    pub fn is_essay(&self, relative: &Path) -> bool {
        let name = relative.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        match self.generator {
            Generator::Hugo | Generator::Zola => {
                name != "_index" && self.site_path(relative).is_some()
            }
            Generator::Quire | Generator::Jekyll => true,
        }
    }

    /// Whether the essay at `relative` is a post, which its generator lists by date, rather
    /// than a page (an about or contact page), which has none: every essay of a Quire folder;
    /// Hugo's and Zola's in a section (not at the content's top); Jekyll's in `_posts/` or
    /// `_drafts/`.
    pub fn is_post(&self, relative: &Path) -> bool {
        let Some(in_site) = self.site_path(relative) else {
            return false;
        };
        match self.generator {
            Generator::Quire => true,
            Generator::Hugo | Generator::Zola => !self.section(&in_site).is_empty(),
            Generator::Jekyll => in_site
                .components()
                .any(|c| matches!(c.as_os_str().to_str(), Some("_posts" | "_drafts"))),
        }
    }

    /// Whether an essay that says nothing of its status (no `status`, no `draft`) is
    /// published: not in a Quire folder nor in Jekyll's `_drafts/`; yes where the generator
    /// publishes it.
    pub fn published_by_default(&self, relative: &Path) -> bool {
        match self.generator {
            Generator::Quire => false,
            Generator::Hugo | Generator::Zola => true,
            Generator::Jekyll => !self
                .site_path(relative)
                .unwrap_or_else(|| relative.to_path_buf())
                .components()
                .any(|c| c.as_os_str() == "_drafts"),
        }
    }

    /// The name that stands for the essay in its URL and dates: the file's stem, or for a page
    /// bundle (`name/index.md`) its folder's name.
    pub fn page_name<'a>(&self, relative: &'a Path) -> &'a str {
        let stem = relative.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if stem == "index" && self.generator != Generator::Quire {
            if let Some(folder) = relative
                .parent()
                .and_then(Path::file_name)
                .and_then(|s| s.to_str())
            {
                return folder;
            }
        }
        stem
    }

    /// The date a file or bundle name gives (`2022-07-08-title` → `2022-07-08`), where the
    /// generator reads it (Jekyll, Zola; Hugo too, as it is common there and harmless). Only
    /// its shape is checked here; the essay module reads it as a date.
    pub fn date_in_name<'a>(&self, relative: &'a Path) -> Option<&'a str> {
        if self.generator == Generator::Quire {
            return None;
        }
        split_date_prefix(self.page_name(relative)).map(|(date, _)| date)
    }

    /// The slug a file name gives when the front matter gives none: the page name without a
    /// date prefix (`2022-07-08-title` → `title`), or the file's stem in a Quire folder.
    pub fn slug_from_name(&self, relative: &Path) -> String {
        let name = self.page_name(relative);
        if self.generator == Generator::Quire {
            return name.to_string();
        }
        match split_date_prefix(name) {
            Some((_, rest)) if !rest.is_empty() => rest.to_string(),
            _ => name.to_string(),
        }
    }
}

/// How a new essay is written in a folder, so that the folder's generator still builds it
/// and keeps the essay unpublished until the writer says otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEssay {
    /// The folder its file goes in: relative to the essays folder, `/`-separated, empty for
    /// the essays folder itself.
    pub folder: String,
    /// Whether its file name starts with its date (`2026-12-04-title.md`): Jekyll reads a
    /// post's date from there, and its `_posts/` holds nothing else.
    pub dated: bool,
    /// The front matter it opens with: what most of the folder's posts use.
    pub format: FrontMatterFormat,
}

impl Convention {
    /// How a new essay is written in the essays folder `root`, given its `essays` (paths
    /// relative to `root`, `/`-separated, with the front matter each opens with when known):
    /// - Quire: at the root, Quire's YAML fields.
    /// - Hugo and Zola: in the section most posts are in (`posts`, `blog`), where the generator
    ///   lists them, with the front matter most of them use (else Hugo's YAML, Zola's TOML).
    /// - Jekyll: in `_drafts/` when the site keeps drafts there; else in `_posts/` under a
    ///   dated name, held back with `published: false`.
    pub fn new_essay<'a>(
        &self,
        root: &Path,
        essays: impl Iterator<Item = (&'a str, Option<FrontMatterFormat>)>,
    ) -> NewEssay {
        let at = |folder: &str, dated| NewEssay {
            folder: folder.to_string(),
            dated,
            format: FrontMatterFormat::Yaml,
        };
        match self.generator {
            Generator::Quire => at("", false),
            Generator::Jekyll => {
                let in_site = self.in_site.clone().unwrap_or_default();
                let first = in_site.components().next().map(|c| c.as_os_str());
                if first.is_some_and(|f| f == "_posts") {
                    at("", true)
                } else if first.is_some_and(|f| f == "_drafts") {
                    at("", false)
                } else if root.join("_drafts").is_dir() || !root.join("_posts").is_dir() {
                    // A site without either is new to Jekyll: drafts are its plainer way.
                    at("_drafts", false)
                } else {
                    at("_posts", true)
                }
            }
            Generator::Hugo | Generator::Zola => {
                let mut sections: std::collections::BTreeMap<String, usize> = Default::default();
                let (mut toml, mut yaml) = (0, 0);
                for (key, format) in essays {
                    let path = Path::new(key);
                    // A bundle's post is in the folder above its own.
                    let folder = if path.file_stem().is_some_and(|s| s == "index") {
                        path.parent().and_then(Path::parent)
                    } else {
                        path.parent()
                    };
                    let folder = folder.map(|f| f.to_string_lossy().replace('\\', "/"));
                    *sections.entry(folder.unwrap_or_default()).or_default() += 1;
                    match format {
                        Some(FrontMatterFormat::Toml) => toml += 1,
                        Some(FrontMatterFormat::Yaml) => yaml += 1,
                        None => {}
                    }
                }
                // The most posts; among equals, the first by name.
                let mut best: Option<(String, usize)> = None;
                for (folder, count) in sections {
                    if best.as_ref().is_none_or(|(_, most)| count > *most) {
                        best = Some((folder, count));
                    }
                }
                let format = match (self.generator, toml.cmp(&yaml)) {
                    (_, std::cmp::Ordering::Greater) => FrontMatterFormat::Toml,
                    (_, std::cmp::Ordering::Less) => FrontMatterFormat::Yaml,
                    (Generator::Zola, _) => FrontMatterFormat::Toml,
                    _ => FrontMatterFormat::Yaml,
                };
                NewEssay {
                    folder: best.map(|(folder, _)| folder).unwrap_or_default(),
                    dated: false,
                    format,
                }
            }
        }
    }

    /// The text a new essay starts with, written `new`'s way: Quire's fields (`status:
    /// draft`); the generator's draft flag elsewhere (`draft = true`, Jekyll's `published:
    /// false` in `_posts/`), so that the old generator keeps it unpublished too.
    /// `quoted_title` is a double-quoted string (valid in YAML and TOML alike).
    pub fn new_essay_text(&self, new: &NewEssay, quoted_title: &str, today: &str) -> String {
        use FrontMatterFormat::{Toml, Yaml};
        match (self.generator, new.format) {
            (Generator::Quire, _) => format!(
                "---\ntitle: {quoted_title}\ndate: {today}\nstatus: draft\ntags: []\nsummary: \"\"\n---\n\n"
            ),
            (Generator::Hugo, Yaml) => {
                format!("---\ntitle: {quoted_title}\ndate: {today}\ndraft: true\ntags: []\n---\n\n")
            }
            (Generator::Hugo, Toml) => {
                format!("+++\ntitle = {quoted_title}\ndate = {today}\ndraft = true\ntags = []\n+++\n\n")
            }
            (Generator::Zola, Toml) => format!(
                "+++\ntitle = {quoted_title}\ndate = {today}\ndraft = true\n\n[taxonomies]\ntags = []\n+++\n\n"
            ),
            (Generator::Zola, Yaml) => format!(
                "---\ntitle: {quoted_title}\ndate: {today}\ndraft: true\ntaxonomies:\n  tags: []\n---\n\n"
            ),
            // The date of a post in _posts is its file name's.
            (Generator::Jekyll, _) if new.dated => format!(
                "---\nlayout: post\ntitle: {quoted_title}\npublished: false\ntags: []\n---\n\n"
            ),
            (Generator::Jekyll, _) => {
                format!("---\nlayout: post\ntitle: {quoted_title}\ntags: []\n---\n\n")
            }
        }
    }
}

/// What a generator's config says about the site, for the settings `quire.toml` leaves unset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteFacts {
    pub title: Option<String>,
    pub base_url: Option<String>,
    pub description: Option<String>,
    pub language: Option<String>,
    /// Where an export goes when nothing names a folder: `_quire-site` in the generator's site
    /// folder, which none of the three builds from (Hugo and Zola read only their own folders,
    /// Jekyll skips `_` names), where `public` inside a content folder would be built into the
    /// old site as pages, and the site's own `public` is Hugo's output.
    pub export_folder: Option<PathBuf>,
}

impl Convention {
    /// The site's title, address, description and language from the generator's config file
    /// (Hugo `baseURL`, Zola `base_url`, Jekyll `url` + `baseurl`…), when one was found and
    /// reads; nothing otherwise.
    pub fn site_facts(&self) -> SiteFacts {
        let export_folder = self.site.as_ref().map(|site| site.join(GENERATOR_OUT));
        let Evidence::Found(file) = &self.evidence else {
            return SiteFacts {
                export_folder,
                ..SiteFacts::default()
            };
        };
        let config = read_any_config(file);
        let text_of = |keys: &[&str]| {
            keys.iter().find_map(|key| {
                let mut value = &config;
                for part in key.split('.') {
                    value = value.get(part)?;
                }
                value
                    .as_str()
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(str::to_string)
            })
        };
        let base_url = match self.generator {
            Generator::Jekyll => text_of(&["url"]).map(|url| {
                let base = text_of(&["baseurl"]).unwrap_or_default();
                format!("{}/{}", url.trim_end_matches('/'), base.trim_matches('/'))
            }),
            _ => text_of(&["baseURL", "baseurl", "base_url"]),
        }
        .filter(|url| url.starts_with("https://") || url.starts_with("http://"))
        .map(|url| {
            if url.ends_with('/') {
                url
            } else {
                format!("{url}/")
            }
        });
        SiteFacts {
            title: text_of(&["title"]),
            base_url,
            description: text_of(&["description", "params.description"]),
            language: text_of(&["languageCode", "default_language", "lang"]),
            export_folder,
        }
    }
}

/// Top-level names of an exported site that no page may take.
const SITE_FILES: [&str; 6] = [
    "tags",
    "media",
    "index.html",
    "style.css",
    "feed.xml",
    "sitemap.xml",
];

/// The place of an address (`/posts/x/`, `2021/03/04/x.html`), or None when it is not a plain
/// path inside the site (`..`, a scheme, odd characters) or is one of the site's own names.
fn place_of(address: &str) -> Option<PagePlace> {
    let segments = site_path_segments(address)?;
    if SITE_FILES.contains(&segments[0]) {
        return None;
    }
    let address = address.trim();
    let trimmed = address.trim_matches('/');
    match trimmed.strip_suffix(".html") {
        Some(stem) if !address.ends_with('/') => {
            let stem = stem.strip_suffix("/index").unwrap_or(stem);
            (!stem.is_empty() && !stem.ends_with('/')).then(|| PagePlace {
                path: stem.to_string(),
                file: (!trimmed.ends_with("index.html")).then(|| trimmed.to_string()),
            })
        }
        _ => Some(PagePlace {
            path: trimmed.to_string(),
            file: None,
        }),
    }
}

/// Hugo's `[permalinks]` `pattern` for a page of `section` named `name` (its file or bundle),
/// or None when it names something Quire does not know.
fn expand_hugo_permalink(
    pattern: &str,
    section: &str,
    name: &str,
    facts: PageFacts<'_>,
) -> Option<String> {
    let (year, month, day) = facts.date?;
    expand_tokens(pattern, |token| {
        Some(match token {
            "year" => format!("{year:04}"),
            "month" => format!("{month:02}"),
            "day" => format!("{day:02}"),
            "section" => section.split('/').next().unwrap_or("").to_string(),
            "sections" => section.to_string(),
            // Hugo's :slug is the front matter's slug, else the title made into a URL.
            "slug" => facts.own_slug.unwrap_or(facts.title_slug).to_string(),
            "title" => facts.title_slug.to_string(),
            "filename" | "contentbasename" => name.to_string(),
            _ => return None,
        })
    })
}

/// Jekyll's permalink `pattern` (or a named style) for a post, or None when it names something
/// Quire does not know (then the post goes at its slug).
fn expand_permalink(pattern: &str, facts: PageFacts<'_>) -> Option<String> {
    let pattern = match pattern {
        "date" => "/:categories/:year/:month/:day/:title:output_ext",
        "pretty" => "/:categories/:year/:month/:day/:title/",
        "none" => "/:categories/:title:output_ext",
        other => other,
    };
    let (year, month, day) = facts.date.unwrap_or((1970, 1, 1));
    let categories: Vec<String> = facts
        .categories
        .iter()
        .map(|c| c.trim().to_lowercase().replace(' ', "-"))
        .filter(|c| !c.is_empty())
        .collect();
    let mut out = expand_tokens(pattern, |token| {
        Some(match token {
            "year" => format!("{year:04}"),
            "short_year" => format!("{:02}", year % 100),
            "month" => format!("{month:02}"),
            "i_month" => month.to_string(),
            "day" => format!("{day:02}"),
            "i_day" => day.to_string(),
            "title" | "slug" => facts.slug.to_string(),
            "categories" => categories.join("/"),
            "output_ext" => ".html".to_string(),
            _ => return None,
        })
    })?;
    // An empty `:categories` leaves `//`.
    while out.contains("//") {
        out = out.replace("//", "/");
    }
    Some(out)
}

/// `pattern` with each `:token` (letters, digits, `_`) replaced by what `value` gives for it;
/// None when `value` does not know one. The scanning both generators' permalinks share.
fn expand_tokens(pattern: &str, mut value: impl FnMut(&str) -> Option<String>) -> Option<String> {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(i) = rest.find(':') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        out.push_str(&value(&rest[..len])?);
        rest = &rest[len..];
    }
    out.push_str(rest);
    Some(out)
}

/// A TOML or YAML config file as JSON, or null when it can't be read.
fn read_any_config(path: &Path) -> serde_json::Value {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.ends_with(".toml") {
        toml::from_str::<toml::Table>(&read_head(path))
            .ok()
            .and_then(|table| serde_json::to_value(table).ok())
            .unwrap_or_default()
    } else if name.ends_with(".yml") || name.ends_with(".yaml") {
        read_config(path)
    } else {
        serde_json::Value::Null
    }
}

/// A YAML config file as JSON, or null when it can't be read (bounded like front matter).
fn read_config(path: &Path) -> serde_json::Value {
    if !path.is_file() {
        return serde_json::Value::Null;
    }
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! { max_depth: 32, max_nodes: 20_000 },
    };
    serde_saphyr::from_str_with_options(&read_head(path), options).unwrap_or_default()
}

/// `2022-07-08-title` → `("2022-07-08", "title")`.
fn split_date_prefix(name: &str) -> Option<(&str, &str)> {
    let bytes = name.as_bytes();
    let shaped = bytes.len() >= 10
        && bytes[..10].iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shaped {
        return None;
    }
    let rest = &name[10..];
    if rest.is_empty() {
        return Some((&name[..10], ""));
    }
    rest.strip_prefix('-').map(|rest| (&name[..10], rest))
}

/// What only a Zola config.toml says: `base_url` (Hugo's is `baseURL`), Sass and search
/// switches, and taxonomies as a list of tables (Hugo's `[taxonomies]` is one table).
const ZOLA_KEYS: [&str; 6] = [
    "base_url",
    "compile_sass",
    "build_search_index",
    "[[taxonomies]]",
    "taxonomies = [",
    "generate_feed",
];

/// What only a Hugo config says (its keys are case-insensitive: `baseURL`, `baseurl`).
const HUGO_KEYS: [&str; 5] = ["baseURL", "baseurl", "[params]", "languageCode", "params:"];

/// The generator whose files are in `folder`, and the file that says so.
fn generator_files_in(folder: &Path) -> Option<(Generator, PathBuf)> {
    let file = |name: &str| Some(folder.join(name)).filter(|p| p.is_file());
    if let Some(path) = file("zola.toml") {
        return Some((Generator::Zola, path));
    }
    for name in ["hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json"] {
        if let Some(path) = file(name) {
            return Some((Generator::Hugo, path));
        }
    }
    if let Some(path) = file("_config.yml").or_else(|| file("_config.yaml")) {
        return Some((Generator::Jekyll, path));
    }
    // Both Zola and (older) Hugo sites have a config.toml: their keys tell them apart.
    if let Some(path) = file("config.toml") {
        let text = read_head(&path);
        if ZOLA_KEYS.iter().any(|key| text.contains(key)) {
            return Some((Generator::Zola, path));
        }
        if HUGO_KEYS.iter().any(|key| text.contains(key)) {
            return Some((Generator::Hugo, path));
        }
    }
    for name in ["config.yaml", "config.yml"] {
        if let Some(path) = file(name) {
            let text = read_head(&path);
            if HUGO_KEYS.iter().any(|key| text.contains(key)) {
                return Some((Generator::Hugo, path));
            }
        }
    }
    // Larger Hugo sites keep their config in a folder: config/_default/hugo.toml and the like.
    for name in ["hugo", "config"] {
        for extension in ["toml", "yaml", "yml", "json"] {
            if let Some(path) = file(&format!("config/_default/{name}.{extension}")) {
                return Some((Generator::Hugo, path));
            }
        }
    }
    let posts = folder.join("_posts");
    if posts.is_dir() {
        return Some((Generator::Jekyll, posts));
    }
    None
}

/// The start of a config file (enough for its top-level keys; a huge file is not read whole).
fn read_head(path: &Path) -> String {
    use std::io::Read;
    let mut text = String::new();
    if let Ok(file) = std::fs::File::open(path) {
        let _ = file.take(64 * 1024).read_to_string(&mut text);
    }
    text
}

/// `file` as seen from `root`: `hugo.toml`, `../hugo.toml`, `../../_config.yml`.
fn shown_from(root: &Path, file: &Path) -> String {
    let mut up = String::new();
    let mut folder = Some(root);
    while let Some(here) = folder {
        if let Ok(rest) = file.strip_prefix(here) {
            return format!("{up}{}", rest.display());
        }
        up.push_str("../");
        folder = here.parent();
    }
    file.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn convention(generator: Generator) -> Convention {
        Convention {
            generator,
            evidence: Evidence::Setting,
            ..Convention::default()
        }
    }

    #[test]
    fn pages_go_where_their_generator_put_them() {
        let p = Path::new;
        let facts = |own, slug| PageFacts {
            own,
            slug,
            own_slug: None,
            title_slug: slug,
            date: Some((2021, 3, 4)),
            categories: &[],
        };
        let place = |c: &Convention, file, own, slug| c.page_place(p(file), facts(own, slug));
        let hugo = convention(Generator::Hugo);
        assert_eq!(
            place(&hugo, "posts/first-post.md", None, "first-post").path,
            "posts/first-post"
        );
        assert_eq!(
            place(&hugo, "posts/trip/index.md", None, "trip").path,
            "posts/trip"
        );
        assert_eq!(place(&hugo, "about.md", None, "about").path, "about");
        assert_eq!(
            place(&hugo, "posts/x.md", Some("/custom/path/"), "x").path,
            "custom/path"
        );
        // Hugo's [permalinks] for a section: :slug is the front matter's, else the title's.
        let mut dated = convention(Generator::Hugo);
        dated.permalinks = vec![("posts".into(), "/:year/:month/:slug/".into())];
        let titled = PageFacts {
            title_slug: "my-first-post",
            ..facts(None, "first-post")
        };
        assert_eq!(
            dated.page_place(p("posts/first-post.md"), titled).path,
            "2021/03/my-first-post"
        );
        let slugged = PageFacts {
            own_slug: Some("hello"),
            ..titled
        };
        assert_eq!(
            dated.page_place(p("posts/first-post.md"), slugged).path,
            "2021/03/hello"
        );
        assert_eq!(
            dated.page_place(p("notes/x.md"), facts(None, "x")).path,
            "notes/x"
        );
        let zola = convention(Generator::Zola);
        assert_eq!(
            place(&zola, "blog/b/index.md", Some("blog/bundle"), "b").path,
            "blog/bundle"
        );
        // Addresses that are not plain paths inside the site fall back to the slug.
        for bad in [
            "../../etc",
            "https://x.example/y",
            "/tags/",
            "a//b",
            "a b",
            "//h/x",
        ] {
            assert_eq!(
                place(&hugo, "posts/x.md", Some(bad), "x").path,
                "x",
                "{bad}"
            );
        }

        let mut jekyll = convention(Generator::Jekyll);
        let default = place(&jekyll, "_posts/2021-03-04-hello.md", None, "hello");
        assert_eq!(default.path, "2021/03/04/hello");
        assert_eq!(default.file.as_deref(), Some("2021/03/04/hello.html"));
        jekyll.permalink = Some("/:year/:month/:day/:title/".into());
        let pretty = place(&jekyll, "_posts/2021-03-04-hello.md", None, "hello");
        assert_eq!(
            (pretty.path.as_str(), pretty.file),
            ("2021/03/04/hello", None)
        );
        let news = jekyll.page_place(
            p("_posts/2021-03-04-hello.md"),
            PageFacts {
                categories: &["News".to_string()],
                ..facts(Some("pretty"), "hello")
            },
        );
        assert_eq!(news.path, "news/2021/03/04/hello");
        let about = place(&jekyll, "about.md", None, "about");
        assert_eq!(
            (about.path.as_str(), about.file.as_deref()),
            ("about", Some("about.html"))
        );
        assert_eq!(
            place(&jekyll, "_posts/x.md", Some("/:unknown/"), "x").path,
            "x"
        );
        assert_eq!(
            place(&convention(Generator::Quire), "a/b.md", Some("/c/"), "b").path,
            "b"
        );
    }

    #[test]
    fn finds_the_generator_from_its_config_in_the_folder_or_above() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let content = site.join("content");
        fs::create_dir_all(&content).unwrap();
        assert_eq!(Convention::detect(&content, None), Convention::default());

        fs::write(site.join("config.toml"), "base_url = \"https://x/\"\n").unwrap();
        let found = Convention::detect(&content, None);
        assert_eq!(found.generator, Generator::Zola);
        assert_eq!(found.describe(&content), "Zola site (found ../config.toml)");

        fs::write(site.join("config.toml"), "baseURL = \"https://x/\"\n").unwrap();
        assert_eq!(
            Convention::detect(&content, None).generator,
            Generator::Hugo
        );

        fs::write(site.join("hugo.toml"), "").unwrap();
        assert_eq!(
            Convention::detect(&content, None).describe(&content),
            "Hugo site (found ../hugo.toml)"
        );
        assert_eq!(
            Convention::detect(&content, Some(Generator::Jekyll)).describe(&content),
            "Jekyll site (set in quire.toml)"
        );
    }

    #[test]
    fn the_generators_config_names_the_site() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("_config.yml"),
            "title: A Jekyll Blog\nurl: https://x.example\nbaseurl: /blog\nlang: fr\n",
        )
        .unwrap();
        let facts = Convention::detect(dir.path(), None).site_facts();
        assert_eq!(facts.title.as_deref(), Some("A Jekyll Blog"));
        assert_eq!(facts.base_url.as_deref(), Some("https://x.example/blog/"));
        assert_eq!(facts.language.as_deref(), Some("fr"));
        fs::remove_file(dir.path().join("_config.yml")).unwrap();
        fs::write(
            dir.path().join("hugo.toml"),
            "baseURL = 'https://h.example'\ntitle = 'H'\n[params]\ndescription = 'About H'\n",
        )
        .unwrap();
        let facts = Convention::detect(dir.path(), None).site_facts();
        assert_eq!(facts.base_url.as_deref(), Some("https://h.example/"));
        assert_eq!(facts.description.as_deref(), Some("About H"));
        // A config that does not parse says nothing (and is not Quire's to report) but where
        // the site is.
        fs::write(dir.path().join("hugo.toml"), "baseURL = [\n").unwrap();
        assert_eq!(
            Convention::detect(dir.path(), None).site_facts(),
            SiteFacts {
                export_folder: Some(dir.path().join("_quire-site")),
                ..SiteFacts::default()
            }
        );
    }

    #[test]
    fn a_jekyll_site_is_known_by_its_config_or_its_posts() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("_posts")).unwrap();
        assert_eq!(
            Convention::detect(dir.path(), None).generator,
            Generator::Jekyll
        );
        fs::write(dir.path().join("_config.yml"), "title: x\n").unwrap();
        assert_eq!(
            Convention::detect(dir.path(), None).describe(dir.path()),
            "Jekyll site (found _config.yml)"
        );
    }

    #[test]
    fn an_essay_without_a_status_is_what_its_generator_makes_it() {
        let p = Path::new;
        assert!(!convention(Generator::Quire).published_by_default(p("a.md")));
        assert!(convention(Generator::Hugo).published_by_default(p("posts/a.md")));
        assert!(convention(Generator::Zola).published_by_default(p("a/index.md")));
        let jekyll = convention(Generator::Jekyll);
        assert!(jekyll.published_by_default(p("_posts/2022-07-08-a.md")));
        assert!(!jekyll.published_by_default(p("_drafts/a.md")));
    }

    #[test]
    fn bundles_and_dated_names_give_slugs_and_dates() {
        let p = Path::new;
        let zola = convention(Generator::Zola);
        assert_eq!(
            zola.slug_from_name(p("blog/2022-07-08-first-post.md")),
            "first-post"
        );
        assert_eq!(
            zola.date_in_name(p("blog/2022-07-08-first-post.md")),
            Some("2022-07-08")
        );
        assert_eq!(zola.slug_from_name(p("blog/my-trip/index.md")), "my-trip");
        assert_eq!(
            zola.date_in_name(p("blog/2021-01-02-trip/index.md")),
            Some("2021-01-02")
        );
        assert_eq!(zola.slug_from_name(p("2022-07-08.md")), "2022-07-08");
        assert_eq!(zola.date_in_name(p("20220708-x.md")), None);
        assert_eq!(zola.date_in_name(p("2022-07-08x.md")), None);
        // Quire's own folders keep naming files as they like.
        let quire = convention(Generator::Quire);
        assert_eq!(quire.slug_from_name(p("2022-07-08-x.md")), "2022-07-08-x");
        assert_eq!(quire.date_in_name(p("2022-07-08-x.md")), None);
        assert_eq!(quire.slug_from_name(p("notes/index.md")), "index");
    }

    #[test]
    fn a_new_essay_is_written_the_folders_way() {
        use FrontMatterFormat::{Toml, Yaml};
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let quoted = "\"A: New\"";
        let way = |c: &Convention, essays: &[(&'static str, Option<FrontMatterFormat>)]| {
            c.new_essay(root, essays.iter().copied())
        };
        let text = |c: &Convention, essays: &[(&'static str, Option<FrontMatterFormat>)]| {
            c.new_essay_text(&way(c, essays), quoted, "2026-12-04")
        };

        let zola = convention(Generator::Zola);
        let written = text(&zola, &[]);
        let table: toml::Table = toml::from_str(written.trim().trim_matches('+')).unwrap();
        assert_eq!(table["title"].as_str(), Some("A: New"));
        assert_eq!(table["draft"].as_bool(), Some(true));
        // A Zola blog written in YAML gets YAML.
        let written = text(&zola, &[("a.md", Some(Yaml)), ("b.md", Some(Yaml))]);
        assert!(
            written.starts_with("---\ntitle: \"A: New\"\ndate: 2026-12-04\ndraft: true\n"),
            "{written}"
        );

        let hugo = convention(Generator::Hugo);
        let written = text(&hugo, &[("posts/a.md", Some(Yaml))]);
        assert!(
            written.starts_with("---\ntitle: \"A: New\"\ndate: 2026-12-04\ndraft: true\n"),
            "{written}"
        );
        // Most of this Hugo blog's posts open with +++: so does the new one.
        let written = text(
            &hugo,
            &[
                ("posts/a.md", Some(Toml)),
                ("posts/b/index.md", Some(Toml)),
                ("about.md", Some(Yaml)),
            ],
        );
        let table: toml::Table = toml::from_str(written.trim().trim_matches('+')).unwrap();
        assert_eq!(table["draft"].as_bool(), Some(true), "{written}");
        assert_eq!(table["title"].as_str(), Some("A: New"));

        let keys = [
            ("about.md", None),
            ("posts/a.md", None),
            ("posts/b/index.md", None),
            ("notes/c.md", None),
        ];
        assert_eq!(way(&hugo, &keys).folder, "posts");
        assert_eq!(way(&zola, &[]).folder, "");
        assert_eq!(way(&convention(Generator::Quire), &keys).folder, "");
        assert!(!way(&convention(Generator::Quire), &keys).dated);

        // Jekyll: _drafts/ where the site keeps drafts (or has neither folder yet) ...
        let jekyll = convention(Generator::Jekyll);
        assert_eq!(
            (way(&jekyll, &[]).folder.as_str(), way(&jekyll, &[]).dated),
            ("_drafts", false)
        );
        let written = text(&jekyll, &[]);
        assert!(
            written.contains("layout: post\n") && !written.contains("status"),
            "{written}"
        );
        // ... else a dated name in _posts/, held back as Jekyll holds back a post.
        fs::create_dir(root.join("_posts")).unwrap();
        let new = way(&jekyll, &[]);
        assert_eq!((new.folder.as_str(), new.dated), ("_posts", true));
        let written = text(&jekyll, &[]);
        assert!(written.contains("\npublished: false\n"), "{written}");
        fs::create_dir(root.join("_drafts")).unwrap();
        assert_eq!(way(&jekyll, &[]).folder, "_drafts");
        // The essays folder may be _posts/ itself.
        let posts = Convention {
            in_site: Some(PathBuf::from("_posts")),
            ..convention(Generator::Jekyll)
        };
        let new = way(&posts, &[]);
        assert_eq!((new.folder.as_str(), new.dated), ("", true));
    }

    #[test]
    fn a_site_opened_at_its_root_or_a_section_reads_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let posts = site.join("content/posts");
        fs::create_dir_all(&posts).unwrap();
        fs::write(site.join("hugo.toml"), "title = 'x'\n").unwrap();
        let facts = |slug| PageFacts {
            slug,
            ..PageFacts::default()
        };
        let p = Path::new;

        // The site itself: only content/ holds posts, and the section is below content/.
        let whole = Convention::detect(&site, None);
        assert_eq!(whole.in_site.as_deref(), Some(p("")));
        assert!(whole.is_essay(p("content/posts/a.md")));
        assert!(!whole.is_essay(p("README.md")));
        assert!(!whole.is_essay(p("themes/t/exampleSite/content/b.md")));
        assert_eq!(
            whole.page_place(p("content/posts/a.md"), facts("a")).path,
            "posts/a"
        );
        // An export goes beside the site's folders, whichever is opened.
        for opened in [&site, &posts] {
            assert_eq!(
                Convention::detect(opened, None).site_facts().export_folder,
                Some(site.join("_quire-site"))
            );
        }
        assert_eq!(Convention::default().site_facts().export_folder, None);
        // Its content folder, or one section of it: the same place.
        let content = Convention::detect(&site.join("content"), None);
        assert_eq!(
            content.page_place(p("posts/a.md"), facts("a")).path,
            "posts/a"
        );
        let section = Convention::detect(&posts, None);
        assert_eq!(section.in_site.as_deref(), Some(p("content/posts")));
        assert_eq!(section.page_place(p("a.md"), facts("a")).path, "posts/a");
        assert!(section.is_essay(p("a.md")));

        // Jekyll's _posts/ opened by itself: posts at the site's permalink, and published.
        let jekyll = dir.path().join("jekyll");
        fs::create_dir_all(jekyll.join("_posts")).unwrap();
        fs::create_dir_all(jekyll.join("_drafts")).unwrap();
        fs::write(
            jekyll.join("_config.yml"),
            "permalink: /blog/:year/:title/\n",
        )
        .unwrap();
        let only_posts = Convention::detect(&jekyll.join("_posts"), None);
        assert_eq!(only_posts.generator, Generator::Jekyll);
        assert_eq!(only_posts.permalink.as_deref(), Some("/blog/:year/:title/"));
        let place = only_posts.page_place(
            p("2021-03-04-hello.md"),
            PageFacts {
                date: Some((2021, 3, 4)),
                ..facts("hello")
            },
        );
        assert_eq!(place.path, "blog/2021/hello");
        assert!(only_posts.published_by_default(p("2021-03-04-hello.md")));
        let only_drafts = Convention::detect(&jekyll.join("_drafts"), None);
        assert!(!only_drafts.published_by_default(p("idea.md")));
    }

    #[test]
    fn config_files_shared_by_hugo_and_zola_are_told_apart_by_their_keys() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let detect = |text: &str| {
            fs::write(root.join("config.toml"), text).unwrap();
            Convention::detect(root, None).generator
        };
        assert_eq!(detect("[[taxonomies]]\nname = \"tags\"\n"), Generator::Zola);
        assert_eq!(
            detect("taxonomies = [\n  {name = \"tags\"},\n]\n"),
            Generator::Zola
        );
        assert_eq!(detect("build_search_index = true\n"), Generator::Zola);
        assert_eq!(detect("languageCode = 'en-us'\n"), Generator::Hugo);
        assert_eq!(
            detect("[taxonomies]\ntag = 'tags'\n[params]\n"),
            Generator::Hugo
        );
        // A config.toml of neither (a Rust tool's, say) says nothing.
        assert_eq!(detect("[package]\nname = 'x'\n"), Generator::Quire);
        fs::remove_file(root.join("config.toml")).unwrap();
        // Hugo's config folder.
        fs::create_dir_all(root.join("config/_default")).unwrap();
        fs::write(root.join("config/_default/hugo.yaml"), "title: x\n").unwrap();
        assert_eq!(
            Convention::detect(root, None).describe(root),
            "Hugo site (found config/_default/hugo.yaml)"
        );
    }

    #[test]
    fn posts_are_in_sections_or_jekylls_posts_and_pages_are_not() {
        let p = Path::new;
        let hugo = convention(Generator::Hugo);
        assert!(hugo.is_post(p("posts/a.md")));
        assert!(hugo.is_post(p("posts/trip/index.md")));
        assert!(!hugo.is_post(p("about.md")));
        assert!(!hugo.is_post(p("about/index.md")));
        let jekyll = convention(Generator::Jekyll);
        assert!(jekyll.is_post(p("_posts/2021-01-01-a.md")));
        assert!(jekyll.is_post(p("_drafts/a.md")));
        assert!(!jekyll.is_post(p("contact.md")));
        assert!(convention(Generator::Quire).is_post(p("about.md")));
    }

    #[test]
    fn section_pages_are_not_essays() {
        let p = Path::new;
        assert!(!convention(Generator::Hugo).is_essay(p("posts/_index.md")));
        assert!(!convention(Generator::Zola).is_essay(p("_index.md")));
        assert!(convention(Generator::Hugo).is_essay(p("posts/index.md")));
        assert!(convention(Generator::Quire).is_essay(p("_index.md")));
        assert!(convention(Generator::Jekyll).enters_hidden_folder("_posts"));
        assert!(!convention(Generator::Jekyll).enters_hidden_folder("_site"));
        assert!(!convention(Generator::Hugo).enters_hidden_folder("_posts"));
    }
}
