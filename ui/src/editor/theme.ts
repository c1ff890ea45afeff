// Light and dark editor themes that follow the system's `prefers-color-scheme`, switched at
// runtime through a Compartment. Colours come from CSS custom properties in styles.css (the same
// palette as the published page), so the two themes differ mainly in CodeMirror's `dark` flag,
// which picks the matching base styles for selections, panels and tooltips.

import { Compartment, type Extension } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { tags as t } from "@lezer/highlight";

export const themeCompartment = new Compartment();

const shared = {
  "&": { color: "var(--text)", backgroundColor: "var(--paper)", height: "100%" },
  "&.cm-focused": { outline: "none" },
  ".cm-scroller": {
    fontFamily: "var(--editor-font)",
    lineHeight: "1.7",
    overflowX: "hidden",
  },
  ".cm-content": {
    maxWidth: "var(--editor-measure)",
    margin: "0 auto",
    padding: "2.5rem 2rem 40vh",
    caretColor: "var(--accent)",
  },
  ".cm-line": { padding: "0" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: "var(--accent)", borderLeftWidth: "2px" },
  "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection":
    { backgroundColor: "var(--selection)" },
  ".cm-panels": {
    backgroundColor: "var(--chrome)",
    color: "var(--text)",
    fontFamily: "var(--sans)",
    fontSize: "0.85rem",
  },
  ".cm-panels.cm-panels-top": { borderBottom: "1px solid var(--faint)" },
  ".cm-search": { padding: "0.5rem 0.75rem", display: "flex", flexWrap: "wrap", alignItems: "center", gap: "0.35rem" },
  ".cm-search input, .cm-search button, .cm-search label": { fontFamily: "var(--sans)", fontSize: "0.8125rem", margin: "0" },
  ".cm-search br": { flexBasis: "100%", height: "0" },
  ".cm-textfield": {
    border: "1px solid var(--faint)",
    borderRadius: "5px",
    padding: "0.2rem 0.45rem",
    backgroundColor: "var(--paper)",
    color: "var(--text)",
  },
  ".cm-button": {
    backgroundImage: "none",
    backgroundColor: "var(--paper)",
    border: "1px solid var(--faint)",
    borderRadius: "5px",
    padding: "0.2rem 0.55rem",
    color: "var(--text)",
  },
  ".cm-search label": { display: "inline-flex", alignItems: "center", gap: "0.2rem", color: "var(--muted)" },
  ".cm-panel.cm-search [name=close]": { color: "var(--muted)", fontSize: "1.1rem", right: "0.5rem", top: "0.3rem" },
  ".cm-searchMatch": { backgroundColor: "var(--search-match)", borderRadius: "2px" },
  ".cm-searchMatch.cm-searchMatch-selected": { backgroundColor: "var(--search-current)" },
  ".cm-frontmatter": { fontFamily: "var(--mono)", fontSize: "0.82em", color: "var(--muted)" },
  ".cm-frontmatter-fence": { color: "var(--faint-text)" },
  ".cm-codeblock": { fontFamily: "var(--mono)", fontSize: "0.85em", backgroundColor: "var(--code-bg)" },
  ".cm-codeblock-first": { borderTopLeftRadius: "4px", borderTopRightRadius: "4px" },
  ".cm-codeblock-last": { borderBottomLeftRadius: "4px", borderBottomRightRadius: "4px" },
};

export function editorTheme(dark: boolean): Extension {
  return EditorView.theme(shared, { dark });
}

/** Markdown plus the code-highlighting palette of the published page (its --hl-* variables). */
export const quireHighlightStyle = HighlightStyle.define([
  { tag: t.heading1, fontWeight: "700", fontSize: "1.3em" },
  { tag: t.heading2, fontWeight: "700", fontSize: "1.15em" },
  { tag: [t.heading3, t.heading4, t.heading5, t.heading6], fontWeight: "700" },
  { tag: t.emphasis, fontStyle: "italic" },
  { tag: t.strong, fontWeight: "700" },
  { tag: t.strikethrough, textDecoration: "line-through" },
  { tag: t.processingInstruction, color: "var(--muted)", fontWeight: "400" },
  { tag: t.contentSeparator, color: "var(--muted)" },
  { tag: t.quote, color: "var(--muted)", fontStyle: "italic" },
  { tag: t.link, color: "var(--accent)" },
  { tag: t.url, color: "var(--muted)", textDecoration: "underline", textDecorationColor: "var(--faint)" },
  { tag: t.monospace, fontFamily: "var(--mono)", fontSize: "0.88em" },
  { tag: t.labelName, color: "var(--muted)" },
  { tag: t.meta, color: "var(--faint-text)" },
  { tag: t.definition(t.propertyName), color: "var(--hl-key)" },
  { tag: t.separator, color: "var(--muted)" },
  { tag: [t.keyword, t.modifier, t.controlKeyword, t.operatorKeyword], color: "var(--hl-kw)" },
  { tag: [t.typeName, t.className, t.namespace], color: "var(--hl-ty)" },
  { tag: [t.string, t.special(t.string), t.regexp], color: "var(--hl-str)" },
  { tag: [t.number, t.bool, t.null, t.atom], color: "var(--hl-num)" },
  { tag: t.comment, color: "var(--hl-com)", fontStyle: "italic" },
  { tag: [t.function(t.variableName), t.function(t.propertyName)], color: "var(--hl-fn)" },
  { tag: [t.attributeName, t.propertyName], color: "var(--hl-attr)" },
  { tag: [t.tagName, t.angleBracket], color: "var(--hl-tag)" },
  { tag: t.escape, color: "var(--muted)" },
  { tag: t.invalid, color: "var(--hl-kw)" },
]);

function systemIsDark(): boolean {
  return typeof matchMedia === "function" && matchMedia("(prefers-color-scheme: dark)").matches;
}

/** The theme for a new EditorState: the compartment, set to what the system shows now. */
export function systemTheme(): Extension {
  return [themeCompartment.of(editorTheme(systemIsDark())), syntaxHighlighting(quireHighlightStyle)];
}

/** Brings a view (e.g. after swapping in a stored state) in line with the system's scheme. */
export function syncTheme(view: EditorView): void {
  view.dispatch({ effects: themeCompartment.reconfigure(editorTheme(systemIsDark())) });
}

/** Re-themes `view` whenever the system switches between light and dark. Returns a stop function. */
export function followSystemTheme(view: EditorView): () => void {
  if (typeof matchMedia !== "function") return () => {};
  const query = matchMedia("(prefers-color-scheme: dark)");
  const onChange = () => syncTheme(view);
  query.addEventListener("change", onChange);
  return () => query.removeEventListener("change", onChange);
}
