// Wires Quire's window: the three panes, the IPC events, the keyboard shortcuts, startup.

import "./styles.css";
import * as ipc from "./ipc";
import type { Change, EssaySummary, Preview } from "./ipc";
import { Workspace } from "./workspace";
import { LibraryPane } from "./library/pane";
import { normaliseFileName, startupEssay } from "./library/filter";
import { PreviewPane } from "./preview/pane";
import { CoalescingRenderer } from "./preview/renderer";
import { textEdit } from "./preview/edit";
import { editorTopLine, scrollEditorToLine } from "./preview/editor";
import { unwrapHref } from "./preview/links";
import { Notices } from "./notices";
import { Layout } from "./layout";
import { askConfirm, askText } from "./dialog";
import { countWords, formatReadingTime, formatWords, readingMinutes } from "./editor/stats";
import type { EditorView } from "@codemirror/view";
import { actions } from "./actions";
import { Drawer } from "./panels/drawer";
// The panels, dialogs and pickers load on first use (see `onFirstUse`): the first paint needs none of them.
import type { HistoryPanel } from "./panels/history";
import type { ExportDialog } from "./panels/export";
import type { CheckPanel } from "./panels/checks";
import type { ProblemInfo } from "./ipc";
import { EditorView as CodeMirrorView } from "@codemirror/view";
import { ModeSwitch } from "./editor/modes";
import type { OutlinePanel } from "./panels/outline";
import { imageDrops } from "./editor/images";
import { Session, essayToReopen, placeCursor, type Snapshot } from "./session";
import { firstVisibleLine as topLineOf } from "./editor/setup";

declare global {
  interface Window {
    __quire?: {
      view: () => EditorView;
      openEssayId: () => number | null;
      saveState: () => string;
      /** Opens another essays folder as the "Open folder…" action does after the picker. */
      openFolder?: (path: string) => Promise<boolean>;
      /** Closes the window the way its close button does (drafts and settings saved first). */
      closeWindow?: () => void;
    };
  }
}

/**
 * A module loaded the first time it is asked for (a chunk of its own, from the app's own
 * origin); later calls get the same promise. A failed load is tried again on the next use.
 */
function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | null = null;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = null;
      throw error;
    }));
}

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`index.html lacks #${id}`);
  return element as T;
}

const notices = new Notices(byId("error-banner"));

// --- Remembering (window size, panes, last essay and cursor per folder) --------------------
// Created first: the panes and the editor report their changes to it as they are built.
const session = new Session({
  load: ipc.loadUiState,
  save: ipc.saveUiState,
  snapshot: () => snapshotNow(),
});

// Anything that slips through is still shown as a sentence, never as a blank window.
window.addEventListener("error", (event) => {
  // Benign and common in webviews; nothing the writer can act on.
  if (/ResizeObserver loop/.test(String(event.message))) return;
  notices.error(`Something went wrong: ${ipc.toQuireError(event.error ?? event.message).message}`, "uncaught");
});
window.addEventListener("unhandledrejection", (event) => {
  notices.error(`Something went wrong: ${ipc.toQuireError(event.reason).message}`, "uncaught");
});

const app = byId("app");
const editorHost = byId("editor");
const editorEmpty = byId("editor-empty");
const essayPath = byId("essay-path");
const wordCount = byId("word-count");
const readingTime = byId("reading-time");
const saveStateEl = byId("save-state");

// --- Preview -------------------------------------------------------------------------------

let workspace: Workspace;

const preview = new PreviewPane(byId("preview"), {
  editor: () =>
    workspace && workspace.currentId !== null
      ? {
          line: editorTopLine(workspace.view),
          scrollTop: workspace.view.scrollDOM.scrollTop,
          lines: workspace.view.state.doc.lines,
        }
      : null,
  scrollEditor: (line) => scrollEditorToLine(workspace.view, line),
  essayPath: () => (workspace.currentId === null ? null : (library.essay(workspace.currentId)?.path ?? null)),
  openLink: (link) => {
    if (link.kind === "external") {
      void confirmExternal(link.url);
      return;
    }
    const essay = library.list.find((e) => e.path === link.path);
    if (!essay) {
      notices.show(`There is no essay at ${link.path} in this library.`, { tone: "info", key: "preview-link" });
      return;
    }
    if (link.fragment) preview.showFragmentNext(link.fragment);
    void workspace.open(essay.id);
  },
});

/** Asks the writer before a web or mail link opens in their browser. */
async function confirmExternal(url: string): Promise<void> {
  const open = await askConfirm({
    title: "Open link?",
    message: `Open ${url} in your browser?`,
    confirm: "Open",
  });
  if (!open) return;
  try {
    await ipc.openExternal(url);
  } catch (error) {
    notices.error(`Couldn't open the link: ${ipc.toQuireError(error).message}`);
  }
}

/** The render pipeline's counts from the last preview of the open essay, for the status bar. */
let counted: { id: number; words: number; minutes: number } | null = null;
let currentText = "";

interface RenderInput {
  id: number;
  text: string;
  /** Asked again for the whole block list, after a change the pane couldn't apply. */
  whole?: true;
}

/** The text of the render whose blocks the preview holds: a keystroke sends its change. */
let renderedText: { id: number; generation: number; text: string } | null = null;

const renderer = new CoalescingRenderer<RenderInput, Preview>({
  render: (input) => {
    const base = preview.blocksBase;
    const known = !input.whole && renderedText?.id === input.id && renderedText.generation === base;
    const text = known ? textEdit(renderedText!.text, input.text, base) : input.text;
    return ipc.renderPreview(text, input.id, preview.shellKey, base);
  },
  same: (a, b) => a.id === b.id && a.text === b.text && a.whole === b.whole,
  onResult: (result, input) => {
    if (input.id !== workspace.currentId) return;
    if (!preview.show(result)) {
      // Replaces any request waiting, which is for this same newest text.
      renderer.request({ id: input.id, text: currentText, whole: true });
      return;
    }
    if (result.error === null) renderedText = { id: input.id, generation: result.blocks.generation, text: input.text };
    previewRendered(result);
    counted = result.error ? null : { id: input.id, words: result.words, minutes: result.readingMinutes };
    updateCounts();
  },
  onError: (error, input) => {
    if (error.kind === "stale") renderedText = null;
    if (input.id !== workspace.currentId) return;
    if (error.kind === "stale") {
      renderer.request({ id: input.id, text: currentText, whole: true });
      return;
    }
    preview.showFailure(`The preview is unavailable: ${error.message}`);
    counted = null;
    updateCounts();
  },
});

function updateCounts(): void {
  const id = workspace?.currentId ?? null;
  if (id === null) {
    wordCount.textContent = "";
    readingTime.textContent = "";
    return;
  }
  // The render pipeline's count when it's for this essay; else our own from the text.
  let words: number;
  let minutes: number;
  if (counted && counted.id === id) {
    words = counted.words;
    minutes = counted.minutes;
  } else {
    words = countWords(currentText);
    minutes = readingMinutes(words);
  }
  wordCount.textContent = formatWords(words);
  readingTime.textContent = words > 0 ? formatReadingTime(minutes) : "";
}

// --- Editor --------------------------------------------------------------------------------

let lastSaveLabel: string | null = null;

function updateSaveState(): void {
  const state = workspace.saveState();
  const label = state?.label ?? "";
  if (label === lastSaveLabel) return; // every keystroke asks; little changes
  lastSaveLabel = label;
  saveStateEl.textContent = label;
  saveStateEl.dataset.tone = state?.tone ?? "none";
  saveStateEl.title = state?.detail ?? "";
  library.refreshMarks();
}

workspace = new Workspace(
  editorHost,
  {
    openEssay: ipc.openEssay,
    updateDraft: ipc.updateDraft,
    saveEssay: ipc.saveEssay,
  },
  {
    onText: (id, text) => {
      currentText = text;
      // Keep the last count until the new render arrives (no flicker), unless the essay changed.
      if (counted && counted.id !== id) counted = null;
      updateCounts();
      if (id !== null) renderer.request({ id, text });
      historyPanel?.textChanged(); // history and conflicts
      essayTextChanged(id); // export dialog and check panel
    },
    // The same request again from onText, once the essay is in the editor, adds no render.
    willShow: (id, text) => renderer.request({ id, text }),
    onSaveState: () => updateSaveState(),
    onOpened: (id, path) => {
      library.setActive(id);
      editorHost.hidden = id === null;
      editorEmpty.hidden = id !== null;
      essayPath.textContent = id === null ? "" : (path ?? "Not saved to a file yet");
      essayPath.title = path ?? "";
      showWindowTitle(id);
      if (id === null) preview.clear();
      essayShown(id); // history and conflicts
      session.changed(); // remembering: the last essay
    },
    onError: (message, key) => notices.error(message, key),
    clearError: (key) => notices.dismiss(key),
    onScroll: () => preview.followEditor(),
  },
  // Images pasted or dropped into the editor land in assets/ beside the essay.
  imageDrops({
    essayId: () => workspace.currentId,
    addImage: ipc.addImage,
    notify: (message, tone) => (tone === "error" ? notices.error(message, "images") : notices.info(message, "images")),
  }),
);

/** The window's title names the open essay (once the list of essays is known). */
function showWindowTitle(id: number | null): void {
  const essay = id === null ? undefined : library.essay(id);
  document.title = essay ? `${essay.title} — Quire` : "Quire";
}

// --- Library -------------------------------------------------------------------------------

const library = new LibraryPane(
  {
    root: byId("library"),
    name: byId("library-name"),
    search: byId<HTMLInputElement>("search"),
    status: byId<HTMLSelectElement>("filter-status"),
    tag: byId<HTMLSelectElement>("filter-tag"),
    sort: byId<HTMLSelectElement>("sort"),
    list: byId("essay-list"),
    footer: byId("library-footer"),
    create: byId<HTMLButtonElement>("new-essay"),
  },
  {
    open: (id) => void workspace.open(id),
    create: () => void newEssay(),
    rename: (essay) => void renameEssay(essay),
    remove: (essay) => void deleteEssay(essay),
    search: (query) => ipc.searchEssays(query),
    unsaved: (id) => workspace.unsaved(id),
    onError: (message) => notices.error(message, "search"),
  },
);

let refreshTimer: ReturnType<typeof setTimeout> | null = null;
let refreshDue = 0;

/** Reloads the list within `delay` ms, coalescing bursts of changes into one call. */
function refreshList(delay = 100): void {
  const due = Date.now() + delay;
  if (refreshTimer !== null) {
    if (refreshDue <= due) return; // one is coming sooner anyway
    clearTimeout(refreshTimer);
  }
  refreshDue = due;
  refreshTimer = setTimeout(async () => {
    refreshTimer = null;
    try {
      library.setEssays(await ipc.listEssays());
      notices.dismiss("list");
    } catch (error) {
      notices.error(`Couldn't refresh the list of essays: ${ipc.toQuireError(error).message}`, "list");
    }
  }, delay);
}

async function newEssay(): Promise<void> {
  const title = await askText({
    title: "New essay",
    label: "Title",
    placeholder: "What is it about?",
    confirm: "Create",
  });
  if (title === null) return;
  try {
    const opened = await ipc.createEssay(title);
    workspace.show(opened, { cursorAtEnd: true });
    workspace.focus();
  } catch (error) {
    notices.error(`Couldn't create the essay: ${ipc.toQuireError(error).message}`);
  }
  refreshList(0);
}

async function renameEssay(essay: EssaySummary): Promise<void> {
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
    workspace.renamed(essay.id, change.path);
  } catch (error) {
    notices.error(`Couldn't rename the essay: ${ipc.toQuireError(error).message}`);
  }
  refreshList(0);
}

async function deleteEssay(essay: EssaySummary): Promise<void> {
  const confirmed = await askConfirm({
    title: "Delete this essay?",
    message: `“${essay.title}” will be removed from the library${essay.path ? ` and ${essay.path} deleted` : ""}.`,
    detail: "Its text stays in Quire's history, so you can restore it later.",
    confirm: "Delete",
    danger: true,
  });
  if (!confirmed) return;
  const wasOpen = workspace.currentId === essay.id;
  try {
    await ipc.deleteEssay(essay.id);
  } catch (error) {
    notices.error(`Couldn't delete the essay: ${ipc.toQuireError(error).message}`);
    return;
  }
  workspace.forget(essay.id);
  try {
    const essays = await ipc.listEssays();
    library.setEssays(essays);
    if (wasOpen) {
      const next = library.visibleEssays()[0];
      if (next) await workspace.open(next.id);
    }
  } catch (error) {
    notices.error(`Couldn't refresh the list of essays: ${ipc.toQuireError(error).message}`, "list");
  }
}

function slug(title: string): string {
  return (
    title
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "untitled"
  );
}

// --- Layout --------------------------------------------------------------------------------

const layout = new Layout(app, (state) => {
  session.changed(); // remembering: the panes
  preview.setVisible(!state.previewCollapsed);
  byId("toggle-library").setAttribute("aria-pressed", String(!state.libraryCollapsed));
  byId("toggle-preview").setAttribute("aria-pressed", String(!state.previewCollapsed));
});
layout.attachDivider(byId("divider-library"), "library");
layout.attachDivider(byId("divider-preview"), "preview");
byId("toggle-library").addEventListener("click", () => layout.toggleLibrary());
byId("toggle-preview").addEventListener("click", () => layout.togglePreview());
byId("empty-new-essay").addEventListener("click", () => void newEssay());

// --- Drawer (history, checks, outline …: one panel at a time at the right edge) ------------

const drawer = new Drawer(byId("drawer"), () => workspace.focus());
void drawer;

// --- Export dialog and check panel ---------------------------------------------------------

/** Opens the problem's essay (if another is open) at its line, and puts the cursor there. */
async function jumpToProblem(problem: ProblemInfo): Promise<void> {
  if (problem.essayId === null) return;
  if (workspace.currentId !== problem.essayId && !(await workspace.open(problem.essayId))) return;
  const view = workspace.view;
  const line = view.state.doc.line(Math.min(Math.max(1, problem.line), view.state.doc.lines));
  view.dispatch({
    selection: { anchor: line.from },
    effects: CodeMirrorView.scrollIntoView(line.from, { y: "center" }),
    userEvent: "select",
  });
  view.focus();
}

const exportDialog = onFirstUse(async (): Promise<ExportDialog> => {
  const { ExportDialog } = await import("./panels/export");
  return new ExportDialog({
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
    defaultFolder: ipc.exportFolder,
    chooseFolder: ipc.chooseFolder,
    exportEssays: ipc.exportEssays,
    showFolder: ipc.showFolder,
    jump: (problem) => void jumpToProblem(problem),
    storage: window.localStorage,
  });
});

const checkBadge = byId<HTMLButtonElement>("check-badge");
/** The check panel, once opened; until then there is no badge to keep up to date. */
let checks: CheckPanel | null = null;
const loadChecks = onFirstUse(async (): Promise<CheckPanel> => {
  const { CheckPanel, badgeText } = await import("./panels/checks");
  checks = new CheckPanel({
    current: () => (workspace.currentId === null ? null : { id: workspace.currentId, text: workspace.view.state.doc.toString() }),
    check: ipc.checkEssays,
    jump: (problem) => void jumpToProblem(problem),
    onCounts: (counts) => {
      const text = counts ? badgeText(counts) : "";
      checkBadge.textContent = text;
      checkBadge.hidden = text === "";
      checkBadge.dataset.tone = counts && counts.errors > 0 ? "error" : "warning";
    },
  });
  return checks;
});
/** Called from the editor's onText: the check panel follows the writer's edits. */
function essayTextChanged(id: number | null): void {
  checks?.textChanged(id);
}
async function toggleChecks(): Promise<void> {
  if (drawer.openId === "checks") return drawer.close();
  const panel = await loadChecks();
  drawer.open(panel.panel);
  panel.opened();
}

actions.add({ id: "export.open", title: "Export…", shortcut: "Ctrl+E", group: "Export", run: async () => (await exportDialog()).open() });
// Not Ctrl+Shift+K: that is CodeMirror's "delete line". F7 is the writer's "check my text" key.
actions.add({ id: "checks.open", title: "Check essays", shortcut: "F7", group: "Export", run: () => toggleChecks() });
byId("open-export").addEventListener("click", () => void exportDialog().then((dialog) => dialog.open()));
byId("open-checks").addEventListener("click", () => void toggleChecks());
checkBadge.addEventListener("click", () => {
  if (drawer.openId !== "checks") void toggleChecks();
});

// --- Writing modes, outline, quick open, command palette ------------------------------------
// The window's own keys are actions too, so the palette lists them (the keydown handler below
// still handles them while a dialog is open).

actions.add({ id: "essay.new", title: "New essay", shortcut: "Ctrl+N", group: "Essay", run: () => newEssay() });
actions.add({
  id: "essay.save",
  title: "Save",
  shortcut: "Ctrl+S",
  group: "Essay",
  enabled: () => workspace.currentId !== null,
  run: () => workspace.save(),
});
actions.add({
  id: "essay.find",
  title: "Find in essay",
  shortcut: "Ctrl+F",
  group: "Essay",
  enabled: () => workspace.currentId !== null,
  run: () => workspace.find(),
});
actions.add({
  id: "view.library",
  title: "Show or hide the library",
  shortcut: "Ctrl+1",
  group: "View",
  run: () => {
    layout.toggleLibrary();
    if (!layout.current.libraryCollapsed) library.focusSearch();
  },
});
actions.add({ id: "view.editor", title: "Go to the editor", shortcut: "Ctrl+2", group: "View", run: () => workspace.focus() });
actions.add({ id: "view.preview", title: "Show or hide the preview", shortcut: "Ctrl+3", group: "View", run: () => layout.togglePreview() });

const modes = new ModeSwitch({
  view: workspace.view,
  indicator: byId("writing-modes"),
  app,
  setWindowFullscreen: (on) => (ipc.hasBackend() ? ipc.setFullscreen(on) : Promise.resolve()),
});
actions.add({ id: "mode.focus", title: "Focus mode", shortcut: "Ctrl+Shift+D", group: "Writing", run: () => modes.toggleFocus() });
actions.add({
  id: "mode.focus-unit",
  title: "Focus mode: paragraph or sentence",
  group: "Writing",
  run: () => modes.toggleFocusUnit(),
});
actions.add({ id: "mode.typewriter", title: "Typewriter scrolling", shortcut: "Ctrl+Shift+T", group: "Writing", run: () => modes.toggleTypewriter() });
actions.add({ id: "mode.fullscreen", title: "Full screen", shortcut: "F11", group: "View", run: () => modes.toggleFullScreen() });
window.addEventListener("keydown", (event) => {
  // Escape leaves full screen unless something nearer used it (a dialog, the search panel).
  if (event.key === "Escape" && modes.isFullScreen && !event.defaultPrevented && !document.querySelector(".dialog-backdrop")) {
    modes.setFullScreen(false);
  }
});

/** The outline panel, once opened; until then the latest render's headings wait for it. */
let outline: OutlinePanel | null = null;
let latestOutline: Preview["outline"] = [];
const loadOutline = onFirstUse(async (): Promise<OutlinePanel> => {
  const { OutlinePanel, moveToLine, writerLine } = await import("./panels/outline");
  outline = new OutlinePanel({
    jump: (line) => moveToLine(workspace.view, line),
    currentLine: () => (workspace.currentId === null ? null : writerLine(workspace.view)),
  });
  outline.setOutline(latestOutline);
  return outline;
});
/** Called with every preview render of the open essay (see the renderer's onResult). */
function previewRendered(result: Preview): void {
  latestOutline = result.outline;
  outline?.setOutline(result.outline);
}
const followOutline = () => outline?.follow();
workspace.view.scrollDOM.addEventListener("scroll", followOutline, { passive: true });
document.addEventListener("selectionchange", followOutline);
workspace.view.dom.addEventListener("keyup", followOutline);
actions.add({
  id: "outline.open",
  title: "Show outline",
  shortcut: "Ctrl+Shift+O",
  group: "Essay",
  run: async () => {
    if (drawer.openId === "outline") return drawer.close();
    const panel = await loadOutline();
    panel.opened();
    drawer.open(panel.panel);
  },
});

const pickers = onFirstUse(async () => {
  const [{ Picker }, { commandPalette, quickOpen }] = await Promise.all([import("./palette/picker"), import("./palette/pickers")]);
  return { picker: new Picker(), commandPalette, quickOpen };
});
const openFromPicker = (id: number) => void workspace.open(id).then((opened) => opened && workspace.focus());
actions.add({
  id: "palette.quick-open",
  title: "Open an essay…",
  shortcut: "Ctrl+P",
  group: "Essay",
  run: async () => {
    const { picker, quickOpen } = await pickers();
    picker.toggle(quickOpen({ essays: () => library.list, openId: () => workspace.currentId, open: openFromPicker }));
  },
});
actions.add({
  id: "palette.commands",
  title: "Command palette",
  shortcut: "Ctrl+Shift+P",
  group: "View",
  run: async () => {
    const { picker, commandPalette } = await pickers();
    picker.toggle(commandPalette({ actions: () => actions.all(), hidden: ["palette.commands"] }));
  },
});

// --- History and conflicts -----------------------------------------------------------------

/** The history panel, once opened; until then nothing follows the essay's revisions. */
let historyPanel: HistoryPanel | null = null;
const loadHistory = onFirstUse(async (): Promise<HistoryPanel> => {
  const { HistoryPanel, sourceLabel } = await import("./panels/history");
  historyPanel = new HistoryPanel({
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
      refreshList(0);
    },
    onError: (message) => notices.error(message, "history"),
  });
  return historyPanel;
});

async function toggleHistory(): Promise<void> {
  if (drawer.openId === "history") return drawer.close();
  const panel = await loadHistory();
  drawer.open(panel.panel);
  panel.opened();
}

let conflictNoticeFor: number | null = null;
let conflictViewOpen = false;

/** The sticky notice for a conflict in the open essay, with a button that resolves it. */
function showConflictNotice(id: number): void {
  if (conflictNoticeFor !== null && conflictNoticeFor !== id) notices.dismiss(`conflict-${conflictNoticeFor}`);
  conflictNoticeFor = id;
  notices.show(
    "The file changed outside Quire while you were writing, and the changes overlap. Your text stays here as a draft; both versions are kept in the essay's history.",
    { tone: "info", key: `conflict-${id}`, sticky: true, action: { label: "Resolve…", run: () => void resolveConflict() } },
  );
}

function inConflict(): boolean {
  return workspace.currentId !== null && workspace.saveState()?.tone === "conflict";
}

/** Called from the workspace's onOpened: the history follows the open essay; a conflict says so. */
function essayShown(id: number | null): void {
  historyPanel?.essayOpened();
  if (id !== null && inConflict()) showConflictNotice(id);
  else if (conflictNoticeFor !== null && conflictNoticeFor !== id) {
    notices.dismiss(`conflict-${conflictNoticeFor}`);
    conflictNoticeFor = null;
  }
}

/** Opens the conflict view for the open essay. */
async function resolveConflict(): Promise<void> {
  const id = workspace.currentId;
  if (id === null || conflictViewOpen) return;
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
  conflictViewOpen = true;
  let openConflictView: typeof import("./panels/conflict").openConflictView;
  try {
    ({ openConflictView } = await import("./panels/conflict"));
  } catch (error) {
    conflictViewOpen = false;
    notices.error(`Couldn't show the conflict: ${ipc.toQuireError(error).message}`, "conflict");
    return;
  }
  if (id !== workspace.currentId) {
    conflictViewOpen = false;
    return;
  }
  openConflictView(workspace.currentPath(), hunks, {
    resolve: async (choices) => {
      const opened = await ipc.resolveConflict(id, choices);
      workspace.show(opened);
      notices.dismiss(`conflict-${id}`);
      if (conflictNoticeFor === id) conflictNoticeFor = null;
      notices.show("Conflict resolved; both versions are in the history.", { tone: "info", key: "conflict" });
      refreshList(0);
      historyPanel?.essayChanged(id);
    },
    onClose: () => {
      conflictViewOpen = false;
      workspace.focus();
    },
  });
}

/** Called from onLibraryChange for every change. */
function historyAndConflictsChanged(change: Change): void {
  if (change.source !== "editor") historyPanel?.essayChanged(change.essay);
  if (change.essay !== workspace.currentId) return;
  if (change.kind === "conflict") showConflictNotice(change.essay);
  else if (change.kind === "merged") {
    notices.show("Changes made outside Quire were merged with yours.", { tone: "info", key: `merged-${change.essay}` });
  }
}

actions.add({
  id: "history.open",
  title: "Show history",
  shortcut: "Ctrl+Shift+H",
  group: "Essay",
  enabled: () => workspace.currentId !== null,
  run: () => toggleHistory(),
});
actions.add({
  id: "conflict.resolve",
  title: "Resolve conflict",
  group: "Essay",
  enabled: () => inConflict(),
  run: () => resolveConflict(),
});
byId("show-history").addEventListener("click", () => void toggleHistory());

// --- Shortcuts -----------------------------------------------------------------------------

window.addEventListener(
  "keydown",
  (event) => {
    // Registered actions first (panels add theirs to `actions`), then the window's own keys.
    if (!document.querySelector(".dialog-backdrop") && actions.handleKey(event)) return;
    const mod = (event.ctrlKey || event.metaKey) && !event.altKey;
    if (!mod) return;
    const key = event.key.toLowerCase();
    if (key === "s") {
      event.preventDefault();
      void workspace.save();
    } else if (key === "n" && !event.shiftKey) {
      event.preventDefault();
      if (!document.querySelector(".dialog-backdrop")) void newEssay();
    } else if (key === "1" || event.code === "Digit1") {
      event.preventDefault();
      layout.toggleLibrary();
      if (!layout.current.libraryCollapsed) library.focusSearch();
    } else if (key === "2" || event.code === "Digit2") {
      event.preventDefault();
      workspace.focus();
    } else if (key === "3" || event.code === "Digit3") {
      event.preventDefault();
      layout.togglePreview();
    } else if (key === "f" && !event.shiftKey) {
      // Inside the editor CodeMirror opens its own panel; elsewhere, bring it up.
      if (!workspace.view.hasFocus) {
        event.preventDefault();
        workspace.find();
      }
    }
  },
  true,
);

// Autosave at once when the window goes away or out of sight. Closing the window waits for
// the drafts to be in the store (the shell holds the close until closeWindow, or 2 s).
window.addEventListener("beforeunload", () => workspace.flushAll());
if (ipc.hasBackend()) {
  void ipc.onFlushDrafts(() => {
    void windowClosing().finally(() => void ipc.closeWindow().catch(() => undefined));
  });
}
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "hidden") workspace.flushAll();
});

// --- Test hooks (end-to-end tests drive the real app through WebDriver) --------------------

window.__quire = {
  view: () => workspace.view,
  openEssayId: () => workspace.currentId,
  saveState: () => workspace.saveState()?.label ?? "",
  openFolder: (path) => openFolder(path),
  closeWindow: () => void windowClosing().finally(() => void ipc.closeWindow().catch(() => undefined)),
};

// --- Another essays folder, and remembering where the writer was ---------------------------

/** The essays folder the window shows (its root path), once known. */
let libraryRoot: string | null = null;

/** What is worth remembering right now (see ./session.ts); read when a save is due. */
function snapshotNow(): Snapshot {
  const id = workspace.currentId;
  const view = workspace.view;
  const fullScreen = modes.isFullScreen || document.fullscreenElement !== null;
  return {
    root: libraryRoot,
    essay: id === null ? null : { id, cursor: view.state.selection.main.head, top: topLineOf(view) },
    window: fullScreen ? null : { width: window.innerWidth, height: window.innerHeight },
    layout: layout.current,
  };
}

const rememberSoon = () => session.changed();
window.addEventListener("resize", rememberSoon);
workspace.view.scrollDOM.addEventListener("scroll", rememberSoon, { passive: true });
document.addEventListener("selectionchange", () => {
  if (workspace.view.hasFocus) rememberSoon();
});

/** The window is closing: every draft into the store, and where the writer was into the settings. */
async function windowClosing(): Promise<void> {
  await Promise.allSettled([workspace.flushAllAndWait(), session.flush(true)]);
}

/** Shows an essays folder: its list, and the essay last open there (else the newest). */
async function showLibrary(info: ipc.LibraryInfo): Promise<void> {
  libraryRoot = info.root;
  library.setLibrary(info.name, info.root);
  byId("library-name").title = `${info.root}\nOpen another folder… (Ctrl+O)`;
  notices.dismiss("library-warning");
  library.setWatchTrouble(null);
  if (info.warning) notices.show(info.warning, { tone: "info", key: "library-warning", sticky: true });
  // The essay the writer had open first: its preview is being rendered while the list is drawn.
  const again = essayToReopen(session.current, info.root, info.essays.map((essay) => essay.id));
  const reopened = again !== null && (await workspace.open(again.id));
  if (again && reopened) placeCursor(workspace.view, again);
  library.setEssays(info.essays);
  library.setFooterNote(info.watching === "polling" ? "checking for outside edits every few seconds" : "");
  if (reopened) {
    showWindowTitle(workspace.currentId);
    return;
  }
  const first = startupEssay(library.visibleEssays()) ?? startupEssay(info.essays);
  if (!first || !(await workspace.open(first.id))) editorEmpty.hidden = false;
}

/**
 * Opens another essays folder: `path`, else one the writer picks. The drafts of this one are
 * stored first; if the folder can't be opened, this one stays open.
 */
async function openFolder(path: string | null = null): Promise<boolean> {
  let folder = path;
  if (folder === null) {
    try {
      folder = await ipc.chooseFolder("Open an essays folder", libraryRoot);
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
    notices.error(`Couldn't open ${folder}: ${ipc.asSentence(ipc.toQuireError(error).message)} Your essays in ${libraryRoot ?? "this folder"} stay open.`, "open-folder");
    return false;
  }
  notices.dismiss("open-folder");
  if (drawer.openId !== null) drawer.close();
  workspace.forgetAll();
  counted = null;
  await showLibrary(info);
  return true;
}

actions.add({ id: "library.open-folder", title: "Open folder…", shortcut: "Ctrl+O", group: "Library", run: () => void openFolder() });
byId("library-name").addEventListener("click", () => void openFolder());

/** Reads the remembered settings; the panes take theirs at once. */
async function loadRemembered(): Promise<void> {
  const remembered = await session.load();
  if (remembered.layout) layout.restore(remembered.layout);
}

// --- Startup -------------------------------------------------------------------------------

function onLibraryChange(change: Change): void {
  workspace.handleChange(change);
  const open = change.essay === workspace.currentId;
  historyAndConflictsChanged(change); // history and conflicts: notices for conflicts and merges
  if (open && change.kind === "removed" && change.source === "disk") {
    notices.show("This essay's file was deleted outside Quire. Your text is kept; press Ctrl+S to write the file again.", {
      tone: "info",
      key: `removed-${change.essay}`,
      sticky: true,
    });
  }
  // Autosaves arrive every few hundred milliseconds while the writer types; the list (word
  // counts, unsaved dots) needn't follow each one.
  refreshList(change.source === "editor" ? 1000 : 100);
}

async function subscribe(): Promise<void> {
  try {
    await ipc.onLibraryChange(onLibraryChange);
    await ipc.onWatchHealth((health) => library.setWatchTrouble(health.state === "failing" ? health.message : null));
    // A link clicked in the preview: its own (rewritten) links go to the preview, which
    // opens essays and scrolls to fragments; web and mail links are confirmed first.
    await ipc.onOpenExternalRequest(({ url }) => {
      const href = unwrapHref(url);
      if (href !== null) preview.followLink(href);
      else void confirmExternal(url);
    });
  } catch (error) {
    notices.error(`Quire won't notice changes made outside the app: ${ipc.toQuireError(error).message}`, "events");
  }
}

async function start(): Promise<void> {
  updateCounts();
  updateSaveState();
  // Nothing in the editor's place until we know what to show there: no "No essay" flash.
  editorHost.hidden = true;
  editorEmpty.hidden = true;
  const subscribed = ipc.hasBackend() ? subscribe() : Promise.resolve();
  const remembered = loadRemembered();
  let info: ipc.LibraryInfo;
  try {
    info = await ipc.libraryInfo();
  } catch (error) {
    const message = ipc.toQuireError(error).message;
    notices.error(`Couldn't open your essays. ${message}`, "library");
    library.setEmptyMessage("Your essays couldn't be loaded.");
    byId("editor-empty-text").textContent = "Your essays couldn't be loaded.";
    editorEmpty.hidden = false;
    return;
  }
  await subscribed;
  await remembered;
  await showLibrary(info);
}

void start();
