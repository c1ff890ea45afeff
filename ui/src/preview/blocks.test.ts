import { describe, expect, it } from "vitest";
import { diffBlocks, pageHead } from "./blocks";

describe("diffBlocks", () => {
  it("finds nothing to do for the same blocks", () => {
    expect(diffBlocks(["<p>a</p>", "<p>b</p>"], ["<p>a</p>", "<p>b</p>"])).toBeNull();
    expect(diffBlocks([], [])).toBeNull();
  });

  it("replaces only the paragraph being typed in", () => {
    const old = ["<h1>T</h1>", "<p>one</p>", "<p>two</p>", "<p>three</p>"];
    const next = ["<h1>T</h1>", "<p>one</p>", "<p>twos</p>", "<p>three</p>"];
    expect(diffBlocks(old, next)).toEqual({ start: 2, oldEnd: 3, newEnd: 3 });
  });

  it("inserts a new paragraph without touching its neighbours", () => {
    const old = ["<p>a</p>", "<p>c</p>"];
    const next = ["<p>a</p>", "<p>b</p>", "<p>c</p>"];
    expect(diffBlocks(old, next)).toEqual({ start: 1, oldEnd: 1, newEnd: 2 });
  });

  it("removes a deleted block", () => {
    expect(diffBlocks(["<p>a</p>", "<p>b</p>", "<p>c</p>"], ["<p>a</p>", "<p>c</p>"])).toEqual({
      start: 1,
      oldEnd: 2,
      newEnd: 1,
    });
  });

  it("does not count a block twice when the same block repeats", () => {
    const same = "<p>x</p>";
    expect(diffBlocks([same, same], [same, same, same])).toEqual({ start: 2, oldEnd: 2, newEnd: 3 });
  });

  it("replaces everything from a change at the top to one at the bottom", () => {
    expect(diffBlocks(["a", "b", "c"], ["A", "b", "C"])).toEqual({ start: 0, oldEnd: 3, newEnd: 3 });
  });
});

describe("pageHead", () => {
  it("is everything before the body, so a new title or stylesheet reloads the page", () => {
    const page = "<!doctype html><html><head><title>A</title></head>\n<body class=\"essay-page\"><p>x</p></body></html>";
    expect(pageHead(page)).toBe("<!doctype html><html><head><title>A</title></head>\n");
    expect(pageHead(page.replace("<p>x</p>", "<p>y</p>"))).toBe(pageHead(page));
  });
  it("does not mistake <bodyguard> for the body", () => {
    expect(pageHead("<head></head><bodyguard></bodyguard><body>")).toBe("<head></head><bodyguard></bodyguard>");
  });
});
