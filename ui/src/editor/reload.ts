// Taking in text from outside the editor (an edit made in another program, a merge, a restore)
// without losing the writer's place: the new text arrives as one ordinary change covering only
// the part that differs, so the cursor maps through it, the undo history stays, and the
// transaction is marked so that autosave does not send the store its own text back.

import { Annotation, type ChangeSpec, type EditorState, type TransactionSpec } from "@codemirror/state";

/** Marks transactions that bring in the store's text rather than the writer's typing. */
export const fromOutside = Annotation.define<boolean>();

/** The smallest single replacement that turns `before` into `after`, or null if they're equal. */
export function minimalChange(before: string, after: string): { from: number; to: number; insert: string } | null {
  if (before === after) return null;
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  // Don't split a surrogate pair.
  if (start > 0 && isHighSurrogate(before.charCodeAt(start - 1))) start--;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before.charCodeAt(endBefore - 1) === after.charCodeAt(endAfter - 1)) {
    endBefore--;
    endAfter--;
  }
  if (endBefore < before.length && isLowSurrogate(before.charCodeAt(endBefore))) {
    endBefore++;
    endAfter++;
  }
  return { from: start, to: endBefore, insert: after.slice(start, endAfter) };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * A transaction replacing the document of `state` with `text`, keeping the selection (mapped
 * through the change, so always inside the new document), or null when nothing changed.
 */
export function replaceDocument(state: EditorState, text: string): TransactionSpec | null {
  const change = minimalChange(state.doc.toString(), text);
  if (!change) return null;
  const changes: ChangeSpec = change;
  return { changes, annotations: fromOutside.of(true), scrollIntoView: false };
}
