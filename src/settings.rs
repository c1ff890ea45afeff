//! Site [`Settings`] from `<essays>/quire.toml`, and the one answer to where an export goes.
//!
//! Every setting has a default, so a folder without `quire.toml` exports. The library (to skip
//! the export folder when scanning), `quire check`, the [`Exporter`](crate::export::Exporter),
//! the CLI and the app all ask [`Settings::export_folder`] where the site goes.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::conventions::{Generator, SiteFacts};
use crate::error::{Error, Result};

/// The settings file of an essays folder.
pub const FILE: &str = "quire.toml";

/// The export folder, inside the essays folder, when neither `--out` nor `out` names one.
const DEFAULT_OUT: &str = "public";

/// Site settings from `quire.toml`. Every field is optional in the file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The site's name, at the top of every page and in the feed.
    pub title: String,
    /// The writer's name, for the feed and the page footer.
    pub author: String,
    /// Where the site will live, like `https://example.com/essays/`; the feed and sitemap need
    /// absolute links, so `quire check` warns while it is unset.
    pub base_url: Option<String>,
    /// One line about the site, under the title on the index and in the feed.
    pub description: String,
    /// The language of the essays, for `<html lang>`.
    pub language: String,
    /// The export folder, relative to the essays folder, when `--out` is not given.
    pub out: Option<PathBuf>,
    /// How many of the newest essays the feed carries.
    pub feed_entries: usize,
    /// The sheet a PDF export is printed on: `a4` (the default) or `letter`.
    pub paper: Paper,
    /// The whole-folder EPUB (`quire export ESSAYS --format epub`): see [`BookSettings`].
    pub book: BookSettings,
    /// Which generator's conventions the folder follows (`quire`, `hugo`, `zola`, `jekyll`),
    /// when detecting it from the folder's files is not wanted (see [`crate::conventions`]).
    pub convention: Option<String>,
    /// Where an export goes when neither `--out` nor `out` names a folder, when the folder's
    /// generator says (see [`SiteFacts::export_folder`]); not a setting of the file.
    #[serde(skip)]
    pub generator_out: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            title: "Essays".to_string(),
            author: String::new(),
            base_url: None,
            description: String::new(),
            language: "en".to_string(),
            out: None,
            feed_entries: 20,
            paper: Paper::A4,
            book: BookSettings::default(),
            convention: None,
            generator_out: None,
        }
    }
}

/// The `[book]` table of `quire.toml`: how the folder's essays make one EPUB.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BookSettings {
    /// The essays' slugs in the order the book has them (`order = ["first", "second"]`);
    /// essays not listed follow, newest first. Empty: newest first.
    pub order: Vec<String>,
}

impl Settings {
    /// Reads `<essays>/quire.toml`, or the defaults when there is none.
    pub fn load(essays: &Path) -> Result<Settings> {
        let path = essays.join(FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Settings::default()),
            Err(e) => return Err(Error::io(path, e)),
        };
        let mut settings: Settings = toml::from_str(&text).map_err(|e| Error::Theme {
            line: e.span().map_or(0, |s| {
                1 + text[..s.start.min(text.len())].matches('\n').count()
            }),
            path: path.clone(),
            message: format!("quire.toml is not valid: {}", e.message()),
        })?;
        if let Some(name) = &settings.convention {
            if Generator::parse(name).is_none() {
                return Err(Error::Theme {
                    line: setting_line(&text, "convention"),
                    path,
                    message: format!(
                        "convention `{name}` is not one Quire knows: use quire, hugo, zola or jekyll"
                    ),
                });
            }
        }
        if let Some(base) = &mut settings.base_url {
            if !(base.starts_with("https://") || base.starts_with("http://")) {
                return Err(Error::Theme {
                    path,
                    line: 0,
                    message: format!("base_url `{base}` must start with https:// or http://"),
                });
            }
            if !base.ends_with('/') {
                base.push('/');
            }
        }
        Ok(settings)
    }

    /// Fills what `quire.toml` leaves unset (title, base URL, description, language) from the
    /// folder's generator config, so that a Hugo, Zola or Jekyll folder keeps its site's name
    /// and address without a `quire.toml`.
    pub fn adopt(&mut self, facts: SiteFacts) {
        let defaults = Settings::default();
        if self.title == defaults.title {
            if let Some(title) = facts.title {
                self.title = title;
            }
        }
        if self.base_url.is_none() {
            self.base_url = facts.base_url;
        }
        if self.description.is_empty() {
            if let Some(description) = facts.description {
                self.description = description;
            }
        }
        if self.language == defaults.language {
            if let Some(language) = facts.language {
                self.language = language;
            }
        }
        self.generator_out = facts.export_folder;
    }

    /// The generator named by `convention`, if any.
    pub fn generator(&self) -> Option<Generator> {
        self.convention.as_deref().and_then(Generator::parse)
    }

    /// Where an export goes when the caller names no folder: `out` from `quire.toml`, else
    /// where the folder's generator leaves room for it (a Hugo, Zola or Jekyll site's
    /// `_quire-site`, once adopted: see [`Settings::adopt`]), else `public` inside the essays
    /// folder (scans skip it), so the site travels with the essays.
    pub fn export_folder(&self, essays: &Path) -> PathBuf {
        match (&self.out, &self.generator_out) {
            (Some(out), _) => essays.join(out),
            (None, Some(generator_out)) => generator_out.clone(),
            (None, None) => essays.join(DEFAULT_OUT),
        }
    }
}

/// The paper a PDF export is laid out on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    /// 210 × 297 mm.
    #[default]
    A4,
    /// 8.5 × 11 in.
    Letter,
}

impl Paper {
    /// The name `quire.toml` and `quire-print --paper` use.
    pub fn name(self) -> &'static str {
        match self {
            Paper::A4 => "a4",
            Paper::Letter => "letter",
        }
    }
}

/// The 1-based line on which `key = …` is set in `text`, or 0 when it can't be found.
pub(crate) fn setting_line(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| l.trim_start().starts_with(key))
        .map_or(0, |i| i + 1)
}
