//! Durability: what survives a kill, a locked or damaged store, a full or read-only disk and a
//! huge file. Everything is real: the test binary re-runs itself as a child process that is
//! killed with SIGKILL mid-write, the stores are SQLite files on disk, and the full and
//! read-only disks are tmpfs mounts (root only: `QUIRE_SKIP_MOUNT_TESTS=1` skips those, loudly).
//!
//! The crash tests run `QUIRE_CRASH_ROUNDS` rounds each (default 50); every round's kill
//! moment comes from a small PRNG seeded by the round number, so a failing round can be rerun.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use quire::library::atomic::TEMP_PREFIX;
use quire::library::Library;
use quire::store::{Source, Store};

// ---------------------------------------------------------------------------------------------
// Crash safety: the test binary as a child process, killed with SIGKILL at a random moment.
// ---------------------------------------------------------------------------------------------

/// What the child prints after each acknowledged autosave or save, followed by its number.
const ACK: &str = "QUIRE-CRASH-ACK ";
/// The child gives up (and the parent fails the round) if nobody killed it by then.
const CHILD_DEADLINE: Duration = Duration::from_secs(60);

/// A tiny deterministic PRNG (xorshift64), seeded per round.
struct XorShift(u64);

impl XorShift {
    fn new(seed: u64) -> XorShift {
        XorShift(seed.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

fn rounds() -> u64 {
    std::env::var("QUIRE_CRASH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(50)
}

/// The essay a crash round starts from.
fn crash_base(round: u64) -> String {
    format!("---\ntitle: \"Round {round}\"\n---\n\nThe writer starts typing.")
}

/// Appends the `i`-th typed word, exactly as the child types it.
fn push_word(text: &mut String, i: u64) {
    text.push(if i % 12 == 1 { '\n' } else { ' ' });
    text.push_str(&format!("w{i}"));
}

/// The text after `words` typed words.
fn typed(base: &str, words: u64) -> String {
    let mut text = base.to_string();
    for i in 1..=words {
        push_word(&mut text, i);
    }
    text
}

/// One of the two very different full texts the save child alternates between: `A` (about
/// 200 KB) for odd saves, `B` (about 150 KB) for even ones. Long lines of few words, so that a
/// save spends its time writing the file rather than diffing words.
fn save_text(save: u64) -> String {
    let (letter, size) = if save % 2 == 1 {
        ('A', 200_000)
    } else {
        ('B', 150_000)
    };
    let mut text = format!("---\ntitle: \"Text {letter}\"\n---\n\n");
    let mut line = 0;
    while text.len() < size {
        line += 1;
        let run: String = std::iter::repeat_n(letter, 900 + line % 97).collect();
        text.push_str(&format!("{letter}{line:04} {run}\n"));
    }
    text
}

fn child_env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("crash child needs {name}"))
}

/// Not a test on its own: the crash tests run the test binary again with this one selected and
/// `QUIRE_CRASH_CHILD` set, and kill it while it types (`autosave`) or saves (`save`).
#[test]
#[ignore = "run by the crash tests as a child process, which they kill"]
fn crash_child() {
    let Ok(mode) = std::env::var("QUIRE_CRASH_CHILD") else {
        return;
    };
    let root = PathBuf::from(child_env("QUIRE_CRASH_ROOT"));
    let db = PathBuf::from(child_env("QUIRE_CRASH_DB"));
    let essay = root.join(child_env("QUIRE_CRASH_ESSAY"));
    let lib = Library::open(&root, &db).expect("child opens the library");
    lib.scan().expect("child scans");
    let id = lib.find(&essay).expect("child finds its essay").id;
    let mut text = lib.open_essay(id).expect("child opens its essay").text;
    let mut out = std::io::stdout().lock();
    let started = Instant::now();
    for i in 1.. {
        if started.elapsed() > CHILD_DEADLINE {
            return;
        }
        match mode.as_str() {
            "autosave" => {
                push_word(&mut text, i);
                lib.update_draft(id, &text).expect("autosave");
            }
            "save" => {
                lib.update_draft(id, &save_text(i))
                    .expect("autosave before save");
                lib.save(id).expect("save");
            }
            other => panic!("unknown crash child mode {other}"),
        }
        // Acknowledged only once written; a parent that is gone ends the child.
        if writeln!(out, "{ACK}{i}")
            .and_then(|()| out.flush())
            .is_err()
        {
            return;
        }
    }
}

/// Kills the child if a round fails before its kill.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// When a round kills its child.
#[derive(Debug, Clone, Copy)]
enum KillAt {
    /// After this many acknowledgements, plus a few microseconds.
    Acks(u64, u64),
    /// This many milliseconds after the first acknowledgement.
    Millis(u64),
    /// After this many acknowledgements, as soon as the next save's temporary file appears:
    /// in the middle of writing the file.
    WhileWriting(u64),
}

/// Quire's temporary files for `essay` in `root`.
fn temps_of(root: &Path, essay: &str) -> Vec<String> {
    let suffix = format!("-{essay}");
    std::fs::read_dir(root)
        .expect("read the essays folder")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(TEMP_PREFIX) && n.ends_with(&suffix))
        .collect()
}

/// Runs a crash child on `essay` and kills it with SIGKILL at `kill`. Returns the last number
/// it acknowledged (having checked that they came as 1, 2, 3, … with none missing).
fn crash_round(mode: &str, root: &Path, db: &Path, essay: &str, kill: KillAt) -> u64 {
    let exe = std::env::current_exe().expect("the test binary");
    let child = Command::new(exe)
        .args([
            "--exact",
            "durability::crash_child",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("QUIRE_CRASH_CHILD", mode)
        .env("QUIRE_CRASH_ROOT", root)
        .env("QUIRE_CRASH_DB", db)
        .env("QUIRE_CRASH_ESSAY", essay)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the crash child starts");
    let mut child = Killed(child);
    let stdout = child.0.stdout.take().expect("child stdout");
    let mut stderr = child.0.stderr.take().expect("child stderr");
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(at) = line.rfind(ACK) {
                let n: u64 = line[at + ACK.len()..]
                    .trim()
                    .parse()
                    .expect("an acknowledgement number");
                let _ = tx.send(n);
            }
        }
    });
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let mut last = 0;
    let next_ack = |timeout: Duration, last: &mut u64, child: &mut Killed| match rx
        .recv_timeout(timeout)
    {
        Ok(n) => {
            assert_eq!(n, *last + 1, "{mode}: acknowledgements must come in order");
            *last = n;
        }
        Err(e) => {
            let _ = child.0.kill();
            let status = child.0.wait();
            panic!("{mode}: the crash child stopped acknowledging ({e}; {status:?}) after {last}");
        }
    };
    next_ack(Duration::from_secs(60), &mut last, &mut child);
    match kill {
        KillAt::Acks(acks, micros) => {
            while last < acks {
                next_ack(Duration::from_secs(30), &mut last, &mut child);
            }
            std::thread::sleep(Duration::from_micros(micros));
        }
        KillAt::Millis(ms) => std::thread::sleep(Duration::from_millis(ms)),
        KillAt::WhileWriting(acks) => {
            while last < acks {
                next_ack(Duration::from_secs(30), &mut last, &mut child);
            }
            let deadline = Instant::now() + Duration::from_secs(30);
            while temps_of(root, essay).is_empty() {
                assert!(
                    Instant::now() < deadline,
                    "{mode}: never saw {essay} being written"
                );
            }
        }
    }
    child.0.kill().expect("SIGKILL the crash child");
    let status = child.0.wait().expect("the crash child ends");
    reader.join().expect("the stdout reader ends");
    for n in rx.try_iter() {
        assert_eq!(n, last + 1, "{mode}: acknowledgements must come in order");
        last = n;
    }
    let stderr = errors.join().unwrap_or_default();
    assert_eq!(
        status.signal(),
        Some(9),
        "{mode}: the crash child ended by itself ({status}) instead of being killed; stderr:\n{stderr}"
    );
    last
}

fn crash_library(dir: &Path) -> (PathBuf, PathBuf) {
    let root = dir.join("essays");
    std::fs::create_dir_all(&root).expect("essays folder");
    (root, dir.join("store/quire.db"))
}

fn assert_integrity_ok(db: &Path, context: &str) {
    let store =
        Store::open(db).unwrap_or_else(|e| panic!("{context}: the store opens after a kill: {e}"));
    let check = store.integrity_check().expect("integrity check runs");
    assert_eq!(check, "ok", "{context}: PRAGMA integrity_check");
}

/// Counts the typed words (`w1`, `w2`, …) in a draft, to report how much a kill lost even when
/// the text is not one the child could have autosaved.
fn typed_words(text: &str) -> u64 {
    text.split_whitespace()
        .filter(|w| {
            w.strip_prefix('w')
                .is_some_and(|n| n.parse::<u64>().is_ok())
        })
        .count() as u64
}

#[test]
fn a_kill_during_autosave_loses_no_acknowledged_word() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, db) = crash_library(dir.path());
    let started = Instant::now();
    let (mut max_lost, mut in_flight_landed, mut total_words) = (0u64, 0u64, 0u64);
    for round in 0..rounds() {
        let mut rng = XorShift::new(round);
        let kill = if round % 2 == 0 {
            KillAt::Acks(rng.range(1, 300), rng.range(0, 500))
        } else {
            KillAt::Millis(rng.range(5, 200))
        };
        let name = format!("round-{round:03}.md");
        let base = crash_base(round);
        std::fs::write(root.join(&name), &base).expect("write the round's essay");
        let acked = crash_round("autosave", &root, &db, &name, kill);
        let context = format!("autosave round {round} (kill {kill:?}, {acked} words acknowledged)");
        assert_integrity_ok(&db, &context);

        let lib =
            Library::open(&root, &db).unwrap_or_else(|e| panic!("{context}: library opens: {e}"));
        let id = lib
            .find(&root.join(&name))
            .expect("the round's essay is known")
            .id;
        let opened = lib
            .open_essay(id)
            .unwrap_or_else(|e| panic!("{context}: open_essay: {e}"));
        let words = typed_words(&opened.text);
        max_lost = max_lost.max(acked.saturating_sub(words));
        let Some(kept) = (acked..=acked + 1).find(|&k| typed(&base, k) == opened.text) else {
            let tail: String = opened
                .text
                .chars()
                .rev()
                .take(80)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            panic!("{context}: the draft is not the text after {acked} (or {}) words: it has {words} typed words, ends with {tail:?}", acked + 1);
        };
        assert!(
            opened.dirty,
            "{context}: the draft differs from the file, so it is dirty"
        );
        assert_eq!(
            std::fs::read_to_string(root.join(&name)).expect("essay"),
            base,
            "{context}: autosave never touches the file"
        );
        in_flight_landed += u64::from(kept > acked);
        total_words += acked;
    }
    let elapsed = started.elapsed();
    eprintln!(
        "durability: autosave crash: {} rounds in {:.1} s, {total_words} words acknowledged, max acknowledged words lost per kill: {max_lost}, in-flight autosave also kept in {in_flight_landed} rounds",
        rounds(),
        elapsed.as_secs_f64()
    );
    assert_eq!(max_lost, 0);
}

#[test]
fn a_kill_during_save_leaves_the_old_file_or_the_new_one_never_a_torn_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, db) = crash_library(dir.path());
    let (a, b) = (save_text(1), save_text(2));
    let started = Instant::now();
    let (mut torn_checks, mut mid_write, mut in_flight_landed, mut total_saves) =
        (0u64, 0u64, 0u64, 0u64);
    for round in 0..rounds() {
        let mut rng = XorShift::new(1_000 + round);
        let kill = match round % 3 {
            0 => KillAt::Acks(rng.range(1, 12), rng.range(0, 20_000)),
            1 => KillAt::Millis(rng.range(5, 200)),
            _ => KillAt::WhileWriting(rng.range(1, 6)),
        };
        let name = format!("save-{round:03}.md");
        let original =
            format!("---\ntitle: \"Original {round}\"\n---\n\nThe file before any save.\n");
        std::fs::write(root.join(&name), &original).expect("write the round's essay");
        let acked = crash_round("save", &root, &db, &name, kill);
        let context = format!("save round {round} (kill {kill:?}, {acked} saves acknowledged)");
        assert_integrity_ok(&db, &context);

        mid_write += u64::from(!temps_of(&root, &name).is_empty());
        let on_disk = std::fs::read(root.join(&name)).expect("the essay file is still there");
        let expected = [save_text(acked), save_text(acked + 1)];
        assert!(
            expected.iter().any(|t| t.as_bytes() == on_disk.as_slice()),
            "{context}: the file is {} bytes and neither text A ({} bytes) nor text B ({} bytes){}",
            on_disk.len(),
            a.len(),
            b.len(),
            if on_disk == original.as_bytes() {
                ": it is the original, though a save was acknowledged"
            } else {
                ": torn"
            }
        );
        torn_checks += 1;

        let lib =
            Library::open(&root, &db).unwrap_or_else(|e| panic!("{context}: library opens: {e}"));
        let report = lib
            .scan()
            .unwrap_or_else(|e| panic!("{context}: scan: {e}"));
        assert_eq!(
            report.files,
            round as usize + 1,
            "{context}: scan sees exactly the essays: {report:?}"
        );
        for change in &report.changes {
            let path = change.path.as_deref().unwrap_or_default();
            assert!(
                !path.contains(TEMP_PREFIX),
                "{context}: scan reported a temporary file: {change:?}"
            );
        }
        assert!(
            report.unreadable.is_empty(),
            "{context}: {:?}",
            report.unreadable
        );
        let essays = lib.essays().expect("essays");
        assert_eq!(essays.len(), round as usize + 1, "{context}: {essays:?}");
        assert!(
            essays
                .iter()
                .all(|e| !e.path.as_deref().unwrap_or_default().contains(TEMP_PREFIX)),
            "{context}: {essays:?}"
        );

        let id = lib
            .find(&root.join(&name))
            .expect("the round's essay is known")
            .id;
        let saves = lib
            .history(id)
            .expect("history")
            .iter()
            .filter(|r| r.source == Source::Save)
            .count() as u64;
        assert!(
            (acked..=acked + 1).contains(&saves),
            "{context}: every acknowledged save is a revision: {saves} save revisions"
        );
        in_flight_landed += u64::from(saves > acked);
        total_saves += acked;
        let opened = lib
            .open_essay(id)
            .unwrap_or_else(|e| panic!("{context}: open_essay: {e}"));
        if opened.dirty {
            assert!(
                opened.text == a || opened.text == b,
                "{context}: the dirty draft is one of the two texts"
            );
        } else {
            assert_eq!(
                opened.text.as_bytes(),
                on_disk.as_slice(),
                "{context}: a clean draft is the file"
            );
        }
    }
    eprintln!(
        "durability: save crash: {} rounds in {:.1} s, {total_saves} saves acknowledged, {torn_checks} files checked (none torn), {mid_write} kills landed mid-write (their temporary files left behind, ignored by scan), in-flight save also landed in {in_flight_landed} rounds",
        rounds(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        rounds() < 3 || mid_write > 0,
        "no kill landed while a file was being written: the rounds tested nothing"
    );
}

// ---------------------------------------------------------------------------------------------
// Storage failures: a clear error, nothing lost, no essay touched.
// ---------------------------------------------------------------------------------------------

/// Every essay file (`.md`) below `root` and its bytes.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| {
            (
                e.path().to_path_buf(),
                std::fs::read(e.path()).expect("read essay"),
            )
        })
        .collect()
}

/// A few essays: `a.md`, `b.md` and `sub/c.md`.
fn write_essays(root: &Path) {
    std::fs::create_dir_all(root.join("sub")).expect("essays folder");
    for (name, title) in [
        ("a.md", "Alpha"),
        ("b.md", "Bravo"),
        ("sub/c.md", "Charlie"),
    ] {
        let body = format!("---\ntitle: {title}\n---\n\n{title} is an essay about durability.\n");
        std::fs::write(root.join(name), body).expect("write essay");
    }
}

fn temp_files(root: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(TEMP_PREFIX))
        .map(|e| e.path().to_path_buf())
        .collect()
}

/// A big draft: `kb` kilobytes of prose.
fn big_text(kb: usize) -> String {
    let mut text = String::from("---\ntitle: Alpha\n---\n\n");
    let mut n = 0;
    while text.len() < kb * 1024 {
        n += 1;
        text.push_str(&format!(
            "Sentence {n} of a long draft that the writer does not want to lose.\n"
        ));
    }
    text
}

fn assert_store_error(err: &quire::Error, db: &Path, words: &str) {
    let message = err.to_string();
    assert_eq!(err.kind(), quire::ErrorKind::Store, "{message}");
    assert_eq!(err.path(), Some(db), "{message}");
    assert!(
        message.contains(&db.display().to_string()),
        "names the store file: {message}"
    );
    assert!(message.contains(words), "says `{words}`: {message}");
}

#[test]
fn a_locked_store_gives_a_clear_error_and_touches_no_essay() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("essays");
    let db = dir.path().join("quire.db");
    write_essays(&root);
    let id = {
        let lib = Library::open(&root, &db).expect("open");
        lib.scan().expect("scan");
        let id = lib.find(&root.join("a.md")).expect("a.md").id;
        lib.update_draft(id, "draft one").expect("autosave");
        id
    };
    let before = snapshot(&root);

    // Another program holds the whole file: nobody else may even read it. (It waits for the
    // closed library's connections to go first.)
    let holder = rusqlite::Connection::open(&db).expect("a second connection");
    holder
        .busy_timeout(Duration::from_secs(10))
        .expect("busy timeout");
    holder
        .execute_batch(
            "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; UPDATE essays SET words = words;",
        )
        .expect("take an exclusive lock");
    let err = Library::open(&root, &db)
        .err()
        .expect("opening a locked store fails");
    assert_store_error(&err, &db, "locked");
    holder.execute_batch("ROLLBACK").expect("release");
    drop(holder);
    assert_eq!(snapshot(&root), before, "no essay file changed");

    // Another program holds the write lock while this library is open.
    let lib = Library::open(&root, &db).expect("open once the lock is gone");
    std::fs::write(
        root.join("b.md"),
        "---\ntitle: Bravo\n---\n\nEdited in another editor.\n",
    )
    .expect("outside edit");
    let before = snapshot(&root);
    let holder = rusqlite::Connection::open(&db).expect("a second connection");
    holder
        .execute_batch("BEGIN EXCLUSIVE; UPDATE essays SET words = words;")
        .expect("take the write lock");
    let err = lib
        .update_draft(id, "draft two")
        .expect_err("autosave into a locked store fails");
    assert_store_error(&err, &db, "locked");
    let err = lib
        .scan()
        .expect_err("taking in an outside edit needs the store, which is locked");
    assert_store_error(&err, &db, "locked");
    holder.execute_batch("ROLLBACK").expect("release");
    drop(holder);

    assert_eq!(snapshot(&root), before, "no essay file changed");
    let opened = lib.open_essay(id).expect("open after the lock is gone");
    assert_eq!(opened.text, "draft one", "the earlier draft is intact");
    lib.update_draft(id, "draft two")
        .expect("autosave works again");
    assert_eq!(
        lib.scan().expect("scan works again").changed,
        1,
        "the outside edit is taken in"
    );
    let lib = Library::open(&root, &db).expect("reopen");
    assert_eq!(lib.open_essay(id).expect("open").text, "draft two");
    assert_eq!(snapshot(&root), before, "no essay file changed");
}

#[test]
fn a_store_held_briefly_by_another_writer_makes_autosave_wait_not_fail() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("essays");
    let db = dir.path().join("quire.db");
    write_essays(&root);
    let lib = Library::open(&root, &db).expect("open");
    lib.scan().expect("scan");
    let id = lib.find(&root.join("a.md")).expect("a.md").id;
    lib.update_draft(id, "draft one").expect("autosave");

    // Another Quire (the CLI's `quire index`, a second window) writes for 300 ms: well within
    // the store's 5 s busy timeout, so an autosave meanwhile must wait for it, not fail.
    let (locked, release) = (mpsc::channel(), Duration::from_millis(300));
    let holder_db = db.clone();
    let holder = std::thread::spawn(move || {
        let conn = rusqlite::Connection::open(&holder_db).expect("a second connection");
        conn.execute_batch("BEGIN IMMEDIATE; UPDATE essays SET words = words;")
            .expect("take the write lock");
        locked.0.send(()).expect("tell the test");
        std::thread::sleep(release);
        conn.execute_batch("COMMIT").expect("release");
    });
    locked.1.recv().expect("the other writer has the lock");
    let started = Instant::now();
    let result = lib.update_draft(id, "draft two");
    let waited = started.elapsed();
    holder.join().expect("the other writer is done");
    if let Err(err) = result {
        panic!(
            "autosave failed after {waited:?} while another writer held the store for only {release:?} (busy timeout 5 s): {err}"
        );
    }
    assert_eq!(lib.open_essay(id).expect("open").text, "draft two");
}

#[test]
fn a_store_overwritten_with_garbage_is_refused_with_advice_and_no_essay_touched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("essays");
    let db = dir.path().join("quire.db");
    write_essays(&root);
    {
        let lib = Library::open(&root, &db).expect("open");
        lib.scan().expect("scan");
    }
    let before = snapshot(&root);
    let mut rng = XorShift::new(7);
    let garbage: Vec<u8> = (0..64 * 1024).map(|_| rng.next() as u8).collect();
    std::fs::write(&db, &garbage).expect("overwrite the store");

    let err = Library::open(&root, &db)
        .err()
        .expect("a garbage store is refused");
    assert_store_error(&err, &db, "move it aside");
    assert_eq!(snapshot(&root), before, "no essay file changed");
    assert_eq!(
        std::fs::read(&db).expect("store"),
        garbage,
        "the damaged store is left for the writer to move"
    );

    // Doing what the message says works, and every essay is still there.
    std::fs::rename(&db, dir.path().join("quire.db.damaged")).expect("move it aside");
    let lib = Library::open(&root, &db).expect("a new store");
    assert_eq!(lib.scan().expect("scan").new, 3);
}

#[test]
fn a_store_damaged_past_its_header_gives_the_same_advice() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("essays");
    let db = dir.path().join("quire.db");
    write_essays(&root);
    {
        let lib = Library::open(&root, &db).expect("open");
        lib.scan().expect("scan");
        let id = lib.find(&root.join("a.md")).expect("a.md").id;
        lib.update_draft(id, &big_text(64)).expect("autosave");
    }
    let before = snapshot(&root);
    // Keep the 100-byte header (a valid SQLite file at first sight), wreck every page after it.
    let mut bytes = std::fs::read(&db).expect("store");
    let mut rng = XorShift::new(11);
    for byte in bytes.iter_mut().skip(100) {
        *byte = rng.next() as u8;
    }
    std::fs::write(&db, &bytes).expect("damage the store");

    let err = match Library::open(&root, &db) {
        Err(e) => e,
        Ok(lib) => lib
            .scan()
            .expect_err("a damaged store fails at the latest on the first scan"),
    };
    assert_store_error(&err, &db, "move it aside");
    assert_eq!(snapshot(&root), before, "no essay file changed");
}

/// A tmpfs mounted for one test, unmounted when dropped (even when the test panics).
struct Tmpfs {
    dir: PathBuf,
}

impl Tmpfs {
    /// Mounts a tmpfs of `size` at `dir`; `None` (with a note) when mount tests are skipped.
    /// Fails the test when it cannot mount: these tests need root, and must not pass silently.
    fn mount(test: &str, dir: &Path, size: &str) -> Option<Tmpfs> {
        if std::env::var("QUIRE_SKIP_MOUNT_TESTS").is_ok_and(|v| v == "1") {
            eprintln!("durability::{test}: SKIPPED (QUIRE_SKIP_MOUNT_TESTS=1): this test mounts a tmpfs and needs root");
            return None;
        }
        std::fs::create_dir_all(dir).expect("mount point");
        let output = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0755"),
                "tmpfs",
            ])
            .arg(dir)
            .output();
        match output {
            Ok(out) if out.status.success() => Some(Tmpfs { dir: dir.to_path_buf() }),
            Ok(out) => panic!(
                "durability::{test}: `mount -t tmpfs` failed ({}): {}\nThis test mounts a small tmpfs to make a full or read-only disk, which needs root (CI runs as root). Run it as root, or set QUIRE_SKIP_MOUNT_TESTS=1 to skip the mount tests.",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ),
            Err(e) => panic!(
                "durability::{test}: could not run `mount` ({e}). This test needs root and the mount command; set QUIRE_SKIP_MOUNT_TESTS=1 to skip the mount tests."
            ),
        }
    }

    fn remount(&self, mode: &str) {
        let out = Command::new("mount")
            .args(["-o", &format!("remount,{mode}")])
            .arg(&self.dir)
            .output()
            .expect("mount runs");
        assert!(
            out.status.success(),
            "remount {mode}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let ok = Command::new("umount")
            .arg(&self.dir)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
        }
    }
}

/// Fills the file system holding `dir` until about `leave` bytes are free.
fn fill(dir: &Path, leave: u64) -> PathBuf {
    let filler = dir.join("_filler");
    std::fs::create_dir_all(&filler).expect("filler folder");
    let path = filler.join("filler.bin");
    let mut file = std::fs::File::create(&path).expect("filler");
    let chunk = vec![0x5a_u8; 4096];
    let mut written = 0u64;
    while file.write_all(&chunk).is_ok() {
        written += chunk.len() as u64;
    }
    file.set_len(written.saturating_sub(leave))
        .expect("leave a little room");
    file.sync_all().expect("sync filler");
    path
}

/// Whether an error names the essay file itself (not only a temporary file beside it).
fn names_file(err: &quire::Error, file: &Path) -> bool {
    err.to_string().contains(&file.display().to_string()) || err.path() == Some(file)
}

#[test]
fn a_full_disk_under_the_essays_fails_the_save_and_keeps_the_file_and_the_draft() {
    let dir = tempfile::tempdir().expect("temp dir");
    let Some(mnt) = Tmpfs::mount(
        "a_full_disk_under_the_essays_fails_the_save_and_keeps_the_file_and_the_draft",
        &dir.path().join("essays"),
        "512k",
    ) else {
        return;
    };
    let root = mnt.dir.canonicalize().expect("mount point");
    let db = dir.path().join("quire.db");
    write_essays(&root);
    let essay = root.join("a.md");
    let lib = Library::open(&root, &db).expect("open");
    lib.scan().expect("scan");
    let id = lib.find(&essay).expect("a.md").id;
    let before = snapshot(&root);
    let filler = fill(&root, 16 * 1024);

    let big = big_text(300);
    lib.update_draft(id, &big)
        .expect("autosave goes to the store, which has room");
    let err = lib
        .save(id)
        .expect_err("saving 300 KB onto a full disk fails");
    let message = err.to_string();
    assert!(
        [quire::ErrorKind::Io, quire::ErrorKind::Store].contains(&err.kind()),
        "{message}"
    );
    assert!(
        message.contains("No space left on device"),
        "says the disk is full: {message}"
    );
    assert_eq!(
        snapshot(&root),
        before,
        "the essay is intact and nothing replaced it"
    );
    assert!(
        temp_files(&root).is_empty(),
        "no temporary file is left: {:?}",
        temp_files(&root)
    );
    let opened = lib.open_essay(id).expect("open");
    assert!(
        opened.dirty && opened.text == big,
        "the draft is still in the store, unsaved"
    );
    assert!(
        lib.history(id)
            .expect("history")
            .iter()
            .all(|r| r.source != Source::Save),
        "no save was recorded"
    );

    std::fs::remove_file(&filler).expect("free the space");
    lib.save(id).expect("saving works once there is room");
    assert_eq!(std::fs::read_to_string(&essay).expect("essay"), big);
    assert!(!lib.open_essay(id).expect("open").dirty);
    assert!(
        names_file(&err, &essay),
        "the error names the essay file {}: {message}",
        essay.display()
    );
}

#[test]
fn a_full_disk_under_the_store_fails_the_autosave_clearly_and_keeps_the_earlier_draft() {
    let dir = tempfile::tempdir().expect("temp dir");
    let Some(mnt) = Tmpfs::mount(
        "a_full_disk_under_the_store_fails_the_autosave_clearly_and_keeps_the_earlier_draft",
        &dir.path().join("store"),
        "1m",
    ) else {
        return;
    };
    let root = dir.path().join("essays");
    let db = mnt.dir.join("quire.db");
    write_essays(&root);
    let lib = Library::open(&root, &db).expect("open");
    lib.scan().expect("scan");
    let id = lib.find(&root.join("a.md")).expect("a.md").id;
    let earlier = "---\ntitle: Alpha\n---\n\nThe earlier draft, autosaved while there was room.\n";
    lib.update_draft(id, earlier).expect("autosave");
    let before = snapshot(&root);
    let filler = fill(&mnt.dir, 8 * 1024);

    let big = big_text(300);
    let err = lib
        .update_draft(id, &big)
        .expect_err("autosaving 300 KB into a full store fails");
    assert_store_error(&err, &db, "disk is full");
    assert_eq!(
        lib.open_essay(id).expect("read while full").text,
        earlier,
        "the earlier draft is readable"
    );
    assert_eq!(snapshot(&root), before, "no essay file changed");

    std::fs::remove_file(&filler).expect("free the space");
    let opened = lib.open_essay(id).expect("open");
    assert_eq!(opened.text, earlier, "the earlier draft survived");
    assert!(opened.dirty);
    assert_integrity_ok(&db, "after a full disk");
    lib.update_draft(id, &big)
        .expect("autosave works once there is room");
    drop(lib);
    let lib = Library::open(&root, &db).expect("reopen");
    assert_eq!(lib.open_essay(id).expect("open").text, big);
    assert_eq!(snapshot(&root), before, "no essay file changed");
}

#[test]
fn a_read_only_folder_fails_the_save_clearly_and_keeps_the_draft_until_it_is_writable() {
    let dir = tempfile::tempdir().expect("temp dir");
    let Some(mnt) = Tmpfs::mount(
        "a_read_only_folder_fails_the_save_clearly_and_keeps_the_draft_until_it_is_writable",
        &dir.path().join("essays"),
        "512k",
    ) else {
        return;
    };
    let root = mnt.dir.canonicalize().expect("mount point");
    let db = dir.path().join("quire.db");
    write_essays(&root);
    let essay = root.join("a.md");
    let lib = Library::open(&root, &db).expect("open");
    lib.scan().expect("scan");
    let id = lib.find(&essay).expect("a.md").id;
    let text = "---\ntitle: Alpha\n---\n\nWritten while the folder was read-only.\n";
    lib.update_draft(id, text).expect("autosave");
    let before = snapshot(&root);

    mnt.remount("ro");
    let err = lib
        .save(id)
        .expect_err("saving into a read-only folder fails");
    let message = err.to_string();
    assert_eq!(err.kind(), quire::ErrorKind::Io, "{message}");
    assert!(
        message.contains("Read-only file system"),
        "says why: {message}"
    );
    assert_eq!(snapshot(&root), before, "no essay file changed");
    let opened = lib.open_essay(id).expect("open");
    assert_eq!(opened.text, text, "the draft is still in the store");
    assert!(opened.dirty, "and still unsaved");

    mnt.remount("rw");
    lib.save(id)
        .expect("saving works once the folder is writable");
    assert_eq!(std::fs::read_to_string(&essay).expect("essay"), text);
    assert!(!lib.open_essay(id).expect("open").dirty);
    assert!(
        names_file(&err, &essay),
        "the error names the essay file {}: {message}",
        essay.display()
    );
}

#[test]
fn a_huge_file_is_reported_unreadable_with_its_size_and_the_rest_are_indexed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("essays");
    let db = dir.path().join("quire.db");
    write_essays(&root);
    let line = "A line of an essay far too long to edit, repeated until it is twenty megabytes.\n";
    let huge: String = line.repeat(20 * 1024 * 1024 / line.len() + 1);
    std::fs::write(root.join("huge.md"), &huge).expect("write huge essay");
    let before = snapshot(&root);

    let lib = Library::open(&root, &db).expect("open");
    let report = lib.scan().expect("scan");
    let size = format!("{:.1} MB", huge.len() as f64 / 1e6);
    assert_eq!(report.unreadable.len(), 1, "{:?}", report.unreadable);
    assert_eq!(report.unreadable[0].path, Path::new("huge.md"));
    assert!(
        report.unreadable[0].reason.contains(&size),
        "mentions its size ({size}): {}",
        report.unreadable[0].reason
    );
    assert!(
        report.unreadable[0].reason.contains("16 MB"),
        "and the limit: {}",
        report.unreadable[0].reason
    );
    assert_eq!(report.new, 3, "the other essays are indexed: {report:?}");
    let paths: Vec<String> = lib
        .essays()
        .expect("essays")
        .into_iter()
        .filter_map(|e| e.path)
        .collect();
    assert_eq!(paths, ["a.md", "b.md", "sub/c.md"]);
    // A second scan reports it again rather than forgetting it.
    assert_eq!(lib.scan().expect("rescan").unreadable.len(), 1);
    assert_eq!(snapshot(&root), before, "nothing was modified");
}
