import { describe, expect, it } from "vitest";
import type { EssaySummary } from "../ipc/types";
import {
  collectStatuses,
  collectTags,
  filterEssays,
  formatDate,
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
