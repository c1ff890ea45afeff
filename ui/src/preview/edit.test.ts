import { describe, expect, it } from "vitest";
import { applyTextEdit, changesShortParagraphs, textEdit } from "./edit";

describe("textEdit", () => {
  // What changed, the old text, the new one, and what the edit carries.
  const cases: Array<[string, string, string, string]> = [
    ["a character typed", "Two words.", "Two words!.", "!"],
    ["a word deleted", "Two short words.", "Two words.", ""],
    ["a paste at the top", "body", "# Title\n\nbody", "# Title\n\n"],
    ["everything replaced", "old", "new text", "new text"],
    ["nothing changed", "same", "same", ""],
    ["from empty", "", "first", "first"],
    ["to empty", "last", "", ""],
    ["a repeated letter", "aaaa", "aaaaa", "a"],
  ];
  for (const [what, old, next, insert] of cases) {
    it(`sends only the changed range and rebuilds the text: ${what}`, () => {
      const edit = textEdit(old, next, 7);
      expect(edit.base).toBe(7);
      expect(edit.insert).toBe(insert);
      expect(applyTextEdit(old, edit)).toBe(next);
    });
  }

  it("never splits an emoji, whose halves the core could not cut between", () => {
    // 😀 and 😁 share their first UTF-16 unit (a common prefix would end inside them).
    for (const [old, next] of [
      ["a😀b", "a😁b"],
      ["x🙂", "x😂"],
      ["😀", "😁"],
    ] as const) {
      const edit = textEdit(old, next, 1);
      expect(applyTextEdit(old, edit)).toBe(next);
      const touched = old.slice(edit.start, edit.start + edit.deleteCount);
      expect(touched).toMatch(/^[\uD800-\uDBFF][\uDC00-\uDFFF]$/);
      expect(edit.insert).toMatch(/^[\uD800-\uDBFF][\uDC00-\uDFFF]$/);
    }
  });
});

describe("changesShortParagraphs", () => {
  const para = (n: number, words: number) => Array.from({ length: words }, (_, i) => `w${n}x${i}`).join(" ");
  // A long essay: 200 paragraphs of ~50 words, and one paragraph of ~30,000 characters.
  const paragraphs = Array.from({ length: 200 }, (_, n) => para(n, 50));
  paragraphs[100] = para(100, 4000);
  const essay = paragraphs.join("\n\n");
  const at = (needle: string) => essay.indexOf(needle);
  const insert = (text: string, pos: number, what: string) => text.slice(0, pos) + what + text.slice(pos);

  it("says yes for a keystroke in an ordinary paragraph, and at the very start or end", () => {
    expect(changesShortParagraphs(essay, insert(essay, at("w5x10"), "a"), 20_000)).toBe(true);
    expect(changesShortParagraphs(essay, insert(essay, 0, "a"), 20_000)).toBe(true);
    expect(changesShortParagraphs(essay, essay + "a", 20_000)).toBe(true);
  });

  it("says no inside a paragraph longer than the limit", () => {
    expect(changesShortParagraphs(essay, insert(essay, at("w100x2000"), "a"), 20_000)).toBe(false);
  });

  it("says no for a change that is itself long: a paste, or a deletion of many paragraphs", () => {
    expect(changesShortParagraphs(essay, insert(essay, at("w5x10"), "b ".repeat(10_000)), 20_000)).toBe(false);
    const cut = essay.slice(0, at("w5x0")) + essay.slice(at("w99x0"));
    expect(changesShortParagraphs(essay, cut, 20_000)).toBe(false);
  });

  it("says yes when nothing changed", () => {
    expect(changesShortParagraphs(essay, essay, 20_000)).toBe(true);
  });
});
