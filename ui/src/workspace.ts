// The essays open in this window and the one editor that shows them.
//
// Each essay the writer has opened keeps a Session: its own EditorState (so undo history is per
// essay: switching swaps states in the one EditorView), its own AutosaveScheduler, and what the
// save-state indicator needs (dirty, writing, conflict). Text from outside (an edit made in
// another program, a merge) comes in as an ordinary change, never a new state, so undo and the
// cursor survive it.
//
// Only the essays opened last keep their Session once left (KEEP_ESSAYS of them, KEEP_CHARS of
// text at most): an essay's state holds its text, syntax tree and undo history, and a window
// that kept every essay opened grew without end. A forgotten essay whose edits are all in the
// store opens again from there, with the store's draft; only its undo history is gone.

import { EditorState, type Extension } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { AutosaveScheduler, describeSaveState, type SaveState } from "./editor/autosave";
import { hasHugeLine, markdownEditor, openFind } from "./editor/setup";
import { replaceDocument } from "./editor/reload";
import { followSystemTheme, syncTheme } from "./editor/theme";
import type { Change, OpenedEssay } from "./ipc/types";
import { asSentence, toQuireError, type QuireError } from "./ipc/error";

/** How many essays keep their editor state (undo history, selection) once left. */
export const KEEP_ESSAYS = 8;
/** How much text (characters, all kept essays together) may stay in memory once left. */
export const KEEP_CHARS = 2_000_000;

export interface WorkspaceBackend {
  openEssay: (id: number) => Promise<OpenedEssay>;
  updateDraft: (id: number, text: string) => Promise<unknown>;
  saveEssay: (id: number) => Promise<Change>;
}

export interface WorkspaceEvents {
  /** The open essay (or its text) changed: new essay, typing, outside edit. */
  onText: (id: number | null, text: string) => void;
  /**
   * An essay this window hasn't shown yet is about to be, with this text (onText follows once
   * it is in the editor). Its editor state takes a while to build (~30 ms): a preview asked for
   * now is rendered by the core meanwhile.
   */
  willShow?: (id: number, text: string) => void;
  /** Something the save-state indicator or the list's unsaved dots show changed. */
  onSaveState: () => void;
  /** A different essay (or none) is open now. */
  onOpened: (id: number | null, path: string | null) => void;
  onError: (message: string, key?: string) => void;
  clearError: (key: string) => void;
  /** The editor scrolled (for the preview to follow). */
  onScroll: () => void;
}

interface Session {
  id: number;
  path: string | null;
  state: EditorState;
  autosave: AutosaveScheduler;
  /** The draft differs from the file (as far as this window knows). */
  dirty: boolean;
  /** Counts the writer's edits; tells whether text changed while something was in flight. */
  version: number;
  writing: boolean;
  writeError: QuireError | null;
  conflict: boolean;
  /** An outside change arrived while local edits were on their way; reload once they land. */
  reloadWanted: boolean;
  /** An outside change arrived while another essay was open; look again when this one opens. */
  stale: boolean;
}

export class Workspace {
  readonly view: EditorView;
  private readonly backend: WorkspaceBackend;
  private readonly events: WorkspaceEvents;
  private readonly sessions = new Map<number, Session>();
  private openId: number | null = null;
  private openToken = 0;
  /** Extensions every essay's state gets besides the editor's own (image paste and drop). */
  private readonly extra: Extension;

  constructor(parent: HTMLElement, backend: WorkspaceBackend, events: WorkspaceEvents, extra: Extension = []) {
    this.backend = backend;
    this.events = events;
    this.extra = extra;
    this.view = new EditorView({ parent, state: this.newState("") });
    followSystemTheme(this.view);
    this.view.scrollDOM.addEventListener("scroll", () => events.onScroll(), { passive: true });
  }

  get currentId(): number | null {
    return this.openId;
  }

  currentPath(): string | null {
    return this.openId === null ? null : (this.sessions.get(this.openId)?.path ?? null);
  }

  /** How many essays this window holds an editor state for (the open one included). */
  get keptEssays(): number {
    return this.sessions.size;
  }

  /** Whether this window knows better than the list about an essay's unsaved state. */
  unsaved(id: number): boolean | undefined {
    const session = this.sessions.get(id);
    if (!session) return undefined;
    return session.dirty || !session.autosave.idle;
  }

  saveState(): SaveState | null {
    const session = this.current();
    if (!session) return null;
    return describeSaveState({
      autosave: session.autosave.status,
      dirty: session.dirty,
      writing: session.writing,
      writeError: session.writeError,
      conflict: session.conflict,
    });
  }

  /** Opens essay `id` in the editor (the store's text, or this window's if it has newer). */
  async open(id: number): Promise<boolean> {
    if (id === this.openId) {
      this.view.focus();
      return true;
    }
    const token = ++this.openToken;
    if (this.openId !== null) void this.sessions.get(this.openId)?.autosave.flush();
    // This window's own state is the newest text unless something changed outside since:
    // switch at once, without asking the store (which may not have our last draft yet).
    const known = this.sessions.get(id);
    if (known && !known.stale) {
      this.activate(known);
      return true;
    }
    let opened: OpenedEssay;
    try {
      opened = await this.backend.openEssay(id);
    } catch (error) {
      if (token === this.openToken) this.events.onError(`Couldn't open the essay: ${toQuireError(error).message}`);
      return false;
    }
    if (token !== this.openToken) return false;
    this.show(opened);
    return true;
  }

  /**
   * Shows an essay the backend just handed over (open_essay or create_essay). A new essay
   * starts with the cursor at the end, below its front matter, ready for the first sentence.
   */
  show(opened: OpenedEssay, options: { cursorAtEnd?: boolean } = {}): void {
    this.stash();
    let session = this.sessions.get(opened.id);
    if (!session) {
      this.events.willShow?.(opened.id, opened.text);
      session = this.newSession(opened, options.cursorAtEnd ?? false);
      this.sessions.set(opened.id, session);
    } else if (session.autosave.idle) {
      // Changed outside while another essay was open: bring the stored state up to date
      // without losing its undo history.
      const spec = replaceDocument(session.state, opened.text);
      if (spec) session.state = session.state.update(spec).state;
      session.dirty = opened.dirty;
      session.conflict = opened.conflict;
      session.stale = false;
    } else {
      // Local edits are still on their way to the store: ours first, then look again.
      session.reloadWanted = true;
      session.stale = false;
    }
    session.path = opened.path;
    this.activate(session);
  }

  private activate(session: Session): void {
    this.openToken++;
    if (this.openId !== session.id) this.stash();
    this.openId = session.id;
    // Most recently shown last: forgetting starts with the first.
    this.sessions.delete(session.id);
    this.sessions.set(session.id, session);
    this.view.setState(session.state);
    this.forgetOldest();
    syncTheme(this.view);
    this.events.onOpened(session.id, session.path);
    this.events.onText(session.id, this.view.state.doc.toString());
    this.events.onSaveState();
  }

  /** Closes the editor (the open essay was deleted, or there is none). */
  close(): void {
    this.stash();
    this.openToken++;
    this.openId = null;
    this.view.setState(this.newState(""));
    this.events.onOpened(null, null);
    this.events.onText(null, "");
    this.events.onSaveState();
  }

  /** Drops what this window holds for a deleted essay. */
  forget(id: number): void {
    if (id === this.openId) this.close();
    const session = this.sessions.get(id);
    session?.autosave.dispose();
    this.sessions.delete(id);
  }

  /** Drops every essay this window holds (another essays folder is opening). */
  forgetAll(): void {
    this.close();
    for (const id of [...this.sessions.keys()]) this.forget(id);
  }

  /**
   * Drops the states of the essays left longest ago beyond KEEP_ESSAYS / KEEP_CHARS, except
   * those with edits still on their way to the store (they go at a later switch).
   */
  private forgetOldest(): void {
    let count = this.sessions.size;
    let chars = 0;
    for (const session of this.sessions.values()) chars += session.state.doc.length;
    for (const session of [...this.sessions.values()]) {
      if (count <= KEEP_ESSAYS && chars <= KEEP_CHARS) return;
      if (session.id === this.openId || session.writing || !session.autosave.idle) continue;
      count -= 1;
      chars -= session.state.doc.length;
      this.forget(session.id);
    }
  }

  /** The essay's file was renamed. */
  renamed(id: number, path: string | null): void {
    const session = this.sessions.get(id);
    if (!session) return;
    session.path = path;
    if (id === this.openId) this.events.onOpened(id, path);
  }

  focus(): void {
    if (this.openId !== null) this.view.focus();
  }

  find(): void {
    if (this.openId === null) return;
    this.view.focus();
    void openFind(this.view);
  }

  /** Autosaves every essay with pending edits now (blur, window close). */
  flushAll(): void {
    for (const session of this.sessions.values()) void session.autosave.flush();
  }

  /** Like flushAll, resolving once every autosave has landed (or failed). */
  async flushAllAndWait(): Promise<void> {
    await this.flushAllStored();
  }

  /** Autosaves every open essay now; true only when every draft is safely in the store. */
  async flushAllStored(): Promise<boolean> {
    const results = await Promise.allSettled([...this.sessions.values()].map((session) => session.autosave.flush()));
    return results.every((result) => result.status === "fulfilled" && result.value);
  }

  /** Ctrl+S: autosave what's in the editor, then write the file. */
  async save(): Promise<void> {
    const session = this.current();
    if (!session || session.writing) return;
    const version = session.version;
    session.writing = true;
    session.writeError = null;
    this.events.onSaveState();
    try {
      const drafted = await session.autosave.flush();
      if (!drafted) {
        throw session.autosave.status.error ?? { kind: "internal", message: "The draft could not be stored." };
      }
      const change = await this.backend.saveEssay(session.id);
      session.path = change.path ?? session.path;
      if (session.version === version) session.dirty = false;
      session.conflict = false;
      this.events.clearError("save");
      if (session.id === this.openId) this.events.onOpened(session.id, session.path);
    } catch (error) {
      session.writeError = toQuireError(error);
      this.events.onError(`Couldn't save: ${session.writeError.message}`, "save");
    } finally {
      session.writing = false;
      this.events.onSaveState();
    }
  }

  /** A "library-change" event: take in outside edits to the open essay, show conflicts. */
  handleChange(change: Change): void {
    const session = this.sessions.get(change.essay);
    if (!session) return;
    if (change.kind === "renamed") {
      this.renamed(change.essay, change.path);
      return;
    }
    // The store's echo of our own autosaves and saves needs nothing.
    if (change.source === "editor" || change.source === "save") return;
    if (change.kind === "conflict") {
      session.conflict = true;
      this.events.onSaveState();
      return;
    }
    if (change.kind === "removed" && change.source === "disk") {
      // The draft survives; saving writes the file again.
      session.dirty = true;
      this.events.onSaveState();
      return;
    }
    if (change.kind === "modified" || change.kind === "merged" || change.kind === "restored") {
      if (change.essay !== this.openId) {
        session.stale = true; // reconciled when it's opened again
        return;
      }
      if (!session.autosave.idle) {
        session.reloadWanted = true;
        return;
      }
      void this.reload(session);
    }
  }

  private async reload(session: Session): Promise<void> {
    session.reloadWanted = false;
    const version = session.version;
    let opened: OpenedEssay;
    try {
      opened = await this.backend.openEssay(session.id);
    } catch (error) {
      this.events.onError(`Couldn't load the changed file: ${toQuireError(error).message}`);
      return;
    }
    // The writer typed meanwhile: their text goes to the store first, then we look again.
    if (session.version !== version || !session.autosave.idle) {
      session.reloadWanted = true;
      return;
    }
    if (session.id === this.openId) {
      const spec = replaceDocument(this.view.state, opened.text);
      if (spec) this.view.dispatch(spec);
    } else {
      const spec = replaceDocument(session.state, opened.text);
      if (spec) session.state = session.state.update(spec).state;
    }
    session.dirty = opened.dirty;
    session.conflict = opened.conflict;
    session.path = opened.path;
    this.events.onSaveState();
  }

  private current(): Session | undefined {
    return this.openId === null ? undefined : this.sessions.get(this.openId);
  }

  /** Keeps the open essay's state (undo history, selection) in its session. */
  private stash(): void {
    const session = this.current();
    if (!session) return;
    session.state = this.view.state;
    void session.autosave.flush();
  }

  private newSession(opened: OpenedEssay, cursorAtEnd: boolean): Session {
    const id = opened.id;
    const session: Session = {
      id,
      path: opened.path,
      state: this.newState(opened.text, cursorAtEnd ? opened.text.length : 0),
      dirty: opened.dirty,
      version: 0,
      writing: false,
      writeError: null,
      conflict: opened.conflict,
      reloadWanted: false,
      stale: false,
      autosave: new AutosaveScheduler({
        save: (text) => this.backend.updateDraft(id, text),
        onStatus: (status) => {
          if (status.phase === "failed" && status.error) {
            this.events.onError(`Autosave failed: ${asSentence(status.error.message)} Quire keeps retrying.`, `autosave-${id}`);
          } else if (status.phase === "idle") {
            this.events.clearError(`autosave-${id}`);
            if (session.reloadWanted) void this.reload(session);
          }
          this.events.onSaveState();
        },
      }),
    };
    return session;
  }

  private newState(text: string, cursor = 0): EditorState {
    return EditorState.create({
      doc: text,
      selection: { anchor: cursor },
      extensions: [
        this.extra,
        markdownEditor({
          wrap: !hasHugeLine(text),
          onEdit: (text) => {
            const session = this.current();
            if (!session) return;
            session.version += 1;
            session.dirty = true;
            session.writeError = null;
            session.autosave.edited(text);
            this.events.onSaveState();
          },
          onDocChange: (text) => this.events.onText(this.openId, text),
          onBlur: () => void this.current()?.autosave.flush(),
        }),
      ],
    });
  }
}
