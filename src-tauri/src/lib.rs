//! `quire-desktop`: the Tauri shell. It decides nothing about essays: each command in
//! [`commands`] parses its arguments, calls one function of the `quire` core on a blocking
//! thread, and maps the error to [`UiError`] (`{kind, message}`). The library's changes
//! (outside edits, saves) are forwarded to the window as `library-change` events.
//!
//! Security (essays are untrusted): the window may call only the commands granted in
//! `capabilities/main.json` (declared in `build.rs`'s app manifest); it never navigates away
//! from the app (links clicked in the preview become an `open-external-request` the UI must
//! confirm); new windows are refused; preview images come through the `quire-asset` protocol
//! ([`assets`]), which serves only image files inside the essays folder.

pub mod assets;
pub mod commands;
pub mod error;
#[cfg(test)]
mod ipc_types;
pub mod panels;
pub mod publishing;
pub mod state;
#[cfg(feature = "e2e")]
pub mod testing;

use tauri::webview::{NewWindowResponse, WebviewWindowBuilder};
use tauri::{App, Emitter, Manager, Runtime, Url, WebviewUrl};

pub use error::UiError;
pub use state::{AppState, Startup};

/// Starts the app on the folder chosen from the command line, `QUIRE_ESSAYS`, the last folder,
/// `./essays`, or `~/Essays`.
pub fn run() {
    let startup = match Startup::from_env() {
        Ok(startup) => startup,
        Err(message) => {
            eprintln!("quire-desktop: {message}");
            std::process::exit(2);
        }
    };
    let context = tauri::generate_context!("../tauri.conf.json");
    let app = build(tauri::Builder::default(), startup).build(context);
    match app {
        Ok(app) => app.run(|_, _| {}),
        Err(error) => {
            eprintln!("quire-desktop: could not start: {error}");
            std::process::exit(1);
        }
    }
}

/// The app minus its context and runtime, so that tests can build it on the mock runtime.
pub fn build<R: Runtime>(builder: tauri::Builder<R>, startup: Startup) -> tauri::Builder<R> {
    builder
        // Registered for `open_external`'s Rust side only: no opener permission is granted to
        // the window, so the UI cannot open anything by itself.
        .plugin(tauri_plugin_opener::init())
        // The folder picker is called from Rust (`choose_folder`); the window is granted no
        // dialog permission of its own.
        .plugin(tauri_plugin_dialog::init())
        .register_asynchronous_uri_scheme_protocol(assets::SCHEME, |ctx, request, responder| {
            let state = ctx.app_handle().state::<AppState>();
            let root = state.current().library.folder().canonical_root.clone();
            std::thread::spawn(move || responder.respond(assets::respond(&root, &request)));
        })
        .invoke_handler(with_test_hooks(tauri::generate_handler![
            commands::window_start,
            commands::library_info,
            commands::library_reading,
            commands::list_essays,
            commands::search_essays,
            commands::open_essay,
            commands::update_draft,
            commands::save_essay,
            commands::create_essay,
            commands::rename_essay,
            commands::delete_essay,
            commands::render_preview,
            commands::open_external,
            commands::close_window,
            commands::about,
            panels::essay_history,
            panels::revision_diff,
            panels::restore_revision,
            panels::essay_conflict,
            panels::resolve_conflict,
            panels::check_essays,
            panels::export_essays,
            panels::export_folder,
            panels::choose_folder,
            panels::show_folder,
            panels::add_image,
            panels::open_library,
            panels::load_ui_state,
            panels::save_ui_state,
            publishing::publish_targets,
            publishing::add_publish_target,
            publishing::remove_publish_target,
            publishing::publish_plan,
            publishing::publish_essay,
            publishing::cancel_publish,
        ]))
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                hold_close_for_drafts(window, api);
            }
        })
        .setup(move |app| setup(app, startup))
}

/// Closing the window first asks the UI to autosave every draft; the UI then calls
/// `close_window`. If it does not answer within two seconds the window closes anyway.
fn hold_close_for_drafts<R: Runtime>(window: &tauri::Window<R>, api: &tauri::CloseRequestApi) {
    let state = window.state::<AppState>();
    if state
        .closing
        .swap(true, std::sync::atomic::Ordering::SeqCst)
    {
        return;
    }
    api.prevent_close();
    let _ = window.emit_to("main", "flush-drafts", ());
    let window = window.clone();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(2));
        let _ = window.destroy();
    });
}

/// The app's commands, plus the end-to-end tests' canary in `e2e` builds.
fn with_test_hooks<R: Runtime>(
    app: impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static,
) -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
    #[cfg(feature = "e2e")]
    return testing::with_canary(app);
    #[cfg(not(feature = "e2e"))]
    app
}

fn setup<R: Runtime>(app: &mut App<R>, startup: Startup) -> Result<(), Box<dyn std::error::Error>> {
    #[cfg(feature = "e2e")]
    testing::install(app)?;
    // The store is opened on a thread of its own while GTK builds the window and WebKit starts
    // its processes: the page cannot ask for anything before this function has returned (its
    // requests are served by the event loop that runs after it), so the state is in place by
    // then. Nothing is read from the folder first, whatever its size (`Opened::open_first`).
    let opening = std::thread::Builder::new()
        .name("quire-open".into())
        .spawn(move || AppState::open(&startup))?;
    main_window(app)?;
    let state = opening
        .join()
        .map_err(|_| "opening the essays folder failed unexpectedly")??;
    let opened = state.current();
    app.manage(state);
    app.manage(publishing::Publishing::default());
    forward_changes(app.handle(), &opened)?;
    Ok(())
}

fn main_window<R: Runtime>(app: &mut App<R>) -> tauri::Result<()> {
    let handle = app.handle().clone();
    let (width, height) = saved_window_size().unwrap_or((1280.0, 800.0));
    let window = WebviewWindowBuilder::new(app, "main", WebviewUrl::default())
        .title("Quire")
        .inner_size(width, height)
        .min_inner_size(720.0, 480.0)
        .on_navigation(move |url| allow_navigation(&handle, url))
        .on_new_window(|_url, _features| NewWindowResponse::Deny)
        // Files dropped on the window reach the page as ordinary drop events, so an image
        // dropped on the editor is added to the essay (Tauri's own handler would swallow it).
        .disable_drag_drop_handler()
        .build()?;
    paint_without_compositing(&window)
}

/// Has WebKit paint the window without accelerated compositing. A page of text gains nothing
/// from GPU layers, and where GL is done in software (virtual machines, remote desktops, this
/// project's own test machines) the layers cost a lot: measured under Xvfb with WebKitGTK 2.50,
/// the web process took ~250 MiB instead of ~136, and a keystroke in a 100 KB essay reached the
/// painted preview in 48 ms (p95) instead of 16.
fn paint_without_compositing<R: Runtime>(window: &tauri::WebviewWindow<R>) -> tauri::Result<()> {
    window.with_webview(|webview| {
        #[cfg(target_os = "linux")]
        {
            use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
            if let Some(settings) = WebViewExt::settings(&webview.inner()) {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
        }
        #[cfg(not(target_os = "linux"))]
        let _ = webview;
    })
}

/// Sends the library's changes (outside edits, saves) to the window as `library-change`
/// events, and how the watcher takes outside edits in as `watch-health` events (polling, or a
/// locked store, shows in the window's footer), for as long as this folder is the open one.
pub(crate) fn forward_changes<R: Runtime>(
    handle: &tauri::AppHandle<R>,
    opened: &state::Opened,
) -> std::io::Result<()> {
    let generation = opened.generation;
    let library = opened.library.clone();
    let changes = opened.library.subscribe().into_iter();
    forward(
        handle,
        generation,
        "quire-events",
        "library-change",
        changes.map(move |change| commands::ListedChange::of(&library, change)),
    )?;
    let library = opened.library.clone();
    let health = opened.watcher.health().into_iter();
    forward(
        handle,
        generation,
        "quire-watch-health",
        "watch-health",
        health.map(move |news| commands::WatchNews::of(&library, news)),
    )
}

/// Emits each of `news` to the window as `event`, on a thread of its own, until the folder of
/// `generation` is no longer the open one.
fn forward<R: Runtime, T: serde::Serialize + Clone + Send + 'static>(
    handle: &tauri::AppHandle<R>,
    generation: u64,
    thread: &str,
    event: &'static str,
    news: impl IntoIterator<Item = T> + Send + 'static,
) -> std::io::Result<()> {
    let handle = handle.clone();
    std::thread::Builder::new()
        .name(thread.into())
        .spawn(move || {
            for item in news {
                if handle.state::<AppState>().current().generation != generation {
                    break;
                }
                let _ = handle.emit_to("main", event, &item);
            }
        })?;
    Ok(())
}

/// The window size saved by the UI at its last close, if it is a sane one.
fn saved_window_size() -> Option<(f64, f64)> {
    let saved = state::load_ui_state();
    let window = saved.get("window")?;
    let width = window.get("width")?.as_f64()?;
    let height = window.get("height")?.as_f64()?;
    let sane = |v: f64, min: f64| v.is_finite() && (min..=10_000.0).contains(&v);
    (sane(width, 720.0) && sane(height, 480.0)).then_some((width, height))
}

/// The app's own pages and the preview's srcdoc may load; everything else is refused, and a
/// web or mail link becomes a request the writer confirms before it opens in their browser.
fn allow_navigation<R: Runtime>(handle: &tauri::AppHandle<R>, url: &Url) -> bool {
    if is_app_url(url) {
        return true;
    }
    if matches!(url.scheme(), "http" | "https" | "mailto") {
        let _ = handle.emit_to(
            "main",
            "open-external-request",
            serde_json::json!({ "url": url.as_str() }),
        );
    }
    false
}

/// Where the window's own content comes from: the embedded UI (`tauri://localhost`, or
/// `http://tauri.localhost` on Windows), the dev server in debug builds, and `about:srcdoc` /
/// `about:blank` for the preview frames.
pub fn is_app_url(url: &Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        "about" => matches!(url.path(), "srcdoc" | "blank"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_app_and_preview_documents_may_load_in_the_window() {
        for ok in [
            "tauri://localhost/",
            "tauri://localhost/index.html",
            "about:srcdoc",
            "about:srcdoc#intro",
            "about:blank",
        ] {
            assert!(is_app_url(&Url::parse(ok).unwrap()), "{ok}");
        }
        for refused in [
            "https://example.org/",
            "http://localhost:1420/",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "quire-asset://localhost/a.png",
            "tauri://evil.example/",
            "data:text/html,<script>alert(1)</script>",
        ] {
            assert!(!is_app_url(&Url::parse(refused).unwrap()), "{refused}");
        }
    }
}
