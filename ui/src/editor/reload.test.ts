import { describe, expect, it } from "vitest";
import { EditorSelection, EditorState } from "@codemirror/state";
import { history, undo, undoDepth } from "@codemirror/commands";
import { fromOutside, minimalChange, replaceDocument } from "./reload";

describe("minimalChange", () => {
  it("is null for equal texts", () => {
    expect(minimalChange("same", "same")).toBeNull();
  });
  it("covers only the part that differs", () => {
    expect(minimalChange("one two three", "one 2 three")).toEqual({ from: 4, to: 7, insert: "2" });
    expect(minimalChange("abc", "abcd")).toEqual({ from: 3, to: 3, insert: "d" });
    expect(minimalChange("abcd", "bcd")).toEqual({ from: 0, to: 1, insert: "" });
    expect(minimalChange("", "new")).toEqual({ from: 0, to: 0, insert: "new" });
  });
  it("turns the old text into the new one", () => {
    const cases: Array<[string, string]> = [
      ["aaaa", "aa"],
      ["abab", "ab"],
      ["hello world", "hello brave new world"],
      ["x😀y", "x😁y"],
      ["😀", "😁"],
    ];
    for (const [before, after] of cases) {
      const c = minimalChange(before, after)!;
      expect(before.slice(0, c.from) + c.insert + before.slice(c.to)).toBe(after);
    }
  });
  it("never splits a surrogate pair", () => {
    const c = minimalChange("x😀y", "x😁y")!;
    expect(c.insert).toBe("😁");
  });
});

describe("replaceDocument", () => {
  const text = "# Title\n\nFirst paragraph.\n\nSecond paragraph, where the cursor is.\n";

  it("keeps the cursor where it was when the change is elsewhere", () => {
    const cursor = text.indexOf("where");
    const state = EditorState.create({ doc: text, selection: EditorSelection.cursor(cursor) });
    const next = state.update(replaceDocument(state, text.replace("First", "An edited first"))!).state;
    expect(next.doc.toString()).toContain("An edited first paragraph.");
    expect(next.sliceDoc(next.selection.main.head, next.selection.main.head + 5)).toBe("where");
  });

  it("keeps the cursor inside a shorter document", () => {
    const state = EditorState.create({ doc: text, selection: EditorSelection.cursor(text.length) });
    const next = state.update(replaceDocument(state, "# Title\n")!).state;
    expect(next.selection.main.head).toBeLessThanOrEqual(next.doc.length);
  });

  it("is an ordinary, undoable change that keeps the earlier history", () => {
    let state = EditorState.create({ doc: "draft", extensions: history() });
    state = state.update({ changes: { from: 5, insert: " one" }, userEvent: "input.type" }).state;
    expect(undoDepth(state)).toBe(1);
    const tr = state.update(replaceDocument(state, "outside draft one")!);
    expect(tr.annotation(fromOutside)).toBe(true);
    state = tr.state;
    expect(undoDepth(state)).toBe(2);
    let undone = state;
    undo({ state: undone, dispatch: (t) => (undone = t.state) });
    expect(undone.doc.toString()).toBe("draft one");
    undo({ state: undone, dispatch: (t) => (undone = t.state) });
    expect(undone.doc.toString()).toBe("draft");
  });

  it("is null when the text is already there", () => {
    const state = EditorState.create({ doc: text });
    expect(replaceDocument(state, text)).toBeNull();
  });
});
