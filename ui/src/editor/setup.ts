// `markdownEditor()`: everything an essay's EditorState needs, in one list. Each feature is its
// own extension (theme, block styles, spellcheck, search); this file only puts them together
// and connects the editor to the app through two callbacks.

import { Compartment, type Extension, type Transaction } from "@codemirror/state";
import { EditorView, ViewPlugin, drawSelection, dropCursor, keymap, highlightSpecialChars, rectangularSelection } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { search, searchKeymap } from "@codemirror/search";
import { indentOnInput } from "@codemirror/language";
import { markdown, markdownLanguage } from "@codemirror/lang-markdown";
import { yamlFrontmatter } from "@codemirror/lang-yaml";
import { languages } from "@codemirror/language-data";
import { blockStyles } from "./blocks";
import { spellcheck } from "./spellcheck";
import { systemTheme } from "./theme";
import { fromOutside } from "./reload";

export interface EditorCallbacks {
  /** The writer changed the text (not called for text brought in from outside). */
  onEdit?: (text: string, transaction: Transaction) => void;
  /** The document changed for any reason (typing, undo, outside edit). */
  onDocChange?: (text: string) => void;
  onBlur?: () => void;
}

/** Markdown with YAML front matter; fenced code highlighted by languages loaded on demand. */
export function markdownLanguageSupport(): Extension {
  return yamlFrontmatter({
    content: markdown({ base: markdownLanguage, codeLanguages: languages, addKeymap: true }),
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
    EditorView.lineWrapping,
    markdownLanguageSupport(),
    blockStyles(),
    spellcheck(),
    systemTheme(),
    search({ top: true }),
    keymap.of([...searchKeymap, ...historyKeymap, ...defaultKeymap, indentWithTab]),
    writingModeSlots(),
    EditorView.contentAttributes.of({ "aria-label": "Essay text" }),
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

/** The 1-based number of the first line visible at the top of the editor's scroller. */
export function firstVisibleLine(view: EditorView): number {
  const top = view.scrollDOM.getBoundingClientRect().top;
  const block = view.lineBlockAtHeight(top - view.documentTop);
  return view.state.doc.lineAt(block.from).number;
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
      if (MODES.some((mode) => modeSlots[mode].get(view.state) !== modeWanted[mode])) {
        // No dispatching while the view is being set up: right after.
        queueMicrotask(() => applyWritingModes(view));
      }
      return {};
    }),
  ];
}

function applyWritingModes(view: EditorView): void {
  const effects = MODES.filter((mode) => modeSlots[mode].get(view.state) !== modeWanted[mode]).map((mode) =>
    modeSlots[mode].reconfigure(modeWanted[mode]),
  );
  if (effects.length > 0) view.dispatch({ effects });
}

/** Turns a writing mode on (its extension) or off (`[]`) for the editor and every essay's state. */
export function setWritingMode(view: EditorView, mode: WritingMode, extension: Extension): void {
  modeWanted[mode] = extension;
  applyWritingModes(view);
}
