//! The commands the UI calls: thin, async adapters over the core. Each runs its work on a
//! blocking thread (the core does file and SQLite I/O) and returns `{kind, message}` errors.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use serde::Serialize;
use tauri::{AppHandle, Runtime, State};

use quire::essay::Essay;
use quire::library::watch::WatchMode;
use quire::library::{Change, EssayId, Library, OpenedEssay};
use quire::markdown::{render_essay, Heading, RenderOptions};
use quire::store::SearchFilter;

use crate::assets;
use crate::error::UiError;
use crate::state::{AppState, Opened};

pub(crate) type Result<T> = std::result::Result<T, UiError>;

/// Runs core work off the async runtime's threads.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| UiError::new("internal", format!("the work stopped unexpectedly: {e}")))?
}

/// One row of the library list.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EssaySummary {
    id: EssayId,
    path: Option<String>,
    title: String,
    date: Option<String>,
    status: String,
    tags: Vec<String>,
    words: i64,
    problem: Option<String>,
    unsaved: bool,
}

pub(crate) fn summaries(library: &Library) -> Result<Vec<EssaySummary>> {
    let unsaved = library.unsaved()?;
    Ok(library
        .essays()?
        .into_iter()
        .map(|row| EssaySummary {
            unsaved: unsaved.contains(&row.id),
            id: row.id,
            path: row.path,
            title: row.title,
            date: row.date,
            status: row.status,
            tags: row.tags,
            words: row.words,
            problem: row.problem,
        })
        .collect())
}

/// The open folder, for the window's first paint.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LibraryInfo {
    root: String,
    name: String,
    essays: Vec<EssaySummary>,
    watching: String,
    warning: Option<String>,
}

#[tauri::command]
pub async fn library_info(state: State<'_, AppState>) -> Result<LibraryInfo> {
    let opened = state.current();
    blocking(move || info(&opened)).await
}

/// What the window shows of an open folder.
pub(crate) fn info(opened: &Opened) -> Result<LibraryInfo> {
    let library = &opened.library;
    let (watching, warning) = match &opened.watch_mode {
        WatchMode::Events => ("events".to_string(), None),
        WatchMode::Polling(reason) => ("polling".to_string(), Some(reason.clone())),
    };
    let root = library.folder().root.clone();
    let name = library.folder().canonical_root.file_name().map_or_else(
        || root.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    Ok(LibraryInfo {
        root: root.display().to_string(),
        name,
        essays: summaries(library)?,
        watching,
        warning,
    })
}

#[tauri::command]
pub async fn list_essays(state: State<'_, AppState>) -> Result<Vec<EssaySummary>> {
    let library = state.current().library.clone();
    blocking(move || summaries(&library)).await
}

/// A search result; the hits in `snippet` are between U+0002 and U+0003.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    essay_id: EssayId,
    path: Option<String>,
    title: String,
    status: String,
    snippet: String,
}

#[tauri::command]
pub async fn search_essays(
    state: State<'_, AppState>,
    query: String,
    status: Option<String>,
    tag: Option<String>,
) -> Result<Vec<SearchHit>> {
    let library = state.current().library.clone();
    blocking(move || {
        let filter = SearchFilter {
            status,
            tag,
            limit: Some(50),
        };
        let hits = library.search(&query, &filter, ("\u{2}", "\u{3}"))?;
        Ok(hits
            .into_iter()
            .map(|h| SearchHit {
                essay_id: h.essay_id,
                path: h.path,
                title: h.title,
                status: h.status,
                snippet: h.snippet,
            })
            .collect())
    })
    .await
}

#[tauri::command]
pub async fn open_essay(state: State<'_, AppState>, id: EssayId) -> Result<OpenedEssay> {
    let library = state.current().library.clone();
    blocking(move || Ok(library.open_essay(id)?)).await
}

#[tauri::command]
pub async fn update_draft(state: State<'_, AppState>, id: EssayId, text: String) -> Result<()> {
    let library = state.current().library.clone();
    blocking(move || Ok(library.update_draft(id, &text)?)).await
}

#[tauri::command]
pub async fn save_essay(state: State<'_, AppState>, id: EssayId) -> Result<Change> {
    let library = state.current().library.clone();
    blocking(move || Ok(library.save(id)?)).await
}

#[tauri::command]
pub async fn create_essay(state: State<'_, AppState>, title: String) -> Result<OpenedEssay> {
    let library = state.current().library.clone();
    blocking(move || {
        if title.trim().is_empty() {
            return Err(UiError::new("invalid", "give the essay a title"));
        }
        let id = library.create(&title)?;
        Ok(library.open_essay(id)?)
    })
    .await
}

#[tauri::command]
pub async fn rename_essay(state: State<'_, AppState>, id: EssayId, name: String) -> Result<Change> {
    let library = state.current().library.clone();
    blocking(move || {
        let name = if quire::library::is_essay_name(Path::new(&name)) {
            name
        } else {
            format!("{name}.md")
        };
        Ok(library.rename(id, &name)?)
    })
    .await
}

#[tauri::command]
pub async fn delete_essay(state: State<'_, AppState>, id: EssayId) -> Result<Change> {
    let library = state.current().library.clone();
    blocking(move || Ok(library.delete(id)?)).await
}

/// What the preview shows: a whole page for the sandboxed frame, and facts for the status bar.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    page: String,
    outline: Vec<Heading>,
    /// The 1-based source line of each top-level block of the body, in order: the preview maps
    /// its blocks to editor lines by position, so the page stays byte for byte the export's.
    source_map: Vec<usize>,
    words: usize,
    reading_minutes: usize,
    error: Option<String>,
}

/// Renders the editor's text with the export's own pipeline, template and CSS. `id` places
/// the essay in its folder so that relative images resolve.
#[tauri::command]
pub async fn render_preview(
    state: State<'_, AppState>,
    text: String,
    id: Option<EssayId>,
) -> Result<Preview> {
    let library = state.current().library.clone();
    let key = match id {
        Some(id) => {
            blocking({
                let library = library.clone();
                move || {
                    Ok(library
                        .essays()?
                        .into_iter()
                        .find(|r| r.id == id)
                        .and_then(|r| r.path))
                }
            })
            .await?
        }
        None => None,
    };
    let opened = state.current();
    let page_for = |essay: &Essay, rendered: &quire::markdown::Rendered| {
        opened.exporter.page_html(essay, rendered, "", true)
    };
    let path = PathBuf::from(key.unwrap_or_else(|| "untitled.md".into()));
    let rendered = tauri::async_runtime::spawn_blocking(move || {
        let essay = Essay::from_source(&path, text)?;
        let rendered = render_essay(
            &essay,
            &RenderOptions::essay(),
            &assets::PreviewUrls { essay: &path },
        )?;
        Ok::<_, quire::Error>((essay, rendered))
    })
    .await
    .map_err(|e| UiError::new("internal", format!("the preview stopped unexpectedly: {e}")))?;
    match rendered {
        Ok((essay, rendered)) => {
            // A srcdoc document resolves URLs against the app's page, so `#notes` would load the
            // app into the frame; with this base, `#` links scroll the preview itself.
            let page = page_for(&essay, &rendered)?.replacen(
                "<head>",
                "<head>\n<base href=\"about:srcdoc\">",
                1,
            );
            Ok(Preview {
                page,
                outline: rendered.outline,
                source_map: rendered.source_map,
                words: rendered.words,
                reading_minutes: rendered.reading_minutes,
                error: None,
            })
        }
        Err(error) => Ok(Preview {
            page: String::new(),
            outline: Vec::new(),
            source_map: Vec::new(),
            words: 0,
            reading_minutes: 0,
            error: Some(error.to_string()),
        }),
    }
}

/// Opens a web or mail link in the writer's browser. The UI calls it only after the writer
/// confirmed; the scheme is checked again here.
#[tauri::command]
pub async fn open_external<R: Runtime>(app: AppHandle<R>, url: String) -> Result<()> {
    let parsed = tauri::Url::parse(&url)
        .map_err(|_| UiError::new("invalid", format!("`{url}` is not a link")))?;
    if !matches!(parsed.scheme(), "http" | "https" | "mailto") {
        return Err(UiError::new(
            "invalid",
            format!(
                "Quire opens only web and mail links, not `{}:`",
                parsed.scheme()
            ),
        ));
    }
    use tauri_plugin_opener::OpenerExt;
    app.opener()
        .open_url(parsed.as_str(), None::<&str>)
        .map_err(|e| UiError::new("io", format!("could not open {url}: {e}")))
}

/// Closes the window after the UI has autosaved its drafts (see `flush-drafts`).
#[tauri::command]
pub fn close_window<R: Runtime>(window: tauri::Window<R>) -> Result<()> {
    window
        .destroy()
        .map_err(|e| UiError::new("internal", format!("could not close the window: {e}")))
}

/// A canary for end-to-end tests: essay content must never be able to call any command, so
/// the tests check that this was never called while hostile essays were previewed.
#[tauri::command]
pub fn e2e_canary(state: State<'_, AppState>) {
    state.canary.fetch_add(1, Ordering::SeqCst);
}

/// How often [`e2e_canary`] was called.
#[tauri::command]
pub fn e2e_canary_count(state: State<'_, AppState>) -> usize {
    state.canary.load(Ordering::SeqCst)
}
