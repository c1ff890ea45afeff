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
import type { EssaySummary } from "../ipc";
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
  /**
   * Reads the whole list again (`begun`: its first page, already read); done once the list
   * shows it, with the list (null: it couldn't be read, and the window said so).
   */
  reload: (begun?: EssaySummary[] | null) => Promise<EssaySummary[] | null>;
}

/** How often the window asks how far a folder's first reading has come. */
export const READING_ASK_MS = 1000;

/** Nothing open in the editor, with or without a folder being read. */
const NO_ESSAY = "No essay is open.";
const READING = "Quire is reading the essays in this folder. Open one from the list as it fills, or start a new one.";

export class LibraryFolder {
  private readonly elements: FolderElements;
  private readonly context: FolderContext;
  /** The essays folder the window shows (its root path), once known. */
  private shownRoot: string | null = null;
  /** Counts the folders shown, so that following one's reading stops when another is shown. */
  private showings = 0;
  /**
   * Why a folder's watcher polls, by root, as heard since that folder was asked for: the news
   * can come before the folder is shown (its info said "events" while the watcher was still
   * setting up), and a watcher never turns back to events.
   */
  private readonly polling = new Map<string, string>();
  /**
   * Why a folder's watcher can't look at the folder, by root, until it says it can again: heard
   * the same way, and told once (the watcher says a failure again only when it changes).
   */
  private readonly failing = new Map<string, string>();

  constructor(elements: FolderElements, context: FolderContext, actions: Actions) {
    this.elements = elements;
    this.context = context;
    actions.add({ id: "library.open-folder", title: "Open folder…", group: "Library", run: () => void this.open() });
    elements.name.addEventListener("click", () => void this.open());
  }

  get root(): string | null {
    return this.shownRoot;
  }

  /** News of a folder's watcher (`watch-health`): shown when it is about the folder shown. */
  heard(news: ipc.WatchNews): void {
    const shown = news.root === this.shownRoot;
    if (news.state === "polling") {
      this.polling.set(news.root, news.message);
      if (shown) this.showPolling(news.message);
    } else {
      if (news.state === "failing") this.failing.set(news.root, news.message);
      else this.failing.delete(news.root);
      if (shown) this.context.library.setWatchTrouble(this.failing.get(news.root) ?? null);
    }
  }

  /** Outside edits are looked for every few seconds, for `reason` (told once, kept in sight). */
  private showPolling(reason: string): void {
    this.context.notices.show(reason, { tone: "info", key: "library-warning", sticky: true });
    this.context.library.setFooterNote("checking for outside edits every few seconds");
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
    // What is heard from here on is about the watcher of the folder asked for (a folder opened
    // again gets a new one, which may follow events where the last one polled).
    this.polling.clear();
    this.failing.clear();
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

  /**
   * Shows an essays folder: its list, and the essay last open there (else the newest). Done
   * once the essay is shown; a long list may still be coming in then.
   */
  private async show(info: ipc.LibraryInfo): Promise<void> {
    const { workspace, library, session, notices } = this.context;
    const showing = ++this.showings;
    this.shownRoot = info.root;
    library.setLibrary(info.name, info.root);
    this.elements.name.title = `${info.root}\nOpen another folder… (${keysOf("library.open-folder")})`;
    notices.dismiss("library-warning");
    const polling = info.warning ?? this.polling.get(info.root) ?? null;
    if (polling) this.showPolling(polling);
    else library.setFooterNote("");
    if (info.askedTrouble) notices.show(info.askedTrouble, { tone: "error", key: "asked", sticky: true });
    // A long list (at 100,000 essays, reading it whole kept the essay off the screen for ~1 s)
    // comes in pages once the essay is shown, when that essay is known to be listed: the one
    // asked for, or the one last open there (the core found it listed). Otherwise the essay is
    // chosen from the whole list.
    const known = info.askedEssay ?? info.remembered;
    const later = info.more && known !== null;
    let essays: EssaySummary[] | null = info.essays;
    if (info.more && !later) essays = await this.context.reload(info.essays);
    if (showing !== this.showings) return;
    // The essay asked for (a file opened from the file manager), else the one the writer had
    // open: its preview is being rendered while the list is drawn.
    const again =
      info.askedEssay !== null
        ? { id: info.askedEssay, cursor: 0, top: 1 }
        : essayToReopen(session.current, info.root, later ? [known!] : (essays ?? []).map((essay) => essay.id));
    const reopened = again !== null && (await workspace.open(again.id));
    mark("essay");
    if (again && reopened) placeCursor(workspace.view, again);
    if (!info.more) library.setEssays(info.essays);
    library.setWatchTrouble(this.failing.get(info.root) ?? null);
    library.setReadAs(info.readAs);
    library.setReading(info.reading);
    if (later) library.awaitEssays();
    const listed = later ? this.context.reload(info.essays) : Promise.resolve(essays);
    void listed.then(() => showing === this.showings && mark("listed"));
    if (info.reading) void this.followReading(showing);
    if (reopened) {
      // The window's title names the essay once its row is in the list.
      void listed.then(() => showing === this.showings && this.context.shown(workspace.currentId));
      return;
    }
    essays = await listed;
    if (showing !== this.showings) return;
    // While the folder is read, its newest essay may not have been read yet: the editor
    // waits for the reading (or for the writer's choice) rather than open one at random.
    const first = info.reading ? null : (startupEssay(library.visibleEssays()) ?? startupEssay(essays ?? []));
    if (!first || !(await workspace.open(first.id))) this.showNoEssay(info.reading !== null);
  }

  private showNoEssay(reading: boolean): void {
    this.elements.editorEmptyText.textContent = reading ? READING : NO_ESSAY;
    this.elements.editorEmpty.hidden = false;
  }

  /**
   * Follows a folder's first reading (100,000 essays take about 40 s): the line above the
   * footer says how far it has come every second; the list is read again as essays arrive, but
   * no more than a tenth of the time (at 100,000 one reading of the list keeps the page busy
   * ~0.45 s and the store ~0.2 s, both taken from the reading itself on two cores), and once
   * more at the end, when the newest essay is opened if the writer has not opened one meanwhile.
   */
  private async followReading(showing: number): Promise<void> {
    const { library, workspace } = this.context;
    let read = -1;
    let nextReading = 0;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, READING_ASK_MS));
      if (showing !== this.showings) return;
      let now: ipc.ReadProgress | null;
      try {
        now = await ipc.libraryReading();
      } catch {
        now = null; // The core can't say: the list as it is now, then.
      }
      if (showing !== this.showings) return;
      if (now === null) break;
      library.setReading(now);
      if (now.read !== read && performance.now() >= nextReading) {
        read = now.read;
        const began = performance.now();
        await this.context.reload();
        const took = performance.now() - began;
        nextReading = performance.now() + 9 * took;
      }
    }
    library.setReading(null);
    await this.context.reload();
    if (showing !== this.showings || workspace.currentId !== null) return;
    const first = startupEssay(library.visibleEssays());
    if (first && (await workspace.open(first.id))) this.context.shown(workspace.currentId);
    else if (workspace.currentId === null) this.showNoEssay(false);
  }
}
