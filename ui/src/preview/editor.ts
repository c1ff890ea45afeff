// The editor's half of scroll sync: its top edge as a fractional source line, and scrolling
// it so that a fractional line sits at its top. Fractions matter: an essay's paragraph is often
// one long wrapped line, and scrolling through it should move the preview through it too.

import type { EditorView } from "@codemirror/view";
import { topEdge } from "../editor/setup";

/** The fractional 1-based line at the editor's top edge (12.5: halfway down line 12). */
export function editorTopLine(view: EditorView): number {
  const { block, height } = topEdge(view);
  const line = view.state.doc.lineAt(block.from).number;
  const into = block.height > 0 ? (height - block.top) / block.height : 0;
  return line + Math.min(1, Math.max(0, into));
}

/**
 * Scrolls the editor so that fractional `line` is at its top edge. Far from what the editor
 * has drawn, line heights are estimates until it measures them, so the place is checked again
 * over the next frames and corrected once the real heights are known.
 */
export function scrollEditorToLine(view: EditorView, line: number): void {
  setScroll(view, line);
  target = { view, line, frames: 3 };
  if (!checking) {
    checking = true;
    requestAnimationFrame(check);
  }
}

let target: { view: EditorView; line: number; frames: number } | null = null;
let checking = false;

function check(): void {
  const wanted = target;
  if (!wanted || wanted.frames-- <= 0) {
    checking = false;
    target = null;
    return;
  }
  if (Math.abs(editorTopLine(wanted.view) - wanted.line) > 0.25) setScroll(wanted.view, wanted.line);
  requestAnimationFrame(check);
}

function setScroll(view: EditorView, line: number): void {
  const doc = view.state.doc;
  const number = Math.min(doc.lines, Math.max(1, Math.floor(line)));
  const fraction = Math.min(1, Math.max(0, line - number));
  const block = view.lineBlockAt(doc.line(number).from);
  const scroller = view.scrollDOM;
  // Where the document starts inside the scroller (its top padding).
  const origin = view.documentTop - scroller.getBoundingClientRect().top + scroller.scrollTop;
  // Up, never down: rounding down would leave a sliver of the line above showing.
  scroller.scrollTop = Math.ceil(origin + block.top + fraction * block.height);
}

/** True when the editor shows the very top of the essay. */
export function editorAtTop(view: EditorView): boolean {
  return view.scrollDOM.scrollTop <= 0;
}
