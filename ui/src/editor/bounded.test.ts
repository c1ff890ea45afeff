import { describe, expect, it } from "vitest";
import { markdownLanguage } from "@codemirror/lang-markdown";
import { EditorState } from "@codemirror/state";
import { ensureSyntaxTree } from "@codemirror/language";
import { boundedMarkdown, LONG_BLOCK } from "./bounded";
import { markdownLanguageSupport } from "./setup";
import type { MarkdownParser } from "@lezer/markdown";

const plain = markdownLanguage.parser as MarkdownParser;
const bounded = plain.configure(boundedMarkdown);

/** The longest uninterruptible step of a full parse of `text`, in ms. */
function longestStep(text: string): number {
  const parse = bounded.startParse(text);
  let longest = 0;
  for (;;) {
    const start = performance.now();
    const done = parse.advance();
    longest = Math.max(longest, performance.now() - start);
    if (done) return longest;
  }
}

describe("boundedMarkdown", () => {
  it("parses what people write exactly as markdown does", () => {
    const essay = [
      "# A *title*",
      "",
      "Some *emphasis*, `code` and a [link](x.md).",
      "",
      "- a",
      "  - b *c*",
      "",
      "> a quote *too*",
      "",
      "| a | b |",
      "|---|---|",
      "| *c* | d |",
      "",
      "Setext",
      "======",
      "",
      "Long ".repeat(LONG_BLOCK / 5 - 20) + "*still emphasis*.",
      "",
    ].join("\n");
    expect(bounded.parse(essay).toString()).toBe(plain.parse(essay).toString());
  });

  it("never spends long on one block, whatever the text", () => {
    // Each of these takes the unbounded parser from 1 to 10 s in one step.
    const texts = [
      "*[_**[a_*](*_[".repeat(5_000), // emphasis among brackets, one paragraph
      `# ${"*[_**[a_*](*_[".repeat(3_000)}`, // the same as a heading
      `${"* ".repeat(8_000)}x`, // list markers nested on one line
      `${"> * 1. ".repeat(3_000)}x`,
      "[a](<b ".repeat(10_000), // unclosed link destinations
      "``\\ ".repeat(20_000),
    ];
    for (const text of texts) expect(longestStep(text)).toBeLessThan(250);
  });

  it("keeps a long paragraph's text as one plain paragraph", () => {
    const text = "*a* ".repeat(LONG_BLOCK);
    expect(bounded.parse(text).toString()).toBe("Document(Paragraph)");
  });

  it("is what the editor parses with", () => {
    const doc = `---\ntitle: Hard\n---\n\n${"*[_**[a_*](*_[".repeat(5_000)}\n`;
    const state = EditorState.create({ doc, extensions: markdownLanguageSupport() });
    const start = performance.now();
    expect(ensureSyntaxTree(state, doc.length, 20_000)).not.toBeNull();
    expect(performance.now() - start).toBeLessThan(1000);
  });
});
