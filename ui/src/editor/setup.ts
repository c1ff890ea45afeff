// `markdownEditor()`: everything an essay's EditorState needs, in one list. Each feature is its
// own extension (theme, block styles, spellcheck, search); this file only puts them together
// and connects the editor to the app through two callbacks.

import { Compartment, type Extension, type Transaction } from "@codemirror/state";
import { EditorView, ViewPlugin, drawSelection, dropCursor, keymap, highlightSpecialChars, rectangularSelection, type Command, type BlockInfo } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { indentOnInput } from "@codemirror/language";
import { markdown, markdownLanguage } from "@codemirror/lang-markdown";
import { yamlFrontmatter } from "@codemirror/lang-yaml";
import { languages } from "@codemirror/language-data";
import { blockStyles } from "./blocks";
import { spellcheck } from "./spellcheck";
import { boundedMarkdown } from "./bounded";
import { systemTheme } from "./theme";
import { fromOutside } from "./reload";

/**
 * A line longer than this (characters) is not wrapped: WebKit lays out a wrapped line whole,
 * and a single line of 800 KB (a generated or damaged file; no one types it) took it over
 * 10 s. Unwrapped, the editor draws only the part of the line in view.
 */
export const LONGEST_WRAPPED_LINE = 100_000;

/** Whether `text` has a line longer than LONGEST_WRAPPED_LINE. */
export function hasHugeLine(text: string): boolean {
  if (text.length <= LONGEST_WRAPPED_LINE) return false;
  let start = 0;
  for (;;) {
    const end = text.indexOf("\n", start);
    if ((end < 0 ? text.length : end) - start > LONGEST_WRAPPED_LINE) return true;
    if (end < 0) return false;
    start = end + 1;
  }
}

export interface EditorCallbacks {
  /** The writer changed the text (not called for text brought in from outside). */
  onEdit?: (text: string, transaction: Transaction) => void;
  /** The document changed for any reason (typing, undo, outside edit). */
  onDocChange?: (text: string) => void;
  onBlur?: () => void;
  /** Wrap lines (the default); off for text with a huge line (see hasHugeLine). */
  wrap?: boolean;
}

/**
 * Markdown with YAML front matter. Fenced code is highlighted by languages loaded on demand
 * (`languages` describes them; each loads the first time a fence names it), and so is HTML in
 * the essay (./html-on-demand.ts). No HTML tag completion: the editor offers no completion.
 * Pathological text parses plainly instead of freezing the window (./bounded.ts).
 */
export function markdownLanguageSupport(): Extension {
  return yamlFrontmatter({
    content: markdown({
      base: markdownLanguage,
      codeLanguages: languages,
      addKeymap: true,
      completeHTMLTags: false,
      // No block may take long to parse, whatever the essay holds (./bounded.ts).
      extensions: [boundedMarkdown],
    }),
  });
}

export function markdownEditor(callbacks: EditorCallbacks = {}): Extension {
  return [
    history(),
    drawSelection(),
    dropCursor(),
    rectangularSelection(),
    highlightSpecialChars(),
    indentOnInput(),
    callbacks.wrap === false ? [] : EditorView.lineWrapping,
    markdownLanguageSupport(),
    blockStyles(),
    spellcheck(),
    systemTheme(),
    searchSlot.of(searchWanted),
    keymap.of([...historyKeymap, ...defaultKeymap, indentWithTab]),
    writingModeSlots(),
    // tabindex: the text is reachable with Tab (as contenteditable is), said outright for
    // tools that look for it (axe-core: the scroller must hold something focusable).
    EditorView.contentAttributes.of({ "aria-label": "Essay text", tabindex: "0" }),
    EditorView.updateListener.of((update) => {
      if (!update.docChanged) return;
      const text = update.state.doc.toString();
      callbacks.onDocChange?.(text);
      const typed = update.transactions.find((tr) => tr.docChanged && !tr.annotation(fromOutside));
      if (typed) callbacks.onEdit?.(text, typed);
    }),
    EditorView.domEventHandlers({
      blur: () => {
        callbacks.onBlur?.();
        return false;
      },
    }),
  ];
}

/**
 * The line block at the top edge of the editor's scroller, as a reader sees it, and the edge's
 * height in document coordinates. Scroll positions are whole (or device) pixels while line
 * boundaries fall between them, depending on the fonts' metrics: a line of which less than a
 * pixel still shows above the top edge is not what the reader sees there, the next one is.
 */
export function topEdge(view: EditorView): { block: BlockInfo; height: number } {
  const height = view.scrollDOM.getBoundingClientRect().top - view.documentTop;
  let block = view.lineBlockAtHeight(height);
  if (block.bottom - height < 1 && block.to < view.state.doc.length) block = view.lineBlockAt(block.to + 1);
  return { block, height };
}

/** The 1-based number of the first line visible at the top of the editor's scroller. */
export function firstVisibleLine(view: EditorView): number {
  return view.state.doc.lineAt(topEdge(view).block.from).number;
}

// --- Find (@codemirror/search, loaded on first use) ------------------------------------------
// Until the writer first looks for something, each state carries only search's keys, bound to
// commands that load the module; then its panel and keys replace them in every state (the way
// writing modes reach every state, below), and the key that loaded it does what it says.

type SearchModule = typeof import("@codemirror/search");
type SearchCommand = "openSearchPanel" | "findNext" | "findPrevious" | "selectSelectionMatches" | "gotoLine" | "selectNextOccurrence";

const searchSlot = new Compartment();
let searchModule: Promise<SearchModule> | null = null;

function loadSearch(): Promise<SearchModule> {
  searchModule ??= import("@codemirror/search").then((module) => {
    searchWanted = [module.search({ top: true }), keymap.of(module.searchKeymap)];
    return module;
  });
  return searchModule;
}

/** Runs search's `command` on `view` once the module is in (at once after the first time). */
async function runSearch(view: EditorView, command: SearchCommand): Promise<void> {
  const module = await loadSearch();
  applyWritingModes(view);
  module[command](view);
}

function later(command: SearchCommand): Command {
  return (view) => {
    void runSearch(view, command);
    return true;
  };
}

/** search's keymap, minus Escape (no panel can be open before the module is loaded). */
let searchWanted: Extension = keymap.of([
  { key: "Mod-f", run: later("openSearchPanel"), scope: "editor search-panel" },
  { key: "F3", run: later("findNext"), shift: later("findPrevious"), scope: "editor search-panel", preventDefault: true },
  { key: "Mod-g", run: later("findNext"), shift: later("findPrevious"), scope: "editor search-panel", preventDefault: true },
  { key: "Mod-Shift-l", run: later("selectSelectionMatches") },
  { key: "Mod-Alt-g", run: later("gotoLine") },
  { key: "Mod-d", run: later("selectNextOccurrence"), preventDefault: true },
]);

/** Opens the find panel (loading search the first time), with the focus in its field. */
export function openFind(view: EditorView): Promise<void> {
  return runSearch(view, "openSearchPanel");
}

// --- Writing modes (focus mode, typewriter scrolling) ----------------------------------------
// One setting for the window, but every essay has its own EditorState: each state carries the
// modes in compartments, and a state that was stashed while the modes changed catches up as
// soon as the editor shows it again.

export type WritingMode = "focus" | "typewriter";

const modeSlots: Record<WritingMode, Compartment> = { focus: new Compartment(), typewriter: new Compartment() };
const modeWanted: Record<WritingMode, Extension> = { focus: [], typewriter: [] };
const MODES: WritingMode[] = ["focus", "typewriter"];

function writingModeSlots(): Extension {
  return [
    ...MODES.map((mode) => modeSlots[mode].of(modeWanted[mode])),
    // Plugins are rebuilt when the view gets another state (switching essays).
    ViewPlugin.define((view) => {
      if (searchSlot.get(view.state) !== searchWanted || MODES.some((mode) => modeSlots[mode].get(view.state) !== modeWanted[mode])) {
        // No dispatching while the view is being set up: right after.
        queueMicrotask(() => applyWritingModes(view));
      }
      return {};
    }),
  ];
}

/** Brings the view's state up to the window's writing modes (and find, once loaded). */
function applyWritingModes(view: EditorView): void {
  const effects = MODES.filter((mode) => modeSlots[mode].get(view.state) !== modeWanted[mode]).map((mode) =>
    modeSlots[mode].reconfigure(modeWanted[mode]),
  );
  if (searchSlot.get(view.state) !== searchWanted) effects.push(searchSlot.reconfigure(searchWanted));
  if (effects.length > 0) view.dispatch({ effects });
}

/** Turns a writing mode on (its extension) or off (`[]`) for the editor and every essay's state. */
export function setWritingMode(view: EditorView, mode: WritingMode, extension: Extension): void {
  modeWanted[mode] = extension;
  applyWritingModes(view);
}
