//! The live preview's protocol: the page the export writes, sent to the app in parts it can
//! update in place, so that a keystroke in a long essay moves one block, not the whole page.
//!
//! [`render`] renders the editor's text with the export's pipeline and cuts the page in two:
//! the [`PageShell`] around the essay body (split at [`BODY_MARKER`]), and the body's top-level
//! blocks ([`split_blocks`]). [`SentBlocks`] remembers what the window holds; a [`TextEdit`]
//! rebuilds the text from the last one sent (offsets in UTF-16 units, as the editor counts),
//! and [`SentBlocks::answer`] turns a render into a [`Preview`] whose [`BlockChange`] carries
//! only the blocks that differ. Generations tie each change to the list it applies to; when
//! the window holds a list this side no longer knows, it gets the whole list instead.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::conventions::Convention;
use crate::essay::Essay;
use crate::library::EssayId;
use crate::markdown::blocks::split_blocks;
use crate::markdown::{render_essay, Heading, RenderOptions, Rendered, Urls};
use crate::Result;

/// Stands in for the essay body while the template renders, so the page splits around it.
/// Escaped text can't contain it: it starts with `<`.
pub const BODY_MARKER: &str = "<!--quire:essay-body:7f3a9c-->";

/// The file an essay without one yet is previewed as.
const UNTITLED: &str = "untitled.md";

/// Which essay a preview is of: the open folder's generation (ids of another folder are other
/// essays) and the essay, if it has been created.
pub type PreviewedEssay = (u64, Option<EssayId>);

/// What the preview shows: the page as the export writes it, in parts the UI can update in
/// place, and facts for the status bar. The page is `shell.before`, then `blocks` joined, then
/// `shell.after`, byte for byte the published page (with a `<base>` for the frame).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    /// The page around the essay body; `None` when it is the one the UI already has (the
    /// request's `shell` key), which is nearly every keystroke.
    pub shell: Option<PageShell>,
    /// Names this page's shell: the UI sends it back with its next request.
    pub shell_key: String,
    /// The essay body's top-level blocks as HTML (see [`split_blocks`]), as the change from
    /// the list the UI already has: a keystroke sends one block, not the whole essay.
    pub blocks: BlockChange,
    /// The body's headings.
    pub outline: Vec<Heading>,
    /// The 1-based source line of each top-level block of the body, in order: the preview maps
    /// its blocks to editor lines by position, so the page stays byte for byte the export's.
    pub source_map: Vec<usize>,
    /// Words of prose.
    pub words: usize,
    /// Minutes to read.
    pub reading_minutes: usize,
    /// Why the text could not be rendered (the UI keeps the last page it had).
    pub error: Option<String>,
}

/// The body's blocks as a change of the list the UI holds: the list of generation `base` with
/// `delete_count` blocks from `start` replaced by `insert` is the list of `generation`. `base`
/// is `None` when `insert` is the whole list (first render, another essay or folder, or the UI
/// holds a list this side no longer has: a restart, a dropped response).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BlockChange {
    /// The generation of the list this change applies to; `None`: replace the whole list.
    pub base: Option<u64>,
    /// The generation of the list it makes.
    pub generation: u64,
    /// The first block replaced.
    pub start: usize,
    /// How many blocks are replaced.
    pub delete_count: usize,
    /// The blocks put in their place.
    pub insert: Vec<String>,
}

/// Everything of the page around the essay body: the head with the CSS, the title header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PageShell {
    /// The page up to the essay body.
    pub before: String,
    /// The page after it.
    pub after: String,
    /// False when the theme doesn't write the essay body exactly once as is: `before` is then
    /// the whole page, `blocks` is empty, and the page can only be loaded anew.
    pub patchable: bool,
}

impl PageShell {
    /// The key of a shell: equal keys, equal shells (a 64-bit hash and the lengths).
    pub fn key(&self) -> String {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::hash::DefaultHasher::new();
        (&self.before, &self.after, self.patchable).hash(&mut hasher);
        format!(
            "{:016x}-{}-{}",
            hasher.finish(),
            self.before.len(),
            self.after.len()
        )
    }
}

/// The editor's text as a change of the text of the last render (generation `base`): `delete`
/// UTF-16 units (the editor's) from `start` replaced by `insert`. A keystroke then sends a
/// character, not the whole essay.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TextEdit {
    /// The generation of the render whose text this edit changes.
    pub base: u64,
    /// Where the change starts, in UTF-16 units.
    pub start: usize,
    /// How many UTF-16 units it removes.
    pub delete_count: usize,
    /// What it puts in their place.
    pub insert: String,
}

/// A rendered essay with its page in parts: what [`SentBlocks::answer`] sends on.
#[derive(Debug, Clone)]
pub struct Page {
    /// The render of the body (outline, source map, counts; its `html` is `blocks` joined).
    pub rendered: Rendered,
    /// The page around the body.
    pub shell: PageShell,
    /// The body's top-level blocks.
    pub blocks: Vec<String>,
}

/// The file to preview an essay as: its own path in the folder (so relative images resolve),
/// or `untitled.md` before its first save.
pub fn preview_path(path: Option<String>) -> PathBuf {
    PathBuf::from(path.unwrap_or_else(|| UNTITLED.into()))
}

/// Renders the editor's `text` of the essay at `path` (relative to its folder) with the
/// export's own pipeline; `page_for` renders the page of a render (the export's template and
/// CSS), `urls` rewrites image sources for the preview's window.
pub fn render(
    path: &Path,
    text: String,
    convention: &Convention,
    urls: &dyn Urls,
    page_for: impl Fn(&Essay, &Rendered) -> Result<String>,
) -> Result<Page> {
    let essay = Essay::from_source_in(path, path, text, convention)?;
    let mut rendered = render_essay(&essay, &RenderOptions::essay(), urls)?;
    let (shell, blocks) = page_parts(&mut rendered, |rendered| page_for(&essay, rendered))?;
    Ok(Page {
        rendered,
        shell,
        blocks,
    })
}

/// Splits a rendered essay's page into its shell and body blocks, rendering the template once
/// with [`BODY_MARKER`] as the body (so a 1 MB body is never copied through the template).
/// `page_for` renders the page of a `Rendered`.
pub fn page_parts(
    rendered: &mut Rendered,
    page_for: impl Fn(&Rendered) -> Result<String>,
) -> Result<(PageShell, Vec<String>)> {
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
            let blocks = split_blocks(&rendered.html)
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

/// The blocks last sent to the UI, so that the next render sends only what changed. One entry:
/// the UI previews one essay at a time.
#[derive(Debug, Default)]
pub struct SentBlocks {
    essay: Option<PreviewedEssay>,
    generation: u64,
    blocks: Vec<String>,
    /// The text those blocks were rendered from, which a [`TextEdit`] changes.
    text: String,
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
    pub fn edited(&self, essay: PreviewedEssay, edit: &TextEdit) -> Option<String> {
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

    /// The preview to send for a render of `text` (`page`) of `essay`, to a UI that holds the
    /// blocks of generation `base` and the shell named `held_shell`: the shell only when it is
    /// another, the blocks as a change of the UI's list. A text that doesn't render keeps both
    /// sides' lists as they are and says why.
    pub fn answer(
        &mut self,
        essay: PreviewedEssay,
        base: Option<u64>,
        held_shell: Option<&str>,
        page: Result<Page>,
        text: String,
    ) -> Preview {
        match page {
            Ok(Page {
                rendered,
                shell,
                blocks,
            }) => {
                let key = shell.key();
                Preview {
                    shell: (held_shell != Some(key.as_str())).then_some(shell),
                    shell_key: key,
                    blocks: self.send(essay, base, blocks, text),
                    outline: rendered.outline,
                    source_map: rendered.source_map,
                    words: rendered.words,
                    reading_minutes: rendered.reading_minutes,
                    error: None,
                }
            }
            Err(error) => Preview {
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
            },
        }
    }

    /// Records `blocks` as sent for `essay` and returns them as a change of generation `base`
    /// (the one the UI holds), or whole when that is not the list recorded here.
    pub fn send(
        &mut self,
        essay: PreviewedEssay,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::Exporter;
    use crate::markdown::KeepUrls;

    fn render_with(exporter: &Exporter, name: &str, text: &str) -> Page {
        render(
            Path::new(name),
            text.to_string(),
            &Convention::default(),
            &KeepUrls,
            |essay, r| exporter.page_html(essay, r, "", true),
        )
        .unwrap()
    }

    /// The preview's page, put back together, against the page the standalone export writes.
    fn assert_preview_is_the_export(exporter: &Exporter, name: &str, text: &str) {
        let essay = Essay::from_source(Path::new(name), text.to_string()).unwrap();
        let rendered = render_essay(&essay, &RenderOptions::essay(), &KeepUrls).unwrap();
        let exported = exporter.page_html(&essay, &rendered, "", true).unwrap();
        let page = render_with(exporter, name, text);
        assert!(page.shell.patchable, "{name}");
        assert_eq!(page.blocks.concat(), rendered.html, "{name}");
        let whole = format!(
            "{}{}{}",
            page.shell.before,
            page.blocks.concat(),
            page.shell.after
        );
        let expected = exported.replacen("<head>", "<head>\n<base href=\"about:srcdoc\">", 1);
        assert_eq!(whole, expected, "{name}");
    }

    #[test]
    fn the_preview_page_in_parts_is_byte_for_byte_the_exported_page() {
        let dir = tempfile::tempdir().unwrap();
        let exporter = Exporter::open(dir.path()).unwrap();
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/render");
        let mut seen = 0;
        for entry in std::fs::read_dir(fixtures).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") {
                let text = std::fs::read_to_string(&path).unwrap();
                assert_preview_is_the_export(&exporter, &path.to_string_lossy(), &text);
                seen += 1;
            }
        }
        assert!(seen > 5, "the render fixtures are read ({seen})");
        let hostile = "---\ntitle: \"<!--quire:essay-body:7f3a9c--> </title><script>\"\ntags: [\"<b>\"]\n---\n<div>\n\n# In a div\n\n<p>x</div> y</p>\n";
        assert_preview_is_the_export(&exporter, "hostile.md", hostile);
    }

    #[test]
    fn a_theme_that_writes_the_body_twice_gets_the_whole_page_to_load_anew() {
        let text = "# Twice\n\nSome words.\n";
        let essay = Essay::from_source(Path::new("a.md"), text.to_string()).unwrap();
        let mut rendered = render_essay(&essay, &RenderOptions::essay(), &KeepUrls).unwrap();
        let twice = |r: &Rendered| {
            Ok(format!(
                "<html><head></head><body>{}{}</body></html>",
                r.html, r.html
            ))
        };
        let (shell, blocks) = page_parts(&mut rendered, twice).unwrap();
        assert!(!shell.patchable);
        assert!(blocks.is_empty());
        assert_eq!(
            shell.before,
            format!(
                "<html><head>\n<base href=\"about:srcdoc\"></head><body>{0}{0}</body></html>",
                rendered.html
            )
        );
    }

    #[test]
    fn a_new_title_changes_the_shell_key_and_a_new_word_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let exporter = Exporter::open(dir.path()).unwrap();
        let key = |text: &str| render_with(&exporter, "a.md", text).shell.key();
        let first = key("---\ntitle: One\n---\nSome words.\n");
        assert_eq!(first, key("---\ntitle: One\n---\nSome more words.\n"));
        assert_ne!(first, key("---\ntitle: Two\n---\nSome words.\n"));
    }

    #[test]
    fn the_shell_is_sent_only_when_the_ui_holds_another() {
        let dir = tempfile::tempdir().unwrap();
        let exporter = Exporter::open(dir.path()).unwrap();
        let mut sent = SentBlocks::default();
        let essay = (1, Some(2));
        let text = "---\ntitle: One\n---\nSome words.\n";
        let first = sent.answer(
            essay,
            None,
            None,
            Ok(render_with(&exporter, "a.md", text)),
            text.into(),
        );
        assert!(first.shell.is_some());
        assert_eq!(first.words, 2);
        let again = sent.answer(
            essay,
            Some(first.blocks.generation),
            Some(&first.shell_key),
            Ok(render_with(&exporter, "a.md", text)),
            text.into(),
        );
        assert_eq!(again.shell, None);
        assert_eq!(again.shell_key, first.shell_key);
    }

    #[test]
    fn a_text_that_does_not_render_leaves_the_ui_list_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let exporter = Exporter::open(dir.path()).unwrap();
        let mut sent = SentBlocks::default();
        let essay = (1, Some(2));
        let good = "# A\n\nb\n";
        let first = sent.answer(
            essay,
            None,
            None,
            Ok(render_with(&exporter, "a.md", good)),
            good.into(),
        );
        let held = apply(&[], &first.blocks);
        let broken = "---\ndate: not-a-date\n---\n# A\n";
        let page = render(
            Path::new("a.md"),
            broken.into(),
            &Convention::default(),
            &KeepUrls,
            |e, r| exporter.page_html(e, r, "", true),
        );
        let failed = sent.answer(
            essay,
            Some(first.blocks.generation),
            Some(&first.shell_key),
            page,
            broken.into(),
        );
        assert!(
            failed.error.as_deref().is_some_and(|e| e.contains("date")),
            "{failed:?}"
        );
        assert_eq!(apply(&held, &failed.blocks), held);
        assert_eq!(failed.blocks.generation, first.blocks.generation);
        // This side still knows the UI's list: the next keystroke is a change of it again.
        let next = sent.answer(
            essay,
            Some(failed.blocks.generation),
            Some(&first.shell_key),
            Ok(render_with(&exporter, "a.md", "# A\n\nbc\n")),
            "# A\n\nbc\n".into(),
        );
        assert_eq!(next.blocks.base, Some(first.blocks.generation));
        assert_eq!(next.blocks.insert, ["<p>bc</p>\n"]);
    }

    /// The UI's side of a change (`ui/src/preview/blocks.ts` `applyChange`).
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
        // Deleting the emoji alone: its two units, from its first.
        assert_eq!(
            sent.edited(essay, &edit(7, 2, "")).as_deref(),
            Some("# Café \n\nTwo words.\n")
        );
        assert_eq!(
            sent.edited(essay, &edit(22, 0, "x")).as_deref(),
            Some("# Café 🙂\n\nTwo words.\nx")
        );
        // Inside the emoji (at it or ending in it), past the end, another essay, another
        // generation: not this text.
        assert_eq!(sent.edited(essay, &edit(8, 0, "x")), None);
        assert_eq!(sent.edited(essay, &edit(7, 1, "x")), None);
        assert_eq!(sent.edited(essay, &edit(23, 0, "x")), None);
        assert_eq!(sent.edited((1, Some(4)), &edit(0, 0, "x")), None);
        sent.send(essay, None, Vec::new(), text);
        assert_eq!(sent.edited(essay, &edit(0, 0, "x")), None);
    }

    #[test]
    fn a_text_edit_arrives_in_the_editors_field_names() {
        let edit: TextEdit =
            serde_json::from_str(r#"{"base": 4, "start": 1, "deleteCount": 2, "insert": "x"}"#)
                .unwrap();
        assert_eq!(
            edit,
            TextEdit {
                base: 4,
                start: 1,
                delete_count: 2,
                insert: "x".into()
            }
        );
    }

    #[test]
    fn an_unsaved_essay_is_previewed_as_untitled_in_the_folder_root() {
        assert_eq!(preview_path(None), Path::new("untitled.md"));
        assert_eq!(
            preview_path(Some("notes/a.md".into())),
            Path::new("notes/a.md")
        );
    }
}
