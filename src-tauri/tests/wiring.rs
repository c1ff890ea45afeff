//! Command wiring without a window: the real app (commands, setup, capabilities from the real
//! `tauri.conf.json`) on Tauri's mock runtime, called through IPC the way the UI calls it.

use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::Manager;

use quire_desktop::Startup;

fn request(cmd: &str, body: serde_json::Value) -> InvokeRequest {
    InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().expect("url"),
        body: InvokeBody::Json(body),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    }
}

/// The page a `render_preview` answer sent whole makes: its shell around its blocks.
fn whole_page(preview: &serde_json::Value) -> String {
    let blocks: String = preview["blocks"]["insert"]
        .as_array()
        .expect("blocks")
        .iter()
        .map(|b| b.as_str().expect("block"))
        .collect();
    format!(
        "{}{blocks}{}",
        preview["shell"]["before"].as_str().expect("shell"),
        preview["shell"]["after"].as_str().expect("shell")
    )
}

fn app(dir: &std::path::Path) -> tauri::App<tauri::test::MockRuntime> {
    app_asked_for(dir, None)
}

/// The app, started as `quire-desktop essays/FILE` starts it when `asked` is `Some(FILE)`.
fn app_asked_for(
    dir: &std::path::Path,
    asked: Option<&str>,
) -> tauri::App<tauri::test::MockRuntime> {
    let essays = dir.join("essays");
    std::fs::create_dir_all(&essays).expect("essays");
    std::fs::write(
        essays.join("first.md"),
        "---\ntitle: First\ndate: 2020-01-01\nstatus: published\n---\n\n# Hello\n\nSome words here.\n",
    )
    .expect("essay");
    let startup = Startup {
        essay: asked.map(|file| essays.join(file)),
        essays,
        db: dir.join("quire.db"),
        ..Startup::default()
    };
    let mut app = quire_desktop::build(mock_builder(), startup)
        .build(tauri::generate_context!("../tauri.conf.json"))
        .expect("app builds");
    // The setup hook (which opens the library and the main window) runs with the first
    // iteration of the event loop.
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    app
}

#[test]
fn the_main_window_can_list_open_edit_and_save_essays() {
    let dir = tempfile::tempdir().expect("temp");
    let app = app(dir.path());
    let main = app.get_webview_window("main").expect("main window");

    let info = get_ipc_response(&main, request("library_info", serde_json::json!({})))
        .expect("library_info");
    let info: serde_json::Value = info.deserialize().expect("json");
    assert_eq!(info["essays"][0]["title"], "First", "{info}");
    let id = info["essays"][0]["id"].as_i64().expect("id");

    let opened: serde_json::Value = get_ipc_response(
        &main,
        request("open_essay", serde_json::json!({ "id": id })),
    )
    .expect("open_essay")
    .deserialize()
    .expect("json");
    assert!(opened["text"]
        .as_str()
        .expect("text")
        .contains("Some words here."));

    let edited =
        "---\ntitle: First\ndate: 2020-01-01\nstatus: published\n---\n\n# Hello\n\nNew words.\n";
    get_ipc_response(
        &main,
        request(
            "update_draft",
            serde_json::json!({ "id": id, "text": edited }),
        ),
    )
    .expect("autosave");
    get_ipc_response(
        &main,
        request("save_essay", serde_json::json!({ "id": id })),
    )
    .expect("save");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("essays/first.md")).expect("file"),
        edited
    );
}

#[test]
fn the_preview_is_the_export_page_and_renders_hostile_text_inert() {
    let dir = tempfile::tempdir().expect("temp");
    let app = app(dir.path());
    let main = app.get_webview_window("main").expect("main window");
    let text = "---\ntitle: \"<script>alert(1)</script>\"\n---\n\n<img src=x onerror=alert(1)> [x](javascript:alert(1))\n";
    let preview: serde_json::Value = get_ipc_response(
        &main,
        request("render_preview", serde_json::json!({ "text": text })),
    )
    .expect("render_preview")
    .deserialize()
    .expect("json");
    // Sent whole: no block generation was passed.
    assert!(preview["blocks"]["base"].is_null(), "{preview}");
    let blocks = preview["blocks"]["insert"].as_array().expect("blocks");
    // The page is the shell around the body's blocks (sent whole: no shell key was passed).
    let page = &whole_page(&preview);
    assert!(page.starts_with("<!doctype html>"), "{page}");
    assert!(
        page.contains("<base href=\"about:srcdoc\">"),
        "# links must stay in the preview: {page}"
    );
    assert!(
        !page.contains("<script>") && !page.contains("onerror") && !page.contains("javascript:"),
        "{page}"
    );

    // Asked again with that shell's key and block generation, with one paragraph more, only
    // that paragraph comes back; put in place, the page is the export's again.
    let more = format!("{text}\nA new paragraph.\n");
    let again: serde_json::Value = get_ipc_response(
        &main,
        request(
            "render_preview",
            serde_json::json!({
                "text": more,
                "shell": preview["shellKey"],
                "base": preview["blocks"]["generation"],
            }),
        ),
    )
    .expect("render_preview")
    .deserialize()
    .expect("json");
    assert!(again["shell"].is_null(), "{again}");
    let change = &again["blocks"];
    assert_eq!(change["base"], preview["blocks"]["generation"], "{again}");
    assert_eq!(change["start"], blocks.len(), "{again}");
    assert_eq!(change["deleteCount"], 0, "{again}");
    let added: Vec<&str> = change["insert"]
        .as_array()
        .expect("insert")
        .iter()
        .map(|b| b.as_str().expect("block"))
        .collect();
    assert_eq!(added.concat(), "<p>A new paragraph.</p>\n", "{again}");

    // A keystroke sends its edit of that render's text (UTF-16 offsets), not the whole text.
    let typed: serde_json::Value = get_ipc_response(
        &main,
        request(
            "render_preview",
            serde_json::json!({
                "edit": { "base": change["generation"], "start": more.len() - 2,
                          "deleteCount": 0, "insert": " Typed" },
                "base": change["generation"],
            }),
        ),
    )
    .expect("render_preview")
    .deserialize()
    .expect("json");
    assert_eq!(
        typed["blocks"]["insert"],
        serde_json::json!(["<p>A new paragraph Typed.</p>\n"]),
        "{typed}"
    );
    // An edit of a text this side no longer has is refused, so that the UI sends it whole.
    let stale = get_ipc_response(
        &main,
        request(
            "render_preview",
            serde_json::json!({
                "edit": { "base": change["generation"], "start": 0, "deleteCount": 0, "insert": "x" },
            }),
        ),
    )
    .expect_err("a stale edit");
    assert_eq!(stale["kind"], "stale", "{stale}");

    // A generation this side doesn't know (say, from before a restart): the whole list again.
    let stale: serde_json::Value = get_ipc_response(
        &main,
        request(
            "render_preview",
            serde_json::json!({ "text": text, "shell": preview["shellKey"], "base": 9999 }),
        ),
    )
    .expect("render_preview")
    .deserialize()
    .expect("json");
    assert!(stale["blocks"]["base"].is_null(), "{stale}");
    assert_eq!(stale["blocks"]["insert"], preview["blocks"]["insert"]);

    let broken: serde_json::Value = get_ipc_response(
        &main,
        request(
            "render_preview",
            serde_json::json!({ "text": "---\ndate: nope\n---\n" }),
        ),
    )
    .expect("render_preview")
    .deserialize()
    .expect("json");
    assert!(
        broken["error"]
            .as_str()
            .expect("error")
            .contains("is not a date"),
        "{broken}"
    );
}

#[test]
fn the_windows_start_brings_the_essay_to_reopen_and_its_first_preview() {
    let dir = tempfile::tempdir().expect("temp");
    let app = app_asked_for(dir.path(), Some("first.md"));
    let main = app.get_webview_window("main").expect("main window");

    let start = call(&main, "window_start", serde_json::json!({}));
    assert_eq!(start["library"]["essays"][0]["title"], "First", "{start}");
    let id = start["library"]["essays"][0]["id"].as_i64().expect("id");
    assert_eq!(start["library"]["askedEssay"], id, "{start}");
    assert_eq!(start["essay"]["id"], id, "{start}");
    let text = start["essay"]["text"].as_str().expect("text");
    assert!(text.contains("Some words here."), "{start}");

    // Its first preview is the page the preview would render for that text, shell and all.
    let preview = &start["preview"];
    let first_page = whole_page(preview);
    assert!(first_page.contains("Some words here."), "{first_page}");

    // The core recorded that page as the window's: a keystroke against it sends its edit.
    let generation = &preview["blocks"]["generation"];
    let at = text.find("Some words here.").expect("words") + "Some words".len();
    let typed = call(
        &main,
        "render_preview",
        serde_json::json!({
            "edit": { "base": generation, "start": at, "deleteCount": 0, "insert": " and more" },
            "id": id,
            "shell": preview["shellKey"],
            "base": generation,
        }),
    );
    assert!(typed["shell"].is_null(), "{typed}");
    assert_eq!(
        typed["blocks"]["insert"],
        serde_json::json!(["<p>Some words and more here.</p>\n"]),
        "{typed}"
    );

    // And it is the page the preview renders for that text when asked, shell and all.
    let asked = call(
        &main,
        "render_preview",
        serde_json::json!({ "text": text, "id": id }),
    );
    assert_eq!(first_page, whole_page(&asked));

    // The window reloaded: what the command line asked for is not reopened over the writer's
    // own choice, and nothing else is remembered for this folder.
    let again = call(&main, "window_start", serde_json::json!({}));
    assert!(again["library"]["askedEssay"].is_null(), "{again}");
    assert!(
        again["essay"].is_null() && again["preview"].is_null(),
        "{again}"
    );
}

#[test]
fn errors_cross_as_kind_and_message() {
    let dir = tempfile::tempdir().expect("temp");
    let app = app(dir.path());
    let main = app.get_webview_window("main").expect("main window");
    let err = get_ipc_response(
        &main,
        request("open_essay", serde_json::json!({ "id": 4242 })),
    )
    .expect_err("no such essay");
    assert_eq!(err["kind"], "not-found", "{err}");
    assert!(
        err["message"].as_str().expect("message").contains("4242"),
        "{err}"
    );
}

#[test]
fn nothing_outside_quires_own_commands_is_granted() {
    let dir = tempfile::tempdir().expect("temp");
    let app = app(dir.path());
    let main = app.get_webview_window("main").expect("main window");
    // The opener plugin is loaded (open_external uses it from Rust) but not granted.
    // Nor is the dialog plugin: the folder picker is shown from Rust (`choose_folder`).
    for cmd in [
        "plugin:opener|open_url",
        "plugin:opener|open_path",
        "plugin:opener|reveal_item_in_dir",
        "plugin:dialog|open",
        "plugin:dialog|save",
    ] {
        let result = get_ipc_response(
            &main,
            request(
                cmd,
                serde_json::json!({ "url": "https://example.org", "path": "/etc/passwd" }),
            ),
        );
        let err = result.expect_err("refused");
        assert!(
            err.to_string().contains("not allowed"),
            "{cmd} refused by the capability, not by accident: {err}"
        );
    }
    // Another window (say, one an essay managed to open) gets no command at all.
    let other = tauri::WebviewWindowBuilder::new(&app, "other", Default::default())
        .build()
        .expect("window");
    let result = get_ipc_response(&other, request("library_info", serde_json::json!({})));
    assert!(result.is_err(), "a window without a capability has no IPC");
}

/// The app a writer runs carries no test hook: the capability every build embeds grants no
/// test command, and the canary the end-to-end tests count is not even registered.
#[cfg(not(feature = "e2e"))]
#[test]
fn the_app_grants_and_registers_no_test_command() {
    let capabilities = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("capabilities/main.json"),
    )
    .expect("capabilities/main.json");
    let capability: serde_json::Value =
        serde_json::from_str(&capabilities).expect("capability json");
    let permissions = capability["permissions"].as_array().expect("permissions");
    for permission in permissions {
        let name = permission.as_str().unwrap_or_default();
        assert!(
            !name.contains("e2e") && !name.contains("test"),
            "the release capability grants a test command: {name}"
        );
    }
    let dir = tempfile::tempdir().expect("temp");
    let app = app(dir.path());
    let main = app.get_webview_window("main").expect("main window");
    for cmd in ["e2e_canary", "e2e_canary_count"] {
        let result = get_ipc_response(&main, request(cmd, serde_json::json!({})));
        assert!(
            result.is_err(),
            "{cmd} answered in a build without the e2e feature"
        );
    }
}

/// The UI embedded in the writer's app (ui/dist, `npm run build:ui`) has no test hook: the
/// end-to-end build with `window.__quire` goes to ui/dist-e2e instead.
#[test]
fn the_embedded_ui_exposes_no_test_hook() {
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/dist/assets");
    let mut scripts = 0;
    for entry in std::fs::read_dir(&dist).expect("ui/dist/assets: run npm run build:ui") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "js") {
            scripts += 1;
            let code = std::fs::read_to_string(&path).expect("script");
            assert!(
                !code.contains("__quire"),
                "{} holds the end-to-end test hook",
                path.display()
            );
        }
    }
    assert!(scripts > 0, "no scripts in {}", dist.display());
}

fn call(
    window: &tauri::WebviewWindow<tauri::test::MockRuntime>,
    cmd: &str,
    body: serde_json::Value,
) -> serde_json::Value {
    get_ipc_response(window, request(cmd, body))
        .unwrap_or_else(|e| panic!("{cmd}: {e}"))
        .deserialize()
        .expect("json")
}

#[test]
fn history_lists_revisions_diffs_them_and_restores_one() {
    let dir = tempfile::tempdir().expect("temp");
    let app = app(dir.path());
    let main = app.get_webview_window("main").expect("main window");
    let id = call(&main, "library_info", serde_json::json!({}))["essays"][0]["id"]
        .as_i64()
        .expect("id");
    let original = std::fs::read_to_string(dir.path().join("essays/first.md")).expect("file");
    let edited = original.replace("Some words here.", "Other words entirely.");
    call(
        &main,
        "update_draft",
        serde_json::json!({ "id": id, "text": edited }),
    );
    call(&main, "save_essay", serde_json::json!({ "id": id }));

    let history = call(&main, "essay_history", serde_json::json!({ "id": id }));
    let history = history.as_array().expect("list");
    assert_eq!(history[0]["source"], "save", "newest first: {history:?}");
    let first = history.last().expect("the imported text");
    assert_eq!(first["source"], "import", "{history:?}");

    let diff = call(
        &main,
        "revision_diff",
        serde_json::json!({ "revision": first["id"], "text": edited }),
    );
    let spans = diff.as_array().expect("spans");
    let with = |kind: &str| -> String {
        spans
            .iter()
            .filter(|s| s["kind"] == kind)
            .filter_map(|s| s["text"].as_str())
            .collect()
    };
    assert!(with("removed").contains("Some"), "{diff}");
    assert!(with("added").contains("Other"), "{diff}");

    let restored = call(
        &main,
        "restore_revision",
        serde_json::json!({ "id": id, "revision": first["id"] }),
    );
    assert_eq!(restored["text"], original.as_str());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("essays/first.md")).expect("file"),
        original
    );
    let history = call(&main, "essay_history", serde_json::json!({ "id": id }));
    assert_eq!(history[0]["source"], "restore", "{history}");
}

#[test]
fn checks_read_the_editors_text_for_the_open_essay() {
    let dir = tempfile::tempdir().expect("temp");
    let app = app(dir.path());
    let main = app.get_webview_window("main").expect("main window");
    let id = call(&main, "library_info", serde_json::json!({}))["essays"][0]["id"]
        .as_i64()
        .expect("id");
    let untitled = "---\ndate: 2020-01-01\nstatus: published\n---\n\nWords.\n";
    let report = call(
        &main,
        "check_essays",
        serde_json::json!({ "id": id, "text": untitled }),
    );
    let problem = report["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .find(|p| {
            p["message"]
                .as_str()
                .is_some_and(|m| m.contains("missing title"))
        })
        .unwrap_or_else(|| panic!("the unsaved text's missing title is found: {report}"));
    assert_eq!(problem["path"], "first.md");
    assert_eq!(problem["essayId"], id);
    assert_eq!(problem["level"], "error");

    let report = call(&main, "check_essays", serde_json::json!({}));
    assert!(
        !report.to_string().contains("missing title"),
        "the file itself has a title: {report}"
    );
}

#[test]
fn an_image_arrives_as_raw_bytes_and_lands_beside_the_essay() {
    let dir = tempfile::tempdir().expect("temp");
    let app = app(dir.path());
    let main = app.get_webview_window("main").expect("main window");
    let id = call(&main, "library_info", serde_json::json!({}))["essays"][0]["id"]
        .as_i64()
        .expect("id");
    let png = b"\x89PNG\r\n\x1a\nnot really a picture".to_vec();
    let mut headers = tauri::http::HeaderMap::new();
    headers.insert("x-essay-id", id.to_string().parse().expect("header"));
    headers.insert("x-file-name", "Sea%20view.PNG".parse().expect("header"));
    let mut req = request("add_image", serde_json::json!({}));
    req.body = InvokeBody::Raw(png.clone());
    req.headers = headers;
    let added: serde_json::Value = get_ipc_response(&main, req)
        .expect("add_image")
        .deserialize()
        .expect("json");
    assert_eq!(added["link"], "assets/sea-view.png", "{added}");
    assert_eq!(
        std::fs::read(dir.path().join("essays/assets/sea-view.png")).expect("image"),
        png
    );
}

#[test]
fn only_the_last_export_folder_may_be_shown() {
    let dir = tempfile::tempdir().expect("temp");
    let app = app(dir.path());
    let main = app.get_webview_window("main").expect("main window");
    let err = get_ipc_response(
        &main,
        request("show_folder", serde_json::json!({ "path": "/etc" })),
    )
    .expect_err("refused");
    assert_eq!(err["kind"], "invalid", "{err}");
}

#[test]
fn another_folder_can_be_opened_in_the_window() {
    let dir = tempfile::tempdir().expect("temp");
    let app = app(dir.path());
    let main = app.get_webview_window("main").expect("main window");
    let other = dir.path().join("other");
    std::fs::create_dir_all(&other).expect("folder");
    std::fs::write(other.join("second.md"), "---\ntitle: Second\n---\nHi.\n").expect("essay");
    let info = call(
        &main,
        "open_library",
        serde_json::json!({ "path": other.display().to_string() }),
    );
    assert_eq!(info["name"], "other");
    let titles: Vec<_> = info["essays"]
        .as_array()
        .expect("essays")
        .iter()
        .map(|e| e["title"].clone())
        .collect();
    assert_eq!(titles, vec![serde_json::json!("Second")]);
    let listed = call(&main, "list_essays", serde_json::json!({}));
    assert_eq!(
        listed[0]["title"], "Second",
        "later calls see the new folder"
    );

    let err = get_ipc_response(
        &main,
        request(
            "open_library",
            serde_json::json!({ "path": "/no/such/folder" }),
        ),
    )
    .expect_err("refused");
    assert!(
        err["message"]
            .as_str()
            .expect("message")
            .contains("not a folder"),
        "{err}"
    );
}

#[test]
fn the_publish_dialog_sees_the_essay_and_its_targets_without_any_server() {
    let dir = tempfile::tempdir().expect("temp");
    let app = app(dir.path());
    let main = app.get_webview_window("main").expect("main window");
    let info = call(&main, "library_info", serde_json::json!({}));
    let id = info["essays"][0]["id"].as_i64().expect("id");

    // A published essay dated in the past goes out as published; it is nowhere yet.
    let plan = call(&main, "publish_plan", serde_json::json!({ "id": id }));
    assert_eq!(plan["title"], "First", "{plan}");
    assert_eq!(plan["status"], "publish", "{plan}");
    assert_eq!(plan["draftEssay"], false, "{plan}");
    assert_eq!(plan["publications"], serde_json::json!([]), "{plan}");
    assert_eq!(
        call(&main, "publish_targets", serde_json::json!({})),
        serde_json::json!([])
    );

    // Settings the core refuses never reach the keyring or the store.
    let err = get_ipc_response(
        &main,
        request(
            "add_publish_target",
            serde_json::json!({ "target": {
                "name": "blog", "kind": "myspace", "url": "https://example.org",
                "user": null, "branch": null, "secret": "s3cret"
            }}),
        ),
    )
    .expect_err("refused");
    assert_eq!(err["kind"], "invalid", "{err}");
    assert!(
        err["message"]
            .as_str()
            .expect("message")
            .contains("myspace"),
        "{err}"
    );
    assert_eq!(
        call(&main, "publish_targets", serde_json::json!({})),
        serde_json::json!([])
    );

    // Publishing to a target that does not exist says so and records nothing.
    let err = get_ipc_response(
        &main,
        request(
            "publish_essay",
            serde_json::json!({
                "request": { "id": id, "target": "nowhere", "draft": false, "onDrift": "ask", "anew": false },
                "onProgress": "__CHANNEL__:1",
            }),
        ),
    )
    .expect_err("refused");
    assert_eq!(err["kind"], "not-found", "{err}");
    assert!(
        err["message"]
            .as_str()
            .expect("message")
            .contains("nowhere"),
        "{err}"
    );
}
