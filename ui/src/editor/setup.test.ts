import { describe, expect, it, vi } from "vitest";
import { EditorState } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { ensureSyntaxTree } from "@codemirror/language";
import { classHighlighter, highlightTree, tags } from "@lezer/highlight";
import { hasHugeLine, LONGEST_WRAPPED_LINE, markdownEditor, markdownLanguageSupport, openFind } from "./setup";
import { quireHighlightStyle } from "./theme";

/** The highlight classes on the first occurrence of `word` in `text`, once its languages are in. */
function classesAt(text: string, word: string): string {
  const state = EditorState.create({ doc: text, extensions: markdownLanguageSupport() });
  const tree = ensureSyntaxTree(state, state.doc.length, 5000);
  if (!tree) return "";
  const from = text.indexOf(word);
  const classes: string[] = [];
  highlightTree(tree, classHighlighter, (start, end, style) => {
    if (start < from + word.length && end > from) classes.push(style);
  }, from, from + word.length);
  return classes.join(" ");
}

describe("markdownLanguageSupport", () => {
  it("highlights the code in a fenced js block once JavaScript has loaded", async () => {
    const essay = "# Notes\n\nSome prose.\n\n```js\nconst answer = 42;\n```\n";
    await vi.waitFor(() => expect(classesAt(essay, "const")).toContain("tok-keyword"), { timeout: 5000 });
    expect(classesAt(essay, "42")).toContain("tok-number");
    // The prose around it is not code.
    expect(classesAt(essay, "prose")).toBe("");
  });

  it("highlights HTML in the essay once HTML has loaded", async () => {
    const essay = "Before.\n\n<details>\n<summary>More</summary>\n</details>\n";
    await vi.waitFor(() => expect(classesAt(essay, "details")).toContain("tok-typeName"), { timeout: 5000 });
  });

  it("leaves a fence naming no known language as plain code", () => {
    const essay = "```nosuchlanguage\nconst answer = 42;\n```\n";
    expect(classesAt(essay, "const")).not.toContain("tok-keyword");
  });
});

describe("markdownEditor", () => {
  it("shows headings and fenced code in the editor in the highlight style's colours", async () => {
    const host = document.createElement("div");
    document.body.append(host);
    const doc = "# Notes\n\nSome prose.\n\n```js\nconst answer = 42;\n```\n";
    const view = new EditorView({ parent: host, state: EditorState.create({ doc, extensions: markdownEditor() }) });
    /** The classes of the innermost element of the editor's text that shows exactly `word`. */
    const shownAs = (word: string) =>
      [...view.contentDOM.querySelectorAll(".cm-line *")].filter((e) => e.textContent === word).map((e) => e.className).join(" ");
    const keyword = quireHighlightStyle.style([tags.keyword])!;
    const number = quireHighlightStyle.style([tags.number])!;
    const heading = quireHighlightStyle.style([tags.heading1])!;
    // Each class has a rule in the style, with its colour or weight.
    const rules = quireHighlightStyle.module!.getRules();
    expect(rules).toMatch(new RegExp(`\\.${keyword} \\{[^}]*color: var\\(--hl-kw\\)`));
    expect(rules).toMatch(new RegExp(`\\.${heading} \\{[^}]*font-weight: 700`));
    await vi.waitFor(() => expect(shownAs("const").split(" ")).toContain(keyword), { timeout: 5000 });
    expect(shownAs("42").split(" ")).toContain(number);
    const headingText = [...view.contentDOM.querySelectorAll(`.${heading}`)].map((e) => e.textContent).join("");
    expect(headingText).toBe("# Notes");
    view.destroy();
    host.remove();
  });
});

describe("find", () => {
  it("opens the find panel on the first Ctrl+F in the editor, and finds what is typed into it", async () => {
    const host = document.createElement("div");
    document.body.append(host);
    const view = new EditorView({ parent: host, state: EditorState.create({ doc: "One line.\nAnother line.\n", extensions: markdownEditor() }) });
    view.focus();
    const press = new KeyboardEvent("keydown", { key: "f", code: "KeyF", ctrlKey: true, bubbles: true, cancelable: true });
    view.contentDOM.dispatchEvent(press);
    expect(press.defaultPrevented).toBe(true);
    await vi.waitFor(() => expect(host.querySelector(".cm-search input[name=search]")).not.toBeNull());
    // Find next (Ctrl+G) with the word in the field selects it in the text.
    const field = host.querySelector<HTMLInputElement>(".cm-search input[name=search]")!;
    field.value = "Another";
    field.dispatchEvent(new Event("change", { bubbles: true }));
    view.contentDOM.dispatchEvent(new KeyboardEvent("keydown", { key: "g", code: "KeyG", ctrlKey: true, bubbles: true, cancelable: true }));
    const { from, to } = view.state.selection.main;
    expect(view.state.sliceDoc(from, to)).toBe("Another");
    view.destroy();
    host.remove();
  });

  it("opens the find panel from outside the editor (the palette's Find in essay)", async () => {
    const host = document.createElement("div");
    document.body.append(host);
    const view = new EditorView({ parent: host, state: EditorState.create({ doc: "Text.\n", extensions: markdownEditor() }) });
    await openFind(view);
    expect(host.querySelector(".cm-search input[name=search]")).not.toBeNull();
    // Another essay's state, made before or after, gets find too.
    view.setState(EditorState.create({ doc: "Other.\n", extensions: markdownEditor() }));
    await openFind(view);
    expect(host.querySelector(".cm-search input[name=search]")).not.toBeNull();
    view.destroy();
    host.remove();
  });
});

describe("hasHugeLine", () => {
  it("finds a line too long to wrap, wherever it is", () => {
    const long = "x".repeat(LONGEST_WRAPPED_LINE + 1);
    expect(hasHugeLine(long)).toBe(true);
    expect(hasHugeLine(`a\n${long}\nb`)).toBe(true);
    expect(hasHugeLine(`a\n${long}`)).toBe(true);
    expect(hasHugeLine("x".repeat(LONGEST_WRAPPED_LINE))).toBe(false);
    expect(hasHugeLine(`${"x".repeat(LONGEST_WRAPPED_LINE)}\n`.repeat(3))).toBe(false);
  });
});
