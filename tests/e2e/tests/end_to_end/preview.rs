//! The preview pane, end to end: scroll sync by source position in both directions, typing
//! that keeps the preview's place (the page is patched in place), and links between essays.
//! Run with `scripts/e2e.sh preview`. The preview frame is sandboxed without scripts but
//! same-origin, so the app's own document (and these tests) can read its layout.

use quire_e2e::{By, Fixture};
use serde_json::json;

/// A long essay with headings: eight sections of three long one-line paragraphs each.
fn sectioned_essay() -> String {
    let mut text =
        String::from("---\ntitle: Long Sections\ndate: 2024-05-01\n---\n\nAn opening paragraph.\n");
    for section in 1..=8 {
        text.push_str(&format!("\n## Section {section}\n"));
        for paragraph in 1..=3 {
            text.push('\n');
            for sentence in 0..14 {
                text.push_str(&format!(
                    "Sentence {sentence} of paragraph {paragraph} in section {section} goes on a while. "
                ));
            }
            text.push('\n');
        }
    }
    text
}

/// A long essay without a single heading: forty numbered paragraphs.
fn headingless_essay() -> String {
    let mut text = String::from("---\ntitle: No Headings At All\n---\n");
    for paragraph in 1..=40 {
        text.push_str(&format!("\nParagraph {paragraph} begins here."));
        for _ in 0..10 {
            text.push_str(" Words follow words, line after line, with nothing to anchor them.");
        }
        text.push('\n');
    }
    text
}

/// The 1-based line of the first line of `text` that starts with `prefix`.
fn line_of(text: &str, prefix: &str) -> i64 {
    text.lines()
        .position(|l| l.starts_with(prefix))
        .map(|i| i as i64 + 1)
        .unwrap_or_else(|| panic!("no line starts with {prefix:?}"))
}

/// JavaScript: the shown preview frame's document.
const FRAME_DOC: &str =
    "const doc = document.querySelector('#preview iframe.preview-frame.shown')?.contentDocument;";

/// JavaScript: the editor's first visible line, as a reader sees it: the first line of which
/// more than a pixel shows below the scroller's top edge. Scroll positions are whole pixels and
/// line boundaries fall between them, by amounts that depend on the fonts' metrics, so a line
/// whose last sub-pixel row still peeks over the edge does not count.
const EDITOR_TOP_LINE: &str = "const view = window.__quire.view();
     const edge = view.scrollDOM.getBoundingClientRect().top - view.documentTop;
     let block = view.lineBlockAtHeight(edge);
     if (block.bottom - edge <= 1 && block.to < view.state.doc.length) block = view.lineBlockAt(block.to + 1);
     const top = view.state.doc.lineAt(block.from).number;";

/// Scrolls the editor so that 1-based `line` is at its top, and waits until it is. Far from
/// what the editor has drawn, line heights are estimates until CodeMirror measures them, so
/// the scroll is asked for again on each look until the line really is at the top. No margin:
/// CodeMirror's default 5 px margin would leave the blank line above in view on fonts whose
/// half-leading is under 5 px (DejaVu on a fresh Debian), which is what failed there.
async fn scroll_editor_to(app: &quire_e2e::App, line: i64) {
    app.wait_js(
        &format!("the editor's top line is {line}"),
        &format!(
            "{EDITOR_TOP_LINE}
             if (top === arguments[0]) return true;
             const pos = view.state.doc.line(arguments[0]).from;
             view.dispatch({{ effects: view.constructor.scrollIntoView(pos, {{ y: 'start', yMargin: 0 }}) }});
             return false;"
        ),
        &[json!(line)],
    )
    .await;
}

/// The top of the element matching `selector` in the preview, relative to the preview's
/// viewport (0: at its top edge), or None while there is none.
async fn preview_top_of(app: &quire_e2e::App, selector: &str) -> Option<f64> {
    app.try_js(
        &format!(
            "{FRAME_DOC} const el = doc && doc.querySelector(arguments[0]);
             return el ? el.getBoundingClientRect().top : null;"
        ),
        &[json!(selector)],
    )
    .await
    .ok()
    .and_then(|v| v.as_f64())
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn preview_and_editor_scroll_together_by_source_position() {
    let text = sectioned_essay();
    let fixture = Fixture::new("preview_and_editor_scroll_together_by_source_position")
        .with_essay("long-sections.md", &text);
    let app = fixture.launch().await;
    app.open_by_title("Long Sections").await;
    app.wait_preview_contains("Sentence 13 of paragraph 3 in section 8")
        .await;

    // The editor scrolled so that "Section 7" is its top line: the preview shows Section 7 at
    // its top too.
    scroll_editor_to(&app, line_of(&text, "## Section 7")).await;
    let top = app
        .wait_for("the preview shows Section 7 at its top", |app| async move {
            preview_top_of(app, "#section-7")
                .await
                .filter(|top| (-30.0..=60.0).contains(top))
        })
        .await;
    println!("Section 7 sits {top:.0} px below the preview's top edge");
    app.screenshot("editor-leads").await;

    // The writer scrolls the preview up to "Section 3": the editor's top line follows to the
    // heading's line (give or take a line of the paragraph around it).
    app.js(
        &format!(
            "{FRAME_DOC} const el = doc.getElementById('section-3');
             doc.defaultView.scrollTo(0, el.getBoundingClientRect().top + doc.defaultView.scrollY);"
        ),
        &[],
    )
    .await;
    let heading = line_of(&text, "## Section 3");
    let top_line = app
        .wait_js(
            "the editor's top line follows the preview to Section 3",
            &format!("{EDITOR_TOP_LINE} return Math.abs(top - arguments[0]) <= 2 ? top : null;"),
            &[json!(heading)],
        )
        .await;
    println!("editor top line {top_line}, Section 3 is line {heading}");
    // ... and the sync did not bounce back and move the preview away from Section 3.
    let settled = app
        .wait_for("the preview stays at Section 3", |app| async move {
            preview_top_of(app, "#section-3")
                .await
                .filter(|top| top.abs() <= 40.0)
        })
        .await;
    println!("Section 3 sits {settled:.0} px below the preview's top edge");
    app.screenshot("preview-leads").await;
    app.close().await;
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn typing_keeps_the_preview_in_place_without_headings() {
    let text = headingless_essay();
    let fixture = Fixture::new("typing_keeps_the_preview_in_place_without_headings")
        .with_essay("no-headings.md", &text);
    let app = fixture.launch().await;
    app.open_by_title("No Headings At All").await;
    app.wait_preview_contains("Paragraph 40 begins here.").await;

    // The editor shows paragraph 30 at its top; so does the preview.
    let line = line_of(&text, "Paragraph 30 begins");
    scroll_editor_to(&app, line).await;
    let paragraph = ".essay-body > p:nth-of-type(30)";
    let before = app
        .wait_for(
            "the preview shows paragraph 30 at its top",
            |app| async move {
                preview_top_of(app, paragraph)
                    .await
                    .filter(|top| top.abs() <= 60.0)
            },
        )
        .await;
    // Marks the shown page, to tell an in-place update from a reload.
    app.js(
        &format!("{FRAME_DOC} doc.body.dataset.e2eMark = 'kept'; return true;"),
        &[],
    )
    .await;

    // The writer types in paragraph 31, a few keystrokes, each one rendered.
    for word in [" One", " two", " three", " typed-words-here"] {
        app.js(
            "const view = window.__quire.view();
             const at = view.state.doc.line(arguments[0]).to;
             view.dispatch({ changes: { from: at, insert: arguments[1] }, userEvent: 'input.type' });",
            &[json!(line + 2), json!(word)],
        )
        .await;
    }
    app.wait_preview_contains("typed-words-here").await;

    // The preview did not jump to the top: paragraph 30 is where it was.
    let after = preview_top_of(&app, paragraph)
        .await
        .expect("paragraph 30 is in the preview");
    assert!(
        (after - before).abs() <= 30.0,
        "paragraph 30 moved from {before:.0} px to {after:.0} px in the preview"
    );
    let scrolled = app
        .js(&format!("{FRAME_DOC} return doc.defaultView.scrollY;"), &[])
        .await;
    assert!(
        scrolled.as_f64().is_some_and(|y| y > 1000.0),
        "the preview is scrolled down ({scrolled})"
    );
    // And the page was updated in place (no reload, so no flash and no lost layout).
    assert_eq!(
        app.js(
            &format!("{FRAME_DOC} return doc.body.dataset.e2eMark ?? null;"),
            &[]
        )
        .await,
        json!("kept"),
        "the preview was patched in place, not reloaded"
    );
    app.screenshot("").await;
    app.close().await;
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn preview_link_to_another_essay_opens_it() {
    let fixture = Fixture::new("preview_link_to_another_essay_opens_it").with_essay(
        "linking.md",
        "---\ntitle: The Linking Essay\n---\n\nSee [the other essay](notes/other.md#second-part) for more.\n",
    );
    std::fs::create_dir_all(fixture.essay("notes")).expect("a subfolder");
    let mut other = String::from("---\ntitle: The Other Essay\n---\n\n## First part\n");
    for n in 0..30 {
        other.push_str(&format!(
            "\nFiller paragraph {n} pushes the second part down the page.\n"
        ));
    }
    other.push_str("\n## Second part\n\nThe second part, linked from the other essay.\n\n[Back](../linking.md)\n");
    // Enough below the heading for the preview to bring it to its top.
    for n in 0..30 {
        other.push_str(&format!("\nClosing paragraph {n}.\n"));
    }
    std::fs::write(fixture.essay("notes/other.md"), &other).expect("write the other essay");
    let app = fixture.launch().await;
    app.open_by_title("The Linking Essay").await;
    app.wait_preview_contains("for more.").await;
    let other_id = app.essay_id("The Other Essay").await;

    app.in_preview(|app| async move {
        app.driver()
            .find(By::LinkText("the other essay"))
            .await
            .expect("the link in the preview")
            .click()
            .await
            .expect("click the link");
    })
    .await;
    app.wait_open(other_id).await;
    app.wait_preview_contains("The second part, linked from the other essay.")
        .await;
    // The link's #second-part is what the preview shows.
    app.wait_for("the preview shows the linked heading", |app| async move {
        preview_top_of(app, "#second-part")
            .await
            .filter(|top| top.abs() <= 80.0)
    })
    .await;
    assert_eq!(
        app.js("return document.title", &[]).await,
        json!("The Other Essay — Quire")
    );
    // The editor follows the preview to the heading's line (give or take a line).
    let heading = line_of(&other, "## Second part");
    app.wait_js(
        "the editor shows the linked heading at its top",
        &format!("{EDITOR_TOP_LINE} return Math.abs(top - arguments[0]) <= 2 ? top : null;"),
        &[json!(heading)],
    )
    .await;
    app.screenshot("").await;

    // And back, by a ../ link.
    app.in_preview(|app| async move {
        app.driver()
            .find(By::LinkText("Back"))
            .await
            .expect("the back link")
            .click()
            .await
            .expect("click the back link");
    })
    .await;
    app.wait_preview_contains("for more.").await;
    app.wait_js(
        "the first essay is open again",
        "return document.title === 'The Linking Essay — Quire'",
        &[],
    )
    .await;
    app.close().await;
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn a_formula_is_typeset_in_the_preview_without_script() {
    let fixture = Fixture::new("a_formula_is_typeset_in_the_preview_without_script");
    let app = fixture.launch().await;
    app.open_by_title("A Tour of What Quire Renders").await;
    app.wait_preview_contains("a circle").await;
    // WebKit lays the MathML out (the preview runs no script): the display formula has a size
    // and a fraction in it; the inline one sits in its sentence.
    let sizes = app
        .in_preview(|app| async move {
            app.js(
                r"const block = document.querySelector('math[display=block]');
                  const inline = [...document.querySelectorAll('p math:not([display])')]
                    .find((m) => m.textContent.includes('π'));
                  const box = (el) => { const r = el.getBoundingClientRect(); return [r.width, r.height]; };
                  block.scrollIntoView({ block: 'center' });
                  return { block: box(block), fractions: block.querySelectorAll('mfrac').length,
                           inline: inline ? box(inline) : null,
                           namespace: block.namespaceURI };",
                &[],
            )
            .await
        })
        .await;
    println!("formula boxes: {sizes}");
    assert_eq!(
        sizes["namespace"],
        json!("http://www.w3.org/1998/Math/MathML")
    );
    assert_eq!(sizes["fractions"], json!(2), "{sizes}");
    for which in ["block", "inline"] {
        let w = sizes[which][0].as_f64().unwrap_or_default();
        let h = sizes[which][1].as_f64().unwrap_or_default();
        assert!(
            w > 10.0 && h > 5.0,
            "the {which} formula is laid out: {sizes}"
        );
    }
    app.screenshot("").await;
    app.close().await;
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn a_diagram_is_drawn_in_the_preview_as_an_image_and_its_math_has_the_theme_font() {
    let fixture = Fixture::new(
        "a_diagram_is_drawn_in_the_preview_as_an_image_and_its_math_has_the_theme_font",
    );
    let app = fixture.launch().await;
    app.open_by_title("A Tour of What Quire Renders").await;
    app.wait_preview_contains("drawn as a diagram").await;
    // The image decoded (the preview's CSP lets a data: image in) and has the diagram's size;
    // the font the theme ships is the one the formulas use.
    let seen = app
        .in_preview(|app| async move {
            app.wait_js(
                "the diagram is decoded and the math font loaded",
                r"const img = document.querySelector('figure.diagram img');
                  if (!img || !img.complete || img.naturalWidth === 0) return null;
                  img.scrollIntoView({ block: 'center' });
                  const fontReady = document.fonts.check('16px \'Quire Math\'');
                  if (!fontReady) { document.fonts.load('16px \'Quire Math\''); return null; }
                  const r = img.getBoundingClientRect();
                  return { natural: [img.naturalWidth, img.naturalHeight], shown: [r.width, r.height],
                           alt: img.alt, scripts: document.querySelectorAll('script, svg').length };",
                &[],
            )
            .await
        })
        .await;
    println!("diagram: {seen}");
    assert!(
        seen["natural"][0].as_f64().unwrap_or_default() > 100.0,
        "{seen}"
    );
    assert!(
        seen["shown"][1].as_f64().unwrap_or_default() > 50.0,
        "{seen}"
    );
    assert!(
        seen["alt"]
            .as_str()
            .is_some_and(|a| a.starts_with("Diagram: flowchart LR")),
        "{seen}"
    );
    assert_eq!(
        seen["scripts"],
        json!(0),
        "no script and no inline SVG in the page"
    );
    app.screenshot("").await;
    app.close().await;
}
