import { describe, expect, it } from "vitest";
import type { EssaySummary } from "../ipc/types";
import {
  collectStatuses,
  collectTags,
  filterEssays,
  formatDate,
  mergeSorted,
  normaliseFileName,
  sortEssays,
  startupEssay,
} from "./filter";

function essay(id: number, title: string, extra: Partial<EssaySummary> = {}): EssaySummary {
  return { id, title, path: `${title.toLowerCase().replace(/ /g, "-")}.md`, date: null, status: "draft", tags: [], words: 0, problem: null, unsaved: false, ...extra };
}

const essays = [
  essay(1, "Zebra notes", { date: "2020-01-01", tags: ["Animals"], status: "published" }),
  essay(2, "apple pie", { date: "2023-05-02", tags: ["food", "animals"] }),
  essay(3, "Middle", { date: null, tags: ["food"] }),
  essay(4, "Banana", { date: "2023-05-02T10:00:00Z", status: "published" }),
];

describe("library filters", () => {
  it("collects each tag once, sorted, whatever its case", () => {
    expect(collectTags(essays)).toEqual(["Animals", "food"]);
  });

  it("offers draft and published, then other statuses", () => {
    expect(collectStatuses(essays)).toEqual(["draft", "published"]);
    expect(collectStatuses([essay(9, "x", { status: "Archived" })])).toEqual(["draft", "published", "archived"]);
  });

  it("filters by status and by tag (case-insensitive)", () => {
    expect(filterEssays(essays, { status: "published", tag: "" }).map((e) => e.id)).toEqual([1, 4]);
    expect(filterEssays(essays, { status: "all", tag: "animals" }).map((e) => e.id)).toEqual([1, 2]);
    expect(filterEssays(essays, { status: "draft", tag: "food" }).map((e) => e.id)).toEqual([2, 3]);
  });

  it("sorts newest first with undated essays last", () => {
    expect(sortEssays(essays, "date").map((e) => e.id)).toEqual([4, 2, 1, 3]);
  });

  it("sorts by title ignoring case", () => {
    expect(sortEssays(essays, "title").map((e) => e.title)).toEqual(["apple pie", "Banana", "Middle", "Zebra notes"]);
  });

  it("merges lists each in order into what sorting them together gives", () => {
    // Same dates, titles differing only in case, undated essays, in pages of uneven sizes.
    const many: EssaySummary[] = [];
    for (let id = 1; id <= 47; id++) {
      const date = id % 5 === 0 ? null : `2020-0${1 + (id % 3)}-0${1 + (id % 4)}`;
      const title = ["apple", "Apple", "banana", "Cherry 10", "cherry 9"][id % 5]!;
      many.push(essay(id, title, { date }));
    }
    for (const order of ["date", "title"] as const) {
      const pages = [many.slice(0, 20), many.slice(20, 21), [], many.slice(21, 40), many.slice(40)];
      const merged = mergeSorted(
        pages.map((page) => sortEssays(page, order)),
        order,
      );
      expect(merged.map((e) => e.id)).toEqual(sortEssays(many, order).map((e) => e.id));
    }
    expect(mergeSorted([], "date")).toEqual([]);
  });

  it("formats dates for the list", () => {
    expect(formatDate("2015-05-29")).toBe("29 May 2015");
    expect(formatDate("2015-12-01T08:00:00Z")).toBe("1 Dec 2015");
    expect(formatDate(null)).toBe("");
    expect(formatDate("someday")).toBe("someday");
  });

  it("opens the bundled sample at startup when it's there, else the first", () => {
    const sample = essay(7, "A Misplaced Focus", { path: "a-misplaced-focus.md" });
    expect(startupEssay([...essays, sample])?.id).toBe(7);
    expect(startupEssay(essays)?.id).toBe(1);
    expect(startupEssay([])).toBeNull();
  });

  it("adds .md to a file name without an extension", () => {
    expect(normaliseFileName(" new-name ")).toBe("new-name.md");
    expect(normaliseFileName("new-name.md")).toBe("new-name.md");
    expect(normaliseFileName("notes.markdown")).toBe("notes.markdown");
  });
});
