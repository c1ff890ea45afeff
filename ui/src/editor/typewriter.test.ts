import { describe, expect, it } from "vitest";
import { EditorState } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { recentres, typewriterScrolling } from "./typewriter";

const state = EditorState.create({ doc: "one\ntwo\nthree", extensions: typewriterScrolling() });

/** Whether the transaction carries a scroll that puts the cursor at the middle. */
function centred(tr: ReturnType<EditorState["update"]>): boolean {
  return tr.effects.some((e) => (e.value as { y?: string } | null)?.y === "center");
}

describe("typewriter scrolling", () => {
  it("centres the cursor line when the writer types or moves with the keyboard", () => {
    const typed = state.update({ changes: { from: 3, insert: "!" }, userEvent: "input.type", scrollIntoView: true });
    expect(recentres(typed)).toBe(true);
    expect(centred(typed)).toBe(true);
    const moved = state.update({ selection: { anchor: 6 }, userEvent: "select", scrollIntoView: true });
    expect(centred(moved)).toBe(true);
  });

  it("leaves the text where a click put it", () => {
    const clicked = state.update({ selection: { anchor: 6 }, userEvent: "select.pointer", scrollIntoView: true });
    expect(recentres(clicked)).toBe(false);
    expect(centred(clicked)).toBe(false);
  });

  it("leaves jumps that bring their own scroll target (search, outline) alone", () => {
    const jump = state.update({
      selection: { anchor: 8 },
      effects: EditorView.scrollIntoView(8, { y: "start" }),
      userEvent: "select",
    });
    expect(recentres(jump)).toBe(false);
    expect(centred(jump)).toBe(false);
  });
});
