// Focus mode: everything but the paragraph (or sentence) being written is dimmed, so the eye
// stays where the cursor is. `focusMode()` is an extension factory (installed through a
// Compartment in setup.ts); `paragraphAt` and `sentenceAt` are the pure rules it follows.

import { RangeSetBuilder, type EditorState, type Extension } from "@codemirror/state";
import { Decoration, EditorView, ViewPlugin, type DecorationSet, type ViewUpdate } from "@codemirror/view";

export type FocusUnit = "paragraph" | "sentence";

/** Class on the editor while focus mode is on; the dimmed lines and text carry DIM_CLASS. */
export const FOCUS_CLASS = "cm-focus-mode";
export const DIM_CLASS = "cm-focus-dim";

/**
 * The 1-based first and last line of the paragraph holding line `at`: the run of non-blank
 * lines around it. A blank line is a paragraph of its own (nothing else stays lit there).
 */
export function paragraphAt(lineText: (n: number) => string, lines: number, at: number): { from: number; to: number } {
  const blank = (n: number) => lineText(n).trim() === "";
  if (blank(at)) return { from: at, to: at };
  let from = at;
  let to = at;
  while (from > 1 && !blank(from - 1)) from--;
  while (to < lines && !blank(to + 1)) to++;
  return { from, to };
}

// A sentence ends at . ! ? or … (and any closing quotes or brackets after it) followed by space.
const SENTENCE_END = /[.!?…]+["'”’»)\]*_]*\s+/g;

/**
 * The sentence around `offset` in `text` (a paragraph), as [from, to) offsets into `text`,
 * without the spaces that separate it from its neighbours.
 */
export function sentenceAt(text: string, offset: number): { from: number; to: number } {
  let from = 0;
  let to = text.length;
  SENTENCE_END.lastIndex = 0;
  for (let m = SENTENCE_END.exec(text); m; m = SENTENCE_END.exec(text)) {
    const end = m.index + m[0].length;
    // The cursor right after a full stop (or in the space after it) still belongs to that sentence.
    if (end <= offset) {
      from = end;
    } else {
      to = m.index + m[0].trimEnd().length;
      break;
    }
  }
  return { from, to: Math.max(from, to) };
}

/** The document range [from, to) to keep lit for the main cursor. */
export function litRange(state: EditorState, unit: FocusUnit): { from: number; to: number } {
  const doc = state.doc;
  const head = state.selection.main.head;
  const { from, to } = paragraphAt((n) => doc.line(n).text, doc.lines, doc.lineAt(head).number);
  const start = doc.line(from).from;
  const end = doc.line(to).to;
  if (unit === "paragraph") return { from: start, to: end };
  const sentence = sentenceAt(doc.sliceString(start, end), head - start);
  return { from: start + sentence.from, to: start + sentence.to };
}

const dimLine = Decoration.line({ class: DIM_CLASS });
const dimText = Decoration.mark({ class: DIM_CLASS });

function dimmed(view: EditorView, unit: FocusUnit): DecorationSet {
  const { state } = view;
  const lit = litRange(state, unit);
  const builder = new RangeSetBuilder<Decoration>();
  // Only what is drawn needs decorations; the viewport moves with scrolling.
  for (const { from, to } of view.visibleRanges) {
    for (let pos = from; pos <= to; ) {
      const line = state.doc.lineAt(pos);
      if (line.to < lit.from || line.from > lit.to) {
        builder.add(line.from, line.from, dimLine);
      } else if (unit === "sentence") {
        // The lit sentence's lines: dim the parts of them outside the sentence.
        if (line.from < lit.from) builder.add(line.from, lit.from, dimText);
        if (line.to > lit.to) builder.add(Math.max(lit.to, line.from), line.to, dimText);
      }
      pos = line.to + 1;
    }
  }
  return builder.finish();
}

/** Dims all but the current paragraph (or sentence). */
export function focusMode(options: { unit?: FocusUnit } = {}): Extension {
  const unit = options.unit ?? "paragraph";
  const plugin = ViewPlugin.fromClass(
    class {
      decorations: DecorationSet;
      constructor(view: EditorView) {
        this.decorations = dimmed(view, unit);
      }
      update(update: ViewUpdate) {
        if (update.docChanged || update.selectionSet || update.viewportChanged) {
          this.decorations = dimmed(update.view, unit);
        }
      }
    },
    { decorations: (v) => v.decorations },
  );
  return [
    plugin,
    EditorView.editorAttributes.of({ class: FOCUS_CLASS }),
    EditorView.theme({ [`.${DIM_CLASS}`]: { opacity: "0.3" } }),
  ];
}
