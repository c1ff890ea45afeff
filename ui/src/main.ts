// Wires Quire's window: builds its parts (the status bar, the live preview, the editor's
// workspace, the library, the panels, conflicts, the palette, the folder), connects their
// events to one another and to the IPC events, registers the window's own actions (their keys
// are in ./keymap.ts), and starts. What each part does lives in its own module.

import "./timing-start";
import "./styles.css";
import * as ipc from "./ipc";
import type { ListedChange } from "./ipc";
import type { EditorView } from "@codemirror/view";
import { Workspace } from "./workspace";
import { Essays } from "./library/essays";
import { LibraryFolder } from "./library/folder";
import { LivePreview } from "./preview/live";
import { Notices } from "./notices";
import { Layout, holdFirstLayout } from "./layout";
import { StatusBar } from "./status";
import { actions } from "./actions";
import { Panels } from "./panels/panels";
import { Conflicts } from "./panels/conflict-notice";
import { addPaletteActions } from "./palette/palette";
import { ModeSwitch } from "./editor/modes";
import { imageDrops } from "./editor/images";
import { Session, type Snapshot } from "./session";
import { firstVisibleLine as topLineOf } from "./editor/setup";
import { mark, noteBusyStretches } from "./timing";

mark("main");
noteBusyStretches();

declare global {
  interface Window {
    __quire?: {
      view: () => EditorView;
      openEssayId: () => number | null;
      saveState: () => string;
      /** How many essays the window holds an editor state for. */
      keptEssays: () => number;
      /** Opens another essays folder as the "Open folder…" action does after the picker. */
      openFolder?: (path: string) => Promise<boolean>;
      /** Closes the window the way its close button does (drafts and settings saved first). */
      closeWindow?: () => void;
    };
  }
}

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`index.html lacks #${id}`);
  return element as T;
}

const notices = new Notices(byId("error-banner"));

// Remembering (window size, panes, last essay and cursor per folder). Created first: the panes
// and the editor report their changes to it as they are built.
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

// The parts refer to one another through these, filled in below; none calls another while
// it is being built.
let workspace: Workspace;
let essays: Essays;
let panels: Panels;
let conflicts: Conflicts;

const status = new StatusBar(
  { essayPath: byId("essay-path"), wordCount: byId("word-count"), readingTime: byId("reading-time"), saveState: byId("save-state") },
  {
    openId: () => workspace?.currentId ?? null,
    counts: (id) => preview.counts(id),
    saveState: () => workspace.saveState(),
    onSaveStateShown: () => essays.pane.refreshMarks(),
    title: (id) => essays.pane.essay(id)?.title,
  },
);

const preview = new LivePreview(
  byId("preview"),
  {
    openId: () => workspace?.currentId ?? null,
    view: () => workspace.view,
    essayPath: () => (workspace.currentId === null ? null : (essays.pane.essay(workspace.currentId)?.path ?? null)),
    essayAt: (path) => essays.pane.list.find((e) => e.path === path)?.id,
    open: (id) => void workspace.open(id),
    onRendered: (result) => panels.rendered(result),
    onCounts: () => status.updateCounts(),
  },
  notices,
);

workspace = new Workspace(
  editorHost,
  {
    openEssay: ipc.openEssay,
    updateDraft: ipc.updateDraft,
    saveEssay: ipc.saveEssay,
  },
  {
    onText: (id, text) => {
      preview.textChanged(id, text); // the counts and the render
      panels.textChanged(id); // history and checks
    },
    // The same request again from onText, once the essay is in the editor, adds no render.
    willShow: (id, text) => preview.willShow(id, text),
    onSaveState: () => status.updateSaveState(),
    onOpened: (id, path) => {
      essays.pane.setActive(id);
      editorHost.hidden = id === null;
      editorEmpty.hidden = id !== null;
      status.showEssay(id, path);
      if (id === null) preview.pane.clear();
      panels.essayOpened(); // the history follows the open essay
      conflicts.essayShown(id); // a conflict in it says so
      session.changed(); // remembering: the last essay
    },
    onError: (message, key) => notices.error(message, key),
    clearError: (key) => notices.dismiss(key),
    onScroll: () => preview.pane.followEditor(),
  },
  // Images pasted or dropped into the editor land in assets/ beside the essay.
  imageDrops({
    essayId: () => workspace.currentId,
    addImage: ipc.addImage,
    notify: (message, tone) => (tone === "error" ? notices.error(message, "images") : notices.info(message, "images")),
  }),
);

essays = new Essays(
  {
    root: byId("library"),
    name: byId("library-name"),
    search: byId<HTMLInputElement>("search"),
    status: byId<HTMLSelectElement>("filter-status"),
    tag: byId<HTMLSelectElement>("filter-tag"),
    sort: byId<HTMLSelectElement>("sort"),
    list: byId("essay-list"),
    footer: byId("library-footer"),
    reading: byId("library-reading"),
    trouble: byId("watch-trouble"),
    create: byId<HTMLButtonElement>("new-essay"),
  },
  workspace,
  notices,
  actions,
);
const refreshList = (delay: number) => essays.refresh(delay);

// --- The panes ------------------------------------------------------------------------------

const layout = new Layout(app, (state) => {
  session.changed(); // remembering: the panes
  preview.pane.setVisible(!state.previewCollapsed);
  byId("toggle-library").setAttribute("aria-pressed", String(!state.libraryCollapsed));
  byId("toggle-preview").setAttribute("aria-pressed", String(!state.previewCollapsed));
});
layout.attachDivider(byId("divider-library"), "library");
layout.attachDivider(byId("divider-preview"), "preview");
byId("toggle-library").addEventListener("click", () => layout.toggleLibrary());
byId("toggle-preview").addEventListener("click", () => layout.togglePreview());
byId("empty-new-essay").addEventListener("click", () => void essays.create());

panels = new Panels(
  {
    drawer: byId("drawer"),
    checkBadge: byId<HTMLButtonElement>("check-badge"),
    showHistory: byId("show-history"),
    openExport: byId("open-export"),
    openPublish: byId("open-publish"),
    openChecks: byId("open-checks"),
  },
  { workspace, library: essays.pane, notices, refreshList },
  actions,
);

conflicts = new Conflicts({ workspace, notices, refreshList, historyChanged: (id) => panels.essayChanged(id) }, actions);

// --- The window's own actions (their keys, and the palette's order, are in ./keymap.ts) ------

actions.add({
  id: "essay.save",
  title: "Save",
  group: "Essay",
  enabled: () => workspace.currentId !== null,
  run: () => workspace.save(),
});
actions.add({
  id: "essay.find",
  title: "Find in essay",
  group: "Essay",
  enabled: () => workspace.currentId !== null,
  run: () => workspace.find(),
});
// Ctrl+1 and Ctrl+3 go to the library and the preview (showing them if hidden), and hide
// them when the keyboard is already there: a writer without a mouse moves between the panes
// with them, and Ctrl+2 comes back to the text.
actions.add({
  id: "view.library",
  title: "Go to the library, or hide it",
  group: "View",
  run: () => {
    if (!layout.current.libraryCollapsed && byId("library").contains(document.activeElement)) {
      layout.toggleLibrary();
      workspace.focus();
      return;
    }
    if (layout.current.libraryCollapsed) layout.toggleLibrary();
    essays.pane.focusSearch();
  },
});
actions.add({ id: "view.editor", title: "Go to the editor", group: "View", run: () => workspace.focus() });
actions.add({
  id: "view.preview",
  title: "Go to the preview, or hide it",
  group: "View",
  run: () => {
    if (!layout.current.previewCollapsed && preview.pane.hasFocus()) {
      layout.togglePreview();
      workspace.focus();
      return;
    }
    if (layout.current.previewCollapsed) layout.togglePreview();
    // A page shown for the first time after the pane opens arrives a moment later.
    if (!preview.pane.focus()) requestAnimationFrame(() => preview.pane.focus());
  },
});

const modes = new ModeSwitch({
  view: workspace.view,
  indicator: byId("writing-modes"),
  app,
  setWindowFullscreen: (on) => (ipc.hasBackend() ? ipc.setFullscreen(on) : Promise.resolve()),
});
actions.add({
  id: "app.about",
  title: "About Quire",
  group: "Help",
  run: () =>
    void ipc
      .about()
      .then((about) => notices.info(`${about}. Your essays stay plain Markdown files in your folder.`, "about"))
      .catch((error: unknown) => notices.error(`Couldn't say which Quire this is: ${ipc.toQuireError(error).message}`, "about")),
});
actions.add({ id: "mode.focus", title: "Focus mode", group: "Writing", run: () => modes.toggleFocus() });
actions.add({ id: "mode.focus-unit", title: "Focus mode: paragraph or sentence", group: "Writing", run: () => modes.toggleFocusUnit() });
actions.add({ id: "mode.typewriter", title: "Typewriter scrolling", group: "Writing", run: () => modes.toggleTypewriter() });
actions.add({ id: "mode.fullscreen", title: "Full screen", group: "View", run: () => modes.toggleFullScreen() });
actions.add({
  id: "mode.leave-fullscreen",
  title: "Leave full screen",
  group: "View",
  enabled: () => modes.isFullScreen,
  run: () => modes.setFullScreen(false),
});

addPaletteActions(actions, {
  essays: () => essays.pane.list,
  openId: () => workspace.currentId,
  open: (id) => void workspace.open(id).then((opened) => opened && workspace.focus()),
});

actions.listen(window);

// --- Another essays folder, and remembering where the writer was ---------------------------

const folder = new LibraryFolder(
  { name: byId("library-name"), editorEmpty, editorEmptyText: byId("editor-empty-text") },
  {
    workspace,
    library: essays.pane,
    session,
    notices,
    leaving: () => {
      if (panels.drawer.openId !== null) panels.drawer.close();
      preview.forgetCounts();
    },
    shown: (id) => status.showTitle(id),
    reload: (begun) => essays.reload(begun),
  },
  actions,
);

/** What is worth remembering right now (see ./session.ts); read when a save is due. */
function snapshotNow(): Snapshot {
  const id = workspace.currentId;
  const view = workspace.view;
  const fullScreen = modes.isFullScreen || document.fullscreenElement !== null;
  return {
    root: folder.root,
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
// Only in the end-to-end build (`npm run build:ui:e2e`, i.e. `vite build --mode e2e`): Vite
// replaces the condition with a constant, so the app a writer runs does not contain them.

if (import.meta.env.MODE === "e2e") {
  window.__quire = {
    view: () => workspace.view,
    openEssayId: () => workspace.currentId,
    saveState: () => workspace.saveState()?.label ?? "",
    keptEssays: () => workspace.keptEssays,
    openFolder: (path) => folder.open(path),
    closeWindow: () => void windowClosing().finally(() => void ipc.closeWindow().catch(() => undefined)),
  };
}

// --- Startup -------------------------------------------------------------------------------

function onLibraryChange(change: ListedChange): void {
  workspace.handleChange(change);
  if (change.source !== "editor") panels.essayChanged(change.essay); // the history
  conflicts.changed(change); // notices for conflicts and merges
  essays.changed(change); // the list
}

async function subscribe(): Promise<void> {
  try {
    await ipc.onLibraryChange(onLibraryChange);
    await ipc.onWatchHealth((news) => folder.heard(news));
    await ipc.onOpenExternalRequest(({ url }) => preview.linkClicked(url));
  } catch (error) {
    notices.error(`Quire won't notice changes made outside the app: ${ipc.toQuireError(error).message}`, "events");
  }
}

/** How long the window's parts wait, undisplayed, for the folder and the essay at start. */
const FIRST_LAYOUT_WAIT_MS = 250;

async function start(): Promise<void> {
  const firstLayout = holdFirstLayout(app, FIRST_LAYOUT_WAIT_MS);
  // The essay's text first, then its page: the writer can type while the preview loads.
  preview.pane.loadAfter(firstLayout.painted);
  status.updateCounts();
  status.updateSaveState();
  // Nothing in the editor's place until we know what to show there: no "No essay" flash.
  editorHost.hidden = true;
  editorEmpty.hidden = true;
  const subscribed = ipc.hasBackend() ? subscribe() : Promise.resolve();
  const begun = ipc.windowStart();
  const remembered = session.load(begun.then((start) => start.settings)).then((saved) => {
    // The panes take theirs at once.
    if (saved.layout) layout.restore(saved.layout);
  });
  try {
    await folder.start(begun, async () => {
      await subscribed;
      await remembered;
    });
  } finally {
    firstLayout.shown();
  }
}

mark("built");
void start();
