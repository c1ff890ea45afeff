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

export interface Preview {
  /** A whole HTML document, for an iframe's srcdoc. */
  page: string;
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
