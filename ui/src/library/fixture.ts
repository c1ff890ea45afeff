// For the library's unit tests: the pane's elements, as index.html has them, and essay rows.

import type { EssaySummary } from "../ipc/types";
import type { LibraryElements } from "./pane";

/** A fresh document holding the library pane's elements. */
export function libraryElements(): LibraryElements {
  document.body.innerHTML = `
    <aside><button id="name"></button><input id="search" /><select id="status"></select><select id="tag"></select>
    <select id="sort"><option value="date">Newest first</option><option value="title">By title</option></select>
    <ul id="list"></ul><span id="footer"></span><div id="reading"></div><p id="trouble"></p><button id="create"></button></aside>`;
  const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
  return {
    root: document.querySelector("aside")!,
    name: byId("name"),
    search: byId<HTMLInputElement>("search"),
    status: byId<HTMLSelectElement>("status"),
    tag: byId<HTMLSelectElement>("tag"),
    sort: byId<HTMLSelectElement>("sort"),
    list: byId("list"),
    footer: byId("footer"),
    reading: byId("reading"),
    trouble: byId("trouble"),
    create: byId<HTMLButtonElement>("create"),
  };
}

/** An essay's list row: a draft without tags, at `essay-<id>.md`. */
export function essay(id: number, title: string, date = "2024-01-01", words = 100): EssaySummary {
  return { id, path: `essay-${id}.md`, title, date, status: "draft", tags: [], words, problem: null, unsaved: false };
}
