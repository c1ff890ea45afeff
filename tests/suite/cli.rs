//! The `quire` command line as users and scripts see it: output, files, exit codes.

use crate::support::{copy_fixture, fixture, quire, read, run, stderr, stdout};

#[test]
fn render_prints_the_essay_html() {
    let output = run(&fixture("site"), &["render", "first.md"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let html = stdout(&output);
    assert!(
        html.starts_with("<h2 id=\"beginnings\">Beginnings</h2>"),
        "{html}"
    );
    assert!(!html.contains("<html"), "without --page only the body");
}

#[test]
fn render_page_prints_a_full_page_with_css() {
    let output = run(&fixture("site"), &["render", "first.md", "--page"]);
    let html = stdout(&output);
    assert!(html.starts_with("<!doctype html>"), "{html}");
    assert!(html.contains("<title>The First Essay</title>"));
    assert!(
        html.contains("<style>") && html.contains("--measure"),
        "built-in CSS inlined"
    );
}

#[test]
fn render_of_a_broken_essay_names_file_and_line_and_exits_1() {
    let output = run(&fixture("site"), &["render", "broken.md"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("broken.md:3: `date: not-a-date` is not a date"),
        "{}",
        stderr(&output)
    );
    assert!(stdout(&output).is_empty());
}

#[test]
fn usage_errors_exit_2() {
    let output = quire().args(["render"]).output().expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let output = quire().args(["frobnicate"]).output().expect("runs");
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_missing_essays_folder_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp");
    let output = run(dir.path(), &["export", "nowhere"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("nowhere"), "{}", stderr(&output));
}

#[test]
fn check_reports_every_kind_of_problem_as_path_line_level_message() {
    let (_guard, dir) = copy_fixture("check");
    let output = run(&dir, &["check", "."]);
    assert_eq!(output.status.code(), Some(1), "errors make exit code 1");
    insta::assert_snapshot!("check_output", stdout(&output));
    assert!(
        stderr(&output).contains("essays checked"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn check_of_a_clean_folder_exits_0() {
    let output = run(&fixture("site"), &["check", "notes"]);
    let out = stdout(&output);
    // notes/ alone has one essay whose only link points outside that folder.
    assert!(
        out.contains("points outside the essays folder") || output.status.success(),
        "{out}"
    );
    let (_guard, dir) = copy_fixture("site");
    std::fs::remove_file(dir.join("broken.md")).expect("rm");
    let output = run(&dir, &["check", "."]);
    assert!(output.status.success(), "{}", stdout(&output));
}

#[test]
fn the_bundled_essays_pass_check_without_errors() {
    let essays = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("essays");
    let output = run(&essays, &["check", "."]);
    assert!(output.status.success(), "{}", stdout(&output));
}

#[test]
fn new_creates_an_essay_with_front_matter_and_never_overwrites() {
    let dir = tempfile::tempdir().expect("temp");
    let new = |title: &str| {
        quire()
            .current_dir(dir.path())
            .env("QUIRE_DB", dir.path().join("quire.db"))
            .args(["new", title, "--essays", "mine"])
            .output()
            .expect("quire runs")
    };
    let output = new("On Training: A \"Second\" Look");
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output).trim(), "mine/on-training-a-second-look.md");
    let text = read(dir.path().join("mine/on-training-a-second-look.md"));
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    assert!(
        text.starts_with("---\ntitle: \"On Training: A \\\"Second\\\" Look\"\n"),
        "{text}"
    );
    assert!(
        text.contains(&format!("date: {today}\n")) && text.contains("status: draft\n"),
        "{text}"
    );
    let essay = quire::essay::Essay::read(&dir.path().join("mine/on-training-a-second-look.md"))
        .expect("parses back");
    assert_eq!(
        essay.front.title.as_deref(),
        Some("On Training: A \"Second\" Look")
    );

    let again = new("On Training: A \"Second\" Look");
    assert_eq!(stdout(&again).trim(), "mine/on-training-a-second-look-2.md");
    assert_eq!(
        read(dir.path().join("mine/on-training-a-second-look.md")),
        text,
        "first file untouched"
    );
}

#[test]
fn new_is_the_apps_new_with_its_history_from_the_first_save() {
    let dir = tempfile::tempdir().expect("temp");
    let db = dir.path().join("quire.db");
    let quire_in = |args: &[&str]| {
        quire()
            .current_dir(dir.path())
            .env("QUIRE_DB", &db)
            .args(args)
            .args(["--essays", "mine"])
            .output()
            .expect("quire runs")
    };
    let blank = quire_in(&["new", "  "]);
    assert_eq!(blank.status.code(), Some(1));
    assert!(
        stderr(&blank).contains("give the essay a title: quire new \"My essay\""),
        "{}",
        stderr(&blank)
    );
    assert!(
        !dir.path().join("mine").exists(),
        "a blank title makes nothing"
    );

    // The same file the app's New writes on its first save, recorded as that save.
    let output = quire_in(&["new", "A Walk in the Rain"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let library = quire::library::Library::open(&dir.path().join("mine"), &db).expect("opens");
    let app = library.create("A Walk in the Rain").expect("the app's New");
    let file = read(dir.path().join("mine/a-walk-in-the-rain.md"));
    assert_eq!(file, app.text);
    let saved = library.save(app.id).expect("the app's first save");
    assert_eq!(saved.path.as_deref(), Some("a-walk-in-the-rain-2.md"));
    drop(library);

    let history = quire_in(&["history", "mine/a-walk-in-the-rain.md", "--json"]);
    assert!(history.status.success(), "{}", stderr(&history));
    let revisions: serde_json::Value =
        serde_json::from_str(&stdout(&history)).expect("history as JSON");
    assert_eq!(revisions.as_array().map(Vec::len), Some(1), "{revisions}");
    assert_eq!(revisions[0]["source"], "save", "{revisions}");
}

#[test]
fn quiet_export_prints_nothing_on_success() {
    let (_guard, dir) = copy_fixture("site");
    std::fs::remove_file(dir.join("broken.md")).expect("rm");
    let output = run(&dir, &["export", ".", "--out", "out", "--quiet"]);
    assert!(output.status.success());
    assert!(stderr(&output).is_empty(), "{}", stderr(&output));
    assert!(stdout(&output).is_empty());
}

#[test]
fn export_without_a_progress_bar_when_piped() {
    let (_guard, dir) = copy_fixture("site");
    let output = run(&dir, &["export", ".", "--out", "out"]);
    let err = stderr(&output);
    assert!(
        !err.contains("exporting"),
        "no progress bar on a pipe: {err}"
    );
    assert!(err.contains("Exported 3 essays to out"), "{err}");
    // In a terminal the same export does draw the bar, so the check above can see one.
    #[cfg(target_os = "linux")]
    {
        let command = format!("'{}' export . --out out2", env!("CARGO_BIN_EXE_quire"));
        let terminal = std::process::Command::new("script")
            .args(["--quiet", "--return", "--command", &command, "/dev/null"])
            .current_dir(&dir)
            .env("TERM", "xterm")
            .stdin(std::process::Stdio::null())
            .output()
            .expect("script (util-linux) runs the export in a pseudo-terminal");
        let shown = stdout(&terminal);
        assert!(
            shown.contains("Exported 3 essays to out2"),
            "{shown:?}{}",
            stderr(&terminal)
        );
        assert!(
            shown.contains("/3 essays"),
            "a bar in a terminal: {shown:?}"
        );
        assert!(
            shown.contains("exporting "),
            "a bar in a terminal: {shown:?}"
        );
    }
}

/// Runs `quire` in `dir` with its own store, so tests never share history.
fn run_with_store(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    quire()
        .current_dir(dir)
        .env("QUIRE_DB", dir.join("quire.db"))
        .args(args)
        .output()
        .expect("quire runs")
}

#[test]
fn index_prints_counts_and_a_second_run_finds_nothing_new() {
    let (_guard, dir) = copy_fixture("site");
    let first = run_with_store(&dir, &["index", "."]);
    assert!(first.status.success(), "{}", stderr(&first));
    let out = stdout(&first);
    assert!(
        out.starts_with("5 essays: 5 new, 0 changed, 0 renamed, 0 removed, 1 unreadable"),
        "{out}"
    );
    assert!(
        stderr(&first).contains("broken.md: warning:"),
        "the essay with a problem is named: {}",
        stderr(&first)
    );
    let second = run_with_store(&dir, &["index", "."]);
    assert!(
        stdout(&second)
            .starts_with("5 essays: 0 new, 0 changed, 0 renamed, 0 removed, 0 unreadable"),
        "{}",
        stdout(&second)
    );
    std::fs::write(
        dir.join("draft.md"),
        read(dir.join("draft.md")) + "\nMore.\n",
    )
    .expect("edit");
    std::fs::remove_file(dir.join("notes/nested.md")).expect("rm");
    let third = run_with_store(&dir, &["index", "."]);
    assert!(
        stdout(&third).starts_with("4 essays: 0 new, 1 changed, 0 renamed, 1 removed"),
        "{}",
        stdout(&third)
    );
}

#[test]
fn search_ranks_marks_hits_and_filters() {
    let (_guard, dir) = copy_fixture("site");
    let output = run_with_store(&dir, &["--essays", ".", "search", "essay"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let out = stdout(&output);
    assert!(
        out.contains("first.md  The First Essay  (published)"),
        "{out}"
    );
    assert!(
        out.contains("[essay]") || out.contains("[Essay]"),
        "hits are marked: {out}"
    );
    let drafts = stdout(&run_with_store(
        &dir,
        &["--essays", ".", "search", "unfinished", "--status", "draft"],
    ));
    assert!(drafts.contains("draft.md"), "{drafts}");
    let published = stdout(&run_with_store(
        &dir,
        &[
            "--essays",
            ".",
            "search",
            "unfinished",
            "--status",
            "published",
        ],
    ));
    assert!(published.is_empty(), "{published}");
    let tagged = stdout(&run_with_store(
        &dir,
        &[
            "--essays", ".", "search", "essay", "--tag", "history", "--json",
        ],
    ));
    let hits: serde_json::Value = serde_json::from_str(&tagged).expect("json");
    let mut paths: Vec<&str> = hits
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|h| h["path"].as_str())
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        ["first.md", "notes/nested.md"],
        "only essays tagged history: {tagged}"
    );
    let phrase = stdout(&run_with_store(
        &dir,
        &["--essays", ".", "search", "\"TOML front matter\""],
    ));
    assert!(phrase.contains("nested.md"), "{phrase}");
    let prefix = stdout(&run_with_store(
        &dir,
        &["--essays", ".", "search", "begin*"],
    ));
    assert!(prefix.contains("first.md"), "{prefix}");
}

#[test]
fn a_search_query_that_cannot_be_read_gets_a_clear_message() {
    let (_guard, dir) = copy_fixture("site");
    let output = run_with_store(&dir, &["--essays", ".", "search", "\"*"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("is not valid"),
        "{}",
        stderr(&output)
    );
    // Ordinary punctuation is searched for as written instead of failing.
    let output = run_with_store(&dir, &["--essays", ".", "search", "U.S. don't"]);
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn history_lists_revisions_and_restore_brings_one_back_as_a_new_revision() {
    let (_guard, dir) = copy_fixture("site");
    let original = read(dir.join("first.md"));
    run_with_store(&dir, &["index", "."]);
    std::fs::write(
        dir.join("first.md"),
        original.replace("The note.", "The note, rewritten at length."),
    )
    .expect("edit");
    let history = stdout(&run_with_store(
        &dir,
        &["--essays", ".", "history", "first.md"],
    ));
    let lines: Vec<&str> = history.lines().collect();
    assert_eq!(lines.len(), 2, "{history}");
    assert!(
        lines[0].contains(" disk ") && lines[0].ends_with("+4 -1"),
        "{history}"
    );
    assert!(lines[1].contains(" import "), "{history}");
    let first_id = lines[1].split_whitespace().next().expect("id");
    let restore = run_with_store(&dir, &["--essays", ".", "restore", "first.md", first_id]);
    assert!(restore.status.success(), "{}", stderr(&restore));
    assert_eq!(
        read(dir.join("first.md")),
        original,
        "restored byte for byte"
    );
    let json = stdout(&run_with_store(
        &dir,
        &["--essays", ".", "history", "first.md", "--json"],
    ));
    let revisions: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(revisions[0]["source"], "restore", "{json}");
    assert_eq!(revisions.as_array().expect("array").len(), 3);
}

#[cfg(unix)]
#[test]
fn watch_prints_outside_edits_and_stops_cleanly_on_ctrl_c() {
    watch_prints_an_outside_edit(None);
}

#[test]
fn watch_with_quire_watch_poll_says_it_polls_and_still_sees_outside_edits() {
    watch_prints_an_outside_edit(Some("poll"));
}

/// How long a line `quire watch` should print may take to come before the test fails.
const LINE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// The lines of a child's output, read on their own thread, so that a line that never comes
/// fails the test after [`LINE_TIMEOUT`] instead of hanging it.
struct Lines(std::sync::mpsc::Receiver<String>);

impl Lines {
    fn of(stream: impl std::io::Read + Send + 'static) -> Lines {
        use std::io::BufRead;
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stream).lines() {
                let Ok(line) = line else { break };
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        Lines(receive)
    }

    fn next(&self, what: &str) -> String {
        self.0
            .recv_timeout(LINE_TIMEOUT)
            .unwrap_or_else(|e| panic!("no {what} within {LINE_TIMEOUT:?}: {e}"))
    }

    /// The first line within `within` that `wanted` accepts; panics with every line seen if none.
    fn until(&self, within: std::time::Duration, wanted: impl Fn(&str) -> bool) -> String {
        let until = std::time::Instant::now() + within;
        let mut seen = Vec::new();
        while let Some(left) = until.checked_duration_since(std::time::Instant::now()) {
            match self.0.recv_timeout(left) {
                Ok(line) if wanted(&line) => return line,
                Ok(line) => seen.push(line),
                Err(_) => break,
            }
        }
        panic!("no such line within {within:?}; saw {seen:#?}");
    }

    /// Every line up to the end of the stream.
    fn rest(&self) -> String {
        let mut rest = String::new();
        loop {
            match self.0.recv_timeout(LINE_TIMEOUT) {
                Ok(line) => rest += &(line + "\n"),
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return rest,
                Err(e) => panic!("output did not end within {LINE_TIMEOUT:?}: {e}; so far {rest}"),
            }
        }
    }
}

/// A child process killed when the test ends, however it ends.
struct Reaped(std::process::Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `quire watch .` in `dir` with its own store (`QUIRE_WATCH` = `mode`, or unset), and its
/// stdout and stderr lines.
fn watch(dir: &std::path::Path, mode: Option<&str>) -> (Reaped, Lines, Lines) {
    let mut command = quire();
    if let Some(mode) = mode {
        command.env("QUIRE_WATCH", mode);
    } else {
        command.env_remove("QUIRE_WATCH");
    }
    let mut child = Reaped(
        command
            .current_dir(dir)
            .env("QUIRE_DB", dir.join("quire.db"))
            .args(["watch", "."])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("watch starts"),
    );
    let out = Lines::of(child.0.stdout.take().expect("stdout"));
    let err = Lines::of(child.0.stderr.take().expect("stderr"));
    (child, out, err)
}

fn watch_prints_an_outside_edit(mode: Option<&str>) {
    let (_guard, dir) = copy_fixture("site");
    let (mut child, out, err) = watch(&dir, mode);
    let mut line = err.next("banner");
    if mode == Some("poll") {
        assert!(
            line.starts_with("warning:") && line.contains("every 2 seconds"),
            "{line}"
        );
        line = err.next("banner");
    }
    assert!(line.starts_with("Watching"), "{line}");
    std::fs::write(
        dir.join("draft.md"),
        "---\ntitle: Changed outside\n---\nNew text.\n",
    )
    .expect("edit");
    assert_eq!(out.next("change line").trim(), "draft.md modified [disk]");
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.0.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let rest = err.rest();
    let exit = child.0.wait().expect("exits");
    assert!(exit.success(), "Ctrl-C is a clean stop: {exit:?}");
    assert!(rest.contains("Stopped watching."), "{rest}");
}

#[test]
fn watch_says_when_the_store_is_locked_and_when_it_works_again() {
    let (_guard, dir) = copy_fixture("site");
    // Killed however the test ends (Reaped), so a failure leaves no watcher behind.
    let (_child, out, err) = watch(&dir, None);
    let long = std::time::Duration::from_secs(30);
    err.until(long, |l| l.starts_with("Watching"));

    // Another program holds the store's write lock for longer than Quire waits for it.
    let lock = rusqlite::Connection::open(dir.join("quire.db")).expect("store opens");
    lock.execute_batch("BEGIN EXCLUSIVE").expect("lock taken");
    std::fs::write(
        dir.join("draft.md"),
        "---\ntitle: Changed outside\n---\nNew text.\n",
    )
    .expect("edit");
    let failure = err.until(long, |l| l.starts_with("error:"));
    assert!(failure.contains("quire.db"), "names the store: {failure}");
    assert!(
        failure.contains("not taken in"),
        "says what it means: {failure}"
    );

    lock.execute_batch("ROLLBACK").expect("lock given back");
    drop(lock);
    err.until(long, |l| l == "Taking outside edits in again.");
    let change = out.until(long, |_| true);
    assert_eq!(
        change, "draft.md modified [disk]",
        "the edit missed while locked is taken in"
    );
}

#[test]
fn version_names_the_release_and_the_commit() {
    let output = run(&fixture("site"), &["--version"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let said = stdout(&output);
    // The scripts that build for people set QUIRE_COMMIT; a plain `cargo build` says so.
    let commit = option_env!("QUIRE_COMMIT").unwrap_or("unknown");
    assert_eq!(
        said.trim(),
        format!("quire {} (commit {commit})", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn export_formats_say_what_they_take() {
    let dir = fixture("site");
    let folder = run(&dir, &["export", ".", "--format", "pdf"]);
    assert_eq!(folder.status.code(), Some(1));
    assert!(
        stderr(&folder).contains("--format pdf exports one essay: give a file, not the folder"),
        "{}",
        stderr(&folder)
    );
    let standalone = run(
        &dir,
        &["export", "first.md", "--format", "docx", "--standalone"],
    );
    assert_eq!(standalone.status.code(), Some(1));
    assert!(
        stderr(&standalone).contains("--standalone is for --format html"),
        "{}",
        stderr(&standalone)
    );
    let unknown = run(&dir, &["export", "first.md", "--format", "rtf"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("[possible values: html, pdf, docx, epub]"));
}
