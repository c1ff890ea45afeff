// The conflict view: a large sheet over the window for an essay whose file changed outside
// Quire in a way that overlaps the writer's unsaved text. Each conflicting hunk shows "Your
// text" beside "On disk", with the text both agree on between them muted and folded; the writer
// keeps mine, takes theirs, keeps both or edits the result, per hunk, and watches the result
// build up beside them. Apply is possible once every hunk is decided. Whatever they pick, both
// original texts are already revisions in the history (the core records them when the
// conflict arises).
//
// The pure helpers (decisions to choices, the result text, folding clean text) are exported for
// tests and mirror the core's `Merge::resolve` (src/library/merge.rs).

import type { ConflictChoice, ConflictHunk } from "../ipc/types";
import { toQuireError } from "../ipc/error";
import { keepTabInside } from "../dialog";

/** The writer's pick for one conflicting hunk, or null while undecided. */
export type Decision = ConflictChoice | null;

type Conflict = Extract<ConflictHunk, { kind: "conflict" }>;

export function conflicts(hunks: readonly ConflictHunk[]): Conflict[] {
  return hunks.filter((h): h is Conflict => h.kind === "conflict");
}

/** The choices resolveConflict takes (one per conflicting hunk, in order), or null if any is undecided. */
export function buildChoices(hunks: readonly ConflictHunk[], decisions: readonly Decision[]): ConflictChoice[] | null {
  const count = conflicts(hunks).length;
  if (decisions.length !== count) return null;
  const out: ConflictChoice[] = [];
  for (const d of decisions) {
    if (!d) return null;
    out.push(d.kind === "edited" ? { kind: "edited", text: d.text } : { kind: d.kind });
  }
  return out;
}

/** The text a decision puts in place of a conflicting hunk. */
export function chosenText(hunk: Conflict, decision: ConflictChoice): string {
  switch (decision.kind) {
    case "mine":
      return hunk.mine;
    case "theirs":
      return hunk.theirs;
    case "both":
      // The core's own "keep both" text: a paragraph kept twice stays two paragraphs.
      return hunk.both;
    case "edited":
      return decision.text;
  }
}

/** A piece of the result as previewed: agreed text, a decided hunk, or one still open. */
export interface ResultPiece {
  kind: "clean" | "chosen" | "undecided";
  text: string;
  /** For chosen and undecided pieces: which conflict (0-based). */
  index?: number;
}

/** The result as it stands: clean text, each decided hunk's text, and the undecided ones marked. */
export function resultPieces(hunks: readonly ConflictHunk[], decisions: readonly Decision[]): ResultPiece[] {
  let index = 0;
  return hunks.map((hunk) => {
    if (hunk.kind === "clean") return { kind: "clean", text: hunk.text };
    const i = index++;
    const decision = decisions[i] ?? null;
    return decision ? { kind: "chosen", text: chosenText(hunk, decision), index: i } : { kind: "undecided", text: "", index: i };
  });
}

/** The resolved text when every hunk is decided (what the file will hold), else null. */
export function resultText(hunks: readonly ConflictHunk[], decisions: readonly Decision[]): string | null {
  if (!buildChoices(hunks, decisions)) return null;
  return resultPieces(hunks, decisions)
    .map((p) => p.text)
    .join("");
}

/**
 * Agreed text between hunks, folded: only `keep` lines next to a conflict stay in view (none at
 * the start of the essay's first hunk or the end of its last); `hidden` counts the rest.
 */
export function foldClean(text: string, position: { first: boolean; last: boolean }, keep = 2): { head: string; hidden: number; tail: string } {
  const lines = text.split(/(?<=\n)/);
  const headCount = position.first ? 0 : keep;
  const tailCount = position.last ? 0 : keep;
  if (lines.length <= headCount + tailCount + 1) return { head: text, hidden: 0, tail: "" };
  return {
    head: lines.slice(0, headCount).join(""),
    hidden: lines.length - headCount - tailCount,
    tail: lines.slice(lines.length - tailCount).join(""),
  };
}

/** A run of one side of a hunk: text both sides share, or text only this side has. */
export interface SideRun {
  text: string;
  own: boolean;
}

/**
 * Marks the words in which two versions of a hunk differ (a longest common subsequence over
 * words and the spaces between them), so the writer sees at a glance what changed in a long
 * paragraph. Hunks too large to compare quickly come back unmarked.
 */
export function sideRuns(mine: string, theirs: string, limit = 250_000): { mine: SideRun[]; theirs: SideRun[] } {
  const a = mine.split(/(\s+)/).filter((t) => t !== "");
  const b = theirs.split(/(\s+)/).filter((t) => t !== "");
  if (a.length * b.length > limit) return { mine: [{ text: mine, own: false }], theirs: [{ text: theirs, own: false }] };
  // lengths[i][j]: the LCS of a[i..] and b[j..].
  const lengths = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i]![j] = a[i] === b[j] ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
    }
  }
  const left: SideRun[] = [];
  const right: SideRun[] = [];
  const push = (runs: SideRun[], text: string, own: boolean) => {
    const last = runs[runs.length - 1];
    if (last && last.own === own) last.text += text;
    else runs.push({ text, own });
  };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      push(left, a[i]!, false);
      push(right, b[j]!, false);
      i++;
      j++;
    } else if (j >= b.length || (i < a.length && lengths[i + 1]![j]! >= lengths[i]![j + 1]!)) {
      push(left, a[i++]!, true);
    } else {
      push(right, b[j++]!, true);
    }
  }
  return { mine: left, theirs: right };
}

/** "2 of 3 decided" */
export function progressLabel(decisions: readonly Decision[]): string {
  const done = decisions.filter(Boolean).length;
  if (decisions.length === 1) return done ? "Decided" : "1 part to decide";
  return `${done} of ${decisions.length} decided`;
}

export interface ConflictHooks {
  /** Resolves with the writer's choices (writes the file); rejects with a QuireError. */
  resolve: (choices: ConflictChoice[]) => Promise<void>;
  /** The view closed (applied or cancelled). */
  onClose: () => void;
}

const CHOICES: { kind: ConflictChoice["kind"]; label: string; hint: string }[] = [
  { kind: "mine", label: "Keep mine", hint: "Use your text for this part" },
  { kind: "theirs", label: "Take theirs", hint: "Use the text from the file on disk" },
  { kind: "both", label: "Keep both", hint: "Your text, then the one on disk" },
  { kind: "edited", label: "Edit", hint: "Write this part yourself, starting from your text" },
];

/** Opens the conflict view over the window; returns a function that closes it. */
export function openConflictView(path: string | null, hunks: ConflictHunk[], hooks: ConflictHooks): () => void {
  const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const parts = conflicts(hunks);
  const decisions: Decision[] = parts.map(() => null);
  const edits: string[] = parts.map((p) => p.mine);

  const backdrop = document.createElement("div");
  // Also a dialog backdrop: the window's shortcuts stand aside while it is open.
  backdrop.className = "dialog-backdrop conflict-backdrop";
  const sheet = document.createElement("section");
  sheet.className = "conflict-view";
  sheet.setAttribute("role", "dialog");
  sheet.setAttribute("aria-modal", "true");
  sheet.setAttribute("aria-labelledby", "conflict-title");

  const header = document.createElement("header");
  header.className = "conflict-header";
  const title = document.createElement("h2");
  title.id = "conflict-title";
  title.className = "conflict-title";
  title.textContent = path ? `Resolve the conflict in ${path}` : "Resolve the conflict";
  const intro = document.createElement("p");
  intro.className = "conflict-intro";
  intro.textContent =
    parts.length === 1
      ? "The file changed outside Quire while you were writing, and one part overlaps your changes. Choose what to keep. Both original texts stay in the essay's history."
      : `The file changed outside Quire while you were writing, and ${parts.length} parts overlap your changes. Choose what to keep in each. Both original texts stay in the essay's history.`;
  header.append(title, intro);

  const hunksEl = document.createElement("div");
  hunksEl.className = "conflict-hunks";
  const result = document.createElement("div");
  result.className = "conflict-result";
  const resultTitle = document.createElement("h3");
  resultTitle.className = "conflict-result-title";
  resultTitle.textContent = "Result";
  const resultText = document.createElement("div");
  resultText.className = "conflict-result-text";
  // It scrolls: a reader without a mouse reaches it with Tab and scrolls with the arrows.
  resultText.tabIndex = 0;
  resultText.setAttribute("aria-label", "The result");
  result.append(resultTitle, resultText);
  const main = document.createElement("div");
  main.className = "conflict-main";
  main.append(hunksEl, result);

  const footer = document.createElement("footer");
  footer.className = "conflict-footer";
  const progress = document.createElement("span");
  progress.className = "conflict-progress";
  const problem = document.createElement("span");
  problem.className = "conflict-problem";
  problem.hidden = true;
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.className = "button";
  cancel.textContent = "Not now";
  cancel.title = "Close without changing anything (Esc); your text stays a draft";
  const apply = document.createElement("button");
  apply.type = "button";
  apply.className = "button primary conflict-apply";
  apply.textContent = "Apply";
  apply.title = "Write the result to the file";
  footer.append(progress, problem, cancel, apply);
  sheet.append(header, main, footer);
  backdrop.append(sheet);

  const pieceEls: HTMLElement[] = [];
  const choiceButtons: HTMLButtonElement[][] = [];
  const editors: HTMLTextAreaElement[] = [];
  let conflictIndex = 0;
  hunks.forEach((hunk, at) => {
    if (hunk.kind === "clean") {
      hunksEl.append(cleanBlock(hunk.text, { first: at === 0, last: at === hunks.length - 1 }));
      return;
    }
    const i = conflictIndex++;
    const card = document.createElement("article");
    card.className = "conflict-hunk";
    card.dataset.index = String(i);
    const top = document.createElement("div");
    top.className = "conflict-hunk-top";
    const name = document.createElement("span");
    name.className = "conflict-hunk-name";
    name.textContent = parts.length === 1 ? "The overlapping part" : `Part ${i + 1} of ${parts.length}`;
    const buttons = document.createElement("div");
    buttons.className = "conflict-choices";
    buttons.setAttribute("role", "group");
    buttons.setAttribute("aria-label", `What to keep in part ${i + 1}`);
    const row = CHOICES.map((choice) => {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "button small conflict-choice";
      b.dataset.choice = choice.kind;
      b.textContent = choice.label;
      b.title = choice.hint;
      b.setAttribute("aria-pressed", "false");
      b.addEventListener("click", () => decide(i, choice.kind));
      return b;
    });
    choiceButtons.push(row);
    buttons.append(...row);
    top.append(name, buttons);
    const sides = document.createElement("div");
    sides.className = "conflict-sides";
    const runs = sideRuns(hunk.mine, hunk.theirs);
    sides.append(side("Your text", runs.mine, "mine"), side("On disk", runs.theirs, "theirs"));
    const editor = document.createElement("textarea");
    editor.className = "conflict-edit";
    editor.value = hunk.mine;
    editor.hidden = true;
    editor.spellcheck = true;
    editor.setAttribute("aria-label", `Your version of part ${i + 1}`);
    editor.rows = Math.min(12, Math.max(3, hunk.mine.split("\n").length + 1));
    editor.addEventListener("input", () => {
      edits[i] = editor.value;
      decisions[i] = { kind: "edited", text: editor.value };
      update();
    });
    editors.push(editor);
    card.append(top, sides, editor);
    pieceEls.push(card);
    hunksEl.append(card);
  });

  function decide(i: number, kind: ConflictChoice["kind"]): void {
    decisions[i] = kind === "edited" ? { kind: "edited", text: edits[i]! } : { kind };
    const editor = editors[i]!;
    editor.hidden = kind !== "edited";
    if (kind === "edited") editor.focus();
    update();
  }

  function update(): void {
    decisions.forEach((d, i) => {
      for (const b of choiceButtons[i]!) b.setAttribute("aria-pressed", String(d?.kind === b.dataset.choice));
      pieceEls[i]!.dataset.decided = d ? d.kind : "";
    });
    progress.textContent = progressLabel(decisions);
    apply.disabled = buildChoices(hunks, decisions) === null;
    resultText.replaceChildren(
      ...resultPieces(hunks, decisions).map((piece) => {
        const span = document.createElement("span");
        span.className = `result-${piece.kind}`;
        if (piece.kind === "undecided") {
          span.textContent = `Part ${piece.index! + 1}: not decided yet`;
        } else {
          span.textContent = piece.text;
          if (piece.kind === "chosen" && piece.text === "") span.dataset.empty = "true";
        }
        return span;
      }),
    );
  }

  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    backdrop.remove();
    document.removeEventListener("keydown", onKey, true);
    previous?.focus();
    hooks.onClose();
  };
  const onKey = (event: KeyboardEvent) => {
    if (event.key === "Escape" && !busy) {
      event.preventDefault();
      event.stopPropagation();
      close();
    } else if (event.key === "Tab") {
      // Keep focus inside the sheet.
      const focusable = [...sheet.querySelectorAll<HTMLElement>("button, textarea")].filter((el) => !el.hasAttribute("disabled") && !el.hidden);
      keepTabInside(event, focusable);
    }
  };
  let busy = false;
  cancel.addEventListener("click", close);
  apply.addEventListener("click", async () => {
    const choices = buildChoices(hunks, decisions);
    if (!choices || busy) return;
    busy = true;
    apply.disabled = true;
    cancel.disabled = true;
    problem.hidden = true;
    apply.textContent = "Applying…";
    try {
      await hooks.resolve(choices);
      close();
    } catch (error) {
      problem.textContent = `Couldn't apply: ${toQuireError(error).message}`;
      problem.hidden = false;
      apply.textContent = "Apply";
      apply.disabled = false;
      cancel.disabled = false;
    } finally {
      busy = false;
    }
  });
  document.addEventListener("keydown", onKey, true);
  document.body.append(backdrop);
  update();
  (choiceButtons[0]?.[0] ?? cancel).focus();
  return close;
}

function side(label: string, runs: SideRun[], which: "mine" | "theirs"): HTMLElement {
  const box = document.createElement("div");
  box.className = `conflict-side conflict-${which}`;
  const caption = document.createElement("div");
  caption.className = "conflict-side-label";
  caption.textContent = label;
  const body = document.createElement("div");
  body.className = "conflict-side-text";
  if (runs.every((r) => r.text === "")) {
    body.classList.add("empty");
    body.textContent = which === "mine" ? "(you removed this part)" : "(removed on disk)";
  } else {
    for (const run of runs) {
      if (!run.own) {
        body.append(document.createTextNode(run.text));
        continue;
      }
      const mark = document.createElement("mark");
      mark.className = "conflict-word";
      mark.textContent = run.text;
      body.append(mark);
    }
  }
  box.append(caption, body);
  return box;
}

function cleanBlock(text: string, position: { first: boolean; last: boolean }): HTMLElement {
  const box = document.createElement("div");
  box.className = "conflict-clean";
  const fold = foldClean(text, position);
  const head = document.createElement("span");
  head.textContent = fold.head;
  box.append(head);
  if (fold.hidden > 0) {
    const more = document.createElement("button");
    more.type = "button";
    more.className = "conflict-fold";
    more.textContent = `${fold.hidden} unchanged ${fold.hidden === 1 ? "line" : "lines"}`;
    more.title = "Show the text both versions agree on";
    more.addEventListener("click", () => {
      head.textContent = text;
      more.remove();
      tail.remove();
    });
    const tail = document.createElement("span");
    tail.textContent = fold.tail;
    box.append(more, tail);
  }
  return box;
}
