import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { EssaySummary, ListedChange } from "../ipc/types";
import { essay, libraryElements } from "./fixture";

// The list's reading of every essay, answered when a test says so.
let answers: Array<(list: EssaySummary[]) => void> = [];
const listEssays = vi.fn(() => new Promise<EssaySummary[]>((resolve) => answers.push(resolve)));
vi.mock("../ipc", () => ({ listEssays: () => listEssays(), toQuireError: (e: unknown) => ({ kind: "internal", message: String(e) }) }));

const { Essays } = await import("./essays");

function saved(summary: EssaySummary | null, id = summary?.id ?? 0): ListedChange {
  return { essay: id, path: summary?.path ?? null, kind: "saved", source: "save", summary, summaryKnown: true };
}

let essays: InstanceType<typeof Essays>;
let list: HTMLElement;

beforeEach(() => {
  vi.useFakeTimers();
  answers = [];
  listEssays.mockClear();
  const elements = libraryElements();
  list = elements.list;
  essays = new Essays(
    elements,
    { currentId: null, unsaved: () => undefined } as never,
    { dismiss: () => undefined, error: () => undefined, show: () => undefined } as never,
    { add: () => undefined } as never,
  );
  essays.pane.setEssays([essay(1, "Alpha"), essay(2, "Beta")]);
});

afterEach(() => vi.useRealTimers());

const words = () => [...list.querySelectorAll(".essay-words")].map((e) => e.textContent);

describe("Essays: the list follows the library's changes", () => {
  it("takes a saved essay's row from the change, without reading every essay", async () => {
    essays.changed(saved(essay(2, "Beta", "2024-01-01", 900)));
    await vi.advanceTimersByTimeAsync(150);
    expect(words()).toEqual(["100 words", "900 words"]);
    expect(listEssays).not.toHaveBeenCalled();
  });

  it("reads the whole list when a change comes without its row", async () => {
    essays.changed({ ...saved(null, 2), summaryKnown: false });
    await vi.advanceTimersByTimeAsync(150);
    expect(listEssays).toHaveBeenCalledTimes(1);
  });

  it("keeps a row followed while an older reading of the whole list was on its way", async () => {
    essays.refresh(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(answers.length).toBe(1);
    essays.changed(saved(essay(2, "Beta", "2024-01-01", 900)));
    await vi.advanceTimersByTimeAsync(150);
    // The reading answers with what the store held before the save.
    answers[0]!([essay(1, "Alpha"), essay(2, "Beta", "2024-01-01", 100)]);
    await vi.advanceTimersByTimeAsync(1);
    expect(words()).toEqual(["100 words", "900 words"]);
  });
});
