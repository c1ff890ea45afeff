import { describe, expect, it } from "vitest";
import { classifyLink, resolvePath, unwrapHref, wrapHref } from "./links";

describe("classifyLink", () => {
  it("opens a sibling essay", () => {
    expect(classifyLink("other.md", "notes/this.md")).toEqual({ kind: "essay", path: "notes/other.md", fragment: null });
  });

  it("resolves ../ against the open essay's folder and keeps the fragment", () => {
    expect(classifyLink("../x/y.md#part-two", "notes/this.md")).toEqual({
      kind: "essay",
      path: "x/y.md",
      fragment: "part-two",
    });
  });

  it("starts Zola's @/ links at the library's root", () => {
    expect(classifyLink("@/blog/post.md#a", "blog/deep/this.md")).toEqual({ kind: "essay", path: "blog/post.md", fragment: "a" });
    expect(classifyLink("@/../out.md", "a.md")).toEqual({ kind: "none" });
  });

  it("decodes escaped names", () => {
    expect(classifyLink("my%20essay.md", "a.md")).toEqual({ kind: "essay", path: "my essay.md", fragment: null });
  });

  it("places a draft without a file at the library root", () => {
    expect(classifyLink("./other.md", null)).toEqual({ kind: "essay", path: "other.md", fragment: null });
  });

  it("refuses links that climb out of the library", () => {
    expect(classifyLink("../../etc/secret.md", "notes/this.md")).toEqual({ kind: "none" });
  });

  it("scrolls to a fragment of this essay", () => {
    expect(classifyLink("#tables-for-the-numbers", "a.md")).toEqual({ kind: "fragment", id: "tables-for-the-numbers" });
    expect(classifyLink("#", "a.md")).toEqual({ kind: "none" });
  });

  it("sends web and mail links to the confirmation", () => {
    expect(classifyLink("https://commonmark.org/help/", "a.md")).toEqual({ kind: "external", url: "https://commonmark.org/help/" });
    expect(classifyLink("HTTP://example.org", "a.md").kind).toBe("external");
    expect(classifyLink("mailto:me@example.org", "a.md").kind).toBe("external");
  });

  it("does nothing for every other link", () => {
    for (const href of ["javascript:alert(1)", "file:///etc/passwd", "/abs.md", "//host/x.md", "image.png", "folder/", "data:text/html,x", ""]) {
      expect(classifyLink(href, "notes/this.md"), href).toEqual({ kind: "none" });
    }
  });
});

describe("resolvePath", () => {
  it("resolves . and .. inside the library", () => {
    expect(resolvePath("a/b/c.md", "./../d.md")).toBe("a/d.md");
    expect(resolvePath("c.md", "sub/d.md")).toBe("sub/d.md");
    expect(resolvePath("c.md", "../d.md")).toBeNull();
  });
});

describe("wrapHref / unwrapHref", () => {
  it("carries any href through the rewritten URL unchanged", () => {
    for (const href of ["other.md#a b", "../x/y.md", "https://e.org/?q=1&r=2#f", "#intro", "%zz"]) {
      expect(unwrapHref(wrapHref(href))).toBe(href);
    }
  });
  it("leaves other URLs alone", () => {
    expect(unwrapHref("https://example.org/")).toBeNull();
  });
});
