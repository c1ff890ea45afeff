import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { undo } from "@codemirror/commands";
import { KEEP_ESSAYS, Workspace, type WorkspaceBackend, type WorkspaceEvents } from "./workspace";
import type { OpenedEssay } from "./ipc/types";

const texts: Record<number, string> = {
  1: "---\ntitle: One\n---\n\nFirst essay.\n",
  2: "---\ntitle: Two\n---\n\nSecond essay.\n",
};

function setup() {
  const opened = (id: number, extra: Partial<OpenedEssay> = {}): OpenedEssay => ({
    id,
    path: `essay-${id}.md`,
    text: texts[id] ?? `---\ntitle: Essay ${id}\n---\n\nText of essay ${id}.\n`,
    dirty: false,
    conflict: false,
    ...extra,
  });
  const backend = {
    openEssay: vi.fn(async (id: number) => opened(id)),
    updateDraft: vi.fn(async () => null),
    saveEssay: vi.fn(async (id: number) => ({ essay: id, path: `essay-${id}.md`, kind: "saved" as const, source: "save" as const })),
  } satisfies WorkspaceBackend;
  const events: WorkspaceEvents = {
    onText: vi.fn(),
    onSaveState: vi.fn(),
    onOpened: vi.fn(),
    onError: vi.fn(),
    clearError: vi.fn(),
    onScroll: vi.fn(),
  };
  const host = document.createElement("div");
  document.body.append(host);
  const workspace = new Workspace(host, backend, events);
  const type = (text: string) => {
    const view = workspace.view;
    view.dispatch({ changes: { from: view.state.doc.length, insert: text }, userEvent: "input.type" });
  };
  return { workspace, backend, events, type, opened };
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe("Workspace", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    vi.useRealTimers();
    document.body.replaceChildren();
  });

  it("opens an essay and reports Saved", async () => {
    const { workspace, events } = setup();
    await workspace.open(1);
    expect(workspace.currentId).toBe(1);
    expect(workspace.view.state.doc.toString()).toBe(texts[1]);
    expect(workspace.saveState()?.label).toBe("Saved");
    expect(events.onText).toHaveBeenLastCalledWith(1, texts[1]);
  });

  it("autosaves typing as a draft: Unsaved changes, then Draft autosaved", async () => {
    const { workspace, backend, type } = setup();
    await workspace.open(1);
    type("More.");
    expect(workspace.saveState()?.label).toBe("Unsaved changes");
    vi.advanceTimersByTime(400);
    await flush();
    expect(backend.updateDraft).toHaveBeenCalledWith(1, `${texts[1]}More.`);
    expect(workspace.saveState()?.label).toBe("Draft autosaved");
    expect(workspace.unsaved(1)).toBe(true);
  });

  it("Ctrl+S drafts pending text first, then writes the file", async () => {
    const { workspace, backend, type } = setup();
    await workspace.open(1);
    type("More.");
    const saving = workspace.save();
    expect(workspace.saveState()?.label).toBe("Saving…");
    await saving;
    expect(backend.updateDraft).toHaveBeenCalledWith(1, `${texts[1]}More.`);
    expect(backend.saveEssay).toHaveBeenCalledWith(1);
    expect(backend.updateDraft.mock.invocationCallOrder[0]!).toBeLessThan(backend.saveEssay.mock.invocationCallOrder[0]!);
    expect(workspace.saveState()?.label).toBe("Saved");
  });

  it("shows a failed save as text and keeps the changes unsaved", async () => {
    const { workspace, backend, type, events } = setup();
    backend.saveEssay.mockRejectedValueOnce({ kind: "io", message: "The folder is read-only." });
    await workspace.open(1);
    type("More.");
    await workspace.save();
    expect(workspace.saveState()?.label).toBe("Couldn't save: The folder is read-only.");
    expect(events.onError).toHaveBeenCalledWith("Couldn't save: The folder is read-only.", "save");
  });

  it("keeps undo history per essay across switches", async () => {
    const { workspace, type } = setup();
    await workspace.open(1);
    type(" one");
    await workspace.open(2);
    type(" two");
    await workspace.open(1);
    expect(workspace.view.state.doc.toString()).toBe(`${texts[1]} one`);
    undo(workspace.view);
    expect(workspace.view.state.doc.toString()).toBe(texts[1]);
    await workspace.open(2);
    expect(workspace.view.state.doc.toString()).toBe(`${texts[2]} two`);
  });

  it("takes in an outside edit in place, keeping the cursor and the undo history", async () => {
    const { workspace, backend, type } = setup();
    await workspace.open(1);
    type(" typed");
    await workspace.save(); // acknowledged and written: no local edits left
    const view = workspace.view;
    view.dispatch({ selection: { anchor: view.state.doc.toString().indexOf("essay.") } });
    const outside = `Outside line.\n${texts[1]} typed`;
    backend.openEssay.mockResolvedValueOnce({ id: 1, path: "essay-1.md", text: outside, dirty: false, conflict: false });
    workspace.handleChange({ essay: 1, path: "essay-1.md", kind: "modified", source: "disk" });
    await flush();
    expect(view.state.doc.toString()).toBe(outside);
    expect(view.state.sliceDoc(view.state.selection.main.head, view.state.selection.main.head + 6)).toBe("essay.");
    expect(backend.updateDraft).toHaveBeenCalledTimes(1); // the outside text isn't sent back
    undo(view);
    expect(view.state.doc.toString()).toBe(`${texts[1]} typed`);
  });

  it("waits for local edits to reach the store before reloading", async () => {
    const { workspace, backend, type } = setup();
    await workspace.open(1);
    type(" local");
    backend.openEssay.mockClear();
    workspace.handleChange({ essay: 1, path: "essay-1.md", kind: "merged", source: "disk" });
    await flush();
    expect(backend.openEssay).not.toHaveBeenCalled();
    const merged = `Merged.\n${texts[1]} local`;
    backend.openEssay.mockResolvedValueOnce({ id: 1, path: "essay-1.md", text: merged, dirty: true, conflict: false });
    vi.advanceTimersByTime(400); // the autosave goes out and is acknowledged
    await flush();
    expect(backend.openEssay).toHaveBeenCalledWith(1);
    expect(workspace.view.state.doc.toString()).toBe(merged);
  });

  it("ignores the store's echo of its own autosaves", async () => {
    const { workspace, backend } = setup();
    await workspace.open(1);
    backend.openEssay.mockClear();
    workspace.handleChange({ essay: 1, path: "essay-1.md", kind: "modified", source: "editor" });
    await flush();
    expect(backend.openEssay).not.toHaveBeenCalled();
  });

  it("shows a conflict", async () => {
    const { workspace } = setup();
    await workspace.open(1);
    workspace.handleChange({ essay: 1, path: "essay-1.md", kind: "conflict", source: "disk" });
    expect(workspace.saveState()?.label).toBe("Conflict: the file changed outside Quire");
  });

  it("a slow open that was overtaken by another doesn't win", async () => {
    const { workspace, backend, opened } = setup();
    let release: (value: OpenedEssay) => void = () => {};
    backend.openEssay.mockImplementationOnce(() => new Promise((resolve) => (release = resolve)));
    const slow = workspace.open(1);
    await workspace.open(2);
    release(opened(1));
    await slow;
    expect(workspace.currentId).toBe(2);
  });

  it("reports a failed open readably", async () => {
    const { workspace, backend, events } = setup();
    backend.openEssay.mockRejectedValueOnce({ kind: "not_found", message: "No essay 9." });
    expect(await workspace.open(9)).toBe(false);
    expect(events.onError).toHaveBeenCalledWith("Couldn't open the essay: No essay 9.");
  });
});

describe("Workspace switching", () => {
  afterEach(() => document.body.replaceChildren());

  it("switches back to a known essay without asking the store (which may lag behind)", async () => {
    const { workspace, backend, type } = setup();
    await workspace.open(1);
    type(" one");
    await workspace.open(2);
    backend.openEssay.mockClear();
    await workspace.open(1);
    expect(backend.openEssay).not.toHaveBeenCalled();
    expect(workspace.view.state.doc.toString()).toBe(`${texts[1]} one`);
  });

  it("reloads a known essay that changed outside while another was open", async () => {
    const { workspace, backend } = setup();
    await workspace.open(1);
    await workspace.open(2);
    workspace.handleChange({ essay: 1, path: "essay-1.md", kind: "modified", source: "disk" });
    backend.openEssay.mockResolvedValueOnce({ id: 1, path: "essay-1.md", text: "Changed outside.\n", dirty: false, conflict: false });
    await workspace.open(1);
    expect(workspace.view.state.doc.toString()).toBe("Changed outside.\n");
    undo(workspace.view);
    expect(workspace.view.state.doc.toString()).toBe(texts[1]);
  });

  it("keeps the states of the essays opened last only, never one with edits on their way", async () => {
    const { workspace, backend, type } = setup();
    let land = () => {};
    backend.updateDraft.mockImplementationOnce(() => new Promise((resolve) => (land = () => resolve(null))));
    await workspace.open(1);
    type("Unsent.");
    for (let id = 2; id <= KEEP_ESSAYS + 10; id++) await workspace.open(id);
    // Essay 1's draft is still on its way to the store: it keeps its state meanwhile.
    expect(workspace.keptEssays).toBe(KEEP_ESSAYS);
    expect(workspace.unsaved(1)).toBe(true);
    land();
    await flush();
    await workspace.open(100);
    expect(workspace.keptEssays).toBe(KEEP_ESSAYS);
    expect(workspace.unsaved(1)).toBeUndefined();
    expect(backend.updateDraft).toHaveBeenCalledWith(1, `${texts[1]}Unsent.`);
    // A forgotten essay opens again from the store; one kept opens without asking it.
    backend.openEssay.mockClear();
    await workspace.open(1);
    expect(backend.openEssay).toHaveBeenCalledWith(1);
    await workspace.open(100);
    expect(backend.openEssay).toHaveBeenCalledTimes(1);
  });
});
