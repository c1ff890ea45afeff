// The panels beside the editor, wired to the open essay: the drawer at the window's right edge
// with its history, check and outline panels (one at a time), and the export dialog. Each is
// loaded the first time the writer opens it (see ../lazy.ts); until then nothing follows the
// essay for it. Problems found by a check or an export jump to their essay and line.

import { EditorView } from "@codemirror/view";
import * as ipc from "../ipc";
import type { Preview, ProblemInfo } from "../ipc";
import type { Actions } from "../actions";
import { askConfirm } from "../dialog";
import { onFirstUse } from "../lazy";
import type { Notices } from "../notices";
import type { Workspace } from "../workspace";
import type { LibraryPane } from "../library/pane";
import { Drawer } from "./drawer";
import type { CheckPanel } from "./checks";
import type { ExportDialog } from "./export";
import type { PublishDialog } from "./publish";
import type { HistoryPanel } from "./history";
import type { OutlinePanel } from "./outline";

export interface PanelElements {
  drawer: HTMLElement;
  checkBadge: HTMLButtonElement;
  showHistory: HTMLElement;
  openExport: HTMLElement;
  openPublish: HTMLElement;
  openChecks: HTMLElement;
}

export interface PanelContext {
  workspace: Workspace;
  library: LibraryPane;
  notices: Notices;
  /** Reloads the list of essays within `delay` ms. */
  refreshList: (delay: number) => void;
}

export class Panels {
  readonly drawer: Drawer;
  private readonly context: PanelContext;
  private readonly checkBadge: HTMLButtonElement;
  /** The history panel, once opened; until then nothing follows the essay's revisions. */
  private history: HistoryPanel | null = null;
  /** The check panel, once opened; until then there is no badge to keep up to date. */
  private checks: CheckPanel | null = null;
  /** The outline panel, once opened; until then the latest render's headings wait for it. */
  private outline: OutlinePanel | null = null;
  private latestOutline: Preview["outline"] = [];
  private readonly exportDialog: () => Promise<ExportDialog>;
  private readonly publishDialog: () => Promise<PublishDialog>;
  private readonly loadChecks: () => Promise<CheckPanel>;
  private readonly loadOutline: () => Promise<OutlinePanel>;
  private readonly loadHistory: () => Promise<HistoryPanel>;

  constructor(elements: PanelElements, context: PanelContext, actions: Actions) {
    this.context = context;
    const { workspace, library, notices } = context;
    this.drawer = new Drawer(elements.drawer, () => workspace.focus());
    this.checkBadge = elements.checkBadge;

    // What the export and publish dialogs know of the open essay: both read its file, so both
    // save it first.
    const essayHooks = {
      libraryRoot: async () => (await ipc.libraryInfo()).root,
      openEssay: () => {
        const id = workspace.currentId;
        if (id === null) return null;
        return {
          id,
          title: library.essay(id)?.title ?? "this essay",
          path: workspace.currentPath(),
          unsaved: workspace.unsaved(id) === true,
        };
      },
      save: () => workspace.save(),
      stillUnsaved: () => workspace.currentId !== null && workspace.unsaved(workspace.currentId) === true,
    };

    this.exportDialog = onFirstUse(async (): Promise<ExportDialog> => {
      const { ExportDialog } = await import("./export");
      return new ExportDialog({
        ...essayHooks,
        defaultFolder: ipc.exportFolder,
        chooseFolder: ipc.chooseFolder,
        exportEssays: ipc.exportEssays,
        showFolder: ipc.showFolder,
        jump: (problem) => void this.jumpToProblem(problem),
        storage: window.localStorage,
      });
    });

    this.publishDialog = onFirstUse(async (): Promise<PublishDialog> => {
      const { PublishDialog } = await import("./publish");
      return new PublishDialog({
        ...essayHooks,
        targets: ipc.publishTargets,
        addTarget: ipc.addPublishTarget,
        removeTarget: ipc.removePublishTarget,
        plan: ipc.publishPlan,
        publish: ipc.publishEssay,
        cancel: ipc.cancelPublish,
        openUrl: ipc.openExternal,
        revisionAdded: (id) => {
          this.essayChanged(id);
          notices.info("The site's text is kept in this essay's History (Ctrl+Shift+H).", "publish");
        },
        storage: window.localStorage,
      });
    });

    this.loadChecks = onFirstUse(async (): Promise<CheckPanel> => {
      const { CheckPanel, badgeText } = await import("./checks");
      this.checks = new CheckPanel({
        current: () => (workspace.currentId === null ? null : { id: workspace.currentId, text: workspace.view.state.doc.toString() }),
        check: ipc.checkEssays,
        jump: (problem) => void this.jumpToProblem(problem),
        onCounts: (counts) => {
          const badge = this.checkBadge;
          const text = counts ? badgeText(counts) : "";
          badge.textContent = text;
          badge.hidden = text === "";
          badge.dataset.tone = counts && counts.errors > 0 ? "error" : "warning";
        },
      });
      return this.checks;
    });

    this.loadOutline = onFirstUse(async (): Promise<OutlinePanel> => {
      const { OutlinePanel, moveToLine, writerLine } = await import("./outline");
      this.outline = new OutlinePanel({
        jump: (line) => moveToLine(workspace.view, line),
        currentLine: () => (workspace.currentId === null ? null : writerLine(workspace.view)),
      });
      this.outline.setOutline(this.latestOutline);
      return this.outline;
    });

    this.loadHistory = onFirstUse(async (): Promise<HistoryPanel> => {
      const { HistoryPanel, sourceLabel } = await import("./history");
      this.history = new HistoryPanel({
        essayId: () => workspace.currentId,
        currentText: () => workspace.view.state.doc.toString(),
        history: ipc.essayHistory,
        diff: ipc.revisionDiff,
        confirm: (revision, when) =>
          askConfirm({
            title: "Restore this version?",
            message: `The editor and the file will go back to the text as it was ${when} (${sourceLabel(revision.source).toLowerCase()}).`,
            detail: "Your current text stays in the history, so you can come back to it.",
            confirm: "Restore",
          }),
        restore: async (id, revision) => {
          // The store must hold the writer's latest text: restoring keeps it as a revision.
          await workspace.flushAllAndWait();
          const opened = await ipc.restoreRevision(id, revision.id);
          workspace.show(opened);
          context.refreshList(0);
        },
        onError: (message) => notices.error(message, "history"),
      });
      return this.history;
    });

    actions.add({ id: "export.open", title: "Export…", group: "Export", run: async () => (await this.exportDialog()).open() });
    actions.add({ id: "publish.open", title: "Publish…", group: "Export", run: async () => (await this.publishDialog()).open() });
    elements.openPublish.addEventListener("click", () => void this.publishDialog().then((dialog) => dialog.open()));
    actions.add({ id: "checks.open", title: "Check essays", group: "Export", run: () => this.toggleChecks() });
    elements.openExport.addEventListener("click", () => void this.exportDialog().then((dialog) => dialog.open()));
    elements.openChecks.addEventListener("click", () => void this.toggleChecks());
    this.checkBadge.addEventListener("click", () => {
      if (this.drawer.openId !== "checks") void this.toggleChecks();
    });

    const followOutline = () => this.outline?.follow();
    workspace.view.scrollDOM.addEventListener("scroll", followOutline, { passive: true });
    document.addEventListener("selectionchange", followOutline);
    workspace.view.dom.addEventListener("keyup", followOutline);
    actions.add({
      id: "outline.open",
      title: "Show outline",
      group: "Essay",
      run: async () => {
        if (this.drawer.openId === "outline") return this.drawer.close();
        const panel = await this.loadOutline();
        panel.opened();
        this.drawer.open(panel.panel);
      },
    });

    actions.add({
      id: "history.open",
      title: "Show history",
      group: "Essay",
      enabled: () => workspace.currentId !== null,
      run: () => this.toggleHistory(),
    });
    elements.showHistory.addEventListener("click", () => void this.toggleHistory());
  }

  /** The open essay's text changed: the history and the checks follow the writer's edits. */
  textChanged(id: number | null): void {
    this.history?.textChanged();
    this.checks?.textChanged(id);
  }

  /** A different essay (or none) is open: the history follows it. */
  essayOpened(): void {
    this.history?.essayOpened();
  }

  /** Essay `id` has a new revision the history should show. */
  essayChanged(id: number): void {
    this.history?.essayChanged(id);
  }

  /** Every preview render of the open essay: its headings, for the outline. */
  rendered(result: Preview): void {
    this.latestOutline = result.outline;
    this.outline?.setOutline(result.outline);
  }

  private async toggleHistory(): Promise<void> {
    if (this.drawer.openId === "history") return this.drawer.close();
    const panel = await this.loadHistory();
    this.drawer.open(panel.panel);
    panel.opened();
  }

  private async toggleChecks(): Promise<void> {
    if (this.drawer.openId === "checks") return this.drawer.close();
    const panel = await this.loadChecks();
    this.drawer.open(panel.panel);
    panel.opened();
  }

  /** Opens the problem's essay (if another is open) at its line, and puts the cursor there. */
  private async jumpToProblem(problem: ProblemInfo): Promise<void> {
    const workspace = this.context.workspace;
    if (problem.essayId === null) return;
    if (workspace.currentId !== problem.essayId && !(await workspace.open(problem.essayId))) return;
    const view = workspace.view;
    const line = view.state.doc.line(Math.min(Math.max(1, problem.line), view.state.doc.lines));
    view.dispatch({
      selection: { anchor: line.from },
      effects: EditorView.scrollIntoView(line.from, { y: "center" }),
      userEvent: "select",
    });
    view.focus();
  }
}
