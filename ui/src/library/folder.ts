// The essays folder the window shows, and switching to another: its list, its warning, and the
// essay the writer had open there last (with its cursor), else the newest. Switching stores
// every draft of the folder being left first, and keeps it open if the other can't be opened.

import * as ipc from "../ipc";
import type { Actions } from "../actions";
import { keysOf } from "../keymap";
import type { Notices } from "../notices";
import type { Session } from "../session";
import { essayToReopen, placeCursor } from "../session";
import type { Workspace } from "../workspace";
import { startupEssay } from "./filter";
import type { LibraryPane } from "./pane";
import { mark } from "../timing";

export interface FolderElements {
  /** The folder's name atop the library pane: clicking it opens another. */
  name: HTMLElement;
  editorEmpty: HTMLElement;
  editorEmptyText: HTMLElement;
}

export interface FolderContext {
  workspace: Workspace;
  library: LibraryPane;
  session: Session;
  notices: Notices;
  /** Everything that belongs to the folder being left goes: panels, counts. */
  leaving: () => void;
  /** The essays are listed now; the window's title can name the open one. */
  shown: (openId: number | null) => void;
}

export class LibraryFolder {
  private readonly elements: FolderElements;
  private readonly context: FolderContext;
  /** The essays folder the window shows (its root path), once known. */
  private shownRoot: string | null = null;

  constructor(elements: FolderElements, context: FolderContext, actions: Actions) {
    this.elements = elements;
    this.context = context;
    actions.add({ id: "library.open-folder", title: "Open folder…", group: "Library", run: () => void this.open() });
    elements.name.addEventListener("click", () => void this.open());
  }

  get root(): string | null {
    return this.shownRoot;
  }

  /** Shows the folder the core opened at startup (`begun`, the window's start), once `ready` (events, remembered settings). */
  async start(begun: Promise<ipc.WindowStart>, ready: () => Promise<void>): Promise<void> {
    let info: ipc.LibraryInfo;
    try {
      info = (await begun).library;
    } catch (error) {
      const message = ipc.toQuireError(error).message;
      this.context.notices.error(`Couldn't open your essays. ${message}`, "library");
      this.context.library.setEmptyMessage("Your essays couldn't be loaded.");
      this.elements.editorEmptyText.textContent = "Your essays couldn't be loaded.";
      this.elements.editorEmpty.hidden = false;
      return;
    }
    mark("library");
    await ready();
    mark("ready-to-show");
    await this.show(info);
  }

  /**
   * Opens another essays folder: `path`, else one the writer picks. The drafts of this one are
   * stored first; if the folder can't be opened, this one stays open.
   */
  async open(path: string | null = null): Promise<boolean> {
    const { workspace, session, notices } = this.context;
    let folder = path;
    if (folder === null) {
      try {
        folder = await ipc.chooseFolder("Open an essays folder", this.shownRoot);
      } catch (error) {
        notices.error(`Couldn't show the folder picker: ${ipc.toQuireError(error).message}`, "open-folder");
        return false;
      }
    }
    if (!folder) return false;
    // Switching forgets the open essays' editors: only once every draft is in the store.
    const [stored] = await Promise.all([workspace.flushAllStored(), session.flush(true).catch(() => undefined)]);
    if (!stored) {
      notices.error("Your latest changes couldn't be stored yet, so this folder stays open. Try again in a moment.", "open-folder");
      return false;
    }
    let info: ipc.LibraryInfo;
    try {
      info = await ipc.openLibrary(folder);
    } catch (error) {
      notices.error(
        `Couldn't open ${folder}: ${ipc.asSentence(ipc.toQuireError(error).message)} Your essays in ${this.shownRoot ?? "this folder"} stay open.`,
        "open-folder",
      );
      return false;
    }
    notices.dismiss("open-folder");
    this.context.leaving();
    workspace.forgetAll();
    await this.show(info);
    return true;
  }

  /** Shows an essays folder: its list, and the essay last open there (else the newest). */
  private async show(info: ipc.LibraryInfo): Promise<void> {
    const { workspace, library, session, notices } = this.context;
    this.shownRoot = info.root;
    library.setLibrary(info.name, info.root);
    this.elements.name.title = `${info.root}\nOpen another folder… (${keysOf("library.open-folder")})`;
    notices.dismiss("library-warning");
    if (info.warning) notices.show(info.warning, { tone: "info", key: "library-warning", sticky: true });
    if (info.askedTrouble) notices.show(info.askedTrouble, { tone: "error", key: "asked", sticky: true });
    // The essay asked for (a file opened from the file manager), else the one the writer had
    // open: its preview is being rendered while the list is drawn.
    const again =
      info.askedEssay !== null
        ? { id: info.askedEssay, cursor: 0, top: 1 }
        : essayToReopen(session.current, info.root, info.essays.map((essay) => essay.id));
    const reopened = again !== null && (await workspace.open(again.id));
    mark("essay");
    if (again && reopened) placeCursor(workspace.view, again);
    library.setEssays(info.essays);
    library.setWatchTrouble(null);
    library.setFooterNote(info.watching === "polling" ? "checking for outside edits every few seconds" : "");
    library.setReadAs(info.readAs);
    mark("listed");
    if (reopened) {
      this.context.shown(workspace.currentId);
      return;
    }
    const first = startupEssay(library.visibleEssays()) ?? startupEssay(info.essays);
    if (!first || !(await workspace.open(first.id))) this.elements.editorEmpty.hidden = false;
  }
}
