import { describe, expect, it, vi } from "vitest";
import type { DiffSpan, RevisionInfo } from "../ipc/types";
import { HistoryPanel, condenseDiff, relativeTime, renderDiff, sourceLabel, wordChange } from "./history";

const NOW = new Date(2025, 5, 18, 15, 30, 0).getTime();
const MIN = 60_000;

describe("relativeTime", () => {
  it("reads like a person would say it", () => {
    expect(relativeTime(NOW - 10_000, NOW)).toBe("just now");
    expect(relativeTime(NOW + 5_000, NOW)).toBe("just now"); // a clock slightly ahead
    expect(relativeTime(NOW - 60_000, NOW)).toBe("a minute ago");
    expect(relativeTime(NOW - 2 * MIN, NOW)).toBe("2 minutes ago");
    expect(relativeTime(NOW - 59 * MIN, NOW)).toBe("59 minutes ago");
    expect(relativeTime(NOW - 60 * MIN, NOW)).toBe("1 hour ago");
    expect(relativeTime(NOW - 5 * 60 * MIN, NOW)).toBe("5 hours ago");
  });

  it("counts calendar days past a day, then gives the date", () => {
    expect(relativeTime(new Date(2025, 5, 17, 9, 0).getTime(), NOW)).toBe("yesterday");
    expect(relativeTime(new Date(2025, 5, 14, 23, 0).getTime(), NOW)).toBe("4 days ago");
    expect(relativeTime(new Date(2025, 2, 3, 12, 0).getTime(), NOW)).toBe("3 March");
    expect(relativeTime(new Date(2023, 10, 30, 12, 0).getTime(), NOW)).toBe("30 November 2023");
  });
});

describe("sourceLabel and wordChange", () => {
  it("names every source in the writer's words", () => {
    expect(["save", "editor", "disk", "restore", "import", "delete"].map(sourceLabel)).toEqual([
      "Saved",
      "Autosaved draft",
      "Changed on disk",
      "Restored",
      "Imported",
      "Deleted",
    ]);
    expect(sourceLabel("sync")).toBe("Sync");
  });

  it("shows words added and removed, nothing when none were counted", () => {
    expect(wordChange(12, 3)).toBe("+12 \u22123 words");
    expect(wordChange(1, 0)).toBe("+1 \u22120 word");
    expect(wordChange(0, 0)).toBe("");
  });
});

describe("the diff", () => {
  const long = (c: string) => `${c.repeat(60)}\n`.repeat(10);

  it("folds long unchanged stretches to their ends around a change", () => {
    const spans: DiffSpan[] = [
      { kind: "same", text: long("a") },
      { kind: "removed", text: "old" },
      { kind: "added", text: "new" },
      { kind: "same", text: long("b") },
    ];
    const shown = condenseDiff(spans);
    expect(shown.map((s) => s.kind)).toEqual(["gap", "same", "removed", "added", "same", "gap"]);
    // What stays in view is next to the change, in whole lines.
    expect(shown[1]).toEqual({ kind: "same", text: `${"a".repeat(60)}\n`.repeat(2) });
    expect(shown[4]).toEqual({ kind: "same", text: `${"b".repeat(60)}\n`.repeat(2) });
    expect(shown[0]).toEqual({ kind: "gap", lines: 8 });
  });

  it("never cuts a word in two when a paragraph is longer than the context", () => {
    const paragraph = "word ".repeat(200);
    const shown = condenseDiff([{ kind: "same", text: paragraph }, { kind: "added", text: "new" }]);
    const tail = shown[1]!;
    expect(tail.kind).toBe("same");
    expect(tail.kind === "same" && tail.text.startsWith("word ")).toBe(true);
  });

  it("keeps short unchanged text whole", () => {
    const spans: DiffSpan[] = [
      { kind: "same", text: "The " },
      { kind: "added", text: "quick " },
      { kind: "same", text: "fox." },
    ];
    expect(condenseDiff(spans)).toEqual(spans);
  });

  it("renders essay text as text, never as markup", () => {
    const box = renderDiff([
      { kind: "same", text: "<img src=x onerror=alert(1)> " },
      { kind: "removed", text: "<b>old</b>" },
      { kind: "added", text: "new" },
    ]);
    expect(box.querySelector("img, b")).toBeNull();
    expect(box.querySelector("del.diff-removed")?.textContent).toBe("<b>old</b>");
    expect(box.querySelector("ins.diff-added")?.textContent).toBe("new");
    expect(box.textContent).toContain("<img src=x onerror=alert(1)>");
  });

  it("says so when the version equals the editor's text", () => {
    expect(renderDiff([{ kind: "same", text: "All the same." }]).textContent).toBe(
      "This version is the same as the text in the editor.",
    );
  });
});

describe("HistoryPanel", () => {
  const revisions: RevisionInfo[] = [
    { id: 3, at: NOW - 2 * MIN, source: "save", path: "a.md", wordsAdded: 4, wordsRemoved: 1 },
    { id: 2, at: NOW - 30 * MIN, source: "disk", path: "a.md", wordsAdded: 0, wordsRemoved: 2 },
    { id: 1, at: NOW - 3 * 60 * MIN, source: "import", path: "a.md", wordsAdded: 100, wordsRemoved: 0 },
  ];

  function setup(overrides: Partial<ConstructorParameters<typeof HistoryPanel>[0]> = {}) {
    const diff = vi.fn(async (revision: number) => [
      { kind: "removed", text: `rev${revision}` },
      { kind: "added", text: "now" },
    ] as DiffSpan[]);
    let list = revisions;
    const confirm = vi.fn(async (_revision: RevisionInfo, _when: string) => true);
    const hooks = {
      essayId: () => 7,
      currentText: () => "now",
      history: vi.fn(async () => list),
      diff,
      confirm,
      restore: vi.fn(async () => {
        list = [{ id: 4, at: NOW, source: "restore", path: "a.md", wordsAdded: 1, wordsRemoved: 4 }, ...revisions];
      }),
      onError: vi.fn(),
      now: () => NOW,
      ...overrides,
    };
    const panel = new HistoryPanel(hooks);
    document.body.append(panel.panel.body);
    return { panel, hooks, confirm, body: panel.panel.body };
  }

  const settle = () => new Promise((r) => setTimeout(r, 0));

  it("lists revisions newest first and shows the newest one's diff", async () => {
    const { panel, body } = setup();
    panel.opened();
    await settle();
    const rows = [...body.querySelectorAll(".history-item")];
    expect(rows.map((r) => r.querySelector(".history-source")?.textContent)).toEqual(["Saved", "Changed on disk", "Imported"]);
    expect(rows[0]!.querySelector(".history-time")?.textContent).toBe("2 minutes ago");
    expect(rows[0]!.getAttribute("aria-selected")).toBe("true");
    expect(body.querySelector(".history-diff .diff-removed")?.textContent).toBe("rev3");
    body.remove();
  });

  it("moves through the list with the arrow keys", async () => {
    const { panel, body } = setup();
    panel.opened();
    await settle();
    const list = body.querySelector(".history-list")!;
    list.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true }));
    await settle();
    expect(body.querySelector("[aria-selected='true'] .history-source")?.textContent).toBe("Changed on disk");
    expect(body.querySelector(".history-diff .diff-removed")?.textContent).toBe("rev2");
    list.dispatchEvent(new KeyboardEvent("keydown", { key: "End", bubbles: true }));
    list.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true }));
    await settle();
    expect(body.querySelector("[aria-selected='true'] .history-source")?.textContent).toBe("Imported");
    list.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowUp", bubbles: true }));
    await settle();
    expect(body.querySelector("[aria-selected='true'] .history-source")?.textContent).toBe("Changed on disk");
    body.remove();
  });

  it("restores only after the writer confirms, then shows the new revision on top", async () => {
    const { panel, hooks, confirm, body } = setup();
    panel.opened();
    await settle();
    (body.querySelectorAll(".history-item")[1] as HTMLElement).click();
    await settle();
    confirm.mockResolvedValueOnce(false);
    body.querySelector<HTMLButtonElement>(".history-restore")!.click();
    await settle();
    expect(hooks.restore).not.toHaveBeenCalled();

    body.querySelector<HTMLButtonElement>(".history-restore")!.click();
    await settle();
    await settle();
    expect(hooks.restore).toHaveBeenCalledWith(7, revisions[1]);
    const top = body.querySelector(".history-item");
    expect(top?.querySelector(".history-source")?.textContent).toBe("Restored");
    expect(top?.getAttribute("aria-selected")).toBe("true");
    body.remove();
  });

  it("says what went wrong when restoring fails", async () => {
    const { panel, hooks, body } = setup({
      restore: vi.fn(async () => {
        throw { kind: "io", message: "The disk is full." };
      }),
    });
    panel.opened();
    await settle();
    body.querySelector<HTMLButtonElement>(".history-restore")!.click();
    await settle();
    expect(hooks.onError).toHaveBeenCalledWith("Couldn't restore this version: The disk is full.");
    body.remove();
  });
});
