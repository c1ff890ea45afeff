// What the bare editor's bundle gets for `@codemirror/lang-markdown`'s import of
// `@codemirror/lang-html` (see bench-window.sh): no HTML highlighting inside Markdown, so that
// the reference holds CodeMirror's core and its Markdown support, not lang-html, lang-css,
// lang-javascript and autocomplete (Quire's own bundle loads those on demand too).
import { ParseContext } from "@codemirror/language";

export function html() {
  return { support: [], language: { parser: ParseContext.getSkippingParser() } };
}

export function htmlCompletionSource() {
  return null;
}
