// In-place preview updates: the pure half. A page splits into its head (template and CSS) and
// the top-level blocks of the essay body; when only some blocks changed, only those are
// replaced in the shown frame, which keeps its scroll position, images and layout of the rest.

/** Everything before `<body`: when it differs (title, CSS, theme), the page is loaded anew. */
export function pageHead(page: string): string {
  const at = page.search(/<body[\s>]/i);
  return at < 0 ? page : page.slice(0, at);
}

/** The blocks to replace: old blocks [start, oldEnd) become new blocks [start, newEnd). */
export interface BlockPatch {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/**
 * The smallest single range of blocks that differs between `old` and `next` (compared as
 * serialised HTML), found by trimming the common prefix and suffix: an edit touches one place,
 * so one range is what a keystroke, a paste or an undo changes. Null when nothing changed.
 */
export function diffBlocks(old: readonly string[], next: readonly string[]): BlockPatch | null {
  const shorter = Math.min(old.length, next.length);
  let start = 0;
  while (start < shorter && old[start] === next[start]) start++;
  if (start === old.length && start === next.length) return null;
  let tail = 0;
  while (
    tail < shorter - start &&
    old[old.length - 1 - tail] === next[next.length - 1 - tail]
  ) {
    tail++;
  }
  return { start, oldEnd: old.length - tail, newEnd: next.length - tail };
}
