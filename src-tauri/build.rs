//! Builds the Tauri context from the root `tauri.conf.json` and declares every app command in
//! an app manifest, so that each one must be granted to a window by a capability: without the
//! manifest every command would be callable from any webview.

/// The commands the UI may call; each gets `allow-…`/`deny-…` permissions.
const COMMANDS: &[&str] = &[
    "library_info",
    "list_essays",
    "search_essays",
    "open_essay",
    "update_draft",
    "save_essay",
    "create_essay",
    "rename_essay",
    "delete_essay",
    "render_preview",
    "open_external",
    "close_window",
    "e2e_canary",
    "e2e_canary_count",
    "essay_history",
    "revision_diff",
    "restore_revision",
    "essay_conflict",
    "resolve_conflict",
    "check_essays",
    "export_essays",
    "export_folder",
    "choose_folder",
    "show_folder",
    "add_image",
    "open_library",
    "load_ui_state",
    "save_ui_state",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .config_path("../tauri.conf.json")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run tauri-build");
}
