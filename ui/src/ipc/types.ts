// The shapes that cross the IPC boundary, exactly as the Rust shell serialises them
// (camelCase keys). Nothing here imports Tauri: the UI can use these types anywhere.

export interface EssaySummary {
  id: number;
  /** Path relative to the library root; null for a draft whose file is not written yet. */
  path: string | null;
  title: string;
  date: string | null;
  status: string;
  tags: string[];
  words: number;
  /** Why the essay can't be used as-is (bad front matter, unreadable file …), in words. */
  problem: string | null;
  /** The draft differs from the file on disk. */
  unsaved: boolean;
}

export interface LibraryInfo {
  root: string;
  name: string;
  essays: EssaySummary[];
  watching: "events" | "polling" | string;
  warning: string | null;
}

export interface SearchHit {
  essayId: number;
  path: string | null;
  title: string;
  status: string;
  /** Text with each hit between "\u0002" and "\u0003". Never HTML. */
  snippet: string;
}

export interface SearchQuery {
  query: string;
  status: string | null;
  tag: string | null;
}

export interface OpenedEssay {
  id: number;
  path: string | null;
  text: string;
  dirty: boolean;
  conflict: boolean;
}

export type ChangeKind =
  | "added"
  | "modified"
  | "merged"
  | "conflict"
  | "removed"
  | "renamed"
  | "saved"
  | "restored";

export type ChangeSource = "editor" | "save" | "disk" | "restore" | "import" | "delete";

export interface Change {
  essay: number;
  path: string | null;
  kind: ChangeKind;
  /** The previous path, for "renamed". */
  from?: string;
  source: ChangeSource;
}

export interface OutlineEntry {
  level: number;
  text: string;
  /** The heading's id in the rendered page (for "#id" navigation). */
  id: string;
  /** 1-based line in the essay's whole text (front matter included). */
  line: number;
}

/** The page around an essay body: `before`, the blocks joined, then `after` is the whole page. */
export interface PageShell {
  before: string;
  after: string;
  /**
   * False for a theme that doesn't write the essay body as is: `before` is then the whole page
   * and there are no blocks, so every change loads the page anew.
   */
  patchable: boolean;
}

/**
 * Blocks of generation `base` with `deleteCount` from `start` replaced by `insert` are the blocks
 * of `generation`; `base` null: `insert` is the whole list.
 */
export interface BlockChange {
  base: number | null;
  generation: number;
  start: number;
  deleteCount: number;
  insert: string[];
}

/** The editor's text as a change of the text of render generation `base` (UTF-16 offsets). */
export interface TextEdit {
  base: number;
  start: number;
  deleteCount: number;
  insert: string;
}

/** A render for the preview: the page exactly as exported, in parts it can update in place. */
export interface Preview {
  /** The page's shell; null when it is the one whose key the request passed (unchanged). */
  shell: PageShell | null;
  /** Names the page's shell; pass it with the next request. */
  shellKey: string;
  /**
   * The essay body's top-level blocks as HTML (joined, the body the export writes), as a change
   * of the list the request named by its `base` generation (see ui/src/preview/blocks.ts).
   */
  blocks: BlockChange;
  outline: OutlineEntry[];
  /** The 1-based source line of each top-level block of the page's body, in order. */
  sourceMap: number[];
  words: number;
  readingMinutes: number;
  /** A render error (with its line) to show instead of a blank pane. */
  error: string | null;
}

export interface OpenExternalRequest {
  url: string;
}

// --- The panels: history, conflicts, checks, export, images, folders ----------------------

export interface RevisionInfo {
  id: number;
  /** Unix milliseconds. */
  at: number;
  /** "editor" | "save" | "disk" | "restore" | "import" | "delete". */
  source: string;
  path: string | null;
  wordsAdded: number;
  wordsRemoved: number;
}

/** A run of a word diff: joining same + removed gives the old text, same + added the new. */
export interface DiffSpan {
  kind: "same" | "added" | "removed";
  text: string;
}

export type ConflictHunk =
  | { kind: "clean"; text: string }
  | {
      kind: "conflict";
      base: string;
      mine: string;
      theirs: string;
      /** What "keep both" puts here, as the core will write it. */
      both: string;
    };

export type ConflictChoice =
  | { kind: "mine" }
  | { kind: "theirs" }
  | { kind: "both" }
  | { kind: "edited"; text: string };

export interface ProblemInfo {
  /** Relative to the essays folder when inside it. */
  path: string;
  essayId: number | null;
  /** 1-based. */
  line: number;
  level: "error" | "warning" | string;
  message: string;
}

export interface CheckResult {
  essays: number;
  problems: ProblemInfo[];
}

export type ExportKind = "post" | "standalone" | "site";

export interface ExportRequest {
  kind: ExportKind;
  id: number | null;
  /** Absolute output folder; null for the folder's default. */
  out: string | null;
  drafts: boolean;
}

export interface ExportProgress {
  done: number;
  total: number;
}

export interface ExportOutcome {
  out: string;
  /** Absolute paths written. */
  written: string[];
  unchanged: number;
  failed: ProblemInfo[];
  warnings: ProblemInfo[];
}

export interface AddedImage {
  /** Relative to the essay: "assets/name.png". */
  link: string;
  /** Relative to the essays folder. */
  path: string;
}
