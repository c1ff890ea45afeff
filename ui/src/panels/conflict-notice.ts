// Conflicts in the open essay, as the writer meets them: a sticky notice while the file changed
// outside Quire in a way that overlaps their edits, with a button (and a palette action) that
// opens the conflict view (./conflict.ts, loaded on first use); a passing notice when outside
// changes were merged with theirs.

import * as ipc from "../ipc";
import type { Change } from "../ipc";
import type { Actions } from "../actions";
import type { Notices } from "../notices";
import type { Workspace } from "../workspace";

export interface ConflictContext {
  workspace: Workspace;
  notices: Notices;
  refreshList: (delay: number) => void;
  /** Essay `id` has new revisions (both sides of a resolved conflict). */
  historyChanged: (id: number) => void;
}

export class Conflicts {
  private readonly context: ConflictContext;
  private noticeFor: number | null = null;
  private viewOpen = false;

  constructor(context: ConflictContext, actions: Actions) {
    this.context = context;
    actions.add({
      id: "conflict.resolve",
      title: "Resolve conflict",
      group: "Essay",
      enabled: () => this.inConflict(),
      run: () => this.resolve(),
    });
  }

  /** A different essay (or none) is open: a conflict in it says so; one in another goes. */
  essayShown(id: number | null): void {
    const notices = this.context.notices;
    if (id !== null && this.inConflict()) this.showNotice(id);
    else if (this.noticeFor !== null && this.noticeFor !== id) {
      notices.dismiss(`conflict-${this.noticeFor}`);
      this.noticeFor = null;
    }
  }

  /** Any change to an essay: a conflict or a merge in the open one is told. */
  changed(change: Change): void {
    if (change.essay !== this.context.workspace.currentId) return;
    if (change.kind === "conflict") this.showNotice(change.essay);
    else if (change.kind === "merged") {
      this.context.notices.show("Changes made outside Quire were merged with yours.", { tone: "info", key: `merged-${change.essay}` });
    }
  }

  private inConflict(): boolean {
    const workspace = this.context.workspace;
    return workspace.currentId !== null && workspace.saveState()?.tone === "conflict";
  }

  /** The sticky notice for a conflict in the open essay, with a button that resolves it. */
  private showNotice(id: number): void {
    const notices = this.context.notices;
    if (this.noticeFor !== null && this.noticeFor !== id) notices.dismiss(`conflict-${this.noticeFor}`);
    this.noticeFor = id;
    notices.show(
      "The file changed outside Quire while you were writing, and the changes overlap. Your text stays here as a draft; both versions are kept in the essay's history.",
      { tone: "info", key: `conflict-${id}`, sticky: true, action: { label: "Resolve…", run: () => void this.resolve() } },
    );
  }

  /** Opens the conflict view for the open essay. */
  private async resolve(): Promise<void> {
    const { workspace, notices } = this.context;
    const id = workspace.currentId;
    if (id === null || this.viewOpen) return;
    // "Your text" is the draft in the store: make sure it has the last keystrokes.
    await workspace.flushAllAndWait();
    let hunks: ipc.ConflictHunk[] | null;
    try {
      hunks = await ipc.essayConflict(id);
    } catch (error) {
      notices.error(`Couldn't load the conflict: ${ipc.toQuireError(error).message}`, "conflict");
      return;
    }
    if (id !== workspace.currentId) return;
    if (!hunks) {
      notices.dismiss(`conflict-${id}`);
      notices.info("There is no conflict left to resolve in this essay.", "conflict");
      try {
        workspace.show(await ipc.openEssay(id));
      } catch {
        // The editor keeps what it shows; the notice above said what matters.
      }
      return;
    }
    this.viewOpen = true;
    let openConflictView: typeof import("./conflict").openConflictView;
    try {
      ({ openConflictView } = await import("./conflict"));
    } catch (error) {
      this.viewOpen = false;
      notices.error(`Couldn't show the conflict: ${ipc.toQuireError(error).message}`, "conflict");
      return;
    }
    if (id !== workspace.currentId) {
      this.viewOpen = false;
      return;
    }
    openConflictView(workspace.currentPath(), hunks, {
      resolve: async (choices) => {
        const opened = await ipc.resolveConflict(id, choices);
        workspace.show(opened);
        notices.dismiss(`conflict-${id}`);
        if (this.noticeFor === id) this.noticeFor = null;
        notices.show("Conflict resolved; both versions are in the history.", { tone: "info", key: "conflict" });
        this.context.refreshList(0);
        this.context.historyChanged(id);
      },
      onClose: () => {
        this.viewOpen = false;
        workspace.focus();
      },
    });
  }
}
