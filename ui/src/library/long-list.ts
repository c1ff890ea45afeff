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
//
// Where a row is, and how tall the rows above and below the drawn ones are, comes from running
// sums (`RowHeights`), not from adding up every row's height: at 100,000 essays that walk was
// about 5 ms of each draw (a draw: 9 ms then, 4 ms now, median), and a draw follows every
// scrolled frame.

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
  /** Every height measured, by key (also of items not in the list now: a filter may bring them back). */
  private heights = new Map<string, number>();
  private measuredSum = 0;
  /** The measured heights of the items in the list now, by position. */
  private sums = new RowHeights(0);
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
    this.sums = new RowHeights(this.keys.length, (i) => this.heights.get(this.keys[i]!));
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
    this.sums = new RowHeights(this.keys.length);
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
    const unmeasured = this.average();
    const first = Math.min(this.sums.countEndingBy(top - BEYOND, unmeasured), n - 1);
    const last = Math.min(this.sums.countBeginningBefore(bottom + BEYOND, unmeasured), n);
    const anchor = Math.min(this.sums.countEndingBy(top, unmeasured), n - 1);
    const anchorY = this.sums.above(anchor, unmeasured);
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
      this.sums.measure(first + at, measured);
    });
    const average = this.average();
    const above = this.sums.above(first, average);
    const below = this.sums.above(n, average) - this.sums.above(last, average);
    this.above.style.height = `${above}px`;
    this.below.style.height = `${below}px`;
    const anchorAfter = wanted.get(anchorKey)!.getBoundingClientRect().top - listTop;
    if (Math.abs(anchorAfter - anchorBefore) >= 0.5) this.list.scrollTop += anchorAfter - anchorBefore;

    if (keyboardLeft) this.list.focus({ preventScroll: true });
  }

  private height(key: string): number {
    return this.heights.get(key) ?? this.average();
  }

  /** The height counted for a row not measured yet. */
  private average(): number {
    return this.heights.size ? this.measuredSum / this.heights.size : FIRST_ESTIMATE;
  }

  private offsetOf(index: number): number {
    return this.sums.above(index, this.average());
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

/**
 * The rows' measured heights by position, as running sums (a Fenwick tree of the heights and
 * one of how many are measured): the height of the rows above any position, and the position
 * at any height, each in O(log n), with the rows not measured yet counted as `unmeasured` (the
 * average, which changes with every row measured). Heights are positive.
 */
export class RowHeights {
  private readonly sum: Float64Array;
  private readonly count: Int32Array;
  private readonly at: Float64Array;
  private readonly top: number;

  /** `n` rows, with the heights `known` gives (undefined: not measured); built in O(n). */
  constructor(
    private readonly n: number,
    known?: (index: number) => number | undefined,
  ) {
    this.sum = new Float64Array(n + 1);
    this.count = new Int32Array(n + 1);
    this.at = new Float64Array(n);
    let top = 1;
    while (top * 2 <= n) top *= 2;
    this.top = top;
    if (!known) return;
    for (let i = 0; i < n; i++) {
      const height = known(i);
      if (height === undefined) continue;
      this.at[i] = height;
      this.sum[i + 1] = height;
      this.count[i + 1] = 1;
    }
    for (let node = 1; node <= n; node++) {
      const parent = node + (node & -node);
      if (parent > n) continue;
      this.sum[parent]! += this.sum[node]!;
      this.count[parent]! += this.count[node]!;
    }
  }

  /** Row `index` turned out `height` tall. */
  measure(index: number, height: number): void {
    const old = this.at[index]!;
    if (old === height) return;
    this.at[index] = height;
    const counted = old === 0 ? 1 : 0;
    for (let node = index + 1; node <= this.n; node += node & -node) {
      this.sum[node]! += height - old;
      this.count[node]! += counted;
    }
  }

  /** The height of the rows before `index`. */
  above(index: number, unmeasured: number): number {
    let sum = 0;
    let count = 0;
    for (let node = Math.min(index, this.n); node > 0; node -= node & -node) {
      sum += this.sum[node]!;
      count += this.count[node]!;
    }
    return sum + (Math.min(index, this.n) - count) * unmeasured;
  }

  /** How many rows end at or above `y` (the index of the first row reaching below it). */
  countEndingBy(y: number, unmeasured: number): number {
    return this.descend(unmeasured, (height) => height <= y);
  }

  /** How many rows begin above `y` (the index of the first row beginning at or below it). */
  countBeginningBefore(y: number, unmeasured: number): number {
    // Row k begins where the k rows above it end: past the first row's top, the rows beginning
    // above y are one more than the rows ending above it, as long as there is such a row.
    if (y <= 0) return 0;
    return Math.min(this.descend(unmeasured, (height) => height < y) + 1, this.n);
  }

  /** The longest run of rows from the first whose height `fits`: its length. */
  private descend(unmeasured: number, fits: (height: number) => boolean): number {
    let index = 0;
    let height = 0;
    for (let step = this.top; step > 0; step >>= 1) {
      const node = index + step;
      if (node > this.n) continue;
      const through = height + this.sum[node]! + (step - this.count[node]!) * unmeasured;
      if (!fits(through)) continue;
      index = node;
      height = through;
    }
    return index;
  }
}
