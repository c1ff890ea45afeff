// A list that draws only the rows in sight (and a screenful either side), for a library of
// thousands of essays. Drawing every row cost a 10,000-essay library 120,000 elements, ~0.9 GB
// of memory and a window frozen for 3.7 s at start, and for 3.5 s again after every save (the
// list was built anew).
//
// Rows keep their natural, differing heights (a title of one or two lines, a problem line): each
// row's height is measured once it has been drawn, and rows never drawn count as the average of
// those measured so far. Two spacers stand for the rows above and below the drawn ones. When
// rows drawn above the first one in sight turn out taller or shorter than counted, the list
// scrolls by the difference, so what the writer is looking at does not move.

export interface LongListRows<T> {
  /** Tells rows apart across redraws (their measured height, the row keeping focus). */
  key: (item: T) => string;
  /** A new row element for an item (a list item: `aria-setsize`/`aria-posinset` are set here). */
  row: (item: T) => HTMLElement;
}

/** How far beyond the visible part rows are drawn, in px (scrolling never shows a gap). */
const BEYOND = 600;
/** A row's height before any row has been measured (about one essay row). */
const FIRST_ESTIMATE = 52;

export class LongList<T> {
  private readonly list: HTMLElement;
  private readonly above: HTMLElement;
  private readonly below: HTMLElement;
  private items: T[] = [];
  /** The items' keys, in order (a draw walks them all: built once per set). */
  private keys: string[] = [];
  private rows: LongListRows<T> = { key: () => "", row: () => document.createElement("li") };
  /** Drawn rows, by key, in order. */
  private drawn = new Map<string, HTMLElement>();
  private heights = new Map<string, number>();
  private measuredSum = 0;
  private width = -1;
  private frame = 0;

  constructor(list: HTMLElement) {
    this.list = list;
    this.above = spacer();
    this.below = spacer();
    // Where the keyboard goes when the row holding it scrolls out of sight (not to the page).
    if (!list.hasAttribute("tabindex")) list.tabIndex = -1;
    list.addEventListener("scroll", () => this.drawSoon(), { passive: true });
    // Another width rewraps titles: every height measured so far may be wrong.
    if (typeof ResizeObserver !== "undefined") new ResizeObserver(() => this.resized()).observe(list);
  }

  /** Shows these items (in this order), keeping the scroll position; rows are built anew. */
  set(items: T[], rows: LongListRows<T>, empty: HTMLElement | null = null): void {
    this.items = items;
    this.rows = rows;
    this.keys = items.map(rows.key);
    const focused = this.focusedKey();
    for (const row of this.drawn.values()) row.remove();
    this.drawn.clear();
    if (items.length === 0) {
      this.list.replaceChildren(...(empty ? [empty] : []));
      return;
    }
    if (this.above.parentNode !== this.list || this.list.firstChild !== this.above) {
      this.list.replaceChildren(this.above, this.below);
    }
    this.draw();
    if (focused === null) return;
    // The row that had the keyboard keeps it, followed to wherever it is now; if its item is
    // gone, the list keeps the keyboard.
    const at = this.keys.indexOf(focused);
    const row = at < 0 ? null : (this.drawn.get(focused) ?? this.reveal(at));
    const target = row?.querySelector<HTMLElement>("button") ?? this.list;
    target.focus({ preventScroll: true });
  }

  /**
   * New versions of some items, each in its place (same key): only their rows, if drawn, are
   * built again. Cheaper than `set` for a long list, whose keys it need not make anew.
   */
  replace(updated: ReadonlyMap<string, T>): void {
    for (const [key, item] of updated) {
      const at = this.keys.indexOf(key);
      if (at < 0) continue;
      this.items[at] = item;
      const old = this.drawn.get(key);
      if (!old) continue;
      const row = this.rows.row(item);
      for (const name of ["aria-posinset", "aria-setsize"]) row.setAttribute(name, old.getAttribute(name) ?? "");
      const focused = old.contains(document.activeElement);
      old.replaceWith(row);
      this.drawn.set(key, row);
      if (focused) row.querySelector<HTMLElement>("button")?.focus({ preventScroll: true });
    }
  }

  /** The rows drawn now, in order. */
  drawnRows(): HTMLElement[] {
    return [...this.drawn.values()];
  }

  get length(): number {
    return this.items.length;
  }

  item(index: number): T | undefined {
    return this.items[index];
  }

  /** Where a drawn row is in the list (-1: not one of its drawn rows). */
  indexOfRow(row: HTMLElement): number {
    for (const [key, drawn] of this.drawn) if (drawn === row) return this.keys.indexOf(key);
    return -1;
  }

  /** Scrolls item `index` into sight (the least distance) and returns its row. */
  reveal(index: number): HTMLElement | null {
    const key = this.keys[index];
    if (key === undefined) return null;
    const at = this.padTop() + this.offsetOf(index);
    // The first and the last row come with the list's padding: the very top or bottom.
    const top = index === 0 ? 0 : at;
    const bottom = index === this.keys.length - 1 ? this.list.scrollHeight : at + this.height(key);
    const view = this.list.clientHeight;
    if (top < this.list.scrollTop) this.list.scrollTop = top;
    else if (bottom > this.list.scrollTop + view) this.list.scrollTop = bottom - view;
    this.draw();
    return this.drawn.get(key) ?? null;
  }

  /** Draws again for the current scroll position (at the next frame). */
  private drawSoon(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private resized(): void {
    const width = this.list.clientWidth;
    if (width === this.width) {
      this.drawSoon();
      return;
    }
    this.width = width;
    this.heights.clear();
    this.measuredSum = 0;
    this.drawSoon();
  }

  /** Draws the rows in sight (and a screenful either side). */
  private draw(): void {
    if (this.frame) {
      cancelAnimationFrame(this.frame);
      this.frame = 0;
    }
    const n = this.items.length;
    if (n === 0) return;
    const padTop = this.padTop();
    const listTop = this.list.getBoundingClientRect().top;
    const scrollTop = this.list.scrollTop;
    const top = scrollTop - padTop; // where the view starts, from the first row's top
    const bottom = top + this.list.clientHeight;
    // The rows to draw, and the first row in sight: the anchor, which stays where it is on
    // screen whatever the heights measured below turn out to be.
    let first = -1;
    let last = n;
    let anchor = -1;
    let anchorY = 0;
    let y = 0;
    for (let i = 0; i < n; i++) {
      const height = this.height(this.keys[i]!);
      if (first < 0 && y + height > top - BEYOND) first = i;
      if (anchor < 0 && y + height > top) {
        anchor = i;
        anchorY = y;
      }
      if (y >= bottom + BEYOND) {
        last = i;
        break;
      }
      y += height;
    }
    if (first < 0) first = n - 1;
    if (anchor < 0) anchor = first;
    const anchorKey = this.keys[anchor]!;
    const shown = this.drawn.get(anchorKey);
    const anchorBefore = shown ? shown.getBoundingClientRect().top - listTop : padTop + anchorY - scrollTop;

    // Keep the rows still in range (their focus, hover and measured size), build the others.
    const wanted = new Map<string, HTMLElement>();
    for (let i = first; i < last; i++) {
      const key = this.keys[i]!;
      const row = this.drawn.get(key) ?? this.rows.row(this.items[i]!);
      if (row.getAttribute("aria-posinset") !== String(i + 1)) row.setAttribute("aria-posinset", String(i + 1));
      if (row.getAttribute("aria-setsize") !== String(n)) row.setAttribute("aria-setsize", String(n));
      wanted.set(key, row);
    }
    let keyboardLeft = false;
    for (const [key, row] of this.drawn) {
      if (wanted.has(key)) continue;
      keyboardLeft ||= row.contains(document.activeElement);
      row.remove();
    }
    const ordered = [...wanted.values()];
    let next: Node = this.below;
    for (let i = ordered.length - 1; i >= 0; i--) {
      const row = ordered[i]!;
      if (row.nextSibling !== next || row.parentNode !== this.list) this.list.insertBefore(row, next);
      next = row;
    }
    this.drawn = wanted;

    // Measure what is drawn (a row's height runs to the next row's top: margins included),
    // then size the spacers with what is known now.
    const tops = ordered.map((row) => row.getBoundingClientRect().top);
    tops.push(this.below.getBoundingClientRect().top);
    ordered.forEach((_, at) => {
      const measured = tops[at + 1]! - tops[at]!;
      if (!(measured > 0)) return; // not laid out (hidden, or no layout engine)
      const key = this.keys[first + at]!;
      this.measuredSum += measured - (this.heights.get(key) ?? 0);
      this.heights.set(key, measured);
    });
    let above = 0;
    for (let i = 0; i < first; i++) above += this.height(this.keys[i]!);
    let below = 0;
    for (let i = last; i < n; i++) below += this.height(this.keys[i]!);
    this.above.style.height = `${above}px`;
    this.below.style.height = `${below}px`;
    const anchorAfter = wanted.get(anchorKey)!.getBoundingClientRect().top - listTop;
    if (Math.abs(anchorAfter - anchorBefore) >= 0.5) this.list.scrollTop += anchorAfter - anchorBefore;

    if (keyboardLeft) this.list.focus({ preventScroll: true });
  }

  private height(key: string): number {
    return this.heights.get(key) ?? (this.heights.size ? this.measuredSum / this.heights.size : FIRST_ESTIMATE);
  }

  private offsetOf(index: number): number {
    let y = 0;
    for (let i = 0; i < index; i++) y += this.height(this.keys[i]!);
    return y;
  }

  private padTop(): number {
    return parseFloat(getComputedStyle(this.list).paddingTop) || 0;
  }

  private focusedKey(): string | null {
    const active = document.activeElement;
    if (!(active instanceof HTMLElement) || !this.list.contains(active)) return null;
    for (const [key, row] of this.drawn) if (row.contains(active)) return key;
    return null;
  }
}

function spacer(): HTMLElement {
  const li = document.createElement("li");
  li.className = "long-list-spacer";
  li.setAttribute("aria-hidden", "true");
  li.setAttribute("role", "presentation");
  return li;
}
