// What `@codemirror/lang-markdown` gets when it imports `@codemirror/lang-html` (see
// ui/vite.config.ts): HTML inside an essay is highlighted by lang-html loaded the first time an
// essay holds any. lang-markdown builds its HTML language when its module loads, which would put
// lang-html, lang-css, lang-javascript and autocomplete (~200 kB) into the start-up chunk and decode
// their parse tables before the window could show the essay.

import type { Extension } from "@codemirror/state";
import { ParseContext } from "@codemirror/language";
import { Parser, type Input, type PartialParse, type TreeFragment } from "@lezer/common";

let loaded: Parser | null = null;
let loading: Promise<unknown> | null = null;

/** HTML's parser once loaded; until then a parser that skips HTML and asks for a re-parse when it arrives. */
class HtmlOnDemand extends Parser {
  createParse(input: Input, fragments: readonly TreeFragment[], ranges: readonly { from: number; to: number }[]): PartialParse {
    if (loaded) return loaded.startParse(input, fragments, ranges);
    loading ??= import("@codemirror/lang-html").then((lang) => {
      loaded = lang.htmlLanguage.configure({ dialect: "noMatch" }).parser;
    });
    return ParseContext.getSkippingParser(loading).startParse(input, fragments, ranges);
  }
}

const parser = new HtmlOnDemand();

/** Stands in for lang-html's `html()`: the parser for HTML in Markdown, no editing extensions. */
export function html(_config?: unknown): { support: Extension; language: { parser: Parser } } {
  return { support: [], language: { parser } };
}

/** Stands in for lang-html's tag completion, which the editor doesn't offer (`completeHTMLTags: false`). */
export function htmlCompletionSource(): null {
  return null;
}
