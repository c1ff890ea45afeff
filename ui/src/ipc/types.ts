// The shapes that cross the IPC boundary. Those the Rust shell sends or takes are generated
// from its types (./generated.ts, see src-tauri/src/ipc_types.rs); only the few shapes that
// have no Rust type of their own are written here. Nothing here imports Tauri: the UI can use
// these types anywhere.

export type * from "./generated";
import type { Change, Status } from "./generated";

/** What happened to an essay ("added", "renamed", …). */
export type ChangeKind = Change["kind"];

/** Where a change came from (the same words as `Source`). */
export type ChangeSource = Change["source"];

/** The library pane's search: its arguments to `search_essays`. */
export interface SearchQuery {
  query: string;
  status: Status | null;
  tag: string | null;
}

/** The payload of `open-external-request` (a web or mail link clicked in the preview). */
export interface OpenExternalRequest {
  url: string;
}
