//! The live [`Library`] against a real essays folder, a real SQLite store file and real
//! file-system events (the watcher on inotify): outside edits by every kind of tool, drafts
//! meeting outside edits, the app's own saves, and files that are not essays. No mocks.
//!
//! Waiting is bounded polling ([`wait_until`], [`Events::wait_for`]), never a fixed sleep as the
//! assertion; only "nothing happened" checks sleep, for [`MAX_WAIT`] plus a second, and then
//! prove the watcher was alive by waiting for a sentinel edit behind the quiet period.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use quire::library::merge::{Choice, Hunk};
use quire::library::watch::{Follow, WatchHealth, WatchMode, Watcher, MAX_WAIT};
use quire::library::{content_hash, Change, ChangeKind, EssayId, Library};
use quire::store::{SearchFilter, Source};

/// How long an ordinary outside edit may take to come through the watcher.
const EVENT_TIMEOUT: Duration = Duration::from_secs(30);

/// A polling watcher that would not look again by itself within any test: what it takes in
/// comes from being asked.
const HOURLY: Follow = Follow::Polling {
    every: Duration::from_secs(3600),
};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A temporary folder holding the essays folder `essays/` and, beside it, the store `quire.db`.
struct Fixture {
    dir: tempfile::TempDir,
    root: PathBuf,
    library: Library,
}

impl Fixture {
    /// Writes `essays` (relative path, text) and opens the library. Does not scan.
    fn new(essays: &[(&str, &str)]) -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("essays");
        fs::create_dir(&root).expect("create essays folder");
        for (key, text) in essays {
            write_new(&root.join(key), text.as_bytes());
        }
        let library = Library::open(&root, &dir.path().join("quire.db")).expect("library opens");
        Fixture { dir, root, library }
    }

    /// Like [`Fixture::new`], then scanned.
    fn scanned(essays: &[(&str, &str)]) -> Fixture {
        let fx = Fixture::new(essays);
        fx.library.scan().expect("scan");
        fx
    }

    fn path(&self, key: &str) -> PathBuf {
        self.root.join(key)
    }

    fn id(&self, key: &str) -> EssayId {
        self.library
            .find(&self.path(key))
            .unwrap_or_else(|e| panic!("{key} is in the store: {e}"))
            .id
    }

    fn bytes(&self, key: &str) -> Vec<u8> {
        fs::read(self.path(key)).unwrap_or_else(|e| panic!("{key}: {e}"))
    }

    fn text(&self, key: &str) -> String {
        String::from_utf8(self.bytes(key)).expect("UTF-8")
    }

    /// Subscribes, then starts the watcher on file-system events (whatever `QUIRE_WATCH`
    /// says). Keep the watcher alive for the whole test.
    fn watch(&self) -> (Watcher, Events) {
        self.watch_with(Follow::Automatic)
    }

    /// The library's changes from now on.
    fn events(&self) -> Events {
        Events {
            rx: self.library.subscribe(),
            log: Vec::new(),
        }
    }

    /// Like [`Fixture::watch`], following the folder as `follow` says.
    fn watch_with(&self, follow: Follow) -> (Watcher, Events) {
        let events = self.events();
        let watcher = self.library.watch_with(follow).expect("watcher starts");
        match (follow, watcher.mode()) {
            (Follow::Automatic, WatchMode::Polling(reason)) => {
                eprintln!("note: the watcher is polling, not on events: {reason}");
            }
            (Follow::Polling { .. }, mode) => {
                let reason =
                    "polling was asked for (QUIRE_WATCH=poll); checking for outside edits every 200 ms";
                assert_eq!(
                    mode,
                    WatchMode::Polling(reason.into()),
                    "a polling watcher says so, as the automatic fallback does"
                );
                assert_eq!(
                    watcher.health().try_recv().ok(),
                    Some(WatchHealth::Polling {
                        message: reason.into()
                    }),
                    "and tells it to whoever asks how it is doing, however late"
                );
            }
            _ => {}
        }
        (watcher, events)
    }

    /// Edits `sentinel.md` from outside and waits until the watcher reports it: proof that
    /// every event before it was handled. Returns the changes that arrived before it.
    fn prove_watcher_alive(&self, events: &mut Events, text: &str) -> Vec<Change> {
        let before = events.log.len();
        fs::write(self.path("sentinel.md"), text).expect("write sentinel");
        events.wait_for("the sentinel edit", |c| {
            c.path.as_deref() == Some("sentinel.md")
                && matches!(c.kind, ChangeKind::Added | ChangeKind::Modified)
                && c.source == Source::Disk
        });
        let mut earlier = events.log[before..].to_vec();
        earlier.pop();
        earlier
    }
}

/// Creates a file (and its folders) that must not exist yet.
fn write_new(path: &Path, bytes: &[u8]) {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).expect("create folders");
    }
    assert!(!path.exists(), "{} exists already", path.display());
    fs::write(path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// The changes a subscriber received, and waiting for the next one that matters.
struct Events {
    rx: Receiver<Change>,
    /// Everything received so far, in order.
    log: Vec<Change>,
}

impl Events {
    /// Waits (at most [`EVENT_TIMEOUT`]) for a change that `matches`, among those not yet seen.
    fn wait_for(&mut self, what: &str, matches: impl Fn(&Change) -> bool) -> Change {
        let deadline = Instant::now() + EVENT_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(change) => {
                    self.log.push(change.clone());
                    if matches(&change) {
                        return change;
                    }
                }
                Err(RecvTimeoutError::Timeout) => panic!(
                    "timed out after {EVENT_TIMEOUT:?} waiting for {what}; changes received so far: {:#?}",
                    self.log
                ),
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the library dropped its subscribers while waiting for {what}")
                }
            }
        }
    }

    /// Waits out the watcher's longest burst plus a second, and returns what arrived.
    fn settle(&mut self) -> Vec<Change> {
        std::thread::sleep(MAX_WAIT + Duration::from_secs(1));
        let arrived: Vec<Change> = self.rx.try_iter().collect();
        self.log.extend(arrived.iter().cloned());
        arrived
    }
}

fn is_change(change: &Change, key: &str, kind: &ChangeKind, source: Source) -> bool {
    change.path.as_deref() == Some(key) && &change.kind == kind && change.source == source
}

/// Polls `condition` until it holds (`Ok`), or panics after `timeout` with `what` and the last
/// reason it gave. Returns how long it took.
fn wait_until(
    what: &str,
    timeout: Duration,
    mut condition: impl FnMut() -> Result<(), String>,
) -> Duration {
    let started = Instant::now();
    loop {
        let checked = Instant::now();
        let outcome = condition();
        match outcome {
            Ok(()) => return started.elapsed(),
            Err(reason) if started.elapsed() >= timeout => {
                panic!("timed out after {timeout:?} waiting until {what}: {reason}")
            }
            Err(_) => {
                // Cheap checks poll often; expensive ones (thousands of files) do not hog the store.
                let pause = (checked.elapsed() * 2)
                    .clamp(Duration::from_millis(50), Duration::from_secs(1));
                std::thread::sleep(pause);
            }
        }
    }
}

/// Every essay file below `root` as `Folder::essay_files` defines them, walked independently:
/// `.md` / `.markdown` files, not in folders named `.*` or `_*`, regular files or links to
/// regular files inside the folder; keyed by relative `/` path, with their bytes.
fn essay_files_on_disk(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).expect("read folder") {
            let entry = entry.expect("folder entry");
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let meta = fs::symlink_metadata(&path).expect("metadata");
            if meta.is_dir() {
                if !name.starts_with('.') && !name.starts_with('_') {
                    walk(root, &path, out);
                }
                continue;
            }
            let essay_name = matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("md" | "markdown")
            );
            if !essay_name {
                continue;
            }
            let readable = if meta.file_type().is_symlink() {
                path.canonicalize()
                    .is_ok_and(|target| target.starts_with(root) && target.is_file())
            } else {
                meta.is_file() // never open a FIFO or a device
            };
            if readable {
                // A file can vanish between listing and reading while tools are busy.
                if let Ok(bytes) = fs::read(&path) {
                    let key = path
                        .strip_prefix(root)
                        .expect("below root")
                        .to_string_lossy()
                        .replace('\\', "/");
                    out.insert(key, bytes);
                }
            }
        }
    }
    let root = root.canonicalize().expect("canonical root");
    let mut out = BTreeMap::new();
    walk(&root, &root, &mut out);
    out
}

/// What differs between the folder and the store, or `Ok` when they agree: every essay file
/// has a row at its path whose hash is the file's, and every row with a hash has its file.
fn folder_and_store_agreement(library: &Library) -> Result<(), String> {
    let disk = essay_files_on_disk(&library.folder().canonical_root);
    let rows = library.essays().map_err(|e| format!("essays(): {e}"))?;
    let mut problems = Vec::new();
    let by_path: BTreeMap<&str, _> = rows
        .iter()
        .filter_map(|r| Some((r.path.as_deref()?, r)))
        .collect();
    for (key, bytes) in &disk {
        match by_path.get(key.as_str()) {
            None => problems.push(format!("{key}: on disk but not in the store")),
            Some(row) if row.hash.as_deref() != Some(content_hash(bytes).as_str()) => problems
                .push(format!(
                    "{key}: the store has hash {:?}, the file {}",
                    row.hash,
                    content_hash(bytes)
                )),
            Some(_) => {}
        }
    }
    for row in rows.iter().filter(|r| r.hash.is_some()) {
        match row.path.as_deref() {
            Some(key) if disk.contains_key(key) => {}
            Some(key) => problems.push(format!(
                "{key}: the store has a file (essay {}) but the folder does not",
                row.id
            )),
            None => problems.push(format!("essay {} has a hash but no path", row.id)),
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    let total = problems.len();
    problems.truncate(12);
    Err(format!(
        "{total} disagreement(s) ({} files, {} store rows), first: {problems:#?}",
        disk.len(),
        rows.len()
    ))
}

fn assert_folder_and_store_agree(library: &Library) {
    if let Err(problem) = folder_and_store_agreement(library) {
        panic!("the folder and the store disagree: {problem}");
    }
}

/// Every text in an essay's history.
fn history_texts(library: &Library, id: EssayId) -> Vec<String> {
    library
        .history(id)
        .expect("history")
        .iter()
        .map(|rev| {
            let bytes = library.revision_text(rev.id).expect("revision text");
            String::from_utf8_lossy(&bytes).into_owned()
        })
        .collect()
}

fn assert_history_has(library: &Library, id: EssayId, text: &str, what: &str) {
    let texts = history_texts(library, id);
    assert!(
        texts.iter().any(|t| t == text),
        "the history of essay {id} lacks {what}:\n{text:?}\nit has:\n{texts:#?}"
    );
}

/// Runs a program to completion; panics with its output unless it succeeds.
fn run(dir: &Path, program: &str, args: &[&str]) {
    let output = Command::new(program)
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} runs: {e}"));
    assert!(
        output.status.success(),
        "{program} {args:?} failed ({}): {}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Real git, isolated from the machine's and user's configuration.
fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

const CATS: &str = "---\ntitle: Cats\n---\n\nCats sleep most of the day.\n\nThey hunt at dusk.\n";
const DOGS: &str = "---\ntitle: Dogs\n---\n\nDogs wake early.\n";
const BIRDS: &str = "---\ntitle: Birds\n---\n\nBirds sing at dawn.\n";

/// A few essays, one in a subfolder.
fn a_few_essays() -> Vec<(&'static str, &'static str)> {
    vec![
        ("cats.md", CATS),
        ("dogs.md", DOGS),
        ("notes/birds.md", BIRDS),
    ]
}

const OWLS: &str = "---\ntitle: Owls\n---\n\nOwls hunt at night.\n";

const NEW_CATS: &str =
    "---\ntitle: Cats\n---\n\nCats sleep most of the night.\n\nThey hunt at dawn.\n";

/// A watcher that polls (without file-system events), quickly, to test the fallback's path.
const POLLING: Follow = Follow::Polling {
    every: Duration::from_millis(200),
};

/// One outside edit of `cats.md` in a watched folder: the watcher reports it as a `Modified`
/// from disk, the store and the folder agree, and the essay opens with `expected`.
fn outside_edit_is_taken_in(expected: &str, edit: impl FnOnce(&Path)) {
    outside_edit_is_taken_in_by(Follow::Automatic, expected, edit);
}

fn outside_edit_is_taken_in_by(follow: Follow, expected: &str, edit: impl FnOnce(&Path)) {
    let fx = Fixture::scanned(&a_few_essays());
    let id = fx.id("cats.md");
    let (_watcher, mut events) = fx.watch_with(follow);
    edit(&fx.path("cats.md"));
    assert_eq!(
        fx.text("cats.md"),
        expected,
        "the tool edited the file as intended"
    );
    let change = events.wait_for("cats.md modified on disk", |c| {
        is_change(c, "cats.md", &ChangeKind::Modified, Source::Disk)
    });
    assert_eq!(change.essay, id, "same essay");
    assert_folder_and_store_agree(&fx.library);
    let opened = fx.library.open_essay(id).expect("opens");
    assert_eq!(opened.text, expected);
    assert!(!opened.dirty && !opened.conflict, "{opened:?}");
    assert_history_has(&fx.library, id, CATS, "the text before the edit");
    assert_history_has(&fx.library, id, expected, "the edited text");
    let others: Vec<&Change> = events.log.iter().filter(|c| c.essay != id).collect();
    assert!(others.is_empty(), "only cats.md changed: {others:#?}");
}

// ---------------------------------------------------------------------------------------------
// Outside edits
// ---------------------------------------------------------------------------------------------

#[test]
fn a_file_written_in_place_is_taken_in_as_modified() {
    outside_edit_is_taken_in(NEW_CATS, |path| {
        fs::write(path, NEW_CATS).expect("write in place");
    });
}

#[test]
fn a_temporary_file_renamed_over_the_essay_is_taken_in_as_modified() {
    outside_edit_is_taken_in(NEW_CATS, |path| {
        let temp = path.with_file_name(".cats.md.new");
        fs::write(&temp, NEW_CATS).expect("write temporary");
        fs::rename(&temp, path).expect("rename over");
    });
}

#[test]
fn an_edit_by_real_vim_is_taken_in_as_modified() {
    let expected = CATS.replace("day", "night").replace("dusk", "dawn");
    outside_edit_is_taken_in(&expected, |path| {
        // Vim's default write (backup by rename, then a new file), from ex mode.
        run(
            path.parent().expect("folder"),
            "vim",
            &[
                "-u",
                "NONE",
                "-i",
                "NONE",
                "-N",
                "-n",
                "-es",
                "-c",
                "%s/day/night/",
                "-c",
                "%s/dusk/dawn/",
                "-c",
                "wq",
                "cats.md",
            ],
        );
    });
}

#[test]
fn sed_in_place_is_taken_in_as_modified() {
    let expected = CATS.replace("day", "night").replace("dusk", "dawn");
    outside_edit_is_taken_in(&expected, |path| {
        run(
            path.parent().expect("folder"),
            "sed",
            &["-i", "-e", "s/day/night/", "-e", "s/dusk/dawn/", "cats.md"],
        );
    });
}

#[test]
fn a_file_deleted_and_created_again_at_once_keeps_one_essay_with_both_texts() {
    let fx = Fixture::scanned(&a_few_essays());
    let id = fx.id("cats.md");
    let (_watcher, mut events) = fx.watch();
    fs::remove_file(fx.path("cats.md")).expect("delete");
    fs::write(fx.path("cats.md"), NEW_CATS).expect("create again");
    // One burst gives Modified; a burst boundary between the two gives Removed, then the new file.
    events.wait_for("cats.md back on disk", |c| {
        c.path.as_deref() == Some("cats.md")
            && matches!(c.kind, ChangeKind::Modified | ChangeKind::Added)
            && c.source == Source::Disk
    });
    assert_folder_and_store_agree(&fx.library);
    let now = fx.id("cats.md");
    assert_eq!(now, id, "the essay at the same path keeps its identity");
    assert_eq!(fx.library.open_essay(now).expect("opens").text, NEW_CATS);
    assert_history_has(&fx.library, now, CATS, "the text before the delete");
    assert_history_has(&fx.library, now, NEW_CATS, "the text after");
}

#[test]
fn a_file_deleted_then_created_again_later_is_removed_then_back_with_both_texts() {
    deleted_then_created_again_later(Follow::Automatic);
}

fn deleted_then_created_again_later(follow: Follow) {
    let fx = Fixture::scanned(&a_few_essays());
    let id = fx.id("cats.md");
    let (_watcher, mut events) = fx.watch_with(follow);
    fs::remove_file(fx.path("cats.md")).expect("delete");
    events.wait_for("cats.md removed", |c| {
        is_change(c, "cats.md", &ChangeKind::Removed, Source::Disk)
    });
    assert_folder_and_store_agree(&fx.library);
    assert!(
        fx.library
            .essays()
            .expect("essays")
            .iter()
            .all(|r| r.id != id),
        "a removed essay without a draft is not listed"
    );
    fs::write(fx.path("cats.md"), NEW_CATS).expect("create again");
    let back = events.wait_for("cats.md back on disk", |c| {
        c.path.as_deref() == Some("cats.md")
            && matches!(c.kind, ChangeKind::Modified | ChangeKind::Added)
            && c.source == Source::Disk
    });
    assert_folder_and_store_agree(&fx.library);
    assert_eq!(
        fx.library.open_essay(back.essay).expect("opens").text,
        NEW_CATS
    );
    assert_history_has(&fx.library, back.essay, CATS, "the text before the delete");
    assert_history_has(&fx.library, back.essay, NEW_CATS, "the text after");
}

#[test]
fn a_file_renamed_on_disk_is_the_same_essay_with_its_history() {
    renamed_on_disk(Follow::Automatic);
}

fn renamed_on_disk(follow: Follow) {
    let fx = Fixture::scanned(&a_few_essays());
    let id = fx.id("cats.md");
    // A second revision, saved from the app, before the renames.
    fx.library.open_essay(id).expect("opens");
    fx.library.update_draft(id, NEW_CATS).expect("autosave");
    fx.library.save(id).expect("save");
    let revisions = fx.library.history(id).expect("history");
    assert_eq!(revisions.len(), 2, "{revisions:#?}");
    let (_watcher, mut events) = fx.watch_with(follow);

    fs::rename(fx.path("cats.md"), fx.path("felines.md")).expect("rename");
    let renamed = ChangeKind::Renamed {
        from: "cats.md".into(),
    };
    let change = events.wait_for("the rename to felines.md", |c| {
        is_change(c, "felines.md", &renamed, Source::Disk)
    });
    assert_eq!(change.essay, id, "same essay id");
    assert_eq!(fx.id("felines.md"), id);
    assert!(
        fx.library.find(&fx.path("cats.md")).is_err(),
        "nothing left at the old path"
    );
    assert_folder_and_store_agree(&fx.library);

    // And into another folder.
    fs::rename(fx.path("felines.md"), fx.path("notes/felines.md")).expect("move");
    let moved = ChangeKind::Renamed {
        from: "felines.md".into(),
    };
    let change = events.wait_for("the move to notes/felines.md", |c| {
        is_change(c, "notes/felines.md", &moved, Source::Disk)
    });
    assert_eq!(change.essay, id, "same essay id");
    assert_folder_and_store_agree(&fx.library);
    let after = fx.library.history(id).expect("history");
    assert!(
        revisions.iter().all(|r| after.contains(r)),
        "earlier revisions kept: before {revisions:#?}, after {after:#?}"
    );
    assert_history_has(&fx.library, id, CATS, "the first text");
    assert_history_has(&fx.library, id, NEW_CATS, "the saved text");
    assert_eq!(fx.library.open_essay(id).expect("opens").text, NEW_CATS);
    let unexpected: Vec<&Change> = events
        .log
        .iter()
        .filter(|c| !matches!(c.kind, ChangeKind::Renamed { .. }))
        .collect();
    assert!(unexpected.is_empty(), "only renames: {unexpected:#?}");
}

// The same outside edits through a watcher that polls: what the writer gets when inotify
// watches run out (or with QUIRE_WATCH=poll).

#[test]
fn polling_takes_in_a_file_written_in_place() {
    outside_edit_is_taken_in_by(POLLING, NEW_CATS, |path| {
        fs::write(path, NEW_CATS).expect("write in place");
    });
}

#[test]
fn polling_takes_in_a_temporary_file_renamed_over_the_essay() {
    outside_edit_is_taken_in_by(POLLING, NEW_CATS, |path| {
        let temp = path.with_file_name(".cats.md.new");
        fs::write(&temp, NEW_CATS).expect("write temporary");
        fs::rename(&temp, path).expect("rename over");
    });
}

/// The window's list of a big library is read in pages: every essay `essays()` lists comes
/// once, with the row it shows (title, tags, words, unsaved), however the pages fall.
#[test]
fn the_list_read_a_page_at_a_time_holds_each_listed_essay_once_as_the_whole_list_has_it() {
    let texts: Vec<(String, String)> = (0..7)
        .map(|i| {
            let text = format!("---\ntitle: Essay {i}\ntags: [t{i}]\n---\n\nWords of essay {i}.\n");
            (format!("e{i}.md"), text)
        })
        .collect();
    let essays: Vec<(&str, &str)> = texts
        .iter()
        .map(|(k, t)| (k.as_str(), t.as_str()))
        .collect();
    let fx = Fixture::scanned(&essays);
    let draft_only = fx.library.create("Only a draft").expect("create").id;
    let changed = fx.id("e2.md");
    fx.library
        .update_draft(changed, "---\ntitle: Essay 2\n---\n\nChanged, not saved.\n")
        .expect("draft");
    let gone = fx.id("e4.md");
    fs::remove_file(fx.path("e4.md")).expect("delete e4");
    fx.library.scan().expect("scan");

    // Whole: what `essays()` lists, with what a list row shows.
    let whole = fx.library.listing(None, None).expect("listing");
    let ids: Vec<EssayId> = whole.iter().map(|row| row.id).collect();
    let mut listed: Vec<EssayId> = fx
        .library
        .essays()
        .expect("essays")
        .iter()
        .map(|e| e.id)
        .collect();
    listed.sort_unstable();
    assert_eq!(ids, listed, "in id order, the essays the library lists");
    assert!(
        ids.contains(&draft_only),
        "a new essay that is only a draft is listed"
    );
    assert!(
        !ids.contains(&gone),
        "a deleted file without a draft is not"
    );
    let unsaved: Vec<EssayId> = whole
        .iter()
        .filter(|row| row.unsaved)
        .map(|row| row.id)
        .collect();
    // The new essay's draft has not been saved to a file yet, nor has the changed one's.
    let mut expected = vec![draft_only, changed];
    expected.sort_unstable();
    assert_eq!(unsaved, expected);
    let e1 = whole
        .iter()
        .find(|row| row.id == fx.id("e1.md"))
        .expect("e1 listed");
    assert_eq!(
        (e1.title.as_str(), e1.tags.clone(), e1.words),
        ("Essay 1", vec!["t1".to_string()], 4)
    );
    assert_eq!(
        fx.library.listed_essay(e1.id).expect("row").as_ref(),
        Some(e1)
    );
    assert_eq!(fx.library.listed_essay(gone).expect("row"), None);

    // In pages of 3, each after the id the last ended with; an essay of the first page is
    // renamed to the end of the folder's order meanwhile: still read once.
    let mut paged = Vec::new();
    let mut after = None;
    loop {
        let page = fx.library.listing(after, Some(3)).expect("a page");
        assert!(page.len() <= 3);
        if after.is_none() {
            fx.library
                .rename(page[0].id, "zz-renamed.md")
                .expect("rename");
        }
        paged.extend(page.iter().map(|row| row.id));
        match page.last() {
            Some(last) if page.len() == 3 => after = Some(last.id),
            _ => break,
        }
    }
    assert_eq!(paged, ids);
}

/// The app's first folder is shown from the store at once and looked at only then: a watcher
/// asked to look again takes in what changed while nobody watched, by events or by polling,
/// without waiting for an edit or for the next round.
#[test]
fn a_watcher_asked_to_look_again_takes_in_what_changed_while_nobody_watched() {
    for follow in [Follow::Automatic, HOURLY] {
        let fx = Fixture::scanned(&a_few_essays());
        let id = fx.id("cats.md");
        fs::write(fx.path("cats.md"), NEW_CATS).expect("edited while nobody watched");
        let mut events = fx.events();
        let watcher = fx.library.watch_with(follow).expect("watcher starts");
        watcher.look_again();
        let change = events.wait_for("cats.md modified on disk", |c| {
            is_change(c, "cats.md", &ChangeKind::Modified, Source::Disk)
        });
        assert_eq!(change.essay, id, "same essay ({follow:?})");
        assert_eq!(fx.library.open_essay(id).expect("opens").text, NEW_CATS);
        assert_folder_and_store_agree(&fx.library);
    }
}

/// The app's first folder is watched with the events set up beside the window's start: an
/// edit made while they are being set up is taken in by the look asked for at once, and edits
/// after it by the events.
#[test]
fn a_watcher_set_up_beside_takes_in_an_edit_made_meanwhile_and_follows_the_folder_after() {
    let fx = Fixture::scanned(&a_few_essays());
    let id = fx.id("cats.md");
    let mut events = fx.events();
    let watcher = fx.library.watch_beside().expect("watcher starts");
    fs::write(fx.path("cats.md"), NEW_CATS).expect("edited while the watcher sets up");
    watcher.look_again();
    let change = events.wait_for("cats.md modified on disk", |c| {
        is_change(c, "cats.md", &ChangeKind::Modified, Source::Disk)
    });
    assert_eq!(change.essay, id, "same essay");
    assert_eq!(fx.library.open_essay(id).expect("opens").text, NEW_CATS);
    if let WatchMode::Polling(reason) = watcher.mode() {
        eprintln!("note: the watcher is polling, not on events: {reason}");
    }
    let earlier = fx.prove_watcher_alive(&mut events, "# Sentinel\n");
    assert!(
        earlier.iter().all(|c| c.essay == id),
        "nothing but cats.md changed before the sentinel: {earlier:#?}"
    );
    assert_folder_and_store_agree(&fx.library);
}

#[test]
fn a_watcher_reading_a_folder_never_read_tells_how_far_it_has_come_and_follows_the_folder_after() {
    for follow in [Follow::Automatic, HOURLY] {
        let fx = Fixture::new(&a_few_essays());
        assert!(!fx.library.known().expect("asks"), "never read");
        let mut events = fx.events();
        let watcher = fx.library.watch_with(follow).expect("watcher starts");
        let (told, progress) = mpsc::channel();
        let (over, done) = mpsc::channel();
        watcher.read(
            move |now| {
                let _ = told.send(now);
            },
            move || {
                let _ = over.send(());
            },
        );
        done.recv_timeout(EVENT_TIMEOUT)
            .expect("the reading is over");
        let told: Vec<_> = progress.try_iter().collect();
        let files = a_few_essays().len();
        assert_eq!(told.first().map(|p| (p.read, p.of)), Some((0, files)));
        assert_eq!(told.last().map(|p| (p.read, p.of)), Some((files, files)));
        assert!(
            fx.library.known().expect("asks"),
            "read whole now ({follow:?})"
        );
        assert_folder_and_store_agree(&fx.library);
        let id = fx.id("cats.md");
        let sources: Vec<Source> = fx
            .library
            .history(id)
            .expect("history")
            .iter()
            .map(|r| r.source)
            .collect();
        assert_eq!(
            sources,
            [Source::Import],
            "read as a folder's first reading"
        );
        // Told by its progress, not essay by essay.
        assert!(events.rx.try_iter().all(|c| c.kind != ChangeKind::Added));
        if follow == Follow::Automatic {
            fs::write(fx.path("cats.md"), NEW_CATS).expect("an edit after the reading");
            events.wait_for("cats.md modified on disk", |c| {
                is_change(c, "cats.md", &ChangeKind::Modified, Source::Disk)
            });
        }
    }
}

#[test]
fn a_reading_the_store_refuses_is_told_over_and_said_and_the_folder_is_taken_in_once_it_works() {
    let fx = Fixture::new(&a_few_essays());
    let mut events = fx.events();
    let watcher = fx.library.watch().expect("watcher starts");
    let health = watcher.health();
    // Another program holds the store's write lock for longer than Quire waits for it.
    let holder = rusqlite::Connection::open(fx.dir.path().join("quire.db")).expect("connects");
    holder
        .execute_batch("BEGIN EXCLUSIVE; UPDATE essays SET words = words;")
        .expect("take the write lock");
    let (over, done) = mpsc::channel();
    watcher.read(
        |_| {},
        move || {
            let _ = over.send(());
        },
    );
    done.recv_timeout(EVENT_TIMEOUT)
        .expect("the window is told the reading is over, though it failed");
    // Where inotify watches have run out the watcher polls, and says so first.
    let trouble = match health.recv_timeout(EVENT_TIMEOUT) {
        Ok(WatchHealth::Polling { .. }) => health.recv_timeout(EVENT_TIMEOUT),
        news => news,
    };
    match trouble {
        Ok(WatchHealth::Failing { message, .. }) => {
            assert!(message.contains("locked"), "{message}")
        }
        other => panic!("the failure is said: {other:?}"),
    }
    assert!(!fx.library.known().expect("asks"), "not read whole");

    // The lock goes: the watcher looks again by itself, and every essay is taken in.
    holder.execute_batch("ROLLBACK").expect("release");
    drop(holder);
    assert_eq!(
        health.recv_timeout(EVENT_TIMEOUT).ok(),
        Some(WatchHealth::Working)
    );
    events.wait_for("cats.md added", |c| {
        is_change(c, "cats.md", &ChangeKind::Added, Source::Disk)
    });
    assert_folder_and_store_agree(&fx.library);
    assert!(fx.library.known().expect("asks"), "read whole now");
}

#[test]
fn polling_sees_a_file_deleted_then_created_again_with_both_texts() {
    deleted_then_created_again_later(POLLING);
}

#[test]
fn polling_sees_a_rename_on_disk_as_the_same_essay_with_its_history() {
    renamed_on_disk(POLLING);
}

#[test]
fn polling_adds_a_new_file_as_an_essay_from_disk() {
    let fx = Fixture::scanned(&a_few_essays());
    let (_watcher, mut events) = fx.watch_with(POLLING);
    write_new(&fx.path("notes/owls.md"), OWLS.as_bytes());
    let change = events.wait_for("notes/owls.md added", |c| {
        is_change(c, "notes/owls.md", &ChangeKind::Added, Source::Disk)
    });
    assert_eq!(fx.id("notes/owls.md"), change.essay);
    assert_folder_and_store_agree(&fx.library);
    let history = fx.library.history(change.essay).expect("history");
    let sources: Vec<Source> = history.iter().map(|r| r.source).collect();
    assert_eq!(sources, [Source::Disk], "found while watching: from disk");
    assert_eq!(
        search_paths(&fx.library, "owls"),
        ["notes/owls.md"],
        "searchable without a manual scan"
    );
    let others: Vec<&Change> = events
        .log
        .iter()
        .filter(|c| c.essay != change.essay)
        .collect();
    assert!(others.is_empty(), "nothing else changed: {others:#?}");
}

#[test]
fn touching_or_rewriting_identical_bytes_is_not_a_change() {
    let fx = Fixture::scanned(&[("cats.md", CATS), ("sentinel.md", "# Sentinel\n")]);
    let id = fx.id("cats.md");
    let history = fx.library.history(id).expect("history");
    let (_watcher, mut events) = fx.watch();

    run(&fx.root, "touch", &["cats.md"]);
    run(&fx.root, "touch", &["-d", "2001-02-03 04:05:06", "cats.md"]);
    fs::write(fx.path("cats.md"), CATS).expect("rewrite identical bytes");
    let temp = fx.path(".cats.md.tmp");
    fs::write(&temp, CATS).expect("temporary");
    fs::rename(&temp, fx.path("cats.md")).expect("identical bytes renamed over");

    let arrived = events.settle();
    assert!(arrived.is_empty(), "no change: {arrived:#?}");
    let before_sentinel = fx.prove_watcher_alive(&mut events, "# Sentinel\n\nEdited.\n");
    assert!(
        before_sentinel.is_empty(),
        "no change: {before_sentinel:#?}"
    );
    assert_eq!(
        fx.library.history(id).expect("history"),
        history,
        "no new revision"
    );
    assert_eq!(fx.bytes("cats.md"), CATS.as_bytes());
    assert_folder_and_store_agree(&fx.library);
}

/// A small essay whose text says which essay and which version it is.
fn small_essay(n: usize, version: &str) -> String {
    format!("---\ntitle: Essay {n}\n---\n\nEssay number {n}, the {version} version: word{n}x.\n")
}

#[test]
fn a_git_checkout_changing_a_thousand_files_leaves_folder_and_store_in_agreement() {
    let fx = Fixture::new(&[]);
    let root = fx.root.clone();
    git(&root, &["init", "-q", "-b", "main"]);
    git(&root, &["config", "user.name", "Quire Tests"]);
    git(&root, &["config", "user.email", "tests@quire.invalid"]);
    git(&root, &["config", "commit.gpgsign", "false"]);
    let key = |n: usize| format!("part{}/e{n:04}.md", n / 100);
    for n in 0..1000 {
        write_new(&root.join(key(n)), small_essay(n, "main").as_bytes());
    }
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-q", "-m", "main"]);
    git(&root, &["checkout", "-q", "-b", "rewrite"]);
    for n in 0..1000 {
        fs::write(root.join(key(n)), small_essay(n, "rewritten")).expect("modify");
    }
    for n in 0..5 {
        fs::remove_file(root.join(key(n))).expect("remove");
    }
    for n in 1000..1005 {
        write_new(
            &root.join(format!("extra/e{n:04}.md")),
            small_essay(n, "new").as_bytes(),
        );
    }
    for n in 1005..1008 {
        write_new(
            &root.join(format!("part3/e{n:04}.md")),
            small_essay(n, "new").as_bytes(),
        );
    }
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-q", "-m", "rewrite"]);
    git(&root, &["checkout", "-q", "main"]);

    let report = fx.library.scan().expect("scan");
    assert_eq!(report.files, 1000);
    assert_folder_and_store_agree(&fx.library);
    let kept = fx.id(&key(500));
    let (_watcher, _events) = fx.watch();

    let started = Instant::now();
    git(&root, &["checkout", "-q", "rewrite"]);
    let checkout = started.elapsed();
    wait_until(
        "the store agrees with the folder after git checkout",
        Duration::from_secs(60),
        || {
            folder_and_store_agreement(&fx.library)?;
            let count = fx.library.essays().map_err(|e| e.to_string())?.len();
            (count == 1003)
                .then_some(())
                .ok_or(format!("{count} essays listed, 1003 expected"))
        },
    );
    eprintln!(
        "git checkout of 1,003 changed files: git took {checkout:.2?}; folder and store agreed {:.2?} after it started",
        started.elapsed()
    );
    assert_eq!(fx.id(&key(500)), kept, "a modified essay keeps its id");
    assert_eq!(
        fx.library.open_essay(kept).expect("opens").text,
        small_essay(500, "rewritten")
    );
    assert_history_has(
        &fx.library,
        kept,
        &small_essay(500, "main"),
        "the main text",
    );

    // And back: the removed essays return, the added ones go.
    let started = Instant::now();
    git(&root, &["checkout", "-q", "main"]);
    wait_until(
        "the store agrees with the folder after checking out main again",
        Duration::from_secs(60),
        || {
            folder_and_store_agreement(&fx.library)?;
            let count = fx.library.essays().map_err(|e| e.to_string())?.len();
            (count == 1000)
                .then_some(())
                .ok_or(format!("{count} essays listed, 1000 expected"))
        },
    );
    eprintln!(
        "git checkout back to main: agreed {:.2?} after it started",
        started.elapsed()
    );
    assert_eq!(fx.id(&key(500)), kept);
    assert_eq!(
        fx.library.open_essay(kept).expect("opens").text,
        small_essay(500, "main")
    );
}

/// Copies a prepared folder of 10,000 tiny essays into the watched folder in one `cp -r`: into
/// a new subfolder `into` (which the watcher follows by rescanning) or, with `""`, straight into
/// the root (followed path by path). Waits until the store has them all and agrees.
fn ten_thousand_files_copied_in(into: &str) {
    let fx = Fixture::scanned(&a_few_essays());
    let prepared = fx.dir.path().join("prepared");
    fs::create_dir(&prepared).expect("prepared folder");
    for n in 0..10_000 {
        fs::write(
            prepared.join(format!("n{n:05}.md")),
            format!("# N{n}\n\nw{n}\n"),
        )
        .expect("prepare");
    }
    let (_watcher, _events) = fx.watch();

    let started = Instant::now();
    let (from, to) = if into.is_empty() {
        (prepared.join("."), fx.root.clone())
    } else {
        (prepared.clone(), fx.path(into))
    };
    run(
        &fx.root,
        "cp",
        &[
            "-r",
            from.to_str().expect("UTF-8 path"),
            to.to_str().expect("UTF-8 path"),
        ],
    );
    let copy = started.elapsed();
    wait_until(
        "the store has all 10,003 essays and agrees with the folder",
        Duration::from_secs(120),
        || {
            let count = fx.library.essays().map_err(|e| e.to_string())?.len();
            if count != 10_003 {
                return Err(format!("{count} essays listed, 10,003 expected"));
            }
            folder_and_store_agreement(&fx.library)
        },
    );
    let place = if into.is_empty() { "the root" } else { into };
    eprintln!(
        "copying 10,000 files into {place}: cp took {copy:.2?}; the store had them all and agreed {:.2?} after it started",
        started.elapsed()
    );
    let last = if into.is_empty() {
        "n09999.md".to_string()
    } else {
        format!("{into}/n09999.md")
    };
    assert_eq!(search_paths(&fx.library, "w9999"), [last]);
}

#[test]
fn ten_thousand_files_copied_into_a_new_subfolder_at_once_are_all_indexed() {
    ten_thousand_files_copied_in("imported");
}

#[test]
fn ten_thousand_files_copied_straight_into_the_folder_at_once_are_all_indexed() {
    ten_thousand_files_copied_in("");
}

// ---------------------------------------------------------------------------------------------
// Drafts and outside edits
// ---------------------------------------------------------------------------------------------

#[test]
fn a_clean_draft_takes_in_an_outside_edit() {
    let fx = Fixture::scanned(&a_few_essays());
    let id = fx.id("cats.md");
    let opened = fx.library.open_essay(id).expect("opens");
    fx.library
        .update_draft(id, &opened.text)
        .expect("autosave, unchanged");
    assert!(!fx.library.open_essay(id).expect("opens").dirty);
    let (_watcher, mut events) = fx.watch();

    fs::write(fx.path("cats.md"), NEW_CATS).expect("outside edit");
    events.wait_for("cats.md modified", |c| {
        is_change(c, "cats.md", &ChangeKind::Modified, Source::Disk)
    });
    let opened = fx.library.open_essay(id).expect("opens");
    assert_eq!(opened.text, NEW_CATS);
    assert!(!opened.dirty && !opened.conflict, "{opened:?}");
    assert_folder_and_store_agree(&fx.library);
}

const BASE: &str = "# Seasons\n\nSpring comes late in the hills.\n\nSummer is short and bright.\n\nWinter is long.\n";

#[test]
fn a_dirty_draft_merges_an_outside_edit_to_another_paragraph() {
    let fx = Fixture::scanned(&[("seasons.md", BASE)]);
    let id = fx.id("seasons.md");
    fx.library.open_essay(id).expect("opens");
    let mine = BASE.replace("Spring comes late", "Spring comes very late");
    fx.library.update_draft(id, &mine).expect("autosave");
    let (_watcher, mut events) = fx.watch();

    let theirs = BASE.replace("Winter is long.", "Winter is long and dark.");
    fs::write(fx.path("seasons.md"), &theirs).expect("outside edit");
    events.wait_for("the merge", |c| {
        is_change(c, "seasons.md", &ChangeKind::Merged, Source::Disk)
    });
    let merged = BASE
        .replace("Spring comes late", "Spring comes very late")
        .replace("Winter is long.", "Winter is long and dark.");
    let opened = fx.library.open_essay(id).expect("opens");
    assert_eq!(opened.text, merged, "the draft holds both changes");
    assert!(opened.dirty && !opened.conflict, "{opened:?}");
    assert_eq!(
        fx.text("seasons.md"),
        theirs,
        "the file is not touched until save"
    );
    assert_folder_and_store_agree(&fx.library);

    fx.library.save(id).expect("save");
    assert_eq!(fx.bytes("seasons.md"), merged.as_bytes(), "byte-exact");
    assert!(!fx.library.open_essay(id).expect("opens").dirty);
    assert_folder_and_store_agree(&fx.library);
    assert_history_has(&fx.library, id, &mine, "the draft before the merge");
    assert_history_has(&fx.library, id, &theirs, "the outside edit");
}

/// A dirty draft and an outside edit rewrite the same sentence; the writer resolves with
/// `choice`, which must give `expected` and keep both originals in history.
fn a_conflict_resolved_with(choice: Choice, expected: &str) {
    let fx = Fixture::scanned(&[("seasons.md", BASE)]);
    let id = fx.id("seasons.md");
    fx.library.open_essay(id).expect("opens");
    let mine = BASE.replace("Summer is short and bright.", "Summer is long and lazy.");
    fx.library.update_draft(id, &mine).expect("autosave");
    let (_watcher, mut events) = fx.watch();

    let theirs = BASE.replace("Summer is short and bright.", "Summer is hot and dry.");
    fs::write(fx.path("seasons.md"), &theirs).expect("outside edit");
    events.wait_for("the conflict", |c| {
        is_change(c, "seasons.md", &ChangeKind::Conflict, Source::Disk)
    });
    let opened = fx.library.open_essay(id).expect("opens");
    assert!(opened.conflict && opened.dirty, "{opened:?}");
    assert_eq!(opened.text, mine, "the draft is kept as it was");
    assert_folder_and_store_agree(&fx.library);

    let refused = fx
        .library
        .save(id)
        .expect_err("save refuses while in conflict");
    assert_eq!(refused.kind(), quire::ErrorKind::Conflict, "{refused}");
    assert_eq!(
        fx.text("seasons.md"),
        theirs,
        "the refused save wrote nothing"
    );

    let merge = fx
        .library
        .conflict(id)
        .expect("conflict")
        .expect("there is a conflict");
    let conflicts: Vec<(&str, &str)> = merge
        .hunks
        .iter()
        .filter_map(|h| match h {
            Hunk::Conflict { mine, theirs, .. } => Some((mine.as_str(), theirs.as_str())),
            Hunk::Clean(_) => None,
        })
        .collect();
    assert_eq!(
        conflicts,
        [("Summer is long and lazy.\n", "Summer is hot and dry.\n")],
        "{merge:#?}"
    );

    let wrong = fx
        .library
        .resolve(id, &[choice.clone(), choice.clone()])
        .expect_err("choices for another merge are refused");
    assert_eq!(wrong.kind(), quire::ErrorKind::Stale, "{wrong}");
    let resolved = fx.library.resolve(id, &[choice]).expect("resolve");
    assert_eq!(resolved, expected);
    let opened = fx.library.open_essay(id).expect("opens");
    assert!(!opened.conflict, "{opened:?}");
    assert_eq!(opened.text, expected);
    fx.library.save(id).expect("save after resolving");
    assert_eq!(fx.bytes("seasons.md"), expected.as_bytes());
    let again = fx
        .library
        .resolve(id, &[])
        .expect_err("nothing left to resolve");
    assert_eq!(again.kind(), quire::ErrorKind::Stale, "{again}");
    assert_folder_and_store_agree(&fx.library);
    assert_history_has(&fx.library, id, &mine, "the writer's side (mine)");
    assert_history_has(&fx.library, id, &theirs, "the outside side (theirs)");
}

#[test]
fn a_conflict_resolved_with_mine_keeps_the_draft_and_both_originals_in_history() {
    let mine = BASE.replace("Summer is short and bright.", "Summer is long and lazy.");
    a_conflict_resolved_with(Choice::Mine, &mine);
}

#[test]
fn a_conflict_resolved_with_theirs_keeps_the_outside_edit_and_both_originals_in_history() {
    let theirs = BASE.replace("Summer is short and bright.", "Summer is hot and dry.");
    a_conflict_resolved_with(Choice::Theirs, &theirs);
}

#[test]
fn a_conflict_resolved_with_both_keeps_both_sentences_and_both_originals_in_history() {
    let both = BASE.replace(
        "Summer is short and bright.\n",
        "Summer is long and lazy.\n\nSummer is hot and dry.\n",
    );
    a_conflict_resolved_with(Choice::Both, &both);
}

#[test]
fn the_conflict_views_done_resolves_and_writes_the_file_in_one_step() {
    let fx = Fixture::scanned(&[("seasons.md", BASE)]);
    let id = fx.id("seasons.md");
    let mine = BASE.replace("Summer is short and bright.", "Summer is long and lazy.");
    fx.library.update_draft(id, &mine).expect("autosave");
    let theirs = BASE.replace("Summer is short and bright.", "Summer is hot and dry.");
    fs::write(fx.path("seasons.md"), &theirs).expect("outside edit");
    fx.library.scan().expect("scan");
    assert!(fx.library.open_essay(id).expect("opens").conflict);

    // A wrong answer (no choice for the one conflicting hunk) changes nothing.
    fx.library
        .resolve_and_save(id, &[])
        .expect_err("one choice per conflict");
    assert_eq!(fx.text("seasons.md"), theirs);
    assert!(fx.library.open_essay(id).expect("opens").conflict);

    let opened = fx
        .library
        .resolve_and_save(id, &[Choice::Mine])
        .expect("resolve and save");
    assert_eq!(opened.text, mine);
    assert!(!opened.conflict && !opened.dirty, "{opened:?}");
    assert_eq!(fx.text("seasons.md"), mine, "written to the file");
    assert_folder_and_store_agree(&fx.library);
    assert_history_has(&fx.library, id, &theirs, "the outside side (theirs)");
}

#[test]
fn a_dirty_draft_survives_its_file_being_deleted_and_save_writes_it_back() {
    let fx = Fixture::scanned(&a_few_essays());
    let id = fx.id("cats.md");
    fx.library.open_essay(id).expect("opens");
    let draft = CATS.replace("They hunt", "At times they hunt");
    fx.library.update_draft(id, &draft).expect("autosave");
    let (_watcher, mut events) = fx.watch();

    fs::remove_file(fx.path("cats.md")).expect("delete");
    events.wait_for("cats.md removed", |c| {
        is_change(c, "cats.md", &ChangeKind::Removed, Source::Disk)
    });
    let opened = fx.library.open_essay(id).expect("still opens");
    assert_eq!(opened.text, draft);
    assert!(opened.dirty, "{opened:?}");
    assert!(
        fx.library
            .essays()
            .expect("essays")
            .iter()
            .any(|r| r.id == id),
        "an essay with a draft stays listed"
    );
    assert_folder_and_store_agree(&fx.library);

    let saved = fx.library.save(id).expect("save");
    assert_eq!(saved.path.as_deref(), Some("cats.md"));
    assert_eq!(
        fx.bytes("cats.md"),
        draft.as_bytes(),
        "the file is back, byte-exact"
    );
    assert_eq!(fx.id("cats.md"), id);
    assert_folder_and_store_agree(&fx.library);
}

#[test]
fn the_apps_own_save_does_not_come_back_as_an_outside_edit() {
    let fx = Fixture::scanned(&[("cats.md", CATS), ("sentinel.md", "# Sentinel\n")]);
    let id = fx.id("cats.md");
    let (_watcher, mut events) = fx.watch();
    fx.library.open_essay(id).expect("opens");
    fx.library.update_draft(id, NEW_CATS).expect("autosave");
    fx.library.save(id).expect("save");
    events.wait_for("the save", |c| {
        is_change(c, "cats.md", &ChangeKind::Saved, Source::Save)
    });
    let arrived = events.settle();
    assert!(arrived.is_empty(), "nothing after the save: {arrived:#?}");
    let before_sentinel = fx.prove_watcher_alive(&mut events, "# Sentinel\n\nEdited.\n");
    assert!(before_sentinel.is_empty(), "{before_sentinel:#?}");
    let disk: Vec<&Change> = events
        .log
        .iter()
        .filter(|c| c.essay == id && c.source == Source::Disk)
        .collect();
    assert!(
        disk.is_empty(),
        "the save came back as an outside edit: {disk:#?}"
    );
    let sources: Vec<Source> = fx
        .library
        .history(id)
        .expect("history")
        .iter()
        .map(|r| r.source)
        .collect();
    assert_eq!(sources, [Source::Save, Source::Import], "newest first");
    assert_folder_and_store_agree(&fx.library);
}

#[test]
fn the_apps_own_rename_delete_and_restore_do_not_come_back_as_outside_edits() {
    let fx = Fixture::scanned(&[("cats.md", CATS), ("sentinel.md", "# Sentinel\n")]);
    let id = fx.id("cats.md");
    let (_watcher, mut events) = fx.watch();

    let taken = fx
        .library
        .rename(id, "sentinel.md")
        .expect_err("a taken name is refused");
    assert_eq!(taken.kind(), quire::ErrorKind::Exists, "{taken}");
    let unknown = fx
        .library
        .rename(id + 1000, "dogs.md")
        .expect_err("no such essay");
    assert_eq!(unknown.kind(), quire::ErrorKind::NotFound, "{unknown}");
    let renamed = fx.library.rename(id, "notes/felines.md").expect("rename");
    assert_eq!(renamed.path.as_deref(), Some("notes/felines.md"));
    assert_eq!(fx.text("notes/felines.md"), CATS);
    assert!(events.settle().iter().all(|c| c.source != Source::Disk));
    assert_folder_and_store_agree(&fx.library);

    fx.library.delete(id).expect("delete");
    assert!(!fx.path("notes/felines.md").exists());
    assert!(events.settle().iter().all(|c| c.source != Source::Disk));
    assert_folder_and_store_agree(&fx.library);

    let kept = fx.library.history(id).expect("history")[0].id;
    fx.library.restore(id, kept).expect("restore");
    assert_eq!(fx.text("notes/felines.md"), CATS);
    assert!(events.settle().iter().all(|c| c.source != Source::Disk));
    fx.prove_watcher_alive(&mut events, "# Sentinel\n\nEdited.\n");
    let disk: Vec<&Change> = events
        .log
        .iter()
        .filter(|c| c.essay == id && c.source == Source::Disk)
        .collect();
    assert!(
        disk.is_empty(),
        "the app's own work came back as outside edits: {disk:#?}"
    );
    let kinds: Vec<&ChangeKind> = events
        .log
        .iter()
        .filter(|c| c.essay == id)
        .map(|c| &c.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            &ChangeKind::Renamed {
                from: "cats.md".into()
            },
            &ChangeKind::Removed,
            &ChangeKind::Restored
        ]
    );
    assert_folder_and_store_agree(&fx.library);
}

#[test]
fn a_save_right_after_an_outside_edit_never_overwrites_it() {
    let fx = Fixture::scanned(&[("seasons.md", BASE)]);
    let id = fx.id("seasons.md");
    fx.library.open_essay(id).expect("opens");
    let mine = BASE.replace("Spring comes late", "Spring comes very late");
    fx.library.update_draft(id, &mine).expect("autosave");
    let (_watcher, _events) = fx.watch();
    let theirs = BASE.replace("Winter is long.", "Winter is long and dark.");
    fs::write(fx.path("seasons.md"), &theirs).expect("outside edit");
    // No waiting for the watcher: the save itself must see the outside edit.
    fx.library.save(id).expect("save");
    let merged = mine.replace("Winter is long.", "Winter is long and dark.");
    assert_eq!(fx.text("seasons.md"), merged);
    assert_history_has(&fx.library, id, &theirs, "the outside edit");
    assert_folder_and_store_agree(&fx.library);
}

// ---------------------------------------------------------------------------------------------
// Files that are not (plain) essays
// ---------------------------------------------------------------------------------------------

/// Latin-1 text: not valid UTF-8.
const LATIN1: &[u8] = b"---\ntitle: Caf\xe9\n---\n\nNa\xefve text in Latin-1.\n";

#[test]
fn an_invalid_utf8_file_is_indexed_with_its_problem_and_never_modified() {
    let fx = Fixture::new(&[("cats.md", CATS), ("sentinel.md", "# Sentinel\n")]);
    write_new(&fx.path("latin1.md"), LATIN1);
    let report = fx.library.scan().expect("scan");
    assert_eq!(report.files, 3, "{report:#?}");
    assert_eq!(fx.bytes("latin1.md"), LATIN1);
    let row = fx.library.find(&fx.path("latin1.md")).expect("indexed");
    assert_eq!(row.hash.as_deref(), Some(content_hash(LATIN1).as_str()));
    let problem = row.problem.clone().expect("a problem is recorded");
    assert!(problem.contains("UTF-8"), "{problem}");
    assert_folder_and_store_agree(&fx.library);

    let err = fx.library.open_essay(row.id).expect_err("cannot be edited");
    assert!(err.to_string().contains("UTF-8"), "{err}");
    assert!(
        err.to_string().contains("latin1.md"),
        "names the file: {err}"
    );
    let _ = fx.library.save(row.id);
    assert_eq!(fx.bytes("latin1.md"), LATIN1, "save without a draft");

    let (_watcher, mut events) = fx.watch();
    run(&fx.root, "touch", &["latin1.md"]);
    fx.prove_watcher_alive(&mut events, "# Sentinel\n\nEdited.\n");
    let _ = fx.library.save(row.id);
    fx.library.scan().expect("scan again");
    assert_eq!(
        fx.bytes("latin1.md"),
        LATIN1,
        "scan, watch and save left it alone"
    );
    let changes: Vec<&Change> = events.log.iter().filter(|c| c.essay == row.id).collect();
    assert!(
        changes.iter().all(|c| c.source != Source::Disk),
        "touch is no change: {changes:#?}"
    );
    assert_folder_and_store_agree(&fx.library);
}

#[test]
fn an_invalid_utf8_file_is_never_saved_over_even_after_an_autosave() {
    let fx = Fixture::new(&[]);
    write_new(&fx.path("latin1.md"), LATIN1);
    fx.library.scan().expect("scan");
    let id = fx.id("latin1.md");
    assert!(fx.library.open_essay(id).is_err());
    // An editor that shows the file anyway (lossily) and autosaves, then the writer saves.
    let lossy = String::from_utf8_lossy(LATIN1).into_owned();
    let autosaved = fx.library.update_draft(id, &lossy);
    let saved = fx.library.save(id);
    assert_eq!(
        fx.bytes("latin1.md"),
        LATIN1,
        "Quire said it \"will never save over it\", yet update_draft gave {autosaved:?} and save gave {saved:?}"
    );
    assert!(
        autosaved.is_err() || saved.is_err(),
        "refused with an error, not silently: update_draft {autosaved:?}, save {saved:?}"
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_and_a_link_out_of_the_folder_are_skipped_reported_and_never_followed() {
    let fx = Fixture::new(&[("cats.md", CATS), ("sentinel.md", "# Sentinel\n")]);
    let outside = fx.dir.path().join("outside");
    fs::create_dir(&outside).expect("outside folder");
    fs::write(outside.join("secret.md"), "# Secret\n\nxylophone\n").expect("outside essay");
    run(&fx.root, "mkfifo", &["x.md"]);
    std::os::unix::fs::symlink(outside.join("secret.md"), fx.path("link.md")).expect("file link");

    // On another thread: a scan that opened the FIFO would block forever.
    let (tx, rx) = mpsc::channel();
    let library = fx.library.clone();
    std::thread::spawn(move || {
        let _ = tx.send(library.scan().map_err(|e| e.to_string()));
    });
    let report = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("scan finished without hanging on the FIFO")
        .expect("scan");
    let reason = |key: &str| {
        report
            .unreadable
            .iter()
            .find(|s| s.path == Path::new(key))
            .map(|s| s.reason.clone())
            .unwrap_or_else(|| panic!("{key} is reported as unreadable: {report:#?}"))
    };
    assert!(reason("x.md").contains("not a regular file"), "{report:#?}");
    assert!(reason("link.md").contains("outside"), "{report:#?}");
    assert_eq!(essay_keys(&fx.library), ["cats.md", "sentinel.md"]);
    assert!(
        search_paths(&fx.library, "xylophone").is_empty(),
        "the outside file was read"
    );
    assert_folder_and_store_agree(&fx.library);

    // The watcher passes over them too: a new FIFO, a new link out, an edit out there.
    let (_watcher, mut events) = fx.watch();
    run(&fx.root, "mkfifo", &["y.md"]);
    std::os::unix::fs::symlink(outside.join("secret.md"), fx.path("link2.md")).expect("file link");
    fs::write(outside.join("secret.md"), "# Secret\n\nxylophone marimba\n").expect("edit outside");
    let before_sentinel = fx.prove_watcher_alive(&mut events, "# Sentinel\n\nEdited.\n");
    assert!(before_sentinel.is_empty(), "{before_sentinel:#?}");
    assert_eq!(essay_keys(&fx.library), ["cats.md", "sentinel.md"]);
    assert!(
        search_paths(&fx.library, "marimba").is_empty(),
        "the outside file was read"
    );
    use std::os::unix::fs::FileTypeExt;
    let fifo = fs::symlink_metadata(fx.path("x.md")).expect("x.md");
    assert!(fifo.file_type().is_fifo(), "x.md is still the FIFO");
    assert_eq!(
        fs::read_to_string(outside.join("secret.md")).expect("secret"),
        "# Secret\n\nxylophone marimba\n"
    );
    assert_folder_and_store_agree(&fx.library);
}

#[cfg(unix)]
#[test]
fn a_linked_folder_pointing_out_of_the_folder_is_never_followed_by_the_watcher() {
    let fx = Fixture::new(&[("cats.md", CATS), ("sentinel.md", "# Sentinel\n")]);
    let outside = fx.dir.path().join("outside");
    fs::create_dir(&outside).expect("outside folder");
    fs::write(outside.join("secret.md"), "# Secret\n\nxylophone\n").expect("outside essay");
    std::os::unix::fs::symlink(&outside, fx.path("elsewhere")).expect("folder link");
    fx.library.scan().expect("scan");
    assert_eq!(
        essay_keys(&fx.library),
        ["cats.md", "sentinel.md"],
        "scan does not follow it"
    );

    let (_watcher, mut events) = fx.watch();
    // Another program works in the outside folder, which the essays folder links to.
    fs::write(outside.join("secret.md"), "# Secret\n\nxylophone marimba\n").expect("edit outside");
    fs::write(outside.join("other.md"), "# Other\n\ntimpani\n").expect("new file outside");
    let before_sentinel = fx.prove_watcher_alive(&mut events, "# Sentinel\n\nEdited.\n");
    assert!(
        before_sentinel.is_empty(),
        "the watcher followed the link out of the essays folder: {before_sentinel:#?}"
    );
    assert_eq!(essay_keys(&fx.library), ["cats.md", "sentinel.md"]);
    assert!(
        search_paths(&fx.library, "marimba OR timpani").is_empty(),
        "outside files were read"
    );
    assert_folder_and_store_agree(&fx.library);
}

/// The paths of the essays the library lists.
fn essay_keys(library: &Library) -> Vec<String> {
    library
        .essays()
        .expect("essays")
        .into_iter()
        .map(|r| r.path.unwrap_or_else(|| "(unsaved)".into()))
        .collect()
}

/// The paths a search finds.
fn search_paths(library: &Library, query: &str) -> Vec<String> {
    library
        .search(query, &SearchFilter::default(), ("[", "]"))
        .expect("search")
        .into_iter()
        .map(|h| h.path.unwrap_or_else(|| "(unsaved)".into()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The app's own operations
// ---------------------------------------------------------------------------------------------

#[test]
fn deleting_from_the_app_keeps_the_text_in_history_and_restore_brings_it_back_byte_exact() {
    // CRLF, no final newline, non-ASCII: restore must not normalise anything.
    let text = "---\r\ntitle: Tea\r\n---\r\n\r\nCaf\u{e9} \u{2014} na\u{ef}ve tea.\r\nLast line";
    let fx = Fixture::scanned(&[("tea.md", text), ("cats.md", CATS)]);
    let id = fx.id("tea.md");
    let (_watcher, mut events) = fx.watch();

    let removed = fx.library.delete(id).expect("delete");
    assert_eq!(removed.kind, ChangeKind::Removed);
    assert_eq!(removed.source, Source::Delete);
    assert!(!fx.path("tea.md").exists(), "the file is gone");
    events.wait_for("the delete", |c| {
        is_change(c, "tea.md", &ChangeKind::Removed, Source::Delete)
    });
    assert!(fx
        .library
        .essays()
        .expect("essays")
        .iter()
        .all(|r| r.id != id));
    assert_folder_and_store_agree(&fx.library);

    let history = fx.library.history(id).expect("history");
    let kept = history
        .iter()
        .find(|r| fx.library.revision_text(r.id).expect("text") == text.as_bytes())
        .unwrap_or_else(|| panic!("the deleted text is in history: {history:#?}"));
    let restored = fx.library.restore(id, kept.id).expect("restore");
    assert_eq!(restored.kind, ChangeKind::Restored);
    assert_eq!(restored.path.as_deref(), Some("tea.md"));
    assert_eq!(fx.bytes("tea.md"), text.as_bytes(), "byte-exact");
    assert_eq!(fx.library.open_essay(id).expect("opens").text, text);
    assert_folder_and_store_agree(&fx.library);
}

#[test]
fn create_makes_a_draft_without_a_file_and_the_first_save_writes_slug_md() {
    let fx = Fixture::scanned(&[("cats.md", CATS)]);
    let (_watcher, mut events) = fx.watch();
    let id = fx.library.create("A Walk in the Rain").expect("create").id;
    let opened = fx.library.open_essay(id).expect("opens");
    assert_eq!(opened.path, None);
    assert!(opened.dirty, "{opened:?}");
    assert!(
        opened.text.contains("title: \"A Walk in the Rain\""),
        "{}",
        opened.text
    );
    assert_eq!(
        essay_files_on_disk(&fx.root).keys().collect::<Vec<_>>(),
        ["cats.md"],
        "no file yet"
    );
    let row = fx
        .library
        .essays()
        .expect("essays")
        .into_iter()
        .find(|r| r.id == id)
        .expect("listed");
    assert_eq!((row.path, row.hash), (None, None));

    let text = format!("{}It rained all the way home.\n", opened.text);
    fx.library.update_draft(id, &text).expect("autosave");
    let saved = fx.library.save(id).expect("first save");
    assert_eq!(saved.path.as_deref(), Some("a-walk-in-the-rain.md"));
    assert_eq!(fx.bytes("a-walk-in-the-rain.md"), text.as_bytes());
    assert_eq!(fx.id("a-walk-in-the-rain.md"), id);
    assert!(!fx.library.open_essay(id).expect("opens").dirty);
    assert_folder_and_store_agree(&fx.library);

    // A second essay with the same title gets the next free name.
    let second = fx.library.create("A Walk in the Rain").expect("create").id;
    let saved = fx.library.save(second).expect("first save");
    assert_eq!(saved.path.as_deref(), Some("a-walk-in-the-rain-2.md"));
    assert!(fx.path("a-walk-in-the-rain-2.md").is_file());
    assert_folder_and_store_agree(&fx.library);
    let arrived = events.settle();
    let disk: Vec<&Change> = arrived
        .iter()
        .chain(&events.log)
        .filter(|c| c.source == Source::Disk)
        .collect();
    assert!(
        disk.is_empty(),
        "the new files came back as outside edits: {disk:#?}"
    );
}

#[test]
fn a_blank_title_is_refused_and_creates_nothing() {
    let fx = Fixture::scanned(&[("cats.md", CATS)]);
    for blank in ["", "   ", "\t\n"] {
        let refused = fx.library.create(blank).expect_err("a blank title");
        assert_eq!(refused.kind(), quire::ErrorKind::Invalid);
        assert_eq!(refused.to_string(), "give the essay a title");
    }
    assert_eq!(fx.library.essays().expect("essays").len(), 1);
    // A title is kept without the spaces around it.
    let opened = fx.library.create("  Tea  ").expect("create");
    assert!(
        opened.text.starts_with("---\ntitle: \"Tea\"\n"),
        "{}",
        opened.text
    );
}

#[test]
fn a_new_file_name_without_md_gets_it_and_stays_an_essay() {
    let fx = Fixture::scanned(&[("cats.md", CATS), ("notes/dogs.md", "# Dogs\n")]);
    let id = fx.id("cats.md");
    let renamed = fx.library.rename(id, "felines").expect("rename");
    assert_eq!(renamed.path.as_deref(), Some("felines.md"));
    assert_eq!(fx.text("felines.md"), CATS);
    // In its own folder, `.markdown` kept, and anything else is a name before `.md`.
    let dogs = fx.id("notes/dogs.md");
    let renamed = fx.library.rename(dogs, "hounds.markdown").expect("rename");
    assert_eq!(renamed.path.as_deref(), Some("notes/hounds.markdown"));
    let renamed = fx.library.rename(dogs, "hounds.txt").expect("rename");
    assert_eq!(renamed.path.as_deref(), Some("notes/hounds.txt.md"));
    assert_folder_and_store_agree(&fx.library);
    let listed: Vec<Option<String>> = fx
        .library
        .essays()
        .expect("essays")
        .into_iter()
        .map(|row| row.path)
        .collect();
    assert!(listed.contains(&Some("felines.md".into())), "{listed:?}");
}

#[test]
fn search_finds_the_words_of_an_outside_edit_without_a_manual_scan() {
    let fx = Fixture::scanned(&a_few_essays());
    let search = |words: &str| -> Vec<Option<String>> {
        fx.library
            .search(words, &SearchFilter::default(), ("[", "]"))
            .expect("search")
            .into_iter()
            .map(|h| h.path)
            .collect()
    };
    assert!(search("zeppelin").is_empty());
    let (_watcher, _events) = fx.watch();
    fs::write(
        fx.path("notes/birds.md"),
        "---\ntitle: Birds\n---\n\nA zeppelin drifts over the marsh.\n",
    )
    .expect("outside edit");
    wait_until("search finds the new word", EVENT_TIMEOUT, || {
        let hits = search("zeppelin");
        (hits == [Some("notes/birds.md".to_string())])
            .then_some(())
            .ok_or(format!("hits: {hits:?}"))
    });
    assert!(
        search("dawn").is_empty(),
        "the old words are gone from the index"
    );
    assert_folder_and_store_agree(&fx.library);
}
