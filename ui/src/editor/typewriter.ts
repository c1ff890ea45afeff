// Typewriter scrolling: while the writer types (or moves the cursor with the keyboard), the
// cursor's line is kept at the vertical middle of the editor, so the eye never has to chase
// the text down the screen. A click doesn't scroll: the text stays where the mouse put it.

import { EditorState, type Extension, type Transaction } from "@codemirror/state";
import { EditorView } from "@codemirror/view";

/** Class on the editor while typewriter scrolling is on. */
export const TYPEWRITER_CLASS = "cm-typewriter";

/**
 * Whether a transaction re-centres: the writer's typing or keyboard movement, i.e. what
 * CodeMirror would scroll into view anyway, except a click (and except jumps that bring
 * their own scroll target, like search or the outline, which set no scroll flag).
 */
export function recentres(tr: Transaction): boolean {
  if (!tr.scrollIntoView || tr.isUserEvent("select.pointer")) return false;
  return tr.docChanged || tr.selection !== undefined;
}

/** Keeps the cursor line at the middle of the editor while typing. */
export function typewriterScrolling(): Extension {
  return [
    // An explicit scroll effect on the same transaction replaces CodeMirror's own
    // "just bring it into view" scroll, so there is one scroll, to the middle.
    EditorState.transactionExtender.of((tr) =>
      recentres(tr) ? { effects: EditorView.scrollIntoView(tr.newSelection.main.head, { y: "center" }) } : null,
    ),
    EditorView.editorAttributes.of({ class: TYPEWRITER_CLASS }),
    // Room below the last line, so the end of the essay can reach the middle too.
    EditorView.theme({ ".cm-content": { paddingBottom: "55vh" } }),
  ];
}
