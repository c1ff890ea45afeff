// In-place preview updates. The render sends the essay body as its top-level blocks, HTML
// strings that join into the exported body byte for byte (src/markdown/blocks.rs); the page
// around them (the shell) comes only when it changed. When only some blocks changed, only
// those are rebuilt in the shown frame, which keeps its scroll position, images and the layout
// of the rest. The shown frame's body is tracked as the DOM nodes each block became.

import type { BlockChange } from "../ipc/types";

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

/** The block list a render was a change of, by generation (see BlockChange). */
export interface HeldBlocks {
  generation: number;
  blocks: readonly string[];
}

/**
 * The blocks `change` describes, applied to `held`; null when it is a change of a list other than
 * `held` (a response out of order, or one dropped in between): ask for the whole list again.
 */
export function applyChange(held: HeldBlocks | null, change: BlockChange): HeldBlocks | null {
  if (change.base === null) return { generation: change.generation, blocks: change.insert };
  if (held === null || held.generation !== change.base) return null;
  const end = change.start + change.deleteCount;
  if (end > held.blocks.length) return null;
  const blocks = held.blocks.slice(0, change.start).concat(change.insert, held.blocks.slice(end));
  return { generation: change.generation, blocks };
}

/** The element name a block starts with, or null for a block of text before the first one. */
export function blockTag(html: string): string | null {
  const match = /^<([a-zA-Z][a-zA-Z0-9-]*)/.exec(html);
  return match ? match[1]!.toLowerCase() : null;
}

/**
 * The nodes each block became in `body`, a page just loaded whole: each block is one element
 * and the text after it. Null when the browser's parse doesn't line up with the blocks (raw
 * HTML that a browser nests differently, like a `<div>` inside a `<p>`); see rebuildBlocks.
 */
export function mapBlocks(body: Element, blocks: readonly string[]): Node[][] | null {
  const nodes: Node[][] = [];
  let i = 0;
  let current: Node[] | null = null;
  if (blocks.length > 0 && blockTag(blocks[0]!) === null) {
    current = [];
    nodes.push(current);
    i = 1;
  }
  for (let child = body.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === 1) {
      if (i >= blocks.length || blockTag(blocks[i]!) !== (child as Element).localName) return null;
      current = [child];
      nodes.push(current);
      i++;
    } else if (current) {
      // Text after a block is the block's; whitespace the template put first is nobody's.
      current.push(child);
    }
  }
  return i === blocks.length ? nodes : null;
}

/**
 * Parses `blocks` in the context of `body` (as the page's own parse would, in the frame's
 * document, never the app's), each on its own so that each block's nodes are known.
 */
export function parseBlocks(body: Element, blocks: readonly string[]): { fragment: DocumentFragment; nodes: Node[][] } {
  const doc = body.ownerDocument;
  const range = doc.createRange();
  range.selectNodeContents(body);
  const fragment = doc.createDocumentFragment();
  const nodes = blocks.map((html) => {
    const part = range.createContextualFragment(html);
    const list = Array.from(part.childNodes);
    fragment.append(part);
    return list;
  });
  return { fragment, nodes };
}

/** Rebuilds `body` from `blocks` block by block, for a page whose parse mapBlocks can't follow. */
export function rebuildBlocks(body: Element, blocks: readonly string[]): Node[][] {
  body.replaceChildren();
  const { fragment, nodes } = parseBlocks(body, blocks);
  body.append(fragment);
  return nodes;
}

/**
 * Replaces the nodes of blocks [patch.start, patch.oldEnd) of `body` (tracked in `nodes`) with
 * those of `next` [patch.start, patch.newEnd). Returns the new tracking, and what was removed
 * and added (for the caller's observers).
 */
export function patchBlocks(
  body: Element,
  nodes: readonly Node[][],
  next: readonly string[],
  patch: BlockPatch,
): { nodes: Node[][]; removed: Node[]; added: Node[] } {
  const removed = nodes.slice(patch.start, patch.oldEnd).flat();
  let before: Node | null = null;
  for (let i = patch.oldEnd; i < nodes.length && before === null; i++) before = nodes[i]![0] ?? null;
  if (before === null && removed.length > 0) before = removed[removed.length - 1]!.nextSibling;
  for (const node of removed) node.parentNode?.removeChild(node);
  const parsed = parseBlocks(body, next.slice(patch.start, patch.newEnd));
  body.insertBefore(parsed.fragment, before);
  return {
    nodes: nodes.slice(0, patch.start).concat(parsed.nodes, nodes.slice(patch.oldEnd)),
    removed,
    added: parsed.nodes.flat(),
  };
}

/** Everything before `<body`: the page's head, title and CSS. */
export function shellHead(before: string): string | null {
  const at = before.search(/<body[\s>]/i);
  return at < 0 ? null : before.slice(0, at);
}

/**
 * Puts the body of `shell` (a page parsed from a new shell with an empty essay body) in place
 * of `doc`'s body, moving `doc`'s essay body with all its blocks into it: a new reading time,
 * tag or date in the title header costs a small parse, not a reload of the whole essay. Links
 * of the new shell pass through `prepare` before they reach `doc`. False, with `doc` untouched,
 * when either page has no essay body.
 */
export function replaceShell(
  doc: Document,
  shell: Document,
  findBody: (root: ParentNode) => Element | null,
  prepare: (root: Element) => void,
): boolean {
  const essayBody = findBody(doc);
  if (!essayBody || !doc.body || !shell.body || !findBody(shell)) return false;
  const body = doc.importNode(shell.body, true);
  prepare(body);
  const slot = findBody(body);
  if (!slot) return false;
  for (const name of essayBody.getAttributeNames()) essayBody.removeAttribute(name);
  for (const name of slot.getAttributeNames()) essayBody.setAttribute(name, slot.getAttribute(name)!);
  slot.replaceWith(essayBody);
  doc.documentElement.replaceChild(body, doc.body);
  return true;
}
