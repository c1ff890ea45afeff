//! A [`Library`] is an essays folder kept in step with the [`Store`]: the part of Quire that
//! never loses a word.
//!
//! Files are the truth. [`Library::scan`] (and the [`watch::Watcher`], path by path) compares
//! each file with what the store last saw, by content hash, so a `touch`, a sync tool rewriting
//! identical bytes, or Quire's own save is never an "outside edit". What did change is taken
//! in with a [`Revision`](crate::store::Revision) and reported as a [`Change`] tagged with its
//! [`Source`]. The writer's working copy is a [`Draft`](crate::store::Draft): autosaved into the
//! store ([`Library::update_draft`]), written to the file atomically by [`Library::save`]. An
//! outside edit to an essay with unsaved changes is merged three ways against the draft's base
//! ([`merge`]); overlapping edits leave a conflict with both versions kept as revisions.
//!
//! The other modules: [`folder`] says which files are essays, [`atomic`] writes them, [`watch`]
//! follows the folder, [`merge`] merges.

pub mod atomic;
pub mod diff;
pub mod folder;
pub mod images;
pub mod merge;
pub mod watch;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender};
use std::sync::{Arc, Mutex, MutexGuard};

use rayon::prelude::*;

use crate::conventions::{Convention, FrontMatterFormat, Generator, NewEssay};
use crate::error::{Error, Result};
use crate::essay::{slugify, Essay, Status};
use crate::markdown::{render_essay, KeepUrls, RenderOptions};
use crate::settings::Settings;
use crate::store::{
    Draft, EssayMeta, EssayRow, FileState, KeptBody, KnownFile, ListedRow, Revision, SearchFilter,
    SearchHit, Source, Store, Tx,
};
use crate::url::resolve_relative;
pub use atomic::write_atomic;
pub use folder::{is_essay_name, Folder, Skipped};
use merge::{Choice, Merge};

/// After this many changes in one batch the search index is merged into one segment.
const OPTIMIZE_AFTER: usize = 200;

/// Files found changed by one scan are read, and written to the store in one transaction, this
/// many at a time.
const BATCH_FILES: usize = 1000;

/// Every essay keeps at least this many of its newest revisions, however old.
const KEEP_REVISIONS: usize = 200;

/// A stable essay identity: survives renames on disk and in the app.
pub type EssayId = i64;

/// What happened to an essay.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ChangeKind {
    /// A new essay file appeared.
    Added,
    /// The file changed; a clean draft took the new text in.
    Modified,
    /// The file changed while the draft had unsaved changes; both merged cleanly.
    Merged,
    /// The file changed in the same places as unsaved changes: resolve the conflict.
    Conflict,
    /// The file is gone (a draft, if any, survives).
    Removed,
    /// The file moved; the essay keeps its history.
    Renamed {
        /// The old path.
        from: String,
    },
    /// The draft was written to the file.
    Saved,
    /// A revision was brought back.
    Restored,
}

/// One change to one essay, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Change {
    /// The essay.
    pub essay: EssayId,
    /// Its path now.
    pub path: Option<String>,
    /// What happened.
    #[serde(flatten)]
    pub kind: ChangeKind,
    /// Who did it.
    pub source: Source,
}

/// What a scan found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanReport {
    /// Essay files seen.
    pub files: usize,
    /// Essays new to the store.
    pub new: usize,
    /// Essays whose content changed.
    pub changed: usize,
    /// Essays whose file is gone.
    pub removed: usize,
    /// Essays found under another name.
    pub renamed: usize,
    /// Files that could not be read (skipped), and essays indexed with a problem (not valid
    /// UTF-8, broken front matter), each with the reason.
    pub unreadable: Vec<Skipped>,
    /// The changes, in order.
    pub changes: Vec<Change>,
}

/// How far a reading of the whole folder has come ([`Library::scan_with`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReadProgress {
    /// Files read so far. Unchanged files are not read, so a folder read before has few.
    pub read: usize,
    /// Files to read in all; 0 until the folder has been walked.
    pub of: usize,
}

/// An essay opened for editing.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OpenedEssay {
    /// The essay.
    pub id: EssayId,
    /// Its file, if it has one yet.
    pub path: Option<String>,
    /// The text to edit: the draft if there is one, else the file.
    pub text: String,
    /// The text differs from the file.
    pub dirty: bool,
    /// An outside edit conflicts with the draft.
    pub conflict: bool,
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The title a new essay gets from what the writer typed (trimmed), or why it can't have it:
/// a blank title is refused. [`Library::create`] asks this first; a caller may ask it before
/// doing anything else, so a blank title changes nothing.
pub fn new_title(title: &str) -> Result<&str> {
    match title.trim() {
        "" => Err(Error::Invalid("give the essay a title".into())),
        title => Ok(title),
    }
}

/// The content hash used everywhere: files, drafts, revisions.
pub fn content_hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

struct Inner {
    folder: Folder,
    library_id: i64,
    store: Mutex<Store>,
    subscribers: Mutex<Vec<Sender<Change>>>,
    exclude: Vec<PathBuf>,
}

/// An essays folder and its store. Cheap to clone; every clone is the same library.
#[derive(Clone)]
pub struct Library {
    inner: Arc<Inner>,
}

/// A day in unix milliseconds.
const DAY_MS: i64 = 24 * 3600 * 1000;

/// Retention: thins history older than a month beyond each essay's newest revisions, at most
/// once a day. Looking for texts nothing refers to any more reads every kept text's hash: ~0.5 s
/// with 100,000 essays, which every start of the app and every command of the CLI paid when
/// each opening of a library pruned.
fn thin_history(tx: &Tx<'_>, now: i64) -> Result<()> {
    // A time ahead of now (the clock was set back) does not put pruning off.
    if tx
        .last_upkeep("prune")?
        .is_some_and(|at| (now - DAY_MS..=now).contains(&at))
    {
        return Ok(());
    }
    tx.prune(KEEP_REVISIONS, now - 30 * DAY_MS)?;
    tx.record_upkeep("prune", now)
}

/// A file as read from disk, before the store is consulted.
struct Seen {
    path: String,
    bytes: Vec<u8>,
    state: FileState,
}

impl Library {
    /// Opens the essays folder `root` with the store at `db`. Does not scan.
    pub fn open(root: &Path, db: &Path) -> Result<Library> {
        let store = Store::open(db)?;
        Library::with_store(root, store)
    }

    /// Opens the essays folder with a store already open.
    pub fn with_store(root: &Path, mut store: Store) -> Result<Library> {
        let folder = Folder::open(root)?;
        let key = folder.canonical_root.to_string_lossy().into_owned();
        let library_id = store.transaction(|tx| tx.library_id(&key))?;
        store.transaction(|tx| thin_history(tx, now_ms()))?;
        // An export folder inside the essays folder is output, not essays.
        let mut settings = Settings::load(&folder.canonical_root).unwrap_or_default();
        settings.adopt(folder.convention.site_facts());
        let out = settings.export_folder(&folder.canonical_root);
        let db = store.path().to_path_buf();
        let inner = Inner {
            folder,
            library_id,
            store: Mutex::new(store),
            subscribers: Mutex::new(Vec::new()),
            exclude: vec![out],
        };
        let library = Library {
            inner: Arc::new(inner),
        };
        library.start_checkpoints(&db);
        Ok(library)
    }

    /// Checkpoints the store's WAL every half second from a thread of its own, so autosaves
    /// never pay for it. The thread ends soon after the last clone of the library is dropped.
    fn start_checkpoints(&self, db: &Path) {
        if db == Path::new(":memory:") {
            return;
        }
        let Some(conn) = crate::store::open_checkpointer(db) else {
            return;
        };
        let weak = Arc::downgrade(&self.inner);
        let _ = std::thread::Builder::new()
            .name("quire-checkpoint".into())
            .spawn(move || loop {
                std::thread::sleep(std::time::Duration::from_millis(500));
                if weak.upgrade().is_none() {
                    return;
                }
                let _ = crate::store::checkpoint(&conn);
            });
    }

    /// The folder.
    pub fn folder(&self) -> &Folder {
        &self.inner.folder
    }

    /// The store file.
    pub fn store_path(&self) -> PathBuf {
        self.store().path().to_path_buf()
    }

    fn store(&self) -> MutexGuard<'_, Store> {
        // A panic elsewhere while holding the lock leaves the connection usable: SQLite rolled
        // the transaction back.
        self.inner
            .store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Changes from now on, from every source, until the receiver is dropped.
    pub fn subscribe(&self) -> Receiver<Change> {
        let (tx, rx) = channel();
        self.subscribers().push(tx);
        rx
    }

    fn subscribers(&self) -> MutexGuard<'_, Vec<Sender<Change>>> {
        self.inner
            .subscribers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn publish(&self, changes: &[Change]) {
        if changes.is_empty() {
            return;
        }
        self.subscribers()
            .retain(|s| changes.iter().all(|c| s.send(c.clone()).is_ok()));
    }

    /// The path relative to the root with `/` separators, as the store keeps it.
    pub fn key(&self, path: &Path) -> Result<String> {
        let root = &self.inner.folder.canonical_root;
        let absolute = if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::env::current_dir()
                .map_err(|e| Error::io(path, e))?
                .join(path)
        };
        // The file may not exist (deleted); resolve its folder instead.
        let parent = absolute.parent().unwrap_or(Path::new("/"));
        let parent = parent.canonicalize().map_err(|e| Error::io(parent, e))?;
        let full = parent.join(absolute.file_name().unwrap_or_default());
        let relative = full.strip_prefix(root).map_err(|_| Error::UnsafePath {
            path: path.to_path_buf(),
            message: format!(
                "is not inside the essays folder {}",
                self.inner.folder.root.display()
            ),
        })?;
        Ok(relative.to_string_lossy().replace('\\', "/"))
    }

    fn absolute(&self, key: &str) -> PathBuf {
        self.inner.folder.canonical_root.join(key)
    }

    /// The path to write `key` to, refused unless its folder is inside the essays folder once
    /// links are resolved and the file itself is not a link: writes never leave the folder.
    fn writable(&self, key: &str) -> Result<PathBuf> {
        let path = self.absolute(key);
        let parent = path.parent().unwrap_or(&self.inner.folder.canonical_root);
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        let real_parent = parent.canonicalize().map_err(|e| Error::io(parent, e))?;
        let is_link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
        if !real_parent.starts_with(&self.inner.folder.canonical_root) || is_link {
            return Err(Error::UnsafePath {
                path,
                message:
                    "leads outside the essays folder through a link; Quire will not write there"
                        .into(),
            });
        }
        Ok(path)
    }

    /// Reads a file's bytes and state, or `None` when it is not there (or not a regular file).
    fn see(&self, key: &str) -> Result<Option<Seen>> {
        let path = self.absolute(key);
        match std::fs::symlink_metadata(&path) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(&path, e)),
        }
        // Resolving the whole path catches a linked folder anywhere on the way, not only a
        // linked file: what lies outside the essays folder is never read, indexed or written.
        let Ok(real) = self.inner.folder.contain(Path::new(key)) else {
            return Ok(None);
        };
        let meta = std::fs::metadata(&real).map_err(|e| Error::io(&path, e))?;
        if !meta.is_file() {
            return Ok(None);
        }
        if meta.len() > crate::essay::MAX_ESSAY_BYTES as u64 {
            return Err(Error::Essay {
                path,
                line: 1,
                message: format!(
                    "file is {:.1} MB; essays are limited to 16 MB",
                    meta.len() as f64 / 1e6
                ),
            });
        }
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let state = FileState {
            hash: content_hash(&bytes),
            size: bytes.len() as i64,
            mtime_ns: mtime_ns(&meta),
        };
        Ok(Some(Seen {
            path: key.to_string(),
            bytes,
            state,
        }))
    }

    /// Whether the store has read this whole folder before: a later scan then only brings it
    /// up to date, and the store's list can be shown meanwhile. A reading that was stopped
    /// (the app closed halfway through 100,000 essays) does not count.
    pub fn known(&self) -> Result<bool> {
        Ok(self
            .store()
            .read()
            .last_upkeep(&self.read_task())?
            .is_some())
    }

    /// The upkeep task recorded once this folder has been read whole.
    fn read_task(&self) -> String {
        format!("read {}", self.inner.library_id)
    }

    /// Brings the store in line with the whole folder. Unchanged files (same size and
    /// modification time as last seen) are not even read.
    pub fn scan(&self) -> Result<ScanReport> {
        self.sweep(Source::Import, None)
    }

    /// [`Library::scan`] for a window that shows the folder while it is read: `progress` is
    /// told how far the reading has come after each batch of files (first with none read, once
    /// the folder has been walked), and stops it by answering false. Essays it adds are not
    /// published one by one ([`Library::subscribe`]): at 100,000 essays that is 100,000
    /// messages, where the window only needs to read its list again now and then. Every other
    /// change (a changed file merged into a draft, a conflict) is published as by a scan.
    pub fn scan_with(&self, progress: &mut dyn FnMut(ReadProgress) -> bool) -> Result<ScanReport> {
        self.sweep(Source::Import, Some(progress))
    }

    /// [`Library::scan`], recording essays it finds for the first time as from `new_source`:
    /// `Import` for an explicit scan, `Disk` when the watcher rescans a folder it is following.
    pub(crate) fn sweep(
        &self,
        new_source: Source,
        mut progress: Option<&mut dyn FnMut(ReadProgress) -> bool>,
    ) -> Result<ScanReport> {
        let (files, skipped) = self.inner.folder.essay_files(&self.inner.exclude);
        let keys: Vec<String> = files
            .iter()
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .collect();
        let known: HashMap<String, KnownFile> = {
            let store = self.store();
            store
                .read()
                .known_files(self.inner.library_id)?
                .into_iter()
                .map(|file| (file.path.clone(), file))
                .collect()
        };
        let mut report = ScanReport {
            files: keys.len(),
            unreadable: skipped,
            ..ScanReport::default()
        };
        let to_read: Vec<&String> = keys
            .par_iter()
            .filter(|key| {
                // The fast path: a file with the size and time we recorded is the file we hashed.
                let unchanged = known.get(*key).and_then(|row| {
                    let meta = std::fs::metadata(self.absolute(key)).ok()?;
                    Some(
                        row.on_disk
                            && row.size == meta.len() as i64
                            && row.mtime_ns == mtime_ns(&meta),
                    )
                });
                unchanged != Some(true)
            })
            .collect();
        let of = to_read.len();
        if let Some(progress) = progress.as_mut() {
            if !progress(ReadProgress { read: 0, of }) {
                return Ok(report);
            }
        }
        let present: HashSet<&str> = keys.iter().map(String::as_str).collect();
        let gone: Vec<EssayId> = known
            .values()
            .filter(|r| r.on_disk && !present.contains(r.path.as_str()))
            .map(|r| r.id)
            .collect();
        // Files are read batch by batch as the store takes them in, so reading overlaps writing
        // and a large first scan never holds the whole folder in memory.
        let unreadable = Mutex::new(Vec::new());
        let read = to_read.chunks(BATCH_FILES).map(|keys| {
            keys.par_iter()
                .filter_map(|key| match self.see(key) {
                    Ok(seen) => seen,
                    Err(e) => {
                        lock(&unreadable).push(Skipped {
                            path: PathBuf::from(key.as_str()),
                            reason: e.to_string(),
                        });
                        None
                    }
                })
                .collect()
        });
        let mut stopped = false;
        let mut told = progress.map(|progress| {
            let stopped = &mut stopped;
            move |read| {
                *stopped = !progress(ReadProgress { read, of });
                !*stopped
            }
        });
        let changes = self.apply(
            read,
            gone,
            new_source,
            told.as_mut().map(|t| t as &mut dyn FnMut(usize) -> bool),
        );
        // Reported in the folder's order, whichever batch found them.
        let mut unreadable = unreadable.into_inner().unwrap_or_else(|p| p.into_inner());
        unreadable.sort_by(|a, b| a.path.cmp(&b.path));
        report.unreadable.extend(unreadable);
        let changes = changes?;
        {
            let store = self.store();
            let tx = store.read();
            for change in changes
                .iter()
                .filter(|c| matches!(c.kind, ChangeKind::Added | ChangeKind::Modified))
            {
                if let Some(EssayRow {
                    problem: Some(problem),
                    path: Some(path),
                    ..
                }) = tx.essay(change.essay)?
                {
                    report.unreadable.push(Skipped {
                        path: PathBuf::from(path),
                        reason: problem,
                    });
                }
            }
        }
        for change in &changes {
            match change.kind {
                ChangeKind::Added => report.new += 1,
                ChangeKind::Removed => report.removed += 1,
                ChangeKind::Renamed { .. } => report.renamed += 1,
                _ => report.changed += 1,
            }
        }
        report.changes = changes;
        if !stopped && !self.known()? {
            let task = self.read_task();
            self.store()
                .transaction(|tx| tx.record_upkeep(&task, now_ms()))?;
        }
        Ok(report)
    }

    /// Brings the store in line with some paths (relative keys), as the watcher reports them.
    pub fn reconcile(&self, keys: &[String]) -> Result<Vec<Change>> {
        let mut fresh = Vec::new();
        let mut gone = Vec::new();
        {
            let store = self.store();
            let tx = store.read();
            for key in keys {
                let row = tx.essay_by_path(self.inner.library_id, key)?;
                match self.see(key) {
                    Ok(Some(seen)) => fresh.push(seen),
                    Ok(None) => gone.extend(row.filter(|r| r.hash.is_some()).map(|r| r.id)),
                    Err(_) => {}
                }
            }
        }
        self.apply(std::iter::once(fresh), gone, Source::Disk, None)
    }

    /// Records what was read from disk: new essays, changed essays (merging with drafts),
    /// renames (a gone essay whose text reappears elsewhere) and removals. With `progress`,
    /// it is told how many files were taken in after each batch, and stops when it answers
    /// false (removals are then left for the next scan); added essays are then not published.
    fn apply(
        &self,
        fresh: impl Iterator<Item = Vec<Seen>> + Send,
        gone: Vec<EssayId>,
        new_source: Source,
        mut progress: Option<&mut dyn FnMut(usize) -> bool>,
    ) -> Result<Vec<Change>> {
        let now = now_ms();
        let mut gone = gone;
        let mut changes = Vec::new();
        // Parsing and rendering (for word counts) is the slow part of reading; it runs on the
        // thread pool, outside the lock, while the batch before is written: SQLite writes on one
        // thread, so on two cores the two overlap.
        let stopped = std::thread::scope(|scope| -> Result<bool> {
            let (send, described) = sync_channel::<Vec<(Seen, Described)>>(1);
            let convention = &self.inner.folder.convention;
            scope.spawn(move || {
                for batch in fresh.filter(|batch| !batch.is_empty()) {
                    let batch = batch
                        .into_par_iter()
                        .map(|seen| {
                            let (meta, body) = describe(&seen.path, &seen.bytes, convention);
                            let words = words_in(&seen.bytes);
                            (seen, Described { meta, body, words })
                        })
                        .collect();
                    if send.send(batch).is_err() {
                        return;
                    }
                }
            });
            // One transaction per batch: a first scan of a large folder neither grows the WAL
            // to the size of the folder nor keeps autosaves waiting until it is done.
            let mut taken = 0;
            for batch in described {
                taken += batch.len();
                let mut store = self.store();
                let landed = store.transaction(|tx| {
                    let mut landed = Vec::new();
                    for (seen, described) in batch {
                        let change =
                            self.take_in_file(tx, &seen, &described, &mut gone, new_source, now)?;
                        landed.extend(change);
                    }
                    Ok(landed)
                })?;
                drop(store);
                match progress.as_mut() {
                    None => self.publish(&landed),
                    Some(_) => {
                        let told: Vec<Change> = landed
                            .iter()
                            .filter(|c| c.kind != ChangeKind::Added)
                            .cloned()
                            .collect();
                        self.publish(&told);
                    }
                }
                changes.extend(landed);
                if let Some(progress) = progress.as_mut() {
                    if !progress(taken) {
                        // Dropping `described` stops the reading thread at its next batch.
                        return Ok(true);
                    }
                }
            }
            Ok(false)
        })?;
        if stopped {
            return Ok(changes);
        }
        if gone.is_empty() && changes.len() < OPTIMIZE_AFTER {
            return Ok(changes);
        }
        let mut store = self.store();
        let landed = store.transaction(|tx| {
            let mut landed = Vec::new();
            for id in gone {
                let row = tx.essay(id)?;
                tx.set_file(id, None)?;
                landed.push(Change {
                    essay: id,
                    path: row.and_then(|r| r.path),
                    kind: ChangeKind::Removed,
                    source: Source::Disk,
                });
            }
            if changes.len() + landed.len() >= OPTIMIZE_AFTER {
                tx.optimize_search()?;
            }
            Ok(landed)
        })?;
        drop(store);
        self.publish(&landed);
        changes.extend(landed);
        Ok(changes)
    }

    /// Records one file read from disk: a new essay, a changed one (merged with its draft), or
    /// a rename of an essay in `gone`. `None` when there is nothing to report.
    #[allow(clippy::too_many_arguments)]
    fn take_in_file(
        &self,
        tx: &Tx<'_>,
        seen: &Seen,
        described: &Described,
        gone: &mut Vec<EssayId>,
        new_source: Source,
        now: i64,
    ) -> Result<Option<Change>> {
        let lib = self.inner.library_id;
        let Described { meta, body, words } = described;
        // Re-check under the lock: a save may have written this file since it was read.
        let current = std::fs::metadata(self.absolute(&seen.path)).ok();
        if current.as_ref().is_some_and(|m| {
            m.len() as i64 != seen.state.size || mtime_ns(m) != seen.state.mtime_ns
        }) {
            return Ok(None);
        }
        let row = tx.essay_by_path(lib, &seen.path)?;
        if let Some(row) = &row {
            if row.hash.as_deref() == Some(seen.state.hash.as_str()) {
                tx.set_file(row.id, Some(&seen.state))?;
                return Ok(None);
            }
        }
        tx.put_text(&seen.state.hash, &seen.bytes)?;
        let (id, kind) = match row {
            Some(row) => (row.id, ChangeKind::Modified),
            None => {
                // Delete + create with the same content is a rename: keep the history.
                let renamed = gone
                    .iter()
                    .position(|id| {
                        tx.latest_revision(*id)
                            .ok()
                            .flatten()
                            .is_some_and(|r| r.hash == seen.state.hash)
                    })
                    .map(|i| gone.remove(i))
                    .or_else(|| {
                        tx.missing_with_hash(lib, &seen.state.hash)
                            .ok()
                            .and_then(|ids| ids.first().copied())
                    });
                match renamed {
                    Some(id) => {
                        let from = tx.essay(id)?.and_then(|r| r.path).unwrap_or_default();
                        tx.set_path(id, Some(&seen.path))?;
                        tx.set_file(id, Some(&seen.state))?;
                        tx.set_meta(id, meta, &body.text, body.kept(&seen.state.hash))?;
                        return Ok(Some(Change {
                            essay: id,
                            path: Some(seen.path.clone()),
                            kind: ChangeKind::Renamed { from },
                            source: Source::Disk,
                        }));
                    }
                    None => (tx.insert_essay(lib, Some(&seen.path))?, ChangeKind::Added),
                }
            }
        };
        let source = if kind == ChangeKind::Added {
            new_source
        } else {
            Source::Disk
        };
        // A new essay has no revision to compare with, nor a draft to merge into.
        let new = kind == ChangeKind::Added;
        let (added, removed) = if new {
            (*words, 0)
        } else {
            word_change(tx, id, &seen.bytes)?
        };
        tx.add_revision(
            id,
            now,
            source,
            &seen.state.hash,
            Some(&seen.path),
            added,
            removed,
        )?;
        tx.set_file(id, Some(&seen.state))?;
        tx.set_meta(id, meta, &body.text, body.kept(&seen.state.hash))?;
        let kind = match if new { None } else { tx.draft(id)? } {
            Some(draft) => take_in(tx, draft, seen, now)?.unwrap_or(kind),
            None => kind,
        };
        Ok(Some(Change {
            essay: id,
            path: Some(seen.path.clone()),
            kind,
            source: Source::Disk,
        }))
    }

    /// Every essay: files, and new essays that exist only as drafts. Essays whose file is gone
    /// and that have no draft are left out (their history stays in the store).
    pub fn essays(&self) -> Result<Vec<EssayRow>> {
        self.store().read().essays(self.inner.library_id)
    }

    /// The list a window shows: the essays [`Library::essays`] lists, with only what a list
    /// row shows of each, in id order: those after `after` (None: from the first), at most
    /// `limit` (None: all). A list of 100,000 essays can be read a page at a time.
    pub fn listing(&self, after: Option<EssayId>, limit: Option<usize>) -> Result<Vec<ListedRow>> {
        self.store()
            .read()
            .listing(self.inner.library_id, after.unwrap_or(EssayId::MIN), limit)
    }

    /// One essay's list row if [`Library::listing`] lists it (None: unknown, or its file is
    /// gone and it has no draft): what changed in the list after a change to one essay.
    pub fn listed_essay(&self, id: EssayId) -> Result<Option<ListedRow>> {
        self.store().read().listed(self.inner.library_id, id)
    }

    /// The essay at a path (absolute, or relative to the current folder) inside the essays folder.
    pub fn find(&self, path: &Path) -> Result<EssayRow> {
        let key = self.key(path)?;
        let store = self.store();
        store
            .read()
            .essay_by_path(self.inner.library_id, &key)?
            .ok_or_else(|| {
                Error::NotFound(format!(
                    "{} is not an essay Quire knows; run `quire index` first",
                    path.display()
                ))
            })
    }

    /// Opens an essay for editing: its draft if it has one, else its file (seen afresh).
    pub fn open_essay(&self, id: EssayId) -> Result<OpenedEssay> {
        self.catch_up(id)?;
        let store = self.store();
        let tx = store.read();
        let row = tx.essay(id)?.ok_or_else(|| unknown(id))?;
        if let Some(draft) = tx.draft(id)? {
            return Ok(OpenedEssay {
                id,
                path: row.path,
                text: draft.text,
                dirty: draft.dirty,
                conflict: draft.theirs_hash.is_some(),
            });
        }
        let hash = row.hash.clone().ok_or_else(|| {
            Error::NotFound(format!(
                "{} has no file and no draft",
                row.path.clone().unwrap_or_default()
            ))
        })?;
        let bytes = tx.text(&hash)?.unwrap_or_default();
        let text = String::from_utf8(bytes).map_err(|_| Error::Essay {
            path: self.absolute(row.path.as_deref().unwrap_or("")),
            line: 1,
            message: "is not valid UTF-8, so Quire shows it read-only and will never save over it; re-save it as UTF-8 in another editor".into(),
        })?;
        Ok(OpenedEssay {
            id,
            path: row.path,
            text,
            dirty: false,
            conflict: false,
        })
    }

    /// Takes in an outside edit of this essay that the watcher has not reported yet, so that
    /// what happens next (opening, saving, restoring) starts from the file as it is now.
    fn catch_up(&self, id: EssayId) -> Result<()> {
        if let Some(path) = self.row(id)?.path {
            self.reconcile(&[path])?;
        }
        Ok(())
    }

    /// Writes `bytes` to the essay's file at `key` (atomically, never through a link out of
    /// the folder) and records it: the text, a revision from `source`, the file's state and its
    /// metadata.
    fn write_and_record(
        &self,
        tx: &Tx<'_>,
        id: EssayId,
        key: &str,
        bytes: &[u8],
        source: Source,
        now: i64,
    ) -> Result<()> {
        let path = self.writable(key)?;
        write_atomic(&path, bytes)?;
        self.record(tx, id, key, &path, bytes, source, now)
    }

    /// Writes `bytes` as a new file named after the title in its front matter (`<slug>.md`, or
    /// `<slug>-2.md` … when that is taken, on disk or in the store), never over a file that
    /// appeared meanwhile, and records it as [`Library::write_and_record`] does. Returns the
    /// file's key.
    fn write_new_and_record(
        &self,
        tx: &Tx<'_>,
        id: EssayId,
        bytes: &[u8],
        source: Source,
        now: i64,
    ) -> Result<String> {
        let text = String::from_utf8_lossy(bytes);
        let convention = &self.inner.folder.convention;
        let essay = Essay::from_source_in(
            Path::new("new.md"),
            Path::new("new.md"),
            text.into_owned(),
            convention,
        )
        .ok();
        let new = self.new_essay(false);
        let folder = if new.folder.is_empty() {
            new.folder
        } else {
            format!("{}/", new.folder)
        };
        let mut base = essay
            .as_ref()
            .and_then(|e| e.front.title.as_deref())
            .map(slugify)
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "untitled".into());
        if new.dated {
            // Jekyll's post date: the front matter's when it has one, else today.
            let date = essay
                .as_ref()
                .and_then(|e| e.front.date.as_ref())
                .map(|d| d.iso_day())
                .unwrap_or_else(|| chrono::Local::now().format("%Y-%m-%d").to_string());
            base = format!("{date}-{base}");
        }
        for n in 1.. {
            let key = if n == 1 {
                format!("{folder}{base}.md")
            } else {
                format!("{folder}{base}-{n}.md")
            };
            // Anything there, even a link, is passed over; a file that appears after this look
            // is refused by `write_new` itself.
            let there = std::fs::symlink_metadata(self.absolute(&key)).is_ok();
            if there || tx.essay_by_path(self.inner.library_id, &key)?.is_some() {
                continue;
            }
            let path = self.writable(&key)?;
            match atomic::write_new(&path, bytes) {
                Ok(()) => {
                    self.record(tx, id, &key, &path, bytes, source, now)?;
                    return Ok(key);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(Error::io(&path, e)),
            }
        }
        unreachable!("some numbered name is free")
    }

    /// How a new essay is written in this folder ([`Convention::new_essay`]). Hugo's and
    /// Zola's folders are looked through for their sections; `formats`: and for the front
    /// matter their posts open with (only a new essay's text needs it; a bounded sample).
    fn new_essay(&self, formats: bool) -> NewEssay {
        /// Enough posts to tell a folder's habit; a huge folder is not read whole for it.
        const SAMPLE: usize = 200;
        let folder = &self.inner.folder;
        let files = match folder.convention.generator {
            Generator::Hugo | Generator::Zola => folder.essay_files(&self.inner.exclude).0,
            Generator::Quire | Generator::Jekyll => Vec::new(),
        };
        let essays: Vec<(String, Option<FrontMatterFormat>)> = files
            .iter()
            .enumerate()
            .map(|(i, file)| {
                let format = (formats && i < SAMPLE)
                    .then(|| front_matter_format(&folder.canonical_root.join(file)))
                    .flatten();
                (file.to_string_lossy().replace('\\', "/"), format)
            })
            .collect();
        folder.convention.new_essay(
            &folder.canonical_root,
            essays.iter().map(|(key, format)| (key.as_str(), *format)),
        )
    }

    /// Records `bytes`, just written to `path` (the file of `key`): the text, a revision from
    /// `source`, the file's state and its metadata.
    #[allow(clippy::too_many_arguments)]
    fn record(
        &self,
        tx: &Tx<'_>,
        id: EssayId,
        key: &str,
        path: &Path,
        bytes: &[u8],
        source: Source,
        now: i64,
    ) -> Result<()> {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        let state = FileState {
            hash: content_hash(bytes),
            size: bytes.len() as i64,
            mtime_ns: mtime_ns(&meta),
        };
        tx.put_text(&state.hash, bytes)?;
        let (added, removed) = word_change(tx, id, bytes)?;
        tx.add_revision(id, now, source, &state.hash, Some(key), added, removed)?;
        tx.set_path(id, Some(key))?;
        tx.set_file(id, Some(&state))?;
        let (meta, body) = describe(key, bytes, &self.inner.folder.convention);
        tx.set_meta(id, &meta, &body.text, body.kept(&state.hash))
    }

    fn row(&self, id: EssayId) -> Result<EssayRow> {
        self.store().read().essay(id)?.ok_or_else(|| unknown(id))
    }

    /// One essay's row (path, title, status …), or an error naming the unknown id.
    pub fn essay(&self, id: EssayId) -> Result<EssayRow> {
        self.row(id)
    }

    /// Autosave: keeps the editor's text as the essay's draft. Cheap enough to call on every
    /// pause in typing.
    pub fn update_draft(&self, id: EssayId, text: &str) -> Result<()> {
        let now = now_ms();
        let mut store = self.store();
        store.transaction(|tx| {
            let row = tx.essay(id)?.ok_or_else(|| unknown(id))?;
            let previous = tx.draft(id)?;
            let base_hash = match &previous {
                Some(d) => d.base_hash.clone(),
                None => row.hash.clone(),
            };
            if previous.is_none() {
                if let Some(hash) = &base_hash {
                    // A draft of a file that is not UTF-8 could only be a lossy copy; saving it
                    // would destroy the original bytes.
                    if tx.text(hash)?.is_some_and(|bytes| std::str::from_utf8(&bytes).is_err()) {
                        return Err(Error::Essay {
                            path: self.absolute(row.path.as_deref().unwrap_or("")),
                            line: 1,
                            message: "is not valid UTF-8, so Quire keeps it read-only and will never save over it; re-save it as UTF-8 in another editor".into(),
                        });
                    }
                }
            }
            let dirty = base_hash.as_deref() != Some(content_hash(text.as_bytes()).as_str());
            let theirs_hash = previous.and_then(|d| d.theirs_hash);
            tx.put_draft(&Draft { essay_id: id, text: text.to_string(), base_hash, dirty, theirs_hash, updated_at: now })
        })
    }

    /// Creates a new essay (the app's New and `quire new`): front matter with the title, today's
    /// date and `status: draft`, kept only as a draft until its first save, which names the
    /// file after its slug. Returns it opened for editing. A blank title is refused.
    pub fn create(&self, title: &str) -> Result<OpenedEssay> {
        let title = new_title(title)?;
        let now = now_ms();
        let today = chrono::Local::now().format("%Y-%m-%d");
        // A JSON string is a valid YAML double-quoted scalar: titles with colons or quotes survive.
        let quoted = serde_json::to_string(title).unwrap_or_else(|_| "\"Untitled\"".into());
        // In a Hugo, Zola or Jekyll folder, that generator's front matter (see conventions).
        let new = self.new_essay(true);
        let text = self
            .inner
            .folder
            .convention
            .new_essay_text(&new, &quoted, &today.to_string());
        let lib = self.inner.library_id;
        let mut store = self.store();
        store.transaction(|tx| {
            let id = tx.insert_essay(lib, None)?;
            let meta = EssayMeta {
                title: title.to_string(),
                slug: slugify(title),
                status: Status::Draft,
                ..EssayMeta::default()
            };
            tx.set_meta(id, &meta, "", None)?;
            tx.put_draft(&Draft {
                essay_id: id,
                text: text.clone(),
                base_hash: None,
                dirty: true,
                theirs_hash: None,
                updated_at: now,
            })?;
            Ok(OpenedEssay {
                id,
                path: None,
                text: text.clone(),
                dirty: true,
                conflict: false,
            })
        })
    }

    /// Writes the draft to the file (atomically) and records a revision. A new essay gets
    /// `<slug>.md`. Refuses while a conflict is unresolved, and takes in an outside edit the
    /// watcher has not reported yet before writing, so a save never overwrites unseen text.
    pub fn save(&self, id: EssayId) -> Result<Change> {
        self.catch_up(id)?;
        let now = now_ms();
        let mut store = self.store();
        let change = store.transaction(|tx| {
            let row = tx.essay(id)?.ok_or_else(|| unknown(id))?;
            let Some(draft) = tx.draft(id)? else {
                // Nothing unsaved: the file already holds the text.
                return Ok(None);
            };
            if draft.theirs_hash.is_some() {
                return Err(Error::Conflict(
                    "this essay has a conflict with an outside edit; resolve it before saving"
                        .into(),
                ));
            }
            let bytes = draft.text.as_bytes();
            let key = match row.path.clone() {
                Some(key) => {
                    self.write_and_record(tx, id, &key, bytes, Source::Save, now)?;
                    key
                }
                None => self.write_new_and_record(tx, id, bytes, Source::Save, now)?,
            };
            tx.delete_draft(id)?;
            Ok(Some(Change {
                essay: id,
                path: Some(key),
                kind: ChangeKind::Saved,
                source: Source::Save,
            }))
        })?;
        drop(store);
        match change {
            Some(change) => {
                self.publish(std::slice::from_ref(&change));
                Ok(change)
            }
            None => Ok(Change {
                essay: id,
                path: self.row(id)?.path,
                kind: ChangeKind::Saved,
                source: Source::Save,
            }),
        }
    }

    /// Renames an essay's file: a bare `new_name` keeps it in its folder, one with a `/` is
    /// relative to the essays folder; a name that is not an essay's (`.md`, `.markdown`) gets
    /// `.md`, so the file stays an essay. History follows it.
    pub fn rename(&self, id: EssayId, new_name: &str) -> Result<Change> {
        let with_md;
        let new_name = if is_essay_name(Path::new(new_name)) {
            new_name
        } else {
            with_md = format!("{new_name}.md");
            &with_md
        };
        // A bare file name stays in the essay's folder (its images, in `assets/` beside it,
        // keep working); a name with a `/` is a path from the essays folder.
        let current = self.row(id)?.path.unwrap_or_default();
        let within = if new_name.contains('/') {
            Path::new("x.md")
        } else {
            Path::new(&current)
        };
        let target = resolve_relative(within, new_name)
            .filter(|p| is_essay_name(p))
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "`{new_name}` is not a .md name inside the essays folder"
                ))
            })?;
        let key = target.to_string_lossy().replace('\\', "/");
        let mut store = self.store();
        let change = store.transaction(|tx| {
            let row = tx.essay(id)?.ok_or_else(|| unknown(id))?;
            if self.absolute(&key).exists()
                || tx.essay_by_path(self.inner.library_id, &key)?.is_some()
            {
                return Err(Error::Exists(format!(
                    "{key} already exists; pick another name"
                )));
            }
            let from = row.path.clone().unwrap_or_default();
            if row.hash.is_some() {
                let to = self.writable(&key)?;
                std::fs::rename(self.absolute(&from), &to).map_err(|e| Error::io(&to, e))?;
            }
            tx.set_path(id, Some(&key))?;
            Ok(Change {
                essay: id,
                path: Some(key.clone()),
                kind: ChangeKind::Renamed { from },
                source: Source::Save,
            })
        })?;
        drop(store);
        self.publish(std::slice::from_ref(&change));
        Ok(change)
    }

    /// Deletes an essay's file. Nothing is lost: its last text (and any unsaved draft) is kept
    /// as a revision, from which [`Library::restore`] brings it back.
    pub fn delete(&self, id: EssayId) -> Result<Change> {
        let now = now_ms();
        let mut store = self.store();
        let change = store.transaction(|tx| {
            let row = tx.essay(id)?.ok_or_else(|| unknown(id))?;
            if let Some(draft) = tx.draft(id)? {
                let hash = content_hash(draft.text.as_bytes());
                tx.put_text(&hash, draft.text.as_bytes())?;
                tx.add_revision(id, now, Source::Delete, &hash, row.path.as_deref(), 0, 0)?;
                tx.delete_draft(id)?;
            }
            if let (Some(key), Some(_)) = (&row.path, &row.hash) {
                let path = self.absolute(key);
                let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
                let hash = content_hash(&bytes);
                tx.put_text(&hash, &bytes)?;
                tx.add_revision(id, now, Source::Delete, &hash, Some(key), 0, 0)?;
                std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
            }
            tx.set_file(id, None)?;
            Ok(Change {
                essay: id,
                path: row.path,
                kind: ChangeKind::Removed,
                source: Source::Delete,
            })
        })?;
        drop(store);
        self.publish(std::slice::from_ref(&change));
        Ok(change)
    }

    /// An essay's revisions, newest first.
    pub fn history(&self, id: EssayId) -> Result<Vec<Revision>> {
        self.store().read().revisions(id)
    }

    /// The text of a revision.
    pub fn revision_text(&self, revision: i64) -> Result<Vec<u8>> {
        let store = self.store();
        let tx = store.read();
        let rev = tx
            .revision(revision)?
            .ok_or_else(|| Error::NotFound(format!("there is no revision {revision}")))?;
        tx.text(&rev.hash)?
            .ok_or_else(|| Error::Pruned(format!("the text of revision {revision} was pruned")))
    }

    /// Brings a revision back: writes it to the essay's file (atomically) and records that as
    /// a new revision. Unsaved changes in a draft are kept as a revision first.
    pub fn restore(&self, id: EssayId, revision: i64) -> Result<Change> {
        self.catch_up(id)?;
        let now = now_ms();
        let mut store = self.store();
        let change = store.transaction(|tx| {
            let row = tx.essay(id)?.ok_or_else(|| unknown(id))?;
            let rev = tx
                .revision(revision)?
                .filter(|r| r.essay_id == id)
                .ok_or_else(|| {
                    Error::NotFound(format!(
                        "revision {revision} does not belong to {}",
                        row.path.clone().unwrap_or_default()
                    ))
                })?;
            let bytes = tx.text(&rev.hash)?.ok_or_else(|| {
                Error::Pruned(format!("the text of revision {revision} was pruned"))
            })?;
            if let Some(draft) = tx.draft(id)? {
                if draft.dirty {
                    let hash = content_hash(draft.text.as_bytes());
                    tx.put_text(&hash, draft.text.as_bytes())?;
                    tx.add_revision(id, now, Source::Editor, &hash, row.path.as_deref(), 0, 0)?;
                }
                tx.delete_draft(id)?;
            }
            let key = match row.path.clone().or(rev.path.clone()) {
                Some(key) => {
                    self.write_and_record(tx, id, &key, &bytes, Source::Restore, now)?;
                    key
                }
                None => self.write_new_and_record(tx, id, &bytes, Source::Restore, now)?,
            };
            Ok(Change {
                essay: id,
                path: Some(key),
                kind: ChangeKind::Restored,
                source: Source::Restore,
            })
        })?;
        drop(store);
        self.publish(std::slice::from_ref(&change));
        Ok(change)
    }

    /// The conflict between the draft and an outside edit, hunk by hunk, if there is one.
    pub fn conflict(&self, id: EssayId) -> Result<Option<Merge>> {
        let store = self.store();
        let tx = store.read();
        let Some(draft) = tx.draft(id)? else {
            return Ok(None);
        };
        let Some(theirs_hash) = &draft.theirs_hash else {
            return Ok(None);
        };
        let theirs = text_of(&tx, theirs_hash)?;
        let base = match &draft.base_hash {
            Some(hash) => text_of(&tx, hash)?,
            None => String::new(),
        };
        Ok(Some(merge::merge(&base, &draft.text, &theirs)))
    }

    /// Resolves a conflict with one choice per conflicting hunk. The result becomes the draft
    /// (unsaved); both original texts are already revisions.
    pub fn resolve(&self, id: EssayId, choices: &[Choice]) -> Result<String> {
        let merge = self
            .conflict(id)?
            .ok_or_else(|| Error::Stale("there is no conflict to resolve".into()))?;
        let text = merge
            .resolve(choices)
            .map_err(|e| Error::Stale(e.to_string()))?;
        let now = now_ms();
        let mut store = self.store();
        store.transaction(|tx| {
            let draft = tx.draft(id)?.ok_or_else(|| unknown(id))?;
            let base_hash = draft.theirs_hash.clone();
            let dirty = base_hash.as_deref() != Some(content_hash(text.as_bytes()).as_str());
            tx.put_draft(&Draft {
                essay_id: id,
                text: text.clone(),
                base_hash,
                dirty,
                theirs_hash: None,
                updated_at: now,
            })
        })?;
        Ok(text)
    }

    /// Resolves a conflict ([`Library::resolve`]) and writes the result to the file at once:
    /// the conflict view's "done". Returns the essay as the editor should now show it.
    pub fn resolve_and_save(&self, id: EssayId, choices: &[Choice]) -> Result<OpenedEssay> {
        self.resolve(id, choices)?;
        self.save(id)?;
        self.open_essay(id)
    }

    /// Full-text search over this library.
    pub fn search(
        &self,
        query: &str,
        filter: &SearchFilter,
        marks: (&str, &str),
    ) -> Result<Vec<SearchHit>> {
        self.store()
            .read()
            .search(self.inner.library_id, query, filter, marks)
    }

    /// Starts following the folder: outside edits arrive as [`Change`]s to subscribers until
    /// the returned watcher is dropped. Follows as the environment asks
    /// ([`watch::Follow::from_env`]: `QUIRE_WATCH=poll` forces polling).
    pub fn watch(&self) -> Result<watch::Watcher> {
        self.watch_with(watch::Follow::from_env())
    }

    /// Starts following the folder the way `follow` says, whatever the environment asks.
    pub fn watch_with(&self, follow: watch::Follow) -> Result<watch::Watcher> {
        watch::Watcher::start(self.clone(), follow, watch::SetUp::Here)
    }

    /// Starts following the folder as [`Library::watch`] does, but returns before the
    /// watcher's thread has set the file-system events up (at 100,000 essays that walks the
    /// folder for about a quarter of a second), for a caller that has the watcher look at the whole
    /// folder next ([`watch::Watcher::look_again`], [`watch::Watcher::read`]): that look
    /// comes after the set-up and takes in what was edited while it went on. Its mode says
    /// events until the set-up says otherwise ([`watch::Watcher::health`] tells it).
    pub fn watch_beside(&self) -> Result<watch::Watcher> {
        watch::Watcher::start(
            self.clone(),
            watch::Follow::from_env(),
            watch::SetUp::Beside,
        )
    }

    pub(crate) fn exclude(&self) -> &[PathBuf] {
        &self.inner.exclude
    }
}

/// A lock that a panic elsewhere left poisoned still guards sound data here.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn unknown(id: EssayId) -> Error {
    Error::NotFound(format!("there is no essay {id}"))
}

fn text_of(tx: &Tx<'_>, hash: &str) -> Result<String> {
    let bytes = tx.text(hash)?.unwrap_or_default();
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn mtime_ns(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// The front matter the file at `path` opens with, read from its first few kilobytes.
fn front_matter_format(path: &Path) -> Option<FrontMatterFormat> {
    use std::io::Read;
    let mut head = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(4096).read_to_end(&mut head))
        .ok()?;
    let head = String::from_utf8_lossy(&head);
    match crate::essay::split(&head) {
        Ok(split) => split.format,
        // Opened but not closed within the head: a long front matter, still of that format.
        Err(_) if head.trim_start_matches('\u{feff}').starts_with("+++") => {
            Some(FrontMatterFormat::Toml)
        }
        Err(_) => Some(FrontMatterFormat::Yaml),
    }
}

/// The searchable body of a file: its text, and the byte offset in the file where it starts.
struct Body {
    text: String,
    start: usize,
}

impl Body {
    /// Where the store finds this body again: the file's kept text `hash`, from `start` on.
    fn kept<'a>(&self, hash: &'a str) -> Option<KeptBody<'a>> {
        let start = self.start;
        Some(KeptBody { hash, start })
    }
}

/// Whitespace-separated words of a file, as revisions count them.
fn words_in(bytes: &[u8]) -> i64 {
    String::from_utf8_lossy(bytes).split_whitespace().count() as i64
}

/// What a file says, worked out before the store is touched.
struct Described {
    meta: EssayMeta,
    body: Body,
    /// [`words_in`] the file: a new essay's first revision adds them all.
    words: i64,
}

/// Metadata and searchable body of a file's bytes. Files that cannot be read as essays are
/// still indexed (with the problem recorded) so that they can be found and fixed.
fn describe(key: &str, bytes: &[u8], convention: &Convention) -> (EssayMeta, Body) {
    let path = Path::new(key);
    match Essay::parse_in(path, path, bytes.to_vec(), convention) {
        Ok(essay) => {
            let words = render_essay(&essay, &RenderOptions::essay(), &KeepUrls)
                .map_or(0, |r| r.words as i64);
            let meta = EssayMeta {
                title: essay.title(),
                slug: essay.slug.clone(),
                status: essay.front.status.clone(),
                date: essay.front.date.map(|d| d.iso_day()),
                tags: essay.front.tags.clone(),
                summary: essay.front.summary.clone(),
                words,
                problem: None,
            };
            let body = Body {
                text: essay.body().to_string(),
                start: essay.body_offset,
            };
            (meta, body)
        }
        Err(e) => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let meta = EssayMeta {
                title: stem.clone(),
                slug: slugify(&stem),
                status: Status::Draft,
                words: text.split_whitespace().count() as i64,
                problem: Some(e.to_string()),
                ..EssayMeta::default()
            };
            // Indexed as read lossily from the start; snippets read the kept bytes the same way.
            (meta, Body { text, start: 0 })
        }
    }
}

/// Words added and removed between the essay's newest revision and `bytes`.
fn word_change(tx: &Tx<'_>, id: EssayId, bytes: &[u8]) -> Result<(i64, i64)> {
    let Some(previous) = tx.latest_revision(id)? else {
        return Ok((words_in(bytes), 0));
    };
    let new = String::from_utf8_lossy(bytes);
    let old = text_of(tx, &previous.hash)?;
    let diff = similar::TextDiff::configure()
        .timeout(std::time::Duration::from_millis(200))
        .diff_words(old.as_str(), new.as_ref());
    let (mut added, mut removed) = (0i64, 0i64);
    for change in diff.iter_all_changes() {
        let words = change.value().split_whitespace().count() as i64;
        match change.tag() {
            similar::ChangeTag::Insert => added += words,
            similar::ChangeTag::Delete => removed += words,
            similar::ChangeTag::Equal => {}
        }
    }
    Ok((added, removed))
}

/// An outside edit arrived for an essay with a draft: clean drafts take it in, dirty ones
/// merge three ways; a conflict keeps the draft and remembers the outside text. Returns the
/// change kind when the draft was involved.
fn take_in(tx: &Tx<'_>, draft: Draft, seen: &Seen, now: i64) -> Result<Option<ChangeKind>> {
    let Ok(theirs) = std::str::from_utf8(&seen.bytes) else {
        // Never merge lossy text into the writer's draft.
        tx.put_draft(&Draft {
            theirs_hash: Some(seen.state.hash.clone()),
            ..draft
        })?;
        return Ok(Some(ChangeKind::Conflict));
    };
    if draft.text == theirs || !draft.dirty {
        // Nothing of the writer's to keep: the draft becomes the file's text, and only a
        // different text is worth reporting as a change to the draft.
        let kind = (draft.text != theirs).then_some(ChangeKind::Modified);
        tx.put_draft(&Draft {
            text: theirs.to_string(),
            base_hash: Some(seen.state.hash.clone()),
            dirty: false,
            theirs_hash: None,
            updated_at: now,
            ..draft
        })?;
        return Ok(kind);
    }
    let base = match &draft.base_hash {
        Some(hash) => text_of(tx, hash)?,
        None => String::new(),
    };
    // Keep the writer's side in history before anything else happens to it.
    let mine_hash = content_hash(draft.text.as_bytes());
    tx.put_text(&mine_hash, draft.text.as_bytes())?;
    tx.add_revision(
        draft.essay_id,
        now,
        Source::Editor,
        &mine_hash,
        Some(&seen.path),
        0,
        0,
    )?;
    let merged = merge::merge(&base, &draft.text, theirs);
    match merged.text() {
        Some(text) => {
            let dirty = text != theirs;
            tx.put_draft(&Draft {
                text,
                base_hash: Some(seen.state.hash.clone()),
                dirty,
                theirs_hash: None,
                updated_at: now,
                ..draft
            })?;
            Ok(Some(ChangeKind::Merged))
        }
        None => {
            tx.put_draft(&Draft {
                theirs_hash: Some(seen.state.hash.clone()),
                updated_at: now,
                ..draft
            })?;
            Ok(Some(ChangeKind::Conflict))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Adds `n` revisions of essay `id` recorded at `at`, each with a text of its own.
    fn old_revisions(tx: &Tx<'_>, id: i64, first: usize, n: usize, at: i64) -> Result<()> {
        for i in first..first + n {
            let hash = format!("h{i}");
            tx.put_text(&hash, hash.as_bytes())?;
            tx.add_revision(id, at, Source::Save, &hash, Some("a.md"), 0, 0)?;
        }
        Ok(())
    }

    #[test]
    fn old_history_is_thinned_once_a_day() {
        let mut store = Store::in_memory().unwrap();
        let now = 400 * DAY_MS;
        let kept = |store: &mut Store, id| store.transaction(|tx| Ok(tx.revisions(id)?.len()));
        let id = store
            .transaction(|tx| {
                let id = tx.insert_essay(tx.library_id("/e")?, Some("a.md"))?;
                old_revisions(tx, id, 0, KEEP_REVISIONS + 5, 0)?;
                thin_history(tx, now)?;
                Ok(id)
            })
            .unwrap();
        assert_eq!(kept(&mut store, id).unwrap(), KEEP_REVISIONS);
        // More old history, looked at again the same day: left for tomorrow.
        store
            .transaction(|tx| {
                old_revisions(tx, id, 1000, 5, 0)?;
                thin_history(tx, now + 3_600_000)
            })
            .unwrap();
        assert_eq!(kept(&mut store, id).unwrap(), KEEP_REVISIONS + 5);
        store
            .transaction(|tx| thin_history(tx, now + DAY_MS + 1))
            .unwrap();
        assert_eq!(kept(&mut store, id).unwrap(), KEEP_REVISIONS);
        // A clock set back does not put pruning off.
        store
            .transaction(|tx| {
                old_revisions(tx, id, 2000, 5, 0)?;
                thin_history(tx, now - 2 * DAY_MS)
            })
            .unwrap();
        assert_eq!(kept(&mut store, id).unwrap(), KEEP_REVISIONS);
    }
}
