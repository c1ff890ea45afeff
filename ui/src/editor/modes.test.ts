import { describe, expect, it } from "vitest";
import { EditorState } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { MODES_KEY, ModeSwitch, loadModes } from "./modes";
import { markdownEditor } from "./setup";
import { FOCUS_CLASS } from "./focus";
import { TYPEWRITER_CLASS } from "./typewriter";

function memory(initial: Record<string, string> = {}) {
  const data = { ...initial };
  return { getItem: (k: string) => data[k] ?? null, setItem: (k: string, v: string) => void (data[k] = v), data };
}

function setup(storage = memory()) {
  const parent = document.createElement("div");
  const app = document.createElement("div");
  const indicator = document.createElement("span");
  document.body.append(parent, app);
  const view = new EditorView({ parent, state: EditorState.create({ doc: "Text.", extensions: markdownEditor() }) });
  const modes = new ModeSwitch({ view, indicator, app, setWindowFullscreen: async () => undefined, storage });
  return { view, modes, indicator, app, storage };
}

describe("writing modes", () => {
  it("falls back to everything off when the saved modes are missing or broken", () => {
    expect(loadModes(memory())).toEqual({ focus: false, focusUnit: "paragraph", typewriter: false });
    expect(loadModes(memory({ [MODES_KEY]: "{not json" })).focus).toBe(false);
    expect(loadModes(memory({ [MODES_KEY]: '{"focus":"yes","focusUnit":"word"}' }))).toEqual({
      focus: false,
      focusUnit: "paragraph",
      typewriter: false,
    });
  });

  it("switches focus mode on in the editor, says so in the status bar, and remembers it", () => {
    const { view, modes, indicator, storage } = setup();
    modes.toggleFocus();
    expect(view.dom.classList.contains(FOCUS_CLASS)).toBe(true);
    expect(indicator.textContent).toBe("Focus");
    expect(loadModes(storage)).toMatchObject({ focus: true });
    modes.toggleTypewriter();
    expect(view.dom.classList.contains(TYPEWRITER_CLASS)).toBe(true);
    expect(indicator.textContent).toBe("FocusTypewriter");
    modes.toggleFocus();
    expect(view.dom.classList.contains(FOCUS_CLASS)).toBe(false);
    expect(indicator.textContent).toBe("Typewriter");
  });

  it("starts with the modes remembered from last time", () => {
    const storage = memory({ [MODES_KEY]: JSON.stringify({ focus: true, focusUnit: "sentence", typewriter: false }) });
    const { view, indicator } = setup(storage);
    expect(view.dom.classList.contains(FOCUS_CLASS)).toBe(true);
    expect(indicator.textContent).toBe("Focus: sentence");
  });

  it("applies to an essay's state that was put aside while the modes changed", async () => {
    const { view, modes } = setup();
    const other = EditorState.create({ doc: "Other essay.", extensions: markdownEditor() });
    modes.toggleFocus();
    view.setState(other);
    await Promise.resolve();
    expect(view.dom.classList.contains(FOCUS_CLASS)).toBe(true);
    modes.toggleFocus();
  });

  it("full screen hides the chrome and comes back", () => {
    const { modes, app } = setup();
    modes.toggleFullScreen();
    expect(app.classList.contains("distraction-free")).toBe(true);
    modes.setFullScreen(false);
    expect(app.classList.contains("distraction-free")).toBe(false);
  });
});
