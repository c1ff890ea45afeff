//! Every writer can use the window: the axe-core accessibility engine, injected into the real
//! app through WebDriver, finds nothing at or above its threshold in the light and the dark
//! theme, with each panel and dialog open in turn. Run with `scripts/e2e.sh accessibility` (the
//! exported site's test, `site_accessibility::`, runs too).

use quire_e2e::{axe_violations, App, Fixture, Key};
use serde_json::Value;
use thirtyfour::common::keys::TypingData;

/// axe's violations in the app's window right now.
async fn violations(app: &App) -> Vec<String> {
    axe_violations(app.driver()).await
}

/// Runs axe in each state of the window: at rest, then with each panel and dialog open.
async fn audit(app: &App, theme: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut check = |state: &str, list: Vec<String>| {
        for v in list {
            found.push(format!("[{theme}, {state}] {v}"));
        }
    };
    check("window", violations(app).await);

    let panels: [(&str, &str); 5] = [
        ("essay menu", "#essay-list .essay-row .essay-actions"),
        ("history", "#show-history"),
        ("checks", "#open-checks"),
        ("export", "#open-export"),
        ("publish", "#open-publish"),
    ];
    for (name, button) in panels {
        app.click(button).await;
        app.wait_js(
            &format!("the {name} panel is open"),
            "const d = document.querySelector('#drawer'); const dialog = document.querySelector('.dialog, dialog[open], [role=menu]');
             return (d && !d.hidden && d.children.length > 0) || !!dialog;",
            &[],
        )
        .await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        app.screenshot(&format!("{theme}-{}", name.replace(' ', "-")))
            .await;
        check(name, violations(app).await);
        app.press_focused(Key::Escape + "").await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }

    let keyed: [(&str, TypingData); 4] = [
        ("new essay dialog", Key::Control + "n" + Key::Null),
        ("outline", Key::Control + Key::Shift + "o" + Key::Null),
        (
            "command palette",
            Key::Control + Key::Shift + "p" + Key::Null,
        ),
        ("quick open", Key::Control + "p" + Key::Null),
    ];
    for (name, keys) in keyed {
        app.press_focused(keys).await;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        app.screenshot(&format!("{theme}-{}", name.replace(' ', "-")))
            .await;
        check(name, violations(app).await);
        app.press_focused(Key::Escape + "").await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    found
}

async fn audit_theme(name: &str, theme: &str, gtk_theme: &str) {
    // The fixture owns the essays folder: it lives as long as the app.
    let fixture = Fixture::new(name).with_env("GTK_THEME", gtk_theme);
    let app = fixture.launch().await;
    app.open_by_title("A Misplaced Focus").await;
    let dark = app
        .js(
            "return matchMedia('(prefers-color-scheme: dark)').matches",
            &[],
        )
        .await;
    assert_eq!(
        dark,
        Value::Bool(theme == "dark"),
        "the window's theme is {theme}"
    );
    let mut found = audit(&app, theme).await;

    // What a screen reader hears: a library row names title, date, status and words; the save
    // state and notices are live regions; the preview frame has a title.
    let heard = app
        .js(
            "const id = window.__quire.openEssayId();
             const row = document.querySelector(`#essay-list .essay-row[data-id='${id}'] .essay-open`);
             return [row.textContent.replace(/\\s+/g, ' ').trim(),
                     document.getElementById('save-state').getAttribute('role'),
                     document.getElementById('error-banner').getAttribute('aria-live'),
                     document.querySelector('#preview iframe.shown').getAttribute('title')];",
            &[],
        )
        .await;
    let heard: Vec<String> = serde_json::from_value(heard).expect("four strings");
    assert_eq!(
        heard[0], "A Misplaced Focus, 29 May 2015, published, 928 words",
        "the open essay's row, as a screen reader names it"
    );
    assert_eq!(
        heard[1..],
        ["status", "polite", "Preview of the essay as published"]
    );

    // A visible focus: the ring around a control reached with Tab stands out 3:1 from what is
    // around it.
    app.js("document.getElementById('search').focus()", &[])
        .await;
    app.press_focused(Key::Tab + "").await;
    let ring = app
        .js(
            "const rgba = (c) => { const n = c.match(/[\\d.]+/g).map(Number); const srgb = c.startsWith('color(');
                 const [r, g, b] = n.slice(0, 3).map((v) => (srgb ? v * 255 : v)); return [r, g, b, n.length > 3 ? n[3] : 1]; };
             const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
             const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
             const focused = document.activeElement;
             if (getComputedStyle(focused).outlineStyle === 'none') return [focused.outerHTML.slice(0, 80), 'no ring', 0];
             const ring = getComputedStyle(focused).outlineColor;
             const around = getComputedStyle(document.getElementById('library')).backgroundColor;
             // A see-through ring is seen over what is around it.
             const [r, g, b, a] = rgba(ring); const bg = rgba(around);
             const seen = [r * a + bg[0] * (1 - a), g * a + bg[1] * (1 - a), b * a + bg[2] * (1 - a)];
             return [ring, around, ratio(seen, bg)];",
            &[],
        )
        .await;
    let contrast = ring[2].as_f64().expect("a ratio");
    println!("{theme}: the focus ring stands out {contrast:.2}:1 ({ring})");
    assert!(
        contrast >= 3.0,
        "the focus ring stands out {contrast:.2}:1 ({ring})"
    );

    // A question that asks before something happens (Delete…, from the essay's menu).
    app.click("#essay-list .essay-row .essay-actions").await;
    app.click("[role=menu] .menu-item.danger").await;
    app.wait_js(
        "the delete question is asked",
        "return !!document.querySelector('.dialog')",
        &[],
    )
    .await;
    app.screenshot(&format!("{theme}-confirm")).await;
    for v in violations(&app).await {
        found.push(format!("[{theme}, delete question] {v}"));
    }
    app.press_focused(Key::Escape + "").await;
    app.wait_js(
        "the question is gone",
        "return !document.querySelector('.dialog')",
        &[],
    )
    .await;

    // The conflict view: the writer's edit and one made outside overlap.
    app.type_at_end(" Mine.").await;
    app.wait_save_state("Draft autosaved").await;
    let file = String::from_utf8(fixture.read("a-misplaced-focus.md")).expect("UTF-8");
    fixture.write_outside(
        "a-misplaced-focus.md",
        &(file.trim_end().to_string() + " Theirs.\n"),
    );
    app.wait_save_state("Conflict: the file changed outside Quire")
        .await;
    app.press_focused(Key::Control + Key::Shift + "p" + Key::Null)
        .await;
    app.press_focused("Resolve conflict").await;
    app.press_focused(Key::Enter + "").await;
    app.wait_js(
        "the conflict view is open",
        "return !!document.querySelector('.conflict-view .conflict-hunk')",
        &[],
    )
    .await;
    app.screenshot(&format!("{theme}-conflict")).await;
    for v in violations(&app).await {
        found.push(format!("[{theme}, conflict view] {v}"));
    }
    app.screenshot(theme).await;
    if !found.is_empty() {
        app.fail(&format!(
            "axe-core finds {} violation(s):\n{}",
            found.len(),
            found.join("\n")
        ))
        .await;
    }
    app.close().await;
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn axe_finds_nothing_in_the_light_window() {
    audit_theme("axe_finds_nothing_in_the_light_window", "light", "Adwaita").await;
}

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn axe_finds_nothing_in_the_dark_window() {
    audit_theme(
        "axe_finds_nothing_in_the_dark_window",
        "dark",
        "Adwaita:dark",
    )
    .await;
}
