//! Where an exported page's links and images point, and where its images go.
//!
//! [`PageUrls`] is the [`Urls`] of an exported page: a link to an essay becomes a link to its
//! page, a local image is checked to be inside the essays folder and then copied beside the
//! page (or into `media/`) or inlined as a data URI. Local links are read by the one parser,
//! [`LocalLink`], so export resolves exactly what the preview and `quire check` resolve.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use base64::Engine as _;

use crate::error::Error;
use crate::library::{is_essay_name, Folder};
use crate::markdown::Urls;
use crate::url::{image_mime, is_plain_relative, percent_encode_path, LocalLink};

/// Images larger than this are not inlined into a standalone file.
const MAX_INLINE_IMAGE_BYTES: u64 = 20 * 1024 * 1024;

/// How a page's images reach its reader.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum ImageMode {
    /// Copied next to the page.
    Copy,
    /// Inlined as data URIs.
    Inline,
}

/// The [`Urls`] of an exported page: links to essays become their pages, local images are
/// checked to be inside the essays folder and copied or inlined.
pub(super) struct PageUrls<'a> {
    library: &'a Folder,
    essay_path: &'a Path,
    slugs: &'a HashMap<PathBuf, String>,
    mode: ImageMode,
    /// The way from the page to the site's root (`../`, `../../` for `posts/title/`).
    root: &'a str,
    /// Essays linked to and the slug each had (None: not an exported essay).
    pub deps: RefCell<Vec<(PathBuf, Option<String>)>>,
    /// Images to copy: source, destination relative to the page's folder.
    pub assets: RefCell<Vec<(PathBuf, PathBuf)>>,
    /// URL as written, and what is wrong with it.
    pub problems: RefCell<Vec<(String, String)>>,
}

impl<'a> PageUrls<'a> {
    pub fn new(
        library: &'a Folder,
        essay_path: &'a Path,
        slugs: &'a HashMap<PathBuf, String>,
        mode: ImageMode,
        root: &'a str,
    ) -> Self {
        PageUrls {
            library,
            essay_path,
            slugs,
            mode,
            root,
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
        let local = LocalLink::parse(url)?;
        if !is_essay_name(Path::new(&local.path)) {
            return None;
        }
        let target = local.resolve(self.essay_path)?;
        let slug = self.slugs.get(&target).cloned();
        self.deps.borrow_mut().push((target, slug.clone()));
        Some(format!("{}{}/{}", self.root, slug?, local.suffix))
    }

    fn image(&self, url: &str) -> Option<String> {
        let local = LocalLink::parse(url)?;
        let Some(relative) = local.resolve(self.essay_path) else {
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
