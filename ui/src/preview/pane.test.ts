import { describe, expect, it, vi } from "vitest";
import { PreviewPane, type PreviewPaneOptions } from "./pane";

function options(overrides: Partial<PreviewPaneOptions> = {}): PreviewPaneOptions {
  return {
    editor: () => null,
    scrollEditor: vi.fn(),
    essayPath: () => "notes/this.md",
    openLink: vi.fn(),
    ...overrides,
  };
}

describe("PreviewPane", () => {
  it("uses iframes sandboxed without scripts, same origin only, and no referrer", () => {
    const host = document.createElement("section");
    new PreviewPane(host, options());
    const frames = host.querySelectorAll("iframe");
    expect(frames).toHaveLength(2);
    for (const frame of frames) {
      expect(frame.getAttribute("sandbox")).toBe("allow-same-origin");
      expect(frame.sandbox.contains("allow-scripts")).toBe(false);
      expect(frame.getAttribute("referrerpolicy")).toBe("no-referrer");
    }
  });

  it("shows a render error as readable text instead of a blank pane", () => {
    const host = document.createElement("section");
    const pane = new PreviewPane(host, options());
    pane.show({ shell: null, shellKey: "", blocks: [], outline: [], sourceMap: [], words: 0, readingMinutes: 0, error: "line 3: nesting <too> deep" });
    const banner = host.querySelector<HTMLElement>(".preview-banner")!;
    expect(banner.hidden).toBe(false);
    expect(banner.textContent).toContain("line 3: nesting <too> deep");
    expect(banner.children).toHaveLength(0);
  });

  it("opens a linked essay relative to the open one, and hands web links to the confirmation", () => {
    const openLink = vi.fn();
    const pane = new PreviewPane(document.createElement("section"), options({ openLink }));
    pane.followLink("../drafts/next.md#part-two");
    pane.followLink("https://example.org/");
    pane.followLink("javascript:alert(1)");
    expect(openLink.mock.calls).toEqual([
      [{ kind: "essay", path: "drafts/next.md", fragment: "part-two" }],
      [{ kind: "external", url: "https://example.org/" }],
    ]);
  });
});
