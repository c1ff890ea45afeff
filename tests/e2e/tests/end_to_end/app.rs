//! Quire's desktop app, end to end: the built `quire-desktop` under a display, driven through
//! WebDriver as a writer would use it. Run with `scripts/e2e.sh` (it builds the UI and the app,
//! and runs these under Xvfb, one at a time). They are `#[ignore]`d so that `cargo test
//! --workspace` (which has no display) skips them; `scripts/e2e.sh` passes `--ignored`.
//!
//! Every wait polls the app until a condition holds or a timeout passes (`QUIRE_E2E_TIMEOUT`);
//! none sleeps for a fixed time. Screenshots of the main states go to
//! `${QUIRE_SCREENSHOTS:-/tmp/quire-screenshots}/<test>.png`.

use std::collections::BTreeSet;

use quire_e2e::{By, Fixture, Key};
use serde_json::json;

const SAMPLE: &str = "a-misplaced-focus.md";
const SAMPLE_TITLE: &str = "A Misplaced Focus";
const TOUR_TITLE: &str = "A Tour of What Quire Renders";
const TOUR: &str = "feature-tour.md";

fn utf8(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).expect("the essay is UTF-8")
}

fn files_in(dir: &std::path::Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .expect("read the essays folder")
        .map(|e| {
            e.expect("a folder entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn opens_the_sample_essay_with_its_preview() {
    let fixture = Fixture::new("opens_the_sample_essay_with_its_preview");
    let app = fixture.launch().await;

    // The library lists both sample essays.
    let sample = app.essay_id(SAMPLE_TITLE).await;
    app.essay_id(TOUR_TITLE).await;

    // The sample essay opens by itself, its text in the editor.
    app.wait_open(sample).await;
    assert_eq!(app.editor_text().await, utf8(fixture.original(SAMPLE)));
    let shown = app
        .editor()
        .await
        .text()
        .await
        .expect("the editor's visible text");
    assert!(
        shown.contains("There is a growing derp out there"),
        "the editor shows the first paragraph: {shown:?}"
    );

    // The preview (read inside its sandboxed frame) shows the essay as published.
    let page = app
        .wait_preview_contains("There is a growing derp out there")
        .await;
    assert!(page.contains(SAMPLE_TITLE), "{page}");
    let h1 = app
        .in_preview(|app| async move {
            app.driver()
                .find(By::Tag("h1"))
                .await
                .expect("the preview has an h1")
                .text()
                .await
                .expect("the h1's text")
        })
        .await;
    assert_eq!(h1, SAMPLE_TITLE);

    // The status bar counts the words; the essay is saved; the window is titled after it.
    app.wait_js(
        "the status bar counts words",
        r"return /^[\d,]+ words?$/.test(document.getElementById('word-count').textContent)",
        &[],
    )
    .await;
    assert_eq!(app.save_state().await, "Saved");
    assert_eq!(
        app.js("return document.title", &[]).await,
        json!(format!("{SAMPLE_TITLE} — Quire"))
    );

    app.screenshot("").await;
    app.close().await;
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn typing_changes_the_preview() {
    let fixture = Fixture::new("typing_changes_the_preview");
    let app = fixture.launch().await;
    app.wait_preview_contains("There is a growing derp out there")
        .await;
    let before = app.editor_text().await;

    app.type_at_end(
        Key::Enter
            + "## Typed in the end-to-end test"
            + Key::Enter
            + Key::Enter
            + "A paragraph about *quinces* and pears.",
    )
    .await;

    let page = app.wait_preview_contains("A paragraph about quinces").await;
    assert!(page.contains("Typed in the end-to-end test"), "{page}");
    let (h2, em) = app
        .in_preview(|app| async move {
            let driver = app.driver();
            let h2 = driver
                .find(By::XPath(
                    "//h2[contains(., 'Typed in the end-to-end test')]",
                ))
                .await
                .expect("the new heading is an h2");
            let em = driver
                .find(By::XPath("//p[contains(., 'A paragraph about')]/em"))
                .await
                .expect("the emphasis is an <em>");
            (
                h2.text().await.expect("text"),
                em.text().await.expect("text"),
            )
        })
        .await;
    assert_eq!(h2, "Typed in the end-to-end test");
    assert_eq!(em, "quinces");

    let after = app.editor_text().await;
    assert_eq!(
        after,
        format!(
            "{before}\n## Typed in the end-to-end test\n\nA paragraph about *quinces* and pears."
        ),
        "the editor holds exactly what was typed"
    );
    app.wait_save_state("Draft autosaved").await;
    app.screenshot("").await;
    // Typing alone never writes the file.
    assert_eq!(fixture.read(SAMPLE), fixture.original(SAMPLE));
    app.close().await;
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn autosave_survives_a_kill() {
    let fixture = Fixture::new("autosave_survives_a_kill");
    let app = fixture.launch().await;
    let id = app.essay_id(SAMPLE_TITLE).await;
    app.wait_open(id).await;
    app.wait_save_state("Saved").await;

    app.type_at_end(Key::Enter + "A line that must survive a crash.")
        .await;
    let typed = app.editor_text().await;
    assert!(typed.ends_with("\nA line that must survive a crash."));

    // What the writer sees: "Draft autosaved" once the autosave landed; the store, asked
    // through the app's own command, must agree.
    app.wait_save_state("Draft autosaved").await;
    let want = typed.as_str();
    app.wait_for("the draft reached the store", |app| async move {
        let opened = app.invoke("open_essay", json!({ "id": id })).await;
        (opened["text"] == json!(want) && opened["dirty"] == json!(true)).then_some(())
    })
    .await;

    app.kill_hard().await;
    assert_eq!(
        fixture.read(SAMPLE),
        fixture.original(SAMPLE),
        "the file is not written before Ctrl+S"
    );

    // Start again on the same folder and store: the draft comes back.
    let app = fixture.launch().await;
    app.wait_open(id).await;
    assert_eq!(app.editor_text().await, typed, "the draft is restored");
    app.wait_save_state("Draft autosaved").await;
    app.wait_preview_contains("A line that must survive a crash.")
        .await;
    app.screenshot("restored").await;
    assert_eq!(
        fixture.read(SAMPLE),
        fixture.original(SAMPLE),
        "the file is still as it was"
    );
    app.close().await;
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn ctrl_s_writes_the_file_byte_exact() {
    let fixture = Fixture::new("ctrl_s_writes_the_file_byte_exact");
    let app = fixture.launch().await;
    app.essay_id(SAMPLE_TITLE).await;
    app.wait_save_state("Saved").await;
    let files_before = files_in(&fixture.essays);

    let text = "---\ntitle: Byte for Byte\ndate: 2015-05-29\nstatus: draft\n---\n\n\
                Ünïcödé “quotes” — dashes, an emoji 🦀, a combining e\u{301}, שלום, 漢字.\n\n\
                Two trailing spaces  \n\tA line that starts with a tab\n\n\n\n\
                Three blank lines above, and no newline at the end";
    app.set_text(text).await;
    app.wait_save_state("Draft autosaved").await;
    assert_eq!(app.editor_text().await, text);

    app.press(Key::Control + "s" + Key::Null).await;
    app.wait_save_state("Saved").await;

    let on_disk = fixture.read(SAMPLE);
    assert!(
        on_disk == text.as_bytes(),
        "the file differs from the editor's text:\n  file:   {:?}\n  editor: {text:?}",
        String::from_utf8_lossy(&on_disk)
    );
    assert_eq!(
        files_in(&fixture.essays),
        files_before,
        "saving leaves no other file behind"
    );
    app.wait_preview_contains("Three blank lines above").await;
    app.close().await;
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn an_outside_edit_appears() {
    let fixture = Fixture::new("an_outside_edit_appears");
    let app = fixture.launch().await;
    let id = app.essay_id(SAMPLE_TITLE).await;
    app.wait_open(id).await;
    app.wait_save_state("Saved").await;
    app.wait_preview_contains("There is a growing derp out there")
        .await;

    // Another program rewrites the file the safe way: a temporary file, renamed over it.
    let original = utf8(fixture.original(SAMPLE));
    let edited = original
        .replacen(
            "There is a growing derp out there",
            "There is a growing muddle out there",
            1,
        )
        .replacen(
            "---\n\n",
            "---\n\nThis paragraph was written in another editor.\n\n",
            1,
        );
    assert_ne!(edited, original);
    let temp = fixture.essays.join(".a-misplaced-focus.md.e2e-tmp");
    std::fs::write(&temp, &edited).expect("write the temporary file");
    std::fs::rename(&temp, fixture.essay(SAMPLE)).expect("rename it over the essay");

    // The editor takes it in without the writer doing anything.
    app.wait_js(
        "the editor shows the outside edit",
        "return window.__quire.view().state.doc.toString() === arguments[0]",
        &[json!(edited)],
    )
    .await;
    app.wait_preview_contains("This paragraph was written in another editor.")
        .await;
    app.wait_save_state("Saved").await;
    assert_eq!(app.open_essay_id().await, Some(id));
    assert_eq!(
        fixture.read(SAMPLE),
        edited.as_bytes(),
        "the app left the file alone"
    );
    app.close().await;
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn search_finds_an_essay() {
    let fixture = Fixture::new("search_finds_an_essay");
    let app = fixture.launch().await;
    let tour = app.essay_id(TOUR_TITLE).await;
    let sample = app.essay_id(SAMPLE_TITLE).await;
    app.wait_open(sample).await;

    // "ellipsis" appears only in the feature tour.
    let search = app
        .driver()
        .find(By::Id("search"))
        .await
        .expect("the search box");
    search.click().await.expect("click the search box");
    search.send_keys("ellipsis").await.expect("type a query");

    let hits = app
        .wait_js(
            "the tour is listed as a search hit with its match marked",
            r#"const rows = [...document.querySelectorAll('#essay-list .essay-row.search-hit')];
               if (rows.length === 0) return null;
               return rows.map((r) => ({
                 id: Number(r.dataset.id),
                 title: r.querySelector('.essay-title')?.textContent,
                 marks: [...r.querySelectorAll('mark')].map((m) => m.textContent),
               }));"#,
            &[],
        )
        .await;
    let hits = hits.as_array().expect("a list of hits");
    assert_eq!(
        hits.len(),
        1,
        "only the tour mentions an ellipsis: {hits:?}"
    );
    assert_eq!(hits[0]["id"], json!(tour));
    assert_eq!(hits[0]["title"], json!(TOUR_TITLE));
    let marks = hits[0]["marks"].as_array().expect("marks");
    assert!(
        marks.iter().any(|m| m
            .as_str()
            .is_some_and(|m| m.eq_ignore_ascii_case("ellipsis"))),
        "the hit is marked: {marks:?}"
    );
    app.screenshot("").await;

    // Clicking the hit opens the tour.
    app.driver()
        .find(By::Css(format!(
            "#essay-list .essay-row.search-hit[data-id='{tour}'] .essay-open"
        )))
        .await
        .expect("the hit's row")
        .click()
        .await
        .expect("click the hit");
    app.wait_open(tour).await;
    assert_eq!(
        app.editor_text().await,
        utf8(fixture.original("feature-tour.md"))
    );
    app.wait_preview_contains("Typography that takes care of itself")
        .await;
    assert_eq!(
        app.js("return document.title", &[]).await,
        json!(format!("{TOUR_TITLE} — Quire"))
    );
    app.close().await;
}

/// Calls the canary through the app's own IPC bridge and counts: essay content must never get
/// to call it.
const CANARY: &str = "window.top.__TAURI_INTERNALS__.invoke('e2e_canary')";

fn hostile_essay() -> String {
    format!(
        r#"---
title: "Hostile <img src=x onerror=\"{CANARY}\"> essay"
date: 2020-01-01
status: draft
tags: ["<svg onload=\"{CANARY}\">"]
---

Intro paragraph of the hostile essay.

<img src="x" onerror="document.title='pwned'; {CANARY}">

<IMG SRC=x ONERROR="top.document.title='pwned'">

[A javascript link](javascript:{CANARY})

<a href="javascript:top.document.title='pwned';{CANARY}">A raw javascript anchor</a>

<iframe srcdoc="<script>{CANARY}</script>"></iframe>

<svg onload="{CANARY}"><script>top.document.title='pwned'</script></svg>

<script>top.document.title = 'pwned'; {CANARY}</script>

<details open ontoggle="{CANARY}"><summary>Details</summary>x</details>

<form action="https://evil.example/"><button formaction="javascript:{CANARY}">Go</button></form>

<meta http-equiv="refresh" content="0;url=https://evil.example/">

```js" onmouseover="{CANARY}" x="
let quoted = "info string";
```

```<script>{CANARY}</script>
code under a script info string
```

[An external link](https://example.org/quire-e2e)

<a href="https://example.org/new-window" target="_blank">A new-window link</a>

Last paragraph of the hostile essay.
"#
    )
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn hostile_essay_runs_nothing() {
    let fixture =
        Fixture::new("hostile_essay_runs_nothing").with_essay("hostile.md", &hostile_essay());
    let app = fixture.launch().await;
    let title = format!("Hostile <img src=x onerror=\"{CANARY}\"> essay");
    let sample = app.essay_id(SAMPLE_TITLE).await;
    app.wait_open(sample).await;

    // Its title, with markup in it, is listed as text.
    app.open_by_title(&title).await;
    app.wait_preview_contains("Last paragraph of the hostile essay.")
        .await;
    let url_before = app.driver().current_url().await.expect("the window's URL");

    // Click the javascript: and new-window links inside the preview frame (whatever the
    // renderer made of them).
    for text in [
        "A javascript link",
        "A raw javascript anchor",
        "A new-window link",
    ] {
        app.in_preview(|app| async move {
            let link = app
                .driver()
                .find(By::XPath(format!("//*[contains(text(), '{text}')]")))
                .await
                .unwrap_or_else(|e| panic!("{text:?} in the preview: {e}"));
            link.click().await.expect("click the link");
        })
        .await;
    }
    app.wait_preview_contains("Last paragraph of the hostile essay.")
        .await;
    app.screenshot("").await;

    // And the external link (the dialog it should bring up is the next test's business).
    app.in_preview(|app| async move {
        app.driver()
            .find(By::LinkText("An external link"))
            .await
            .expect("the external link is a link")
            .click()
            .await
            .expect("click the external link");
    })
    .await;

    // The frames never get scripts: same origin alone lets the app read them, and with no
    // `allow-scripts` nothing inside can run (which the checks below confirm). The pane makes its
    // second frame only for its first reload, so there are one or two: every one is checked.
    let sandboxes = app
        .js(
            "return [...document.querySelectorAll('#preview iframe')].map((f) => f.getAttribute('sandbox'))",
            &[],
        )
        .await;
    let sandboxes = sandboxes.as_array().expect("a list of sandbox attributes");
    assert!(
        !sandboxes.is_empty(),
        "the preview shows the essay in a frame"
    );
    assert!(
        sandboxes.iter().all(|s| s == "allow-same-origin"),
        "every preview frame is sandboxed without scripts: {sandboxes:?}"
    );

    // Nothing ran: the window's title, the canary, the window's page, the preview.
    assert_eq!(
        app.js("return document.title", &[]).await,
        json!(format!("{title} — Quire")),
        "the app's title is untouched"
    );
    assert_eq!(app.invoke("e2e_canary_count", json!({})).await, json!(0));
    assert_eq!(
        app.driver().current_url().await.expect("the window's URL"),
        url_before,
        "the window did not navigate"
    );
    assert_eq!(
        app.js(
            "return !!document.getElementById('library') && !!document.querySelector('#editor .cm-content')",
            &[]
        )
        .await,
        json!(true),
        "the window still shows the app"
    );
    app.wait_preview_contains("Last paragraph of the hostile essay.")
        .await;
    assert_eq!(app.pids().len(), 1, "the app still runs");
    assert_eq!(
        app.driver().windows().await.expect("the window list").len(),
        1,
        "no new window opened"
    );
    assert_eq!(app.invoke("e2e_canary_count", json!({})).await, json!(0));

    // The canary works: called from the app's own window, it counts.
    app.invoke("e2e_canary", json!({})).await;
    assert_eq!(app.invoke("e2e_canary_count", json!({})).await, json!(1));
    app.close().await;
}

/// Clicks the link whose text is `text` inside the preview frame.
async fn click_in_preview(app: &quire_e2e::App, text: &str) {
    app.in_preview(|app| async move {
        app.driver()
            .find(By::LinkText(text))
            .await
            .unwrap_or_else(|e| panic!("the link {text:?} in the preview: {e}"))
            .click()
            .await
            .expect("click the link");
    })
    .await;
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn an_external_link_asks_before_opening() {
    let fixture = Fixture::new("an_external_link_asks_before_opening");
    let app = fixture.launch().await;
    app.open_by_title(TOUR_TITLE).await;
    app.wait_preview_contains("Typography that takes care of itself")
        .await;
    let url_before = app.driver().current_url().await.expect("the window's URL");

    // The tour links "to the web": the writer is asked before a browser opens.
    click_in_preview(&app, "to the web").await;
    let dialog = app
        .wait_js(
            "a dialog asks whether to open the external link",
            r#"const d = document.querySelector('.dialog-backdrop .dialog');
               return d ? { title: d.querySelector('.dialog-title')?.textContent,
                            message: d.querySelector('.dialog-message')?.textContent } : null;"#,
            &[],
        )
        .await;
    assert_eq!(dialog["title"], json!("Open link?"), "{dialog}");
    assert!(
        dialog["message"]
            .as_str()
            .is_some_and(|m| m.contains("https://commonmark.org/help/")),
        "{dialog}"
    );
    app.screenshot("").await;

    // Cancel: the dialog goes, nothing else changed.
    app.driver()
        .find(By::XPath(
            "//div[contains(@class,'dialog-backdrop')]//button[normalize-space()='Cancel']",
        ))
        .await
        .expect("the dialog's Cancel button")
        .click()
        .await
        .expect("click Cancel");
    app.wait_js(
        "the dialog is gone",
        "return !document.querySelector('.dialog-backdrop')",
        &[],
    )
    .await;
    assert_eq!(
        app.driver().current_url().await.expect("the window's URL"),
        url_before
    );
    app.wait_preview_contains("Typography that takes care of itself")
        .await;
    app.close().await;
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn a_link_to_a_heading_scrolls_the_preview() {
    let fixture = Fixture::new("a_link_to_a_heading_scrolls_the_preview");
    let app = fixture.launch().await;
    app.open_by_title(TOUR_TITLE).await;
    app.wait_preview_contains("Tables for the numbers").await;

    // "[a heading in this one](#tables-for-the-numbers)": the preview shows that heading.
    click_in_preview(&app, "a heading in this one").await;
    app.wait_for("the preview scrolled to the linked heading", |app| async move {
        let top = app
            .in_preview(|app| async move {
                app.try_js(
                    "return document.getElementById('tables-for-the-numbers').getBoundingClientRect().top",
                    &[],
                )
                .await
                .ok()
                .and_then(|v| v.as_f64())
            })
            .await?;
        (top.abs() < 80.0).then_some(())
    })
    .await;
    app.close().await;
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn the_library_says_when_it_checks_for_outside_edits_every_few_seconds_and_takes_them_in() {
    // Polling, as where inotify watches have run out; the window's start does not wait for the
    // watcher, which tells it (`watch-health`) whether its info did or not.
    let fixture = Fixture::new("the_library_says_when_it_checks_for_outside_edits")
        .with_env("QUIRE_WATCH", "poll");
    let app = fixture.launch().await;
    let sample = app.essay_id("A Misplaced Focus").await;
    app.wait_open(sample).await;
    app.wait_js(
        "the footer says outside edits are checked for every few seconds",
        "return document.getElementById('library-footer').textContent
           .includes('checking for outside edits every few seconds')",
        &[],
    )
    .await;
    app.wait_js(
        "a notice says why",
        "return [...document.querySelectorAll('.notice-info .notice-text')]
           .some((t) => t.textContent.includes('polling was asked for (QUIRE_WATCH=poll)'))",
        &[],
    )
    .await;
    app.screenshot("polling").await;

    let tour = String::from_utf8(fixture.read("feature-tour.md")).expect("UTF-8");
    fixture.write_outside(
        "feature-tour.md",
        &tour.replacen(
            "title: \"A Tour of What Quire Renders\"",
            "title: \"A Tour Polled In\"",
            1,
        ),
    );
    app.essay_id("A Tour Polled In").await;
    app.close().await;
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn the_library_says_when_outside_edits_are_not_taken_in() {
    let fixture = Fixture::new("the_library_says_when_outside_edits_are_not_taken_in");
    let app = fixture.launch().await;
    let sample = app.essay_id("A Misplaced Focus").await;
    app.wait_open(sample).await;

    // Another program holds the store's write lock for longer than Quire waits for it, while
    // an essay changes on disk: the library says so, in red, above its footer.
    let lock = rusqlite::Connection::open(&fixture.db).expect("the store opens");
    lock.execute_batch("BEGIN EXCLUSIVE").expect("lock taken");
    let tour = String::from_utf8(fixture.read("feature-tour.md")).expect("UTF-8");
    fixture.write_outside(
        "feature-tour.md",
        &tour.replacen("Quire turns", "Quire still turns", 1),
    );
    app.wait_js(
        "the library says outside edits are not taken in",
        "const t = document.getElementById('watch-trouble');
         return !t.hidden && t.textContent.startsWith('Changes made outside Quire are not being taken in: ')
           && t.textContent.includes('quire.db')",
        &[],
    )
    .await;
    app.screenshot("locked").await;

    // The lock goes: the library is calm again, and the edit missed meanwhile is taken in.
    lock.execute_batch("ROLLBACK").expect("lock given back");
    drop(lock);
    fixture.write_outside(
        "feature-tour.md",
        &tour.replacen("Quire turns", "Quire now turns", 1),
    );
    app.wait_js(
        "the library is calm again",
        "return document.getElementById('watch-trouble').hidden",
        &[],
    )
    .await;
    let tour_id = app.essay_id("A Tour of What Quire Renders").await;
    app.open_by_title("A Tour of What Quire Renders").await;
    app.wait_open(tour_id).await;
    app.wait_js(
        "the tour shows the edit made outside",
        "return window.__quire.view().state.doc.toString().includes('Quire now turns')",
        &[],
    )
    .await;
    app.close().await;
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn an_essay_file_opens_in_its_folder_and_anything_else_is_said() {
    let fixture = Fixture::new("an_essay_file_opens_in_its_folder_and_anything_else_is_said");

    // `quire-desktop FILE.md`, as a file manager calls it: the file's folder, that essay open
    // (not the one the app would pick by itself).
    let app = fixture.launch_with(&fixture.essay(TOUR)).await;
    let tour = app.essay_id(TOUR_TITLE).await;
    app.essay_id(SAMPLE_TITLE).await;
    app.wait_open(tour).await;
    assert_eq!(app.editor_text().await, utf8(fixture.original(TOUR)));
    app.close().await;

    // A file that is not an essay: the window says so, and opens the last folder as it would
    // without it, never blank.
    let photo = fixture.essays.join("assets").join("not-an-essay.jpg");
    std::fs::write(&photo, [0xff, 0xd8, 0xff, 0xe0]).expect("a photo");
    let app = fixture.launch_with(&photo).await;
    app.wait_js(
        "the window says the photo is not an essay",
        "return [...document.querySelectorAll('#error-banner .notice')].some((n) =>
           n.textContent.includes('not-an-essay.jpg: it is not a Markdown essay'))",
        &[],
    )
    .await;
    app.wait_js(
        "an essay is open",
        "return window.__quire.openEssayId() !== null",
        &[],
    )
    .await;
    app.screenshot("not-an-essay").await;
    app.close().await;
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn a_big_folder_never_read_is_shown_at_once_and_fills_in_as_it_is_read() {
    // Enough essays that reading them takes seconds, not the half second the window's first
    // look waits for a small folder.
    const NOTES: usize = 30_000;
    let fixture =
        Fixture::new("a_big_folder_never_read_is_shown_at_once_and_fills_in_as_it_is_read");
    let notes = fixture.essays.join("notes");
    std::fs::create_dir_all(&notes).expect("a folder for the notes");
    let paragraph =
        "A line of a note kept for later, long enough to be read and counted. ".repeat(20);
    for i in 0..NOTES {
        let text = format!(
            "---\ntitle: Note {i:05}\ndate: 2010-01-{:02}\n---\n\n{paragraph}\n",
            1 + i % 28
        );
        std::fs::write(notes.join(format!("note-{i:05}.md")), text).expect("write a note");
    }
    let app = fixture.launch().await;

    // The window is there while the folder is read, and says so: above the library's footer,
    // with a bar, and where the essay will be.
    let reading = app
        .wait_js(
            "the library says it is reading the folder",
            "const r = document.getElementById('library-reading');
             return !r.hidden && /^Reading essays: [\\d,]+ of 30,0\\d\\d$/.test(r.textContent) ? r.textContent : null",
            &[],
        )
        .await;
    let editor = app
        .js(
            "const e = document.getElementById('editor-empty');
             return e.hidden ? null : e.textContent",
            &[],
        )
        .await;
    assert!(
        editor
            .as_str()
            .is_some_and(|t| t.contains("reading the essays")),
        "the editor says the folder is being read ({reading}; editor: {editor})"
    );
    assert_eq!(app.open_essay_id().await, None, "no essay opened at random");
    app.screenshot("reading").await;

    // Read whole: every note listed, the count said, and the sample essay (newer than the
    // notes, so at the top of the list) opened.
    let listed = quire_e2e::poll(std::time::Duration::from_secs(240), || async {
        let footer = app
            .js(
                "return document.getElementById('library-footer').textContent",
                &[],
            )
            .await;
        let footer = footer.as_str().unwrap_or_default().to_string();
        let count: usize = footer
            .strip_suffix(" essays")
            .map(|n| n.replace(',', ""))
            .and_then(|n| n.parse().ok())?;
        (count > NOTES).then_some(count)
    })
    .await;
    if listed.is_none() {
        app.fail("the whole folder was never listed").await;
    }
    let sample = app.essay_id(SAMPLE_TITLE).await;
    app.wait_open(sample).await;
    assert!(
        app.js(
            "return document.getElementById('library-reading').hidden",
            &[]
        )
        .await
        .as_bool()
        .unwrap_or(false),
        "the reading line is gone once the folder is read"
    );
    app.screenshot("read").await;
    // Closed as its close button does (the open essay remembered at once, not after a pause).
    app.js(
        "setTimeout(() => window.__quire.closeWindow(), 0); return true",
        &[],
    )
    .await;
    app.wait_closed().await;

    // Started again, the store knows every note: the essay open last is shown first, and the
    // list comes after it a page at a time (at 100,000 essays the whole list in the window's
    // first answer kept the essay off the screen for a second).
    let app = fixture.launch().await;
    app.wait_open(sample).await;
    essay_came_before_the_list(&app, -1.0, "again").await;
    app.wait_js(
        "the window's title names the essay",
        &format!("return document.title.startsWith({SAMPLE_TITLE:?})"),
        &[],
    )
    .await;
    // Its pages were each sorted as they came: the list shows them all in one order, newest
    // first (the tour, then the sample, then the notes of 28 January, by title).
    assert_eq!(
        app.js(
            "return [...document.querySelectorAll('#essay-list .essay-title')].slice(0, 4).map((t) => t.textContent)",
            &[]
        )
        .await,
        json!([TOUR_TITLE, SAMPLE_TITLE, "Note 00027", "Note 00055"]),
        "the list is newest first"
    );

    // Away to another folder and back: the essay last open there is shown first again, before
    // the list is read (the core answers the switch with it).
    let other = fixture.folder("Other Essays");
    std::fs::write(
        other.join("elsewhere.md"),
        "---\ntitle: Written Elsewhere\n---\n\nA paragraph.\n",
    )
    .expect("write an essay");
    assert_eq!(app.open_folder(&other).await, json!(true));
    let back = app
        .js("return performance.now()", &[])
        .await
        .as_f64()
        .expect("the page's clock");
    assert_eq!(app.open_folder(&fixture.essays).await, json!(true));
    app.wait_open(sample).await;
    essay_came_before_the_list(&app, back, "after the switch back").await;
    app.close().await;
}

/// Waits until the big folder's every note is listed ("again", "after the switch back"), then
/// checks what the window did after `since` (ms on the page's clock): the essay was in the
/// editor before the list's first page was asked for, and the list came in pages of 5,000.
async fn essay_came_before_the_list(app: &quire_e2e::App, since: f64, when: &str) {
    app.wait_js(
        &format!("every note is listed {when}"),
        "const f = document.getElementById('library-footer').textContent;
         return /^30,0\\d\\d essays/.test(f) ? f : null",
        &[],
    )
    .await;
    let order = app
        .js(
            "const after = (name) => performance.getEntriesByName(name).filter((e) => e.startTime > arguments[0]);
             const essay = after('quire:essay')[0];
             const pages = after('ipc list_essays');
             return { essay: essay ? essay.startTime : null, pages: pages.length,
                      firstPage: pages.length ? pages[0].startTime : null }",
            &[json!(since)],
        )
        .await;
    let at = |key: &str| order[key].as_f64();
    assert!(
        order["pages"].as_u64().unwrap_or(0) >= 5,
        "{when}: the rest of the list read in pages of 5,000: {order}"
    );
    assert!(
        at("essay")
            .zip(at("firstPage"))
            .is_some_and(|(essay, page)| essay < page),
        "{when}: the essay was shown before the list was read: {order}"
    );
}
