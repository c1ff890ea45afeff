//! The manifest that makes a site export incremental.
//!
//! `.quire-export.json` in the output folder records what each page was made from (source
//! hash, theme fingerprint, the slugs of the essays it links to, its images) and which files
//! each export wrote. The next export renders only pages whose inputs changed, and removes the
//! files an earlier export wrote that this one no longer produces.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::url::is_plain_relative;

use super::out::Out;

/// The manifest file an export keeps in its output folder.
pub const MANIFEST: &str = ".quire-export.json";

/// What an exported page was made from, for incremental export.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub(super) struct PageRecord {
    /// The hash of the essay's source.
    pub source: String,
    /// Essays this page links to and the slug each had (None: not an exported essay then).
    pub deps: Vec<(PathBuf, Option<String>)>,
    /// Images copied: source, its length and modification time, where it went.
    pub assets: Vec<AssetRecord>,
    /// Files written for this page, relative to the output folder.
    pub files: Vec<PathBuf>,
}

/// One image a page copied.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(super) struct AssetRecord {
    pub source: PathBuf,
    pub len: u64,
    pub modified: u128,
    pub dest: PathBuf,
}

impl AssetRecord {
    /// The record of `source` copied to `dest` (relative to its page's folder).
    pub fn of(source: PathBuf, dest: PathBuf) -> AssetRecord {
        let meta = fs::metadata(&source).ok();
        AssetRecord {
            len: meta.as_ref().map_or(0, |m| m.len()),
            modified: meta.as_ref().map_or(0, modified_nanos),
            source,
            dest,
        }
    }
}

impl PageRecord {
    /// Whether the page can stay as it is: same source, the essays it links to still have the
    /// slugs it used, its images unchanged, and its files still there.
    pub fn is_fresh(&self, source: &str, slugs: &HashMap<PathBuf, String>, out: &Out) -> bool {
        self.source == source
            && self
                .deps
                .iter()
                .all(|(path, slug)| slugs.get(path) == slug.as_ref())
            && self.assets.iter().all(|a| {
                fs::metadata(&a.source)
                    .is_ok_and(|m| m.len() == a.len && modified_nanos(&m) == a.modified)
            })
            && self.files.iter().all(|f| out.root.join(f).is_file())
    }
}

/// What one export made: per page and site-wide.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct Manifest {
    /// The theme fingerprint the pages were made with.
    pub fingerprint: String,
    /// By slug.
    pub pages: BTreeMap<String, PageRecord>,
    /// The index, tag pages, feed, sitemap and stylesheet.
    pub files: Vec<PathBuf>,
}

impl Manifest {
    /// The manifest of the last export into `out`; an empty one when there is none or it
    /// cannot be read (everything is then rebuilt).
    pub fn read(out: &Out) -> Manifest {
        fs::read(out.root.join(MANIFEST))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// Saves the manifest into `out`.
    pub fn write(&self, out: &Out) -> Result<()> {
        let bytes = serde_json::to_vec(self).map_err(|e| Error::Invalid(e.to_string()))?;
        out.write(Path::new(MANIFEST), &bytes)
    }

    fn all_files(&self) -> impl Iterator<Item = &PathBuf> {
        self.files
            .iter()
            .chain(self.pages.values().flat_map(|r| r.files.iter()))
    }

    /// Removes what `old` wrote and this manifest no longer lists, and folders left empty;
    /// returns the files removed. Only plain files inside `out` are ever removed.
    pub fn remove_stale(&self, old: &Manifest, out: &Out) -> Vec<PathBuf> {
        let keep: HashSet<&Path> = self.all_files().map(PathBuf::as_path).collect();
        let mut removed = Vec::new();
        for file in old.all_files() {
            if keep.contains(file.as_path()) || !is_plain_relative(file) {
                continue;
            }
            let path = out.root.join(file);
            if fs::symlink_metadata(&path).is_ok_and(|m| m.is_file())
                && fs::remove_file(&path).is_ok()
            {
                removed.push(file.clone());
                let mut dir = path.parent();
                while let Some(d) = dir.filter(|d| *d != out.root) {
                    if fs::remove_dir(d).is_err() {
                        break;
                    }
                    dir = d.parent();
                }
            }
        }
        removed
    }
}

/// A file's modification time in nanoseconds since the epoch; 0 when unknown.
pub(super) fn modified_nanos(meta: &fs::Metadata) -> u128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}
