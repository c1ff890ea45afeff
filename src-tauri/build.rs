//! Builds the Tauri context from the root `tauri.conf.json` and declares every app command in
//! an app manifest, so that each one must be granted to a window by a capability: without the
//! manifest every command would be callable from any webview.

/// The commands the UI may call; each gets `allow-…`/`deny-…` permissions.
const COMMANDS: &[&str] = &[
    "window_start",
    "library_info",
    "library_reading",
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
    "about",
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
    "publish_targets",
    "add_publish_target",
    "remove_publish_target",
    "publish_plan",
    "publish_essay",
    "cancel_publish",
];

/// Declared only in end-to-end test builds (feature `e2e`; see `src/testing.rs`).
const TEST_COMMANDS: &[&str] = &["e2e_canary", "e2e_canary_count"];

fn main() {
    let mut commands = COMMANDS.to_vec();
    if std::env::var_os("CARGO_FEATURE_E2E").is_some() {
        commands.extend_from_slice(TEST_COMMANDS);
    }
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .config_path("../tauri.conf.json")
            // The manifest wants 'static names; a build script ends right after.
            .app_manifest(tauri_build::AppManifest::new().commands(commands.leak())),
    )
    .expect("failed to run tauri-build");
}
