import { describe, expect, it } from "vitest";
import { applyTextEdit, textEdit } from "./edit";

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
