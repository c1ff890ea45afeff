import { beforeEach, describe, expect, it, vi } from "vitest";
import type { EssaySummary } from "../ipc/types";
import { essay, libraryElements } from "./fixture";
import { LibraryPane, type LibraryElements } from "./pane";

let elements: LibraryElements;
let pane: LibraryPane;
const search = vi.fn(async () => []);

beforeEach(() => {
  elements = libraryElements();
  localStorage.clear();
  search.mockClear();
  pane = new LibraryPane(elements, {
    open: () => undefined,
    create: () => undefined,
    rename: () => undefined,
    remove: () => undefined,
    search,
    unsaved: () => undefined,
    onError: () => undefined,
  });
  pane.setEssays([essay(1, "Alpha", "2024-03-01"), essay(2, "Beta", "2024-02-01"), essay(3, "Gamma", "2024-01-01")]);
});

/** The list's rows as the writer reads them: title and word count, top to bottom. */
function rows(): string[] {
  return [...elements.list.querySelectorAll<HTMLElement>(".essay-row")].map(
    (row) => `${row.querySelector(".essay-title")!.textContent} ${row.querySelector(".essay-words")!.textContent}`,
  );
}

describe("LibraryPane.follow", () => {
  it("shows an essay's new word count in its place", () => {
    pane.follow(new Map([[2, essay(2, "Beta", "2024-02-01", 2500)]]));
    expect(rows()).toEqual(["Alpha 100 words", "Beta 2,500 words", "Gamma 100 words"]);
    expect(pane.essay(2)?.words).toBe(2500);
  });

  it("moves an essay whose date changed to its new place, newest first", () => {
    pane.follow(new Map([[3, essay(3, "Gamma", "2024-04-01")]]));
    expect(rows()).toEqual(["Gamma 100 words", "Alpha 100 words", "Beta 100 words"]);
  });

  it("drops an essay no longer in the library and adds a new one, with the count", () => {
    pane.follow(
      new Map<number, EssaySummary | null>([
        [1, null],
        [4, essay(4, "Delta", "2024-05-01", 7)],
      ]),
    );
    expect(rows()).toEqual(["Delta 7 words", "Beta 100 words", "Gamma 100 words"]);
    expect(elements.footer.textContent).toBe("3 essays");
  });

  it("offers a new tag in the filter once an essay has it", () => {
    pane.follow(new Map([[2, { ...essay(2, "Beta", "2024-02-01"), tags: ["travel"] }]]));
    expect([...elements.tag.options].map((o) => o.textContent)).toContain("#travel");
  });

  it("searches again while a search is shown (the hits' snippets may have changed)", async () => {
    elements.search.value = "beta";
    pane.follow(new Map([[2, essay(2, "Beta", "2024-02-01", 2500)]]));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(search).toHaveBeenCalledWith({ query: "beta", status: null, tag: null });
  });
});

describe("LibraryPane's order", () => {
  const titles = () => [...elements.list.querySelectorAll(".essay-title")].map((title) => title.textContent);
  const chooseSort = (order: string) => {
    elements.sort.value = order;
    elements.sort.dispatchEvent(new Event("change"));
  };

  it("keeps the list in order through changes heard and a change of order", () => {
    const list = [essay(3, "Gamma", "2024-01-01"), essay(1, "Alpha", "2024-03-01"), { ...essay(4, "Delta"), date: null }, essay(2, "beta", "2024-02-01")];
    // As a long list is given: read in pages, each sorted as it came, merged.
    pane.setEssays(list, { order: "date", essays: [list[1]!, list[3]!, list[0]!, list[2]!] });
    expect(titles()).toEqual(["Alpha", "beta", "Gamma", "Delta"]);
    pane.follow(
      new Map<number, EssaySummary | null>([
        [3, essay(3, "Gamma", "2024-02-15")],
        [1, null],
        [5, essay(5, "Echo", "2024-02-01")],
      ]),
    );
    expect(titles()).toEqual(["Gamma", "beta", "Echo", "Delta"]);
    chooseSort("title");
    expect(titles()).toEqual(["beta", "Delta", "Echo", "Gamma"]);
    pane.follow(new Map([[2, essay(2, "Zeta", "2024-02-01")]]));
    expect(titles()).toEqual(["Delta", "Echo", "Gamma", "Zeta"]);
    chooseSort("date");
    expect(titles()).toEqual(["Gamma", "Echo", "Zeta", "Delta"]);
  });

  it("shows a list given in another order than the writer chose in the writer's", () => {
    chooseSort("title");
    const list = [essay(1, "Zebra", "2024-03-01"), essay(2, "Apple", "2024-01-01")];
    pane.setEssays(list, { order: "date", essays: list });
    expect(titles()).toEqual(["Apple", "Zebra"]);
  });
});

describe("LibraryPane.setReading", () => {
  it("says how far a folder's first reading has come, with a bar, and nothing once it is read", () => {
    const bar = () => elements.reading.querySelector("progress")!;
    pane.setReading({ read: 0, of: 0 });
    expect(elements.reading.hidden).toBe(false);
    expect(elements.reading.textContent).toBe("Reading essays…");
    expect(bar().hasAttribute("value")).toBe(false); // no count yet: the bar says "busy"
    pane.setReading({ read: 12000, of: 100000 });
    expect(elements.reading.textContent).toBe("Reading essays: 12,000 of 100,000");
    expect([bar().value, bar().max]).toEqual([12000, 100000]);
    const label = document.getElementById(bar().getAttribute("aria-labelledby")!);
    expect(label?.textContent).toBe("Reading essays: 12,000 of 100,000");
    expect(elements.footer.textContent).toBe("3 essays");
    pane.setReading(null);
    expect(elements.reading.hidden).toBe(true);
  });

  it("says the essays are being read, not that there are none, while nothing is read yet", () => {
    pane.setEssays([]);
    pane.setReading({ read: 0, of: 2500 });
    const empty = () => elements.list.querySelector(".essay-empty")?.textContent;
    expect(empty()).toBe("Reading the essays in this folder…");
    pane.setEssays([]);
    expect(empty()).toBe("Reading the essays in this folder…");
    pane.setReading(null);
    expect(empty()).toMatch(/^No essays yet/);
  });
});
