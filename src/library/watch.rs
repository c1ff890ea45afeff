//! The [`Watcher`]: follows an essays folder while other programs change it.
//!
//! It watches the folder recursively (directories, not single files, so editors that save by
//! writing a temporary file and renaming it over the original are seen), collects events
//! until the folder has been quiet for [`QUIET`] (at most [`MAX_WAIT`]), classifies each path
//! ([`classify`]) and hands the essay paths to [`Library::reconcile`], which decides by content
//! hash what really changed. Whatever it cannot follow event by event (a queue overflow, a
//! folder created or moved, a watch error) triggers a full [`Library::scan`]. When inotify
//! watches run out it falls back to polling and says so in [`Watcher::mode`]. Dropping the
//! watcher stops it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use notify::{Event, EventKind, RecursiveMode, Watcher as _};

use super::{atomic, is_essay_name, Library};
use crate::error::{Error, Result};

/// How long the folder must be quiet before a burst of events is handled.
pub const QUIET: Duration = Duration::from_millis(40);

/// The longest a burst is held back, so a folder that never goes quiet still gets handled.
pub const MAX_WAIT: Duration = Duration::from_millis(250);

/// How the folder is being followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchMode {
    /// File-system events (inotify on Linux).
    Events,
    /// Polling, because events are not available; the reason says why.
    Polling(String),
}

/// What a path in an event means to the library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathKind {
    /// An essay file: reconcile it.
    Essay(String),
    /// A folder (or something unknown) changed: rescan everything.
    Rescan,
    /// Nothing Quire follows (temporary files, hidden or theme folders, other files).
    Ignore,
}

/// Decides what a changed path means, relative to the (canonical) root.
pub fn classify(root: &Path, exclude: &[PathBuf], path: &Path) -> PathKind {
    let Ok(relative) = path.strip_prefix(root) else {
        return PathKind::Ignore;
    };
    if exclude.iter().any(|x| path.starts_with(x)) {
        return PathKind::Ignore;
    }
    let names: Vec<String> = relative
        .iter()
        .map(|c| c.to_string_lossy().into_owned())
        .collect();
    let Some((file, folders)) = names.split_last() else {
        return PathKind::Rescan;
    };
    if folders
        .iter()
        .any(|f| f.starts_with('.') || f.starts_with('_'))
        || atomic::is_temp_name(file)
    {
        return PathKind::Ignore;
    }
    if file.starts_with('.') || file.starts_with('_') && path.is_dir() {
        return PathKind::Ignore;
    }
    if is_essay_name(path) && !path.is_dir() {
        return PathKind::Essay(names.join("/"));
    }
    if path.is_dir() {
        return PathKind::Rescan;
    }
    PathKind::Ignore
}

/// Follows a library's folder until dropped.
pub struct Watcher {
    mode: WatchMode,
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
    // Kept alive for as long as the watcher runs; dropping it stops the events.
    _source: Box<dyn notify::Watcher + Send>,
}

impl Watcher {
    pub(crate) fn start(library: Library) -> Result<Watcher> {
        let root = library.folder().canonical_root.clone();
        let (events_tx, events) = channel::<notify::Result<Event>>();
        let (source, mode) = match native(&root, events_tx.clone()) {
            Ok(source) => (source, WatchMode::Events),
            Err(reason) => (polling(&root, events_tx)?, WatchMode::Polling(reason)),
        };
        let (stop_tx, stop) = channel::<()>();
        let exclude = library.exclude().to_vec();
        let thread = std::thread::Builder::new()
            .name("quire-watch".into())
            .spawn(move || follow(&library, &root, &exclude, &events, &stop))
            .map_err(|e| Error::Invalid(format!("could not start the folder watcher: {e}")))?;
        Ok(Watcher {
            mode,
            stop: Some(stop_tx),
            thread: Some(thread),
            _source: source,
        })
    }

    /// Events or polling, and why.
    pub fn mode(&self) -> &WatchMode {
        &self.mode
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn native(
    root: &Path,
    tx: Sender<notify::Result<Event>>,
) -> std::result::Result<Box<dyn notify::Watcher + Send>, String> {
    // Linked folders are not followed: what they point at is outside the essays folder.
    let config = notify::Config::default().with_follow_symlinks(false);
    let mut watcher = notify::RecommendedWatcher::new(
        move |event| {
            let _ = tx.send(event);
        },
        config,
    )
    .map_err(|e| describe_watch_error(&e))?;
    watcher
        .watch(root, RecursiveMode::Recursive)
        .map_err(|e| describe_watch_error(&e))?;
    Ok(Box::new(watcher))
}

fn polling(
    root: &Path,
    tx: Sender<notify::Result<Event>>,
) -> Result<Box<dyn notify::Watcher + Send>> {
    let config = notify::Config::default()
        .with_poll_interval(Duration::from_secs(1))
        .with_compare_contents(false)
        .with_follow_symlinks(false);
    let mut watcher = notify::PollWatcher::new(
        move |event| {
            let _ = tx.send(event);
        },
        config,
    )
    .map_err(|e| Error::Invalid(format!("could not watch {}: {e}", root.display())))?;
    watcher
        .watch(root, RecursiveMode::Recursive)
        .map_err(|e| Error::Invalid(format!("could not watch {}: {e}", root.display())))?;
    Ok(Box::new(watcher))
}

fn describe_watch_error(error: &notify::Error) -> String {
    match &error.kind {
        notify::ErrorKind::MaxFilesWatch => {
            "the system's limit of inotify watches is reached (raise fs.inotify.max_user_watches); polling every second instead".into()
        }
        notify::ErrorKind::Io(e) if e.raw_os_error() == Some(28) => {
            "the system's limit of inotify watches is reached (raise fs.inotify.max_user_watches); polling every second instead".into()
        }
        _ => format!("file-system events are not available ({error}); polling every second instead"),
    }
}

/// The watcher thread: gather a burst, then reconcile it.
fn follow(
    library: &Library,
    root: &Path,
    exclude: &[PathBuf],
    events: &Receiver<notify::Result<Event>>,
    stop: &Receiver<()>,
) {
    let tick = Duration::from_millis(20);
    loop {
        let mut paths = BTreeSet::new();
        let mut rescan = false;
        let mut first: Option<Instant> = None;
        let mut last = Instant::now();
        loop {
            if matches!(
                stop.try_recv(),
                Err(std::sync::mpsc::TryRecvError::Disconnected) | Ok(())
            ) {
                return;
            }
            match events.recv_timeout(tick) {
                Ok(Ok(event)) => {
                    first.get_or_insert_with(Instant::now);
                    last = Instant::now();
                    if event.need_rescan() {
                        rescan = true;
                    }
                    note(root, exclude, &event, &mut paths, &mut rescan);
                }
                Ok(Err(_)) => {
                    // A failed or missing watch: only a full look can be trusted now.
                    first.get_or_insert_with(Instant::now);
                    rescan = true;
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
            if let Some(started) = first {
                if last.elapsed() >= QUIET || started.elapsed() >= MAX_WAIT {
                    break;
                }
            }
        }
        // A failure here (a locked store, a full disk) is retried by the next burst or scan;
        // the folder itself is never touched by the watcher.
        if rescan {
            let _ = library.scan();
        } else if !paths.is_empty() {
            let keys: Vec<String> = paths.into_iter().collect();
            let _ = library.reconcile(&keys);
        }
    }
}

fn note(
    root: &Path,
    exclude: &[PathBuf],
    event: &Event,
    paths: &mut BTreeSet<String>,
    rescan: &mut bool,
) {
    if matches!(event.kind, EventKind::Access(_)) {
        return;
    }
    for path in &event.paths {
        match classify(root, exclude, path) {
            PathKind::Essay(key) => {
                paths.insert(key);
            }
            PathKind::Rescan => *rescan = true,
            PathKind::Ignore => {}
        }
    }
    // A folder moved or removed leaves no path to stat: only a scan can tell what went.
    if matches!(
        event.kind,
        EventKind::Remove(notify::event::RemoveKind::Folder)
    ) || (matches!(
        event.kind,
        EventKind::Modify(notify::event::ModifyKind::Name(_))
    ) && event
        .paths
        .iter()
        .any(|p| p.extension().is_none() && !p.exists()))
    {
        *rescan = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_essays_temporaries_and_hidden_folders() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("sub")).unwrap();
        let c = |p: &str| classify(root, &[root.join("public")], &root.join(p));
        assert_eq!(c("a.md"), PathKind::Essay("a.md".into()));
        assert_eq!(c("sub/b.md"), PathKind::Essay("sub/b.md".into()));
        assert_eq!(c(".quire-tmp-1-2-a.md"), PathKind::Ignore);
        assert_eq!(c(".a.md.swp"), PathKind::Ignore);
        assert_eq!(c(".git/x.md"), PathKind::Ignore);
        assert_eq!(c("_theme/base.html"), PathKind::Ignore);
        assert_eq!(c("public/a/index.md"), PathKind::Ignore);
        assert_eq!(c("notes.txt"), PathKind::Ignore);
        assert_eq!(c("sub"), PathKind::Rescan);
    }
}
