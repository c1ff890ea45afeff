//! The commands the UI calls: thin, async adapters over the core. Each runs its work on a
//! blocking thread (the core does file and SQLite I/O) and returns `{kind, message}` errors.

use serde::Serialize;
use tauri::{AppHandle, Runtime, State};

use quire::conventions::Generator;
use quire::essay::Status;
use quire::library::watch::{WatchHealth, WatchMode};
use quire::library::{Change, EssayId, Library, OpenedEssay, ReadProgress};
use quire::preview::{self, Preview, TextEdit};
use quire::store::ListedRow;
use quire::store::SearchFilter;
use quire::ErrorKind;

use crate::assets;
use crate::error::UiError;
use crate::state::{AppState, Asked, Opened};

pub(crate) type Result<T> = std::result::Result<T, UiError>;

/// Runs core work off the async runtime's threads.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| {
            UiError::new(
                ErrorKind::Internal,
                format!("the work stopped unexpectedly: {e}"),
            )
        })?
}

/// One row of the library list.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct EssaySummary {
    id: EssayId,
    path: Option<String>,
    title: String,
    date: Option<String>,
    #[cfg_attr(test, ts(type = "Status"))]
    status: Status,
    tags: Vec<String>,
    words: i64,
    problem: Option<String>,
    unsaved: bool,
}

impl EssaySummary {
    fn of(row: ListedRow) -> Self {
        EssaySummary {
            id: row.id,
            path: row.path,
            title: row.title,
            date: row.date,
            status: row.status,
            tags: row.tags,
            words: row.words,
            problem: row.problem,
            unsaved: row.unsaved,
        }
    }
}

/// The library's list, a page of it (`after` the id the last page ended with, at most `limit`
/// rows) or whole.
pub(crate) fn summaries(
    library: &Library,
    after: Option<EssayId>,
    limit: Option<usize>,
) -> Result<Vec<EssaySummary>> {
    Ok(library
        .listing(after, limit)?
        .into_iter()
        .map(EssaySummary::of)
        .collect())
}

/// A change to one essay as the window hears it (`library-change`), with that essay's row for
/// the list as it is now: the list follows the change without reading every essay again (at
/// 100,000 essays that read held the window up for ~0.4 s after every save).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ListedChange {
    #[serde(flatten)]
    change: Change,
    /// None once the essay is no longer in the library; also None when its row could not be
    /// read, which `summary_known` tells apart (the window then reads the whole list).
    summary: Option<EssaySummary>,
    summary_known: bool,
}

impl ListedChange {
    pub(crate) fn of(library: &Library, change: Change) -> Self {
        let summary = library
            .listed_essay(change.essay)
            .map(|row| row.map(EssaySummary::of));
        let (summary, summary_known) = match summary {
            Ok(summary) => (summary, true),
            Err(_) => (None, false),
        };
        ListedChange {
            change,
            summary,
            summary_known,
        }
    }
}

/// How the watcher of the folder at `root` is taking outside edits in, as the window hears it
/// (`watch-health`). The root is told because a folder's turn to polling can be heard before
/// the window shows that folder (its `LibraryInfo` said "events" while the watcher was still
/// setting up).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct WatchNews {
    root: String,
    #[serde(flatten)]
    health: WatchHealth,
}

impl WatchNews {
    pub(crate) fn of(library: &Library, health: WatchHealth) -> Self {
        WatchNews {
            root: library.folder().root.display().to_string(),
            health,
        }
    }
}

/// The open folder, for the window's first paint.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct LibraryInfo {
    pub(crate) root: String,
    name: String,
    /// The list, or its first page (`LIST_PAGE` rows in id order) when `more` says it goes on:
    /// the window then reads the rest with `list_essays` after its first paint.
    essays: Vec<EssaySummary>,
    more: bool,
    /// As far as known when asked: the watcher may still be setting its events up, and a turn
    /// to polling after this is told by `watch-health` (`WatchNews`).
    #[cfg_attr(test, ts(type = "\"events\" | \"polling\""))]
    watching: String,
    /// Why the watcher polls, when it does.
    warning: Option<String>,
    /// How a Hugo, Zola or Jekyll folder is read ("Hugo site (found ../hugo.toml)"); None for
    /// a Quire folder.
    read_as: Option<String>,
    /// The essay the command line asked to open first (`quire-desktop FILE.md`); only in the
    /// window's first `library_info`.
    asked_essay: Option<EssayId>,
    /// Why what the command line asked for could not be opened; only in the first answer.
    asked_trouble: Option<String>,
    /// The essay last open in this folder (the window's saved settings) when it is still
    /// listed: the window reopens it before a long list is read. Only in the answers that
    /// open a folder (`window_start`, `open_library`).
    pub(crate) remembered: Option<EssayId>,
    /// How far the folder's first reading has come, while it is read: `essays` is what has
    /// been read so far, and the window asks `library_reading` until it is over.
    reading: Option<ReadProgress>,
}

/// The rows of the list a window's first look at a folder carries. At 100,000 essays the whole
/// list took the core ~0.3 s and the page ~0.7 s (18 MB of JSON, then its sorting) before the
/// window could show the essay; a page this size is read and parsed in a few milliseconds.
pub(crate) const LIST_PAGE: usize = 5_000;

/// How long the window's first look at a folder being read for the first time waits for the
/// reading to be over: a folder of a few hundred essays is then shown whole, not filling in.
/// The page has loaded its script meanwhile; a bigger folder is shown as it is read.
pub(crate) const READING_WAIT: std::time::Duration = std::time::Duration::from_millis(500);

#[tauri::command]
pub async fn library_info(state: State<'_, AppState>) -> Result<LibraryInfo> {
    let opened = state.current();
    let asked = state.take_asked();
    blocking(move || first_info(&opened, asked)).await
}

/// The window's first look at the folder: [`info`], plus what the command line asked for.
fn first_info(opened: &Opened, asked: Asked) -> Result<LibraryInfo> {
    opened.wait_for_reading(READING_WAIT);
    // The folder may not have been rescanned yet (`Opened::open_first`): the store takes the
    // asked file in first, should it be new or changed (if it can't, `find` below says so).
    if let Some(key) = asked
        .essay
        .as_ref()
        .and_then(|f| opened.library.key(f).ok())
    {
        let _ = opened.library.reconcile(&[key]);
    }
    let mut info = info(opened)?;
    info.asked_trouble = asked.trouble;
    if let Some(file) = asked.essay {
        match opened.library.find(&file) {
            Ok(row) => info.asked_essay = Some(row.id),
            // Inside the folder but not where Quire reads essays (a theme or hidden folder).
            Err(_) => {
                let name = file.file_name().unwrap_or(file.as_os_str());
                info.asked_trouble = Some(format!(
                    "Quire couldn't open {}: it is in a folder Quire keeps no essays in (a hidden or theme folder).",
                    std::path::Path::new(name).display()
                ))
            }
        }
    }
    Ok(info)
}

/// Everything the window shows first, in one answer: the folder, the window's saved settings,
/// and the essay it reopens (the one the command line asked for, else the one open there last)
/// with its first preview. `index.html` asks for it before the window's script has loaded, so
/// that the core's work and the IPC round trips happen while WebKit parses that script.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct WindowStart {
    library: LibraryInfo,
    /// As `load_ui_state` answers.
    #[cfg_attr(test, ts(type = "unknown"))]
    settings: serde_json::Value,
    /// None when there is no essay to reopen, or it could not be read (the window then opens
    /// one itself, and says why if that fails).
    essay: Option<OpenedEssay>,
    /// The essay's first render, as `render_preview` answers a window holding no page; None
    /// for an essay the window previews only once the writer pauses.
    preview: Option<Preview>,
}

/// Essays this long (bytes) get no render in [`WindowStart`]: the window previews them on a
/// pause (`LONG_ESSAY` in ui/src/preview/live.ts, 300,000 characters), and rendering one here
/// would hold up the editor.
const LONG_ESSAY_BYTES: usize = 300_000;

#[tauri::command]
pub async fn window_start(state: State<'_, AppState>) -> Result<WindowStart> {
    let opened = state.current();
    let generation = opened.generation;
    let asked = state.take_asked();
    let rescan = opened.clone();
    let answer = blocking(move || {
        let mut library = first_info(&opened, asked)?;
        let settings = crate::state::load_ui_state();
        library.remembered = remembered(&opened, &settings, &library.root);
        let id = library.asked_essay.or(library.remembered);
        let essay = id.and_then(|id| opened.library.open_essay(id).ok());
        let page = essay
            .as_ref()
            .filter(|essay| essay.text.len() < LONG_ESSAY_BYTES)
            .map(|essay| {
                (
                    essay.id,
                    render_page(&opened, Some(essay.id), essay.text.clone()),
                )
            });
        Ok((library, settings, essay.map(|essay| (essay, page))))
    })
    .await;
    // What the window shows first is read (or could not be); now the rest of the folder.
    rescan.scan_if_owed();
    let (library, settings, essay) = answer?;
    let (essay, preview) = match essay {
        Some((essay, page)) => {
            let preview = page.map(|(id, page)| {
                let key = (generation, Some(id));
                state
                    .preview_blocks()
                    .answer(key, None, None, page, essay.text.clone())
            });
            (Some(essay), preview)
        }
        None => (None, None),
    };
    Ok(WindowStart {
        library,
        settings,
        essay,
        preview,
    })
}

/// As essayToReopen in ui/src/session.ts: the essay last open in the folder at `root` by the
/// window's saved `settings`, if it is still one of its listed essays.
pub(crate) fn remembered(
    opened: &Opened,
    settings: &serde_json::Value,
    root: &str,
) -> Option<EssayId> {
    let id = settings.get("libraries")?.get(root)?.get("id")?.as_i64()?;
    opened.library.listed_essay(id).ok().flatten().map(|e| e.id)
}

/// What the window shows of an open folder.
pub(crate) fn info(opened: &Opened) -> Result<LibraryInfo> {
    let library = &opened.library;
    // Not waiting for the watcher's set-up (it walks the whole folder): the window hears of a
    // turn to polling when it happens.
    let (watching, warning) = match opened.watcher.mode() {
        WatchMode::Events => ("events".to_string(), None),
        WatchMode::Polling(reason) => ("polling".to_string(), Some(reason)),
    };
    let mut essays = summaries(library, None, Some(LIST_PAGE + 1))?;
    let more = essays.len() > LIST_PAGE;
    essays.truncate(LIST_PAGE);
    let root = library.folder().root.clone();
    let name = library.folder().canonical_root.file_name().map_or_else(
        || root.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    Ok(LibraryInfo {
        root: root.display().to_string(),
        name,
        essays,
        more,
        watching,
        warning,
        read_as: {
            let folder = library.folder();
            (folder.convention.generator != Generator::Quire)
                .then(|| folder.convention.describe(&folder.canonical_root))
        },
        asked_essay: None,
        asked_trouble: None,
        remembered: None,
        reading: opened.reading(),
    })
}

/// How far the open folder's first reading has come; null once it is read (the window then
/// reads the list once more).
#[tauri::command]
pub fn library_reading(state: State<'_, AppState>) -> Option<ReadProgress> {
    state.current().reading()
}

/// The library's list: whole, or a page of it (the essays after `after` in id order, at most
/// `limit`), so that a list of 100,000 is read without holding the window up for long.
#[tauri::command]
pub async fn list_essays(
    state: State<'_, AppState>,
    after: Option<EssayId>,
    limit: Option<usize>,
) -> Result<Vec<EssaySummary>> {
    let library = state.current().library.clone();
    blocking(move || summaries(&library, after, limit)).await
}

/// A search result; the hits in `snippet` are between U+0002 and U+0003.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    essay_id: EssayId,
    path: Option<String>,
    title: String,
    #[cfg_attr(test, ts(type = "Status"))]
    status: Status,
    snippet: String,
}

#[tauri::command]
pub async fn search_essays(
    state: State<'_, AppState>,
    query: String,
    status: Option<Status>,
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
    blocking(move || Ok(library.create(&title)?)).await
}

#[tauri::command]
pub async fn rename_essay(state: State<'_, AppState>, id: EssayId, name: String) -> Result<Change> {
    let library = state.current().library.clone();
    blocking(move || Ok(library.rename(id, &name)?)).await
}

#[tauri::command]
pub async fn delete_essay(state: State<'_, AppState>, id: EssayId) -> Result<Change> {
    let library = state.current().library.clone();
    blocking(move || Ok(library.delete(id)?)).await
}

/// Renders the editor's text with the export's own pipeline, template and CSS (see
/// [`quire::preview`] for the parts it answers with). `id` places
/// the essay in its folder so that relative images resolve; `shell` is the key of the page
/// shell the UI already has, which is then not sent again.
#[tauri::command]
pub async fn render_preview(
    state: State<'_, AppState>,
    text: Option<String>,
    edit: Option<TextEdit>,
    id: Option<EssayId>,
    shell: Option<String>,
    base: Option<u64>,
) -> Result<Preview> {
    let opened = state.current();
    let essay_key = (opened.generation, id);
    let text = match (text, edit) {
        (Some(text), _) => text,
        (None, Some(edit)) => state
            .preview_blocks()
            .edited(essay_key, &edit)
            .ok_or_else(|| {
                UiError::new(
                    ErrorKind::Stale,
                    "the preview lost track of the text; it asks for all of it again",
                )
            })?,
        (None, None) => {
            return Err(UiError::new(
                ErrorKind::Invalid,
                "the preview needs the text",
            ))
        }
    };
    let sent_text = text.clone();
    let page = tauri::async_runtime::spawn_blocking(move || render_page(&opened, id, text))
        .await
        .map_err(|e| {
            UiError::new(
                ErrorKind::Internal,
                format!("the preview stopped unexpectedly: {e}"),
            )
        })?;
    Ok(state
        .preview_blocks()
        .answer(essay_key, base, shell.as_deref(), page, sent_text))
}

/// The preview's page of `text`, the essay `id`'s text in the editor.
fn render_page(opened: &Opened, id: Option<EssayId>, text: String) -> quire::Result<preview::Page> {
    // One row, not the whole list: this runs every keystroke.
    let path =
        preview::preview_path(id.and_then(|id| opened.library.essay(id).ok().and_then(|r| r.path)));
    preview::render(
        &path,
        text,
        &opened.library.folder().convention,
        &assets::PreviewUrls { essay: &path },
        |essay, rendered| opened.exporter.page_html(essay, rendered, "", true),
    )
}

/// Opens a web or mail link in the writer's browser. The UI calls it only after the writer
/// confirmed; the scheme is checked again here.
#[tauri::command]
pub async fn open_external<R: Runtime>(app: AppHandle<R>, url: String) -> Result<()> {
    let parsed = tauri::Url::parse(&url)
        .map_err(|_| UiError::new(ErrorKind::Invalid, format!("`{url}` is not a link")))?;
    if !matches!(parsed.scheme(), "http" | "https" | "mailto") {
        return Err(UiError::new(
            ErrorKind::Invalid,
            format!(
                "Quire opens only web and mail links, not `{}:`",
                parsed.scheme()
            ),
        ));
    }
    use tauri_plugin_opener::OpenerExt;
    app.opener()
        .open_url(parsed.as_str(), None::<&str>)
        .map_err(|e| UiError::new(ErrorKind::Io, format!("could not open {url}: {e}")))
}

/// Quire's version and commit, for the About in the command palette.
#[tauri::command]
pub fn about() -> String {
    format!("Quire {}", quire::version())
}

/// Closes the window after the UI has autosaved its drafts (see `flush-drafts`).
#[tauri::command]
pub fn close_window<R: Runtime>(window: tauri::Window<R>) -> Result<()> {
    window.destroy().map_err(|e| {
        UiError::new(
            ErrorKind::Internal,
            format!("could not close the window: {e}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use quire::library::ChangeKind;

    fn write(path: &std::path::Path, title: &str) {
        std::fs::write(path, format!("---\ntitle: {title}\n---\n\nText.\n")).unwrap();
    }

    /// An empty essays folder and, beside it, where its store goes (both gone with the dir).
    fn folder_and_store() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let essays = dir.path().join("essays");
        std::fs::create_dir(&essays).unwrap();
        let db = dir.path().join("quire.db");
        (dir, essays, db)
    }

    fn titles(opened: &Opened) -> Vec<String> {
        let mut titles: Vec<String> = info(opened)
            .unwrap()
            .essays
            .into_iter()
            .map(|e| e.title)
            .collect();
        titles.sort();
        titles
    }

    #[test]
    fn the_first_folder_shows_the_stores_list_at_once_and_takes_in_outside_edits_after() {
        let (_dir, essays, db) = folder_and_store();
        write(&essays.join("a.md"), "Apples");
        // A folder the store has never read is read beside the window; a small one is read
        // by the time the window first looks.
        let first = Opened::open_first(&essays, &db).unwrap();
        let shown = first_info(&first, Asked::default()).unwrap();
        assert_eq!(shown.reading, None, "read whole before the first look");
        assert_eq!(titles(&first), ["Apples"]);
        drop(first);

        // While the app was closed: one essay added, one changed, one more added.
        write(&essays.join("b.md"), "Bees");
        write(&essays.join("a.md"), "Apricots");
        write(&essays.join("c.md"), "Cherries");
        let opened = Opened::open_first(&essays, &db).unwrap();
        assert_eq!(
            opened.reading(),
            None,
            "not read again, only rescanned later"
        );
        assert_eq!(titles(&opened), ["Apples"], "the store's list, at once");
        // The essay asked for on the command line is taken in before it is looked up.
        let asked = Asked {
            essay: Some(essays.join("c.md")),
            trouble: None,
        };
        let shown = first_info(&opened, asked).unwrap();
        let c = shown.asked_essay.expect("the asked essay is found");
        assert!(shown
            .essays
            .iter()
            .any(|e| e.id == c && e.title == "Cherries"));
        assert!(shown.asked_trouble.is_none());

        let changes = opened.library.subscribe();
        opened.scan_if_owed();
        let mut seen = Vec::new();
        while seen.len() < 2 {
            let change = changes
                .recv_timeout(std::time::Duration::from_secs(10))
                .expect("the rescan's changes reach the window");
            seen.push(change.path.unwrap_or_default());
        }
        seen.sort();
        assert_eq!(seen, ["a.md", "b.md"]);
        assert_eq!(titles(&opened), ["Apricots", "Bees", "Cherries"]);
        // Once only: a second window start rescans nothing.
        opened.scan_if_owed();
        assert!(changes
            .recv_timeout(std::time::Duration::from_millis(300))
            .is_err());
    }

    #[test]
    fn a_big_folder_never_read_is_shown_while_it_is_read_and_a_reading_cut_short_is_finished_later()
    {
        let (_dir, essays, db) = folder_and_store();
        // Three batches of the reading (1,000 files each).
        const ESSAYS: usize = 2_500;
        for n in 0..ESSAYS {
            write(&essays.join(format!("e{n:04}.md")), &format!("Essay {n}"));
        }
        let opened = Opened::open_first(&essays, &db).unwrap();
        assert!(opened.reading().is_some(), "being read as the window opens");
        // Cut short, as when the window closes halfway through: the store keeps what was
        // read, and does not count the folder as read.
        let at = std::time::Instant::now();
        while opened.reading().is_some_and(|now| now.read == 0) {
            assert!(at.elapsed().as_secs() < 60, "the reading never got going");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        drop(opened);
        let opened = Opened::open_first(&essays, &db).unwrap();
        let partly = titles(&opened).len();
        assert!(
            (1..ESSAYS).contains(&partly),
            "{partly} essays read before the reading was cut short"
        );
        let shown = info(&opened).unwrap().reading;
        assert!(shown.is_some(), "read again, as a folder never read whole");
        let changes = opened.library.subscribe();

        // What the window sees meanwhile: the count grows, the list with it, never past it.
        let mut seen = Vec::new();
        while let Some(now) = opened.reading() {
            assert!(at.elapsed().as_secs() < 120, "the reading never ended");
            seen.push(now);
            let listed = titles(&opened).len();
            assert!(
                listed >= partly && listed <= ESSAYS,
                "{listed} essays listed"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert!(seen.windows(2).all(|w| w[0].read <= w[1].read), "{seen:?}");
        let of = seen.iter().map(|now| now.of).max().unwrap();
        assert_eq!(of, ESSAYS - partly, "only what was not read yet is read");
        assert_eq!(titles(&opened).len(), ESSAYS);
        assert!(opened.library.known().unwrap());
        // The essays it added came as progress, not 2,500 messages for the window.
        assert!(changes.try_iter().all(|c| c.kind != ChangeKind::Added));
        // Read whole now: the next start only rescans, later.
        drop(opened);
        assert_eq!(Opened::open_first(&essays, &db).unwrap().reading(), None);
    }

    /// At 100,000 essays the whole list in the window's first answer held the essay off the
    /// screen for ~1 s: a long list comes as its first page, the window pages through the rest.
    #[test]
    fn a_long_list_comes_as_its_first_page_and_the_rest_is_read_a_page_at_a_time() {
        let (_dir, essays, db) = folder_and_store();
        for n in 0..LIST_PAGE + 2 {
            write(&essays.join(format!("e{n:04}.md")), &format!("Essay {n}"));
        }
        let library = Library::open(&essays, &db).unwrap();
        library.scan().unwrap();
        drop(library);
        let opened = Opened::open_first(&essays, &db).unwrap();
        let first = info(&opened).unwrap();
        assert!(first.more, "the list goes on past its first page");
        assert_eq!(first.essays.len(), LIST_PAGE);
        let mut ids: Vec<EssayId> = first.essays.iter().map(|e| e.id).collect();
        let rest = summaries(&opened.library, ids.last().copied(), Some(LIST_PAGE)).unwrap();
        assert_eq!(rest.len(), 2, "the rest, after the first page's last essay");
        ids.extend(rest.iter().map(|e| e.id));
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), LIST_PAGE + 2, "each essay once");

        // A list of a page or less comes whole in the first answer, as always.
        for n in 0..3 {
            std::fs::remove_file(essays.join(format!("e{n:04}.md"))).unwrap();
        }
        opened.library.scan().unwrap();
        let whole = info(&opened).unwrap();
        assert!(!whole.more);
        assert_eq!(whole.essays.len(), LIST_PAGE - 1);
    }

    #[test]
    fn a_change_brings_the_essays_list_row_as_it_is_now_and_none_once_it_is_gone() {
        let (_dir, essays, db) = folder_and_store();
        let library = Library::open(&essays, &db).unwrap();
        let opened = library.create("On Walking").unwrap();
        library
            .update_draft(
                opened.id,
                "---\ntitle: On Walking Far\n---\n\nOne two three four.\n",
            )
            .unwrap();
        let saved = library.save(opened.id).unwrap();
        let listed = ListedChange::of(&library, saved);
        let row = listed.summary.expect("the essay's row");
        assert!(listed.summary_known);
        assert_eq!(row.title, "On Walking Far");
        assert_eq!(row.words, 4);
        assert!(!row.unsaved);
        // The same row as reading the whole list gives.
        let all = summaries(&library, None, None).unwrap();
        assert_eq!(
            serde_json::to_value(&all[0]).unwrap(),
            serde_json::to_value(&row).unwrap()
        );

        let deleted = library.delete(opened.id).unwrap();
        let listed = ListedChange::of(&library, deleted);
        // Gone from the list, as reading the whole list says too.
        assert!(listed.summary.is_none());
        assert!(listed.summary_known);
        assert!(summaries(&library, None, None).unwrap().is_empty());
        // The change itself is all there, beside the row.
        let json = serde_json::to_value(&listed).unwrap();
        assert_eq!(json["essay"], opened.id);
        assert_eq!(json["kind"], "removed");
        assert_eq!(json["summary"], serde_json::Value::Null);
    }

    /// A folder opened again reopens the essay open there last, known from the settings the
    /// window stored, so that a long list can be read after it is shown.
    #[test]
    fn the_essay_last_open_in_a_folder_is_remembered_while_it_is_listed() {
        let (_dir, essays, db) = folder_and_store();
        write(&essays.join("a.md"), "Apples");
        write(&essays.join("b.md"), "Bees");
        let opened = Opened::open(&essays, &db, 1).unwrap();
        let read = opened.wait_for_reading(std::time::Duration::from_secs(60));
        assert_eq!(read, None, "a new folder is read beside");
        let root = info(&opened).unwrap().root;
        let bees = opened.library.find(&essays.join("b.md")).unwrap().id;
        let settings = serde_json::json!({ "libraries": { root.clone(): { "id": bees } } });
        assert_eq!(remembered(&opened, &settings, &root), Some(bees));
        assert_eq!(remembered(&opened, &settings, "/another/folder"), None);
        assert_eq!(remembered(&opened, &serde_json::Value::Null, &root), None);
        std::fs::remove_file(essays.join("b.md")).unwrap();
        opened.library.scan().unwrap();
        assert_eq!(
            remembered(&opened, &settings, &root),
            None,
            "an essay deleted since is not reopened"
        );
    }
}
