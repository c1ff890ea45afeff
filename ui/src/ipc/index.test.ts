import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...args: unknown[]) => invoke(...args) }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import * as ipc from "./index";

describe("ipc wrappers", () => {
  beforeEach(() => {
    (window as unknown as Record<string, unknown>).__TAURI_INTERNALS__ = {};
    invoke.mockReset();
  });
  afterEach(() => {
    delete (window as unknown as Record<string, unknown>).__TAURI_INTERNALS__;
  });

  it("passes camelCase arguments to the command", async () => {
    invoke.mockResolvedValue([]);
    await ipc.searchEssays({ query: "focus", status: null, tag: "essays" });
    expect(invoke).toHaveBeenCalledWith("search_essays", { query: "focus", status: null, tag: "essays" });
    invoke.mockResolvedValue(null);
    await ipc.updateDraft(3, "text");
    expect(invoke).toHaveBeenCalledWith("update_draft", { id: 3, text: "text" });
  });

  it("rejects with the backend's {kind, message}", async () => {
    invoke.mockRejectedValue({ kind: "conflict", message: "The file changed outside Quire." });
    await expect(ipc.saveEssay(1)).rejects.toEqual({ kind: "conflict", message: "The file changed outside Quire." });
  });

  it("normalises any other rejection to kind internal", async () => {
    invoke.mockRejectedValue(new Error("IPC channel closed"));
    await expect(ipc.openEssay(1)).rejects.toEqual({ kind: "internal", message: "IPC channel closed" });
    invoke.mockRejectedValue(undefined);
    const error = await ipc.listEssays().catch((e: unknown) => e);
    expect(ipc.isQuireError(error)).toBe(true);
  });

  it("says readably that the core is missing outside the desktop app", async () => {
    delete (window as unknown as Record<string, unknown>).__TAURI_INTERNALS__;
    const error = await ipc.libraryInfo().catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "internal" });
    expect((error as ipc.QuireError).message).toMatch(/not running inside the Quire desktop app/);
    expect(invoke).not.toHaveBeenCalled();
  });
});
