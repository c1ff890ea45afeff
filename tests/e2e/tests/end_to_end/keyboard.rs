//! Everything from the keyboard alone: from start, with no mouse, a writer opens an essay from
//! the library, edits and saves it, resizes a pane, opens and closes the history, resolves a
//! conflict and exports the site. Every key goes to whatever has the focus, as a keyboard's
//! do. Run with `scripts/e2e.sh keyboard`.

use quire_e2e::{App, Fixture, Key};
use serde_json::{json, Value};

const TOUR_TITLE: &str = "A Tour of What Quire Renders";

/// Waits until the focused element matches the CSS `selector`.
async fn wait_focus(app: &App, what: &str, selector: &str) {
    app.wait_js(
        &format!("the focus is on {what} ({selector})"),
        "return !!document.activeElement && document.activeElement.matches(arguments[0])",
        &[json!(selector)],
    )
    .await;
}

/// Presses Tab (or Shift+Tab) until the focus is on `selector`; fails after `limit` presses.
async fn tab_to(app: &App, what: &str, selector: &str, backwards: bool, limit: usize) {
    let script = "return !!document.activeElement && document.activeElement.matches(arguments[0])";
    for _ in 0..limit {
        if app.js(script, &[json!(selector)]).await == Value::Bool(true) {
            return;
        }
        if backwards {
            app.press_focused(Key::Shift + Key::Tab + Key::Null).await;
        } else {
            app.press_focused(Key::Tab + "").await;
        }
    }
    let at = app
        .js(
            "const e = document.activeElement; return e ? e.outerHTML.slice(0, 160) : null",
            &[],
        )
        .await;
    app.fail(&format!(
        "{limit} presses of Tab did not reach {what} ({selector}); the focus is on {at}"
    ))
    .await;
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn a_writer_without_a_mouse_does_everything() {
    let fixture = Fixture::new("a_writer_without_a_mouse_does_everything");
    let out = fixture.folder("site");
    let app = fixture.launch().await;
    let sample = app.essay_id("A Misplaced Focus").await;
    app.wait_open(sample).await;
    app.wait_save_state("Saved").await;

    // Ctrl+1: to the library's search. Typing narrows the list, ↓ reaches the row, Enter opens.
    app.press_focused(Key::Control + "1" + Key::Null).await;
    wait_focus(&app, "the library's search", "#search").await;
    app.press_focused("Tour").await;
    let tour = app.essay_id(TOUR_TITLE).await;
    app.wait_js(
        "the search shows only the tour",
        "const rows = document.querySelectorAll('#essay-list .essay-row');
         return rows.length === 1 && rows[0].dataset.id === String(arguments[0])",
        &[json!(tour)],
    )
    .await;
    app.press_focused(Key::Down + "").await;
    wait_focus(&app, "the tour's row", ".essay-open").await;
    app.press_focused(Key::Enter + "").await;
    app.wait_open(tour).await;
    wait_focus(&app, "the editor", ".cm-content").await;

    // Edit at the end, save with Ctrl+S.
    app.press_focused(Key::Control + Key::End + Key::Null).await;
    app.press_focused("\n\nWritten without a mouse.").await;
    app.press_focused(Key::Control + "s" + Key::Null).await;
    app.wait_save_state("Saved").await;
    let file = String::from_utf8(fixture.read("feature-tour.md")).expect("UTF-8");
    assert!(
        file.ends_with("Written without a mouse.\n") || file.ends_with("Written without a mouse."),
        "the file holds the edit: …{}",
        &file[file.len().saturating_sub(80)..]
    );

    // Resize the library: Tab from its search to its divider, then the arrow keys.
    app.press_focused(Key::Control + "1" + Key::Null).await;
    wait_focus(&app, "the library's search", "#search").await;
    tab_to(&app, "the library's divider", "#divider-library", false, 12).await;
    let before = app
        .js(
            "return Number(document.activeElement.getAttribute('aria-valuenow'))",
            &[],
        )
        .await;
    app.press_focused(Key::Right + "").await;
    app.press_focused(Key::Right + "").await;
    let after = app
        .js(
            "return Number(document.activeElement.getAttribute('aria-valuenow'))",
            &[],
        )
        .await;
    let width = app
        .js(
            "return document.getElementById('library').getBoundingClientRect().width",
            &[],
        )
        .await;
    assert_eq!(
        after.as_f64().unwrap() - before.as_f64().unwrap(),
        32.0,
        "two presses of → widen the library by 16 px each"
    );
    assert!(
        (width.as_f64().unwrap() - after.as_f64().unwrap()).abs() < 1.0,
        "the library is as wide as its divider says: {width} vs {after}"
    );
    app.screenshot("resized").await;

    // Ctrl+3 to the preview (its page scrolls with the keys there), Ctrl+2 back to the text.
    app.press_focused(Key::Control + "3" + Key::Null).await;
    wait_focus(&app, "the preview", "#preview").await;
    app.press_focused(Key::PageDown + "").await;
    app.wait_js(
        "Page Down scrolled the preview",
        "return document.querySelector('#preview iframe.shown').contentWindow.scrollY > 100",
        &[],
    )
    .await;
    app.press_focused(Key::Control + "2" + Key::Null).await;
    wait_focus(&app, "the editor", ".cm-content").await;

    // The history opens with the focus inside, Escape comes back.
    app.press_focused(Key::Control + Key::Shift + "h" + Key::Null)
        .await;
    wait_focus(&app, "the history panel", "#drawer *").await;
    app.screenshot("history").await;
    app.press_focused(Key::Escape + "").await;
    app.wait_js(
        "the history closed",
        "return document.getElementById('drawer').hidden",
        &[],
    )
    .await;
    wait_focus(&app, "the editor", ".cm-content").await;

    // A conflict: the writer types while the file changes outside; resolved from the palette.
    app.press_focused(Key::Control + Key::Home + Key::Null)
        .await;
    app.press_focused(Key::Control + Key::End + Key::Null).await;
    app.press_focused(" Mine.").await;
    app.wait_save_state("Draft autosaved").await;
    let outside = file.trim_end().to_string() + " Theirs.\n";
    fixture.write_outside("feature-tour.md", &outside);
    app.wait_save_state("Conflict: the file changed outside Quire")
        .await;
    app.press_focused(Key::Control + Key::Shift + "p" + Key::Null)
        .await;
    wait_focus(&app, "the command palette", "input").await;
    app.press_focused("Resolve conflict").await;
    app.press_focused(Key::Enter + "").await;
    app.wait_js(
        "the conflict view is open",
        "return !!document.querySelector('.conflict-view')",
        &[],
    )
    .await;
    wait_focus(
        &app,
        "a choice in the conflict view",
        ".conflict-view button",
    )
    .await;
    tab_to(
        &app,
        "Keep mine",
        ".conflict-hunk [data-choice='mine']",
        false,
        10,
    )
    .await;
    app.press_focused(Key::Enter + "").await;
    tab_to(&app, "Apply", ".conflict-apply", false, 12).await;
    app.screenshot("conflict").await;
    app.press_focused(Key::Enter + "").await;
    app.wait_js(
        "the conflict view closed",
        "return !document.querySelector('.conflict-view')",
        &[],
    )
    .await;
    app.wait_save_state("Saved").await;
    let resolved = String::from_utf8(fixture.read("feature-tour.md")).expect("UTF-8");
    assert!(
        resolved.contains("Written without a mouse. Mine.") && !resolved.contains("Theirs."),
        "the file holds the writer's choice: …{}",
        &resolved[resolved.len().saturating_sub(80)..]
    );

    // Export the site: Ctrl+E, the site, a folder typed, Enter.
    app.press_focused(Key::Control + "e" + Key::Null).await;
    wait_focus(&app, "the export dialog", ".dialog *, dialog *").await;
    // The kinds are one radio group: one Tab stop, the arrow keys choose.
    tab_to(
        &app,
        "the chosen kind",
        ".export-kind input:checked",
        false,
        10,
    )
    .await;
    // The page formats come first, then the whole-folder ones: walk down to the site.
    for _ in 0..8 {
        let on_site = app
            .js(
                "return !!document.querySelector(\".export-kind input[value='site']:checked\")",
                &[],
            )
            .await;
        if on_site == Value::Bool(true) {
            break;
        }
        app.press_focused(Key::Down + "").await;
    }
    wait_focus(
        &app,
        "the site choice",
        ".export-kind input[value='site']:checked",
    )
    .await;
    tab_to(&app, "the folder field", "#export-folder", false, 10).await;
    app.press_focused(Key::Control + "a" + Key::Null).await;
    app.press_focused(out.display().to_string()).await;
    app.press_focused(Key::Enter + "").await;
    app.wait_js(
        "the export finished",
        "return !!document.querySelector('.export-summary')",
        &[],
    )
    .await;
    app.screenshot("exported").await;
    // The dialog keeps the keyboard while it is open, and gives it back when it closes.
    for _ in 0..15 {
        app.press_focused(Key::Tab + "").await;
        let inside = app
            .js(
                "return !!document.activeElement?.closest('.export-dialog, .dialog, dialog')",
                &[],
            )
            .await;
        assert_eq!(
            inside,
            Value::Bool(true),
            "Tab stays inside the export dialog"
        );
    }
    app.press_focused(Key::Escape + "").await;
    app.wait_js(
        "the export dialog closed",
        "return !document.querySelector('.export-dialog, .dialog, dialog[open]')",
        &[],
    )
    .await;
    wait_focus(&app, "the editor", ".cm-content").await;
    assert!(
        out.join("index.html").is_file() && out.join("feature-tour/index.html").is_file(),
        "the site is in {}",
        out.display()
    );
    app.close().await;
}
