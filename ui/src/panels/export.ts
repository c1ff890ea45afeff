// The export dialog (Ctrl+E): this essay as a folder with its page and images, one
// self-contained file, a PDF, a Word document or an EPUB; or every published essay as the
// site or as one EPUB book. The writer picks (or types) the output folder, which
// is remembered per library; progress arrives from the core over a Channel; the outcome lists
// the files written, the warnings, and the essays that failed (each one a link to its line).
// The pure helpers below (progress, paths, remembered settings, summaries) are unit-tested.

import type { ExportKind, ExportOutcome, ExportProgress, ExportRequest, ProblemInfo } from "../ipc/types";
import { toQuireError } from "../ipc/error";
import { button, el, modalKey } from "../dialog";

// --- Pure helpers -----------------------------------------------------------------------------

/** localStorage key of the remembered export settings, by library root. */
export const EXPORT_STORAGE_KEY = "quire.export.v1";

/** What is remembered for one library. */
export interface ExportChoice {
  folder: string;
  kind: ExportKind;
  drafts: boolean;
}

type Remembered = Record<string, Partial<ExportChoice>>;

/** The minimum of `Storage` these helpers need (so tests can pass a plain object). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

function readAll(storage: KeyValueStore): Remembered {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(EXPORT_STORAGE_KEY) ?? "{}");
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Remembered) : {};
  } catch {
    return {}; // a damaged entry is forgotten, not fatal
  }
}

const KINDS: readonly ExportKind[] = ["post", "standalone", "pdf", "docx", "epub", "site", "book"];

/** Kinds made of every published essay, not of the open one: they take "Include drafts". */
export function isWholeFolder(kind: ExportKind): boolean {
  return kind === "site" || kind === "book";
}

/** The export settings remembered for the library at `root`, or null. */
export function rememberedChoice(storage: KeyValueStore, root: string): Partial<ExportChoice> | null {
  const entry = readAll(storage)[root];
  if (!entry || typeof entry !== "object") return null;
  const choice: Partial<ExportChoice> = {};
  if (typeof entry.folder === "string" && entry.folder.trim()) choice.folder = entry.folder;
  if (typeof entry.kind === "string" && KINDS.includes(entry.kind)) choice.kind = entry.kind;
  if (typeof entry.drafts === "boolean") choice.drafts = entry.drafts;
  return choice;
}

/** Remembers the settings of an export for the library at `root`; other libraries keep theirs. */
export function rememberChoice(storage: KeyValueStore, root: string, choice: ExportChoice): void {
  const all = readAll(storage);
  all[root] = { folder: choice.folder, kind: choice.kind, drafts: choice.drafts };
  try {
    storage.setItem(EXPORT_STORAGE_KEY, JSON.stringify(all));
  } catch {
    // Storage full or refused: the dialog still works, it just won't remember.
  }
}

/** Whole percent done, 0–100; an export with nothing to do counts as done. */
export function progressPercent(progress: ExportProgress | null): number {
  if (!progress) return 0;
  if (progress.total <= 0) return 100;
  return Math.max(0, Math.min(100, Math.round((progress.done / progress.total) * 100)));
}

/** "3 of 10 essays", for the progress bar's label. */
export function progressLabel(progress: ExportProgress | null): string {
  if (!progress || progress.total <= 0) return "Exporting…";
  const noun = progress.total === 1 ? "essay" : "essays";
  return `Exporting… ${Math.min(progress.done, progress.total)} of ${progress.total} ${noun}`;
}

/** The progress bar's label once the export has finished. */
export function doneLabel(last: ExportProgress | null): string {
  if (!last || last.total <= 0) return "Done.";
  return `Done: ${last.total} ${last.total === 1 ? "essay" : "essays"}.`;
}

/** `path` relative to the output folder `out` when inside it, else unchanged. */
export function relativeToOut(path: string, out: string): string {
  const norm = (p: string) => p.replace(/\\/g, "/");
  const base = norm(out).replace(/\/+$/, "");
  const full = norm(path);
  if (base && full.startsWith(`${base}/`)) return full.slice(base.length + 1);
  return path;
}

/** The files written, relative to the output folder, sorted so folders read together. */
export function writtenList(outcome: ExportOutcome): string[] {
  return outcome.written.map((p) => relativeToOut(p, outcome.out)).sort((a, b) => a.localeCompare(b));
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The outcome's first sentence: "Exported 12 files to /home/me/site." */
export function exportSummary(outcome: ExportOutcome): string {
  const written = outcome.written.length;
  const same = outcome.unchanged > 0 ? ` (${plural(outcome.unchanged, "file")} already up to date)` : "";
  if (written === 0 && outcome.unchanged > 0) {
    return `Nothing to write: ${plural(outcome.unchanged, "file")} in ${outcome.out} were already up to date.`;
  }
  return `Exported ${plural(written, "file")} to ${outcome.out}${same}.`;
}

/** The sentence about essays that failed, or null when none did. */
export function failureSummary(outcome: ExportOutcome): string | null {
  const n = outcome.failed.length;
  if (n === 0) return null;
  return n === 1
    ? "1 essay couldn't be exported; everything else was. Click it to fix it:"
    : `${n} essays couldn't be exported; everything else was. Click one to fix it:`;
}

/** "broken.md, line 5" for a problem's place. */
export function problemPlace(problem: ProblemInfo): string {
  return problem.line > 0 ? `${problem.path}, line ${problem.line}` : problem.path;
}

// --- The dialog -------------------------------------------------------------------------------

export interface OpenEssayInfo {
  id: number;
  title: string;
  /** Null for an essay with no file yet: it can't be exported on its own. */
  path: string | null;
  unsaved: boolean;
}

export interface ExportHooks {
  /** The open library's folder, which the remembered settings are keyed by. */
  libraryRoot: () => Promise<string | null>;
  /** The essay in the editor, or null. */
  openEssay: () => OpenEssayInfo | null;
  /** Writes the open essay's file (Ctrl+S); resolves when done, successful or not. */
  save: () => Promise<void>;
  /** Whether the open essay still has unsaved changes (after a save attempt). */
  stillUnsaved: () => boolean;
  defaultFolder: () => Promise<string>;
  chooseFolder: (title: string, start: string | null) => Promise<string | null>;
  exportEssays: (request: ExportRequest, onProgress: (p: ExportProgress) => void) => Promise<ExportOutcome>;
  showFolder: (path: string) => Promise<unknown>;
  /** Opens the essay (by id, else by path) at 1-based `line` and focuses the editor. */
  jump: (problem: ProblemInfo) => void;
  storage: KeyValueStore;
}

const CHOICES: { kind: ExportKind; label: string; detail: string }[] = [
  { kind: "post", label: "Web page", detail: "a folder with the page and its images" },
  { kind: "standalone", label: "One self-contained file", detail: "a single .html with styles and images inside" },
  { kind: "pdf", label: "PDF", detail: "laid out as the preview shows it" },
  { kind: "docx", label: "Word document", detail: "real headings, footnotes and images" },
  { kind: "epub", label: "EPUB", detail: "a small e-book" },
  { kind: "site", label: "The whole site", detail: "the index, tag pages and the feed" },
  { kind: "book", label: "One EPUB book", detail: "newest first, with a table of contents" },
];

/** The export dialog; one at a time. */
export class ExportDialog {
  private readonly hooks: ExportHooks;
  private backdrop: HTMLElement | null = null;
  /** Bumped on every open and close, so a late answer from an earlier export is ignored. */
  private session = 0;

  constructor(hooks: ExportHooks) {
    this.hooks = hooks;
  }

  get isOpen(): boolean {
    return this.backdrop !== null;
  }

  close(): void {
    this.session++;
    this.backdrop?.remove();
    this.backdrop = null;
    document.removeEventListener("keydown", this.onKey, true);
    this.previous?.focus();
    this.previous = null;
  }

  private previous: HTMLElement | null = null;

  private readonly onKey = (event: KeyboardEvent) => {
    if (this.backdrop) modalKey(event, this.backdrop, () => this.close());
  };

  async open(): Promise<void> {
    if (this.backdrop) return;
    const session = ++this.session;
    this.previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const hooks = this.hooks;
    const root = await hooks.libraryRoot().catch(() => null);
    if (session !== this.session || this.backdrop) return;
    const remembered = root ? rememberedChoice(hooks.storage, root) : null;
    const essay = hooks.openEssay();
    const canPost = essay !== null && essay.path !== null;

    const backdrop = el("div", "dialog-backdrop");
    const form = el("form", "dialog export-dialog");
    form.setAttribute("role", "dialog");
    form.setAttribute("aria-modal", "true");
    form.setAttribute("aria-labelledby", "export-title");
    const heading = el("h2", "dialog-title", "Export");
    heading.id = "export-title";
    form.append(heading);

    // What to export.
    const kinds = el("fieldset", "export-kinds");
    const legend = el("legend", "export-legend", "What to export");
    kinds.append(legend);
    const radios = new Map<ExportKind, HTMLInputElement>();
    const chosenKind = (): ExportKind => CHOICES.find((c) => radios.get(c.kind)?.checked)?.kind ?? "site";
    const drafts = el("label", "export-drafts");
    const draftsBox = el("input");
    draftsBox.type = "checkbox";
    draftsBox.id = "export-drafts";
    draftsBox.checked = remembered?.drafts ?? false;
    drafts.append(draftsBox, el("span", "", "Include drafts"));
    let group = "";
    for (const choice of CHOICES) {
      const wanted = isWholeFolder(choice.kind) ? "Every published essay as" : essay ? `“${essay.title}” as` : "This essay as";
      if (wanted !== group) {
        group = wanted;
        kinds.append(el("p", "export-group", group));
      }
      const label = el("label", "export-kind");
      const radio = el("input");
      radio.type = "radio";
      radio.name = "export-kind";
      radio.value = choice.kind;
      const disabled = !isWholeFolder(choice.kind) && !canPost;
      radio.disabled = disabled;
      const text = el("span", "export-kind-text");
      const title = el("span", "export-kind-label", choice.label);
      const detail = el("span", "export-kind-detail", disabled ? (essay ? "save the essay to a file first" : "open an essay first") : choice.detail);
      text.append(title, detail);
      label.append(radio, text);
      if (disabled) label.classList.add("disabled");
      kinds.append(label);
      radios.set(choice.kind, radio);
    }
    kinds.append(drafts);
    let kind: ExportKind = remembered?.kind ?? (canPost ? "post" : "site");
    if (!isWholeFolder(kind) && !canPost) kind = "site";
    radios.get(kind)!.checked = true;
    const syncDrafts = () => {
      const whole = isWholeFolder(chosenKind());
      draftsBox.disabled = !whole;
      drafts.classList.toggle("disabled", !whole);
    };
    kinds.addEventListener("change", syncDrafts);
    syncDrafts();

    // Where to.
    const field = el("label", "dialog-field export-folder");
    field.append(el("span", "", "Output folder"));
    const row = el("div", "export-folder-row");
    const input = el("input", "dialog-input");
    input.type = "text";
    input.id = "export-folder";
    input.spellcheck = false;
    input.autocomplete = "off";
    input.value = remembered?.folder ?? "";
    const choose = button("Choose…", "button", "button");
    choose.id = "export-choose";
    row.append(input, choose);
    field.append(row);

    // Notes, progress, outcome.
    const note = el("p", "dialog-detail export-note");
    note.hidden = true;
    const progress = el("div", "export-progress");
    progress.hidden = true;
    const bar = el("div", "export-bar");
    bar.setAttribute("role", "progressbar");
    bar.setAttribute("aria-valuemin", "0");
    bar.setAttribute("aria-valuemax", "100");
    const fill = el("div", "export-bar-fill");
    bar.append(fill);
    const progressText = el("span", "export-progress-label");
    progress.append(bar, progressText);
    const problem = el("p", "dialog-problem export-error");
    problem.setAttribute("role", "alert");
    problem.hidden = true;
    const result = el("div", "export-result");
    result.hidden = true;

    const buttons = el("div", "dialog-buttons");
    const show = button("Show folder", "button export-show");
    show.hidden = true;
    const spacer = el("span", "export-spacer");
    const cancel = button("Cancel", "button");
    const ok = button("Export", "button primary", "submit");
    ok.id = "export-run";
    buttons.append(show, spacer, cancel, ok);

    form.append(kinds, field, note, progress, problem, result, buttons);
    backdrop.append(form);
    document.body.append(backdrop);
    this.backdrop = backdrop;
    document.addEventListener("keydown", this.onKey, true);
    backdrop.addEventListener("mousedown", (event) => {
      if (event.target === backdrop) this.close();
    });
    cancel.addEventListener("click", () => this.close());

    const showError = (message: string | null) => {
      problem.textContent = message ?? "";
      problem.hidden = message === null;
    };
    const syncOk = () => {
      ok.disabled = input.value.trim() === "";
    };
    input.addEventListener("input", () => {
      syncOk();
      showError(null);
    });

    choose.addEventListener("click", async () => {
      try {
        const picked = await hooks.chooseFolder("Export to which folder?", input.value.trim() || null);
        if (picked && session === this.session) {
          input.value = picked;
          syncOk();
          showError(null);
        }
      } catch (error) {
        if (session === this.session) showError(`Couldn't show the folder picker: ${toQuireError(error).message}`);
      }
    });

    let lastOut: string | null = null;
    show.addEventListener("click", async () => {
      if (!lastOut) return;
      try {
        await hooks.showFolder(lastOut);
      } catch (error) {
        showError(`Couldn't show the folder: ${toQuireError(error).message}`);
      }
    });

    let lastProgress: ExportProgress | null = null;
    const setProgress = (p: ExportProgress | null) => {
      lastProgress = p;
      const percent = progressPercent(p);
      fill.style.width = `${percent}%`;
      bar.setAttribute("aria-valuenow", String(percent));
      progressText.textContent = progressLabel(p);
    };

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (ok.disabled) return;
      const out = input.value.trim();
      const kind = chosenKind();
      const withDrafts = isWholeFolder(kind) && draftsBox.checked;
      ok.disabled = true;
      choose.disabled = true;
      show.hidden = true;
      showError(null);
      result.hidden = true;
      result.replaceChildren();
      note.hidden = true;

      // The export reads files, so what the writer sees in the editor must be on disk first.
      const open = hooks.openEssay();
      if (open && open.unsaved && open.path !== null) {
        note.textContent = `Saving “${open.title}” first…`;
        note.hidden = false;
        await hooks.save();
        if (session !== this.session) return;
        note.textContent = hooks.stillUnsaved()
          ? `“${open.title}” couldn't be saved, so its last saved version is exported.`
          : `Saved “${open.title}” first, so the export has your latest changes.`;
      }

      progress.hidden = false;
      setProgress(null);
      const request: ExportRequest = { kind, id: isWholeFolder(kind) ? null : (open?.id ?? null), out, drafts: withDrafts };
      try {
        const outcome = await hooks.exportEssays(request, (p) => {
          if (session === this.session) setProgress(p);
        });
        if (session !== this.session) return;
        fill.style.width = "100%";
        bar.setAttribute("aria-valuenow", "100");
        progressText.textContent = doneLabel(lastProgress);
        lastOut = outcome.out;
        if (root) rememberChoice(hooks.storage, root, { folder: out, kind, drafts: draftsBox.checked });
        this.showOutcome(result, outcome);
        show.hidden = false;
        cancel.textContent = "Close";
      } catch (error) {
        if (session !== this.session) return;
        progress.hidden = true;
        showError(`Couldn't export: ${toQuireError(error).message}`);
      } finally {
        if (session === this.session) {
          choose.disabled = false;
          syncOk();
        }
      }
    });

    syncOk();
    if (!input.value) {
      try {
        const folder = await hooks.defaultFolder();
        if (session === this.session && !input.value) input.value = folder;
      } catch (error) {
        if (session === this.session) showError(`Couldn't find the default export folder: ${toQuireError(error).message}`);
      }
      syncOk();
    }
    if (session === this.session) ok.focus();
  }

  private showOutcome(result: HTMLElement, outcome: ExportOutcome): void {
    const summary = el("p", "dialog-message export-summary", exportSummary(outcome));
    result.append(summary);

    const failed = failureSummary(outcome);
    if (failed) {
      result.append(el("p", "export-section export-failed-title", failed));
      result.append(this.problemList(outcome.failed, "export-failed"));
    }

    const files = writtenList(outcome);
    if (files.length > 0) {
      const list = el("ul", "export-files");
      list.setAttribute("aria-label", "Files written");
      for (const file of files) list.append(el("li", "", file));
      result.append(list);
    }

    if (outcome.warnings.length > 0) {
      result.append(el("p", "export-section", outcome.warnings.length === 1 ? "1 warning:" : `${outcome.warnings.length} warnings:`));
      result.append(this.problemList(outcome.warnings, "export-warnings"));
    }
    result.hidden = false;
  }

  private problemList(problems: ProblemInfo[], className: string): HTMLElement {
    const list = el("ul", `export-problems ${className}`);
    for (const problem of problems) {
      const item = el("li");
      const row = button("", "export-problem");
      row.dataset.path = problem.path;
      row.dataset.line = String(problem.line);
      row.dataset.level = problem.level;
      row.append(el("span", "export-problem-place", problemPlace(problem)), el("span", "export-problem-message", problem.message));
      if (problem.essayId === null) {
        row.disabled = true;
      } else {
        row.title = `Open ${problem.path} at line ${problem.line}`;
        row.addEventListener("click", () => {
          this.close();
          this.hooks.jump(problem);
        });
      }
      item.append(row);
      list.append(item);
    }
    return list;
  }
}
