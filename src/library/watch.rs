//! The [`Watcher`]: follows an essays folder while other programs change it.
//!
//! It watches the folder recursively (directories, not single files, so editors that save by
//! writing a temporary file and renaming it over the original are seen), collects events
//! until the folder has been quiet for [`QUIET`] (at most [`MAX_WAIT`]), classifies each path
//! ([`classify`]) and hands the essay paths to [`Library::reconcile`], which decides by content
//! hash what really changed. Whatever it cannot follow event by event (a queue overflow, a
//! folder created or moved, a watch error) triggers a full rescan. When file-system events
//! are not to be had (inotify watches run out, at the start or later) it polls instead: a
//! rescan every [`POLL_EVERY`], which the size-and-time shortcut keeps cheap. [`Follow`] says
//! which the caller wants (`QUIRE_WATCH=poll` forces polling, see [`Follow::from_env`]);
//! [`Watcher::mode`] says which it has and why, and [`Watcher::health`] tells a turn to polling
//! as it happens. A look at the folder that fails (a locked or broken store, a full disk) is
//! never dropped: [`Watcher::health`] tells it, once per run of failures, and again when
//! looking works, and the watcher keeps retrying every [`POLL_EVERY`] in between. A folder
//! never read before is read by the watcher too ([`Watcher::read`]), so that its reading and
//! the watcher's own looks never overlap.
//! Dropping the watcher stops it, a reading halfway through included.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use notify::{Event, EventKind, RecursiveMode, Watcher as _};

use super::{atomic, is_essay_name, lock, Library, ReadProgress};
use crate::conventions::Convention;
use crate::error::{Error, ErrorKind, Result};
use crate::store::Source;

/// How long the folder must be quiet before a burst of events is handled.
pub const QUIET: Duration = Duration::from_millis(40);

/// The longest a burst is held back, so a folder that never goes quiet still gets handled.
pub const MAX_WAIT: Duration = Duration::from_millis(250);

/// How often a polling watcher looks at the folder. A rescan with nothing changed costs
/// about 45 ms for 10,000 essays, so this keeps polling near 2% of one core.
pub const POLL_EVERY: Duration = Duration::from_secs(2);

/// How the folder is being followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchMode {
    /// File-system events (inotify on Linux).
    Events,
    /// Polling, because events are not available or polling was asked for; the reason says
    /// why, in a sentence for the writer.
    Polling(String),
}

/// How the watcher is taking outside edits in, told to [`Watcher::health`]'s receivers when it
/// changes. Serialised as `{"state": "polling", "message"}`, `{"state": "failing", "kind",
/// "message"}` or `{"state": "working"}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum WatchHealth {
    /// The folder is looked at every few seconds rather than followed event by event, from its
    /// set-up on or from the moment events ran out (it never turns back): the reason, in a
    /// sentence for the writer, as [`WatchMode::Polling`] says it.
    Polling {
        /// Why, and how often it looks.
        message: String,
    },
    /// Looking at the folder failed: outside edits are not taken in until it works again.
    Failing {
        /// What kind of failure (`store`, `io`, …).
        kind: ErrorKind,
        /// The failure, in a sentence for the writer.
        message: String,
    },
    /// Looking at the folder works again after a failure.
    Working,
}

/// Tells the watcher's receivers how it is doing, only when that changes, and a receiver that
/// comes later how it is doing now.
#[derive(Clone, Default)]
struct Health(Arc<Mutex<Told>>);

#[derive(Default)]
struct Told {
    receivers: Vec<Sender<WatchHealth>>,
    /// Why the watcher polls, once it does.
    polling: Option<String>,
    /// The [`WatchHealth::Failing`] last told, while the failure lasts.
    failing: Option<WatchHealth>,
}

impl Told {
    fn tell(&mut self, news: WatchHealth) {
        self.receivers.retain(|r| r.send(news.clone()).is_ok());
    }
}

impl Health {
    /// Takes the outcome of one look at the folder; returns whether it failed.
    fn record<T>(&self, outcome: Result<T>) -> bool {
        let mut told = lock(&self.0);
        let news = match outcome {
            Ok(_) => told.failing.take().map(|_| WatchHealth::Working),
            Err(error) => {
                let now = WatchHealth::Failing {
                    kind: error.kind(),
                    message: error.to_string(),
                };
                let news = (told.failing.as_ref() != Some(&now)).then(|| now.clone());
                told.failing = Some(now);
                news
            }
        };
        if let Some(news) = news {
            told.tell(news);
        }
        told.failing.is_some()
    }

    /// The watcher polls from now on, for `reason`.
    fn poll(&self, reason: String) {
        let mut told = lock(&self.0);
        told.polling = Some(reason.clone());
        told.tell(WatchHealth::Polling { message: reason });
    }

    fn mode(&self) -> WatchMode {
        lock(&self.0)
            .polling
            .clone()
            .map_or(WatchMode::Events, WatchMode::Polling)
    }

    fn subscribe(&self) -> Receiver<WatchHealth> {
        let (tx, rx) = channel();
        let mut told = lock(&self.0);
        // A receiver that arrives while the watcher polls, or during a failure, hears of it at once.
        if let Some(reason) = &told.polling {
            let _ = tx.send(WatchHealth::Polling {
                message: reason.clone(),
            });
        }
        if let Some(now) = &told.failing {
            let _ = tx.send(now.clone());
        }
        told.receivers.push(tx);
        rx
    }
}

/// How the caller wants the folder followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Follow {
    /// File-system events, falling back to polling when they are not available.
    Automatic,
    /// Polling only: a rescan every `every`. For folders whose events cannot be trusted
    /// (some network and virtual file systems), and to exercise the fallback in tests.
    Polling { every: Duration },
}

impl Follow {
    /// What the environment asks for: `QUIRE_WATCH=poll` forces polling every
    /// [`POLL_EVERY`]; anything else (or nothing) is [`Follow::Automatic`]. Read by
    /// [`Library::watch`], so the CLI and the desktop app both honour it.
    pub fn from_env() -> Follow {
        Follow::from_setting(std::env::var("QUIRE_WATCH").ok().as_deref())
    }

    fn from_setting(setting: Option<&str>) -> Follow {
        match setting.map(str::trim) {
            Some(s) if s.eq_ignore_ascii_case("poll") || s.eq_ignore_ascii_case("polling") => {
                Follow::Polling { every: POLL_EVERY }
            }
            _ => Follow::Automatic,
        }
    }
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

/// Decides what a changed path means, relative to the (canonical) root of a folder of
/// `convention`: the same files [`Folder::essay_files`](super::Folder::essay_files) finds.
pub fn classify(
    root: &Path,
    convention: &Convention,
    exclude: &[PathBuf],
    path: &Path,
) -> PathKind {
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
    let hidden = |name: &str| name.starts_with('.') || name.starts_with('_');
    if folders
        .iter()
        .any(|f| hidden(f) && !convention.enters_hidden_folder(f))
        || atomic::is_temp_name(file)
    {
        return PathKind::Ignore;
    }
    if hidden(file) && !(path.is_dir() && convention.enters_hidden_folder(file)) {
        return PathKind::Ignore;
    }
    if is_essay_name(path) && !path.is_dir() && convention.is_essay(relative) {
        return PathKind::Essay(names.join("/"));
    }
    if path.is_dir() {
        return PathKind::Rescan;
    }
    PathKind::Ignore
}

/// Asks the watcher's thread to look at the whole folder now ([`Watcher::look_again`]), or
/// to read it with its progress told ([`Watcher::read`]). The thread stops when the sender
/// is dropped.
struct LookAgain(Option<Reading>);

/// A reading asked for with [`Watcher::read`]: told as it goes, and when it is over.
struct Reading {
    progress: Box<dyn FnMut(ReadProgress) + Send>,
    done: Box<dyn FnOnce() + Send>,
}

/// Follows a library's folder until dropped.
pub struct Watcher {
    health: Health,
    asks: Option<Sender<LookAgain>>,
    /// Set when the watcher is dropped: a reading stops at its next batch.
    stopping: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// Whether [`Watcher::start`] waits for its thread to set the file-system events up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SetUp {
    /// It waits: every edit from the watcher's return on is followed.
    Here,
    /// It does not: the set-up goes on beside the caller, which has the watcher look at the
    /// whole folder next ([`Watcher::look_again`], [`Watcher::read`]: asked for at once, the
    /// look still comes after the set-up, and finds what was edited meanwhile).
    Beside,
}

impl Watcher {
    pub(crate) fn start(library: Library, follow: Follow, set_up: SetUp) -> Result<Watcher> {
        let root = library.folder().canonical_root.clone();
        let (events_tx, events) = channel::<notify::Result<Event>>();
        let every = match follow {
            Follow::Polling { every } => every,
            Follow::Automatic => POLL_EVERY,
        };
        let (settle, settled) = channel::<()>();
        let (asks_tx, asks) = channel::<LookAgain>();
        let exclude = library.exclude().to_vec();
        let health = Health::default();
        let told = health.clone();
        let stopping = Arc::new(AtomicBool::new(false));
        let stop = Arc::clone(&stopping);
        let thread = std::thread::Builder::new()
            .name("quire-watch".into())
            .spawn(move || {
                // inotify's watches are set up by walking the whole folder, files too: about a
                // quarter of a second at 100,000 essays, which a window's start need not wait
                // for. Kept for as long as the thread runs; dropping it stops the events.
                let source = match follow {
                    Follow::Polling { every } => {
                        told.poll(format!(
                            "polling was asked for (QUIRE_WATCH=poll); checking for outside edits {}",
                            every_phrase(every)
                        ));
                        None
                    }
                    Follow::Automatic => match native(&root, events_tx) {
                        Ok(source) => Some(source),
                        Err(error) => {
                            told.poll(fall_back(&error));
                            None
                        }
                    },
                };
                let _ = settle.send(());
                let follower = Follower {
                    library: &library,
                    health: &told,
                    events: &events,
                    asks: &asks,
                    stopping: &stop,
                };
                if source.is_none() || follower.events(&root, &exclude) {
                    follower.poll(every);
                }
                drop(source);
            })
            .map_err(|e| Error::Internal(format!("could not start the folder watcher: {e}")))?;
        if set_up == SetUp::Here {
            // Told once set up, or disconnected if the thread could not be: either way, over.
            let _ = settled.recv();
        }
        Ok(Watcher {
            health,
            asks: Some(asks_tx),
            stopping,
            thread: Some(thread),
        })
    }

    /// Events or polling, and why, as far as known now: known once [`Library::watch`] returns;
    /// for [`Library::watch_beside`], events until its set-up says otherwise. Can change from
    /// events to polling while the watcher runs, when inotify watches run out for a folder
    /// created later. [`Watcher::health`] tells every turn to polling when it happens.
    pub fn mode(&self) -> WatchMode {
        self.health.mode()
    }

    /// How outside edits are being taken in: a [`WatchHealth::Polling`] when the watcher
    /// polls (at once if it does now), a [`WatchHealth::Failing`] when a look at the folder
    /// fails (at once if one is failing now), a [`WatchHealth::Working`] when looking works
    /// again. Nothing while events are followed and all is well.
    pub fn health(&self) -> Receiver<WatchHealth> {
        self.health.subscribe()
    }

    /// Has the watcher look at the whole folder soon, as after an event it could not place:
    /// for a folder opened without a scan. What it finds, and whether looking fails, is told
    /// as for any other look (and a failed look is tried again).
    pub fn look_again(&self) {
        if let Some(asks) = &self.asks {
            let _ = asks.send(LookAgain(None));
        }
    }

    /// Has the watcher read the whole folder, as a first reading of it
    /// ([`Library::scan_with`]): `progress` is told how far it has come after each batch of
    /// files, and `done` when it is over, whether it was read whole, failed (told by
    /// [`Watcher::health`], and looked at again later) or was stopped by dropping the watcher.
    /// Edits made meanwhile are taken in after it.
    pub fn read(
        &self,
        progress: impl FnMut(ReadProgress) + Send + 'static,
        done: impl FnOnce() + Send + 'static,
    ) {
        let reading = Reading {
            progress: Box::new(progress),
            done: Box::new(done),
        };
        match &self.asks {
            Some(asks) => {
                if let Err(unsent) = asks.send(LookAgain(Some(reading))) {
                    if let Some(reading) = unsent.0 .0 {
                        (reading.done)();
                    }
                }
            }
            None => (reading.done)(),
        }
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        drop(self.asks.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn native(
    root: &Path,
    tx: Sender<notify::Result<Event>>,
) -> std::result::Result<Box<dyn notify::Watcher + Send>, notify::Error> {
    // Linked folders are not followed: what they point at is outside the essays folder.
    let config = notify::Config::default().with_follow_symlinks(false);
    let mut watcher = notify::RecommendedWatcher::new(
        move |event| {
            let _ = tx.send(event);
        },
        config,
    )?;
    watcher.watch(root, RecursiveMode::Recursive)?;
    Ok(Box::new(watcher))
}

/// File-system events could not be had: why the watcher polls instead, in the writer's terms.
fn fall_back(error: &notify::Error) -> String {
    let every = every_phrase(POLL_EVERY);
    if limit_reached(error) {
        format!(
            "the system's limit of inotify watches is reached (raise fs.inotify.max_user_watches); checking for outside edits {every} instead"
        )
    } else {
        format!("file-system events are not available ({error}); checking for outside edits {every} instead")
    }
}

/// Whether an error means the system ran out of inotify watches. notify reports it as
/// `MaxFilesWatch`; the raw ENOSPC (28) is what inotify_add_watch itself returns.
fn limit_reached(error: &notify::Error) -> bool {
    match &error.kind {
        notify::ErrorKind::MaxFilesWatch => true,
        notify::ErrorKind::Io(e) => e.raw_os_error() == Some(28),
        _ => false,
    }
}

fn every_phrase(every: Duration) -> String {
    if every == Duration::from_secs(1) {
        "every second".into()
    } else if every.subsec_millis() == 0 {
        format!("every {} seconds", every.as_secs())
    } else {
        format!("every {} ms", every.as_millis())
    }
}

/// What the watcher thread works with.
struct Follower<'a> {
    library: &'a Library,
    health: &'a Health,
    events: &'a Receiver<notify::Result<Event>>,
    /// Asks to look again; disconnected when the watcher is dropped.
    asks: &'a Receiver<LookAgain>,
    /// Set when the watcher is dropped.
    stopping: &'a AtomicBool,
}

impl Follower<'_> {
    /// One look at the whole folder: a reading with its progress told when one was asked for
    /// (its essays recorded as imported), else a rescan.
    fn look(&self, reading: Option<Reading>) -> bool {
        let Some(Reading { mut progress, done }) = reading else {
            return self.health.record(self.library.sweep(Source::Disk, None));
        };
        let outcome = self.library.scan_with(&mut |now| {
            progress(now);
            !self.stopping.load(Ordering::SeqCst)
        });
        done();
        self.health.record(outcome)
    }

    /// The polling watcher thread: a rescan every `every`, until stopped. Events that a native
    /// watcher still delivers (for the folders it did get) are dropped: the rescan sees it all.
    fn poll(&self, every: Duration) {
        loop {
            let reading = match self.asks.recv_timeout(every) {
                Ok(LookAgain(reading)) => reading,
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => return,
            };
            while self.events.try_recv().is_ok() {}
            // A failure (a locked store, a full disk) is told, and retried next round.
            self.look(reading);
        }
    }

    /// The event watcher thread: gather a burst, then reconcile it. Returns `true` when it has
    /// to give way to polling (inotify watches ran out), `false` when stopped.
    fn events(&self, root: &Path, exclude: &[PathBuf]) -> bool {
        let tick = Duration::from_millis(20);
        // After a failed look, when to look at everything again even if no event comes: the
        // edits the failed look missed are taken in as soon as the store works again.
        let mut retry: Option<Instant> = None;
        loop {
            let mut paths = BTreeSet::new();
            let mut rescan = false;
            let mut reading: Option<Reading> = None;
            let mut first: Option<Instant> = None;
            let mut last = Instant::now();
            loop {
                match self.asks.try_recv() {
                    Ok(LookAgain(asked)) => {
                        first.get_or_insert_with(Instant::now);
                        rescan = true;
                        // One look serves both; the earlier reading is told it is over.
                        if let Some(earlier) = asked.and_then(|asked| reading.replace(asked)) {
                            (earlier.done)();
                        }
                    }
                    Err(std::sync::mpsc::TryRecvError::Disconnected) => return false,
                    Err(std::sync::mpsc::TryRecvError::Empty) => {}
                }
                match self.events.recv_timeout(tick) {
                    Ok(Ok(event)) => {
                        first.get_or_insert_with(Instant::now);
                        last = Instant::now();
                        if event.need_rescan() {
                            rescan = true;
                        }
                        let convention = &self.library.folder().convention;
                        note(root, convention, exclude, &event, &mut paths, &mut rescan);
                    }
                    Ok(Err(error)) if limit_reached(&error) => {
                        // A folder created later could not be watched: events would miss it
                        // for good, so look at everything now and poll from here on.
                        self.health.poll(fall_back(&error));
                        self.look(reading);
                        return true;
                    }
                    Ok(Err(_)) => {
                        // A failed or missing watch: only a full look can be trusted now.
                        first.get_or_insert_with(Instant::now);
                        rescan = true;
                    }
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => return false,
                }
                if let Some(started) = first {
                    if last.elapsed() >= QUIET || started.elapsed() >= MAX_WAIT {
                        break;
                    }
                }
                if retry.is_some_and(|at| Instant::now() >= at) {
                    rescan = true;
                    break;
                }
            }
            // The folder itself is never touched by the watcher; a failure is told and the
            // whole folder looked at again a little later.
            let failed = if rescan {
                self.look(reading)
            } else if !paths.is_empty() {
                let keys: Vec<String> = paths.into_iter().collect();
                self.health.record(self.library.reconcile(&keys))
            } else {
                // A burst of nothing Quire follows looked at nothing: a pending retry stays.
                continue;
            };
            retry = failed.then(|| Instant::now() + POLL_EVERY);
        }
    }
}

fn note(
    root: &Path,
    convention: &Convention,
    exclude: &[PathBuf],
    event: &Event,
    paths: &mut BTreeSet<String>,
    rescan: &mut bool,
) {
    if matches!(event.kind, EventKind::Access(_)) {
        return;
    }
    for path in &event.paths {
        match classify(root, convention, exclude, path) {
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
        let quire = Convention::default();
        let c = |p: &str| classify(root, &quire, &[root.join("public")], &root.join(p));
        assert_eq!(c("a.md"), PathKind::Essay("a.md".into()));
        assert_eq!(c("sub/b.md"), PathKind::Essay("sub/b.md".into()));
        assert_eq!(c(".quire-tmp-1-2-a.md"), PathKind::Ignore);
        assert_eq!(c(".a.md.swp"), PathKind::Ignore);
        assert_eq!(c(".git/x.md"), PathKind::Ignore);
        assert_eq!(c("_theme/base.html"), PathKind::Ignore);
        assert_eq!(c("public/a/index.md"), PathKind::Ignore);
        assert_eq!(c("notes.txt"), PathKind::Ignore);
        assert_eq!(c("sub"), PathKind::Rescan);
        assert_eq!(c("_posts/2020-01-02-x.md"), PathKind::Ignore);
        assert_eq!(c("sub/_index.md"), PathKind::Ignore, "as the scan skips it");

        // Jekyll's posts and drafts are essays; a Hugo section page is not.
        std::fs::create_dir(root.join("_posts")).unwrap();
        let jekyll = Convention::detect(root, Some(crate::conventions::Generator::Jekyll));
        let j = |p: &str| classify(root, &jekyll, &[], &root.join(p));
        assert_eq!(
            j("_posts/2020-01-02-x.md"),
            PathKind::Essay("_posts/2020-01-02-x.md".into())
        );
        assert_eq!(j("_drafts/y.md"), PathKind::Essay("_drafts/y.md".into()));
        assert_eq!(j("_posts"), PathKind::Rescan);
        assert_eq!(j("_site/x.md"), PathKind::Ignore);
    }

    #[test]
    fn running_out_of_inotify_watches_falls_back_to_polling_and_says_how_to_fix_it() {
        let enospc = notify::Error::io(std::io::Error::from_raw_os_error(28));
        for error in [notify::Error::new(notify::ErrorKind::MaxFilesWatch), enospc] {
            let reason = fall_back(&error);
            assert!(reason.contains("limit of inotify watches"), "{reason}");
            assert!(reason.contains("fs.inotify.max_user_watches"), "{reason}");
            assert!(
                reason.contains("checking for outside edits every 2 seconds"),
                "{reason}"
            );
        }
        let other = notify::Error::generic("no inotify here");
        let reason = fall_back(&other);
        assert!(
            reason.contains("not available (no inotify here)"),
            "{reason}"
        );
        assert!(!limit_reached(&notify::Error::path_not_found()));
    }

    #[test]
    fn the_watch_limit_reached_while_following_switches_to_polling() {
        // notify reports the limit on its event channel when a folder created later cannot
        // be watched; from then on events would miss that folder for good.
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("essays");
        std::fs::create_dir(&root).unwrap();
        let library = Library::open(&root, &dir.path().join("quire.db")).unwrap();
        library.scan().unwrap();
        // The essay the lost watch would have missed.
        std::fs::create_dir(root.join("later")).unwrap();
        std::fs::write(root.join("later/new.md"), "# New\n").unwrap();
        let changes = library.subscribe();
        let (events_tx, events) = channel();
        let (_asks_tx, asks) = channel();
        events_tx
            .send(Err(notify::Error::new(notify::ErrorKind::MaxFilesWatch)))
            .unwrap();
        let canonical = library.folder().canonical_root.clone();
        let health = Health::default();
        let told = health.subscribe();
        let follow = Follower {
            library: &library,
            health: &health,
            events: &events,
            asks: &asks,
            stopping: &AtomicBool::new(false),
        };
        let give_way = follow.events(&canonical, &[]);
        assert!(give_way, "the event loop hands over to polling");
        let WatchMode::Polling(reason) = health.mode() else {
            panic!("the mode says polling now")
        };
        assert!(reason.contains("fs.inotify.max_user_watches"), "{reason}");
        // The window is told as it happens, and a window that asks later is told too.
        let news = vec![WatchHealth::Polling { message: reason }];
        assert_eq!(told.try_iter().collect::<Vec<_>>(), news);
        assert_eq!(
            health.subscribe().try_iter().collect::<Vec<_>>(),
            news,
            "told again to a receiver that comes later"
        );
        let change = changes
            .try_recv()
            .expect("a rescan found the new essay at once");
        assert_eq!(change.path.as_deref(), Some("later/new.md"));
        assert_eq!(change.source, Source::Disk);
    }

    #[test]
    fn quire_watch_poll_forces_polling_and_anything_else_is_automatic() {
        let polling = Follow::Polling { every: POLL_EVERY };
        assert_eq!(Follow::from_setting(Some("poll")), polling);
        assert_eq!(Follow::from_setting(Some(" POLL ")), polling);
        assert_eq!(Follow::from_setting(Some("polling")), polling);
        assert_eq!(Follow::from_setting(None), Follow::Automatic);
        assert_eq!(Follow::from_setting(Some("")), Follow::Automatic);
        assert_eq!(Follow::from_setting(Some("events")), Follow::Automatic);
    }
}
