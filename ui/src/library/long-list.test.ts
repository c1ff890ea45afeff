import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LongList, RowHeights, type LongListRows } from "./long-list";

// happy-dom lays nothing out: these tests give the list a height and each row the height its
// item says, and place the list's children one below the other as a browser would.
const VIEW = 600;

interface Item {
  id: number;
  height: number;
}

let list: HTMLElement;
let scrollTop = 0;

function contentHeight(): number {
  let sum = 0;
  for (const child of list.children) sum += heightOf(child as HTMLElement);
  return sum;
}

function heightOf(element: HTMLElement): number {
  return element.dataset.height ? Number(element.dataset.height) : parseFloat(element.style.height) || 0;
}

beforeEach(() => {
  document.body.innerHTML = "";
  list = document.createElement("ul");
  document.body.append(list);
  scrollTop = 0;
  Object.defineProperty(list, "clientHeight", { get: () => VIEW });
  Object.defineProperty(list, "clientWidth", { get: () => 300 });
  Object.defineProperty(list, "scrollHeight", { get: () => contentHeight() });
  Object.defineProperty(list, "scrollTop", {
    get: () => scrollTop,
    set: (value: number) => {
      scrollTop = Math.max(0, Math.min(value, contentHeight() - VIEW));
    },
  });
  vi.spyOn(HTMLElement.prototype, "getBoundingClientRect").mockImplementation(function (this: HTMLElement) {
    let top = 0;
    if (this.parentElement === list) {
      for (const child of list.children) {
        if (child === this) break;
        top += heightOf(child as HTMLElement);
      }
      top -= scrollTop;
    }
    const height = this === list ? VIEW : heightOf(this);
    return { top, bottom: top + height, left: 0, right: 300, width: 300, height, x: 0, y: top, toJSON: () => ({}) } as DOMRect;
  });
});

afterEach(() => vi.restoreAllMocks());

const rows: LongListRows<Item> = {
  key: (item) => String(item.id),
  row: (item) => {
    const li = document.createElement("li");
    li.className = "row";
    li.dataset.id = String(item.id);
    li.dataset.height = String(item.height);
    const button = document.createElement("button");
    button.textContent = `Essay ${item.id}`;
    li.append(button);
    return li;
  },
};

function items(n: number, height = (i: number) => 40 + (i % 3) * 20): Item[] {
  return Array.from({ length: n }, (_, i) => ({ id: i, height: height(i) }));
}

function drawnIds(): number[] {
  return [...list.querySelectorAll<HTMLElement>("li.row")].map((row) => Number(row.dataset.id));
}

/** Where the row of item `id` is, from the top of the list's view (null: not drawn). */
function topOf(id: number): number | null {
  const row = list.querySelector<HTMLElement>(`li.row[data-id="${id}"]`);
  return row ? row.getBoundingClientRect().top : null;
}

async function scrollTo(y: number): Promise<void> {
  list.scrollTop = y;
  list.dispatchEvent(new Event("scroll"));
  await new Promise((resolve) => requestAnimationFrame(resolve));
}

describe("LongList", () => {
  it("draws only the rows in sight and a screenful either side of 10,000", () => {
    const long = new LongList<Item>(list);
    long.set(items(10_000), rows);
    const drawn = drawnIds();
    expect(drawn[0]).toBe(0);
    expect(drawn.length).toBeGreaterThan(VIEW / 80);
    expect(drawn.length).toBeLessThan(60);
    const first = list.querySelector<HTMLElement>("li.row")!;
    expect(first.getAttribute("aria-setsize")).toBe("10000");
    expect(first.getAttribute("aria-posinset")).toBe("1");
    // The list is as tall as all its rows: the scroll bar tells how long the library is.
    expect(contentHeight()).toBeGreaterThan(10_000 * 40);
  });

  it("draws the rows of wherever the writer scrolls to, with no gap in sight", async () => {
    const long = new LongList<Item>(list);
    long.set(items(10_000), rows);
    await scrollTo(250_000);
    const drawn = drawnIds();
    expect(drawn[0]).toBeGreaterThan(4_000);
    for (let i = 1; i < drawn.length; i++) expect(drawn[i]).toBe(drawn[0]! + i);
    // The drawn rows cover the view from top to bottom.
    expect(topOf(drawn[0]!)!).toBeLessThanOrEqual(0);
    const lastRow = list.querySelector<HTMLElement>(`li.row[data-id="${drawn.at(-1)}"]`)!;
    expect(lastRow.getBoundingClientRect().bottom).toBeGreaterThanOrEqual(VIEW);
    expect(list.querySelector(`li.row[data-id="1"]`)).toBeNull();
  });

  it("keeps the row at the top of the view where it is when rows above it turn out taller than counted", async () => {
    const long = new LongList<Item>(list);
    // Every row is 90 px; the list counts unmeasured rows as the average of those it has drawn.
    long.set(
      items(5_000, (i) => (i < 40 ? 40 : 90)),
      rows,
    );
    await scrollTo(200_000);
    const inSight = drawnIds().find((id) => topOf(id)! + 90 > 0)!;
    const before = topOf(inSight)!;
    // Scrolling up by a screen brings in rows never drawn before.
    for (let step = 1; step <= 3; step++) {
      await scrollTo(scrollTop - 200);
      expect(topOf(inSight)).toBe(before + 200 * step);
    }
  });

  it("reveals the last and the first of 10,000 rows", () => {
    const long = new LongList<Item>(list);
    long.set(items(10_000), rows);
    const last = long.reveal(9_999);
    expect(last?.dataset.id).toBe("9999");
    expect(last!.getBoundingClientRect().bottom).toBeLessThanOrEqual(VIEW);
    expect(last!.getBoundingClientRect().top).toBeGreaterThanOrEqual(0);
    const first = long.reveal(0);
    expect(first?.dataset.id).toBe("0");
    expect(first!.getBoundingClientRect().top).toBe(0);
    expect(long.indexOfRow(first!)).toBe(0);
  });

  it("gives the keyboard back to the same item's row when the rows are built anew", () => {
    const long = new LongList<Item>(list);
    const all = items(100);
    long.set(all, rows);
    list.querySelector<HTMLElement>(`li.row[data-id="3"] button`)!.focus();
    long.set([...all].reverse(), rows);
    expect((document.activeElement as HTMLElement).closest<HTMLElement>("li")?.dataset.id).toBe("3");
  });

  it("keeps the keyboard in the list when its row scrolls out of sight", async () => {
    const long = new LongList<Item>(list);
    long.set(items(1_000), rows);
    list.querySelector<HTMLElement>(`li.row[data-id="0"] button`)!.focus();
    await scrollTo(30_000);
    expect(list.querySelector(`li.row[data-id="0"]`)).toBeNull();
    expect(document.activeElement).toBe(list);
  });

  it("builds again only the drawn rows of items replaced in place, keeping the keyboard", () => {
    const long = new LongList<Item>(list);
    long.set(items(10_000), rows);
    const untouched = list.querySelector<HTMLElement>(`li.row[data-id="1"]`);
    list.querySelector<HTMLElement>(`li.row[data-id="2"] button`)!.focus();
    long.replace(
      new Map([
        ["2", { id: 2, height: 44 }],
        ["9000", { id: 9000, height: 44 }],
      ]),
    );
    const row = list.querySelector<HTMLElement>(`li.row[data-id="2"]`)!;
    expect(row.dataset.height).toBe("44");
    expect(row.getAttribute("aria-posinset")).toBe("3");
    expect(document.activeElement).toBe(row.querySelector("button"));
    expect(list.querySelector(`li.row[data-id="1"]`)).toBe(untouched);
    expect(long.item(9000)).toEqual({ id: 9000, height: 44 });
  });

  it("shows what it is given for no items", () => {
    const long = new LongList<Item>(list);
    long.set(items(10), rows);
    const empty = document.createElement("li");
    empty.textContent = "No essays match these filters.";
    long.set([], rows, empty);
    expect(list.children.length).toBe(1);
    expect(list.textContent).toBe("No essays match these filters.");
    long.set(items(2), rows);
    expect(drawnIds()).toEqual([0, 1]);
  });
});

describe("RowHeights", () => {
  // The running sums answer as adding up every row's height would, measured or counted.
  function naive(heights: (number | undefined)[], unmeasured: number) {
    const tops = [0];
    for (const height of heights) tops.push(tops.at(-1)! + (height ?? unmeasured));
    return {
      above: (index: number) => tops[Math.min(index, heights.length)]!,
      endingBy: (y: number) => tops.slice(1).filter((bottom) => bottom <= y).length,
      beginningBefore: (y: number) => tops.slice(0, -1).filter((top) => top < y).length,
    };
  }

  it("gives the height above any row and the row at any height, as adding them all up does", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const n of [0, 1, 2, 3, 7, 8, 9, 100, 1_000]) {
      const heights = Array.from({ length: n }, () => (random() < 0.4 ? 20 + Math.round(random() * 60) : undefined));
      const sums = new RowHeights(n, (i) => heights[i]);
      for (let round = 0; round < 3; round++) {
        const unmeasured = 30 + round * 7.5;
        const model = naive(heights, unmeasured);
        const total = model.above(n);
        for (let probe = 0; probe < 60; probe++) {
          const index = Math.floor(random() * (n + 1));
          expect(sums.above(index, unmeasured)).toBeCloseTo(model.above(index), 6);
          // Heights on a row's edge, inside a row, above the list and past its end.
          const y = probe % 3 === 0 ? model.above(index) : (random() * 1.2 - 0.1) * total;
          expect(sums.countEndingBy(y, unmeasured)).toBe(model.endingBy(y));
          expect(sums.countBeginningBefore(y, unmeasured)).toBe(model.beginningBefore(y));
        }
        // Rows measured since (some for the first time, some again).
        for (let k = 0; k < n / 4; k++) {
          const index = Math.floor(random() * n);
          heights[index] = 20 + Math.round(random() * 60);
          sums.measure(index, heights[index]!);
        }
      }
    }
  });
});
