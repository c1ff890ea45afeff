//! Every writer can use the window: the axe-core accessibility engine, injected into the real
//! app through WebDriver, finds nothing at or above its threshold in the light and the dark
//! theme, with each panel and dialog open in turn. Run with `scripts/e2e.sh accessibility`.

use quire_e2e::{workspace_root, App, Fixture, Key};
use serde_json::Value;
use thirtyfour::common::keys::TypingData;

/// Moderate rules that a writer using a screen reader notices (and the issue names): a window
/// without a level-one heading, and content outside any landmark.
const MODERATE_RULES: [&str; 2] = ["page-has-heading-one", "region"];

/// axe-core's violations in the window right now, as lines a developer can act on:
/// `impact rule: help (nodes)`. Only those at the threshold: critical, serious, and the
/// moderate rules above.
async fn violations(app: &App) -> Vec<String> {
    let axe = std::fs::read_to_string(workspace_root().join("node_modules/axe-core/axe.min.js"))
        .expect("axe-core is installed (npm ci)");
    // The engine is the script itself (the window's CSP allows no eval): it defines
    // window.axe, then runs on the whole document.
    let script = format!(
        "{axe}\n;const done = arguments[arguments.length - 1];
         window.axe.run(document, {{ resultTypes: ['violations'] }}).then(
           (r) => done(JSON.stringify(r.violations.map((v) => ({{
             id: v.id, impact: v.impact, help: v.help,
             nodes: v.nodes.map((n) => n.target.join(' ') + ': ' + (n.failureSummary || '').replace(/\\s+/g, ' ')),
           }})))),
           (e) => done(JSON.stringify({{ error: String(e) }})));"
    );
    let ret = app
        .driver()
        .execute_async(&script, vec![])
        .await
        .expect("axe runs in the window");
    let text = ret
        .json()
        .as_str()
        .expect("axe's results as JSON")
        .to_string();
    let found: Value = serde_json::from_str(&text).expect("axe's results parse");
    if let Some(error) = found.get("error") {
        panic!("axe failed: {error}");
    }
    let mut out = Vec::new();
    for v in found.as_array().expect("a list of violations") {
        let id = v["id"].as_str().unwrap_or("");
        let impact = v["impact"].as_str().unwrap_or("");
        if impact == "critical" || impact == "serious" || MODERATE_RULES.contains(&id) {
            let nodes: Vec<&str> = v["nodes"]
                .as_array()
                .map(|n| n.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            out.push(format!(
                "{impact} {id}: {}\n      {}",
                v["help"].as_str().unwrap_or(""),
                nodes.join("\n      ")
            ));
        }
    }
    out
}

/// Sends keys to whatever has the focus, as a keyboard does.
async fn press(app: &App, keys: impl Into<TypingData>) {
    let focused = app
        .driver()
        .active_element()
        .await
        .expect("a focused element");
    focused.send_keys(keys).await.expect("send keys");
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

    let panels: [(&str, &str); 3] = [
        ("history", "#show-history"),
        ("checks", "#open-checks"),
        ("export", "#open-export"),
    ];
    for (name, button) in panels {
        app.click(button).await;
        app.wait_js(
            &format!("the {name} panel is open"),
            "const d = document.querySelector('#drawer'); const dialog = document.querySelector('.dialog, dialog[open]');
             return (d && !d.hidden && d.children.length > 0) || !!dialog;",
            &[],
        )
        .await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        app.screenshot(&format!("{theme}-{name}")).await;
        check(name, violations(app).await);
        press(app, Key::Escape + "").await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }

    let keyed: [(&str, TypingData); 3] = [
        ("outline", Key::Control + Key::Shift + "o" + Key::Null),
        (
            "command palette",
            Key::Control + Key::Shift + "p" + Key::Null,
        ),
        ("quick open", Key::Control + "p" + Key::Null),
    ];
    for (name, keys) in keyed {
        press(app, keys).await;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        app.screenshot(&format!("{theme}-{}", name.replace(' ', "-")))
            .await;
        check(name, violations(app).await);
        press(app, Key::Escape + "").await;
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
    let found = audit(&app, theme).await;
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
