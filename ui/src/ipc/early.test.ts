// The window's start as index.html asks for it (before the window's script has loaded): its
// answer stands in for the first openEssay and renderPreview, and the events heard meanwhile
// reach the handlers once they exist.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Change, OpenedEssay, Preview, WindowStart } from "./types";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...args: unknown[]) => invoke(...args) }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

const essay: OpenedEssay = { id: 7, path: "focus.md", text: "# A Misplaced Focus\n\nWords.\n", dirty: false, conflict: false };
const preview = { shellKey: "k1", words: 2 } as unknown as Preview;
const start: WindowStart = {
  library: { root: "/essays", name: "essays", essays: [], more: false, watching: "events", warning: null, readAs: null, askedEssay: null, askedTrouble: null, remembered: null, reading: null },
  settings: null,
  essay,
  preview,
};

type Heard = { event: string; payload: unknown };
interface Early {
  start: Promise<WindowStart>;
  events: string[];
  listening: Promise<unknown>;
  heard: Heard[];
  hear: ((event: Heard) => void) | null;
}

async function withEarly(heard: Heard[] = []): Promise<{ ipc: typeof import("./index"); early: Early }> {
  const early: Early = {
    start: Promise.resolve(start),
    events: ["library-change", "watch-health", "open-external-request"],
    listening: Promise.resolve([1, 2, 3]),
    heard,
    hear: null,
  };
  (window as unknown as Record<string, unknown>).__earlyStart = early;
  vi.resetModules();
  return { ipc: await import("./index"), early };
}

const change = (id: number): Change => ({ essay: id, kind: "modified", source: "outside" }) as unknown as Change;

describe("the window's early start", () => {
  beforeEach(() => {
    (window as unknown as Record<string, unknown>).__TAURI_INTERNALS__ = {};
    invoke.mockReset();
  });
  afterEach(() => {
    delete (window as unknown as Record<string, unknown>).__TAURI_INTERNALS__;
    delete (window as unknown as Record<string, unknown>).__earlyStart;
  });

  it("answers the first openEssay and renderPreview of its essay without asking the core again", async () => {
    const { ipc } = await withEarly();
    expect(await ipc.windowStart()).toBe(start);
    expect(await ipc.openEssay(7)).toBe(essay);
    expect(await ipc.renderPreview(essay.text, 7, null, null)).toBe(preview);
    expect(invoke).not.toHaveBeenCalled();
    // Only once: the next render is the core's.
    invoke.mockResolvedValue(preview);
    await ipc.renderPreview(essay.text, 7, null, null);
    expect(invoke).toHaveBeenCalledWith("render_preview", { text: essay.text, id: 7, shell: null, base: null });
  });

  it("answers only the first opening of its essay: opened again, the essay comes from the store", async () => {
    const { ipc } = await withEarly();
    await ipc.windowStart();
    expect(await ipc.openEssay(7)).toBe(essay);
    invoke.mockResolvedValue({ ...essay, text: "newer" });
    expect((await ipc.openEssay(7)).text).toBe("newer");
    expect(invoke).toHaveBeenCalledWith("open_essay", { id: 7 });
  });

  it("asks the core when the window opens another essay, or renders another text first", async () => {
    const { ipc } = await withEarly();
    await ipc.windowStart();
    invoke.mockResolvedValue({ ...essay, id: 8 });
    await ipc.openEssay(8);
    expect(invoke).toHaveBeenCalledWith("open_essay", { id: 8 });
    invoke.mockResolvedValue(preview);
    await ipc.renderPreview(essay.text, 7, null, null);
    expect(invoke).toHaveBeenCalledWith("render_preview", { text: essay.text, id: 7, shell: null, base: null });

    const again = await withEarly();
    await again.ipc.windowStart();
    invoke.mockReset();
    invoke.mockResolvedValue(preview);
    await again.ipc.renderPreview(`${essay.text}More.`, 7, null, null);
    expect(invoke).toHaveBeenCalledWith("render_preview", { text: `${essay.text}More.`, id: 7, shell: null, base: null });
  });

  it("delivers what was heard before the window listened, and then sends a changed essay to the core", async () => {
    const { ipc, early } = await withEarly([{ event: "library-change", payload: change(7) }]);
    await ipc.windowStart();
    const seen: number[] = [];
    await ipc.onLibraryChange((c) => seen.push(c.essay));
    expect(seen).toEqual([7]);
    early.hear?.({ event: "library-change", payload: change(9) });
    expect(seen).toEqual([7, 9]);
    // The start's text of essay 7 is older than that change: the store is asked.
    invoke.mockResolvedValue(essay);
    await ipc.openEssay(7);
    expect(invoke).toHaveBeenCalledWith("open_essay", { id: 7 });
  });

  it("keeps an event for a handler that is not there yet", async () => {
    const { ipc, early } = await withEarly();
    await ipc.onLibraryChange(() => undefined);
    early.hear?.({ event: "watch-health", payload: { root: "/essays", state: "failing", kind: "store", message: "locked" } });
    const health: unknown[] = [];
    await ipc.onWatchHealth((h) => health.push(h));
    expect(health).toEqual([{ root: "/essays", state: "failing", kind: "store", message: "locked" }]);
  });
});
