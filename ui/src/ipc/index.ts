// The only module that imports @tauri-apps/*: typed wrappers over Quire's Tauri commands and
// events. Every rejection becomes a QuireError (see ./error.ts), so callers branch on `kind`
// and show `message`, never raw JSON.

import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { toQuireError, type QuireError } from "./error";
import type {
  Change,
  EssaySummary,
  LibraryInfo,
  OpenedEssay,
  OpenExternalRequest,
  Preview,
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
    return await invoke<T>(command, args);
  } catch (error) {
    throw toQuireError(error);
  }
}

export const libraryInfo = () => call<LibraryInfo>("library_info");
export const listEssays = () => call<EssaySummary[]>("list_essays");
export const searchEssays = (query: SearchQuery) =>
  call<SearchHit[]>("search_essays", { query: query.query, status: query.status, tag: query.tag });
export const openEssay = (id: number) => call<OpenedEssay>("open_essay", { id });
export const updateDraft = (id: number, text: string) => call<null>("update_draft", { id, text });
export const saveEssay = (id: number) => call<Change>("save_essay", { id });
export const createEssay = (title: string) => call<OpenedEssay>("create_essay", { title });
export const renameEssay = (id: number, name: string) => call<Change>("rename_essay", { id, name });
export const deleteEssay = (id: number) => call<Change>("delete_essay", { id });
/** `id` places the essay in its folder, so its relative images show in the preview. */
export const renderPreview = (text: string, id: number | null = null) =>
  call<Preview>("render_preview", { text, id });
export const openExternal = (url: string) => call<null>("open_external", { url });
/** Closes the window once its drafts are autosaved (after "flush-drafts"). */
export const closeWindow = () => call<null>("close_window");

export type Unlisten = () => void;

async function on<T>(event: string, handler: (payload: T) => void): Promise<Unlisten> {
  if (!hasBackend()) throw NO_BACKEND;
  try {
    return await listen<T>(event, (e) => handler(e.payload));
  } catch (error) {
    throw toQuireError(error);
  }
}

/** The library changed: an autosave, a save, an outside edit, a rename … */
export const onLibraryChange = (handler: (change: Change) => void) => on<Change>("library-change", handler);

/** A link was clicked in the preview; the UI asks the writer before calling openExternal. */
export const onOpenExternalRequest = (handler: (request: OpenExternalRequest) => void) =>
  on<OpenExternalRequest>("open-external-request", handler);

/** The window is closing: autosave every draft, then call closeWindow. */
export const onFlushDrafts = (handler: () => void) => on<null>("flush-drafts", () => handler());
