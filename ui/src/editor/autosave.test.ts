import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AutosaveScheduler, CONFLICT_LABEL, describeSaveState, type AutosaveStatus, type SaveStateInput } from "./autosave";

/** An update_draft stand-in whose calls the test settles by hand. */
function manualSave() {
  const calls: Array<{ text: string; resolve: () => void; reject: (e: unknown) => void }> = [];
  const save = vi.fn(
    (text: string) =>
      new Promise<void>((resolve, reject) => {
        calls.push({ text, resolve: () => resolve(), reject });
      }),
  );
  return { save, calls };
}

async function settle() {
  // Let promise callbacks run without advancing the clock.
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe("AutosaveScheduler", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("saves once, 400 ms after the writer pauses, with the newest text", async () => {
    const { save, calls } = manualSave();
    const autosave = new AutosaveScheduler({ save });
    autosave.edited("a");
    vi.advanceTimersByTime(300);
    autosave.edited("ab");
    vi.advanceTimersByTime(300);
    autosave.edited("abc");
    expect(save).not.toHaveBeenCalled();
    expect(autosave.phase).toBe("pending");
    vi.advanceTimersByTime(400);
    expect(save).toHaveBeenCalledTimes(1);
    expect(save).toHaveBeenCalledWith("abc");
    expect(autosave.phase).toBe("saving");
    calls[0]!.resolve();
    await settle();
    expect(autosave.phase).toBe("idle");
    expect(autosave.idle).toBe(true);
  });

  it("flushes at once on blur and resolves when the store has it", async () => {
    const { save, calls } = manualSave();
    const autosave = new AutosaveScheduler({ save });
    autosave.edited("draft");
    const flushed = autosave.flush();
    expect(save).toHaveBeenCalledWith("draft");
    calls[0]!.resolve();
    await expect(flushed).resolves.toBe(true);
    vi.advanceTimersByTime(1000);
    expect(save).toHaveBeenCalledTimes(1); // the debounce timer was cancelled
  });

  it("flush with nothing pending resolves at once without saving", async () => {
    const { save } = manualSave();
    const autosave = new AutosaveScheduler({ save });
    await expect(autosave.flush()).resolves.toBe(true);
    expect(save).not.toHaveBeenCalled();
  });

  it("keeps one save in flight and sends edits made meanwhile after it", async () => {
    const { save, calls } = manualSave();
    const autosave = new AutosaveScheduler({ save });
    autosave.edited("one");
    vi.advanceTimersByTime(400);
    autosave.edited("one two");
    vi.advanceTimersByTime(400); // the timer fires while "one" is still in flight
    expect(save).toHaveBeenCalledTimes(1);
    calls[0]!.resolve();
    await settle();
    expect(save).toHaveBeenCalledTimes(2);
    expect(save).toHaveBeenLastCalledWith("one two");
    calls[1]!.resolve();
    await settle();
    expect(autosave.phase).toBe("idle");
  });

  it("retries after a failure, keeps the text, and recovers", async () => {
    const { save, calls } = manualSave();
    const statuses: AutosaveStatus[] = [];
    const autosave = new AutosaveScheduler({ save, retryDelays: [1000, 5000], onStatus: (s) => statuses.push(s) });
    autosave.edited("precious");
    vi.advanceTimersByTime(400);
    calls[0]!.reject({ kind: "io", message: "The database is locked." });
    await settle();
    expect(autosave.phase).toBe("failed");
    expect(autosave.status.error).toEqual({ kind: "io", message: "The database is locked." });
    expect(autosave.idle).toBe(false);
    vi.advanceTimersByTime(999);
    expect(save).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(save).toHaveBeenCalledTimes(2);
    expect(save).toHaveBeenLastCalledWith("precious");
    calls[1]!.reject(new Error("still locked"));
    await settle();
    vi.advanceTimersByTime(4999);
    expect(save).toHaveBeenCalledTimes(2); // the second wait is longer
    vi.advanceTimersByTime(1);
    calls[2]!.resolve();
    await settle();
    expect(autosave.phase).toBe("idle");
    expect(autosave.status.error).toBeNull();
    expect(statuses.map((s) => s.phase)).toEqual(["pending", "saving", "failed", "saving", "failed", "saving", "idle"]);
  });

  it("sends newer text on retry when the writer typed after a failure", async () => {
    const { save, calls } = manualSave();
    const autosave = new AutosaveScheduler({ save, retryDelays: [10000] });
    autosave.edited("old");
    vi.advanceTimersByTime(400);
    calls[0]!.reject({ kind: "io", message: "nope" });
    await settle();
    autosave.edited("newer");
    vi.advanceTimersByTime(400); // the edit's own debounce beats the long retry wait
    expect(save).toHaveBeenLastCalledWith("newer");
    calls[1]!.resolve();
    await settle();
    expect(autosave.phase).toBe("idle");
  });

  it("a failed flush resolves false and leaves a retry scheduled", async () => {
    const { save, calls } = manualSave();
    const autosave = new AutosaveScheduler({ save, retryDelays: [1000] });
    autosave.edited("x");
    const flushed = autosave.flush();
    calls[0]!.reject({ kind: "io", message: "nope" });
    await expect(flushed).resolves.toBe(false);
    vi.advanceTimersByTime(1000);
    expect(save).toHaveBeenCalledTimes(2);
  });

  it("a save function that throws synchronously counts as a failure", async () => {
    const autosave = new AutosaveScheduler({
      save: () => {
        throw new Error("no backend");
      },
    });
    autosave.edited("x");
    await expect(autosave.flush()).resolves.toBe(false);
    expect(autosave.status.error?.message).toBe("no backend");
  });

  it("does nothing more once disposed", () => {
    const { save } = manualSave();
    const autosave = new AutosaveScheduler({ save });
    autosave.edited("x");
    autosave.dispose();
    vi.advanceTimersByTime(1000);
    expect(save).not.toHaveBeenCalled();
  });
});

describe("describeSaveState", () => {
  const base: SaveStateInput = {
    autosave: { phase: "idle", error: null },
    dirty: false,
    writing: false,
    writeError: null,
    conflict: false,
  };

  it("says Saved when the file matches", () => {
    expect(describeSaveState(base)).toMatchObject({ label: "Saved", tone: "saved" });
  });

  it("says Unsaved changes while edits wait or travel, and Draft autosaved once they landed", () => {
    for (const phase of ["pending", "saving"] as const) {
      expect(describeSaveState({ ...base, autosave: { phase, error: null } }).label).toBe("Unsaved changes");
    }
    const drafted = describeSaveState({ ...base, dirty: true });
    expect(drafted).toMatchObject({ label: "Draft autosaved", tone: "unsaved" });
    expect(drafted.detail).toMatch(/draft/);
  });

  it("says Saving… while Ctrl+S writes the file", () => {
    expect(describeSaveState({ ...base, dirty: true, writing: true })).toMatchObject({ label: "Saving…", tone: "saving" });
  });

  it("shows autosave and save errors as text", () => {
    const failed = describeSaveState({
      ...base,
      autosave: { phase: "failed", error: { kind: "io", message: "Disk full." } },
    });
    expect(failed).toMatchObject({ label: "Autosave failed: Disk full.", tone: "error" });
    const notWritten = describeSaveState({ ...base, dirty: true, writeError: { kind: "io", message: "Read-only folder." } });
    expect(notWritten).toMatchObject({ label: "Couldn't save: Read-only folder.", tone: "error" });
  });

  it("puts a conflict above everything else", () => {
    expect(describeSaveState({ ...base, dirty: true, writing: true, conflict: true })).toMatchObject({
      label: CONFLICT_LABEL,
      tone: "conflict",
    });
    expect(CONFLICT_LABEL).toBe("Conflict: the file changed outside Quire");
  });
});
