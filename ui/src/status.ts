// The status bar under the editor and the window's title: the open essay's path, its words and
// reading time, and whether it is saved (the indicator the list's unsaved dots follow).

import type { SaveState } from "./editor/autosave";
import { formatReadingTime, formatWords } from "./editor/stats";

export interface StatusElements {
  essayPath: HTMLElement;
  wordCount: HTMLElement;
  readingTime: HTMLElement;
  saveState: HTMLElement;
}

export interface StatusSource {
  openId: () => number | null;
  /** The open essay's words and reading time in minutes. */
  counts: (id: number) => { words: number; minutes: number };
  saveState: () => SaveState | null;
  /** The save state shown changed: the list's unsaved dots follow it. */
  onSaveStateShown: () => void;
  /** The essay's title for the window's, once the list of essays is known. */
  title: (id: number) => string | undefined;
}

export class StatusBar {
  private readonly elements: StatusElements;
  private readonly source: StatusSource;
  private lastSaveLabel: string | null = null;

  constructor(elements: StatusElements, source: StatusSource) {
    this.elements = elements;
    this.source = source;
  }

  updateCounts(): void {
    const { wordCount, readingTime } = this.elements;
    const id = this.source.openId();
    if (id === null) {
      wordCount.textContent = "";
      readingTime.textContent = "";
      return;
    }
    const { words, minutes } = this.source.counts(id);
    wordCount.textContent = formatWords(words);
    readingTime.textContent = words > 0 ? formatReadingTime(minutes) : "";
  }

  updateSaveState(): void {
    const state = this.source.saveState();
    const label = state?.label ?? "";
    if (label === this.lastSaveLabel) return; // every keystroke asks; little changes
    this.lastSaveLabel = label;
    const element = this.elements.saveState;
    element.textContent = label;
    element.dataset.tone = state?.tone ?? "none";
    element.title = state?.detail ?? "";
    this.source.onSaveStateShown();
  }

  /** A different essay (or none) is open: its path here, its title on the window. */
  showEssay(id: number | null, path: string | null): void {
    const essayPath = this.elements.essayPath;
    essayPath.textContent = id === null ? "" : (path ?? "Not saved to a file yet");
    essayPath.title = path ?? "";
    this.showTitle(id);
  }

  /** The window's title names the open essay (once the list of essays is known). */
  showTitle(id: number | null): void {
    const title = id === null ? undefined : this.source.title(id);
    document.title = title !== undefined ? `${title} — Quire` : "Quire";
  }
}
