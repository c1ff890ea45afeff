import { afterEach, describe, expect, it, vi } from "vitest";
import { OutlinePanel, indents } from "./outline";
import type { OutlineEntry } from "../ipc/types";

const outline: OutlineEntry[] = [
  { level: 1, text: "Title", id: "title", line: 5 },
  { level: 2, text: "First part", id: "first-part", line: 9 },
  { level: 3, text: "A detail", id: "a-detail", line: 14 },
  { level: 2, text: "Second part", id: "second-part", line: 20 },
];

afterEach(() => document.body.replaceChildren());

function setup(line: number | null) {
  let current = line;
  const jump = vi.fn();
  const panel = new OutlinePanel({ jump, currentLine: () => current });
  document.body.append(panel.panel.body);
  panel.opened();
  panel.setOutline(outline);
  const items = () => [...panel.panel.body.querySelectorAll<HTMLElement>(".outline-item")];
  const highlighted = () => items().find((b) => b.hasAttribute("aria-current"))?.textContent ?? null;
  return { panel, jump, items, highlighted, moveTo: (n: number) => (current = n) };
}

describe("indents", () => {
  it("indents each heading by its level below the shallowest", () => {
    expect(indents(outline)).toEqual([0, 1, 2, 1]);
    expect(indents(outline.slice(1))).toEqual([0, 1, 0]);
  });
});

describe("the outline panel", () => {
  it("lists the headings and jumps to the clicked one's line", () => {
    const { items, jump } = setup(1);
    expect(items().map((b) => b.textContent)).toEqual(["Title", "First part", "A detail", "Second part"]);
    items()[2]!.click();
    expect(jump).toHaveBeenCalledWith(14);
  });

  it("highlights the section the writer is in, and follows them", async () => {
    const { panel, highlighted, moveTo } = setup(16);
    expect(highlighted()).toBe("A detail");
    moveTo(2);
    panel.follow();
    await new Promise((r) => requestAnimationFrame(r));
    expect(highlighted()).toBeNull();
    moveTo(20);
    panel.follow();
    await new Promise((r) => requestAnimationFrame(r));
    expect(highlighted()).toBe("Second part");
  });

  it("says what to do when the essay has no headings, and when no essay is open", () => {
    const { panel } = setup(1);
    panel.setOutline([]);
    expect(panel.panel.body.textContent).toContain("No headings yet");
    const none = new OutlinePanel({ jump: () => undefined, currentLine: () => null });
    none.opened();
    expect(none.panel.body.textContent).toBe("No essay is open.");
  });
});
