// The library pane wired to the core: the list kept current (bursts of changes coalesced into
// one reload), and the writer's New, Rename and Delete, each asked for in a dialog, done through
// IPC, and followed in the editor. Changes from outside (another program, the store) refresh
// the list here too.

import * as ipc from "../ipc";
import type { EssaySummary, ListedChange } from "../ipc";
import type { Actions } from "../actions";
import { keysOf } from "../keymap";
import { askConfirm, askText } from "../dialog";
import type { Notices } from "../notices";
import type { Workspace } from "../workspace";
import { mergeSorted, normaliseFileName, sortEssays, type SortOrder } from "./filter";
import { LibraryPane, type LibraryElements, type SortedList } from "./pane";
import { timed } from "../timing";

/** Rows changed by a burst this big (a pull of many files) come with one reading of the list. */
const FOLLOW_AT_MOST = 500;

/** The rows asked for per page of the list. */
export const LIST_PAGE = 5000;

/**
 * The whole list, read a page at a time: at 100,000 essays one answer of 18 MB kept the page
 * busy for half a second; a page takes it a few milliseconds, and the window takes typing
 * between pages. `begun`: the list's first page, already read, when the list goes on past it
 * (a window's first look at a big folder: `LibraryInfo.more`, whatever size the core's page).
 * `page` is given each page as it comes (`begun` first), between the calls.
 */
export async function readList(
  begun: EssaySummary[] | null = null,
  page: (rows: EssaySummary[]) => void = () => {},
): Promise<EssaySummary[]> {
  const rows: EssaySummary[] = begun ? [...begun] : [];
  if (begun) page(begun);
  let after = rows.length ? rows[rows.length - 1]!.id : null;
  for (;;) {
    const next = await ipc.listEssays(after, LIST_PAGE);
    for (const row of next) rows.push(row);
    page(next);
    if (next.length < LIST_PAGE) return rows;
    after = next[next.length - 1]!.id;
  }
}

/**
 * The whole list as `readList` reads it, and the same essays in `order`, sorted as the pages
 * arrive so that the list's arrival does not end in one long sort (at 100,000 essays sorting
 * the whole list took ~0.2 s in which typing waited, and merging 20 sorted pages at the end
 * still ~0.1 s). Each page is sorted, then merged with the runs before it as a binary counter
 * does (two runs of about the same length become one): there, the biggest merge (two runs of
 * 40,000) took 55-73 ms, and all the pages' sorting and merging ~160-200 ms, between pages.
 */
export async function readSortedList(order: SortOrder, begun: EssaySummary[] | null = null): Promise<{ essays: EssaySummary[]; sorted: SortedList }> {
  const runs: EssaySummary[][] = [];
  const essays = await readList(begun, (rows) =>
    timed("list-page-merged", () => {
      runs.push(sortEssays(rows, order));
      while (runs.length > 1 && runs[runs.length - 2]!.length <= 1.5 * runs[runs.length - 1]!.length) {
        const last = runs.pop()!;
        runs.push(mergeSorted([runs.pop()!, last], order));
      }
    }),
  );
  // The runs left, shortest last: merged from the shortest up, each merge as short as can be.
  const sorted = timed("list-merged", () => {
    let merged = runs.pop() ?? [];
    while (runs.length) merged = mergeSorted([runs.pop()!, merged], order);
    return merged;
  });
  return { essays, sorted: { order, essays: sorted } };
}

export class Essays {
  readonly pane: LibraryPane;
  private readonly workspace: Workspace;
  private readonly notices: Notices;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private refreshDue = 0;
  /** Rows heard with changes, not yet in the list (a burst of changes lands at once). */
  private heard = new Map<number, EssaySummary | null>();
  private heardTimer: ReturnType<typeof setTimeout> | null = null;
  /**
   * The rows followed while a reading of the whole list was on its way, by essay, with when (a
   * count of followings): that reading may answer with rows older than these.
   */
  private followed = new Map<number, { at: number; summary: EssaySummary | null }>();
  private followings = 0;
  private readings = 0;

  constructor(elements: LibraryElements, workspace: Workspace, notices: Notices, actions: Actions) {
    this.workspace = workspace;
    this.notices = notices;
    this.pane = new LibraryPane(elements, {
      open: (id, write) => void workspace.open(id).then((opened) => opened && write && workspace.focus()),
      create: () => void this.create(),
      rename: (essay) => void this.rename(essay),
      remove: (essay) => void this.remove(essay),
      search: (query) => ipc.searchEssays(query),
      unsaved: (id) => workspace.unsaved(id),
      onError: (message) => notices.error(message, "search"),
    });
    actions.add({ id: "essay.new", title: "New essay", group: "Essay", run: () => this.create() });
  }

  /** Reloads the list within `delay` ms, coalescing bursts of changes into one call. */
  refresh(delay = 100): void {
    const due = Date.now() + delay;
    if (this.refreshTimer !== null) {
      if (this.refreshDue <= due) return; // one is coming sooner anyway
      clearTimeout(this.refreshTimer);
    }
    this.refreshDue = due;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      void this.reload();
    }, delay);
  }

  /**
   * Reads the whole list again now (`begun`: its first page, already read); done when the list
   * shows it, with the list, or null when it couldn't (and says why).
   */
  async reload(begun: EssaySummary[] | null = null): Promise<EssaySummary[] | null> {
    const asked = this.followings;
    this.readings++;
    try {
      const { essays, sorted } = await readSortedList(this.pane.order, begun);
      timed("list-shown", () => this.pane.setEssays(essays, sorted));
      this.notices.dismiss("list");
      const newer = [...this.followed].filter(([, row]) => row.at > asked);
      if (newer.length) this.pane.follow(new Map(newer.map(([id, row]) => [id, row.summary])));
      return essays;
    } catch (error) {
      this.notices.error(`Couldn't refresh the list of essays: ${ipc.toQuireError(error).message}`, "list");
      return null;
    } finally {
      if (--this.readings === 0) this.followed.clear();
    }
  }

  /** The list takes the rows of the essays that changed, within 100 ms (bursts coalesced). */
  private follow(essay: number, summary: EssaySummary | null): void {
    this.heard.set(essay, summary);
    if (this.heardTimer !== null) return;
    this.heardTimer = setTimeout(() => {
      this.heardTimer = null;
      const heard = this.heard;
      this.heard = new Map();
      if (heard.size > FOLLOW_AT_MOST) {
        this.refresh(0);
        return;
      }
      const at = ++this.followings;
      // Only a reading already asked for can answer with rows older than these.
      if (this.readings > 0) for (const [id, summary] of heard) this.followed.set(id, { at, summary });
      this.pane.follow(heard);
    }, 100);
  }

  /** Any change to an essay (after the editor and the panels had theirs): the list follows. */
  changed(change: ListedChange): void {
    if (change.essay === this.workspace.currentId && change.kind === "removed" && change.source === "disk") {
      this.notices.show(`This essay's file was deleted outside Quire. Your text is kept; press ${keysOf("essay.save")} to write the file again.`, {
        tone: "info",
        key: `removed-${change.essay}`,
        sticky: true,
      });
    }
    // The change brings the essay's row: the list takes it without reading every essay again
    // (at 100,000 essays that read held the window up for ~0.4 s after every save).
    if (change.summaryKnown) this.follow(change.essay, change.summary);
    else this.refresh(100);
  }

  /** New: asks for a title, creates the essay and opens it with the cursor at its end. */
  async create(): Promise<void> {
    const title = await askText({
      title: "New essay",
      label: "Title",
      placeholder: "What is it about?",
      confirm: "Create",
    });
    if (title === null) return;
    try {
      const opened = await ipc.createEssay(title);
      this.workspace.show(opened, { cursorAtEnd: true });
      this.workspace.focus();
    } catch (error) {
      this.notices.error(`Couldn't create the essay: ${ipc.toQuireError(error).message}`);
    }
    this.refresh(0);
  }

  private async rename(essay: EssaySummary): Promise<void> {
    const current = essay.path?.split("/").pop() ?? "";
    const name = await askText({
      title: `Rename “${essay.title}”`,
      label: "File name",
      value: current || `${slug(essay.title)}.md`,
      confirm: "Rename",
      validate: (value) => (/[/\\]/.test(value) ? "A file name can't contain / or \\." : null),
    });
    if (name === null) return;
    const fileName = normaliseFileName(name);
    if (fileName === current) return;
    try {
      const change = await ipc.renameEssay(essay.id, fileName);
      this.workspace.renamed(essay.id, change.path);
    } catch (error) {
      this.notices.error(`Couldn't rename the essay: ${ipc.toQuireError(error).message}`);
    }
    this.refresh(0);
  }

  private async remove(essay: EssaySummary): Promise<void> {
    const confirmed = await askConfirm({
      title: "Delete this essay?",
      message: `“${essay.title}” will be removed from the library${essay.path ? ` and ${essay.path} deleted` : ""}.`,
      detail: "Its text stays in Quire's history, so you can restore it later.",
      confirm: "Delete",
      danger: true,
    });
    if (!confirmed) return;
    const workspace = this.workspace;
    const wasOpen = workspace.currentId === essay.id;
    try {
      await ipc.deleteEssay(essay.id);
    } catch (error) {
      this.notices.error(`Couldn't delete the essay: ${ipc.toQuireError(error).message}`);
      return;
    }
    workspace.forget(essay.id);
    try {
      const { essays, sorted } = await readSortedList(this.pane.order);
      this.pane.setEssays(essays, sorted);
      if (wasOpen) {
        const next = this.pane.visibleEssays()[0];
        if (next) await workspace.open(next.id);
      }
    } catch (error) {
      this.notices.error(`Couldn't refresh the list of essays: ${ipc.toQuireError(error).message}`, "list");
    }
  }
}

/** A file name for an essay's title: "Café au lait!" → "cafe-au-lait". */
export function slug(title: string): string {
  return (
    title
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "untitled"
  );
}
