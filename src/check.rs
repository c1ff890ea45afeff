//! Pre-publish checks: what would go wrong if the essays folder were exported now.
//!
//! [`check_folder`] reads every essay (in parallel), renders it, and reports [`Problem`]s as
//! `path:line: level: message`: front matter that is missing, invalid or unknown, duplicate
//! slugs, links to essays or anchors that do not exist, missing local images, images without alt
//! text, URLs the safety policy blanks, and anything that would make export fail. Published
//! essays must be complete (errors); drafts get the same findings as warnings where they
//! concern unfinished metadata, so work in progress is not a wall of red.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::conventions::{Convention, Generator};
use crate::error::{Error, Result};
use crate::essay::{Essay, Status};
use crate::export::Theme;
use crate::library::{is_essay_name, Folder};
use crate::markdown::{render_essay, KeepUrls, RenderOptions, Rendered};
use crate::problem::{Level, Problem};
use crate::settings::{self, Settings};
use crate::url::{LocalLink, Url};

/// The findings for a folder.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Which generator's conventions the folder was read with, and why: "Hugo site (found
    /// ../hugo.toml)", "Quire folder".
    pub convention: String,
    /// Essays looked at.
    pub essays: usize,
    /// Findings, sorted by file and line.
    pub problems: Vec<Problem>,
}

impl CheckReport {
    /// How many findings are errors.
    pub fn errors(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| p.level == Level::Error)
            .count()
    }

    /// How many findings are warnings.
    pub fn warnings(&self) -> usize {
        self.problems.len() - self.errors()
    }
}

struct Checked {
    essay: Essay,
    rendered: Rendered,
}

/// Checks every essay in a folder, and the folder's settings and theme.
pub fn check_folder(essays: &Path) -> Result<CheckReport> {
    check_folder_with(essays, &HashMap::new())
}

/// [`check_folder`], with the text of some essays (keyed by their path relative to the
/// folder) taken from `drafts` instead of their files: the app checks what the writer sees in
/// the editor, unsaved changes included.
pub fn check_folder_with(essays: &Path, drafts: &HashMap<PathBuf, String>) -> Result<CheckReport> {
    let library = Folder::open(essays)?;
    let mut problems = Vec::new();
    let mut settings = match Settings::load(&library.canonical_root) {
        Ok(settings) => settings,
        Err(e) => {
            problems.push(Problem::from_error(&e, &essays.join(settings::FILE)));
            Settings::default()
        }
    };
    settings.adopt(library.convention.site_facts());
    if settings.base_url.is_none() {
        problems.push(no_base_url(essays));
    }
    if let Err(e) = Theme::load(&library.canonical_root, &settings) {
        problems.push(Problem::from_error(&e, &essays.join("_theme")));
    }
    let out = settings.export_folder(&library.canonical_root);
    let (files, skipped) = library.essay_files(&[out]);
    for skip in skipped {
        problems.push(Problem::new(
            essays.join(&skip.path),
            1,
            Level::Warning,
            skip.reason,
        ));
    }

    let checked: Vec<std::result::Result<Checked, Problem>> = files
        .par_iter()
        .map(|relative| {
            let shown = essays.join(relative);
            let absolute = library.canonical_root.join(relative);
            let convention = &library.convention;
            let mut essay = match drafts.get(relative) {
                Some(text) => Essay::from_source_in(&absolute, relative, text.clone(), convention),
                None => Essay::read_in(&absolute, relative, convention),
            }
            .map_err(|e| with_shown(&e, &shown))?;
            essay.path = relative.clone();
            let rendered = render_essay(&essay, &RenderOptions::essay(), &KeepUrls)
                .map_err(|e| with_shown(&e, &shown))?;
            Ok(Checked { essay, rendered })
        })
        .collect();

    let mut essays_ok = Vec::new();
    for result in checked {
        match result {
            Ok(c) => essays_ok.push(c),
            Err(problem) => problems.push(problem),
        }
    }
    let known: HashMap<&Path, &Checked> = essays_ok
        .iter()
        .map(|c| (c.essay.path.as_path(), c))
        .collect();
    let all_files: HashSet<&Path> = files.iter().map(PathBuf::as_path).collect();

    // Two pages at one place (a slug, or a generator's posts/title) would overwrite each other.
    let mut by_place: HashMap<&str, &Checked> = HashMap::new();
    for c in &essays_ok {
        problems.extend(front_matter_problems(&c.essay, essays, &library.convention));
        problems.extend(shortcode_problems(c, essays));
        problems.extend(formula_problems(c, essays));
        problems.extend(diagram_problems(c, essays));
        if let Some(first) = by_place.get(c.essay.page.path.as_str()) {
            problems.push(Problem::new(
                essays.join(&c.essay.path),
                c.essay.front.line_of("slug"),
                Level::Error,
                format!(
                    "slug `{}` is also used by {}; give one of them another `slug:`",
                    c.essay.page.path,
                    essays.join(&first.essay.path).display()
                ),
            ));
        } else {
            by_place.insert(&c.essay.page.path, c);
        }
        problems.extend(link_problems(&library, essays, c, &known, &all_files));
    }
    problems.sort_by(|a, b| {
        a.path
            .cmp(&b.path)
            .then(a.line.cmp(&b.line))
            .then(a.level.cmp(&b.level))
    });
    Ok(CheckReport {
        convention: library.convention.describe(&library.canonical_root),
        essays: files.len(),
        problems,
    })
}

/// Without a base URL the sitemap is left out (its entries must be absolute), so say where
/// to set one: in `quire.toml`, or in the folder when it has no `quire.toml` yet.
fn no_base_url(essays: &Path) -> Problem {
    let file = essays.join(settings::FILE);
    let (path, line, message) = if file.is_file() {
        (file, 1, "base_url is not set, so sitemap.xml is left out and the feed has no links to the site; add base_url = \"https://…/\"")
    } else {
        (essays.to_path_buf(), 0, "base_url is not set (there is no quire.toml), so sitemap.xml is left out and the feed has no links to the site; create quire.toml with base_url = \"https://…/\"")
    };
    Problem::new(path, line, Level::Warning, message)
}

fn with_shown(error: &Error, shown: &Path) -> Problem {
    let mut problem = Problem::from_error(error, shown);
    problem.path = shown.to_path_buf();
    problem
}

fn front_matter_problems(essay: &Essay, essays: &Path, convention: &Convention) -> Vec<Problem> {
    let path = essays.join(&essay.path);
    let front = &essay.front;
    let mut problems = Vec::new();
    // Unfinished metadata blocks publishing, not drafting.
    let level = if essay.is_published() {
        Level::Error
    } else {
        Level::Warning
    };
    // In another generator's folder the title may be the first heading and the date the file
    // name's: only what is missing altogether is a problem there.
    let quire = essay.generator == Generator::Quire;
    if front.format.is_none() && quire {
        problems.push(Problem::new(
            path,
            1,
            level,
            "no front matter: start the file with ---, a title: and a date:, then ---",
        ));
        return problems;
    }
    let untitled = front.title.as_deref().is_none_or(|t| t.trim().is_empty());
    if untitled && (quire || !essay.title_is_in_body()) {
        problems.push(Problem::new(
            path.clone(),
            front.line_of("title"),
            level,
            "missing title: add `title: …` to the front matter",
        ));
    }
    // A generator's draft without a date is how drafts are there (Jekyll dates them when
    // they are posted), and its pages (about, contact) have none.
    if front.date.is_none() && (quire || (essay.is_published() && convention.is_post(&essay.path)))
    {
        problems.push(Problem::new(
            path.clone(),
            front.line_of("date"),
            level,
            "missing date: add `date: YYYY-MM-DD` to the front matter",
        ));
    }
    if let Status::Unknown(status) = &front.status {
        problems.push(Problem::new(
            path.clone(),
            front.line_of("status"),
            Level::Error,
            format!("unknown status `{status}`: use `draft` or `published`"),
        ));
    } else if quire && !front.has("status") && front.draft.is_none() {
        problems.push(Problem::new(
            path.clone(),
            1,
            Level::Warning,
            "no status: the essay counts as a draft until `status: published`",
        ));
    }
    if let Some(problem) = &essay.slug_problem {
        problems.push(Problem::new(
            path,
            front.line_of("slug"),
            Level::Warning,
            problem.clone(),
        ));
    }
    problems
}

/// Each shortcode or template tag: the page shows a placeholder where it was.
fn shortcode_problems(checked: &Checked, essays: &Path) -> Vec<Problem> {
    let path = essays.join(&checked.essay.path);
    checked
        .rendered
        .shortcodes
        .iter()
        .map(|tag| {
            Problem::new(
                path.clone(),
                tag.line,
                Level::Warning,
                format!(
                    "`{}` needs a replacement: Quire cannot run {} tags, so the page shows a placeholder named `{}` there",
                    tag.text,
                    checked.essay.generator,
                    tag.name
                ),
            )
        })
        .collect()
}

/// Each Mermaid diagram that could not be drawn: the page shows its source and why there.
fn diagram_problems(checked: &Checked, essays: &Path) -> Vec<Problem> {
    let path = essays.join(&checked.essay.path);
    checked
        .rendered
        .diagram_errors
        .iter()
        .map(|diagram| {
            Problem::new(
                path.clone(),
                diagram.line,
                Level::Error,
                format!(
                    "the diagram can't be drawn ({}); the page shows its source instead",
                    diagram.message
                ),
            )
        })
        .collect()
}

/// Each formula that could not be typeset: the page shows its TeX in an error box there.
fn formula_problems(checked: &Checked, essays: &Path) -> Vec<Problem> {
    let path = essays.join(&checked.essay.path);
    checked
        .rendered
        .formula_errors
        .iter()
        .map(|formula| {
            Problem::new(
                path.clone(),
                formula.line,
                Level::Error,
                format!(
                    "the formula `{}` can't be typeset ({}); the page shows its TeX instead",
                    formula.tex, formula.message
                ),
            )
        })
        .collect()
}

fn link_problems(
    library: &Folder,
    essays: &Path,
    checked: &Checked,
    known: &HashMap<&Path, &Checked>,
    all_files: &HashSet<&Path>,
) -> Vec<Problem> {
    let (essay, rendered) = (&checked.essay, &checked.rendered);
    let path = essays.join(&essay.path);
    let own_ids: HashSet<&str> = rendered.outline.iter().map(|h| h.id.as_str()).collect();
    let mut problems = Vec::new();
    for link in &rendered.links {
        let at = |level, message: String| Problem::new(path.clone(), link.line, level, message);
        if link.blocked {
            let why = Url::read(&link.url)
                .refusal()
                .unwrap_or("is not a URL Quire publishes");
            problems.push(at(
                Level::Error,
                format!("`{}` {why}; it is removed from the page", link.url),
            ));
            continue;
        }
        if link.image && link.alt.trim().is_empty() {
            problems.push(at(Level::Warning, format!("image `{}` has no alt text: describe it between the brackets for readers who cannot see it", link.url)));
        }
        if let Some(anchor) = link.url.strip_prefix('#') {
            if !anchor.is_empty() && !own_ids.contains(anchor) && !anchor.starts_with("fn") {
                problems.push(at(
                    Level::Warning,
                    format!("no heading with id `{anchor}` in this essay"),
                ));
            }
            continue;
        }
        let Some((target, fragment)) = local_target(&essay.path, &link.url) else {
            continue;
        };
        let Some(target) = target else {
            problems.push(at(
                Level::Error,
                format!("`{}` points outside the essays folder", link.url),
            ));
            continue;
        };
        if link.image {
            match library.contain(&target) {
                Ok(file) if file.is_file() => {}
                Ok(_) | Err(Error::Io { .. }) => {
                    problems.push(at(Level::Error, format!("image not found: `{}`", link.url)))
                }
                Err(_) => problems.push(at(
                    Level::Error,
                    format!("image `{}` resolves outside the essays folder", link.url),
                )),
            }
        } else if is_essay_name(&target) {
            match known.get(target.as_path()) {
                Some(other) => {
                    if essay.is_published() && !other.essay.is_published() {
                        problems.push(at(
                            Level::Warning,
                            format!(
                                "links to a draft, `{}`, which the site will not include",
                                link.url
                            ),
                        ));
                    }
                    let has_anchor = other.rendered.outline.iter().any(|h| h.id == fragment);
                    if !fragment.is_empty() && !has_anchor {
                        problems.push(at(
                            Level::Warning,
                            format!("no heading with id `{fragment}` in `{}`", target.display()),
                        ));
                    }
                }
                None if all_files.contains(target.as_path()) => {}
                None => problems.push(at(
                    Level::Error,
                    format!("broken link: no essay at `{}`", link.url),
                )),
            }
        } else if library.contain(&target).is_err() {
            problems.push(at(
                Level::Error,
                format!("broken link: `{}` does not exist", link.url),
            ));
        } else {
            problems.push(at(
                Level::Warning,
                format!(
                    "`{}` is a local file; export publishes essays and images only",
                    link.url
                ),
            ));
        }
    }
    problems
}

/// For a local link: `Some((target within the folder or None if it climbs out, fragment))`.
fn local_target(essay_path: &Path, url: &str) -> Option<(Option<PathBuf>, String)> {
    let link = LocalLink::parse(url)?;
    Some((link.resolve(essay_path), link.fragment().to_string()))
}
