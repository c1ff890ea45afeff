//! Images pasted or dropped into an essay, another essays folder opened from the app, and what
//! the app remembers across a restart: end to end in the built `quire-desktop` (see app.rs for
//! how these run: `scripts/e2e.sh images`).
//!
//! A paste or a drop is dispatched as a real `paste` ClipboardEvent / `drop` DragEvent holding a
//! `File` made of PNG bytes, on the editor: the app's own handler reads it and calls the real
//! `add_image` command. (The system's clipboard and drag and drop can't be driven through
//! WebDriver; nor can the native folder picker, so "Open folder…" is driven through the hook
//! that runs what the action runs once a folder is picked.)

use std::path::{Path, PathBuf};

use quire_e2e::{By, Fixture, Key};
use serde_json::{json, Value};

const SAMPLE: &str = "a-misplaced-focus.md";
const SAMPLE_TITLE: &str = "A Misplaced Focus";
const TOUR_TITLE: &str = "A Tour of What Quire Renders";

/// 120x60 PNGs: a red and a blue rectangle.
const RED_PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAHgAAAA8CAIAAAAiz+n/AAAAaklEQVR42u3QMQ0AAAgDsMmZfxXIwgXhaFIFzbQciALRohEtWrQF0aIRLVq0BdGiES1aNKJFI1q0aESLRrRo0YgWjWjRohEtGtGiRSNaNKJFi0a0aESLFo1o0YgWLRrRohEtWjSiRSP6lwWYkcTDNthucQAAAABJRU5ErkJggg==";
const BLUE_PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAHgAAAA8CAIAAAAiz+n/AAAAaklEQVR42u3QQQkAAAgEsItjCPtjLFuIj8ESLNXDgSgQLRrRokVbEC0a0aJFWxAtGtGiRSNaNKJFi0a0aESLFo1o0YgWLRrRohEtWjSiRSNatGhEi0a0aNGIFo1o0aIRLRrRokUjWjSif1lEKvdhiV2wOQAAAABJRU5ErkJggg==";

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: {c}"),
        }
    };
    let mut out = Vec::new();
    for chunk in text.trim_end_matches('=').as_bytes().chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= value(c) << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

/// Files (name, MIME type, base64 bytes) as a DataTransfer, in the page.
const MAKE_TRANSFER: &str = r#"
    const files = arguments[0];
    const transfer = new DataTransfer();
    for (const [name, type, b64] of files) {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], name, { type }));
    }
"#;

async fn paste(app: &quire_e2e::App, files: Value) {
    app.js(
        &format!(
            "{MAKE_TRANSFER}
            const event = new ClipboardEvent('paste', {{ clipboardData: transfer, bubbles: true, cancelable: true }});
            window.__quire.view().contentDOM.dispatchEvent(event);
            return event.defaultPrevented;"
        ),
        &[files],
    )
    .await;
}

/// Drops `files` on the editor at the start of line `line`.
async fn drop_on_line(app: &quire_e2e::App, files: Value, line: i64) -> bool {
    // The line must be on screen for the drop to have a place.
    app.js(
        "const view = window.__quire.view();
         view.dispatch({ effects: view.constructor.scrollIntoView(view.state.doc.line(arguments[0]).from, { y: 'center' }) });
         return true",
        &[json!(line)],
    )
    .await;
    app.wait_js(
        "the line is laid out on screen",
        "const view = window.__quire.view(); return view.coordsAtPos(view.state.doc.line(arguments[0]).from) !== null",
        &[json!(line)],
    )
    .await;
    let handled = app
        .js(
            &format!(
                "{MAKE_TRANSFER}
            const view = window.__quire.view();
            const at = view.state.doc.line(arguments[1]).from;
            const box = view.coordsAtPos(at);
            const init = {{ dataTransfer: transfer, bubbles: true, cancelable: true, clientX: box.left + 1, clientY: (box.top + box.bottom) / 2 }};
            view.contentDOM.dispatchEvent(new DragEvent('dragover', init));
            const event = new DragEvent('drop', init);
            view.contentDOM.dispatchEvent(event);
            return event.defaultPrevented;"
            ),
            &[files, json!(line)],
        )
        .await;
    handled.as_bool().unwrap_or(false)
}

fn find_file(dir: &Path, name: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read a folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(find_file(&path, name));
        } else if entry.file_name() == name {
            found.push(path);
        }
    }
    found
}

/// The images in the preview's shown frame: (src, natural width).
async fn preview_images(app: &quire_e2e::App) -> Vec<(String, i64)> {
    app.in_preview(|app| async move {
        let mut out = Vec::new();
        for img in app
            .driver()
            .find_all(By::Tag("img"))
            .await
            .expect("find images")
        {
            let src = img.attr("src").await.ok().flatten().unwrap_or_default();
            let width = img
                .prop("naturalWidth")
                .await
                .ok()
                .flatten()
                .and_then(|w| w.parse::<f64>().ok())
                .map_or(-1, |w| w as i64);
            out.push((src, width));
        }
        out
    })
    .await
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn a_pasted_or_dropped_image_lands_beside_the_essay_and_is_published() {
    let fixture = Fixture::new("a_pasted_or_dropped_image_lands_beside_the_essay");
    let app = fixture.launch().await;
    let sample = app.essay_id(SAMPLE_TITLE).await;
    app.wait_open(sample).await;
    app.wait_preview_contains("There is a growing derp out there")
        .await;
    let before = app.editor_text().await;

    // Paste a screenshot at the end of the essay, on a line of its own.
    app.type_at_end(Key::Enter + Key::Enter).await;
    paste(&app, json!([["Red Square.png", "image/png", RED_PNG]])).await;
    let link = "![](assets/red-square.png)";
    app.wait_js(
        "the pasted image's link is in the editor",
        "return window.__quire.view().state.doc.toString().includes(arguments[0])",
        &[json!(link)],
    )
    .await;
    let image = fixture.essays.join("assets/red-square.png");
    assert_eq!(
        std::fs::read(&image).expect("the image is in assets/ beside the essay"),
        base64_decode(RED_PNG)
    );
    // The cursor waits between the brackets for the alt text.
    let text = app.editor_text().await;
    let cursor = app
        .js(
            "return window.__quire.view().state.selection.main.head",
            &[],
        )
        .await;
    let at = text.find(link).expect("the link") + 2;
    assert_eq!(
        cursor.as_u64(),
        Some(text[..at].chars().map(char::len_utf16).sum::<usize>() as u64)
    );
    app.press("A red square").await;
    let described = "![A red square](assets/red-square.png)";
    app.wait_js(
        "the alt text is typed in",
        "return window.__quire.view().state.doc.toString().endsWith(arguments[0])",
        &[json!(described)],
    )
    .await;
    assert_eq!(app.editor_text().await, format!("{before}\n\n{described}"));

    // Drop an image and a text file on the first line of the body: the image goes in, the
    // other file is left out with a notice.
    let body_line = text
        .lines()
        .position(|l| l.starts_with("There is a growing derp"))
        .expect("the first paragraph") as i64
        + 1;
    let handled = drop_on_line(
        &app,
        json!([
            ["blue.png", "image/png", BLUE_PNG],
            ["notes.txt", "text/plain", "bm90ZXM="]
        ]),
        body_line,
    )
    .await;
    assert!(handled, "the editor took the drop");
    app.wait_js(
        "the dropped image's link is a paragraph of its own before the one it was dropped on",
        "const doc = window.__quire.view().state.doc; return doc.line(arguments[0]).text === '![](assets/blue.png)' && doc.line(arguments[0] + 1).text === '' && doc.line(arguments[0] + 2).text.startsWith('There is')",
        &[json!(body_line)],
    )
    .await;
    let notice = app
        .wait_js(
            "a notice names the file left out",
            "const t = document.getElementById('error-banner')?.textContent ?? ''; return t.includes('notes.txt') ? t : null",
            &[],
        )
        .await;
    assert!(
        notice
            .as_str()
            .is_some_and(|t| t.contains("Only images can be added")),
        "{notice}"
    );
    assert!(fixture.essays.join("assets/blue.png").is_file());
    assert!(!fixture.essays.join("assets/notes.txt").exists());
    app.screenshot("dropped").await;

    // The drop is one undo step.
    app.press(Key::Control + "z" + Key::Null).await;
    app.wait_js(
        "undo takes the dropped image's link out",
        "return !window.__quire.view().state.doc.toString().includes('assets/blue.png')",
        &[],
    )
    .await;
    assert_eq!(app.editor_text().await, format!("{before}\n\n{described}"));

    // Saved and exported, the post carries the image.
    app.press(Key::Control + "s" + Key::Null).await;
    app.wait_save_state("Saved").await;
    let saved = String::from_utf8(fixture.read(SAMPLE)).expect("UTF-8");
    assert!(saved.ends_with(described), "{saved}");
    // The preview shows the image, loaded from the essay's folder. (Checked last: after
    // WebDriver has been inside the preview's frame, its keys no longer reach the editor.)
    let images = app
        .wait_for("the preview shows the pasted image", |app| async move {
            let images = preview_images(app).await;
            images
                .iter()
                .any(|(src, width)| src.contains("red-square.png") && *width != 0)
                .then_some(images)
        })
        .await;
    println!("preview images: {images:?}");
    assert!(
        images
            .iter()
            .any(|(src, width)| src.contains("red-square.png") && *width == 120),
        "the image loaded at its size (120 px): {images:?}"
    );

    app.screenshot("saved").await;
    let out = fixture.folder("site");
    fixture.quire_cli(&[
        "export".as_ref(),
        fixture.essays.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    let exported = find_file(&out, "red-square.png");
    assert!(
        !exported.is_empty(),
        "the export has the image: {:?}",
        find_file(&out, "index.html")
    );
    for copy in &exported {
        assert_eq!(std::fs::read(copy).expect("read"), base64_decode(RED_PNG));
    }
    let post = find_file(&out, "index.html")
        .into_iter()
        .map(|p| std::fs::read_to_string(p).expect("read"))
        .find(|html| html.contains("There is a growing derp"))
        .expect("the post's page");
    assert!(
        post.contains("red-square.png") && post.contains("alt=\"A red square\""),
        "the post shows the image with its alt text"
    );
    app.close().await;
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn a_restart_reopens_the_last_essay_where_the_cursor_was() {
    let fixture = Fixture::new("a_restart_reopens_the_last_essay");
    let app = fixture.launch().await;
    let tour = app.open_by_title(TOUR_TITLE).await;

    // Cursor on line 5 (keys, as a writer would), the library a little wider.
    let editor = app.editor().await;
    editor.click().await.expect("click the editor");
    editor
        .send_keys(Key::Control + Key::Home + Key::Null)
        .await
        .expect("Ctrl+Home");
    for _ in 0..4 {
        editor.send_keys(Key::Down).await.expect("down");
    }
    let line = "return (() => { const v = window.__quire.view(); return v.state.doc.lineAt(v.state.selection.main.head).number; })()";
    assert_eq!(app.js(line, &[]).await, json!(5));
    let divider = app
        .driver()
        .find(By::Id("divider-library"))
        .await
        .expect("the library's divider");
    divider.focus().await.expect("focus the divider");
    divider
        .send_keys(Key::Shift + Key::Right + Key::Null)
        .await
        .expect("widen the library");
    let width = "return getComputedStyle(document.getElementById('app')).getPropertyValue('--library-width').trim()";
    let wider = app.js(width, &[]).await;
    assert_ne!(wider, json!("260px"), "the library got wider");

    // Close the window the way its close button does, at once (no time for a debounced save).
    app.js(
        "setTimeout(() => window.__quire.closeWindow(), 0); return true",
        &[],
    )
    .await;
    app.wait_closed().await;
    let saved = fixture.ui_state();
    println!("settings: {saved}");
    assert_eq!(
        saved["window"],
        json!({ "width": 1280, "height": 800 }),
        "{saved}"
    );
    // Let the next start open a smaller window: the size is the settings file's.
    let mut smaller = saved.clone();
    smaller["window"] = json!({ "width": 1100, "height": 720 });
    std::fs::write(
        fixture.ui_state_file(),
        serde_json::to_vec(&smaller).expect("JSON"),
    )
    .expect("write the settings");

    let app = fixture.launch().await;
    app.wait_open(tour).await;
    app.wait_js(
        "the cursor is on line 5 again",
        &format!("{line} === 5"),
        &[],
    )
    .await;
    assert_eq!(
        app.js(width, &[]).await,
        wider,
        "the library's width is back"
    );
    assert_eq!(
        app.js("return [window.innerWidth, window.innerHeight]", &[])
            .await,
        json!([1100, 720]),
        "the window has the remembered size"
    );
    app.screenshot("restarted").await;
    app.close().await;
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn another_folder_opens_and_the_first_comes_back_where_it_was() {
    let fixture = Fixture::new("another_folder_opens");
    let other = fixture.folder("Other Essays");
    std::fs::write(
        other.join("elsewhere.md"),
        "---\ntitle: Written Elsewhere\nstatus: draft\n---\n\nA paragraph from the other folder.\n",
    )
    .expect("write an essay");
    let app = fixture.launch().await;
    let sample = app.essay_id(SAMPLE_TITLE).await;
    app.wait_open(sample).await;
    // An unsaved edit and a cursor in the first folder.
    app.type_at_end(Key::Enter + "Left behind for a moment.")
        .await;
    let cursor = app
        .js(
            "return window.__quire.view().state.selection.main.head",
            &[],
        )
        .await;

    // A folder that isn't one: a notice, and the first folder stays open.
    let missing = fixture.folder("gone").join("nowhere");
    assert_eq!(app.open_folder(&missing).await, json!(false));
    let notice = app
        .wait_js(
            "a notice says the folder couldn't be opened",
            "const t = document.getElementById('error-banner')?.textContent ?? ''; return t.includes('nowhere') ? t : null",
            &[],
        )
        .await;
    println!("notice: {notice}");
    assert!(notice
        .as_str()
        .is_some_and(|t| t.starts_with("Couldn't open")));
    assert_eq!(app.open_essay_id().await, Some(sample));

    // The other folder: its name, its essays, its first essay open.
    assert_eq!(app.open_folder(&other).await, json!(true));
    let elsewhere = app.essay_id("Written Elsewhere").await;
    assert_eq!(app.open_essay_id().await, Some(elsewhere));
    let name = app
        .js(
            "return document.getElementById('library-name').textContent",
            &[],
        )
        .await;
    assert_eq!(name, json!("Other Essays"));
    let rows = app
        .js(
            "return document.querySelectorAll('#essay-list .essay-row').length",
            &[],
        )
        .await;
    assert_eq!(rows, json!(1), "only the other folder's essays are listed");
    app.wait_preview_contains("A paragraph from the other folder")
        .await;
    // Outside edits in the new folder arrive as before.
    std::fs::write(
        other.join("elsewhere.md"),
        "---\ntitle: Written Elsewhere\nstatus: draft\n---\n\nChanged in another program.\n",
    )
    .expect("edit the essay");
    app.wait_js(
        "the outside edit reaches the editor",
        "return window.__quire.view().state.doc.toString().includes('Changed in another program')",
        &[],
    )
    .await;
    app.screenshot("other").await;

    // Back to the first folder: the sample essay, its unsaved edit and its cursor.
    assert_eq!(app.open_folder(&fixture.essays).await, json!(true));
    app.wait_open(sample).await;
    assert!(app
        .editor_text()
        .await
        .ends_with("Left behind for a moment."));
    assert_eq!(
        app.js(
            "return window.__quire.view().state.selection.main.head",
            &[]
        )
        .await,
        cursor
    );
    app.screenshot("back").await;
    app.close().await;
}
