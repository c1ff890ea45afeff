//! Hooks for the end-to-end tests, compiled only with the `e2e` feature (scripts/e2e.sh turns
//! it on; the app a writer runs has none of this). The canary is a command that essay content
//! must never be able to reach: the hostile-essay test previews scripts that try to call it
//! through the app's IPC bridge, then asks how often it was called.

use std::sync::atomic::{AtomicUsize, Ordering};

use tauri::{Manager, Runtime, State};

/// Calls of [`e2e_canary`] since the app started.
#[derive(Default)]
pub struct Canary(AtomicUsize);

/// Counts a call; the tests expect none from essay content.
#[tauri::command]
pub fn e2e_canary(canary: State<'_, Canary>) {
    canary.0.fetch_add(1, Ordering::SeqCst);
}

/// How often [`e2e_canary`] was called.
#[tauri::command]
pub fn e2e_canary_count(canary: State<'_, Canary>) -> usize {
    canary.0.load(Ordering::SeqCst)
}

/// The canary's state, and its grant to the main window (kept out of `capabilities/`, which
/// every build embeds).
pub fn install<R: Runtime>(app: &tauri::App<R>) -> tauri::Result<()> {
    app.manage(Canary::default());
    app.add_capability(include_str!("../e2e/capability.json"))
}

/// Dispatches the canary's commands to their handler and everything else to the app's.
pub fn with_canary<R: Runtime>(
    app: impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static,
) -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
    let canary = handler::<R, _>(tauri::generate_handler![e2e_canary, e2e_canary_count]);
    move |invoke| match invoke.message.command() {
        "e2e_canary" | "e2e_canary_count" => canary(invoke),
        _ => app(invoke),
    }
}

/// Gives a handler closure its argument type (the macro's closure has none of its own).
fn handler<R: Runtime, F: Fn(tauri::ipc::Invoke<R>) -> bool>(f: F) -> F {
    f
}
