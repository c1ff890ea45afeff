//! A [`Folder`] is an essays folder: which files in it are essays, and which are skipped.
//!
//! Essays are `.md` / `.markdown` files anywhere below the folder, except in folders whose name
//! starts with `.` or `_` (`_theme/`, `.git/`; Jekyll's `_posts/` and `_drafts/` hold essays)
//! and in any folder the caller excludes (an export folder kept inside the essays folder), and
//! except what the folder's [`Convention`] says is not an essay (a Hugo `_index.md`). Symbolic links are never followed out of the folder:
//! a link is an essay only if it resolves to a file inside the folder.

use std::path::{Path, PathBuf};

use crate::conventions::Convention;
use crate::error::{Error, Result};
use crate::settings::Settings;

/// An essays folder on disk.
#[derive(Debug, Clone)]
pub struct Folder {
    /// The folder as given.
    pub root: PathBuf,
    /// The folder with symbolic links resolved, for containment checks.
    pub canonical_root: PathBuf,
    /// Which generator's names and front matter the folder follows.
    pub convention: Convention,
}

/// A file that looked like an essay but was not read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The file, relative to the library root.
    pub path: PathBuf,
    /// Why it was skipped.
    pub reason: String,
}

impl Folder {
    /// Opens an essays folder; it must exist.
    pub fn open(root: &Path) -> Result<Folder> {
        let canonical_root = root.canonicalize().map_err(|e| Error::io(root, e))?;
        if !canonical_root.is_dir() {
            return Err(Error::Invalid(format!(
                "{} is not a folder",
                root.display()
            )));
        }
        // A broken quire.toml is reported by those who read the settings; here it only
        // means no convention is set.
        let setting = Settings::load(&canonical_root)
            .ok()
            .and_then(|s| s.generator());
        let convention = Convention::detect(&canonical_root, setting);
        Ok(Folder {
            root: root.to_path_buf(),
            canonical_root,
            convention,
        })
    }

    /// Every essay file below the root, as paths relative to it, sorted; plus what was skipped.
    /// `exclude` folders (canonical paths) are not entered.
    pub fn essay_files(&self, exclude: &[PathBuf]) -> (Vec<PathBuf>, Vec<Skipped>) {
        let mut essays = Vec::new();
        let mut skipped = Vec::new();
        let walker = walkdir::WalkDir::new(&self.canonical_root)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| {
                let name = entry.file_name().to_string_lossy();
                let hidden = entry.depth() > 0
                    && (name.starts_with('.') || name.starts_with('_'))
                    && !(entry.file_type().is_dir() && self.convention.enters_hidden_folder(&name));
                let excluded =
                    entry.file_type().is_dir() && exclude.iter().any(|x| x == entry.path());
                !hidden && !excluded
            });
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    let path = e.path().map(|p| self.relative(p)).unwrap_or_default();
                    skipped.push(Skipped {
                        path,
                        reason: format!("could not be read: {e}"),
                    });
                    continue;
                }
            };
            if !is_essay_name(entry.path()) {
                continue;
            }
            let relative = self.relative(entry.path());
            if !self.convention.is_essay(&relative) {
                continue;
            }
            let file_type = entry.file_type();
            if file_type.is_file() {
                essays.push(relative);
            } else if file_type.is_symlink() {
                match self.contain(entry.path()) {
                    Ok(target) if target.is_file() => essays.push(relative),
                    Ok(_) => skipped.push(Skipped {
                        path: relative,
                        reason: "link does not point at a file".into(),
                    }),
                    Err(_) => skipped.push(Skipped {
                        path: relative,
                        reason: "link points outside the essays folder; not followed".into(),
                    }),
                }
            } else if !file_type.is_dir() {
                skipped.push(Skipped {
                    path: relative,
                    reason: "not a regular file".into(),
                });
            }
        }
        (essays, skipped)
    }

    /// Reads the essay at `relative` with the folder's conventions; its `path` is `relative`.
    pub fn read_essay(&self, relative: &Path) -> Result<crate::essay::Essay> {
        let absolute = self.canonical_root.join(relative);
        let mut essay = crate::essay::Essay::read_in(&absolute, relative, &self.convention)?;
        essay.path = relative.to_path_buf();
        Ok(essay)
    }

    /// Resolves `path` (absolute, or relative to the root) and refuses it unless it stays inside
    /// the folder once symbolic links are followed.
    pub fn contain(&self, path: &Path) -> Result<PathBuf> {
        let joined = self.canonical_root.join(path);
        let canonical = joined.canonicalize().map_err(|e| Error::io(&joined, e))?;
        if canonical.starts_with(&self.canonical_root) {
            Ok(canonical)
        } else {
            Err(Error::UnsafePath {
                path: path.to_path_buf(),
                message: "resolves outside the essays folder".into(),
            })
        }
    }

    fn relative(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.canonical_root)
            .unwrap_or(path)
            .to_path_buf()
    }
}

/// Whether a file name is an essay's.
pub fn is_essay_name(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("md" | "markdown")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn finds_essays_in_subfolders_but_not_in_theme_or_hidden_folders() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("2015/may")).unwrap();
        fs::create_dir_all(root.join("_theme")).unwrap();
        fs::create_dir_all(root.join(".git")).unwrap();
        fs::write(root.join("a.md"), "a").unwrap();
        fs::write(root.join("2015/may/b.markdown"), "b").unwrap();
        fs::write(root.join("_theme/c.md"), "c").unwrap();
        fs::write(root.join(".git/d.md"), "d").unwrap();
        fs::write(root.join("notes.txt"), "e").unwrap();
        let (essays, skipped) = Folder::open(root).unwrap().essay_files(&[]);
        assert_eq!(
            essays,
            [PathBuf::from("2015/may/b.markdown"), PathBuf::from("a.md")]
        );
        assert!(skipped.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn links_pointing_outside_the_folder_are_skipped_and_reported() {
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("secret.md"), "s").unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret.md"), dir.path().join("link.md"))
            .unwrap();
        let (essays, skipped) = Folder::open(dir.path()).unwrap().essay_files(&[]);
        assert!(essays.is_empty());
        assert_eq!(skipped[0].path, PathBuf::from("link.md"));
        assert!(skipped[0].reason.contains("outside"));
    }
}
