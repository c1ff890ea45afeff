import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...args: unknown[]) => invoke(...args) }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import * as ipc from "./index";

/**
 * Every `kind` a command can reject with: the closed `ErrorKind` the shell's `UiError` carries,
 * as generated from the Rust enum into ./generated.ts (a cargo test fails when that file is not
 * what the Rust types generate), so this test follows the backend, not a list of its own.
 */
function kindsTheBackendSends(): string[] {
  const generated = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "generated.ts"), "utf8");
  const union = /export type ErrorKind = ([^;]+);/.exec(generated)?.[1] ?? "";
  return [...union.matchAll(/"([a-z-]+)"/g)].map((m) => m[1]!).sort();
}

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

  it("rejects with the backend's {kind, message}, for every kind the backend sends", async () => {
    const kinds = kindsTheBackendSends();
    // The parse below found the kinds, not nothing.
    expect(kinds).toEqual(expect.arrayContaining(["io", "invalid", "internal", "unsafe-path"]));
    for (const kind of kinds) {
      const error = { kind, message: `The ${kind} went wrong.` };
      invoke.mockRejectedValue(error);
      await expect(ipc.saveEssay(1)).rejects.toEqual(error);
    }
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
