// `markdownEditor()`: everything an essay's EditorState needs, in one list. Each feature is its
// own extension (theme, block styles, spellcheck, search); this file only puts them together
// and connects the editor to the app through two callbacks.

import type { Extension, Transaction } from "@codemirror/state";
import { EditorView, drawSelection, dropCursor, keymap, highlightSpecialChars, rectangularSelection } from "@codemirror/view";
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
