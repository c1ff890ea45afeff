// What a keystroke sends to the render: the editor's text as a change of the text of the last
// render, not the whole essay (a 1 MB essay would cross to the core on every keystroke).
// Offsets count UTF-16 units, as the editor does; the core maps them onto its UTF-8 text.

import type { TextEdit } from "../ipc/types";

const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/**
 * `next` as a change of `old` (the text of render generation `base`): the one range between
 * their common prefix and suffix, never splitting a surrogate pair.
 */
export function textEdit(old: string, next: string, base: number): TextEdit {
  const shorter = Math.min(old.length, next.length);
  let start = 0;
  while (start < shorter && old.charCodeAt(start) === next.charCodeAt(start)) start++;
  if (start > 0 && isHigh(old.charCodeAt(start - 1))) start--;
  let tail = 0;
  while (tail < shorter - start && old.charCodeAt(old.length - 1 - tail) === next.charCodeAt(next.length - 1 - tail)) {
    tail++;
  }
  if (tail > 0 && isLow(old.charCodeAt(old.length - tail))) tail--;
  return { base, start, deleteCount: old.length - tail - start, insert: next.slice(start, next.length - tail) };
}

/**
 * Whether `next` differs from `old` only inside paragraphs (from the blank line before the
 * change to the one after it) shorter than `limit` characters, the change itself included.
 */
export function changesShortParagraphs(old: string, next: string, limit: number): boolean {
  const edit = textEdit(old, next, 0);
  const from = edit.start;
  const to = edit.start + edit.insert.length;
  if (to - from >= limit || edit.deleteCount >= limit) return false;
  const before = next.lastIndexOf("\n\n", from);
  const after = next.indexOf("\n\n", to);
  const start = before === -1 ? 0 : before;
  const end = after === -1 ? next.length : after;
  return end - start < limit;
}

/** What `textEdit` describes, applied to `old` (the core's side, for tests). */
export function applyTextEdit(old: string, edit: TextEdit): string {
  return old.slice(0, edit.start) + edit.insert + old.slice(edit.start + edit.deleteCount);
}
