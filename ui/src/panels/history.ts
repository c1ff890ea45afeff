// The history panel (in the drawer): the open essay's revisions, newest first, each with when
// (relative, exact on hover), where it came from in the writer's words and how many words it
// added and removed. Selecting one shows a word diff from that revision to the text in the
// editor now, and offers to restore it. Restoring is itself a revision, so nothing is lost.
//
// The pure helpers (relativeTime, sourceLabel, wordChange, condenseDiff) are exported for tests;
// the panel gets everything it needs from the window through HistoryHooks.

import type { DiffSpan, RevisionInfo } from "../ipc/types";
import { toQuireError } from "../ipc/error";
import type { DrawerPanel } from "./drawer";

export interface HistoryHooks {
  /** The essay open in the editor, or null. */
  essayId: () => number | null;
  /** The editor's text now (what the diff compares a revision with). */
  currentText: () => string;
  history: (id: number) => Promise<RevisionInfo[]>;
  diff: (revision: number, text: string) => Promise<DiffSpan[]>;
  /** Asks the writer; resolves true to go ahead. */
  confirm: (revision: RevisionInfo, when: string) => Promise<boolean>;
  /** Brings the revision back (the editor then shows it). */
  restore: (id: number, revision: RevisionInfo) => Promise<void>;
  /** A sentence for the writer, e.g. "Couldn't load the history: …". */
  onError: (message: string) => void;
  now?: () => number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

function plural(n: number, one: string): string {
  return `${n} ${one}${n === 1 ? "" : "s"}`;
}

/** "just now", "2 minutes ago", "3 hours ago", "yesterday", "4 days ago", else a date. */
export function relativeTime(at: number, now: number): string {
  const ago = now - at;
  if (ago < 45_000) return "just now"; // also a clock a little ahead
  if (ago < 90_000) return "a minute ago";
  if (ago < HOUR) return `${plural(Math.round(ago / MINUTE), "minute")} ago`;
  if (ago < DAY) return `${plural(Math.round(ago / HOUR), "hour")} ago`;
  const date = new Date(at);
  const today = new Date(now);
  const days = Math.round((startOfDay(today) - startOfDay(date)) / DAY);
  if (days <= 1) return "yesterday";
  if (days < 7) return `${days} days ago`;
  const day = `${date.getDate()} ${MONTHS[date.getMonth()]}`;
  return date.getFullYear() === today.getFullYear() ? day : `${day} ${date.getFullYear()}`;
}

function startOfDay(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** The exact time, for the tooltip: "3 March 2025, 14:05:09". */
export function exactTime(at: number): string {
  const d = new Date(at);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}, ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

const SOURCES: Record<string, string> = {
  save: "Saved",
  editor: "Autosaved draft",
  disk: "Changed on disk",
  restore: "Restored",
  import: "Imported",
  delete: "Deleted",
  remote: "As it was on the site",
};

/** Where a revision came from, in the writer's words. */
export function sourceLabel(source: string): string {
  return SOURCES[source] ?? source.charAt(0).toUpperCase() + source.slice(1);
}

/** "+12 −3 words"; empty when the store recorded no counts (0 and 0). */
export function wordChange(added: number, removed: number): string {
  if (added === 0 && removed === 0) return "";
  const total = Math.max(added, removed);
  return `+${added} \u2212${removed} ${total === 1 ? "word" : "words"}`;
}

/** A run of the diff as shown: unchanged text may be cut down to its ends around a gap. */
export type ShownSpan = DiffSpan | { kind: "gap"; lines: number };

/**
 * Cuts long unchanged runs down to `context` characters next to each change (whole lines where
 * possible), so the changes are what the writer sees. A diff with no change is one "same" run.
 */
export function condenseDiff(spans: readonly DiffSpan[], context = 160): ShownSpan[] {
  const out: ShownSpan[] = [];
  spans.forEach((span, i) => {
    if (span.kind !== "same" || span.text.length <= context * 2 + 40) {
      out.push(span);
      return;
    }
    const first = i === 0;
    const last = i === spans.length - 1;
    if (first && last) {
      out.push(span);
      return;
    }
    let head = first ? "" : span.text.slice(0, context);
    let tail = last ? "" : span.text.slice(-context);
    // End the head at a line break and start the tail after one, when there is one nearby.
    // Else at a space, so no word is cut in two.
    const headBreak = head.lastIndexOf("\n");
    if (headBreak > context / 3) head = head.slice(0, headBreak + 1);
    else if (head.lastIndexOf(" ") > 0) head = head.slice(0, head.lastIndexOf(" ") + 1);
    const tailBreak = tail.indexOf("\n");
    if (tailBreak >= 0 && tailBreak < (context * 2) / 3) tail = tail.slice(tailBreak + 1);
    else if (tail.indexOf(" ") >= 0) tail = tail.slice(tail.indexOf(" ") + 1);
    const middle = span.text.slice(head.length, span.text.length - tail.length);
    if (head) out.push({ kind: "same", text: head });
    out.push({ kind: "gap", lines: middle.split("\n").length - 1 });
    if (tail) out.push({ kind: "same", text: tail });
  });
  return out;
}

/** The diff as DOM nodes (text nodes only: essay text never becomes markup). */
export function renderDiff(spans: readonly DiffSpan[]): HTMLElement {
  const box = document.createElement("div");
  box.className = "history-diff";
  if (!spans.some((s) => s.kind !== "same")) {
    const same = document.createElement("p");
    same.className = "history-note";
    same.textContent = "This version is the same as the text in the editor.";
    box.append(same);
    return box;
  }
  for (const span of condenseDiff(spans)) {
    if (span.kind === "same") {
      box.append(document.createTextNode(span.text));
    } else if (span.kind === "gap") {
      const gap = document.createElement("span");
      gap.className = "diff-gap";
      gap.textContent = span.lines > 1 ? `\u22ef ${span.lines} unchanged lines \u22ef` : "\u22ef";
      box.append(gap);
    } else {
      const mark = document.createElement(span.kind === "added" ? "ins" : "del");
      mark.className = span.kind === "added" ? "diff-added" : "diff-removed";
      mark.textContent = span.text;
      box.append(mark);
    }
  }
  return box;
}

export class HistoryPanel {
  readonly panel: DrawerPanel;
  private readonly hooks: HistoryHooks;
  private readonly list: HTMLElement;
  private readonly detail: HTMLElement;
  private readonly status: HTMLElement;
  private revisions: RevisionInfo[] = [];
  private rows: HTMLElement[] = [];
  private selected: number | null = null;
  private shownFor: number | null = null;
  private shown = false;
  private listToken = 0;
  private diffToken = 0;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private diffTimer: ReturnType<typeof setTimeout> | null = null;
  private restoring = false;

  constructor(hooks: HistoryHooks) {
    this.hooks = hooks;
    const body = document.createElement("div");
    body.className = "history";
    this.status = document.createElement("p");
    this.status.className = "history-note";
    this.list = document.createElement("ul");
    this.list.className = "history-list";
    this.list.setAttribute("role", "listbox");
    this.list.setAttribute("aria-label", "Revisions, newest first");
    this.list.addEventListener("keydown", (event) => this.onKey(event));
    this.detail = document.createElement("section");
    this.detail.className = "history-detail";
    this.detail.setAttribute("aria-live", "polite");
    body.append(this.status, this.list, this.detail);
    this.panel = {
      id: "history",
      title: "History",
      body,
      onClose: () => {
        this.shown = false;
      },
    };
  }

  get isShown(): boolean {
    return this.shown;
  }

  /** The drawer is about to show the panel: load the open essay's history. */
  opened(): void {
    this.shown = true;
    void this.refresh({ focus: true });
  }

  /** A different essay is open now. */
  essayOpened(): void {
    if (this.shown) void this.refresh();
  }

  /** The essay changed in the store (a save, an outside edit, a restore …). */
  essayChanged(id: number): void {
    if (!this.shown || id !== this.hooks.essayId()) return;
    if (this.refreshTimer !== null) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      void this.refresh();
    }, 150);
  }

  /** The editor's text changed: the diff compares with it, so follow (after a pause). */
  textChanged(): void {
    if (!this.shown || this.selected === null) return;
    if (this.diffTimer !== null) clearTimeout(this.diffTimer);
    this.diffTimer = setTimeout(() => {
      this.diffTimer = null;
      void this.showDiff(false);
    }, 400);
  }

  /** Reloads the list, keeping the selected revision (or selecting the newest). */
  async refresh(options: { focus?: boolean; selectNewest?: boolean } = {}): Promise<void> {
    const id = this.hooks.essayId();
    const token = ++this.listToken;
    if (id === null) {
      this.revisions = [];
      this.shownFor = null;
      this.selected = null;
      this.renderList();
      this.status.textContent = "No essay is open.";
      this.status.hidden = false;
      this.detail.replaceChildren();
      return;
    }
    let revisions: RevisionInfo[];
    try {
      revisions = await this.hooks.history(id);
    } catch (error) {
      if (token === this.listToken) this.hooks.onError(`Couldn't load the history: ${messageOf(error)}`);
      return;
    }
    if (token !== this.listToken) return;
    const sameEssay = this.shownFor === id;
    this.shownFor = id;
    this.revisions = revisions;
    const keep = sameEssay && !options.selectNewest && revisions.some((r) => r.id === this.selected);
    this.selected = keep ? this.selected : (revisions[0]?.id ?? null);
    this.renderList();
    if (revisions.length === 0) {
      this.status.textContent = "No revisions yet. Each save, outside edit and restore adds one.";
      this.status.hidden = false;
      this.detail.replaceChildren();
      return;
    }
    this.status.hidden = true;
    if (options.focus) this.selectedRow()?.focus();
    await this.showDiff(true);
  }

  private renderList(): void {
    const now = (this.hooks.now ?? Date.now)();
    this.rows = this.revisions.map((revision) => {
      const row = document.createElement("li");
      row.className = "history-item";
      row.setAttribute("role", "option");
      row.dataset.revision = String(revision.id);
      row.dataset.source = revision.source;
      const label = document.createElement("span");
      label.className = "history-source";
      label.textContent = sourceLabel(revision.source);
      const when = document.createElement("time");
      when.className = "history-time";
      when.dateTime = new Date(revision.at).toISOString();
      when.textContent = relativeTime(revision.at, now);
      when.title = exactTime(revision.at);
      const change = document.createElement("span");
      change.className = "history-words";
      change.textContent = wordChange(revision.wordsAdded, revision.wordsRemoved);
      row.append(label, when, change);
      row.addEventListener("click", () => this.select(revision.id, true));
      return row;
    });
    this.list.replaceChildren(...this.rows);
    this.markSelected();
  }

  private markSelected(): void {
    for (const row of this.rows) {
      const on = Number(row.dataset.revision) === this.selected;
      row.setAttribute("aria-selected", String(on));
      row.tabIndex = on ? 0 : -1;
    }
    if (this.selected === null && this.rows[0]) this.rows[0].tabIndex = 0;
  }

  private selectedRow(): HTMLElement | undefined {
    return this.rows.find((r) => Number(r.dataset.revision) === this.selected);
  }

  private select(revision: number, focus: boolean): void {
    if (this.selected !== revision) {
      this.selected = revision;
      this.markSelected();
      void this.showDiff(true);
    }
    const row = this.selectedRow();
    if (focus) row?.focus();
    row?.scrollIntoView({ block: "nearest" });
  }

  private onKey(event: KeyboardEvent): void {
    if (this.revisions.length === 0) return;
    const at = Math.max(0, this.revisions.findIndex((r) => r.id === this.selected));
    let next: number;
    if (event.key === "ArrowDown") next = Math.min(this.revisions.length - 1, at + 1);
    else if (event.key === "ArrowUp") next = Math.max(0, at - 1);
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = this.revisions.length - 1;
    else if (event.key === "Enter") {
      event.preventDefault();
      this.detail.querySelector<HTMLButtonElement>(".history-restore")?.focus();
      return;
    } else return;
    event.preventDefault();
    this.select(this.revisions[next]!.id, true);
  }

  /** Shows the selected revision: what it was, a diff to the editor's text, Restore. */
  private async showDiff(rebuild: boolean): Promise<void> {
    const revision = this.revisions.find((r) => r.id === this.selected);
    if (!revision) {
      this.detail.replaceChildren();
      return;
    }
    const token = ++this.diffToken;
    if (rebuild) this.renderDetail(revision, null);
    let spans: DiffSpan[];
    try {
      spans = await this.hooks.diff(revision.id, this.hooks.currentText());
    } catch (error) {
      if (token !== this.diffToken) return;
      const note = document.createElement("p");
      note.className = "history-note history-problem";
      note.textContent = `Couldn't compare this version: ${messageOf(error)}`;
      this.detail.querySelector(".history-diff-host")?.replaceChildren(note);
      return;
    }
    if (token !== this.diffToken) return;
    this.renderDetail(revision, spans);
  }

  private renderDetail(revision: RevisionInfo, spans: DiffSpan[] | null): void {
    const now = (this.hooks.now ?? Date.now)();
    const header = document.createElement("div");
    header.className = "history-detail-header";
    const title = document.createElement("div");
    title.className = "history-detail-title";
    title.textContent = `${sourceLabel(revision.source)}, ${relativeTime(revision.at, now)}`;
    title.title = exactTime(revision.at);
    const restore = document.createElement("button");
    restore.type = "button";
    restore.className = "button small primary history-restore";
    restore.textContent = "Restore this version";
    restore.disabled = this.restoring;
    restore.addEventListener("click", () => void this.restore(revision));
    header.append(title, restore);
    const legend = document.createElement("p");
    legend.className = "history-legend";
    const removed = document.createElement("del");
    removed.className = "diff-removed";
    removed.textContent = "only in this version";
    const added = document.createElement("ins");
    added.className = "diff-added";
    added.textContent = "only in the editor now";
    legend.append(removed, document.createTextNode(" \u00b7 "), added);
    const host = document.createElement("div");
    host.className = "history-diff-host";
    if (spans) {
      host.append(renderDiff(spans));
    } else {
      const wait = document.createElement("p");
      wait.className = "history-note";
      wait.textContent = "Comparing with the text in the editor…";
      host.append(wait);
    }
    this.detail.replaceChildren(header, legend, host);
  }

  private async restore(revision: RevisionInfo): Promise<void> {
    const id = this.hooks.essayId();
    if (id === null || this.restoring) return;
    const when = relativeTime(revision.at, (this.hooks.now ?? Date.now)());
    if (!(await this.hooks.confirm(revision, when))) return;
    this.restoring = true;
    this.detail.querySelector<HTMLButtonElement>(".history-restore")?.setAttribute("disabled", "");
    try {
      await this.hooks.restore(id, revision);
    } catch (error) {
      this.hooks.onError(`Couldn't restore this version: ${messageOf(error)}`);
      return;
    } finally {
      this.restoring = false;
    }
    // The restore is the newest revision now: show it (its diff to the editor is empty).
    await this.refresh({ selectNewest: true, focus: true });
  }
}

function messageOf(error: unknown): string {
  return toQuireError(error).message;
}
