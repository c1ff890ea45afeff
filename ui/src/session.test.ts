import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { EditorState } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import {
  MAX_LIBRARIES,
  Session,
  essayToReopen,
  mergeIntoFile,
  placeCursor,
  readRemembered,
  takeSnapshot,
  type Snapshot,
} from "./session";

const layout = { libraryWidth: 300, previewWidth: 500, libraryCollapsed: true, previewCollapsed: false };

describe("reading what was remembered", () => {
  it("reads nothing from a first run, junk, or an older shape", () => {
    for (const raw of [null, undefined, 42, "text", [], { window: "big", libraries: [1, 2] }]) {
      expect(readRemembered(raw)).toEqual({ window: null, layout: null, libraries: {} });
    }
  });

  it("keeps the good parts of a damaged file", () => {
    const remembered = readRemembered({
      window: { width: 1000.4, height: 700 },
      layout: { libraryWidth: "wide", previewWidth: 400 },
      libraries: { "/a": { id: 3, cursor: 12, top: 4, at: 5 }, "/b": { id: -1 }, "/c": { id: 2, cursor: "x" } },
    });
    expect(remembered.window).toEqual({ width: 1000, height: 700 });
    expect(remembered.layout).toBeNull();
    expect(remembered.libraries).toEqual({ "/a": { id: 3, cursor: 12, top: 4, at: 5 }, "/c": { id: 2, cursor: 0, top: 1, at: 0 } });
  });

  it("reopens the folder's last essay only if it is still there", () => {
    const remembered = readRemembered({ libraries: { "/a": { id: 3, cursor: 12, top: 4 } } });
    expect(essayToReopen(remembered, "/a", [1, 3])).toEqual({ id: 3, cursor: 12, top: 4 });
    expect(essayToReopen(remembered, "/a", [1, 2])).toBeNull();
    expect(essayToReopen(remembered, "/b", [3])).toBeNull();
  });
});

describe("remembering", () => {
  const snapshot = (root: string | null, id: number | null): Snapshot => ({
    root,
    essay: id === null ? null : { id, cursor: 10, top: 2 },
    window: { width: 1100, height: 750 },
    layout,
  });

  it("keeps each folder's last essay apart", () => {
    let remembered = readRemembered(null);
    remembered = takeSnapshot(remembered, snapshot("/a", 1), 1);
    remembered = takeSnapshot(remembered, snapshot("/b", 2), 2);
    expect(remembered.libraries["/a"]?.id).toBe(1);
    expect(remembered.libraries["/b"]?.id).toBe(2);
    // No essay open: the folder's last one is still the one to reopen.
    remembered = takeSnapshot(remembered, snapshot("/b", null), 3);
    expect(remembered.libraries["/b"]?.id).toBe(2);
  });

  it("forgets the longest unused folders beyond the limit", () => {
    let remembered = readRemembered(null);
    for (let i = 0; i <= MAX_LIBRARIES; i++) remembered = takeSnapshot(remembered, snapshot(`/f${i}`, i), i);
    expect(Object.keys(remembered.libraries)).toHaveLength(MAX_LIBRARIES);
    expect(remembered.libraries["/f0"]).toBeUndefined();
    expect(remembered.libraries[`/f${MAX_LIBRARIES}`]).toBeDefined();
  });

  it("keeps other parts of the window's settings file", () => {
    const remembered = takeSnapshot(readRemembered(null), snapshot("/a", 1), 1);
    const file = mergeIntoFile({ exportFolder: "/out", window: { width: 1 } }, remembered);
    expect(file.exportFolder).toBe("/out");
    expect(file.window).toEqual({ width: 1100, height: 750 });
    expect(file.layout).toEqual(layout);
    expect(mergeIntoFile("junk", remembered).exportFolder).toBeUndefined();
  });
});

describe("Session", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function backend(onDisk: unknown) {
    let file = onDisk;
    let root = "/a";
    const b = {
      load: vi.fn(async () => file),
      save: vi.fn(async (value: unknown) => {
        file = value;
      }),
      snapshot: vi.fn((): Snapshot => ({ root, essay: { id: 5, cursor: 3, top: 1 }, window: null, layout: null })),
      now: () => 1,
      file: () => file,
      setRoot: (r: string) => (root = r),
    };
    return b;
  }

  it("saves once, a moment after a burst of changes", async () => {
    const b = backend({ other: true });
    const session = new Session(b);
    await session.load();
    session.changed();
    session.changed();
    session.changed();
    expect(b.save).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(600);
    expect(b.save).toHaveBeenCalledTimes(1);
    expect(b.file()).toEqual({ other: true, libraries: { "/a": { id: 5, cursor: 3, top: 1, at: 1 } } });
  });

  it("saves at once when flushed (the window closing)", async () => {
    const b = backend(null);
    const session = new Session(b);
    await session.load();
    session.changed();
    await session.flush();
    expect(b.save).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(600);
    expect(b.save).toHaveBeenCalledTimes(1);
  });

  it("never overwrites the file before it was read", async () => {
    const b = backend({ libraries: { "/z": { id: 1 } } });
    const session = new Session(b);
    await session.flush(true);
    expect(b.save).not.toHaveBeenCalled();
  });

  it("starts with nothing remembered when the file can't be read, and saves anyway", async () => {
    const b = backend(null);
    b.load.mockRejectedValue({ kind: "io", message: "no" });
    const session = new Session(b);
    expect((await session.load()).libraries).toEqual({});
    await session.flush(true);
    expect(b.save).toHaveBeenCalledWith({ libraries: { "/a": { id: 5, cursor: 3, top: 1, at: 1 } } });
  });
});

describe("placing the cursor back", () => {
  it("clamps a remembered position to a text that got shorter", () => {
    const view = new EditorView({ state: EditorState.create({ doc: "one\ntwo\nthree" }), parent: document.body });
    placeCursor(view, { id: 1, cursor: 6, top: 2 });
    expect(view.state.selection.main.head).toBe(6);
    placeCursor(view, { id: 1, cursor: 999, top: 50 });
    expect(view.state.selection.main.head).toBe(13);
    view.destroy();
  });
});
