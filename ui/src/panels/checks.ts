// The pre-publish check panel (in the drawer): what `quire check` finds in the whole folder,
// grouped by file with errors first, or only for the open essay. Each row is "line N · message",
// coloured by level; a click opens that essay at that line. While the panel is open it checks
// again ~600 ms after the writer stops typing, with the editor's text for the open essay (so
// fixing a problem makes it disappear before saving). A status-bar badge shows the open essay's
// counts from the latest check. The grouping and counting helpers are pure and unit-tested.

import type { CheckResult, ProblemInfo } from "../ipc/types";
import { toQuireError } from "../ipc/error";
import type { DrawerPanel } from "./drawer";

// --- Pure helpers -----------------------------------------------------------------------------

export interface FileProblems {
  path: string;
  essayId: number | null;
  errors: number;
  warnings: number;
  /** Errors first, then warnings; each by line. */
  problems: ProblemInfo[];
}

const isError = (p: ProblemInfo) => p.level === "error";

/**
 * Problems grouped by file: files with errors first, then by path; inside a file errors before
 * warnings, each by line. With `onlyEssay` (an essay id) just that essay's problems.
 */
export function groupProblems(problems: readonly ProblemInfo[], onlyEssay: number | null = null): FileProblems[] {
  const byPath = new Map<string, FileProblems>();
  for (const problem of problems) {
    if (onlyEssay !== null && problem.essayId !== onlyEssay) continue;
    let group = byPath.get(problem.path);
    if (!group) {
      group = { path: problem.path, essayId: problem.essayId, errors: 0, warnings: 0, problems: [] };
      byPath.set(problem.path, group);
    }
    group.essayId ??= problem.essayId;
    if (isError(problem)) group.errors++;
    else group.warnings++;
    group.problems.push(problem);
  }
  const groups = [...byPath.values()];
  for (const group of groups) {
    group.problems.sort((a, b) => Number(isError(b)) - Number(isError(a)) || a.line - b.line);
  }
  return groups.sort((a, b) => Number(b.errors > 0) - Number(a.errors > 0) || a.path.localeCompare(b.path));
}

export interface Counts {
  errors: number;
  warnings: number;
}

/** Errors and warnings for one essay. */
export function countsFor(problems: readonly ProblemInfo[], essayId: number | null): Counts {
  const counts = { errors: 0, warnings: 0 };
  if (essayId === null) return counts;
  for (const p of problems) {
    if (p.essayId !== essayId) continue;
    if (isError(p)) counts.errors++;
    else counts.warnings++;
  }
  return counts;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The line over the list: "2 errors and 3 warnings in 14 essays" or the all-clear. */
export function checkSummary(result: CheckResult, shown: readonly FileProblems[], onlyEssay: boolean): string {
  const errors = shown.reduce((n, g) => n + g.errors, 0);
  const warnings = shown.reduce((n, g) => n + g.warnings, 0);
  if (errors + warnings === 0) {
    return onlyEssay ? "No problems found in this essay." : `No problems found in ${plural(result.essays, "essay")}.`;
  }
  const parts = [errors > 0 ? plural(errors, "error") : "", warnings > 0 ? plural(warnings, "warning") : ""].filter(Boolean);
  return `${parts.join(" and ")} ${onlyEssay ? "in this essay" : `in ${plural(result.essays, "essay")}`}.`;
}

/** The badge text for the status bar, or "" for none. */
export function badgeText(counts: Counts): string {
  const parts = [];
  if (counts.errors > 0) parts.push(plural(counts.errors, "error"));
  if (counts.warnings > 0) parts.push(plural(counts.warnings, "warning"));
  return parts.join(", ");
}

/** Calls `run` `delay` ms after the last `schedule()`; `cancel()` drops a pending call. */
export class Debounce {
  private timer: ReturnType<typeof setTimeout> | null = null;
  constructor(
    private readonly delay: number,
    private readonly run: () => void,
  ) {}
  schedule(): void {
    this.cancel();
    this.timer = setTimeout(() => {
      this.timer = null;
      this.run();
    }, this.delay);
  }
  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
  get pending(): boolean {
    return this.timer !== null;
  }
}

// --- The panel --------------------------------------------------------------------------------

export interface CheckHooks {
  /** The open essay's id and the editor's text, or null with none open. */
  current: () => { id: number; text: string } | null;
  check: (id: number | null, text: string | null) => Promise<CheckResult>;
  /** Opens the problem's essay at its line and focuses the editor. */
  jump: (problem: ProblemInfo) => void;
  /** The status-bar badge: the open essay's counts, or null to hide it. */
  onCounts: (counts: Counts | null) => void;
}

/** How long after the last keystroke the panel checks again. */
export const RECHECK_DELAY_MS = 600;

export class CheckPanel {
  readonly panel: DrawerPanel;
  private readonly hooks: CheckHooks;
  private readonly status: HTMLElement;
  private readonly list: HTMLElement;
  private readonly onlyThis: HTMLInputElement;
  private readonly recheck: Debounce;
  private shown = false;
  private result: CheckResult | null = null;
  /** The essay the latest result's counts are for (the open one when it was asked). */
  private resultFor: number | null = null;
  private lastId: number | null = null;
  private asked = 0;
  private running = false;
  private again = false;

  constructor(hooks: CheckHooks) {
    this.hooks = hooks;
    this.recheck = new Debounce(RECHECK_DELAY_MS, () => void this.run());
    const body = document.createElement("div");
    body.className = "checks";
    this.status = document.createElement("p");
    this.status.className = "checks-status";
    this.status.setAttribute("role", "status");
    this.list = document.createElement("div");
    this.list.className = "checks-list";
    body.append(this.status, this.list);

    const toggle = document.createElement("label");
    toggle.className = "checks-only";
    toggle.title = "Show only the problems of the open essay";
    this.onlyThis = document.createElement("input");
    this.onlyThis.type = "checkbox";
    this.onlyThis.id = "checks-only-this";
    this.onlyThis.addEventListener("change", () => this.render());
    toggle.append(this.onlyThis, document.createTextNode("Only this essay"));

    this.panel = {
      id: "checks",
      title: "Checks",
      body,
      tools: [toggle],
      onClose: () => {
        this.shown = false;
        this.recheck.cancel();
      },
    };
  }

  get isShown(): boolean {
    return this.shown;
  }

  /** The drawer is about to show the panel: check now. */
  opened(): void {
    this.shown = true;
    if (!this.result) this.status.textContent = "Checking…";
    void this.run();
  }

  /**
   * The editor's text changed (or another essay opened). While the panel is open this checks
   * again after a pause; when it is closed the badge goes, since its counts may be stale.
   */
  textChanged(id: number | null): void {
    const switched = id !== this.lastId;
    this.lastId = id;
    if (this.shown) {
      if (switched) {
        this.recheck.cancel();
        void this.run();
      } else {
        this.recheck.schedule();
      }
      if (switched) this.render();
    } else {
      this.hooks.onCounts(null);
    }
  }

  /** Checks the folder now (one check at a time; a request during one runs after it). */
  async run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    const asked = ++this.asked;
    const current = this.hooks.current();
    try {
      const result = await this.hooks.check(current?.id ?? null, current?.text ?? null);
      if (asked === this.asked) {
        this.result = result;
        this.resultFor = current?.id ?? null;
        this.render();
      }
    } catch (error) {
      this.status.textContent = `Couldn't check the essays: ${toQuireError(error).message}`;
      this.status.dataset.tone = "error";
    } finally {
      this.running = false;
      if (this.again) {
        this.again = false;
        if (this.shown) void this.run();
      }
    }
  }

  private render(): void {
    const result = this.result;
    if (!result) return;
    const open = this.hooks.current()?.id ?? null;
    const only = this.onlyThis.checked && open !== null;
    const groups = groupProblems(result.problems, only ? open : null);
    this.status.textContent = checkSummary(result, groups, only);
    const clean = groups.length === 0;
    this.status.dataset.tone = clean ? "ok" : groups.some((g) => g.errors > 0) ? "error" : "warning";
    this.hooks.onCounts(this.resultFor === open && open !== null ? countsFor(result.problems, open) : null);

    const sections: HTMLElement[] = [];
    for (const group of groups) {
      const section = document.createElement("section");
      section.className = "checks-file";
      section.dataset.path = group.path;
      if (group.essayId === open && open !== null) section.classList.add("open");
      const heading = document.createElement("h3");
      heading.className = "checks-file-name";
      heading.textContent = group.path === "." ? "The essays folder" : group.path;
      heading.title = group.path;
      const list = document.createElement("ul");
      list.className = "checks-rows";
      for (const problem of group.problems) {
        const item = document.createElement("li");
        const row = document.createElement("button");
        row.type = "button";
        row.className = "checks-row";
        row.dataset.level = problem.level;
        row.dataset.line = String(problem.line);
        const message = document.createElement("span");
        message.className = "checks-message";
        message.textContent = problem.message;
        // Line 0: about the whole file or folder (a missing setting), not one of its lines.
        if (problem.line > 0) {
          const where = document.createElement("span");
          where.className = "checks-line";
          where.textContent = `line ${problem.line}`;
          row.append(where, document.createTextNode(" · "));
        }
        row.append(message);
        row.title = `${problem.level === "error" ? "Error" : "Warning"}: ${problem.message}`;
        if (group.essayId === null) {
          // quire.toml, a theme file …: not an essay the editor can open.
          row.disabled = true;
        } else {
          row.addEventListener("click", () => this.hooks.jump({ ...problem, essayId: group.essayId }));
        }
        item.append(row);
        list.append(item);
      }
      section.append(heading, list);
      sections.push(section);
    }
    this.list.replaceChildren(...sections);
  }
}
