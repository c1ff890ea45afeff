import { describe, expect, it } from "vitest";
import { countWords, formatReadingTime, formatWords, readingMinutes, stripFrontMatter } from "./stats";

describe("countWords", () => {
  it("counts plain prose", () => {
    expect(countWords("It's a \"fine\" day.")).toBe(4);
  });

  it("leaves out front matter", () => {
    const text = "---\ntitle: A Misplaced Focus\ntags: [a, b]\n---\n\nThree little words";
    expect(countWords(text)).toBe(3);
  });

  it("leaves out fenced code blocks, like the core", () => {
    expect(countWords("It's a \"fine\" day.\n\n```\nnot counted here\n```\n")).toBe(4);
    expect(countWords("one\n~~~~rust\nfn main() {}\n~~~~\ntwo")).toBe(2);
  });

  it("does not count Markdown markup", () => {
    expect(countWords("# A heading\n\n- one *two* **three**\n> four\n\n---\n\n1. five")).toBe(7);
    expect(countWords("A [link text](https://example.com/a/b) and ![alt](x.png)")).toBe(5);
    expect(countWords("Setext\n======")).toBe(1);
    expect(countWords("Footnote[^1] here.\n\n[^1]: The note.")).toBe(4);
    expect(countWords("| a | b |\n|---|---|\n| c | d |")).toBe(4);
  });

  it("counts links with a title, and brackets that are not links", () => {
    expect(countWords('See [the notes](notes.md "Notes") [sic] here')).toBe(5);
  });

  it("counts text no parser can make sense of, at once", () => {
    // Each `[` once started a scan to the end of the line for a `)` that never comes: this
    // line took 44 s in the app (and this test would time out).
    // `*[_**[a_*](*_[` reads as the words `a` and `(` (as one pattern alone does).
    expect(countWords("*[_**[a_*](*_[")).toBe(2);
    expect(countWords("*[_**[a_*](*_[".repeat(30_000))).toBe(60_000);
    expect(countWords("[a](<b ".repeat(60_000))).toBe(120_000);
  });

  it("is zero for an empty essay", () => {
    expect(countWords("")).toBe(0);
    expect(countWords("---\ntitle: x\n---\n")).toBe(0);
  });
});

describe("stripFrontMatter", () => {
  it("keeps text without front matter as it is", () => {
    expect(stripFrontMatter("no front matter\n---\n")).toBe("no front matter\n---\n");
  });
  it("keeps an unclosed block (it's not front matter)", () => {
    expect(stripFrontMatter("---\ntitle: x\n")).toBe("---\ntitle: x\n");
  });
  it("accepts ... as the closing fence", () => {
    expect(stripFrontMatter("---\na: 1\n...\nbody")).toBe("\nbody");
  });
});

describe("reading time", () => {
  it("rounds up at 230 words a minute, like the core", () => {
    expect(readingMinutes(0)).toBe(0);
    expect(readingMinutes(1)).toBe(1);
    expect(readingMinutes(230)).toBe(1);
    expect(readingMinutes(231)).toBe(2);
  });
  it("formats words and minutes for the status bar", () => {
    expect(formatWords(1)).toBe("1 word");
    expect(formatWords(1234)).toBe("1,234 words");
    expect(formatReadingTime(1)).toBe("1 min read");
    expect(formatReadingTime(12)).toBe("12 min read");
  });
});
