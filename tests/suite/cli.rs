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
    let output = run(
        dir.path(),
        &["new", "On Training: A \"Second\" Look", "--essays", "mine"],
    );
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

    let again = run(
        dir.path(),
        &["new", "On Training: A \"Second\" Look", "--essays", "mine"],
    );
    assert_eq!(stdout(&again).trim(), "mine/on-training-a-second-look-2.md");
    assert_eq!(
        read(dir.path().join("mine/on-training-a-second-look.md")),
        text,
        "first file untouched"
    );
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
}
