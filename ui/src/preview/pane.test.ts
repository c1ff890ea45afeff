import { describe, expect, it, vi } from "vitest";
import type { PageShell, Preview } from "../ipc/types";
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

const ESSAY_SHELL: PageShell = { before: "<html><body><main class=\"essay-body\">", after: "</main></body></html>", patchable: true };

/** A render of `blocks` (a change of the pane's block list) in `shell`, without error. */
function render(blocks: Preview["blocks"], shell: PageShell = ESSAY_SHELL): Preview {
  return { shell, shellKey: "k", blocks, outline: [], sourceMap: [], words: 1, readingMinutes: 1, error: null };
}

/** A pane whose pages wait for `painted()`, as the window's first page does. */
function paneWaitingForPaint(): { host: HTMLElement; pane: PreviewPane; painted: () => void } {
  const host = document.createElement("section");
  const pane = new PreviewPane(host, options());
  let painted: () => void = () => undefined;
  pane.loadAfter(new Promise<void>((resolve) => (painted = resolve)));
  return { host, pane, painted: () => painted() };
}

describe("PreviewPane", () => {
  it("uses iframes sandboxed without scripts, same origin only, and no referrer", () => {
    const host = document.createElement("section");
    new PreviewPane(host, options());
    const frames = host.querySelectorAll("iframe");
    // One document until a page must load beside a shown one.
    expect(frames).toHaveLength(1);
    for (const frame of frames) {
      expect(frame.getAttribute("sandbox")).toBe("allow-same-origin");
      expect(frame.sandbox.contains("allow-scripts")).toBe(false);
      expect(frame.getAttribute("referrerpolicy")).toBe("no-referrer");
    }
  });

  it("shows a render error as readable text instead of a blank pane", () => {
    const host = document.createElement("section");
    const pane = new PreviewPane(host, options());
    const blocks = { base: null, generation: 0, start: 0, deleteCount: 0, insert: [] };
    pane.show({ shell: null, shellKey: "", blocks, outline: [], sourceMap: [], words: 0, readingMinutes: 0, error: "line 3: nesting <too> deep" });
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

  it("asks for the whole block list again when a render is a change of a list it doesn't hold", () => {
    const host = document.createElement("section");
    const pane = new PreviewPane(host, options());
    expect(pane.blocksBase).toBeNull();
    expect(pane.show(render({ base: null, generation: 1, start: 0, deleteCount: 0, insert: ["<p>a</p>"] }))).toBe(true);
    expect(pane.blocksBase).toBe(1);
    expect(pane.show(render({ base: 1, generation: 2, start: 0, deleteCount: 1, insert: ["<p>ab</p>"] }))).toBe(true);
    expect(pane.blocksBase).toBe(2);
    // A response to a request made with generation 1, arriving late.
    expect(pane.show(render({ base: 1, generation: 3, start: 0, deleteCount: 1, insert: ["<p>x</p>"] }))).toBe(false);
    expect(pane.blocksBase).toBeNull();
  });

  it("gives the frame its first page only once the window has painted, and the newest page then", async () => {
    const { host, pane, painted } = paneWaitingForPaint();
    pane.show(render({ base: null, generation: 1, start: 0, deleteCount: 0, insert: ["<p>first</p>"] }));
    pane.show(render({ base: null, generation: 2, start: 0, deleteCount: 0, insert: ["<p>typed meanwhile</p>"] }));
    await Promise.resolve();
    const frame = host.querySelector("iframe")!;
    expect(frame.hasAttribute("srcdoc")).toBe(false);
    painted();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(frame.getAttribute("srcdoc")).toContain("<p>first</p>");
    // The later render waits for that page's load, as any render while a page loads does.
    expect(frame.getAttribute("srcdoc")).not.toContain("typed meanwhile");
  });

  it("loads nothing that was cleared while it waited for the window's paint", async () => {
    const { host, pane, painted } = paneWaitingForPaint();
    const shell = { before: "<html><body>", after: "</body></html>", patchable: false };
    pane.show(render({ base: null, generation: 1, start: 0, deleteCount: 0, insert: ["<p>gone</p>"] }, shell));
    pane.clear();
    painted();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(host.querySelector("iframe")!.hasAttribute("srcdoc")).toBe(false);
  });
});
