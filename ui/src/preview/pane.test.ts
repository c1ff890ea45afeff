import { describe, expect, it } from "vitest";
import { PreviewPane } from "./pane";

describe("PreviewPane", () => {
  it("uses sandboxed iframes with no tokens and no referrer", () => {
    const host = document.createElement("section");
    new PreviewPane(host, { anchorLine: () => null });
    const frames = host.querySelectorAll("iframe");
    expect(frames).toHaveLength(2);
    for (const frame of frames) {
      expect(frame.hasAttribute("sandbox")).toBe(true);
      expect(frame.getAttribute("sandbox")).toBe("");
      expect(frame.getAttribute("referrerpolicy")).toBe("no-referrer");
    }
  });

  it("shows a render error as readable text instead of a blank pane", () => {
    const host = document.createElement("section");
    const pane = new PreviewPane(host, { anchorLine: () => null });
    pane.show({ page: "", outline: [], words: 0, readingMinutes: 0, error: "line 3: nesting <too> deep" });
    const banner = host.querySelector<HTMLElement>(".preview-banner")!;
    expect(banner.hidden).toBe(false);
    expect(banner.textContent).toContain("line 3: nesting <too> deep");
    expect(banner.children).toHaveLength(0);
  });
});
