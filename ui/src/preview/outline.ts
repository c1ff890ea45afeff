// Which heading of the preview matches a place in the editor.

import type { OutlineEntry } from "../ipc/types";

/**
 * The heading nearest above (or on) 1-based source `line`, or null when `line` comes before
 * the first heading (the preview then stays at its top).
 */
export function headingAbove(outline: readonly OutlineEntry[], line: number): OutlineEntry | null {
  let best: OutlineEntry | null = null;
  for (const entry of outline) {
    if (entry.line <= line && (best === null || entry.line >= best.line)) best = entry;
  }
  return best;
}
