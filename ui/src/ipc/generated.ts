// Generated from the Rust types by src-tauri/src/ipc_types.rs: do not edit by hand.
// Regenerate with `QUIRE_WRITE_TS=1 cargo test -p quire-desktop ipc_types`.

export type Status = "draft" | "published" | (string & {});

export type ErrorKind = "io" | "essay" | "render" | "theme" | "store" | "unsafe-path" | "invalid" | "not-found" | "conflict" | "exists" | "stale" | "pruned" | "internal" | "remote" | "drift";

export type QuireError = { 
/**
 * What kind of failure it is: the one thing the UI branches on.
 */
kind: ErrorKind, 
/**
 * A sentence for the writer, naming the file and line where there is one.
 */
message: string, };

export type EssaySummary = { id: number, path: string | null, title: string, date: string | null, status: Status, tags: Array<string>, words: number, problem: string | null, unsaved: boolean, };

export type ReadProgress = { 
/**
 * Files read so far. Unchanged files are not read, so a folder read before has few.
 */
read: number, 
/**
 * Files to read in all; 0 until the folder has been walked.
 */
of: number, };

export type LibraryInfo = { root: string, name: string, 
/**
 * The list, or its first page (`LIST_PAGE` rows in id order) when `more` says it goes on:
 * the window then reads the rest with `list_essays` after its first paint.
 */
essays: Array<EssaySummary>, more: boolean, 
/**
 * As far as known when asked: the watcher may still be setting its events up, and a turn
 * to polling after this is told by `watch-health` (`WatchNews`).
 */
watching: "events" | "polling", 
/**
 * Why the watcher polls, when it does.
 */
warning: string | null, 
/**
 * How a Hugo, Zola or Jekyll folder is read ("Hugo site (found ../hugo.toml)"); None for
 * a Quire folder.
 */
readAs: string | null, 
/**
 * The essay the command line asked to open first (`quire-desktop FILE.md`); only in the
 * window's first `library_info`.
 */
askedEssay: number | null, 
/**
 * Why what the command line asked for could not be opened; only in the first answer.
 */
askedTrouble: string | null, 
/**
 * The essay last open in this folder (the window's saved settings) when it is still
 * listed: the window reopens it before a long list is read. Only in the answers that
 * open a folder (`window_start`, `open_library`).
 */
remembered: number | null, 
/**
 * How far the folder's first reading has come, while it is read: `essays` is what has
 * been read so far, and the window asks `library_reading` until it is over.
 */
reading: ReadProgress | null, };

export type SearchHit = { essayId: number, path: string | null, title: string, status: Status, snippet: string, };

export type OpenedEssay = { 
/**
 * The essay.
 */
id: number, 
/**
 * Its file, if it has one yet.
 */
path: string | null, 
/**
 * The text to edit: the draft if there is one, else the file.
 */
text: string, 
/**
 * The text differs from the file.
 */
dirty: boolean, 
/**
 * An outside edit conflicts with the draft.
 */
conflict: boolean, };

export type Source = "editor" | "save" | "disk" | "restore" | "import" | "delete" | "remote";

export type Change = { 
/**
 * The essay.
 */
essay: number, 
/**
 * Its path now.
 */
path: string | null, 
/**
 * Who did it.
 */
source: Source, } & ({ "kind": "added" } | { "kind": "modified" } | { "kind": "merged" } | { "kind": "conflict" } | { "kind": "removed" } | { "kind": "renamed", 
/**
 * The old path.
 */
from: string, } | { "kind": "saved" } | { "kind": "restored" });

export type ListedChange = { 
/**
 * None once the essay is no longer in the library; also None when its row could not be
 * read, which `summary_known` tells apart (the window then reads the whole list).
 */
summary: EssaySummary | null, summaryKnown: boolean, 
/**
 * The essay.
 */
essay: number, 
/**
 * Its path now.
 */
path: string | null, 
/**
 * Who did it.
 */
source: Source, } & ({ "kind": "added" } | { "kind": "modified" } | { "kind": "merged" } | { "kind": "conflict" } | { "kind": "removed" } | { "kind": "renamed", 
/**
 * The old path.
 */
from: string, } | { "kind": "saved" } | { "kind": "restored" });

export type WatchHealth = { "state": "polling", 
/**
 * Why, and how often it looks.
 */
message: string, } | { "state": "failing", 
/**
 * What kind of failure (`store`, `io`, …).
 */
kind: ErrorKind, 
/**
 * The failure, in a sentence for the writer.
 */
message: string, } | { "state": "working" };

export type WatchNews = { root: string, } & ({ "state": "polling", 
/**
 * Why, and how often it looks.
 */
message: string, } | { "state": "failing", 
/**
 * What kind of failure (`store`, `io`, …).
 */
kind: ErrorKind, 
/**
 * The failure, in a sentence for the writer.
 */
message: string, } | { "state": "working" });

export type OutlineEntry = { 
/**
 * 1 to 6.
 */
level: number, 
/**
 * The heading's text, without markup.
 */
text: string, 
/**
 * The anchor id written into the HTML.
 */
id: string, 
/**
 * 1-based source line.
 */
line: number, };

export type PageShell = { 
/**
 * The page up to the essay body.
 */
before: string, 
/**
 * The page after it.
 */
after: string, 
/**
 * False when the theme doesn't write the essay body exactly once as is: `before` is then
 * the whole page, `blocks` is empty, and the page can only be loaded anew.
 */
patchable: boolean, };

export type BlockChange = { 
/**
 * The generation of the list this change applies to; `None`: replace the whole list.
 */
base: number | null, 
/**
 * The generation of the list it makes.
 */
generation: number, 
/**
 * The first block replaced.
 */
start: number, 
/**
 * How many blocks are replaced.
 */
deleteCount: number, 
/**
 * The blocks put in their place.
 */
insert: Array<string>, };

export type TextEdit = { 
/**
 * The generation of the render whose text this edit changes.
 */
base: number, 
/**
 * Where the change starts, in UTF-16 units.
 */
start: number, 
/**
 * How many UTF-16 units it removes.
 */
deleteCount: number, 
/**
 * What it puts in their place.
 */
insert: string, };

export type Preview = { 
/**
 * The page around the essay body; `None` when it is the one the UI already has (the
 * request's `shell` key), which is nearly every keystroke.
 */
shell: PageShell | null, 
/**
 * Names this page's shell: the UI sends it back with its next request.
 */
shellKey: string, 
/**
 * The essay body's top-level blocks as HTML (see [`split_blocks`]), as the change from
 * the list the UI already has: a keystroke sends one block, not the whole essay.
 */
blocks: BlockChange, 
/**
 * The body's headings.
 */
outline: Array<OutlineEntry>, 
/**
 * The 1-based source line of each top-level block of the body, in order: the preview maps
 * its blocks to editor lines by position, so the page stays byte for byte the export's.
 */
sourceMap: Array<number>, 
/**
 * Words of prose.
 */
words: number, 
/**
 * Minutes to read.
 */
readingMinutes: number, 
/**
 * Why the text could not be rendered (the UI keeps the last page it had).
 */
error: string | null, };

export type WindowStart = { library: LibraryInfo, 
/**
 * As `load_ui_state` answers.
 */
settings: unknown, 
/**
 * None when there is no essay to reopen, or it could not be read (the window then opens
 * one itself, and says why if that fails).
 */
essay: OpenedEssay | null, 
/**
 * The essay's first render, as `render_preview` answers a window holding no page; None
 * for an essay the window previews only once the writer pauses.
 */
preview: Preview | null, };

export type RevisionInfo = { id: number, 
/**
 * Unix milliseconds.
 */
at: number, 
/**
 * Where the revision came from.
 */
source: Source, path: string | null, wordsAdded: number, wordsRemoved: number, };

export type SpanKind = "same" | "added" | "removed";

export type DiffSpan = { 
/**
 * Same, added or removed.
 */
kind: SpanKind, 
/**
 * The text, whitespace included.
 */
text: string, };

export type ConflictHunk = { "kind": "clean", text: string, } | { "kind": "conflict", base: string, mine: string, theirs: string, 
/**
 * What "keep both" writes here (the core's rule), so the view shows the true result.
 */
both: string, };

export type ConflictChoice = { "kind": "mine" } | { "kind": "theirs" } | { "kind": "both" } | { "kind": "edited", text: string, };

export type ProblemInfo = { 
/**
 * The file, relative to the essays folder where it is inside it.
 */
path: string, 
/**
 * The essay, when the file is one the library knows.
 */
essayId: number | null, line: number, level: "error" | "warning", message: string, };

export type CheckResult = { essays: number, problems: Array<ProblemInfo>, };

export type ExportKind = "post" | "standalone" | "pdf" | "docx" | "epub" | "site" | "book";

export type ExportRequest = { 
/**
 * What the export makes.
 */
kind: ExportKind, 
/**
 * The essay, for every kind but `site` and `book`.
 */
id: number | null, 
/**
 * The output folder; the folder's default (`quire.toml`'s `out`, else `public/`) if unset.
 */
out: string | null, 
/**
 * Include drafts in a site or a book.
 */
drafts: boolean, };

export type ExportProgress = { done: number, total: number, };

export type ExportOutcome = { out: string, 
/**
 * Files written, absolute.
 */
written: Array<string>, 
/**
 * Files left as they were (already up to date).
 */
unchanged: number, failed: Array<ProblemInfo>, warnings: Array<ProblemInfo>, };

export type AddedImage = { 
/**
 * The link to put in the essay, relative to it: `assets/name.png`.
 */
link: string, 
/**
 * The file, relative to the essays folder.
 */
path: string, };

export type TargetKind = "wordpress" | "ghost" | "micropub" | "git";

export type PostStatus = "draft" | "publish" | "scheduled";

export type Remedy = "overwrite-or-pull" | "anew" | "overwrite" | "retry";

export type PublishTarget = { name: string, kind: TargetKind, url: string, user: string | null, branch: string | null, };

export type NewPublishTarget = { name: string, 
/**
 * `wordpress`, `ghost`, `micropub` or `git`.
 */
kind: string, url: string, user: string | null, branch: string | null, 
/**
 * The application password, Admin API key or token; straight to the keyring.
 */
secret: string | null, };

export type Publication = { target: string, url: string, 
/**
 * Unix milliseconds of the last push.
 */
at: number, status: string, 
/**
 * Whether the essay changed since it was pushed (null: can't tell).
 */
changedHere: boolean | null, };

export type PublishPlan = { title: string, 
/**
 * How "Publish" sends it: `publish`, `scheduled` (its date is to come) or `draft` (the
 * essay's own status is draft).
 */
status: PostStatus, 
/**
 * The essay's date, RFC 3339.
 */
date: string | null, 
/**
 * The essay's own `status` is not `published`.
 */
draftEssay: boolean, publications: Array<Publication>, };

export type DriftChoice = "ask" | "overwrite" | "keep";

export type PublishRequest = { id: number, target: string, 
/**
 * As a draft on the site, whatever the essay says.
 */
draft: boolean, onDrift: DriftChoice, 
/**
 * The post was deleted on the site: make a new one.
 */
anew: boolean, };

export type PublishProgress = { done: number, total: number, doing: string, };

export type PublishOutcome = { "kind": "done", 
/**
 * `created`, `updated`, `up-to-date` or `kept` (the site's text kept as a revision).
 */
action: string, url: string, status: PostStatus, imagesUploaded: number, imagesReused: number, 
/**
 * The revision that now holds the site's text: for `kept`, and for an update that
 * replaced an edit made on the site.
 */
revision: number | null, warnings: Array<ProblemInfo>, } | { "kind": "drift", remedy: Remedy, message: string, };
