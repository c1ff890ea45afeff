// Keeps the editor's markdown parse bounded, so that no essay can stop the window answering.
//
// The syntax parser (@lezer/markdown) works a block at a time, and nothing can interrupt one
// block: its inline markup (emphasis, links, code spans) is resolved at once, at a cost that
// grows with the square of the block's length for some text (`*[_` mixed with brackets: 8 KB
// take ~0.1 s, 64 KB ~8 s), and so do list and quote markers nested on one line (`* * * … x`:
// 8 KB take ~0.4 s). Such text, hundreds of KB of it, froze the window for minutes. So:
// - a paragraph or heading longer than LONG_BLOCK characters is kept as plain text, without
//   inline markup (its highlighting goes, the text and the preview stay as they are);
// - blocks nest at most MAX_NESTING deep: a deeper list or quote marker stays text.
// No essay a person writes comes near either limit (a long paragraph is ~2,000 characters).

import type { BlockContext, LeafBlock, Line, MarkdownConfig } from "@lezer/markdown";

/** Characters beyond which a block's inline markup is not parsed (~50 ms at worst). */
export const LONG_BLOCK = 6000;
/** How deep lists and quotes nest before further markers are read as text. */
export const MAX_NESTING = 32;

const HEADING = /^#{1,6}(?=[ \t]|$)/;
const NESTING_MARKER = /^(?:[-+*>]|\d{1,9}[.)])(?=[ \t]|$)/;

/** A paragraph too long to parse its inline markup: one node, no children. */
class LongParagraph {
  nextLine(): boolean {
    return false;
  }

  finish(cx: BlockContext, leaf: LeafBlock): boolean {
    if (leaf.content.length <= LONG_BLOCK) return false;
    cx.addLeafElement(leaf, cx.elt("Paragraph", leaf.start, leaf.start + leaf.content.length));
    return true;
  }
}

export const boundedMarkdown: MarkdownConfig = {
  parseBlock: [
    {
      // Before the parsers that nest (quotes and lists) and headings.
      name: "BoundedLine",
      before: "Blockquote",
      parse(cx: BlockContext, line: Line): boolean {
        const rest = line.text.slice(line.pos);
        const start = cx.lineStart + line.pos;
        const end = cx.lineStart + line.text.length;
        if (cx.depth > MAX_NESTING && NESTING_MARKER.test(rest)) {
          cx.addElement(cx.elt("Paragraph", start, end));
          cx.nextLine();
          return true;
        }
        const heading = rest.length > LONG_BLOCK ? HEADING.exec(rest) : null;
        if (heading) {
          const level = heading[0].length;
          cx.addElement(cx.elt(`ATXHeading${level}`, start, end, [cx.elt("HeaderMark", start, start + level)]));
          cx.nextLine();
          return true;
        }
        return false;
      },
    },
    {
      // Last of the leaf parsers: a table or a link reference definition keeps its own parse.
      name: "LongParagraph",
      after: "SetextHeading",
      leaf: () => new LongParagraph(),
    },
  ],
};
