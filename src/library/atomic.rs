//! Atomic file writes: a kill at any moment leaves either the old file or the new one.
//!
//! The new bytes go to a temporary file in the same folder (so the rename cannot cross file
//! systems), are flushed to disk, and the temporary file is renamed over the target; then the
//! folder itself is flushed so the rename survives a power cut. Temporary names start with `.`
//! so scans and the watcher pass over them.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, Result};

/// The prefix of Quire's temporary files.
pub const TEMP_PREFIX: &str = ".quire-tmp-";

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// The folder of `path`, and a fresh temporary name in it: beside the target, so the final
/// rename or link never crosses a file system.
fn temp_beside(path: &Path) -> (&Path, std::path::PathBuf) {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(
        "{TEMP_PREFIX}{}-{}-{name}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    (dir, temp)
}

/// Replaces `path` with `bytes` atomically (temp file, fsync, rename, fsync of the folder).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let (dir, temp) = temp_beside(path);
    // Errors name the essay, not the temporary file (which is removed again).
    let result = write_temp(&temp, bytes)
        .map_err(|e| Error::io(path, e))
        .and_then(|()| {
            fs::rename(&temp, path).map_err(|e| Error::io(path, e))?;
            sync_dir(dir);
            Ok(())
        });
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// Writes a file that must not exist yet, as atomically as [`write_atomic`], and never over a
/// file that appeared meanwhile: the durable temporary file is hard-linked under the name, which
/// fails with [`std::io::ErrorKind::AlreadyExists`] if the name is taken, and the temporary name
/// is then removed. A new essay is thus never half-written and never replaces another.
pub fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let (dir, temp) = temp_beside(path);
    let result = write_temp(&temp, bytes).and_then(|()| match fs::hard_link(&temp, path) {
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists && !taken(path) => {
            // A file system without hard links (FAT, some network shares): the name was free
            // just now, which is the best such a file system can tell.
            fs::rename(&temp, path)
        }
        linked => linked,
    });
    // After a link the temporary file is a second name of the essay; after a rename it is gone.
    let _ = fs::remove_file(&temp);
    if result.is_ok() {
        sync_dir(dir);
    }
    result
}

/// Whether anything, even a dangling link, has the name `path`.
fn taken(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

fn write_temp(temp: &PathBuf, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = OpenOptions::new().write(true).create_new(true).open(temp)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Flushes a folder so that a rename or a new name in it is durable.
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Whether a file name is one of Quire's temporary files.
pub fn is_temp_name(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        fs::write(&path, "old").unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_new_file_never_replaces_one_that_is_there_and_leaves_no_temporary_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        write_new(&path, b"first").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "first");
        let refused = write_new(&path, b"second").unwrap_err();
        assert_eq!(refused.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read_to_string(&path).unwrap(), "first");
        #[cfg(unix)]
        {
            // Not through a dangling link either: its target is never created.
            let link = dir.path().join("b.md");
            std::os::unix::fs::symlink(dir.path().join("elsewhere.md"), &link).unwrap();
            assert!(write_new(&link, b"x").is_err());
            assert!(!dir.path().join("elsewhere.md").exists());
        }
        let names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| is_temp_name(n))
            .collect();
        assert!(names.is_empty(), "{names:?}");
    }

    #[test]
    fn a_failed_write_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        // The essay's name fits the file system's 255 bytes but its temporary's does not, so
        // the write fails part way, with the old essay in place (root passes every permission
        // check, so a read-only folder would not fail it).
        let path = dir.path().join(format!("{}.md", "a".repeat(240)));
        fs::write(&path, "old").unwrap();
        let error = write_atomic(&path, b"new").unwrap_err();
        assert!(error.to_string().contains(&"a".repeat(240)), "{error}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary left"
        );
    }
}
