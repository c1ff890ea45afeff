import { describe, expect, it } from "vitest";
import { EditorState } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { DIM_CLASS, FOCUS_CLASS, focusMode, litRange, paragraphAt, sentenceAt } from "./focus";

function lines(text: string) {
  const all = text.split("\n");
  return { at: (n: number) => all[n - 1]!, count: all.length };
}

describe("paragraphAt", () => {
  const doc = lines("# Title\n\nFirst line\nsecond line\n\nNext paragraph");
  it("spans the run of non-blank lines around the cursor", () => {
    expect(paragraphAt(doc.at, doc.count, 4)).toEqual({ from: 3, to: 4 });
    expect(paragraphAt(doc.at, doc.count, 3)).toEqual({ from: 3, to: 4 });
    expect(paragraphAt(doc.at, doc.count, 6)).toEqual({ from: 6, to: 6 });
  });
  it("lights only the blank line itself when the cursor is between paragraphs", () => {
    expect(paragraphAt(doc.at, doc.count, 2)).toEqual({ from: 2, to: 2 });
  });
});

describe("sentenceAt", () => {
  const text = "One sentence. Another one! A third?";
  it("finds the sentence the cursor is in, without the spaces around it", () => {
    expect(sentenceAt(text, 0)).toEqual({ from: 0, to: 13 });
    expect(sentenceAt(text, 16)).toEqual({ from: 14, to: 26 });
    expect(text.slice(14, 26)).toBe("Another one!");
    expect(sentenceAt(text, text.length)).toEqual({ from: 27, to: text.length });
  });
  it("keeps the cursor right after a full stop in that sentence", () => {
    expect(sentenceAt(text, 13)).toEqual({ from: 0, to: 13 });
  });
  it("treats closing quotes after the stop as part of the sentence", () => {
    const quoted = "He said “go.” Then left.";
    expect(quoted.slice(sentenceAt(quoted, 2).from, sentenceAt(quoted, 2).to)).toBe("He said “go.”");
  });
  it("starts a new sentence after a stop and a space at the end (the writer is about to type)", () => {
    expect(sentenceAt("Done. ", 6)).toEqual({ from: 6, to: 6 });
  });
});

describe("focusMode", () => {
  const text = "# Title\n\nFirst line\nsecond line. More here.\n\nNext paragraph";
  it("lights the paragraph or the sentence holding the cursor", () => {
    const state = EditorState.create({ doc: text, selection: { anchor: text.indexOf("second") + 2 } });
    expect(state.sliceDoc(litRange(state, "paragraph").from, litRange(state, "paragraph").to)).toBe(
      "First line\nsecond line. More here.",
    );
    expect(state.sliceDoc(litRange(state, "sentence").from, litRange(state, "sentence").to)).toBe(
      "First line\nsecond line.",
    );
  });

  it("dims the other lines of the editor and follows the cursor", () => {
    const parent = document.createElement("div");
    document.body.append(parent);
    const view = new EditorView({
      parent,
      state: EditorState.create({ doc: text, selection: { anchor: text.indexOf("First") }, extensions: focusMode() }),
    });
    expect(view.dom.classList.contains(FOCUS_CLASS)).toBe(true);
    const dimmed = () =>
      [...view.contentDOM.querySelectorAll(".cm-line")].filter((l) => l.classList.contains(DIM_CLASS)).map((l) => l.textContent);
    expect(dimmed()).toEqual(["# Title", "", "", "Next paragraph"]);
    view.dispatch({ selection: { anchor: text.length } });
    expect(dimmed()).toEqual(["# Title", "", "First line", "second line. More here.", ""]);
    view.destroy();
    parent.remove();
  });
});
