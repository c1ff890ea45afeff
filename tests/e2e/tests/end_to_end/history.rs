//! The history panel and the conflict view, end to end in the real window (see `app.rs` for how
//! these run): restoring an older save brings its text back into the editor and the file and is
//! itself a revision; an outside edit that overlaps unsaved text is resolved hunk by hunk in the
//! conflict view, the file ends with what the writer chose, and both original texts stay in the
//! history. Screenshots: `history_*-history.png` (a diff showing), `conflict_*-view.png`.

use quire_e2e::{App, Fixture, Key};
use serde_json::json;

const SAMPLE: &str = "a-misplaced-focus.md";
const SAMPLE_TITLE: &str = "A Misplaced Focus";
const FIRST_WORDS: &str = "There is a growing derp out there";

fn utf8(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).expect("the essay is UTF-8")
}

/// Launches the app on the samples and waits until the sample essay is open and saved.
async fn open_sample(fixture: &Fixture) -> (App, i64) {
    let app = fixture.launch().await;
    let id = app.essay_id(SAMPLE_TITLE).await;
    app.wait_open(id).await;
    app.wait_save_state("Saved").await;
    (app, id)
}

/// The source labels of the history list, top first.
async fn history_sources(app: &App) -> Vec<String> {
    let v = app
        .js(
            "return [...document.querySelectorAll('#drawer .history-item .history-source')].map((e) => e.textContent)",
            &[],
        )
        .await;
    serde_json::from_value(v).expect("a list of labels")
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn history_restores_an_older_save() {
    let fixture = Fixture::new("history_restores_an_older_save");
    let (app, id) = open_sample(&fixture).await;

    // Two saves, each adding a line.
    app.type_at_end(Key::Enter + "The first saved addition.")
        .await;
    app.wait_save_state("Draft autosaved").await;
    app.press(Key::Control + "s" + Key::Null).await;
    app.wait_save_state("Saved").await;
    let older = app.editor_text().await;
    assert!(older.ends_with("\nThe first saved addition."));
    assert_eq!(utf8(fixture.read(SAMPLE)), older);

    app.type_at_end(Key::Enter + "The second saved addition.")
        .await;
    app.wait_save_state("Draft autosaved").await;
    app.press(Key::Control + "s" + Key::Null).await;
    app.wait_save_state("Saved").await;
    let newer = app.editor_text().await;
    assert!(newer.ends_with("\nThe second saved addition."));
    assert_eq!(utf8(fixture.read(SAMPLE)), newer);

    // Ctrl+Shift+H opens the history: newest first, both saves on top, the newest selected.
    // (No Key::Null after a Shift chord: WebKitWebDriver types it into the editor as U+E000.)
    app.press(Key::Control + Key::Shift + "h").await;
    app.wait_js(
        "the history lists the two saves",
        "return document.querySelectorAll('#drawer .history-item').length >= 3",
        &[],
    )
    .await;
    let sources = history_sources(&app).await;
    assert_eq!(&sources[..2], ["Saved", "Saved"], "{sources:?}");
    let when = app
        .text_of("#drawer .history-item .history-time")
        .await
        .unwrap_or_default();
    assert_eq!(when, "just now");
    assert_eq!(
        app.text_of("#drawer .history-item .history-words").await,
        Some("+4 \u{2212}0 words".into()),
        "the newest save added four words"
    );

    // The arrow key moves to the older save; its diff shows what the newer text added.
    let active = app
        .driver()
        .active_element()
        .await
        .expect("an active element");
    active
        .send_keys(Key::Down + Key::Null)
        .await
        .expect("ArrowDown");
    app.wait_js(
        "the older save is selected and its diff shows",
        r#"const sel = document.querySelector('#drawer .history-item[aria-selected="true"]');
           const added = document.querySelector('#drawer .history-diff .diff-added');
           return sel === document.querySelectorAll('#drawer .history-item')[1]
             && added && added.textContent.includes('second saved addition');"#,
        &[],
    )
    .await;
    assert!(
        app.text_of("#drawer .history-diff .diff-removed")
            .await
            .is_none(),
        "nothing was removed since the older save"
    );
    app.screenshot("history").await;

    // Restore asks first, saying the current text stays in the history.
    app.click("#drawer .history-restore").await;
    let question = app
        .wait_js(
            "the restore asks for confirmation",
            "const d = document.querySelector('.dialog'); return d ? d.textContent : null;",
            &[],
        )
        .await;
    assert!(
        question
            .as_str()
            .unwrap_or_default()
            .contains("Your current text stays in the history"),
        "{question}"
    );
    app.click(".dialog button[type='submit']").await;

    // The editor and the file hold the older text; the restore is the newest revision.
    app.wait_js(
        "the editor shows the restored text",
        "return window.__quire.view().state.doc.toString() === arguments[0]",
        &[json!(older)],
    )
    .await;
    app.wait_save_state("Saved").await;
    assert_eq!(
        utf8(fixture.read(SAMPLE)),
        older,
        "the file holds the restored text"
    );
    app.wait_js(
        "the history shows the restore on top, selected",
        r#"const top = document.querySelector('#drawer .history-item');
           return top && top.querySelector('.history-source').textContent === 'Restored'
             && top.getAttribute('aria-selected') === 'true';"#,
        &[],
    )
    .await;
    let revisions = app.revision_texts(id).await;
    assert_eq!(revisions[0], ("restore".to_string(), older.clone()));
    assert!(
        revisions
            .iter()
            .any(|(source, text)| source == "save" && *text == newer),
        "the text before the restore is still in the history"
    );
    app.wait_preview_contains("The first saved addition.").await;
    app.close().await;
}

/// Opens the conflict in the sample essay: unsaved edits to its first paragraph (autosaved as a
/// draft), then a different edit of that paragraph on disk. Returns (app, id, mine, theirs).
async fn conflicting_edit(fixture: &Fixture) -> (App, i64, String, String) {
    let (app, id) = open_sample(fixture).await;
    let original = utf8(fixture.original(SAMPLE));
    let mine = original.replacen(FIRST_WORDS, "There is a growing fog out there", 1);
    let theirs = original.replacen(FIRST_WORDS, "There is a growing muddle out there", 1);
    app.set_text(&mine).await;
    app.wait_save_state("Draft autosaved").await;
    fixture.write_outside(SAMPLE, &theirs);

    // The sticky notice says so and offers to resolve it.
    app.wait_js(
        "the conflict notice offers Resolve…",
        r#"return [...document.querySelectorAll('.notice')].some((n) =>
             n.textContent.includes('the changes overlap') && n.querySelector('.notice-action')?.textContent === 'Resolve…');"#,
        &[],
    )
    .await;
    app.wait_save_state("Conflict: the file changed outside Quire")
        .await;
    assert_eq!(app.editor_text().await, mine, "the writer's text stays");

    app.click(".notice .notice-action").await;
    app.wait_js(
        "the conflict view shows one overlapping part",
        "return document.querySelectorAll('.conflict-view .conflict-hunk').length === 1",
        &[],
    )
    .await;
    let mine_side = app
        .text_of(".conflict-hunk .conflict-mine")
        .await
        .unwrap_or_default();
    let theirs_side = app
        .text_of(".conflict-hunk .conflict-theirs")
        .await
        .unwrap_or_default();
    assert!(
        mine_side.starts_with("Your text") && mine_side.contains("growing fog"),
        "{mine_side}"
    );
    assert!(
        theirs_side.starts_with("On disk") && theirs_side.contains("growing muddle"),
        "{theirs_side}"
    );
    let apply_disabled = app
        .js(
            "return document.querySelector('.conflict-apply').disabled",
            &[],
        )
        .await;
    assert_eq!(apply_disabled, json!(true), "nothing decided yet");
    (app, id, mine, theirs)
}

/// Applies the conflict view and checks what every resolution must leave behind: the file and
/// the editor hold `expected`, the notice says it is resolved, and both originals are revisions.
async fn apply_and_check(
    app: &App,
    fixture: &Fixture,
    id: i64,
    mine: &str,
    theirs: &str,
    expected: &str,
) {
    app.click(".conflict-apply").await;
    app.wait_js(
        "the conflict view closed",
        "return !document.querySelector('.conflict-view')",
        &[],
    )
    .await;
    app.wait_save_state("Saved").await;
    assert_eq!(
        utf8(fixture.read(SAMPLE)),
        expected,
        "the file holds the writer's choice"
    );
    assert_eq!(app.editor_text().await, expected);
    app.wait_js(
        "the notice says the conflict is resolved",
        r#"const texts = [...document.querySelectorAll('.notice')].map((n) => n.textContent);
           return texts.some((t) => t.includes('Conflict resolved; both versions are in the history.'))
             && !texts.some((t) => t.includes('the changes overlap'));"#,
        &[],
    )
    .await;
    let texts: Vec<String> = app
        .revision_texts(id)
        .await
        .into_iter()
        .map(|(_, text)| text)
        .collect();
    assert!(
        texts.iter().any(|t| t == mine),
        "the writer's text is a revision"
    );
    assert!(
        texts.iter().any(|t| t == theirs),
        "the text from disk is a revision"
    );
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn conflict_resolved_by_taking_theirs() {
    let fixture = Fixture::new("conflict_resolved_by_taking_theirs");
    let (app, id, mine, theirs) = conflicting_edit(&fixture).await;

    app.click(".conflict-hunk [data-choice='theirs']").await;
    let result = app
        .text_of(".conflict-result-text")
        .await
        .unwrap_or_default();
    assert_eq!(result, theirs, "the result preview is what will be written");
    app.screenshot("view").await;

    apply_and_check(&app, &fixture, id, &mine, &theirs, &theirs).await;
    app.wait_preview_contains("There is a growing muddle out there")
        .await;
    app.close().await;
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn conflict_resolved_by_keeping_both_then_mine() {
    let fixture = Fixture::new("conflict_resolved_by_keeping_both_then_mine");
    let (app, id, mine, theirs) = conflicting_edit(&fixture).await;

    // Keep both: the writer's paragraph, then the one from disk, as two paragraphs.
    let original = utf8(fixture.original(SAMPLE));
    let line = original
        .lines()
        .find(|l| l.starts_with(FIRST_WORDS))
        .expect("the first paragraph");
    let both = original.replacen(
        line,
        &format!(
            "{}\n\n{}",
            line.replacen("derp", "fog", 1),
            line.replacen("derp", "muddle", 1)
        ),
        1,
    );
    app.click(".conflict-hunk [data-choice='both']").await;
    app.screenshot("both").await;
    apply_and_check(&app, &fixture, id, &mine, &theirs, &both).await;

    // A second conflict on the same essay, from the palette's action this time: keep mine.
    let mine2 = both.replacen("growing fog", "growing haze", 1);
    let theirs2 = both.replacen("growing fog", "growing smog", 1);
    app.set_text(&mine2).await;
    app.wait_save_state("Draft autosaved").await;
    fixture.write_outside(SAMPLE, &theirs2);
    app.wait_save_state("Conflict: the file changed outside Quire")
        .await;
    app.js(
        "document.querySelector('.notice .notice-action')?.closest('.notice')?.querySelector('.notice-close')?.click()",
        &[],
    )
    .await;
    app.press(Key::Control + Key::Shift + "p").await;
    let palette = app
        .driver()
        .active_element()
        .await
        .expect("the palette's field");
    palette.send_keys("Resolve conflict").await.expect("type");
    palette.send_keys(Key::Enter).await.expect("Enter");
    app.click(".conflict-hunk [data-choice='mine']").await;
    apply_and_check(&app, &fixture, id, &mine2, &theirs2, &mine2).await;
    app.close().await;
}
