// The webview's own spellchecker, on for the essay text.

import type { Extension } from "@codemirror/state";
import { EditorView } from "@codemirror/view";

export function spellcheck(lang = "en"): Extension {
  return EditorView.contentAttributes.of({ spellcheck: "true", autocorrect: "on", autocapitalize: "sentences", lang });
}
