import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { EssaySummary, ListedChange } from "../ipc/types";
import { essay, libraryElements } from "./fixture";
import { sortEssays } from "./filter";

// The list's reading of every essay, answered when a test says so.
let answers: Array<(list: EssaySummary[]) => void> = [];
const listEssays = vi.fn((_after: number | null, _limit: number | null) => new Promise<EssaySummary[]>((resolve) => answers.push(resolve)));
vi.mock("../ipc", () => ({
  listEssays: (after: number | null, limit: number | null) => listEssays(after, limit),
  toQuireError: (e: unknown) => ({ kind: "internal", message: String(e) }),
}));

const { Essays, LIST_PAGE } = await import("./essays");

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
const footer = () => document.getElementById("footer")!.textContent;
/** A page of the list: essays `from` .. `from + n - 1`, newest first by id. */
const page = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => essay(from + i, `Essay ${from + i}`, `2024-01-${String(1 + ((from + i) % 28)).padStart(2, "0")}`));

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

describe("Essays: a long list is read a page at a time", () => {
  it("asks for each page after the id the last one ended with, and shows the list once whole", async () => {
    const reading = essays.reload();
    await vi.advanceTimersByTimeAsync(1);
    expect(listEssays).toHaveBeenLastCalledWith(null, LIST_PAGE);
    answers[0]!(page(1, LIST_PAGE));
    await vi.advanceTimersByTimeAsync(1);
    expect(listEssays).toHaveBeenLastCalledWith(LIST_PAGE, LIST_PAGE);
    expect(footer()).toBe("2 essays"); // nothing shown of a list half read
    answers[1]!(page(LIST_PAGE + 1, 2));
    expect((await reading)?.length).toBe(LIST_PAGE + 2);
    expect(footer()).toBe(`${(LIST_PAGE + 2).toLocaleString("en-US")} essays`);
    expect(listEssays).toHaveBeenCalledTimes(2);
    // Each page was sorted as it came: the list shows all of them in one order, newest first.
    const all = [...page(1, LIST_PAGE), ...page(LIST_PAGE + 1, 2)];
    expect(essays.pane.visibleEssays().map((e) => e.id)).toEqual(sortEssays(all, "date").map((e) => e.id));
  });

  it("takes the first page a window's start brought, whatever its size, and counts nothing until the rest is in", async () => {
    essays.pane.awaitEssays();
    expect(footer()).toBe("");
    expect(list.textContent).toContain("Loading your essays");
    // The core's first page need not be the size the window asks for.
    const reading = essays.reload(page(1, 4000));
    await vi.advanceTimersByTimeAsync(1);
    expect(listEssays).toHaveBeenCalledTimes(1);
    expect(listEssays).toHaveBeenLastCalledWith(4000, LIST_PAGE);
    // An essay of the first page is saved while the rest is on its way: the list has it as saved.
    essays.changed(saved(essay(3, "Essay 3", "2024-01-04", 900)));
    await vi.advanceTimersByTimeAsync(150);
    expect(footer()).toBe("");
    answers[0]!(page(4001, 2));
    await reading;
    expect(footer()).toBe("4,002 essays");
    expect(essays.pane.visibleEssays().find((e) => e.id === 3)?.words).toBe(900);
  });
});
