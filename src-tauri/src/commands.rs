//! The commands the UI calls: thin, async adapters over the core. Each runs its work on a
//! blocking thread (the core does file and SQLite I/O) and returns `{kind, message}` errors.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use serde::Serialize;
use tauri::{AppHandle, Runtime, State};

use quire::essay::{Essay, Status};
use quire::library::watch::WatchMode;
use quire::library::{Change, EssayId, Library, OpenedEssay};
use quire::markdown::{render_essay, Heading, RenderOptions};
use quire::store::SearchFilter;
use quire::ErrorKind;

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
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct LibraryInfo {
    root: String,
    name: String,
    essays: Vec<EssaySummary>,
    #[cfg_attr(test, ts(type = "\"events\" | \"polling\""))]
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
    blocking(move || {
        if title.trim().is_empty() {
            return Err(UiError::new(ErrorKind::Invalid, "give the essay a title"));
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

/// What the preview shows: the page as the export writes it, in parts the UI can update in
/// place, and facts for the status bar. The page is `shell.before`, then `blocks` joined, then
/// `shell.after`, byte for byte the published page (with a `<base>` for the frame).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    /// The page around the essay body; `None` when it is the one the UI already has (the
    /// request's `shell` key), which is nearly every keystroke.
    shell: Option<PageShell>,
    /// Names this page's shell: the UI sends it back with its next request.
    shell_key: String,
    /// The essay body's top-level blocks as HTML (see `quire::markdown::blocks`), as the change
    /// from the list the UI already has: a keystroke sends one block, not the whole essay.
    blocks: BlockChange,
    outline: Vec<Heading>,
    /// The 1-based source line of each top-level block of the body, in order: the preview maps
    /// its blocks to editor lines by position, so the page stays byte for byte the export's.
    source_map: Vec<usize>,
    words: usize,
    reading_minutes: usize,
    error: Option<String>,
}

/// The body's blocks as a change of the list the UI holds: the list of generation `base` with
/// `delete_count` blocks from `start` replaced by `insert` is the list of `generation`. `base`
/// is `None` when `insert` is the whole list (first render, another essay or folder, or the UI
/// holds a list this side no longer has: a restart, a dropped response).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BlockChange {
    base: Option<u64>,
    generation: u64,
    start: usize,
    delete_count: usize,
    insert: Vec<String>,
}

/// The blocks last sent to the UI, so that the next render sends only what changed. One entry:
/// the UI previews one essay at a time.
#[derive(Debug, Default)]
pub struct SentBlocks {
    /// The folder's generation and the essay: ids of another folder are other essays.
    essay: Option<(u64, Option<EssayId>)>,
    generation: u64,
    blocks: Vec<String>,
    /// The text those blocks were rendered from, which a [`TextEdit`] changes.
    text: String,
}

/// The editor's text as a change of the text of the last render (generation `base`): `delete`
/// UTF-16 units (the editor's) from `start` replaced by `insert`. A keystroke then sends a
/// character, not the whole essay.
#[derive(Debug, Clone, serde::Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TextEdit {
    base: u64,
    start: usize,
    delete_count: usize,
    insert: String,
}

/// The byte offset of UTF-16 offset `units` of `text`; None past its end or inside a character.
fn byte_offset(text: &str, units: usize) -> Option<usize> {
    // Most of an essay is ASCII, where the two agree; that check is a fast scan.
    if units <= text.len() && text.as_bytes()[..units].is_ascii() {
        return Some(units);
    }
    let mut seen = 0;
    for (at, c) in text.char_indices() {
        if seen == units {
            return Some(at);
        }
        seen += c.len_utf16();
        if seen > units {
            return None;
        }
    }
    (seen == units).then_some(text.len())
}

impl SentBlocks {
    /// The text `edit` makes of the last render's text for `essay`; None when that is not the
    /// text it was made against (the UI then sends the whole text).
    pub fn edited(&self, essay: (u64, Option<EssayId>), edit: &TextEdit) -> Option<String> {
        if edit.base != self.generation || self.essay != Some(essay) {
            return None;
        }
        let start = byte_offset(&self.text, edit.start)?;
        let end = start + byte_offset(&self.text[start..], edit.delete_count)?;
        let mut text = String::with_capacity(self.text.len() - (end - start) + edit.insert.len());
        text.push_str(&self.text[..start]);
        text.push_str(&edit.insert);
        text.push_str(&self.text[end..]);
        Some(text)
    }

    /// Records `blocks` as sent for `essay` and returns them as a change of generation `base`
    /// (the one the UI holds), or whole when that is not the list recorded here.
    pub fn send(
        &mut self,
        essay: (u64, Option<EssayId>),
        base: Option<u64>,
        blocks: Vec<String>,
        text: String,
    ) -> BlockChange {
        let known = base == Some(self.generation) && self.essay == Some(essay);
        self.generation += 1;
        let change = if known {
            let (start, delete_count, end) = changed_range(&self.blocks, &blocks);
            BlockChange {
                base,
                generation: self.generation,
                start,
                delete_count,
                insert: blocks[start..end].to_vec(),
            }
        } else {
            BlockChange {
                base: None,
                generation: self.generation,
                start: 0,
                delete_count: 0,
                insert: blocks.clone(),
            }
        };
        self.essay = Some(essay);
        self.blocks = blocks;
        self.text = text;
        change
    }
}

/// The one range that differs between `old` and `new`, by their common prefix and suffix:
/// `(start, old blocks replaced, end of the new blocks)`.
fn changed_range(old: &[String], new: &[String]) -> (usize, usize, usize) {
    let shorter = old.len().min(new.len());
    let start = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let tail = old[start..]
        .iter()
        .rev()
        .zip(new[start..].iter().rev())
        .take(shorter - start)
        .take_while(|(a, b)| a == b)
        .count();
    (start, old.len() - tail - start, new.len() - tail)
}

/// Everything of the page around the essay body: the head with the CSS, the title header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PageShell {
    before: String,
    after: String,
    /// False when the theme doesn't write the essay body exactly once as is: `before` is then
    /// the whole page, `blocks` is empty, and the page can only be loaded anew.
    patchable: bool,
}

/// Stands in for the essay body while the template renders, so the page splits around it.
/// Escaped text can't contain it: it starts with `<`.
const BODY_MARKER: &str = "<!--quire:essay-body:7f3a9c-->";

/// Splits a rendered essay's page into its shell and body blocks, rendering the template once
/// with [`BODY_MARKER`] as the body (so a 1 MB body is never copied through the template).
/// `page_for` renders the page of a `Rendered`.
fn preview_parts(
    rendered: &mut quire::markdown::Rendered,
    page_for: impl Fn(&quire::markdown::Rendered) -> quire::Result<String>,
) -> quire::Result<(PageShell, Vec<String>)> {
    // A srcdoc document resolves URLs against the app's page, so `#notes` would load the app
    // into the frame; with this base, `#` links scroll the preview itself.
    let with_base =
        |page: String| page.replacen("<head>", "<head>\n<base href=\"about:srcdoc\">", 1);
    let html = std::mem::replace(&mut rendered.html, BODY_MARKER.to_string());
    let shell = page_for(rendered);
    rendered.html = html;
    let shell = with_base(shell?);
    match (shell.find(BODY_MARKER), shell.rfind(BODY_MARKER)) {
        (Some(at), Some(last)) if at == last => {
            let blocks = quire::markdown::blocks::split_blocks(&rendered.html)
                .into_iter()
                .map(str::to_owned)
                .collect();
            let shell = PageShell {
                before: shell[..at].to_string(),
                after: shell[at + BODY_MARKER.len()..].to_string(),
                patchable: true,
            };
            Ok((shell, blocks))
        }
        _ => {
            let shell = PageShell {
                before: with_base(page_for(rendered)?),
                after: String::new(),
                patchable: false,
            };
            Ok((shell, Vec::new()))
        }
    }
}

/// The key of a shell: equal keys, equal shells (a 64-bit hash and the lengths).
fn shell_key(shell: &PageShell) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    (&shell.before, &shell.after, shell.patchable).hash(&mut hasher);
    format!(
        "{:016x}-{}-{}",
        hasher.finish(),
        shell.before.len(),
        shell.after.len()
    )
}

/// Renders the editor's text with the export's own pipeline, template and CSS. `id` places
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
        (None, Some(edit)) => {
            let sent = state
                .preview_blocks
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            sent.edited(essay_key, &edit).ok_or_else(|| {
                UiError::new(
                    ErrorKind::Stale,
                    "the preview lost track of the text; it asks for all of it again",
                )
            })?
        }
        (None, None) => {
            return Err(UiError::new(
                ErrorKind::Invalid,
                "the preview needs the text",
            ))
        }
    };
    let sent_text = text.clone();
    let rendered = tauri::async_runtime::spawn_blocking(move || {
        // One row, not the whole list, on the render's own thread: this runs every keystroke.
        let key = id.and_then(|id| opened.library.essay(id).ok().and_then(|r| r.path));
        let path = PathBuf::from(key.unwrap_or_else(|| "untitled.md".into()));
        let essay = Essay::from_source(&path, text)?;
        let mut rendered = render_essay(
            &essay,
            &RenderOptions::essay(),
            &assets::PreviewUrls { essay: &path },
        )?;
        let (page_shell, blocks) = preview_parts(&mut rendered, |rendered| {
            opened.exporter.page_html(&essay, rendered, "", true)
        })?;
        Ok::<_, quire::Error>((rendered, page_shell, blocks))
    })
    .await
    .map_err(|e| {
        UiError::new(
            ErrorKind::Internal,
            format!("the preview stopped unexpectedly: {e}"),
        )
    })?;
    match rendered {
        Ok((rendered, page_shell, blocks)) => {
            let key = shell_key(&page_shell);
            let blocks = state
                .preview_blocks
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .send(essay_key, base, blocks, sent_text);
            Ok(Preview {
                shell: (shell.as_deref() != Some(key.as_str())).then_some(page_shell),
                shell_key: key,
                blocks,
                outline: rendered.outline,
                source_map: rendered.source_map,
                words: rendered.words,
                reading_minutes: rendered.reading_minutes,
                error: None,
            })
        }
        Err(error) => Ok(Preview {
            shell: None,
            shell_key: String::new(),
            // Nothing to apply: the UI keeps its list, and this side its record of it.
            blocks: BlockChange {
                base,
                generation: base.unwrap_or(0),
                start: 0,
                delete_count: 0,
                insert: Vec::new(),
            },
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

#[cfg(test)]
mod tests {
    use super::*;
    use quire::export::Exporter;
    use quire::markdown::render_essay;

    /// The preview's page, put back together, against the page the standalone export writes.
    fn assert_preview_is_the_export(exporter: &Exporter, name: &str, text: &str) {
        let essay = Essay::from_source(Path::new(name), text.to_string()).unwrap();
        let urls = quire::markdown::KeepUrls;
        let mut rendered = render_essay(&essay, &RenderOptions::essay(), &urls).unwrap();
        let exported = exporter.page_html(&essay, &rendered, "", true).unwrap();
        let (shell, blocks) =
            preview_parts(&mut rendered, |r| exporter.page_html(&essay, r, "", true)).unwrap();
        assert!(shell.patchable, "{name}");
        assert_eq!(blocks.concat(), rendered.html, "{name}");
        let page = format!("{}{}{}", shell.before, blocks.concat(), shell.after);
        let expected = exported.replacen("<head>", "<head>\n<base href=\"about:srcdoc\">", 1);
        assert_eq!(page, expected, "{name}");
    }

    #[test]
    fn the_preview_page_in_parts_is_byte_for_byte_the_exported_page() {
        let dir = tempfile::tempdir().unwrap();
        let exporter = Exporter::open(dir.path()).unwrap();
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/render");
        for entry in std::fs::read_dir(fixtures).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") {
                let text = std::fs::read_to_string(&path).unwrap();
                assert_preview_is_the_export(&exporter, &path.to_string_lossy(), &text);
            }
        }
        let hostile = "---\ntitle: \"<!--quire:essay-body:7f3a9c--> </title><script>\"\ntags: [\"<b>\"]\n---\n<div>\n\n# In a div\n\n<p>x</div> y</p>\n";
        assert_preview_is_the_export(&exporter, "hostile.md", hostile);
    }

    #[test]
    fn a_new_title_changes_the_shell_key_and_a_new_word_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let exporter = Exporter::open(dir.path()).unwrap();
        let key = |text: &str| {
            let essay = Essay::from_source(Path::new("a.md"), text.to_string()).unwrap();
            let urls = quire::markdown::KeepUrls;
            let mut rendered = render_essay(&essay, &RenderOptions::essay(), &urls).unwrap();
            let (shell, _) =
                preview_parts(&mut rendered, |r| exporter.page_html(&essay, r, "", true)).unwrap();
            shell_key(&shell)
        };
        let first = key("---\ntitle: One\n---\nSome words.\n");
        assert_eq!(first, key("---\ntitle: One\n---\nSome more words.\n"));
        assert_ne!(first, key("---\ntitle: Two\n---\nSome words.\n"));
    }

    /// The UI's side of a change (ui/src/preview/blocks.ts `applyChange`).
    fn apply(held: &[String], change: &BlockChange) -> Vec<String> {
        let mut list = if change.base.is_some() {
            held.to_vec()
        } else {
            Vec::new()
        };
        list.splice(
            change.start..change.start + change.delete_count,
            change.insert.iter().cloned(),
        );
        list
    }

    fn list(blocks: &[&str]) -> Vec<String> {
        blocks.iter().map(|b| b.to_string()).collect()
    }

    #[test]
    fn a_keystroke_sends_only_the_changed_blocks_and_they_rebuild_the_whole_list() {
        let mut sent = SentBlocks::default();
        let essay = (1, Some(7));
        let first = sent.send(
            essay,
            None,
            list(&["<h1>A</h1>", "<p>b</p>", "<p>c</p>"]),
            String::new(),
        );
        assert_eq!(first.base, None);
        assert_eq!(first.insert.len(), 3);
        let mut held = apply(&[], &first);
        let cases: [&[&str]; 6] = [
            &["<h1>A</h1>", "<p>bx</p>", "<p>c</p>"],
            &["<h1>A</h1>", "<p>bx</p>", "<p>new</p>", "<p>c</p>"],
            &["<h1>A</h1>", "<p>c</p>"],
            &["<p>c</p>"],
            &["<p>c</p>", "<p>c</p>", "<p>c</p>"],
            &[],
        ];
        let mut generation = first.generation;
        for case in cases {
            let change = sent.send(essay, Some(generation), list(case), String::new());
            assert_eq!(change.base, Some(generation), "{case:?}");
            assert!(change.insert.len() <= 2, "{case:?}: {change:?}");
            held = apply(&held, &change);
            assert_eq!(held, list(case));
            generation = change.generation;
        }
        // Unchanged: nothing to send.
        let same = sent.send(essay, Some(generation), Vec::new(), String::new());
        assert_eq!((same.delete_count, same.insert.len()), (0, 0));
    }

    #[test]
    fn a_list_this_side_does_not_have_is_answered_with_the_whole_list() {
        let mut sent = SentBlocks::default();
        let blocks = list(&["<p>a</p>", "<p>b</p>"]);
        let first = sent.send((1, Some(1)), None, blocks.clone(), String::new());
        // A dropped response: the UI still holds an older generation.
        let second = sent.send(
            (1, Some(1)),
            Some(first.generation),
            blocks.clone(),
            String::new(),
        );
        let stale = sent.send(
            (1, Some(1)),
            Some(first.generation),
            blocks.clone(),
            String::new(),
        );
        assert_eq!(second.base, Some(first.generation));
        assert_eq!((stale.base, stale.insert.clone()), (None, blocks.clone()));
        // Another essay, another folder (each with the generation last sent), a restart.
        for (essay, base) in [
            ((1, Some(2)), Some(stale.generation)),
            ((2, Some(2)), Some(stale.generation + 1)),
            ((2, Some(2)), Some(99)),
        ] {
            let change = sent.send(essay, base, blocks.clone(), String::new());
            assert_eq!(change.base, None, "{essay:?}");
            assert_eq!(apply(&list(&["<p>old</p>"]), &change), blocks);
        }
    }

    #[test]
    fn a_keystroke_sends_the_edit_and_the_text_is_rebuilt_from_the_last_one() {
        let mut sent = SentBlocks::default();
        let essay = (1, Some(3));
        // UTF-16 offsets, as the editor counts: "é" is one unit, "🙂" two.
        let text = "# Café 🙂\n\nTwo words.\n".to_string();
        let first = sent.send(essay, None, Vec::new(), text.clone());
        let edit = |start, delete_count, insert: &str| TextEdit {
            base: first.generation,
            start,
            delete_count,
            insert: insert.to_string(),
        };
        assert_eq!(
            sent.edited(essay, &edit(9, 0, "!")).as_deref(),
            Some("# Café 🙂!\n\nTwo words.\n")
        );
        assert_eq!(
            sent.edited(essay, &edit(2, 7, "Tea")).as_deref(),
            Some("# Tea\n\nTwo words.\n")
        );
        assert_eq!(
            sent.edited(essay, &edit(22, 0, "x")).as_deref(),
            Some("# Café 🙂\n\nTwo words.\nx")
        );
        // Inside the emoji, past the end, another essay, another generation: not this text.
        assert_eq!(sent.edited(essay, &edit(8, 0, "x")), None);
        assert_eq!(sent.edited(essay, &edit(23, 0, "x")), None);
        assert_eq!(sent.edited((1, Some(4)), &edit(0, 0, "x")), None);
        sent.send(essay, None, Vec::new(), text);
        assert_eq!(sent.edited(essay, &edit(0, 0, "x")), None);
    }
}
