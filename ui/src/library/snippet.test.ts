import { describe, expect, it } from "vitest";
import { markSnippet, snippetParts } from "./snippet";

describe("snippetParts", () => {
  it("splits hits from plain text", () => {
    expect(snippetParts("a \u0002misplaced\u0003 focus")).toEqual([
      { text: "a ", hit: false },
      { text: "misplaced", hit: true },
      { text: " focus", hit: false },
    ]);
  });
  it("handles several hits, adjacent hits and an unterminated one", () => {
    expect(snippetParts("\u0002a\u0003\u0002b\u0003 c \u0002d")).toEqual([
      { text: "ab", hit: true },
      { text: " c ", hit: false },
      { text: "d", hit: true },
    ]);
  });
  it("is empty for an empty snippet", () => {
    expect(snippetParts("")).toEqual([]);
  });
});

describe("markSnippet", () => {
  it("builds text nodes and <mark> elements", () => {
    const host = document.createElement("p");
    host.append(markSnippet(document, "the \u0002focus\u0003 of it"));
    expect(host.innerHTML).toBe("the <mark>focus</mark> of it");
    expect(host.querySelectorAll("mark")).toHaveLength(1);
    expect(host.textContent).toBe("the focus of it");
  });

  it("keeps <script> and other markup as text", () => {
    const host = document.createElement("p");
    host.append(markSnippet(document, '<script>alert(1)</script> \u0002<img src=x onerror="alert(2)">\u0003'));
    expect(host.querySelector("script")).toBeNull();
    expect(host.querySelector("img")).toBeNull();
    expect(host.textContent).toBe('<script>alert(1)</script> <img src=x onerror="alert(2)">');
    expect(host.querySelector("mark")?.textContent).toBe('<img src=x onerror="alert(2)">');
  });
});
