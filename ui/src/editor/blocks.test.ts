import { describe, expect, it } from "vitest";
import { EditorState } from "@codemirror/state";
import { ensureSyntaxTree } from "@codemirror/language";
import { blockLineClasses } from "./blocks";
import { markdownLanguageSupport } from "./setup";

function classes(doc: string) {
  const state = EditorState.create({ doc, extensions: markdownLanguageSupport() });
  ensureSyntaxTree(state, state.doc.length, 5000);
  return Object.fromEntries(blockLineClasses(state).map(({ line, classes }) => [line, classes]));
}

describe("blockLineClasses", () => {
  it("marks front matter lines and its fences", () => {
    const result = classes("---\ntitle: A\ntags: [x]\n---\n\nBody text.\n");
    expect(result[1]).toEqual(["cm-frontmatter", "cm-frontmatter-fence"]);
    expect(result[2]).toEqual(["cm-frontmatter"]);
    expect(result[3]).toEqual(["cm-frontmatter"]);
    expect(result[4]).toEqual(["cm-frontmatter", "cm-frontmatter-fence"]);
    expect(result[6]).toBeUndefined();
  });

  it("does not take a closing --- for a setext heading inside front matter", () => {
    const result = classes("---\ntitle: A\n---\n# Real heading\n");
    expect(result[3]).toContain("cm-frontmatter-fence");
    expect(result[4]).toBeUndefined();
  });

  it("marks fenced code blocks with first and last lines", () => {
    const result = classes("Text\n\n```rust\nfn main() {}\n```\n\nMore\n");
    expect(result[3]).toEqual(["cm-codeblock", "cm-codeblock-first"]);
    expect(result[4]).toEqual(["cm-codeblock"]);
    expect(result[5]).toEqual(["cm-codeblock", "cm-codeblock-last"]);
    expect(result[7]).toBeUndefined();
  });

  it("leaves a plain essay alone", () => {
    expect(classes("# Title\n\nJust *prose*.\n")).toEqual({});
  });
});
