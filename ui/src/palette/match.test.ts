import { describe, expect, it } from "vitest";
import { fuzzyMatch, rankActions, rankEssays } from "./match";
import type { EssaySummary } from "../ipc/types";
import type { Action } from "../actions";

function essay(id: number, title: string, path: string | null): EssaySummary {
  return { id, title, path, date: null, status: "draft", tags: [], words: 0, problem: null, unsaved: false };
}

const essays = [
  essay(1, "A Misplaced Focus", "a-misplaced-focus.md"),
  essay(2, "A Tour of What Quire Renders", "feature-tour.md"),
  essay(3, "Notes on Focus", "notes/focus.md"),
  essay(4, "Untitled draft", null),
];

describe("fuzzyMatch", () => {
  it("finds a run of letters in any case and says where", () => {
    expect(fuzzyMatch("focus", "A Misplaced Focus")?.positions).toEqual([12, 13, 14, 15, 16]);
  });
  it("finds letters in order when they are not together", () => {
    expect(fuzzyMatch("msfc", "A Misplaced Focus")?.positions).toEqual([2, 4, 12, 14]);
  });
  it("needs every word of the query", () => {
    expect(fuzzyMatch("tour quire", "A Tour of What Quire Renders")).not.toBeNull();
    expect(fuzzyMatch("tour hugo", "A Tour of What Quire Renders")).toBeNull();
  });
  it("prefers the start of a word to the middle of one", () => {
    expect(fuzzyMatch("place", "Placed")!.score).toBeGreaterThan(fuzzyMatch("place", "Misplaced")!.score);
  });
});

describe("rankEssays", () => {
  it("puts the closest title first", () => {
    expect(rankEssays("focus", essays).map((r) => r.essay.id)).toEqual([3, 1]);
    expect(rankEssays("misp", essays)[0]?.essay.id).toBe(1);
  });
  it("finds essays by file name too", () => {
    const ranked = rankEssays("feature", essays);
    expect(ranked.map((r) => r.essay.id)).toEqual([2]);
    expect(ranked[0]!.path).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(ranked[0]!.title).toEqual([]);
  });
  it("lists everything in the given order for an empty query", () => {
    expect(rankEssays("  ", essays).map((r) => r.essay.id)).toEqual([1, 2, 3, 4]);
  });
  it("lists nothing when nothing matches", () => {
    expect(rankEssays("zzz", essays)).toEqual([]);
  });
});

describe("rankActions", () => {
  const run = () => undefined;
  const list: Action[] = [
    { id: "essay.save", title: "Save", group: "Essay", run },
    { id: "mode.focus", title: "Focus mode", group: "Writing", run },
    { id: "view.preview", title: "Show or hide the preview", group: "View", run },
    { id: "history.open", title: "Show history", group: "Essay", enabled: () => false, run },
  ];
  it("filters by title as the writer types", () => {
    expect(rankActions("focus", list).map((r) => r.action.id)).toEqual(["mode.focus"]);
    expect(rankActions("show", list).map((r) => r.action.id)).toEqual(["history.open", "view.preview"]);
  });
  it("matches the group as well as the title", () => {
    expect(rankActions("writing", list).map((r) => r.action.id)).toEqual(["mode.focus"]);
  });
  it("lists what can't run now after what can", () => {
    const enabled = (a: Action) => (a.enabled ? a.enabled() : true);
    expect(rankActions("show", list, enabled).map((r) => r.action.id)).toEqual(["view.preview", "history.open"]);
    expect(rankActions("", list, enabled).map((r) => r.action.id)).toEqual(["essay.save", "mode.focus", "view.preview", "history.open"]);
  });
});
