// What the window remembers across restarts: its size, the panes, and for each essays folder
// the essay that was open with its cursor and scroll position. Kept in one JSON file in the
// config folder (`loadUiState` / `saveUiState`); Rust reads `window` from it to size the window
// before the UI runs, and remembers the last folder itself.
//
// The file is shared: other parts of the window may keep their own keys in it, so a save reads
// the file again and replaces only the keys this module owns (`window`, `layout`, `libraries`).
// Anything missing or malformed reads as "nothing remembered", never as an error.
//
// `Session` saves a moment after the last change (debounced) and at once on `flush()` (the
// window closing, another folder opening). What to save is asked for at save time (`snapshot`),
// so a burst of cursor moves costs one write.

import { EditorView } from "@codemirror/view";
import type { LayoutState } from "./layout";

/** Where the writer was in an essay. */
export interface RememberedEssay {
  id: number;
  /** The cursor, as an offset into the text. */
  cursor: number;
  /** The 1-based line at the top of the editor. */
  top: number;
}

export interface WindowSize {
  width: number;
  height: number;
}

/** The keys this module owns in the settings file. */
export interface Remembered {
  window: WindowSize | null;
  layout: LayoutState | null;
  /** Per essays folder (its root path): the last essay, and when it was last open (ms). */
  libraries: Record<string, RememberedEssay & { at: number }>;
}

/** What the window looks like now, gathered when a save is due. */
export interface Snapshot {
  root: string | null;
  essay: RememberedEssay | null;
  window: WindowSize | null;
  layout: LayoutState | null;
}

/** Folders remembered at most; the longest unused are forgotten first. */
export const MAX_LIBRARIES = 30;
export const SAVE_DELAY = 500;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const isCount = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0;
const isSize = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v > 0 && v <= 100_000;

function readWindow(raw: unknown): WindowSize | null {
  if (!isObject(raw) || !isSize(raw.width) || !isSize(raw.height)) return null;
  return { width: Math.round(raw.width), height: Math.round(raw.height) };
}

function readLayout(raw: unknown): LayoutState | null {
  if (!isObject(raw) || !isSize(raw.libraryWidth) || !isSize(raw.previewWidth)) return null;
  return {
    libraryWidth: raw.libraryWidth,
    previewWidth: raw.previewWidth,
    libraryCollapsed: raw.libraryCollapsed === true,
    previewCollapsed: raw.previewCollapsed === true,
  };
}

function readEssay(raw: unknown): (RememberedEssay & { at: number }) | null {
  if (!isObject(raw) || !isCount(raw.id)) return null;
  return {
    id: raw.id,
    cursor: isCount(raw.cursor) ? raw.cursor : 0,
    top: isCount(raw.top) && raw.top > 0 ? raw.top : 1,
    at: typeof raw.at === "number" && Number.isFinite(raw.at) ? raw.at : 0,
  };
}

/** The remembered settings in whatever the file held (null, junk, an older shape …). */
export function readRemembered(raw: unknown): Remembered {
  const file = isObject(raw) ? raw : {};
  const libraries: Remembered["libraries"] = {};
  if (isObject(file.libraries)) {
    for (const [root, value] of Object.entries(file.libraries)) {
      const essay = readEssay(value);
      if (root && essay) libraries[root] = essay;
    }
  }
  return { window: readWindow(file.window), layout: readLayout(file.layout), libraries };
}

/** `remembered` with a snapshot of the window taken in, at time `now`. */
export function takeSnapshot(remembered: Remembered, snapshot: Snapshot, now: number): Remembered {
  let libraries = remembered.libraries;
  if (snapshot.root && snapshot.essay) {
    libraries = { ...libraries, [snapshot.root]: { ...snapshot.essay, at: now } };
    const roots = Object.keys(libraries);
    if (roots.length > MAX_LIBRARIES) {
      roots.sort((a, b) => (libraries[b]?.at ?? 0) - (libraries[a]?.at ?? 0));
      libraries = Object.fromEntries(roots.slice(0, MAX_LIBRARIES).map((root) => [root, libraries[root]!]));
    }
  }
  return {
    window: snapshot.window ?? remembered.window,
    layout: snapshot.layout ?? remembered.layout,
    libraries,
  };
}

/** The file to write: what is on disk now, with this module's keys replaced. */
export function mergeIntoFile(onDisk: unknown, remembered: Remembered): Record<string, unknown> {
  const file: Record<string, unknown> = isObject(onDisk) ? { ...onDisk } : {};
  if (remembered.window) file.window = remembered.window;
  else delete file.window;
  if (remembered.layout) file.layout = remembered.layout;
  else delete file.layout;
  file.libraries = remembered.libraries;
  return file;
}

/** The essay to reopen in folder `root`, if it is still one of `ids`. */
export function essayToReopen(remembered: Remembered, root: string, ids: Iterable<number>): RememberedEssay | null {
  const essay = remembered.libraries[root];
  if (!essay) return null;
  for (const id of ids) if (id === essay.id) return { id: essay.id, cursor: essay.cursor, top: essay.top };
  return null;
}

export interface SessionBackend {
  load: () => Promise<unknown>;
  save: (value: unknown) => Promise<unknown>;
  /** Gathers what to remember, at save time. */
  snapshot: () => Snapshot;
  /** A save failed: a sentence-ready message. Remembering is best effort: no retry loop. */
  onError?: (error: unknown) => void;
  now?: () => number;
  delay?: number;
}

export class Session {
  private remembered: Remembered = readRemembered(null);
  private readonly backend: SessionBackend;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private loaded = false;
  /** Saves run one after another, never side by side. */
  private saving: Promise<void> = Promise.resolve();

  constructor(backend: SessionBackend) {
    this.backend = backend;
  }

  /**
   * Reads the file (once, at start), or takes what was read already (`read`, the window's
   * start). Unreadable settings are treated as none.
   */
  async load(read?: Promise<unknown>): Promise<Remembered> {
    try {
      this.remembered = readRemembered(await (read ?? this.backend.load()));
    } catch {
      this.remembered = readRemembered(null);
    }
    this.loaded = true;
    return this.remembered;
  }

  get current(): Remembered {
    return this.remembered;
  }

  /** Something worth remembering changed: save a moment after the last such call. */
  changed(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.save();
    }, this.backend.delay ?? SAVE_DELAY);
  }

  /** Saves now (if anything is waiting, or `always`); resolves once it is written or failed. */
  async flush(always = false): Promise<void> {
    if (this.timer === null && !always) return this.saving;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    return this.save();
  }

  private save(): Promise<void> {
    this.saving = this.saving.then(async () => {
      // Before the file was read, a save would replace what it remembers with defaults.
      if (!this.loaded) return;
      const now = this.backend.now?.() ?? Date.now();
      this.remembered = takeSnapshot(this.remembered, this.backend.snapshot(), now);
      try {
        let onDisk: unknown = null;
        try {
          onDisk = await this.backend.load();
        } catch {
          // Keep only our own keys, then.
        }
        await this.backend.save(mergeIntoFile(onDisk, this.remembered));
      } catch (error) {
        this.backend.onError?.(error);
      }
    });
    return this.saving;
  }
}

/** Puts the cursor and the scroll position back where the writer left them (clamped to the text). */
export function placeCursor(view: EditorView, essay: RememberedEssay): void {
  const doc = view.state.doc;
  const cursor = Math.min(essay.cursor, doc.length);
  const top = doc.line(Math.min(Math.max(1, essay.top), doc.lines)).from;
  view.dispatch({ selection: { anchor: cursor }, effects: EditorView.scrollIntoView(top, { y: "start" }) });
}
