import { beforeEach, describe, expect, it, vi } from "vitest";
import type { LibraryInfo, WatchHealth, WatchNews, WindowStart } from "../ipc/types";
import { essay, libraryElements } from "./fixture";
import { LibraryPane } from "./pane";

const openLibrary = vi.fn<(path: string) => Promise<LibraryInfo>>();
vi.mock("../ipc", () => ({
  openLibrary: (path: string) => openLibrary(path),
  toQuireError: (e: unknown) => ({ kind: "internal", message: String(e) }),
  asSentence: (s: string) => s,
}));

const { LibraryFolder } = await import("./folder");

const POLLING = "the system's limit of inotify watches is reached; checking for outside edits every 2 seconds instead";

function info(root: string, warning: string | null = null): LibraryInfo {
  return {
    root,
    name: root.slice(1),
    essays: [essay(1, "Alpha")],
    more: false,
    watching: warning ? "polling" : "events",
    warning,
    readAs: null,
    askedEssay: null,
    askedTrouble: null,
    remembered: null,
    reading: null,
  };
}

const news = (root: string, health: WatchHealth): WatchNews => ({ root, ...health });

let folder: InstanceType<typeof LibraryFolder>;
/** The sticky notices in sight, by key. */
let notices: Map<string, string>;

beforeEach(() => {
  openLibrary.mockReset();
  notices = new Map();
  const elements = libraryElements();
  const library = new LibraryPane(elements, { unsaved: () => undefined } as never);
  const empty = document.createElement("div");
  folder = new LibraryFolder(
    { name: elements.name, editorEmpty: empty, editorEmptyText: empty },
    {
      workspace: { open: async () => false, flushAllStored: async () => true, forgetAll: () => undefined, currentId: null } as never,
      library,
      session: { current: { libraries: {} }, flush: async () => undefined } as never,
      notices: {
        show: (message: string, options: { key: string }) => notices.set(options.key, message),
        dismiss: (key: string) => notices.delete(key),
        error: (message: string, key: string) => notices.set(key, message),
      } as never,
      leaving: () => undefined,
      shown: () => undefined,
      reload: async (begun) => begun ?? null,
    },
    { add: () => undefined } as never,
  );
});

const footer = () => document.getElementById("footer")!.textContent ?? "";
const trouble = () => document.getElementById("trouble")!;
const start = (shown: LibraryInfo) => folder.start(Promise.resolve({ library: shown } as WindowStart), async () => undefined);

describe("LibraryFolder: how the folder is followed", () => {
  it("says so when the watcher turns to polling after the folder is shown, and why", async () => {
    await start(info("/essays"));
    expect(footer()).not.toContain("every few seconds");
    folder.heard(news("/essays", { state: "polling", message: POLLING }));
    expect(footer()).toContain("checking for outside edits every few seconds");
    expect(notices.get("library-warning")).toBe(POLLING);
    // The footer is too narrow for the note: its tooltip has it whole.
    expect(document.getElementById("footer")!.title).toBe("Checking for outside edits every few seconds.");
  });

  it("keeps polling heard before the folder was shown, though its info still said events", async () => {
    folder.heard(news("/essays", { state: "polling", message: POLLING }));
    await start(info("/essays"));
    expect(footer()).toContain("checking for outside edits every few seconds");
    expect(notices.get("library-warning")).toBe(POLLING);
  });

  it("shows polling that the folder's info already says", async () => {
    await start(info("/essays", POLLING));
    expect(footer()).toContain("checking for outside edits every few seconds");
    expect(notices.get("library-warning")).toBe(POLLING);
  });

  it("leaves another folder's news out of the folder shown", async () => {
    await start(info("/essays"));
    folder.heard(news("/elsewhere", { state: "polling", message: POLLING }));
    folder.heard(news("/elsewhere", { state: "failing", kind: "store", message: "the store is locked" }));
    expect(footer()).not.toContain("every few seconds");
    expect(notices.has("library-warning")).toBe(false);
    expect(trouble().hidden).toBe(true);
  });

  it("drops the last folder's polling when another is opened, and forgets it when that folder is opened again", async () => {
    await start(info("/essays"));
    folder.heard(news("/essays", { state: "polling", message: POLLING }));
    openLibrary.mockResolvedValueOnce(info("/other"));
    expect(await folder.open("/other")).toBe(true);
    expect(footer()).not.toContain("every few seconds");
    expect(notices.has("library-warning")).toBe(false);
    // Opened again, the folder gets a new watcher, which follows events this time.
    openLibrary.mockResolvedValueOnce(info("/essays"));
    expect(await folder.open("/essays")).toBe(true);
    expect(footer()).not.toContain("every few seconds");
  });

  it("shows a failing look at the folder, and its end", async () => {
    await start(info("/essays"));
    folder.heard(news("/essays", { state: "failing", kind: "store", message: "the store is locked" }));
    expect(trouble().hidden).toBe(false);
    expect(trouble().textContent).toContain("the store is locked");
    folder.heard(news("/essays", { state: "working" }));
    expect(trouble().hidden).toBe(true);
  });

  it("shows a failing look heard before the folder was shown (it is told once)", async () => {
    folder.heard(news("/essays", { state: "failing", kind: "store", message: "the store is locked" }));
    await start(info("/essays"));
    expect(trouble().hidden).toBe(false);
    expect(trouble().textContent).toContain("the store is locked");
  });

  it("forgets a failing look that ended before the folder was shown, and another folder's", async () => {
    folder.heard(news("/essays", { state: "failing", kind: "store", message: "the store is locked" }));
    folder.heard(news("/essays", { state: "working" }));
    folder.heard(news("/other", { state: "failing", kind: "store", message: "the store is locked" }));
    await start(info("/essays"));
    expect(trouble().hidden).toBe(true);
    // Opening a folder starts its watcher anew: what was heard of the last one is forgotten.
    openLibrary.mockResolvedValueOnce(info("/other"));
    expect(await folder.open("/other")).toBe(true);
    expect(trouble().hidden).toBe(true);
  });
});
