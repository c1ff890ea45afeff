//! The output guard: every file an export writes goes through [`Out`], which keeps it inside
//! the output folder.
//!
//! Paths must be plain relative paths, no folder on the way may be a symbolic link, and a link
//! planted where a file goes is replaced rather than written through, so nothing an essay
//! says can make export write outside the folder it was given.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::url::is_plain_relative;

use super::manifest::modified_nanos;

/// The output folder, with every write checked to stay inside it.
pub(super) struct Out {
    /// The output folder, canonical.
    pub root: PathBuf,
}

impl Out {
    /// Creates the output folder if needed and guards it.
    pub fn create(path: &Path) -> Result<Out> {
        fs::create_dir_all(path).map_err(|e| Error::io(path, e))?;
        let root = path.canonicalize().map_err(|e| Error::io(path, e))?;
        Ok(Out { root })
    }

    /// The absolute path for `relative`, creating its folders; refuses anything that is not a
    /// plain relative path or that would pass through a symbolic link. Also says whether the
    /// file's folder was created just now (then nothing can be in it yet).
    ///
    /// Folders are created first and looked at only when they exist: every lookup of a name
    /// not yet there waits on the parent folder's lock, which the other threads' `mkdir`s hold,
    /// and a cold site export makes thousands of page folders in the same parent.
    fn prepare(&self, relative: &Path) -> Result<(PathBuf, bool)> {
        if !is_plain_relative(relative) || relative.as_os_str().is_empty() {
            return Err(Error::UnsafePath {
                path: relative.to_path_buf(),
                message: "not a plain path inside the output folder".into(),
            });
        }
        let mut dir = self.root.clone();
        let mut created = false;
        if let Some(parent) = relative.parent() {
            for part in parent.iter() {
                dir.push(part);
                match fs::create_dir(&dir) {
                    Ok(()) => {
                        created = true;
                        continue;
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => created = false,
                    Err(e) => return Err(Error::io(&dir, e)),
                }
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
                    Err(e) => return Err(Error::io(&dir, e)),
                }
            }
        }
        let path = self.root.join(relative);
        if !created {
            if let Ok(meta) = fs::symlink_metadata(&path) {
                if meta.file_type().is_symlink() {
                    // Writing through a planted link would write wherever it points: replace the link.
                    fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
                }
            }
        }
        Ok((path, created))
    }

    pub fn write(&self, relative: &Path, bytes: &[u8]) -> Result<()> {
        let (path, _) = self.prepare(relative)?;
        fs::write(&path, bytes).map_err(|e| Error::io(&path, e))
    }

    /// Writes unless the file already holds exactly these bytes. Returns whether it wrote.
    pub fn write_if_changed(&self, relative: &Path, bytes: &[u8]) -> Result<bool> {
        let (path, created) = self.prepare(relative)?;
        if !created
            && fs::symlink_metadata(&path)
                .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
            && fs::read(&path).is_ok_and(|old| old == bytes)
        {
            return Ok(false);
        }
        fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
        Ok(true)
    }

    pub fn copy(&self, source: &Path, relative: &Path) -> Result<bool> {
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
        let (dest, _) = self.prepare(relative)?;
        fs::copy(source, &dest).map_err(|e| Error::io(&dest, e))?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_link_where_a_folder_goes_is_refused_even_when_it_points_nowhere_yet() {
        let dir = tempfile::tempdir().expect("temp");
        let out = Out::create(&dir.path().join("out")).expect("out");
        let target = dir.path().join("elsewhere");
        // Dangling: `mkdir` says the name exists, and the folder must not be created through it.
        std::os::unix::fs::symlink(&target, out.root.join("page")).expect("symlink");
        let err = out
            .write_if_changed(Path::new("page/index.html"), b"x")
            .expect_err("refused");
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert!(!target.exists(), "nothing made where the link points");
    }

    #[test]
    fn the_same_bytes_again_are_not_written_and_new_folders_are_made() {
        let dir = tempfile::tempdir().expect("temp");
        let out = Out::create(&dir.path().join("out")).expect("out");
        let page = Path::new("tags/a/index.html");
        assert!(out.write_if_changed(page, b"one").expect("first"));
        assert!(
            !out.write_if_changed(page, b"one").expect("same"),
            "unchanged"
        );
        assert!(out.write_if_changed(page, b"two").expect("changed"));
        assert_eq!(fs::read(out.root.join(page)).expect("read"), b"two");
    }
}
