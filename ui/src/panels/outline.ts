// The outline panel (in the drawer): the open essay's headings, from the latest preview
// render, indented by level. A click moves the editor to the heading; the section the writer
// is in (the heading above the cursor, or above the top of the editor when the cursor is out of
// sight) is highlighted and follows scrolling and typing.

import { EditorView } from "@codemirror/view";
import type { OutlineEntry } from "../ipc/types";
import { firstVisibleLine } from "../editor/setup";
import { headingAbove } from "../preview/outline";
import type { DrawerPanel } from "./drawer";

export interface OutlineHooks {
  /** Moves the editor to 1-based `line` and focuses it. */
  jump: (line: number) => void;
  /** The 1-based line the writer is at, or null with no essay open. */
  currentLine: () => number | null;
}

/** Indentation steps for each entry: its level relative to the outline's shallowest heading. */
export function indents(outline: readonly OutlineEntry[]): number[] {
  const top = Math.min(...outline.map((e) => e.level));
  return outline.map((e) => Math.max(0, Math.min(5, e.level - top)));
}

/** Same headings at the same lines: nothing to redraw. */
function sameOutline(a: readonly OutlineEntry[], b: readonly OutlineEntry[]): boolean {
  return a.length === b.length && a.every((e, i) => e.line === b[i]!.line && e.level === b[i]!.level && e.text === b[i]!.text);
}

export class OutlinePanel {
  readonly panel: DrawerPanel;
  private readonly hooks: OutlineHooks;
  private readonly list: HTMLElement;
  private readonly empty: HTMLElement;
  private outline: OutlineEntry[] = [];
  private rows: HTMLElement[] = [];
  private shown = false;
  private currentIndex = -1;
  private frame = 0;

  constructor(hooks: OutlineHooks) {
    this.hooks = hooks;
    const body = document.createElement("nav");
    body.className = "outline";
    body.setAttribute("aria-label", "Outline");
    this.list = document.createElement("ol");
    this.list.className = "outline-list";
    this.empty = document.createElement("p");
    this.empty.className = "outline-empty";
    body.append(this.list, this.empty);
    this.panel = {
      id: "outline",
      title: "Outline",
      body,
      onClose: () => {
        this.shown = false;
      },
    };
    this.render();
  }

  /** The drawer is about to show the panel. */
  opened(): void {
    this.shown = true;
    this.render();
  }

  get isShown(): boolean {
    return this.shown;
  }

  /** The headings of the open essay, from a preview render. */
  setOutline(outline: OutlineEntry[]): void {
    if (sameOutline(outline, this.outline)) {
      this.follow();
      return;
    }
    this.outline = outline;
    if (this.shown) this.render();
  }


  /** The writer moved or scrolled: highlight their section (once per frame at most). */
  follow(): void {
    if (!this.shown || this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.markCurrent();
    });
  }

  private render(): void {
    const hasEssay = this.hooks.currentLine() !== null;
    const outline = hasEssay ? this.outline : [];
    const steps = indents(outline);
    this.rows = outline.map((entry, i) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "outline-item";
      button.dataset.line = String(entry.line);
      button.dataset.level = String(entry.level);
      button.style.setProperty("--indent", String(steps[i]));
      button.textContent = entry.text || "(untitled heading)";
      button.title = `Line ${entry.line}`;
      button.addEventListener("click", () => this.hooks.jump(entry.line));
      item.append(button);
      return item;
    });
    this.list.replaceChildren(...this.rows);
    this.empty.hidden = outline.length > 0;
    this.empty.textContent = hasEssay
      ? "No headings yet. Lines that start with # become the outline."
      : "No essay is open.";
    this.currentIndex = -1;
    this.markCurrent();
  }

  private markCurrent(): void {
    const line = this.hooks.currentLine();
    const entry = line === null ? null : headingAbove(this.outline, line);
    const index = entry ? this.outline.indexOf(entry) : -1;
    if (index === this.currentIndex) return;
    this.rows[this.currentIndex]?.firstElementChild?.removeAttribute("aria-current");
    this.currentIndex = index;
    const button = this.rows[index]?.firstElementChild as HTMLElement | undefined;
    if (button) {
      button.setAttribute("aria-current", "location");
      button.scrollIntoView({ block: "nearest" });
    }
  }
}

/** Puts the cursor at the start of 1-based `line`, scrolls it near the top, focuses the editor. */
export function moveToLine(view: EditorView, line: number): void {
  const doc = view.state.doc;
  const target = doc.line(Math.min(Math.max(1, line), doc.lines));
  view.dispatch({
    selection: { anchor: target.from },
    effects: EditorView.scrollIntoView(target.from, { y: "start", yMargin: 24 }),
    userEvent: "select",
  });
  view.focus();
}

/**
 * Where the writer is: the cursor's line when it is on screen, else the top visible line
 * (they scrolled away to read).
 */
export function writerLine(view: EditorView): number {
  const head = view.state.selection.main.head;
  const scroller = view.scrollDOM.getBoundingClientRect();
  const at = view.coordsAtPos(head);
  if (at && at.bottom > scroller.top && at.top < scroller.bottom) return view.state.doc.lineAt(head).number;
  return firstVisibleLine(view);
}
