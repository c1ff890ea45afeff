//! Commands behind the panels around the editor: history (revisions, word diffs, restore),
//! conflicts (hunks, resolution), pre-publish checks, export (progress on a [`Channel`]),
//! images pasted or dropped into an essay, opening another folder, and the window's saved
//! settings. Like [`crate::commands`], each is a thin adapter over one part of the core.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tauri::ipc::{Channel, InvokeBody, Request};
use tauri::{AppHandle, Runtime, State};

use quire::check::check_folder_with;
use quire::export::SiteOptions;
use quire::library::diff::{word_diff, Span};
use quire::library::images::AddedImage;
use quire::library::merge::{Choice, Hunk};
use quire::library::{EssayId, OpenedEssay};
use quire::problem::Problem;
use quire::store::Source;

use crate::commands::{blocking, info, remembered, LibraryInfo, Result};
use crate::error::UiError;
use crate::state::{self, AppState};
use quire::ErrorKind;

/// One revision in the history panel.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "RevisionInfo"))]
#[serde(rename_all = "camelCase")]
pub struct RevisionView {
    id: i64,
    /// Unix milliseconds.
    at: i64,
    /// Where the revision came from.
    source: Source,
    path: Option<String>,
    words_added: i64,
    words_removed: i64,
}

#[tauri::command]
pub async fn essay_history(state: State<'_, AppState>, id: EssayId) -> Result<Vec<RevisionView>> {
    let library = state.current().library.clone();
    blocking(move || {
        Ok(library
            .history(id)?
            .into_iter()
            .map(|r| RevisionView {
                id: r.id,
                at: r.at,
                source: r.source,
                path: r.path,
                words_added: r.words_added,
                words_removed: r.words_removed,
            })
            .collect())
    })
    .await
}

/// The words that differ between a revision (old) and `text` (the editor's text now).
#[tauri::command]
pub async fn revision_diff(
    state: State<'_, AppState>,
    revision: i64,
    text: String,
) -> Result<Vec<Span>> {
    let library = state.current().library.clone();
    blocking(move || {
        let old = library.revision_text(revision)?;
        let old = String::from_utf8(old).map_err(|_| {
            UiError::new(
                ErrorKind::Invalid,
                "this revision is not valid UTF-8 text, so it can't be compared",
            )
        })?;
        Ok(word_diff(&old, &text))
    })
    .await
}

/// Brings a revision back (written to the file, recorded as a new revision) and returns the
/// essay as the editor should now show it.
#[tauri::command]
pub async fn restore_revision(
    state: State<'_, AppState>,
    id: EssayId,
    revision: i64,
) -> Result<OpenedEssay> {
    let library = state.current().library.clone();
    blocking(move || {
        library.restore(id, revision)?;
        Ok(library.open_essay(id)?)
    })
    .await
}

/// One piece of a conflict, as the conflict view shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "ConflictHunk"))]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum HunkView {
    /// Text both sides agree on.
    Clean { text: String },
    /// A region both changed: the writer picks.
    Conflict {
        base: String,
        mine: String,
        theirs: String,
        /// What "keep both" writes here (the core's rule), so the view shows the true result.
        both: String,
    },
}

/// The conflict between the writer's draft and the file changed outside Quire, or null.
#[tauri::command]
pub async fn essay_conflict(
    state: State<'_, AppState>,
    id: EssayId,
) -> Result<Option<Vec<HunkView>>> {
    let library = state.current().library.clone();
    blocking(move || {
        Ok(library.conflict(id)?.map(|merge| {
            let mut both = merge.both_texts().into_iter();
            merge
                .hunks
                .into_iter()
                .map(|hunk| match hunk {
                    Hunk::Clean(text) => HunkView::Clean { text },
                    Hunk::Conflict { base, mine, theirs } => HunkView::Conflict {
                        base,
                        mine,
                        theirs,
                        both: both.next().unwrap_or_default(),
                    },
                })
                .collect()
        }))
    })
    .await
}

/// The writer's pick for one conflicting hunk.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "ConflictChoice"))]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ChoiceView {
    Mine,
    Theirs,
    Both,
    Edited { text: String },
}

/// Resolves the conflict with one choice per conflicting hunk and writes the result to the
/// file. Both original texts were kept as revisions when the conflict arose.
#[tauri::command]
pub async fn resolve_conflict(
    state: State<'_, AppState>,
    id: EssayId,
    choices: Vec<ChoiceView>,
) -> Result<OpenedEssay> {
    let library = state.current().library.clone();
    blocking(move || {
        let choices: Vec<Choice> = choices
            .into_iter()
            .map(|c| match c {
                ChoiceView::Mine => Choice::Mine,
                ChoiceView::Theirs => Choice::Theirs,
                ChoiceView::Both => Choice::Both,
                ChoiceView::Edited { text } => Choice::Edited(text),
            })
            .collect();
        Ok(library.resolve_and_save(id, &choices)?)
    })
    .await
}

/// A check finding or an export failure, for the panels.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "ProblemInfo"))]
#[serde(rename_all = "camelCase")]
pub struct ProblemView {
    /// The file, relative to the essays folder where it is inside it.
    path: String,
    /// The essay, when the file is one the library knows.
    essay_id: Option<EssayId>,
    line: usize,
    #[cfg_attr(test, ts(type = "\"error\" | \"warning\""))]
    level: String,
    message: String,
}

pub(crate) fn problem_views(
    root: &Path,
    known: &HashMap<String, EssayId>,
    problems: Vec<Problem>,
) -> Vec<ProblemView> {
    problems
        .into_iter()
        .map(|p| {
            let path = p
                .path
                .strip_prefix(root)
                .unwrap_or(&p.path)
                .to_string_lossy()
                .into_owned();
            ProblemView {
                essay_id: known.get(&path).copied(),
                path,
                line: p.line,
                level: p.level.to_string(),
                message: p.message,
            }
        })
        .collect()
}

pub(crate) fn known_paths(library: &quire::library::Library) -> Result<HashMap<String, EssayId>> {
    Ok(library
        .essays()?
        .into_iter()
        .filter_map(|row| Some((row.path?, row.id)))
        .collect())
}

/// What the check panel shows.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "CheckResult"))]
#[serde(rename_all = "camelCase")]
pub struct CheckView {
    essays: usize,
    problems: Vec<ProblemView>,
}

/// Pre-publish checks of the whole folder, with the open essay's text (`id`, `text`) taken
/// from the editor rather than its file, so the panel follows the writer's edits.
#[tauri::command]
pub async fn check_essays(
    state: State<'_, AppState>,
    id: Option<EssayId>,
    text: Option<String>,
) -> Result<CheckView> {
    let library = state.current().library.clone();
    blocking(move || {
        let root = library.folder().root.clone();
        let known = known_paths(&library)?;
        let mut drafts = HashMap::new();
        if let (Some(id), Some(text)) = (id, text) {
            if let Some(path) = library.essay(id).ok().and_then(|row| row.path) {
                drafts.insert(PathBuf::from(path), text);
            }
        }
        let report = check_folder_with(&root, &drafts)?;
        Ok(CheckView {
            essays: report.essays,
            problems: problem_views(&root, &known, report.problems),
        })
    })
    .await
}

/// What an export makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum ExportKind {
    /// One essay's page and its images, in a folder.
    Post,
    /// One self-contained `.html` file with styles and images inside.
    Standalone,
    /// One essay as a PDF, printed as the preview lays it out.
    Pdf,
    /// One essay as a Word document.
    Docx,
    /// One essay as an EPUB book.
    Epub,
    /// Every published essay, the index, tag pages and the feed.
    Site,
    /// Every published essay as one EPUB book.
    Book,
}

/// What to export.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ExportRequest {
    /// What the export makes.
    kind: ExportKind,
    /// The essay, for every kind but `site` and `book`.
    id: Option<EssayId>,
    /// The output folder; the folder's default (`quire.toml`'s `out`, else `public/`) if unset.
    out: Option<String>,
    /// Include drafts in a site or a book.
    #[serde(default)]
    drafts: bool,
}

/// Export progress: `done` of `total` essays.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ExportProgress {
    done: usize,
    total: usize,
}

/// What an export did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ExportOutcome {
    out: String,
    /// Files written, absolute.
    written: Vec<String>,
    /// Files left as they were (already up to date).
    unchanged: usize,
    failed: Vec<ProblemView>,
    warnings: Vec<ProblemView>,
}

/// The folder an export goes to unless the writer picks another.
#[tauri::command]
pub fn export_folder(state: State<'_, AppState>) -> String {
    state.current().exporter.default_out().display().to_string()
}

/// Exports one post, one self-contained file, or the whole site. Essays that fail are listed
/// with file, line and reason while the rest export.
#[tauri::command]
pub async fn export_essays(
    state: State<'_, AppState>,
    request: ExportRequest,
    on_progress: Channel<ExportProgress>,
) -> Result<ExportOutcome> {
    let opened = state.current();
    let out_folder = request
        .out
        .as_deref()
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| opened.exporter.default_out());
    if !out_folder.is_absolute() {
        return Err(UiError::new(
            ErrorKind::Invalid,
            format!(
                "pick a whole folder path for the export, not `{}`",
                out_folder.display()
            ),
        ));
    }
    let outcome = blocking({
        let opened = opened.clone();
        let out_folder = out_folder.clone();
        move || {
            let library = &opened.library;
            let root = library.folder().root.clone();
            let known = known_paths(library)?;
            let file_of = |id: Option<EssayId>| -> Result<PathBuf> {
                let id = id.ok_or_else(|| {
                    UiError::new(ErrorKind::Invalid, "open an essay to export it")
                })?;
                let path = library
                    .essay(id)
                    .ok()
                    .and_then(|row| row.path)
                    .ok_or_else(|| {
                        UiError::new(
                            ErrorKind::Invalid,
                            "save the essay to a file before exporting it",
                        )
                    })?;
                Ok(root.join(path))
            };
            let outcome = match request.kind {
                ExportKind::Post => {
                    let _ = on_progress.send(ExportProgress { done: 0, total: 1 });
                    let (written, warnings) =
                        opened.exporter.post(&file_of(request.id)?, &out_folder)?;
                    let _ = on_progress.send(ExportProgress { done: 1, total: 1 });
                    ExportOutcome {
                        out: out_folder.display().to_string(),
                        written: written.iter().map(|p| p.display().to_string()).collect(),
                        unchanged: 0,
                        failed: Vec::new(),
                        warnings: problem_views(&root, &known, warnings),
                    }
                }
                ExportKind::Standalone | ExportKind::Pdf | ExportKind::Docx | ExportKind::Epub => {
                    let file = file_of(request.id)?;
                    let _ = on_progress.send(ExportProgress { done: 0, total: 1 });
                    let exporter = &opened.exporter;
                    let (written, warnings) = match request.kind {
                        ExportKind::Pdf => exporter.pdf(&file, &out_folder)?,
                        ExportKind::Docx => exporter.docx(&file, &out_folder)?,
                        ExportKind::Epub => exporter.epub(&file, &out_folder)?,
                        _ => exporter.standalone(&file, &out_folder)?,
                    };
                    let _ = on_progress.send(ExportProgress { done: 1, total: 1 });
                    ExportOutcome {
                        out: out_folder.display().to_string(),
                        written: vec![written.display().to_string()],
                        unchanged: 0,
                        failed: Vec::new(),
                        warnings: problem_views(&root, &known, warnings),
                    }
                }
                ExportKind::Site | ExportKind::Book => {
                    let options = SiteOptions {
                        out: out_folder.clone(),
                        drafts: request.drafts,
                    };
                    // Rayon calls this from many threads; the channel is thread-safe.
                    let progress = |done: usize, total: usize| {
                        let _ = on_progress.send(ExportProgress { done, total });
                    };
                    let report = if request.kind == ExportKind::Book {
                        opened.exporter.book(&options, &progress)?
                    } else {
                        opened.exporter.site(&options, &progress)?
                    };
                    let failed = report
                        .failed
                        .iter()
                        .map(|e| Problem::from_error(e, &root))
                        .collect();
                    ExportOutcome {
                        out: out_folder.display().to_string(),
                        written: report
                            .written
                            .iter()
                            .map(|p| out_folder.join(p).display().to_string())
                            .collect(),
                        unchanged: report.unchanged,
                        failed: problem_views(&root, &known, failed),
                        warnings: problem_views(&root, &known, report.warnings),
                    }
                }
            };
            Ok(outcome)
        }
    })
    .await?;
    if let Ok(mut last) = state.last_export.lock() {
        *last = Some(out_folder);
    }
    Ok(outcome)
}

/// Shows the last export's folder in the file manager. Only that folder: the window cannot
/// ask to open anything else on the machine.
#[tauri::command]
pub async fn show_folder<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    path: String,
) -> Result<()> {
    let allowed = state.last_export.lock().ok().and_then(|l| l.clone());
    if allowed.as_deref() != Some(Path::new(&path)) {
        return Err(UiError::new(
            ErrorKind::Invalid,
            "Quire only shows the folder it last exported to",
        ));
    }
    use tauri_plugin_opener::OpenerExt;
    app.opener()
        .open_path(&path, None::<&str>)
        .map_err(|e| UiError::new(ErrorKind::Io, format!("could not show {path}: {e}")))
}

/// Asks the writer for a folder with the system's folder picker; null if they cancelled.
#[tauri::command]
pub async fn choose_folder<R: Runtime>(
    app: AppHandle<R>,
    title: String,
    start: Option<String>,
) -> Result<Option<String>> {
    use tauri_plugin_dialog::DialogExt;
    blocking(move || {
        let mut dialog = app.dialog().file().set_title(title);
        if let Some(start) = start.filter(|s| Path::new(s).is_dir()) {
            dialog = dialog.set_directory(start);
        }
        Ok(dialog
            .blocking_pick_folder()
            .and_then(|picked| picked.into_path().ok())
            .map(|p| p.display().to_string()))
    })
    .await
}

/// Adds a pasted or dropped image to the essay (`assets/` beside it). The bytes come as the
/// raw request body; the essay id and the file name (percent-encoded) as headers.
#[tauri::command]
pub async fn add_image(state: State<'_, AppState>, request: Request<'_>) -> Result<AddedImage> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(UiError::new(
            ErrorKind::Invalid,
            "the image arrived without its bytes",
        ));
    };
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let id: EssayId = header("x-essay-id")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| UiError::new(ErrorKind::Invalid, "open an essay to add an image to it"))?;
    let name = header("x-file-name")
        .and_then(|v| quire::url::percent_decode(&v))
        .unwrap_or_default();
    let bytes = bytes.clone();
    let library = state.current().library.clone();
    blocking(move || Ok(library.add_image(id, &name, &bytes)?)).await
}

/// Opens another essays folder in the window (the previous one's watcher stops).
#[tauri::command]
pub async fn open_library<R: Runtime>(app: AppHandle<R>, path: String) -> Result<LibraryInfo> {
    let folder = PathBuf::from(&path);
    if !folder.is_dir() {
        return Err(UiError::new(
            ErrorKind::Invalid,
            format!("{path} is not a folder"),
        ));
    }
    let opened = {
        let app = app.clone();
        blocking(move || {
            use tauri::Manager;
            Ok(app.state::<AppState>().switch(&folder)?)
        })
        .await?
    };
    crate::forward_changes(&app, &opened).map_err(|e| {
        UiError::new(
            ErrorKind::Internal,
            format!("could not follow the folder: {e}"),
        )
    })?;
    blocking(move || {
        // A folder never read is read beside the window: a small one is shown whole.
        opened.wait_for_reading(crate::commands::READING_WAIT);
        let mut info = info(&opened)?;
        // The window stored its settings before asking for the switch.
        info.remembered = remembered(&opened, &state::load_ui_state(), &info.root);
        Ok(info)
    })
    .await
}

/// The window's saved settings (panes, modes, last essay per folder, export folders), or null.
#[tauri::command]
pub async fn load_ui_state() -> Result<serde_json::Value> {
    blocking(|| Ok(state::load_ui_state())).await
}

/// Saves the window's settings. Kept small: it is read at every start.
#[tauri::command]
pub async fn save_ui_state(value: serde_json::Value) -> Result<()> {
    let size = value.to_string().len();
    if size > 256 * 1024 {
        return Err(UiError::new(
            ErrorKind::Invalid,
            format!("the window settings are too large to keep ({size} bytes)"),
        ));
    }
    blocking(move || Ok(state::save_ui_state(&value)?)).await
}
