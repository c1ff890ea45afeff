import { describe, expect, it, vi } from "vitest";
import type { SaveState } from "./editor/autosave";
import { StatusBar, type StatusSource } from "./status";

function bar(source: Partial<StatusSource> = {}) {
  const elements = {
    essayPath: document.createElement("span"),
    wordCount: document.createElement("span"),
    readingTime: document.createElement("span"),
    saveState: document.createElement("span"),
  };
  const full: StatusSource = {
    openId: () => 7,
    counts: () => ({ words: 1234, minutes: 6 }),
    saveState: () => null,
    onSaveStateShown: () => undefined,
    title: () => "A Misplaced Focus",
    ...source,
  };
  return { status: new StatusBar(elements, full), elements };
}

describe("the status bar", () => {
  it("shows the open essay's words and reading time, and nothing without an essay", () => {
    let open: number | null = 7;
    const { status, elements } = bar({ openId: () => open });
    status.updateCounts();
    expect(elements.wordCount.textContent).toBe("1,234 words");
    expect(elements.readingTime.textContent).toBe("6 min read");
    open = null;
    status.updateCounts();
    expect(elements.wordCount.textContent).toBe("");
    expect(elements.readingTime.textContent).toBe("");
  });

  it("shows no reading time for an empty essay", () => {
    const { status, elements } = bar({ counts: () => ({ words: 0, minutes: 0 }) });
    status.updateCounts();
    expect(elements.wordCount.textContent).toBe("0 words");
    expect(elements.readingTime.textContent).toBe("");
  });

  it("shows the save state with its tone and explanation, and tells the list only when it changes", () => {
    let state: SaveState | null = { label: "Draft autosaved", tone: "unsaved", detail: "Your text is safe as a draft." };
    const shown = vi.fn();
    const { status, elements } = bar({ saveState: () => state, onSaveStateShown: shown });
    status.updateSaveState();
    expect(elements.saveState.textContent).toBe("Draft autosaved");
    expect(elements.saveState.dataset.tone).toBe("unsaved");
    expect(elements.saveState.title).toBe("Your text is safe as a draft.");
    status.updateSaveState();
    expect(shown).toHaveBeenCalledOnce();
    state = null;
    status.updateSaveState();
    expect(elements.saveState.textContent).toBe("");
    expect(elements.saveState.dataset.tone).toBe("none");
    expect(shown).toHaveBeenCalledTimes(2);
  });

  it("names the open essay's file, or says it has none yet, and titles the window after it", () => {
    const { status, elements } = bar();
    status.showEssay(7, "essays/focus.md");
    expect(elements.essayPath.textContent).toBe("essays/focus.md");
    expect(document.title).toBe("A Misplaced Focus — Quire");
    status.showEssay(7, null);
    expect(elements.essayPath.textContent).toBe("Not saved to a file yet");
    status.showEssay(null, null);
    expect(elements.essayPath.textContent).toBe("");
    expect(document.title).toBe("Quire");
  });
});
