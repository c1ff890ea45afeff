// The library pane: the folder's name, a search box (search as you type), status and tag
// filters, a sort order, and the list of essays. Rows open an essay; their "⋯" button or a
// right-click offers Rename and Delete. The pane only shows and asks: what happens is up to
// the callbacks, so it holds no IPC of its own.

import type { EssaySummary, ReadProgress, SearchHit, SearchQuery } from "../ipc/types";
import type { QuireError } from "../ipc/error";
import { toQuireError } from "../ipc/error";
import { formatWords } from "../editor/stats";
import { ALL, collectStatuses, collectTags, filterEssays, formatDate, mergeSorted, sortEssays, type SortOrder } from "./filter";
import { markSnippet } from "./snippet";
import { keysOf } from "../keymap";
import { LongList } from "./long-list";
import { timed } from "../timing";

export interface LibraryCallbacks {
  /** Opens essay `id`; `write`: the keyboard goes to its text (opened with Enter, not a click). */
  open: (id: number, write?: boolean) => void;
  create: () => void;
  rename: (essay: EssaySummary) => void;
  remove: (essay: EssaySummary) => void;
  search: (query: SearchQuery) => Promise<SearchHit[]>;
  /** Whether the editor knows better than the list that an essay has unsaved changes. */
  unsaved: (id: number) => boolean | undefined;
  onError: (message: string) => void;
}

export const SEARCH_DEBOUNCE = 150;

const LOADING = "Loading your essays…";

/** A list already in an order (sorted as it was read, a page at a time). */
export interface SortedList {
  order: SortOrder;
  essays: EssaySummary[];
}

export interface LibraryElements {
  root: HTMLElement;
  name: HTMLElement;
  search: HTMLInputElement;
  status: HTMLSelectElement;
  tag: HTMLSelectElement;
  sort: HTMLSelectElement;
  list: HTMLElement;
  footer: HTMLElement;
  /** Says how far a folder's first reading has come, with a bar (hidden once it is read). */
  reading: HTMLElement;
  /** Says, in full, why outside edits are not being taken in (hidden while they are). */
  trouble: HTMLElement;
  create: HTMLButtonElement;
}

export class LibraryPane {
  private readonly el: LibraryElements;
  private readonly callbacks: LibraryCallbacks;
  private essays: EssaySummary[] = [];
  /**
   * `essays` in one order, kept while neither changes: a filter, a redraw or a change heard
   * does not sort the whole list again (at 100,000 essays that took ~0.2 s of the page).
   */
  private sorted: (SortedList & { of: EssaySummary[] }) | null = null;
  private activeId: number | null = null;
  private hits: SearchHit[] | null = null;
  private searchTimer: ReturnType<typeof setTimeout> | null = null;
  private searchSeq = 0;
  private menu: HTMLElement | null = null;
  private menuCleanup: (() => void) | null = null;
  private footerNote = "";
  /** How another generator's folder is read ("Hugo site (found ../hugo.toml)"), or null. */
  private readAs: string | null = null;
  private watchTrouble: string | null = null;
  private emptyMessage = LOADING;
  /** Whether the list holds the folder's essays yet (until then the footer counts none). */
  private listed = false;
  /** How far the folder's first reading has come, while it is read (null: read). */
  private reading: ReadProgress | null = null;
  /** The rows: only those in sight are drawn (a library may hold 100,000 essays). */
  private readonly rows: LongList<EssaySummary | SearchHit>;
  private readonly essayRows = {
    key: (essay: EssaySummary | SearchHit) => `essay-${idOf(essay)}`,
    row: (essay: EssaySummary | SearchHit) => this.essayRow(essay as EssaySummary),
  };

  constructor(elements: LibraryElements, callbacks: LibraryCallbacks) {
    this.el = elements;
    this.callbacks = callbacks;
    this.rows = new LongList(elements.list);
    elements.search.addEventListener("input", () => this.scheduleSearch());
    elements.search.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && elements.search.value) {
        event.preventDefault();
        elements.search.value = "";
        this.scheduleSearch(0);
      } else if (event.key === "ArrowDown") {
        event.preventDefault();
        this.focusRow(0);
      } else if (event.key === "Enter") {
        const first = this.rows.item(0);
        if (first) this.callbacks.open(idOf(first), true);
      }
    });
    elements.status.addEventListener("change", () => this.filtersChanged());
    elements.tag.addEventListener("change", () => this.filtersChanged());
    elements.sort.addEventListener("change", () => {
      try {
        localStorage.setItem("quire.sort", elements.sort.value);
      } catch {
        // Not remembered, then.
      }
      this.render();
    });
    elements.create.addEventListener("click", () => callbacks.create());
    elements.list.addEventListener("keydown", (event) => this.listKey(event));
    try {
      const sort = localStorage.getItem("quire.sort");
      if (sort === "date" || sort === "title") elements.sort.value = sort;
    } catch {
      // Default order.
    }
  }

  setLibrary(name: string, root: string): void {
    this.el.name.textContent = name;
    this.el.name.title = root;
  }

  setFooterNote(note: string): void {
    this.footerNote = note;
    this.renderFooter();
  }

  /** The folder was written for Hugo, Zola or Jekyll (null: a Quire folder). */
  setReadAs(readAs: string | null): void {
    this.readAs = readAs;
    this.renderFooter();
  }

  /** Why outside edits are not being taken in (a locked store …), or null when they are. */
  setWatchTrouble(message: string | null): void {
    this.watchTrouble = message;
    this.renderFooter();
  }

  /** A message for the list when there are no essays to show (e.g. the library failed). */
  setEmptyMessage(message: string): void {
    this.emptyMessage = message;
    this.render();
  }

  /**
   * The folder is being read for the first time (a big one takes a while): the list shows
   * what has been read so far, and a line above the footer how far the reading has come.
   * Null: read.
   */
  setReading(reading: ReadProgress | null): void {
    const was = this.reading;
    this.reading = reading;
    if ((was === null) !== (reading === null) && this.essays.length === 0) this.render();
    const box = this.el.reading;
    box.hidden = reading === null;
    if (reading === null) return;
    // Built once; the bar is named by the sentence beside it.
    if (!box.firstChild) {
      const text = document.createElement("span");
      text.id = `${box.id || "library-reading"}-text`;
      const bar = document.createElement("progress");
      bar.setAttribute("aria-labelledby", text.id);
      box.append(text, bar);
    }
    const text = box.querySelector("span")!;
    const bar = box.querySelector("progress")!;
    text.textContent = readingPhrase(reading);
    if (reading.of === 0) {
      bar.removeAttribute("value"); // the folder is still being walked: no count yet
    } else {
      bar.max = reading.of;
      bar.value = Math.min(reading.read, reading.of);
    }
  }

  /** The list is on its way (a long one comes after the essay): it says so, and counts none. */
  awaitEssays(): void {
    this.essays = [];
    this.listed = false;
    this.emptyMessage = LOADING;
    this.render();
  }

  /** The list's essays; `sorted`: the same essays already in an order (read in pages). */
  setEssays(essays: EssaySummary[], sorted: SortedList | null = null): void {
    this.essays = essays;
    this.sorted = sorted && { ...sorted, of: essays };
    this.listed = true;
    this.emptyMessage = `No essays yet. Start one with New (${keysOf("essay.new")}).`;
    timed("list-filters", () => this.fillFilters());
    timed("list-drawn", () => this.render());
    if (this.query()) this.scheduleSearch(0);
  }

  /**
   * Some essays changed (the library's change events, each with the essay's row as it is now;
   * null: no longer in the library): the list follows without reading every essay again. Only
   * a change to what orders or filters the list sorts and filters it again; otherwise only the
   * rows drawn now are built again.
   */
  follow(updates: ReadonlyMap<number, EssaySummary | null>): void {
    if (!this.listed) return; // the list on its way is followed once it is in (Essays.reload)
    let reorder = false;
    const essays: EssaySummary[] = [];
    const known = new Set<number>();
    for (const essay of this.essays) {
      const update = updates.get(essay.id);
      if (update === undefined) {
        essays.push(essay);
        continue;
      }
      known.add(essay.id);
      if (update === null || !sameOrder(essay, update)) reorder = true;
      if (update !== null) essays.push(update);
    }
    for (const [id, update] of updates) {
      if (update !== null && !known.has(id)) {
        essays.push(update);
        reorder = true;
      }
    }
    // The changed rows merged into the order the list had, rather than all sorted again.
    if (this.sorted?.of === this.essays) {
      const { order } = this.sorted;
      const kept = this.sorted.essays.filter((essay) => !updates.has(essay.id));
      const changed = [...updates.values()].filter((update): update is EssaySummary => update !== null);
      this.sorted = { order, essays: mergeSorted([kept, sortEssays(changed, order)], order), of: essays };
    }
    this.essays = essays;
    if (this.query()) {
      this.scheduleSearch(0); // the hits' snippets may have changed too
      if (reorder) this.fillFilters();
      return;
    }
    if (reorder) {
      this.fillFilters();
      this.render();
      return;
    }
    // Each in its place: only the rows drawn of these essays are built again.
    const replaced = new Map<string, EssaySummary>();
    for (const [id, update] of updates) if (update) replaced.set(this.essayRows.key(update), update);
    this.rows.replace(replaced);
  }

  get list(): readonly EssaySummary[] {
    return this.essays;
  }

  essay(id: number): EssaySummary | undefined {
    return this.essays.find((e) => e.id === id);
  }

  /** The essays as the list shows them (filtered and sorted), for picking one to open. */
  visibleEssays(): EssaySummary[] {
    return filterEssays(this.sortedEssays(), this.filter());
  }

  private sortedEssays(): readonly EssaySummary[] {
    const order = this.order;
    if (this.sorted?.of !== this.essays || this.sorted.order !== order) {
      this.sorted = { order, essays: sortEssays(this.essays, order), of: this.essays };
    }
    return this.sorted.essays;
  }

  setActive(id: number | null): void {
    this.activeId = id;
    for (const row of this.rowElements()) {
      const active = Number(row.dataset.id) === id;
      row.classList.toggle("active", active);
      row.setAttribute("aria-current", active ? "true" : "false");
    }
  }

  /** Redraws unsaved dots (after an autosave or a save). */
  refreshMarks(): void {
    for (const row of this.rowElements()) {
      const essay = this.essay(Number(row.dataset.id));
      const dot = row.querySelector<HTMLElement>(".unsaved-dot");
      if (essay && dot) dot.hidden = !this.isUnsaved(essay);
    }
  }

  focusSearch(): void {
    this.el.search.focus();
    this.el.search.select();
  }

  private isUnsaved(essay: EssaySummary): boolean {
    return this.callbacks.unsaved(essay.id) ?? essay.unsaved;
  }

  private query(): string {
    return this.el.search.value.trim();
  }

  private filter() {
    return { status: this.el.status.value || ALL, tag: this.el.tag.value };
  }

  /** The order the list shows. */
  get order(): SortOrder {
    return this.el.sort.value === "title" ? "title" : "date";
  }

  private filtersChanged(): void {
    if (this.query()) this.scheduleSearch(0);
    else this.render();
  }

  private fillFilters(): void {
    fillSelect(this.el.status, [[ALL, "All statuses"], ...collectStatuses(this.essays).map((s): [string, string] => [s, capitalise(s)])]);
    fillSelect(this.el.tag, [["", "All tags"], ...collectTags(this.essays).map((t): [string, string] => [t, `#${t}`])]);
  }

  private scheduleSearch(delay = SEARCH_DEBOUNCE): void {
    if (this.searchTimer !== null) clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => {
      this.searchTimer = null;
      void this.runSearch();
    }, delay);
  }

  private async runSearch(): Promise<void> {
    const seq = ++this.searchSeq;
    const query = this.query();
    if (!query) {
      this.hits = null;
      this.render();
      return;
    }
    const filter = this.filter();
    try {
      const hits = await this.callbacks.search({
        query,
        status: filter.status === ALL ? null : filter.status,
        tag: filter.tag || null,
      });
      if (seq !== this.searchSeq) return; // a newer search is on its way
      this.hits = hits;
    } catch (error) {
      if (seq !== this.searchSeq) return;
      const e: QuireError = toQuireError(error);
      this.hits = [];
      this.callbacks.onError(`Search failed: ${e.message}`);
    }
    this.render();
  }

  private render(): void {
    // The list keeps its scroll position and the row holding the keyboard (by essay).
    if (this.hits !== null && this.query()) {
      const empty = emptyRow(`Nothing matches “${this.query()}”.`);
      this.rows.set(this.hits, { key: (hit) => `hit-${idOf(hit)}`, row: (hit) => this.hitRow(hit as SearchHit) }, empty);
    } else {
      const nothing = this.reading ? "Reading the essays in this folder…" : this.emptyMessage;
      const empty = emptyRow(this.essays.length === 0 ? nothing : "No essays match these filters.");
      this.rows.set(this.visibleEssays(), this.essayRows, empty);
    }
    this.renderFooter();
  }

  private renderFooter(): void {
    const count = this.essays.length;
    const parts = this.listed ? [count === 1 ? "1 essay" : `${count.toLocaleString("en-US")} essays`] : [];
    // "Hugo site" in the footer; why, and what that means, in its tooltip.
    if (this.readAs) parts.push(this.readAs.split(" (")[0]!);
    if (this.footerNote) parts.push(this.footerNote);
    this.el.footer.textContent = parts.join(" · ");
    // The footer is narrow: the note (polling) is cut short there, and whole in its tooltip.
    const note = this.footerNote ? `${this.footerNote[0]!.toUpperCase()}${this.footerNote.slice(1)}.` : "";
    const readAs = this.readAs
      ? `Read as a ${this.readAs}: its posts are published unless they say draft, and nothing in the folder is rewritten.`
      : "";
    this.el.footer.title = [readAs, note].filter(Boolean).join("\n");
    // Above the footer, in full: the footer is too narrow for a sentence, and "outside…"
    // in red said nothing.
    const trouble = this.el.trouble;
    trouble.hidden = this.watchTrouble === null;
    trouble.textContent = this.watchTrouble === null ? "" : `Changes made outside Quire are not being taken in: ${this.watchTrouble}`;
  }

  private essayRow(essay: EssaySummary): HTMLElement {
    const row = this.baseRow(essay.id, essay.title);
    const open = row.querySelector<HTMLElement>(".essay-open")!;
    const title = open.querySelector<HTMLElement>(".essay-title")!;
    const dot = document.createElement("span");
    dot.className = "unsaved-dot";
    dot.title = "Unsaved changes";
    dot.hidden = !this.isUnsaved(essay);
    title.after(dot);

    const meta = document.createElement("span");
    meta.className = "essay-meta";
    const date = document.createElement("span");
    date.className = "essay-date";
    date.textContent = formatDate(essay.date) || "No date";
    const badge = statusBadge(essay.status);
    const words = document.createElement("span");
    words.className = "essay-words";
    words.textContent = formatWords(essay.words);
    // Pauses a screen reader says and the eye doesn't need: "A Misplaced Focus, 29 May 2015,
    // published, 928 words" (the spans alone run together as "2015published928").
    meta.append(pause(), date, pause(), badge, pause(), words);
    open.append(meta);

    if (essay.problem) {
      row.classList.add("has-problem");
      const problem = document.createElement("span");
      problem.className = "essay-problem";
      problem.textContent = essay.problem;
      open.append(problem);
      open.title = essay.problem;
    } else if (essay.path) {
      open.title = essay.path;
    } else {
      open.title = "Not saved to a file yet";
    }
    this.wireRow(row, essay);
    return row;
  }

  /** A row's title and actions button; rows drawn after the essay was opened show it too. */
  private baseRow(id: number, titleText: string): HTMLElement {
    const row = baseRow(id, titleText);
    const active = id === this.activeId;
    row.classList.toggle("active", active);
    row.setAttribute("aria-current", active ? "true" : "false");
    return row;
  }

  private hitRow(hit: SearchHit): HTMLElement {
    const row = this.baseRow(hit.essayId, hit.title);
    row.classList.add("search-hit");
    const open = row.querySelector<HTMLElement>(".essay-open")!;
    const meta = document.createElement("span");
    meta.className = "essay-meta";
    meta.append(statusBadge(hit.status));
    if (hit.path) {
      const path = document.createElement("span");
      path.className = "essay-path";
      path.textContent = hit.path;
      meta.append(path);
    }
    const snippet = document.createElement("span");
    snippet.className = "essay-snippet";
    snippet.append(markSnippet(document, hit.snippet));
    open.append(meta, snippet);
    const essay = this.essay(hit.essayId);
    this.wireRow(row, essay ?? null, hit.essayId);
    return row;
  }

  private wireRow(row: HTMLElement, essay: EssaySummary | null, id = essay?.id ?? 0): void {
    row.addEventListener("click", (event) => {
      if ((event.target as HTMLElement).closest(".essay-actions")) return;
      // detail 0: the row's button was pressed with Enter or Space, not clicked.
      this.callbacks.open(id, event.detail === 0);
    });
    const actions = row.querySelector<HTMLButtonElement>(".essay-actions")!;
    if (!essay) {
      actions.remove();
      return;
    }
    actions.addEventListener("click", (event) => {
      event.stopPropagation();
      const rect = actions.getBoundingClientRect();
      this.openMenu(essay, rect.right, rect.bottom + 2, actions);
    });
    row.addEventListener("contextmenu", (event) => {
      event.preventDefault();
      this.openMenu(essay, event.clientX, event.clientY, actions);
    });
  }

  private openMenu(essay: EssaySummary, x: number, y: number, returnFocus: HTMLElement): void {
    this.closeMenu();
    const menu = document.createElement("div");
    menu.className = "menu";
    menu.setAttribute("role", "menu");
    const item = (label: string, action: () => void, danger = false) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = danger ? "menu-item danger" : "menu-item";
      button.setAttribute("role", "menuitem");
      button.textContent = label;
      button.addEventListener("click", () => {
        this.closeMenu();
        action();
      });
      return button;
    };
    menu.append(
      item("Open", () => this.callbacks.open(essay.id)),
      item("Rename…", () => this.callbacks.rename(essay)),
      item("Delete…", () => this.callbacks.remove(essay), true),
    );
    menu.setAttribute("aria-label", essay.title);
    // Inside the library's landmark, where it belongs (it is fixed, so not clipped there).
    (this.el.list.closest("aside") ?? document.body).append(menu);
    const width = menu.offsetWidth || 160;
    const height = menu.offsetHeight || 100;
    menu.style.left = `${Math.max(4, Math.min(x - width, window.innerWidth - width - 4))}px`;
    menu.style.top = `${Math.max(4, Math.min(y, window.innerHeight - height - 4))}px`;
    this.menu = menu;
    const items = [...menu.querySelectorAll<HTMLButtonElement>(".menu-item")];
    items[0]?.focus();
    const close = (event: Event) => {
      if (event instanceof KeyboardEvent) {
        if (event.key === "Escape") {
          event.preventDefault();
          this.closeMenu();
          returnFocus.focus();
        } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
          event.preventDefault();
          const at = items.indexOf(document.activeElement as HTMLButtonElement);
          const next = (at + (event.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
          items[next]?.focus();
        }
        return;
      }
      if (!menu.contains(event.target as Node)) this.closeMenu();
    };
    const listeners: Array<[string, EventListener]> = [
      ["mousedown", close],
      ["keydown", close],
    ];
    for (const [type, listener] of listeners) window.addEventListener(type, listener, true);
    this.menuCleanup = () => {
      for (const [type, listener] of listeners) window.removeEventListener(type, listener, true);
    };
  }

  private closeMenu(): void {
    this.menuCleanup?.();
    this.menuCleanup = null;
    this.menu?.remove();
    this.menu = null;
  }

  /** The rows drawn now (those in sight, and a screenful either side). */
  private rowElements(): HTMLElement[] {
    return this.rows.drawnRows();
  }

  private focusRow(index: number): void {
    if (this.rows.length === 0) return;
    const row = this.rows.reveal(Math.max(0, Math.min(index, this.rows.length - 1)));
    row?.querySelector<HTMLElement>(".essay-open")?.focus();
  }

  private listKey(event: KeyboardEvent): void {
    const current = (event.target as HTMLElement).closest<HTMLElement>(".essay-row");
    if (!current) {
      // The keyboard is on the list itself (its row scrolled out of sight): back to a row.
      if (event.target === this.el.list && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
        event.preventDefault();
        const inSight = this.rowElements().find((row) => row.getBoundingClientRect().bottom > this.el.list.getBoundingClientRect().top);
        inSight?.querySelector<HTMLElement>(".essay-open")?.focus();
      }
      return;
    }
    const index = this.rows.indexOfRow(current);
    // Home, End, PageUp and PageDown too: a list of thousands is not walked one row at a time.
    const page = Math.max(1, Math.floor(this.el.list.clientHeight / Math.max(1, current.offsetHeight)) - 1);
    if (event.key === "ArrowDown") {
      event.preventDefault();
      this.focusRow(index + 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      if (index === 0) this.el.search.focus();
      else this.focusRow(index - 1);
    } else if (event.key === "Home" || event.key === "End") {
      event.preventDefault();
      this.focusRow(event.key === "Home" ? 0 : this.rows.length - 1);
    } else if (event.key === "PageDown" || event.key === "PageUp") {
      event.preventDefault();
      this.focusRow(index + (event.key === "PageDown" ? page : -page));
    } else if (event.key === "F2") {
      const essay = this.essay(Number(current.dataset.id));
      if (essay) {
        event.preventDefault();
        this.callbacks.rename(essay);
      }
    } else if (event.key === "Delete") {
      const essay = this.essay(Number(current.dataset.id));
      if (essay) {
        event.preventDefault();
        this.callbacks.remove(essay);
      }
    }
  }
}

/** Whether two rows of one essay sort and filter alike (title, date, status, tags). */
function sameOrder(a: EssaySummary, b: EssaySummary): boolean {
  return a.title === b.title && a.date === b.date && a.status === b.status && a.tags.join("\n") === b.tags.join("\n");
}

/** The essay a row stands for. */
function idOf(item: EssaySummary | SearchHit): number {
  return "essayId" in item ? item.essayId : item.id;
}

function baseRow(id: number, titleText: string): HTMLElement {
  const row = document.createElement("li");
  row.className = "essay-row";
  row.dataset.id = String(id);
  const open = document.createElement("button");
  open.type = "button";
  open.className = "essay-open";
  const title = document.createElement("span");
  title.className = "essay-title";
  title.textContent = titleText || "Untitled";
  open.append(title);
  const actions = document.createElement("button");
  actions.type = "button";
  actions.className = "essay-actions";
  actions.setAttribute("aria-label", `Actions for ${titleText || "Untitled"}`);
  actions.title = "Rename or delete";
  actions.textContent = "⋯";
  row.append(open, actions);
  return row;
}

/** ", " for screen readers only. */
function pause(): HTMLElement {
  const comma = document.createElement("span");
  comma.className = "visually-hidden";
  comma.textContent = ", ";
  return comma;
}

function statusBadge(status: string): HTMLElement {
  const badge = document.createElement("span");
  const key = status.toLowerCase().replace(/[^a-z0-9-]/g, "");
  badge.className = `status-badge status-${key || "unknown"}`;
  badge.textContent = status || "unknown";
  return badge;
}

/** "Reading essays: 12,000 of 100,000": how far a first reading has come. */
export function readingPhrase(reading: ReadProgress): string {
  if (reading.of === 0) return "Reading essays…";
  const count = (n: number) => n.toLocaleString("en-US");
  return `Reading essays: ${count(Math.min(reading.read, reading.of))} of ${count(reading.of)}`;
}

function emptyRow(message: string): HTMLElement {
  const row = document.createElement("li");
  row.className = "essay-empty";
  row.textContent = message;
  return row;
}

function fillSelect(select: HTMLSelectElement, options: Array<[string, string]>): void {
  const previous = select.value;
  select.replaceChildren(
    ...options.map(([value, label]) => {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = label;
      return option;
    }),
  );
  select.value = options.some(([value]) => value === previous) ? previous : (options[0]?.[0] ?? "");
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
