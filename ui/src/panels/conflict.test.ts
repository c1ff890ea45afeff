import { afterEach, describe, expect, it, vi } from "vitest";
import type { ConflictHunk } from "../ipc/types";
import { buildChoices, foldClean, openConflictView, progressLabel, resultPieces, resultText, sideRuns } from "./conflict";

// The same two conflicts as the core's merge tests: "a b c d e" where both sides changed b and d.
const hunks: ConflictHunk[] = [
  { kind: "clean", text: "a\n" },
  { kind: "conflict", base: "b\n", mine: "B1\n", theirs: "B2\n", both: "B1\nB2\n" },
  { kind: "clean", text: "c\n" },
  { kind: "conflict", base: "d\n", mine: "D1\n", theirs: "D2\n", both: "D1\nD2\n" },
  { kind: "clean", text: "e\n" },
];

describe("choices from decisions", () => {
  it("needs a decision for every conflicting hunk, in order", () => {
    expect(buildChoices(hunks, [{ kind: "theirs" }, null])).toBeNull();
    expect(buildChoices(hunks, [{ kind: "theirs" }])).toBeNull();
    expect(buildChoices(hunks, [{ kind: "theirs" }, { kind: "edited", text: "x\n" }])).toEqual([
      { kind: "theirs" },
      { kind: "edited", text: "x\n" },
    ]);
  });

  it("counts what is decided", () => {
    expect(progressLabel([null, { kind: "mine" }])).toBe("1 of 2 decided");
    expect(progressLabel([null])).toBe("1 part to decide");
    expect(progressLabel([{ kind: "both" }])).toBe("Decided");
  });
});

describe("the result", () => {
  it("matches what the core writes for each choice", () => {
    expect(resultText(hunks, [{ kind: "theirs" }, { kind: "mine" }])).toBe("a\nB2\nc\nD1\ne\n");
    expect(resultText(hunks, [{ kind: "both" }, { kind: "both" }])).toBe("a\nB1\nB2\nc\nD1\nD2\ne\n");
    expect(resultText(hunks, [{ kind: "edited", text: "b!\n" }, { kind: "edited", text: "" }])).toBe("a\nb!\nc\ne\n");
    expect(resultText(hunks, [null, { kind: "mine" }])).toBeNull();
  });

  it("keeps both as the core says to, e.g. two paragraphs when a whole paragraph conflicts", () => {
    const paragraphs: ConflictHunk[] = [
      { kind: "clean", text: "x\n\n" },
      { kind: "conflict", base: "Old.\n", mine: "Mine.\n", theirs: "Theirs.\n", both: "Mine.\n\nTheirs.\n" },
    ];
    expect(resultText(paragraphs, [{ kind: "both" }])).toBe("x\n\nMine.\n\nTheirs.\n");
  });

  it("previews undecided hunks as open places in the text", () => {
    expect(resultPieces(hunks, [{ kind: "mine" }, null]).map((p) => [p.kind, p.text])).toEqual([
      ["clean", "a\n"],
      ["chosen", "B1\n"],
      ["clean", "c\n"],
      ["undecided", ""],
      ["clean", "e\n"],
    ]);
  });
});

describe("folding the agreed text", () => {
  const text = "1\n2\n3\n4\n5\n6\n7\n8\n";
  it("keeps the lines next to a conflict in view", () => {
    expect(foldClean(text, { first: false, last: false })).toEqual({ head: "1\n2\n", hidden: 4, tail: "7\n8\n" });
    expect(foldClean(text, { first: true, last: false })).toEqual({ head: "", hidden: 6, tail: "7\n8\n" });
    expect(foldClean(text, { first: false, last: true })).toEqual({ head: "1\n2\n", hidden: 6, tail: "" });
  });
  it("leaves short stretches whole", () => {
    expect(foldClean("1\n2\n3\n4\n5\n", { first: false, last: false })).toEqual({ head: "1\n2\n3\n4\n5\n", hidden: 0, tail: "" });
  });
});

describe("the conflict view", () => {
  afterEach(() => document.querySelector(".conflict-backdrop")?.remove());

  it("applies only when every part is decided, with the choices in order", async () => {
    const resolve = vi.fn(async () => undefined);
    const onClose = vi.fn();
    openConflictView("essay.md", hunks, { resolve, onClose });
    const apply = document.querySelector<HTMLButtonElement>(".conflict-apply")!;
    const cards = [...document.querySelectorAll<HTMLElement>(".conflict-hunk")];
    expect(cards).toHaveLength(2);
    expect(cards[0]!.querySelector(".conflict-mine")?.textContent).toContain("B1");
    expect(cards[0]!.querySelector(".conflict-theirs")?.textContent).toContain("B2");
    expect(apply.disabled).toBe(true);

    cards[0]!.querySelector<HTMLButtonElement>("[data-choice='theirs']")!.click();
    expect(apply.disabled).toBe(true);
    cards[1]!.querySelector<HTMLButtonElement>("[data-choice='edited']")!.click();
    const edit = cards[1]!.querySelector<HTMLTextAreaElement>(".conflict-edit")!;
    expect(edit.hidden).toBe(false);
    expect(edit.value).toBe("D1\n"); // starts from the writer's text
    edit.value = "D, rewritten\n";
    edit.dispatchEvent(new Event("input"));
    expect(apply.disabled).toBe(false);
    expect(document.querySelector(".conflict-result-text")?.textContent).toBe("a\nB2\nc\nD, rewritten\ne\n");

    apply.click();
    await new Promise((r) => setTimeout(r, 0));
    expect(resolve).toHaveBeenCalledWith([{ kind: "theirs" }, { kind: "edited", text: "D, rewritten\n" }]);
    expect(onClose).toHaveBeenCalled();
    expect(document.querySelector(".conflict-backdrop")).toBeNull();
  });

  it("stays open and says why when applying fails", async () => {
    const resolve = vi.fn(async () => {
      throw { kind: "io", message: "The folder is read-only." };
    });
    const onClose = vi.fn();
    openConflictView(null, hunks, { resolve, onClose });
    for (const card of document.querySelectorAll<HTMLElement>(".conflict-hunk")) {
      card.querySelector<HTMLButtonElement>("[data-choice='mine']")!.click();
    }
    document.querySelector<HTMLButtonElement>(".conflict-apply")!.click();
    await new Promise((r) => setTimeout(r, 0));
    expect(onClose).not.toHaveBeenCalled();
    expect(document.querySelector(".conflict-problem")?.textContent).toBe("Couldn't apply: The folder is read-only.");
  });

  it("shows essay text as text", () => {
    const hostile: ConflictHunk[] = [{ kind: "conflict", base: "", mine: "<img src=x onerror=alert(1)>", theirs: "<b>t</b>", both: "<img src=x onerror=alert(1)><b>t</b>" }];
    openConflictView("x.md", hostile, { resolve: async () => undefined, onClose: () => undefined });
    expect(document.querySelector(".conflict-view img, .conflict-view b")).toBeNull();
    expect(document.querySelector(".conflict-mine")?.textContent).toContain("<img src=x onerror=alert(1)>");
  });
});

describe("what differs between the two sides", () => {
  it("marks only the words each side has on its own", () => {
    const runs = sideRuns("There is a growing fog out there.\n", "There is a growing muddle out there.\n");
    expect(runs.mine).toEqual([
      { text: "There is a growing ", own: false },
      { text: "fog", own: true },
      { text: " out there.\n", own: false },
    ]);
    expect(runs.theirs.filter((r) => r.own).map((r) => r.text)).toEqual(["muddle"]);
    expect(runs.theirs.map((r) => r.text).join("")).toBe("There is a growing muddle out there.\n");
  });

  it("leaves hunks too large to compare quickly unmarked", () => {
    expect(sideRuns("a b c", "a x c", 4).mine).toEqual([{ text: "a b c", own: false }]);
  });
});
