//! A site export, in phases: gather the essays and give each a unique slug, export the pages
//! whose inputs changed (in parallel), write the index, tag pages, feed, sitemap and stylesheet,
//! remove what an earlier export wrote and this one no longer produces, save the manifest.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use minijinja::{context, Value};
use rayon::prelude::*;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::essay::Essay;
use crate::markdown::{render_essay, RenderOptions};
use crate::problem::{Level, Problem};

use super::manifest::{AssetRecord, Manifest, PageRecord};
use super::out::Out;
use super::paths::{ImageMode, PageUrls};
use super::redirects::redirect_pages;
use super::{tag_slug, url_problems, with_path, Exporter, Report, SiteOptions};

/// One essay of the site with what its pages and lists need.
pub(super) struct Entry {
    pub essay: Essay,
    /// Unique within the site.
    pub slug: String,
    /// The hash of the essay's source.
    pub hash: String,
    /// Its title, found once: sorting by date compares titles, and an essay without a
    /// `title` field is titled from its first heading, which takes a parse of the body.
    pub title: String,
}

impl Entry {
    /// The way from its page to the site's root: a page in a section (`posts/title/`) is
    /// deeper than one at its slug.
    fn root(&self) -> String {
        "../".repeat(self.slug.split('/').count())
    }
}

#[derive(Serialize, Clone)]
struct ListItem {
    title: String,
    slug: String,
    date: Option<String>,
    date_display: Option<String>,
    summary: Option<String>,
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
        let site = self.gather(&out, options.drafts, &mut report);
        let slugs: HashMap<PathBuf, String> = site
            .iter()
            .map(|e| (e.essay.path.clone(), e.slug.clone()))
            .collect();

        let old = Manifest::read(&out);
        let mut by_date: Vec<&Entry> = site.iter().collect();
        by_date.sort_by(|a, b| newest_first(a, b));
        // The index and tag pages need only the list of essays, not their pages: they are made
        // beside the pages, for every essay, and made again below in the rare export where a
        // page failed (a failed essay is left out of the lists).
        let (outcomes, lists) = rayon::join(
            || self.export_pages(&site, &slugs, &by_date, &old, &out, progress),
            || self.list_pages(&by_date),
        );

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

        let lists = if exported.len() == site.len() {
            lists?
        } else {
            let kept: HashSet<&str> = exported.iter().map(|e| e.slug.as_str()).collect();
            by_date.retain(|e| kept.contains(e.slug.as_str()));
            self.list_pages(&by_date)?
        };
        let exported = by_date;
        let mut generated = lists;
        generated.extend(self.site_files(&exported, &mut feed_html, &slugs));
        // Old addresses (aliases, redirect_from) get pages that send readers on; never over a
        // page or file of the site.
        let taken: HashSet<PathBuf> = exported
            .iter()
            .map(|e| Path::new(&e.slug).join("index.html"))
            .chain(generated.iter().map(|(path, _)| path.clone()))
            .collect();
        let (redirects, problems) = redirect_pages(
            &exported,
            &taken,
            &self.settings.language,
            &self.library.root,
        );
        generated.extend(redirects);
        report.warnings.extend(problems);
        for (relative, bytes) in &generated {
            if out.write_if_changed(relative, bytes)? {
                report.written.push(relative.clone());
            } else {
                report.unchanged += 1;
            }
            manifest.files.push(relative.clone());
        }

        report.removed = manifest.remove_stale(&old, &out);
        manifest.write(&out)?;
        report.written.sort();
        Ok(report)
    }

    /// The essays of the site (drafts when asked), each with a unique slug: the first essay
    /// (by path) keeps its slug, later ones get a suffix. Essays that cannot be read go to
    /// `report.failed`, slug clashes to `report.warnings`.
    pub(super) fn gather(&self, out: &Out, drafts: bool, report: &mut Report) -> Vec<Entry> {
        let (files, skipped) = self.library.essay_files(std::slice::from_ref(&out.root));
        for skip in skipped {
            report.warnings.push(Problem::new(
                self.library.root.join(&skip.path),
                1,
                Level::Warning,
                skip.reason,
            ));
        }

        // Hashed on the pool too: one thread hashing 10,000 sources was 8% of an export.
        let parsed: Vec<Result<Option<(Essay, String, String)>>> = files
            .par_iter()
            .map(|relative| {
                let essay = self
                    .library
                    .read_essay(relative)
                    .map_err(|e| with_path(e, &self.library.root.join(relative)))?;
                if !(essay.is_published() || drafts) {
                    return Ok(None);
                }
                let hash = blake3::hash(essay.source.as_bytes()).to_hex().to_string();
                let title = essay.title();
                Ok(Some((essay, hash, title)))
            })
            .collect();
        let mut entries = Vec::new();
        for essay in parsed {
            match essay {
                Ok(Some(kept)) => entries.push(kept),
                Ok(None) => {}
                Err(e) => report.failed.push(e),
            }
        }

        let mut taken: HashMap<String, PathBuf> = HashMap::new();
        let mut site: Vec<Entry> = Vec::with_capacity(entries.len());
        for (essay, hash, title) in entries {
            let shown = self.library.root.join(&essay.path);
            if let Some(problem) = &essay.slug_problem {
                report.warnings.push(Problem::new(
                    shown.clone(),
                    essay.front.line_of("slug"),
                    Level::Warning,
                    problem.clone(),
                ));
            }
            // The page's place: its slug, or where its generator put it (posts/title).
            let wanted = essay.page.path.clone();
            let mut slug = wanted.clone();
            let mut n = 2;
            while taken.contains_key(&slug) {
                slug = format!("{wanted}-{n}");
                n += 1;
            }
            if slug != wanted {
                report.warnings.push(Problem::new(
                    shown,
                    essay.front.line_of("slug"),
                    Level::Warning,
                    format!(
                        "slug `{wanted}` is already used by {}; exported as `{slug}`",
                        taken[&wanted].display()
                    ),
                ));
            }
            taken.insert(slug.clone(), essay.path.clone());
            site.push(Entry {
                essay,
                slug,
                hash,
                title,
            });
        }
        site
    }

    /// Every essay's page, in parallel: pages whose inputs are unchanged since `old` are kept
    /// as they are, the others rendered and written. Results are in the order of `site`.
    fn export_pages(
        &self,
        site: &[Entry],
        slugs: &HashMap<PathBuf, String>,
        by_date: &[&Entry],
        old: &Manifest,
        out: &Out,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Vec<Result<PageOutcome>> {
        let same_theme = old.fingerprint == self.theme.fingerprint;
        // Only the feed needs rendered bodies after the pages are written: keep just those.
        let in_feed: HashSet<&str> = by_date
            .iter()
            .take(self.settings.feed_entries)
            .map(|e| e.slug.as_str())
            .collect();
        let total = site.len();
        let done = AtomicUsize::new(0);
        site.par_iter()
            .map(|entry| {
                let fresh = old
                    .pages
                    .get(&entry.slug)
                    .filter(|r| same_theme && r.is_fresh(&entry.hash, slugs, out));
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
                        self.export_page(entry, slugs, in_feed.contains(entry.slug.as_str()), out)
                    }
                };
                progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
                outcome
            })
            .collect()
    }

    /// Renders one essay's page and copies its images; keeps the body for the feed if asked.
    fn export_page(
        &self,
        entry: &Entry,
        slugs: &HashMap<PathBuf, String>,
        keep_html: bool,
        out: &Out,
    ) -> Result<PageOutcome> {
        let shown = self.library.root.join(&entry.essay.path);
        let root = entry.root();
        let urls = PageUrls::new(
            &self.library,
            &entry.essay.path,
            slugs,
            ImageMode::Copy,
            &root,
        );
        let rendered = render_essay(&entry.essay, &RenderOptions::essay(), &urls)
            .map_err(|e| with_path(e, &shown))?;
        let html = self.page_html(&entry.essay, &rendered, &root, false)?;
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
            record.assets.push(AssetRecord::of(source, dest));
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

    /// The index, the tag pages and the list of tags, as (path, bytes), for these essays
    /// (newest first). Each page is rendered on the pool: at 10,000 essays the index and the
    /// big tags' pages are the longest templates of an export.
    fn list_pages(&self, essays: &[&Entry]) -> Result<Vec<(PathBuf, Vec<u8>)>> {
        let items: Vec<ListItem> = essays.iter().map(|e| list_item(e)).collect();
        let site = Value::from_serialize(&self.settings);

        let mut tags: BTreeMap<String, (String, Vec<&ListItem>)> = BTreeMap::new();
        for (entry, item) in essays.iter().zip(&items) {
            for tag in &entry.essay.front.tags {
                let slug = tag_slug(tag);
                tags.entry(slug)
                    .or_insert_with(|| (tag.clone(), Vec::new()))
                    .1
                    .push(item);
            }
        }
        let tag_list: Vec<Value> = tags
            .iter()
            .map(
                |(slug, (name, list))| context! { name => name, slug => slug, count => list.len() },
            )
            .collect();

        let (index, tag_pages) = rayon::join(
            || -> Result<Vec<(PathBuf, Vec<u8>)>> {
                let index = self.theme.render(
                    "index.html",
                    context! { site => site.clone(), essays => &items, root => "", standalone => false },
                )?;
                let list = self.theme.render(
                    "tags.html",
                    context! { site => site.clone(), tags => tag_list, root => "../", standalone => false },
                )?;
                Ok(vec![
                    (PathBuf::from("index.html"), index.into_bytes()),
                    (PathBuf::from("tags/index.html"), list.into_bytes()),
                ])
            },
            || -> Result<Vec<(PathBuf, Vec<u8>)>> {
                tags.par_iter()
                    .map(|(slug, (name, list))| {
                        let html = self.theme.render(
                            "tag.html",
                            context! {
                                site => site.clone(), essays => list, root => "../../", standalone => false,
                                tag => context! { name => name, slug => slug },
                            },
                        )?;
                        Ok((
                            Path::new("tags").join(slug).join("index.html"),
                            html.into_bytes(),
                        ))
                    })
                    .collect()
            },
        );
        let mut files = index?;
        // The index first, then the tags' pages by name, as before (the report lists them).
        let list = files.pop();
        files.extend(tag_pages?);
        files.extend(list);
        Ok(files)
    }

    /// The feed, sitemap, stylesheet and math font, as (path, bytes), for the essays exported
    /// (newest first); the feed's bodies come from `feed_html`, rendered here when a page was
    /// kept from an earlier export.
    fn site_files(
        &self,
        essays: &[&Entry],
        feed_html: &mut HashMap<String, String>,
        slugs: &HashMap<PathBuf, String>,
    ) -> Vec<(PathBuf, Vec<u8>)> {
        let mut files = Vec::new();
        let missing: Vec<(String, String)> = essays
            .iter()
            .take(self.settings.feed_entries)
            .filter(|entry| !feed_html.contains_key(&entry.slug))
            .collect::<Vec<_>>()
            .par_iter()
            .filter_map(|entry| {
                let root = entry.root();
                let urls = PageUrls::new(
                    &self.library,
                    &entry.essay.path,
                    slugs,
                    ImageMode::Copy,
                    &root,
                );
                render_essay(&entry.essay, &RenderOptions::essay(), &urls)
                    .ok()
                    .map(|rendered| (entry.slug.clone(), rendered.html))
            })
            .collect();
        feed_html.extend(missing);
        files.push((
            PathBuf::from("feed.xml"),
            self.feed(essays, feed_html).into_bytes(),
        ));
        if let Some(sitemap) = self.sitemap(essays) {
            files.push((PathBuf::from("sitemap.xml"), sitemap.into_bytes()));
        }
        files.push((
            PathBuf::from("style.css"),
            self.theme.css.clone().into_bytes(),
        ));
        // Written whether or not a formula needs it: which essays have one is known only after
        // rendering, and an unused font costs a reader nothing (browsers fetch fonts on use).
        files.push((
            PathBuf::from(super::theme::MATH_FONT_FILE),
            super::theme::MATH_FONT.to_vec(),
        ));
        files
    }
}

/// The order of the index and the feed: newest first; undated essays last, by title.
pub(super) fn newest_first(a: &Entry, b: &Entry) -> std::cmp::Ordering {
    b.essay
        .front
        .date
        .cmp(&a.essay.front.date)
        .then_with(|| a.title.cmp(&b.title))
}

fn list_item(entry: &Entry) -> ListItem {
    let e = &entry.essay;
    ListItem {
        title: entry.title.clone(),
        slug: entry.slug.clone(),
        date: e.front.date.map(|d| d.iso_day()),
        date_display: e.front.date.map(|d| d.display()),
        summary: e.front.summary.clone(),
    }
}
