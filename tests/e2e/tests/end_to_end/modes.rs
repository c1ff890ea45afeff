//! The writing modes and the ways around the window, end to end: quick open (Ctrl+P), the
//! command palette (Ctrl+Shift+P), focus mode, typewriter scrolling, full screen (F11) and the
//! outline panel (Ctrl+Shift+O), driven with the keyboard and mouse in the real app. Run with
//! `scripts/e2e.sh modes` or the test names below; screenshots go to
//! `${QUIRE_SCREENSHOTS:-/tmp/quire-screenshots}/<test>-<state>.png`.

use quire_e2e::{App, By, Fixture, Key};
use serde_json::json;

const SAMPLE_TITLE: &str = "A Misplaced Focus";
const TOUR_TITLE: &str = "A Tour of What Quire Renders";

/// Waits until the sample essay (opened at start) is in the editor.
async fn started(app: &App) {
    let sample = app.essay_id(SAMPLE_TITLE).await;
    app.wait_open(sample).await;
}

/// Presses keys in the editor, focused first: WebDriver puts the caret at the end of the
/// visible text when it types into an editor that doesn't have the focus.
async fn keys_in_editor(app: &App, keys: impl Into<thirtyfour::TypingData>) {
    app.js("window.__quire.view().focus()", &[]).await;
    app.press(keys).await;
}

/// Puts the cursor at the start of the line shown low in the editor (85% of its height, with
/// the editor at its top), then types a letter there.
async fn type_low_in_the_view(app: &App) {
    // Focus first: WebKit scrolls a focused editor's caret into view by itself.
    app.js("window.__quire.view().focus()", &[]).await;
    let scrolled = app
        .js(
            "const view = window.__quire.view();
             view.scrollDOM.scrollTop = 0;
             const box = view.scrollDOM.getBoundingClientRect();
             const low = view.lineBlockAtHeight(box.top + box.height * 0.85 - view.documentTop);
             view.dispatch({ selection: { anchor: low.from } });
             return view.scrollDOM.scrollTop;",
            &[],
        )
        .await;
    assert_eq!(scrolled, json!(0), "the editor is at its top before typing");
    app.press("y").await;
}

/// Types into the open picker's field (quick open or the command palette).
async fn type_in_picker(app: &App, which: &str, text: &str) {
    let css = format!(".palette[data-picker='{which}'] .palette-input");
    app.wait_js(
        &format!("the {which} picker is shown"),
        "return document.activeElement === document.querySelector(arguments[0])",
        &[json!(css)],
    )
    .await;
    let input = app
        .driver()
        .find(By::Css(css))
        .await
        .expect("the picker's field");
    input.send_keys(text).await.expect("type in the picker");
}

/// The picker's highlighted row.
async fn selected_row(app: &App) -> String {
    app.wait_js(
        "a row of the picker is selected",
        "return document.querySelector(\".palette-item[aria-selected='true'] .palette-label\")?.textContent",
        &[],
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
}

async fn picker_enter(app: &App) {
    let input = app
        .driver()
        .find(By::Css(".palette-input"))
        .await
        .expect("the picker's field");
    input.send_keys(Key::Enter).await.expect("press Enter");
    app.wait_js(
        "the picker closed",
        "return !document.querySelector('.palette')",
        &[],
    )
    .await;
}

/// The editor's cursor position relative to its scroller: (line, top fraction 0..1 of the
/// cursor's middle in the visible height).
async fn cursor_place(app: &App) -> (i64, f64) {
    let v = app
        .js(
            r"const view = window.__quire.view();
               const head = view.state.selection.main.head;
               const box = view.scrollDOM.getBoundingClientRect();
               const at = view.coordsAtPos(head);
               return [view.state.doc.lineAt(head).number,
                       at ? ((at.top + at.bottom) / 2 - box.top) / box.height : -1];",
            &[],
        )
        .await;
    (
        v[0].as_i64().expect("a line number"),
        v[1].as_f64().expect("a fraction"),
    )
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn quick_open_finds_an_essay_by_part_of_its_title() {
    let fixture = Fixture::new("quick_open_finds_an_essay_by_part_of_its_title");
    let app = fixture.launch().await;
    started(&app).await;
    let tour = app.essay_id(TOUR_TITLE).await;

    keys_in_editor(&app, Key::Control + "p").await;
    type_in_picker(&app, "quick-open", "tour rend").await;
    assert_eq!(selected_row(&app).await, TOUR_TITLE);
    let rows = app
        .js(
            "return document.querySelectorAll('.palette-item').length",
            &[],
        )
        .await;
    assert_eq!(rows, json!(1), "only the tour matches \"tour rend\"");
    app.screenshot("quick-open").await;

    picker_enter(&app).await;
    app.wait_open(tour).await;
    app.wait_js(
        "the editor has the focus again",
        "return window.__quire.view().hasFocus",
        &[],
    )
    .await;

    // Escape closes it without opening anything.
    keys_in_editor(&app, Key::Control + "p").await;
    type_in_picker(&app, "quick-open", "misplaced").await;
    assert_eq!(selected_row(&app).await, SAMPLE_TITLE);
    app.driver()
        .find(By::Css(".palette-input"))
        .await
        .expect("the field")
        .send_keys(Key::Escape)
        .await
        .expect("Escape");
    app.wait_js(
        "quick open closed",
        "return !document.querySelector('.palette')",
        &[],
    )
    .await;
    assert_eq!(app.open_essay_id().await, Some(tour));
    app.close().await;
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn the_palette_turns_on_focus_mode_which_is_remembered() {
    let fixture = Fixture::new("the_palette_turns_on_focus_mode_which_is_remembered");
    let app = fixture.launch().await;
    started(&app).await;
    app.wait_preview_contains("There is a growing derp out there")
        .await;

    // The palette lists the window's own keys with their shortcuts.
    keys_in_editor(&app, Key::Control + Key::Shift + "p").await;
    let listed = app
        .wait_js(
            "the palette lists actions",
            "const rows = [...document.querySelectorAll('.palette-item')];
             return rows.length > 5 && rows.map((r) => r.textContent).join('|');",
            &[],
        )
        .await;
    let listed = listed.as_str().unwrap_or_default();
    for expected in ["SaveEssayCtrl+S", "New essayEssayCtrl+N", "Show outline"] {
        assert!(listed.contains(expected), "{expected:?} in {listed}");
    }
    type_in_picker(&app, "commands", "focus mode").await;
    assert_eq!(selected_row(&app).await, "Focus mode");
    app.screenshot("palette").await;
    picker_enter(&app).await;

    // Focus mode: the editor is marked, lines outside the cursor's paragraph are dimmed, the
    // cursor's own line is not, and the status bar says so.
    app.wait_js(
        "focus mode dims the editor",
        "return document.querySelector('#editor .cm-editor.cm-focus-mode .cm-line.cm-focus-dim')",
        &[],
    )
    .await;
    let view = app
        .js(
            r"const view = window.__quire.view();
               const line = view.domAtPos(view.state.selection.main.head).node;
               const el = line.nodeType === 1 ? line : line.parentElement;
               const lit = el.closest('.cm-line');
               return [lit && !lit.classList.contains('cm-focus-dim'),
                       document.querySelectorAll('#editor .cm-line:not(.cm-focus-dim)').length,
                       document.querySelectorAll('#editor .cm-line').length,
                       document.getElementById('writing-modes').textContent];",
            &[],
        )
        .await;
    assert_eq!(view[0], json!(true), "the cursor's line stays lit: {view}");
    assert!(
        view[1].as_u64() < view[2].as_u64(),
        "only some lines are lit: {view}"
    );
    assert_eq!(view[3], json!("Focus"));
    app.wait_js(
        "the dimmed lines fade to faint",
        "return Number(getComputedStyle(document.querySelector('#editor .cm-focus-dim')).opacity) < 0.5",
        &[],
    )
    .await;
    app.screenshot("focus-mode").await;

    // The same shortcut from the keyboard turns it off and on again; a restart keeps it on.
    keys_in_editor(&app, Key::Control + Key::Shift + "d").await;
    app.wait_js(
        "Ctrl+Shift+D turns focus mode off",
        "return !document.querySelector('#editor .cm-focus-mode') && document.getElementById('writing-modes').textContent === ''",
        &[],
    )
    .await;
    keys_in_editor(&app, Key::Control + Key::Shift + "d").await;
    app.wait_js(
        "Ctrl+Shift+D turns focus mode on",
        "return document.querySelector('#editor .cm-focus-mode')",
        &[],
    )
    .await;
    app.close().await;

    let again = fixture.launch().await;
    started(&again).await;
    again
        .wait_js(
            "focus mode is still on after a restart",
            "return document.querySelector('#editor .cm-editor.cm-focus-mode .cm-focus-dim')",
            &[],
        )
        .await;
    again.close().await;
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn typewriter_scrolling_keeps_the_cursor_line_in_the_middle() {
    let fixture = Fixture::new("typewriter_scrolling_keeps_the_cursor_line_in_the_middle");
    let app = fixture.launch().await;
    started(&app).await;
    app.open_by_title(TOUR_TITLE).await;

    // Without it, typing low in the editor leaves the text where it is.
    type_low_in_the_view(&app).await;
    let (_, before) = cursor_place(&app).await;
    assert!(
        before > 0.75,
        "without typewriter scrolling the line stays low: {before:.2}"
    );

    keys_in_editor(&app, Key::Control + Key::Shift + "t").await;
    app.wait_js(
        "the status bar shows typewriter scrolling",
        "return document.getElementById('writing-modes').textContent === 'Typewriter'",
        &[],
    )
    .await;
    type_low_in_the_view(&app).await;
    let (line, middle) = cursor_place(&app).await;
    assert!(
        (0.35..0.65).contains(&middle),
        "the cursor's line {line} is at {middle:.2} of the editor's height, not the middle"
    );
    keys_in_editor(&app, Key::Control + Key::Shift + "t").await;
    app.close().await;
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn outline_click_moves_the_editor_to_the_heading() {
    let fixture = Fixture::new("outline_click_moves_the_editor_to_the_heading")
        .with_essay("field-notes.md", &outlined_essay());
    let app = fixture.launch().await;
    started(&app).await;
    app.open_by_title("Field Notes").await;
    app.wait_preview_contains("The last word").await;

    keys_in_editor(&app, Key::Control + Key::Shift + "o").await;
    let headings = app
        .wait_js(
            "the outline lists the essay's headings",
            "const items = [...document.querySelectorAll('#drawer .outline-item')];
             return items.length === 7 && items.map((b) => [b.textContent, Number(b.dataset.line), b.style.getPropertyValue('--indent')]);",
            &[],
        )
        .await;
    let headings = headings.as_array().expect("a list").clone();
    let text = |i: usize| headings[i][0].as_str().unwrap_or_default().to_string();
    let indent = |i: usize| headings[i][2].as_str().unwrap_or_default().to_string();
    assert_eq!(
        (0..7).map(text).collect::<Vec<_>>(),
        [
            "Beginnings",
            "The first walk",
            "Birds we saw",
            "The second walk",
            "Weather",
            "Endings",
            "The last word"
        ]
    );
    assert_eq!(
        (indent(0), indent(1), indent(2)),
        ("0".into(), "1".into(), "2".into()),
        "deeper headings are indented further"
    );
    // The cursor is at the top, above every heading: no section is highlighted yet.
    assert_eq!(
        app.js(
            "return document.querySelectorAll('#drawer .outline-item[aria-current]').length",
            &[]
        )
        .await,
        json!(0)
    );

    let line = headings[4][1].as_i64().expect("its line");
    app.driver()
        .find(By::XPath(
            "//*[@id='drawer']//button[contains(@class,'outline-item') and text()='Weather']",
        ))
        .await
        .expect("the heading in the outline")
        .click()
        .await
        .expect("click the heading");
    app.wait_js(
        "the editor's cursor is on the heading",
        "const view = window.__quire.view();
         return view.hasFocus && view.state.doc.lineAt(view.state.selection.main.head).number === arguments[0]
           && view.state.doc.line(arguments[0]).text === '### Weather';",
        &[json!(line)],
    )
    .await;
    let (_, top) = cursor_place(&app).await;
    assert!(
        (0.0..0.3).contains(&top),
        "the heading is scrolled to the top of the editor: {top:.2}"
    );
    app.wait_js(
        "the clicked heading is the current section",
        "return document.querySelector('#drawer .outline-item[aria-current]')?.textContent === 'Weather'",
        &[],
    )
    .await;
    app.screenshot("outline").await;

    // Moving down into the next section moves the highlight with it.
    app.js(
        "const view = window.__quire.view();
         const at = view.state.doc.toString().indexOf('Closing paragraph 1');
         view.dispatch({ selection: { anchor: at }, scrollIntoView: true });",
        &[],
    )
    .await;
    app.wait_js(
        "the highlight follows the cursor to the last section",
        "return document.querySelector('#drawer .outline-item[aria-current]')?.textContent === 'Endings'",
        &[],
    )
    .await;
    app.close().await;
}

/// An essay with headings at three levels and enough text between them to scroll.
fn outlined_essay() -> String {
    let filler = |what: &str, n: usize| {
        (1..=n)
            .map(|i| format!("{what} paragraph {i}, with a few more words to make it wrap across the editor's measure like real prose would.\n\n"))
            .collect::<String>()
    };
    format!(
        "---\ntitle: Field Notes\ndate: 2024-05-01\n---\n\nAn opening line.\n\n# Beginnings\n\n{}## The first walk\n\n{}### Birds we saw\n\n{}## The second walk\n\n{}### Weather\n\n{}# Endings\n\n{}## The last word\n\nThat is all.\n",
        filler("Opening", 4),
        filler("Walking", 6),
        filler("Bird", 6),
        filler("Second", 6),
        filler("Weather", 6),
        filler("Closing", 4),
    )
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn full_screen_shows_only_the_text_until_escape() {
    let fixture = Fixture::new("full_screen_shows_only_the_text_until_escape");
    let app = fixture.launch().await;
    started(&app).await;
    app.wait_preview_contains("There is a growing derp out there")
        .await;

    let chrome = "return ['library', 'preview', 'toggle-library']
                    .map((id) => document.getElementById(id).getBoundingClientRect().width > 0);";
    assert_eq!(app.js(chrome, &[]).await, json!([true, true, true]));

    keys_in_editor(&app, Key::F11).await;
    app.wait_js(
        "full screen hides the library, the preview and the header",
        "return document.getElementById('app').classList.contains('distraction-free')",
        &[],
    )
    .await;
    assert_eq!(app.js(chrome, &[]).await, json!([false, false, false]));
    // The text is centred in the window.
    let centre = app
        .js(
            "const r = document.querySelector('#editor .cm-content').getBoundingClientRect();
             return Math.abs((r.left + r.right) / 2 - window.innerWidth / 2);",
            &[],
        )
        .await;
    assert!(
        centre.as_f64().unwrap_or(999.0) < 24.0,
        "the text is centred: off by {centre}"
    );
    app.screenshot("full-screen").await;

    keys_in_editor(&app, Key::Escape).await;
    app.wait_js(
        "Escape leaves full screen",
        "return !document.getElementById('app').classList.contains('distraction-free')",
        &[],
    )
    .await;
    assert_eq!(app.js(chrome, &[]).await, json!([true, true, true]));
    app.close().await;
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn the_palette_says_which_quire_this_is() {
    let fixture = Fixture::new("the_palette_says_which_quire_this_is");
    let app = fixture.launch().await;
    started(&app).await;
    keys_in_editor(&app, Key::Control + Key::Shift + "p").await;
    type_in_picker(&app, "commands", "about").await;
    assert_eq!(selected_row(&app).await, "About Quire");
    picker_enter(&app).await;
    let said = app
        .wait_js(
            "the window says the version and the commit",
            r"const notice = [...document.querySelectorAll('#error-banner .notice')]
                 .find((n) => /Quire \d+\.\d+\.\d+ \(commit [^)]+\)/.test(n.textContent));
               return notice && notice.textContent;",
            &[],
        )
        .await;
    println!("About: {said}");
    app.close().await;
}
