import { describe, expect, it } from "vitest";
import { asSentence, describeError, isQuireError, toQuireError } from "./error";

describe("toQuireError", () => {
  it("keeps a {kind, message} rejection from the Rust side as it is", () => {
    expect(toQuireError({ kind: "not-found", message: "No essay with id 7." })).toEqual({
      kind: "not-found",
      message: "No essay with id 7.",
    });
  });

  it("turns a thrown Error into an internal error with its message", () => {
    expect(toQuireError(new TypeError("window.__TAURI_INTERNALS__ is undefined"))).toEqual({
      kind: "internal",
      message: "window.__TAURI_INTERNALS__ is undefined",
    });
  });

  it("shows a plain string rejection as the message", () => {
    expect(toQuireError("command save_essay not found")).toEqual({
      kind: "internal",
      message: "command save_essay not found",
    });
  });

  it("parses a {kind, message} that arrived serialised as a string", () => {
    expect(toQuireError('{"kind":"conflict","message":"The file changed."}')).toEqual({
      kind: "conflict",
      message: "The file changed.",
    });
  });

  it("never shows raw JSON for other objects", () => {
    const error = toQuireError({ code: 5, details: { a: 1 } });
    expect(error.kind).toBe("internal");
    expect(error.message).not.toContain("{");
    expect(error.message).not.toContain("[object");
    expect(toQuireError('{"code":5}').message).not.toContain("{");
  });

  it("uses a message field when an object has one but no kind", () => {
    expect(toQuireError({ message: "disk full" })).toEqual({ kind: "internal", message: "disk full" });
  });

  it("handles null, undefined, numbers and empty messages readably", () => {
    for (const value of [null, undefined, 42, "", { kind: "io", message: "  " }, new Error("")]) {
      const error = toQuireError(value);
      expect(error.message.length).toBeGreaterThan(10);
      expect(error.message).not.toMatch(/undefined|null|\[object/);
    }
  });

  it("recognises the QuireError shape", () => {
    expect(isQuireError({ kind: "io", message: "x" })).toBe(true);
    expect(isQuireError({ kind: 1, message: "x" })).toBe(false);
    // The kinds are a closed set: one the core never sends is not taken for one.
    expect(isQuireError({ kind: "not_found", message: "x" })).toBe(false);
    expect(toQuireError({ kind: "nonsense", message: "Disk full." })).toEqual({ kind: "internal", message: "Disk full." });
    expect(isQuireError("x")).toBe(false);
  });

  it("words an error for a banner", () => {
    expect(describeError("Couldn't save", { kind: "io", message: "Disk full." })).toBe("Couldn't save: Disk full.");
  });
});

describe("asSentence", () => {
  it("adds a full stop only where one is missing", () => {
    expect(asSentence("The database is locked")).toBe("The database is locked.");
    expect(asSentence("The database is locked.")).toBe("The database is locked.");
    expect(asSentence("Is the disk full?")).toBe("Is the disk full?");
  });
});
