import { beforeEach, describe, expect, it, vi } from "vitest";
import type { EssaySummary } from "../ipc/types";
import { LibraryPane, type LibraryElements } from "./pane";

function essay(id: number, title: string, date: string, words = 100): EssaySummary {
  return { id, path: `essay-${id}.md`, title, date, status: "draft", tags: [], words, problem: null, unsaved: false };
}

let elements: LibraryElements;
let pane: LibraryPane;
const search = vi.fn(async () => []);

beforeEach(() => {
  document.body.innerHTML = `
    <aside><button id="name"></button><input id="search" /><select id="status"></select><select id="tag"></select>
    <select id="sort"><option value="date">Newest first</option><option value="title">By title</option></select>
    <ul id="list"></ul><span id="footer"></span><p id="trouble"></p><button id="create"></button></aside>`;
  const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
  elements = {
    root: byId("name").parentElement!,
    name: byId("name"),
    search: byId<HTMLInputElement>("search"),
    status: byId<HTMLSelectElement>("status"),
    tag: byId<HTMLSelectElement>("tag"),
    sort: byId<HTMLSelectElement>("sort"),
    list: byId("list"),
    footer: byId("footer"),
    trouble: byId("trouble"),
    create: byId<HTMLButtonElement>("create"),
  };
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
