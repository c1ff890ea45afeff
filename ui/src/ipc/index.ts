// The only module that imports @tauri-apps/*: typed wrappers over Quire's Tauri commands and
// events. Every rejection becomes a QuireError (see ./error.ts), so callers branch on `kind`
// and show `message`, never raw JSON.

import { Channel, invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { toQuireError, type QuireError } from "./error";
import { measured } from "../timing";
import type {
  AddedImage,
  Change,
  CheckResult,
  ConflictChoice,
  ConflictHunk,
  DiffSpan,
  EssaySummary,
  ExportOutcome,
  ExportProgress,
  ExportRequest,
  LibraryInfo,
  ListedChange,
  NewPublishTarget,
  ReadProgress,
  OpenedEssay,
  PublishOutcome,
  PublishPlan,
  PublishProgress,
  PublishRequest,
  PublishTarget,
  OpenExternalRequest,
  Preview,
  TextEdit,
  RevisionInfo,
  WatchNews,
  WindowStart,
  SearchHit,
  SearchQuery,
} from "./types";

export type * from "./types";
export { toQuireError, isQuireError, describeError, asSentence, type QuireError } from "./error";

/** True inside the desktop app; false when the UI is served by a plain web server. */
export function hasBackend(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

const NO_BACKEND: QuireError = {
  kind: "internal",
  message: "Quire's core is not reachable: this window is not running inside the Quire desktop app.",
};

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  if (!hasBackend()) throw NO_BACKEND;
  try {
    return await measured(command, invoke<T>(command, args));
  } catch (error) {
    throw toQuireError(error);
  }
}

/**
 * What index.html asked the core for before this script loaded (see there): the window's
 * start, and the events it listens to from the start. Absent outside the app, and where the
 * page's own script could not run.
 */
interface EarlyStart {
  start: Promise<WindowStart>;
  events: string[];
  listening: Promise<unknown>;
  heard: Array<{ event: string; payload: unknown }>;
  hear: ((event: { event: string; payload: unknown }) => void) | null;
}

declare global {
  interface Window {
    __earlyStart?: EarlyStart;
  }
}

const early: EarlyStart | undefined = typeof window === "undefined" ? undefined : window.__earlyStart;
let startTaken = false;

/**
 * The folder, the saved settings, and the essay to reopen with its first preview: the answer
 * to index.html's early request the first time, else asked now.
 */
export async function windowStart(): Promise<WindowStart> {
  let start: WindowStart;
  if (early && !startTaken) {
    startTaken = true;
    try {
      start = await early.start;
    } catch (error) {
      throw toQuireError(error);
    }
  } else {
    start = await call<WindowStart>("window_start");
  }
  first = start.essay ? { essay: start.essay, preview: start.preview, opened: false } : null;
  return start;
}

/**
 * The essay windowStart brought and its first render: what the window's first `openEssay`
 * and `renderPreview` answer, once each, when they ask for that essay (and that text, with no
 * page held), unless the essay changed since (a `library-change` for it was heard).
 */
let first: { essay: OpenedEssay; preview: Preview | null; opened: boolean } | null = null;

function takeFirstEssay(id: number): OpenedEssay | null {
  if (first && !first.opened && first.essay.id === id) {
    first.opened = true;
    return first.essay;
  }
  first = null;
  return null;
}

function takeFirstRender(text: string | TextEdit, id: number | null, shell: string | null, base: number | null): Preview | null {
  const held = first;
  first = null;
  const same = held?.preview && text === held.essay.text && id === held.essay.id && shell === null && base === null;
  return same ? held.preview : null;
}

export const libraryInfo = () => call<LibraryInfo>("library_info");
export const libraryReading = () => call<ReadProgress | null>("library_reading");
/** The list, whole, or a page of it: the essays after `after` in id order, at most `limit`. */
export const listEssays = (after: number | null = null, limit: number | null = null) =>
  call<EssaySummary[]>("list_essays", { after, limit });
export const searchEssays = (query: SearchQuery) =>
  call<SearchHit[]>("search_essays", { query: query.query, status: query.status, tag: query.tag });
export const openEssay = (id: number) => {
  const opened = takeFirstEssay(id);
  return opened ? Promise.resolve(opened) : call<OpenedEssay>("open_essay", { id });
};
export const updateDraft = (id: number, text: string) => call<null>("update_draft", { id, text });
export const saveEssay = (id: number) => call<Change>("save_essay", { id });
export const createEssay = (title: string) => call<OpenedEssay>("create_essay", { title });
export const renameEssay = (id: number, name: string) => call<Change>("rename_essay", { id, name });
export const deleteEssay = (id: number) => call<Change>("delete_essay", { id });
/** `id` places the essay in its folder, so its relative images show in the preview. */
/** `shell`: the key of the page shell the preview has, which is then not sent again. */
/**
 * `text`: the whole text, or its change from the last render's (fails with kind "stale" when the
 * core no longer has that one). `shell` and `base`: the shell key and blocks generation the pane
 * holds (sent no more).
 */
export const renderPreview = (
  text: string | TextEdit,
  id: number | null = null,
  shell: string | null = null,
  base: number | null = null,
) => {
  const rendered = takeFirstRender(text, id, shell, base);
  if (rendered) return Promise.resolve(rendered);
  return call<Preview>(
    "render_preview",
    typeof text === "string" ? { text, id, shell, base } : { edit: text, id, shell, base },
  );
};
export const openExternal = (url: string) => call<null>("open_external", { url });
/** Closes the window once its drafts are autosaved (after "flush-drafts"). */
export const closeWindow = () => call<null>("close_window");
/** "Quire 0.1.0 (commit 3856626)". */
export const about = () => call<string>("about");

// --- The panels ------------------------------------------------------------------------------

/** The essay's revisions, newest first. */
export const essayHistory = (id: number) => call<RevisionInfo[]>("essay_history", { id });
/** Word diff from a revision (old) to `text` (the editor's text now). */
export const revisionDiff = (revision: number, text: string) => call<DiffSpan[]>("revision_diff", { revision, text });
/** Brings a revision back (file written, recorded as a revision); returns the essay as it is now. */
export const restoreRevision = (id: number, revision: number) =>
  call<OpenedEssay>("restore_revision", { id, revision });
/** The conflict between the draft and the file changed outside Quire, or null. */
export const essayConflict = (id: number) => call<ConflictHunk[] | null>("essay_conflict", { id });
/** One choice per conflicting hunk, in order; the result is written to the file. */
export const resolveConflict = (id: number, choices: ConflictChoice[]) =>
  call<OpenedEssay>("resolve_conflict", { id, choices });
/** Pre-publish checks of the folder; the open essay's text comes from the editor when given. */
export const checkEssays = (id: number | null, text: string | null) => call<CheckResult>("check_essays", { id, text });
/** The folder exports go to unless another is picked. */
export const exportFolder = () => call<string>("export_folder");
/** Exports a post, a standalone file or the site, reporting progress as it goes. */
export async function exportEssays(request: ExportRequest, onProgress: (p: ExportProgress) => void): Promise<ExportOutcome> {
  if (!hasBackend()) throw NO_BACKEND;
  const channel = new Channel<ExportProgress>();
  channel.onmessage = onProgress;
  return call<ExportOutcome>("export_essays", { request, onProgress: channel });
}
/** The publishing targets, by name. */
export const publishTargets = () => call<PublishTarget[]>("publish_targets");
/** Adds a target once the site has said its settings work; the secret goes to the keyring. */
export const addPublishTarget = (target: NewPublishTarget) => call<PublishTarget[]>("add_publish_target", { target });
/** Forgets a target, its secret and its records; the posts stay on the site. */
export const removePublishTarget = (name: string) => call<PublishTarget[]>("remove_publish_target", { name });
/** How the essay would go out and where it already is (no server is asked). */
export const publishPlan = (id: number) => call<PublishPlan>("publish_plan", { id });
/** Publishes the essay, reporting each step; a change made on the site comes back as a drift. */
export async function publishEssay(request: PublishRequest, onProgress: (p: PublishProgress) => void): Promise<PublishOutcome> {
  if (!hasBackend()) throw NO_BACKEND;
  const channel = new Channel<PublishProgress>();
  channel.onmessage = onProgress;
  return call<PublishOutcome>("publish_essay", { request, onProgress: channel });
}
/** Stops the publish under way before its next request. */
export const cancelPublish = () => call<null>("cancel_publish");
/** The system's folder picker; null when the writer cancels. */
export const chooseFolder = (title: string, start: string | null = null) =>
  call<string | null>("choose_folder", { title, start });
/** Shows the folder the last export wrote to in the file manager (only that folder). */
export const showFolder = (path: string) => call<null>("show_folder", { path });
/** Copies an image into assets/ beside the essay; returns the relative link to insert. */
export async function addImage(id: number, name: string, bytes: Uint8Array): Promise<AddedImage> {
  if (!hasBackend()) throw NO_BACKEND;
  try {
    return await invoke<AddedImage>("add_image", bytes, {
      headers: { "x-essay-id": String(id), "x-file-name": encodeURIComponent(name) },
    });
  } catch (error) {
    throw toQuireError(error);
  }
}
/** Opens another essays folder in this window. */
export const openLibrary = (path: string) => call<LibraryInfo>("open_library", { path });
/** The window's saved settings (null on a first run). */
export const loadUiState = () => call<unknown>("load_ui_state");
export const saveUiState = (value: unknown) => call<null>("save_ui_state", { value });

export type Unlisten = () => void;

/** Handlers of the events index.html listens to, by event name. */
const earlyHandlers = new Map<string, (payload: unknown) => void>();

/**
 * Takes over one of the events index.html started listening to: what was heard before this
 * handler existed is delivered first, in order. Null for an event it does not listen to.
 */
function onEarly<T>(event: string, handler: (payload: T) => void): Promise<Unlisten> | null {
  if (!early?.events.includes(event)) return null;
  earlyHandlers.set(event, handler as (payload: unknown) => void);
  const deliver = (heard: { event: string; payload: unknown }) => {
    if (heard.event === "library-change" && first?.essay.id === (heard.payload as Change).essay) first = null;
    const to = earlyHandlers.get(heard.event);
    if (to) to(heard.payload);
    else early.heard.push(heard);
  };
  const waiting = early.heard.splice(0);
  early.hear = deliver;
  for (const heard of waiting) deliver(heard);
  return early.listening.then(
    // The window listens to these for as long as it lives.
    () => () => earlyHandlers.delete(event),
    (error: unknown) => {
      throw toQuireError(error);
    },
  );
}

async function on<T>(event: string, handler: (payload: T) => void): Promise<Unlisten> {
  if (!hasBackend()) throw NO_BACKEND;
  const taken = onEarly(event, handler);
  if (taken) return taken;
  try {
    return await listen<T>(event, (e) => handler(e.payload));
  } catch (error) {
    throw toQuireError(error);
  }
}

/** The library changed: a save, an outside edit, a rename …, with the essay's list row now. */
export const onLibraryChange = (handler: (change: ListedChange) => void) => on<ListedChange>("library-change", handler);

/**
 * How a folder's watcher takes outside edits in: it polls (from its set-up, or since events ran
 * out), it could not take them in (a locked or broken store), or it can again.
 */
export const onWatchHealth = (handler: (news: WatchNews) => void) => on<WatchNews>("watch-health", handler);

/** A link was clicked in the preview; the UI asks the writer before calling openExternal. */
export const onOpenExternalRequest = (handler: (request: OpenExternalRequest) => void) =>
  on<OpenExternalRequest>("open-external-request", handler);

/** The window is closing: autosave every draft, then call closeWindow. */
export const onFlushDrafts = (handler: () => void) => on<null>("flush-drafts", () => handler());

/**
 * Puts the window in (or out of) real full screen. Rejects (as a QuireError) outside the app
 * or when the window system refuses; the in-page distraction-free mode works without it.
 */
export async function setFullscreen(on: boolean): Promise<void> {
  if (!hasBackend()) throw NO_BACKEND;
  try {
    const { getCurrentWindow } = await import("@tauri-apps/api/window");
    await getCurrentWindow().setFullscreen(on);
  } catch (error) {
    throw toQuireError(error);
  }
}
